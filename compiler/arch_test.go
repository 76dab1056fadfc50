package compiler

import (
	"testing"

	"github.com/secprof/secprof/syscalls"
)

// Every arch the OCI runtime spec knows is one syscalls.Arch names, and
// its SCMP_ARCH_* constant is the one the backends write back: an arch
// without a table (s390, mips64n32, parisc…) round-trips too.
func TestSpecArchesAreFilterable(t *testing.T) {
	for _, scmp := range specArches {
		a, ok := syscalls.ArchOfSCMP(string(scmp))
		if !ok {
			t.Errorf("%s is not a syscalls.Arch", scmp)
			continue
		}
		if got := a.SCMPName(); got != string(scmp) {
			t.Errorf("%s reads as %s, which writes back as %s", scmp, a, got)
		}
		if got, ok := syscalls.ParseFilterableArch(a.String()); !ok || got != a {
			t.Errorf("the DSL reads %q as %q, %v; want %s", a, got, ok, a)
		}
	}
}
