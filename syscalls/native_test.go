package syscalls

import "testing"

func TestNativeArches(t *testing.T) {
	for _, tc := range []struct{ native, scmp string }{
		{"amd64", "SCMP_ARCH_X86_64"},
		{"x86", "SCMP_ARCH_X86"},
		{"arm64", "SCMP_ARCH_AARCH64"},
		{"mips3l64n32", "SCMP_ARCH_MIPSEL64N32"}, // moby's spelling, not Go's
		{"s390", "SCMP_ARCH_S390"},
	} {
		if got, ok := NativeSCMP(tc.native); !ok || got != tc.scmp {
			t.Errorf("NativeSCMP(%q) = %q, %v; want %q", tc.native, got, ok, tc.scmp)
		}
	}
	for _, tc := range []struct{ arch, native string }{
		{"x86_64", "amd64"}, {"SCMP_ARCH_X86_64", "amd64"}, {"aarch64", "arm64"}, {"i386", "x86"}, {"mipsel64n32", "mips3l64n32"},
	} {
		if got, ok := NativeOf(tc.arch); !ok || got != tc.native {
			t.Errorf("NativeOf(%q) = %q, %v; want %q", tc.arch, got, ok, tc.native)
		}
	}
	if _, ok := NativeSCMP("x32"); ok {
		t.Error("x32 is no host arch")
	}
}
