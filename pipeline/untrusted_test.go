package pipeline

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
)

// loadText writes src to dir/name and loads it; the diagnostics come back
// as text.
func loadText(t *testing.T, dir, name, src string) (string, error) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags, err := Load(path, compiler.Options{})
	return diags.Text(), err
}

// base "FILE" names any regular file the user can read, and nothing else:
// /dev/zero grew to 23 GB, a FIFO would block for ever.
func TestBaseMustBeARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.sp")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.sp"))
	for base, want := range map[string]string{
		"/dev/zero": "p.sp:1:6: error: cannot read base profile: /dev/zero is a character device, not a regular file",
		"zero.sp":   "is a character device, not a regular file",
		"fifo.sp":   "is a FIFO, not a regular file",
		".":         "is a directory, not a regular file",
	} {
		text, err := loadText(t, dir, "p.sp", fmt.Sprintf("base %q\ndeny chmod\n", base))
		if ExitCode(err) != ExitProfile || !strings.Contains(text, want) {
			t.Errorf("base %q: exit %d, diagnostics:\n%s\nwant %q", base, ExitCode(err), text, want)
		}
	}
}

// base "/etc/shadow" printed every line of it in "unknown statement"
// errors. Now nothing of a file that is not a profile is shown but its
// first short token.
func TestBaseThatIsNoProfileIsNotEchoed(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "shadow")
	lines := []string{"root:$y$j9T$SALT$HASHHASHHASH:19700:0:99999:7:::", "alice:$6$xyz$alicehash:19700:0:99999:7:::", "bob ALL=(ALL) NOPASSWD: ALL"}
	os.WriteFile(secret, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	text, err := loadText(t, dir, "p.sp", "base \"shadow\"\ndeny chmod\n")
	if ExitCode(err) != ExitProfile || !strings.Contains(text, "this does not look like a secprof or Docker profile") {
		t.Fatalf("exit %d:\n%s", ExitCode(err), text)
	}
	for _, l := range lines {
		for _, part := range strings.FieldsFunc(l, func(r rune) bool { return r == ':' || r == '$' || r == ' ' }) {
			if len(part) > 4 && strings.Contains(text, part) {
				t.Errorf("diagnostics show %q of the base:\n%s", part, text)
			}
		}
	}
}

// A base that is the profile itself under another spelling is named as a
// cycle; a chain of MaxBaseDepth bases is fine, one more is an error.
func TestBaseCyclesAndDepth(t *testing.T) {
	dir := t.TempDir()
	os.Symlink("p.sp", filepath.Join(dir, "alias.sp"))
	for _, base := range []string{"p.sp", "./p.sp", "alias.sp", "../" + filepath.Base(dir) + "/p.sp"} {
		text, _ := loadText(t, dir, "p.sp", fmt.Sprintf("base %q\ndeny chmod\n", base))
		if !strings.Contains(text, "builds on itself") {
			t.Errorf("base %q in p.sp:\n%s", base, text)
		}
	}

	chain := func(n int) (string, error) {
		// top.sp -> b1.sp -> … -> bn.sp, which has the default
		for i := 1; i < n; i++ {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("b%d.sp", i)), fmt.Appendf(nil, "base \"b%d.sp\"\ndeny chmod\n", i+1), 0o644)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("b%d.sp", n)), []byte("default allow\n"), 0o644)
		return loadText(t, dir, "top.sp", "base \"b1.sp\"\ndeny chown\n")
	}
	if text, err := chain(compiler.MaxBaseDepth); err != nil {
		t.Errorf("%d bases in a row:\n%s", compiler.MaxBaseDepth, text)
	}
	if text, _ := chain(compiler.MaxBaseDepth + 1); !strings.Contains(text, "bases nest more than 8 deep") {
		t.Errorf("%d bases in a row:\n%s", compiler.MaxBaseDepth+1, text)
	}
}

// "-" reads the source from stdin, named <stdin>; a base in it is relative
// to the working directory.
func TestLoadStdin(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.sp"), []byte("default allow\n"), 0o644)
	t.Chdir(dir)
	stdin := filepath.Join(t.TempDir(), "stdin")
	os.WriteFile(stdin, []byte("profile piped\nbase \"base.sp\"\ndeny chmdo\n"), 0o644)
	withStdin(t, stdin)
	_, diags, err := Load("-", compiler.Options{})
	want := `<stdin>:3:6: error: unknown syscall "chmdo"`
	if ExitCode(err) != ExitProfile || !strings.HasPrefix(diags.Text(), want) {
		t.Errorf("Load(-): exit %d\n%s\nwant %s…", ExitCode(err), diags.Text(), want)
	}
}

func withStdin(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// A source over the size limit is a wrong profile (exit 1), named; one
// that is not a regular file is a usage error (exit 2), found without
// opening it (a FIFO would block).
func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	at := append(bytes.Repeat([]byte("#"), profiles.MaxSourceBytes-len("\ndefault allow\n")), "\ndefault allow\n"...)
	if text, err := loadText(t, dir, "at.sp", string(at)); err != nil {
		t.Errorf("a source of exactly 4 MiB: %v\n%s", err, text)
	}
	over := filepath.Join(dir, "over.sp")
	text, err := loadText(t, dir, "over.sp", string(at)+"#")
	if want := over + ": error: source is larger than 4 MiB, the limit for a source"; ExitCode(err) != ExitProfile || strings.TrimSpace(text) != want {
		t.Errorf("one byte over: exit %d\n%s\nwant %s", ExitCode(err), text, want)
	}
	fifo := filepath.Join(dir, "fifo.sp")
	syscall.Mkfifo(fifo, 0o644)
	if _, _, err := Load(fifo, compiler.Options{}); ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "is a FIFO, not a regular file") {
		t.Errorf("Load(FIFO) = %v; want a usage error", err)
	}
}

// A source with more than MaxPerFile problems shows the first 50 and a
// count of the rest.
func TestLoadCapsDiagnostics(t *testing.T) {
	src := "default allow\n" + strings.Repeat("deny nosuchcall\n", diag.MaxPerFile+7)
	text, err := loadText(t, t.TempDir(), "p.sp", src)
	if ExitCode(err) != ExitProfile || strings.Count(text, "\n") != diag.MaxPerFile+1 || !strings.Contains(text, "error: and 7 more diagnostics in this file") {
		t.Errorf("exit %d\n%s", ExitCode(err), text)
	}
}
