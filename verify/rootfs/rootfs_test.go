package rootfs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

func requireInputs(t *testing.T) {
	t.Helper()
	_, err := os.Stat(Busybox)
	testenv.Require(t, err == nil && requireStatic(Busybox) == nil, "a static busybox at "+Busybox+" (busybox-static)")
}

func TestBuildHasBothUserlands(t *testing.T) {
	requireInputs(t)
	cache := t.TempDir()
	fsys, err := EnsureIn(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"bin/busybox", "bin/sh", "bin/chmod", "usr/bin/chmod", "usr/bin/mount", "etc/passwd", "etc/ld.so.cache", "tmp", "proc", "dev", "sys"} {
		if _, err := os.Lstat(filepath.Join(fsys.Dir, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if target, _ := os.Readlink(filepath.Join(fsys.Dir, "bin/chmod")); target != "busybox" {
		t.Errorf("bin/chmod -> %q, want the busybox applet", target)
	}
	// The glibc chmod must really run from inside the tree, with the loader
	// and libraries the tree holds, not the host's.
	out, err := exec.Command("chroot", fsys.Dir, "/usr/bin/chmod", "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("chroot %s /usr/bin/chmod: %v\n%s", fsys.Dir, err, out)
	}
	if !strings.Contains(string(out), "GNU coreutils") {
		t.Errorf("/usr/bin/chmod --version = %q, want GNU coreutils", out)
	}
	out, err = exec.Command("chroot", fsys.Dir, "/usr/bin/mount", "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "util-linux") {
		t.Errorf("/usr/bin/mount --version: %v %q", err, out)
	}
}

func TestEnsureReusesTree(t *testing.T) {
	requireInputs(t)
	cache := t.TempDir()
	a, err := EnsureIn(cache)
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(a.Dir, "etc", "built-once")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := EnsureIn(cache)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("second Ensure gave %+v, first %+v", b, a)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("tree was rebuilt: %v", err)
	}
	checkOnlyTree(t, cache)
}

// checkOnlyTree fails unless cache holds one tree and its stamp: no
// half-built directory, no temporary stamp.
func checkOnlyTree(t *testing.T, cache string) {
	t.Helper()
	entries, _ := os.ReadDir(cache)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 || !strings.HasPrefix(names[0], "rootfs-") || names[1] != stampName {
		t.Errorf("cache holds %v, want only the tree and %s", names, stampName)
	}
}

func TestImage(t *testing.T) {
	requireInputs(t)
	testenv.RequireCommand(t, "docker")
	testenv.Require(t, exec.Command("docker", "info").Run() == nil, "a Docker daemon that answers docker info")
	fsys, err := Ensure()
	if err != nil {
		t.Fatal(err)
	}
	tag, err := fsys.Image(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("docker", "run", "--rm", "--network", "none", tag, "/usr/bin/cat", "/etc/passwd").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "root:x:0:0:") {
		t.Fatalf("docker run %s cat /etc/passwd: %v %q", tag, err, out)
	}
}

// Builders racing for the same cache all get the one tree, and leave no
// half-built directory behind.
func TestConcurrentBuildersAgree(t *testing.T) {
	requireInputs(t)
	cache := t.TempDir()
	const n = 4
	got := make([]FS, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			got[i], errs[i] = EnsureIn(cache)
			done <- i
		}()
	}
	for range n {
		<-done
	}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got[i] != got[0] {
			t.Errorf("builder %d got %+v, builder 0 %+v", i, got[i], got[0])
		}
	}
	checkOnlyTree(t, cache)
}
