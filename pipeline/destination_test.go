package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

// In a sticky directory anyone may write to, a file another user planted
// is not written through: root's `-o /tmp/out.json` must not follow a
// symlink to a file of root's, nor fill a file its planter keeps owning,
// as the kernel's protected_symlinks and protected_regular guards would
// refuse a root shell's `>` there.
func TestStickyDirectoryRefusesAPlantedFile(t *testing.T) {
	testenv.RequireRoot(t)
	const planter = 65534 // nobody
	root := t.TempDir()
	precious := filepath.Join(root, "precious")
	if err := os.WriteFile(precious, []byte("root's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sticky := filepath.Join(root, "tmp")
	if err := os.Mkdir(sticky, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sticky, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	plant := func(name string, make func(path string) error) string {
		path := filepath.Join(sticky, name)
		if err := make(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(path, planter, planter); err != nil {
			t.Fatal(err)
		}
		return path
	}
	link := plant("link.json", func(p string) error { return os.Symlink(precious, p) })
	file := plant("file.json", func(p string) error { return os.WriteFile(p, nil, 0o666) })
	fifo := plant("fifo.json", func(p string) error { return syscall.Mkfifo(p, 0o666) })
	mine := filepath.Join(sticky, "mine.json")
	if err := os.Symlink(precious, mine); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{link, file, fifo} {
		err := WriteAll([]Output{{Path: path, Data: []byte("{}\n")}}, nil)
		if err == nil || !strings.Contains(err.Error(), "owned by uid 65534 in the sticky directory") {
			// Fatal: written through, the FIFO would wait for a reader.
			t.Fatalf("-o %s (planted by uid %d): %v; want a refusal naming the owner", path, planter, err)
		}
	}
	if b, _ := os.ReadFile(precious); string(b) != "root's\n" {
		t.Fatalf("a planted symlink was followed: %s holds %q", precious, b)
	}
	// A link of secprof's own user is followed as before.
	if err := WriteAll([]Output{{Path: mine, Data: []byte("{}\n")}}, nil); err != nil {
		t.Fatalf("-o %s (root's own link): %v", mine, err)
	}
	if b, _ := os.ReadFile(precious); string(b) != "{}\n" {
		t.Errorf("root's own link was not followed: %s holds %q", precious, b)
	}
}
