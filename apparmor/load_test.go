package apparmor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeParser points Load at a stand-in apparmor_parser that records its
// arguments, and at a securityFS that exists or not.
func fakeParser(t *testing.T, active bool) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := filepath.Join(dir, "apparmor_parser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" > "+argsFile+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fs := filepath.Join(dir, "apparmor")
	if active {
		if err := os.Mkdir(fs, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	oldFS, oldParser := securityFS, parser
	securityFS, parser = fs, script
	t.Cleanup(func() { securityFS, parser = oldFS, oldParser })
	return argsFile
}

func TestLoadWhereActive(t *testing.T) {
	args := fakeParser(t, true)
	if err := Load(context.Background(), "/tmp/web"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(got)) != "-r -W /tmp/web" {
		t.Errorf("apparmor_parser ran with %q, want -r -W /tmp/web", got)
	}
}

func TestLoadWhereInactive(t *testing.T) {
	args := fakeParser(t, false)
	err := Load(context.Background(), "out/my web")
	var na *NotActiveError
	if !errors.As(err, &na) {
		t.Fatalf("Load = %v, want a *NotActiveError", err)
	}
	if want := `apparmor_parser -r -W 'out/my web'`; na.Command != want {
		t.Errorf("command %q, want %q", na.Command, want)
	}
	if !strings.Contains(err.Error(), na.Command) {
		t.Errorf("message %q lacks the command", err)
	}
	if _, err := os.Stat(args); err == nil {
		t.Error("apparmor_parser ran where AppArmor is not active")
	}
}

func TestLoadReportsParserFailure(t *testing.T) {
	fakeParser(t, true)
	script := parser
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'AppArmor parser error: bad' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Load(context.Background(), "/tmp/web")
	if err == nil || !strings.Contains(err.Error(), "AppArmor parser error: bad") {
		t.Errorf("Load = %v, want the parser's message", err)
	}
}

func TestCheckRejectsBrokenText(t *testing.T) {
	ctx := requireParser(t)
	if _, err := Check(ctx, []byte("profile x {\n  capability sys_admn,\n}\n")); err == nil || !strings.Contains(err.Error(), "sys_admn") {
		t.Errorf("Check = %v, want apparmor_parser's complaint about sys_admn", err)
	}
}
