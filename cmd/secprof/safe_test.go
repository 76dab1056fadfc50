package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/secprof/secprof/pipeline"
)

// runIn runs the CLI in-process, as the fuzz target does.
func runIn(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = runCLI(context.Background(), args, &out, &errb, nil)
	return out.String(), errb.String(), code
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodSource = "profile web\ndefault allow\ndeny @chmod\n"

// Item 2: -o /dev/stdout writes to stdout, a FIFO stays a FIFO, a symlink
// stays a symlink and its target gets the profile.
func TestOutputWritesThroughSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, filepath.Join(dir, "p.sp"), goodSource)

	stdout, stderr, code := runIn("compile", src, "-o", "/dev/stdout")
	if code != 0 || !strings.Contains(stdout, `"fchmodat2"`) {
		t.Errorf("-o /dev/stdout: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	target := writeFile(t, filepath.Join(dir, "real.json"), "old")
	link := filepath.Join(dir, "link.json")
	os.Symlink("real.json", link)
	if _, stderr, code := runIn("compile", src, "-o", link); code != 0 {
		t.Fatalf("-o symlink: exit %d: %s", code, stderr)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a %v", fi.Mode())
	}
	if got, _ := os.ReadFile(target); !bytes.Contains(got, []byte("fchmodat2")) {
		t.Errorf("the symlink's target holds %q", got)
	}

	fifo := filepath.Join(dir, "pipe")
	syscall.Mkfifo(fifo, 0o644)
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if _, stderr, code := runIn("compile", src, "-o", fifo); code != 0 {
		t.Fatalf("-o FIFO: exit %d: %s", code, stderr)
	}
	if b := <-got; !bytes.Contains(b, []byte("fchmodat2")) {
		t.Errorf("the FIFO's reader got %q", b)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now a %v", fi.Mode())
	}

	if _, stderr, code := runIn("compile", src, "-o", "/dev/null"); code != 0 {
		t.Fatalf("-o /dev/null: exit %d: %s", code, stderr)
	}
	if fi, _ := os.Lstat("/dev/null"); fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is now a %v", fi.Mode())
	}
}

// Item 3, end to end: a hostile profile name writes nothing anywhere.
func TestProfileNameCannotLeaveTheOutputDirectory(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "a"), 0o755)
	out := filepath.Join(dir, "a", "out") + "/"
	for _, src := range []string{"profile ../../evil\ndefault allow\n", `{"profile": "/tmp/evil", "seccomp": {"default": "allow"}}`} {
		p := writeFile(t, filepath.Join(dir, "a", "p.sp"), src)
		_, stderr, code := runIn("compile", p, "-f", "docker,oci", "-o", out)
		if code != 1 || !strings.Contains(stderr, "p.sp:1:") || !strings.Contains(stderr, "is not allowed") {
			t.Errorf("%q: exit %d, stderr %q", src, code, stderr)
		}
	}
	for _, p := range []string{filepath.Join(dir, "evil.json"), "/tmp/evil.json", filepath.Join(dir, "a", "out")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}

// Item 6: a profile over the kernel's limit fails on every compile, not
// only with --stats or -f bpf, and every line of the message names the file.
func TestInstructionLimitCheckedOnEveryCompile(t *testing.T) {
	var b strings.Builder
	b.WriteString("default allow\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "deny personality if arg0 == %d\n", i)
	}
	src := writeFile(t, filepath.Join(t.TempDir(), "big.sp"), b.String())
	for _, format := range []string{"docker", "oci"} {
		stdout, stderr, code := runIn("compile", "-f", format, src)
		if code != 1 || stdout != "" {
			t.Errorf("-f %s: exit %d, %d bytes on stdout; want exit 1 and nothing", format, code, len(stdout))
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if !strings.Contains(stderr, "the kernel's limit is 4096") {
			t.Errorf("-f %s: stderr does not name the limit: %s", format, stderr)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, src+":") {
				t.Errorf("-f %s: a line without the file: %q", format, l)
			}
		}
	}
}

