package rootfs

import (
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/syscalls"
)

// nr.h defines exactly the numbers the sources use, each as the syscalls
// tables give it for x86.
func TestX86HeaderComesFromTheTables(t *testing.T) {
	var hdr string
	used := map[string]bool{}
	for _, f := range x86Files() {
		if f.name == "nr.h" {
			hdr = string(f.body)
			continue
		}
		for _, m := range nrUse.FindAllStringSubmatch(string(f.body), -1) {
			used[m[1]] = true
		}
	}
	for _, want := range []string{"chown32", "chown", "chmod", "getpid", "exit"} {
		if !used[want] {
			t.Errorf("no x86 source uses NR_%s", want)
		}
	}
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#define NR_(\w+) (\d+)$`).FindAllStringSubmatch(hdr, -1) {
		nr, _ := strconv.Atoi(m[2])
		if want, ok := syscalls.Number(syscalls.X86, m[1]); !ok || nr != want {
			t.Errorf("nr.h: NR_%s is %d, the x86 table says %d (%v)", m[1], nr, want, ok)
		}
		defined[m[1]] = true
	}
	for name := range used {
		if !defined[name] {
			t.Errorf("nr.h lacks NR_%s", name)
		}
	}
	if len(defined) != len(used) {
		t.Errorf("nr.h defines %d numbers, the sources use %d", len(defined), len(used))
	}
	if _, err := x86Header([]x86File{{"bad.c", []byte("sys3(NR_no_such_call, 0, 0, 0);")}}); err == nil {
		t.Error("a source naming no x86 syscall gave a header")
	}
}

// Any change to a source, the header included, makes another tree.
func TestX86DigestFollowsTheSources(t *testing.T) {
	files := x86Files()
	base := digestOf(files)
	for i := range files {
		changed := append([]x86File(nil), files...)
		changed[i].body = append(append([]byte(nil), files[i].body...), '\n')
		if digestOf(changed) == base {
			t.Errorf("editing %s leaves the digest unchanged", files[i].name)
		}
	}
}

func requireX86(t *testing.T) FS {
	t.Helper()
	requireInputs(t)
	testenv.Require(t, lookCC() != "", "gcc on PATH (gcc-multilib's toolchain) to build the x86 programs")
	fsys, err := EnsureIn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if why := fsys.X86Missing(); why != "" {
		t.Fatal(why)
	}
	return fsys
}

// The programs are static i386 executables that make their syscall and
// report its errno as their exit status. They run on the host, which has
// the 32-bit ABI.
func TestX86ProgramsRun(t *testing.T) {
	fsys := requireX86(t)
	bin := filepath.Join(fsys.Dir, X86Dir)
	for _, name := range X86Programs() {
		f, err := elf.Open(filepath.Join(bin, name))
		if err != nil {
			t.Fatal(err)
		}
		if f.Class != elf.ELFCLASS32 || f.Machine != elf.EM_386 {
			t.Errorf("%s is %v %v, want ELFCLASS32 EM_386", name, f.Class, f.Machine)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked", name)
			}
		}
		f.Close()
	}
	status := func(args ...string) int {
		t.Helper()
		err := exec.Command(filepath.Join(bin, args[0]), args[1:]...).Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee) && ee.Exited():
			return ee.ExitCode()
		}
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
		return -1
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	const enoent = 2
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"x86-getpid"}, 0},
		{[]string{"x86-chmod", file, "600"}, 0},
		{[]string{"x86-chmod", missing, "600"}, enoent},
		{[]string{"x86-chmod", file}, 255},
		{[]string{"x86-chmod", file, "9"}, 255},
		{[]string{"x86-chown32", file}, 0},
		{[]string{"x86-chown32", missing}, enoent},
		{[]string{"x86-chown", file}, 0},
		{[]string{"x86-chown", missing}, enoent},
		{[]string{"x86-socketcall"}, 0},
		{[]string{"x86-socketcall", "extra"}, 255},
	}
	for _, c := range cases {
		if got := status(c.args...); got != c.want {
			t.Errorf("%s: exit %d, want %d", strings.Join(c.args, " "), got, c.want)
		}
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("after x86-chmod 600 the mode is %o", st.Mode().Perm())
	}
}

// Without gcc the tree is still built, says why it has no x86 programs,
// and is another tree than the one with them.
func TestNoCompilerStillBuilds(t *testing.T) {
	with := requireX86(t)
	t.Setenv("PATH", t.TempDir())
	without, err := EnsureIn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if why := without.X86Missing(); !strings.Contains(why, "no gcc") {
		t.Errorf("X86Missing = %q, want it to name the missing gcc", why)
	}
	if _, err := os.Stat(filepath.Join(without.Dir, "bin", "busybox")); err != nil {
		t.Error(err)
	}
	if without.Hash == with.Hash {
		t.Error("the trees with and without the x86 programs share a hash")
	}
}
