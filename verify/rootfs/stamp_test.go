package rootfs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStampFindsTheTreeTheFullPlanGives(t *testing.T) {
	requireInputs(t)
	cache := t.TempDir()
	built, err := EnsureIn(cache)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := fromStamp(cache)
	if !ok || got != built {
		t.Fatalf("fromStamp = %+v, %v; want %+v, true", got, ok, built)
	}
	again, err := EnsureIn(cache)
	if err != nil || again != built {
		t.Fatalf("EnsureIn again = %+v, %v; want %+v", again, err, built)
	}
}

// A stamp over a file secprof controls: it holds until the file changes,
// and only while the tree it names exists.
func TestStampNoLongerHoldsWhenAnInputChanges(t *testing.T) {
	cache := t.TempDir()
	input := filepath.Join(t.TempDir(), "libinput.so")
	if err := os.WriteFile(input, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &plan{files: []string{input}, cc: lookCC()}
	hash, err := p.hash()
	if err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(cache, "rootfs-"+hash[:16])
	if err := os.MkdirAll(filepath.Join(tree, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "bin", "busybox"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeStamp(cache, p, hash); err != nil {
		t.Fatal(err)
	}
	if got, ok := fromStamp(cache); !ok || got.Dir != tree {
		t.Fatalf("fresh stamp: %+v, %v; want %s", got, ok, tree)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(input, later, later); err != nil {
		t.Fatal(err)
	}
	if got, ok := fromStamp(cache); ok {
		t.Fatalf("stamp still holds after its input changed: %+v", got)
	}
	if hash, err = p.hash(); err != nil {
		t.Fatal(err)
	}
	if err := writeStamp(cache, p, hash); err != nil {
		t.Fatal(err)
	}
	if _, ok := fromStamp(cache); ok {
		t.Fatal("stamp holds although the tree it names does not exist")
	}
}