// Item 9: every non-zero exit says why; write errors are exit 2; -f is
// checked; --json stderr is one object and lists are [].
func TestEveryFailureSaysWhy(t *testing.T) {
	dir := t.TempDir()
	seccompOnly := writeFile(t, filepath.Join(dir, "s.sp"), "default allow\ndeny @chmod\n")
	aaOnly := writeFile(t, filepath.Join(dir, "aa.sp"), "profile web\napparmor {\n  deny /etc/shadow rw\n}\n")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"compile", "-f", "apparmor", seccompOnly}, 1, "no apparmor block"},
		{[]string{"compile", aaOnly}, 1, "no seccomp rules"},
		{[]string{"compile", "-f", "", seccompOnly}, 2, "empty format"},
		{[]string{"compile", "-f", "docker,", seccompOnly}, 2, "empty format"},
		{[]string{"compile", "-f", "docker,docker", seccompOnly, "-o", dir + "/"}, 2, "named twice"},
	} {
		stdout, stderr, code := runIn(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d saying %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}

	stdout, stderr, code := runIn("--json", "compile", "-f", "apparmor", seccompOnly, "-o", filepath.Join(dir, "web"))
	var rep struct {
		Exit        int
		Error       *struct{ Kind, Message string }
		Diagnostics []json.RawMessage
	}
	if err := json.Unmarshal([]byte(stderr), &rep); err != nil || code != 1 || rep.Exit != 1 || rep.Error == nil || rep.Error.Kind != "profile" || len(rep.Diagnostics) == 0 || stdout != "" {
		t.Errorf("--json error: %v, exit %d, stderr %s, stdout %q", err, code, stderr, stdout)
	}
	_, stderr, _ = runIn("--json", "no-such-command")
	if err := json.Unmarshal([]byte(stderr), &rep); err != nil || rep.Error == nil || rep.Error.Kind != "usage" || rep.Diagnostics == nil {
		t.Errorf("--json parse error is not one object: %v %s", err, stderr)
	}
	if stdout, _, code := runIn("--json", "test", "--engine", "none", seccompOnly); code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("--json test with no checks: exit %d, stdout %q; want []", code, stdout)
	}
}

// Item 9: a full stdout is exit 2 with a message, for every command that
// writes there (run as a binary, with stdout really /dev/full).
func TestStdoutWriteErrorExitsTwo(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	for _, args := range [][]string{
		{"diff", "../../testdata/profiles/seed.sp", "../../testdata/profiles/seed.json"},
		{"--json", "families"},
		{"families"},
		{"compile", "../../testdata/profiles/seed.sp"},
		{"--json", "test", "--engine", "none", "../../testdata/profiles/seed.sp"},
	} {
		cmd := exec.Command(binary, args...)
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = full, &errb
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(errb.String(), "no space left") {
			t.Errorf("%q to /dev/full: exit %d, stderr %q; want 2 naming the write error", args, code, errb.String())
		}
	}
}

