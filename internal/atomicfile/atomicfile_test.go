package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

func TestWriteReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(got) != "new" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v, want \"new\" mode 0600", got, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

// Replacing a file another user owns (as root does for /etc/docker) keeps
// that owner; the temporary file would otherwise leave it root's.
func TestWriteKeepsOwner(t *testing.T) {
	testenv.RequireRoot(t)
	path := filepath.Join(t.TempDir(), "web.json")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 5678 || fi.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %v, want 1234:5678 0640", st.Uid, st.Gid, fi.Mode().Perm())
	}
}

// A new file gets perm less the umask, as open(2) would give it.
func TestNewFileRespectsUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	if got := Umask(); got != 0o077 {
		t.Fatalf("Umask() = %o, want 077", got)
	}
	path := filepath.Join(t.TempDir(), "new.json")
	if err := Write(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v under umask 077, want 0600", fi.Mode().Perm())
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing-dir", "out.json")
	if err := Write(path, []byte("x"), 0o644); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

// Stage replaces only regular files: a FIFO (or a device, or a symlink)
// is never swapped for a regular file.
func TestStageRefusesToReplaceAnotherFileType(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink("target", link)
	for _, path := range []string{fifo, link} {
		var txn Txn
		err := txn.Stage(path, []byte("x"), 0o644)
		if err == nil || !strings.Contains(err.Error(), "refusing to replace") {
			t.Errorf("%s: Stage = %v, want a refusal", path, err)
		}
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now a %v", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

// When the second of two renames fails, the first file gets its old
// content back and no temporary file or backup remains.
func TestCommitRollsBackWhenARenameFails(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	os.WriteFile(a, []byte("old a"), 0o644)
	var txn Txn
	if err := txn.Stage(a, []byte("new a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := txn.Stage(b, []byte("new b"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Something makes b a non-empty directory between stage and commit:
	// renaming a file over it fails.
	os.MkdirAll(filepath.Join(b, "x"), 0o755)
	err := txn.Commit()
	if err == nil || !strings.Contains(err.Error(), "no file was changed") {
		t.Fatalf("Commit = %v, want a failure that restored a.json", err)
	}
	if got, _ := os.ReadFile(a); string(got) != "old a" {
		t.Errorf("a.json = %q after rollback, want \"old a\"", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

// A multi-file commit that succeeds leaves the new files and nothing else.
func TestCommitWritesEveryFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	os.WriteFile(a, []byte("old a"), 0o600)
	var txn Txn
	for _, p := range []string{a, b} {
		if err := txn.Stage(p, []byte("new "+filepath.Base(p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "new "+filepath.Base(p) {
			t.Errorf("%s = %q", p, got)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

// A file another user planted in a sticky directory anyone may write to is
// refused when it is staged, not only when -o is first looked at: one
// planted in between would otherwise make the new file the planter's.
func TestStageRefusesAPlantedFile(t *testing.T) {
	testenv.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "sticky")
	if err := os.Mkdir(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777|os.ModeSticky)
	planted := filepath.Join(dir, "out.json")
	if err := os.WriteFile(planted, []byte("planted"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(planted, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	var txn Txn
	err := txn.Stage(planted, []byte("new"), 0o644)
	txn.Abort()
	if err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Fatalf("Stage over a planted file: %v; want a refusal naming its owner", err)
	}
	if b, _ := os.ReadFile(planted); string(b) != "planted" {
		t.Errorf("the planted file was changed: %q", b)
	}
	// root's own file there is replaced as usual.
	os.Chown(planted, 0, 0)
	if err := Write(planted, []byte("new"), 0o644); err != nil {
		t.Errorf("Write over root's own file: %v", err)
	}
}
