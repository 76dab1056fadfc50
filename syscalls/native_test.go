package syscalls

import "testing"

func TestNativeArches(t *testing.T) {
	for _, tc := range []struct {
		native NativeArch
		scmp   string
	}{
		{"amd64", "SCMP_ARCH_X86_64"},
		{"x86", "SCMP_ARCH_X86"},
		{"arm64", "SCMP_ARCH_AARCH64"},
		{"mips3l64n32", "SCMP_ARCH_MIPSEL64N32"}, // moby's spelling, not Go's
		{"s390", "SCMP_ARCH_S390"},
	} {
		if a, ok := tc.native.Arch(); !ok || a.SCMPName() != tc.scmp {
			t.Errorf("%q.Arch() = %q, %v; want %q", tc.native, a.SCMPName(), ok, tc.scmp)
		}
	}
	for _, tc := range []struct {
		arch   string
		native NativeArch
	}{
		{"x86_64", "amd64"}, {"SCMP_ARCH_X86_64", "amd64"}, {"aarch64", "arm64"}, {"i386", "x86"}, {"mipsel64n32", "mips3l64n32"},
		{"SCMP_ARCH_S390", "s390"}, {"scmp_arch_s390", "s390"},
	} {
		a, ok := ParseFilterableArch(tc.arch)
		if !ok {
			t.Errorf("ParseFilterableArch(%q) failed", tc.arch)
			continue
		}
		if got, ok := a.Native(); !ok || got != tc.native {
			t.Errorf("%q.Native() = %q, %v; want %q", a, got, ok, tc.native)
		}
	}
	if _, ok := NativeX32.Arch(); ok {
		t.Error("x32 is no host arch")
	}
	if _, ok := X32.Native(); ok {
		t.Error("x32 is no host arch")
	}
	if fa := FilterArches(); fa[len(fa)-1] != NativeX32 || len(fa) != len(NativeArches())+1 {
		t.Errorf("FilterArches() = %v; want the host arches and x32", fa)
	}
}

// Every arch libseccomp filters, with a table or without, round-trips
// through its SCMP_ARCH_* constant and its libseccomp name, and the
// arches without a table stay apart from those with one.
func TestFilterableArchesRoundTrip(t *testing.T) {
	for _, a := range FilterableArches() {
		scmp := a.SCMPName()
		if scmp == "" {
			t.Errorf("%s has no SCMP name", a)
		}
		if got, ok := ArchOfSCMP(scmp); !ok || got != a {
			t.Errorf("ArchOfSCMP(%q) = %q, %v; want %q", scmp, got, ok, a)
		}
		for _, s := range []string{scmp, a.String()} {
			if got, ok := ParseFilterableArch(s); !ok || got != a {
				t.Errorf("ParseFilterableArch(%q) = %q, %v; want %q", s, got, ok, a)
			}
		}
	}
	for _, a := range tablelessArches {
		if a.HasTable() {
			t.Errorf("%s is listed as tableless but has a table", a)
		}
		if _, ok := ParseArch(string(a)); ok {
			t.Errorf("ParseArch(%q) succeeds; it reads only arches with a table", a)
		}
	}
	if got, ok := ArchOfSCMP("SCMP_ARCH_VAX"); ok || got != "vax" {
		t.Errorf("ArchOfSCMP(SCMP_ARCH_VAX) = %q, %v; want vax, false", got, ok)
	}
	if _, ok := ParseFilterableArch("sparc64"); ok {
		t.Error("libseccomp cannot filter sparc64")
	}
}