// Item 11: a file's owner and mode survive, umask holds for new files, a
// directory output that would fail halfway writes nothing, and only the
// directory -o DIR/ names is created.
func TestOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, filepath.Join(dir, "web.sp"), goodSource+"apparmor {\n  deny /etc/shadow rw\n}\n")
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	old := writeFile(t, filepath.Join(out, "web.json"), "old")
	os.Chmod(old, 0o600)
	// The AppArmor profile's file name is taken by a directory: that
	// output must fail, before web.json is touched.
	os.Mkdir(filepath.Join(out, "web"), 0o755)
	_, stderr, code := runIn("compile", src, "-f", "docker,oci,apparmor", "-o", out+"/")
	if code != 2 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("exit %d, stderr %q; want 2 naming the directory", code, stderr)
	}
	if got, _ := os.ReadFile(old); string(got) != "old" {
		t.Errorf("web.json was written although another output failed: %q", got)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 2 {
		t.Errorf("left in the output directory: %v", entries)
	}
	os.Remove(filepath.Join(out, "web"))
	if _, stderr, code := runIn("compile", src, "-f", "docker,oci,apparmor", "-o", out+"/"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o600 {
		t.Errorf("web.json's mode became %v", fi.Mode().Perm())
	}

	two := writeFile(t, filepath.Join(dir, "two.sp"), "profile two\ndefault allow\n")
	_, stderr, code = runIn("compile", src, two, "-o", filepath.Join(dir, "combined.json"))
	if code != 2 || !strings.Contains(stderr, "need a directory") {
		t.Errorf("two sources to a file name: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "combined.json")); err == nil {
		t.Errorf("combined.json was created")
	}
	_, stderr, code = runIn("compile", src, "-o", filepath.Join(dir, "x", "y", "web.json"))
	if code != 2 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("missing parents: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Errorf("missing parent directories were created")
	}
	if _, stderr, code := runIn("compile", src, two, "-o", filepath.Join(dir, "new")+"/"); code != 0 {
		t.Errorf("-o NEW/: exit %d, %s", code, stderr)
	}

	oldMask := syscall.Umask(0o077)
	_, _, code = runIn("compile", src, "-o", filepath.Join(dir, "private.json"))
	syscall.Umask(oldMask)
	if fi, err := os.Stat(filepath.Join(dir, "private.json")); code != 0 || err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("under umask 077: exit %d, %v", code, err)
	}
}

// Item 13: install-completions writes the hook into the shell's startup
// file (once), and uninstall takes it out again.
func TestInstallCompletions(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("SHELL", "/bin/bash")
	rc := writeFile(t, filepath.Join(home, ".bashrc"), "alias ll='ls -l'\n")
	for i := 0; i < 2; i++ {
		if _, stderr, code := runIn("install-completions"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	got, _ := os.ReadFile(rc)
	if strings.Count(string(got), "complete -C ") != 1 || !strings.HasPrefix(string(got), "alias ll") {
		t.Errorf(".bashrc after two installs:\n%s", got)
	}
	if _, _, code := runIn("install-completions", "--uninstall"); code != 0 {
		t.Fatal("uninstall failed")
	}
	if got, _ := os.ReadFile(rc); string(got) != "alias ll='ls -l'\n" {
		t.Errorf(".bashrc after uninstall: %q", got)
	}
	t.Setenv("SHELL", "/bin/tcsh")
	if _, stderr, code := runIn("install-completions"); code != 2 || !strings.Contains(stderr, "--shell") {
		t.Errorf("unknown shell: exit %d, %q", code, stderr)
	}
}

// A pull request names its own files, and a container engine's stderr is
// quoted in a result: an escape sequence or a newline in either must reach
// the terminal as text, so it can neither act on the terminal nor print a
// fake diagnostic, table row or count.
func TestUntrustedTextReachesTheTerminalEscaped(t *testing.T) {
	dir := t.TempDir()
	evil := "a\x1b[2J\x1b]0;title\a\nfake.sp:1:1: all checks passed\n"
	src := writeFile(t, filepath.Join(dir, evil+".sp"), "profile p\ndefault allow\ndeny chmdo\n")
	fifo := filepath.Join(dir, evil+".fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"compile", src}, {"compile", fifo}} {
		_, stderr, code := runIn(args...)
		if code == 0 || stderr == "" {
			t.Fatalf("secprof %s: exit %d, stderr %q; want a failure that says why", args[0], code, stderr)
		}
		assertInert(t, stderr)
	}

	var table bytes.Buffer
	writeTable(&table, []pipeline.CheckResult{{Check: `run "x"`, Expected: "succeeds", Got: "not run",
		Why: "the driver stopped: " + evil + "1\tpassed, 0 failed"}})
	assertInert(t, table.String())
	if lines := strings.Count(table.String(), "\n"); lines != 3 {
		t.Errorf("table of one result has %d lines; want 3:\n%s", lines, table.String())
	}
}

// assertInert fails if out holds a control character other than the line
// ends, or a line that does not start as secprof's own lines do.
func assertInert(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("a control character reaches the terminal: %q", line)
		}
		if strings.HasPrefix(line, "fake") || strings.HasPrefix(line, "1") {
			t.Errorf("an untrusted newline starts a line of its own: %q", line)
		}
	}
}
