package hostlib

import (
	"regexp"
	"sort"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/syscalls"
)

func requireLibseccomp(t *testing.T) {
	t.Helper()
	testenv.Require(t, Available(), "libseccomp through cgo (libseccomp-dev, CGO_ENABLED=1)")
}

func TestVersion(t *testing.T) {
	requireLibseccomp(t)
	v := Version()
	if !regexp.MustCompile(`^2\.[0-9]+\.[0-9]+$`).MatchString(v) {
		t.Fatalf("Version() = %q; want 2.x.y", v)
	}
	t.Logf("host libseccomp %s", v)
}

func TestResolve(t *testing.T) {
	requireLibseccomp(t)
	if nr, ok := Resolve(syscalls.X86_64, "chmod"); !ok || nr != 90 {
		t.Errorf("Resolve(x86_64, chmod) = %d, %v; want 90", nr, ok)
	}
	if nr, ok := Resolve(syscalls.X86, "chown32"); !ok || nr != 212 {
		t.Errorf("Resolve(x86, chown32) = %d, %v; want 212", nr, ok)
	}
	// recv has no x86_64 number; libseccomp answers with a pseudo-number.
	if nr, ok := Resolve(syscalls.X86_64, "recv"); ok {
		t.Errorf("Resolve(x86_64, recv) = %d; want none (pseudo-call)", nr)
	}
	if !Knows(syscalls.X86_64, "recv") || !Knows(syscalls.X86, "socket") {
		t.Error("libseccomp does not know recv on x86_64 or socket on x86, even by pseudo-number")
	}
	if nr, ok := Resolve(syscalls.X86, "socket"); ok {
		t.Logf("Resolve(x86, socket) = %d: this libseccomp resolves it directly", nr)
	}
	if Knows(syscalls.X86_64, "chmdo") {
		t.Error("Knows(x86_64, chmdo) = true")
	}
	if nr, ok := Resolve(syscalls.X86_64, "chmdo"); ok {
		t.Errorf("Resolve(x86_64, chmdo) = %d; want none", nr)
	}
	if nr, ok := Resolve(syscalls.SPARC64, "read"); ok {
		t.Errorf("Resolve(sparc64, read) = %d; libseccomp has no sparc", nr)
	}
	if name, ok := Name(syscalls.X32, 0x40000000|520); !ok || name != "execve" {
		t.Errorf("Name(x32, 0x40000000|520) = %q, %v; want execve", name, ok)
	}
}

// libseccompTable is every name the host's libseccomp knows on arch with
// its number: the names it resolves among the names anyone knows, and the
// names it gives when asked number by number (below 1024 on the x86 ABIs).
// The second way matters on x86, where libseccomp 2.5 resolves the socket
// and ipc calls to pseudo-numbers (it filters them through socketcall and
// ipc as well) yet still names their direct numbers 359 and up.
func libseccompTable(t *testing.T, arch syscalls.Arch) map[string]int {
	table := map[string]int{}
	for _, n := range syscalls.KnownNames() {
		if nr, ok := Resolve(arch, n); ok {
			table[n] = nr
		}
	}
	base := 0
	if arch == syscalls.X32 {
		base = 0x40000000
	}
	for nr := base; nr < base+1024; nr++ {
		if n, ok := Name(arch, nr); ok {
			if prev, dup := table[n]; dup && prev != nr {
				t.Logf("%s: libseccomp resolves %s to %#x but names %#x %s too", arch, n, prev, nr, n)
				continue
			}
			table[n] = nr
		}
	}
	return table
}

// TestTablesAgreeWithLibseccomp is the second opinion on the generated
// tables: every name both sides know on x86_64, x86 and x32 must have the
// same number. Names only one side knows are listed: calls newer than the
// host's libseccomp, or a libseccomp quirk.
func TestTablesAgreeWithLibseccomp(t *testing.T) {
	requireLibseccomp(t)
	t.Logf("host libseccomp %s", Version())
	for _, arch := range syscalls.DefaultArches() {
		theirs := libseccompTable(t, arch)
		if len(theirs) < 300 {
			t.Fatalf("%s: libseccomp knows only %d names", arch, len(theirs))
		}
		var onlyOurs, onlyTheirs []string
		both := 0
		for n, lib := range theirs {
			ours, ok := syscalls.Number(arch, n)
			if !ok {
				onlyTheirs = append(onlyTheirs, n)
				continue
			}
			both++
			if ours != lib {
				t.Errorf("%s %s: our table says %#x, libseccomp %s says %#x", arch, n, ours, Version(), lib)
			}
		}
		for _, n := range syscalls.Names(arch) {
			if _, ok := theirs[n]; !ok {
				onlyOurs = append(onlyOurs, n)
			}
		}
		sort.Strings(onlyTheirs)
		t.Logf("%s: %d names agree; only in our tables: %v; only in libseccomp: %v", arch, both, onlyOurs, onlyTheirs)
	}
}

// TestKnowsCached pins that the per-arch answers Knows keeps are what
// libseccomp answers when asked one name at a time, for every arch and every
// name anyone knows (names outside an arch's table bypass the cache).
func TestKnowsCached(t *testing.T) {
	requireLibseccomp(t)
	for _, a := range syscalls.Arches() {
		for _, n := range syscalls.KnownNames() {
			if got, want := Knows(a, n), knows(a, n); got != want {
				t.Errorf("Knows(%s, %s) = %v; libseccomp says %v", a, n, got, want)
			}
		}
	}
}
