package syscalls

import (
	"slices"
	"strings"
)

// nativeArches are the host arch names Docker's includes/excludes and its
// loader use (moby derives them from runtime.GOARCH), each with the arch of
// the archMap entry it selects, in libseccomp's SCMP_ARCH_* spelling.
var nativeArches = map[string]string{
	"x86":         "SCMP_ARCH_X86",
	"amd64":       "SCMP_ARCH_X86_64",
	"arm":         "SCMP_ARCH_ARM",
	"arm64":       "SCMP_ARCH_AARCH64",
	"loongarch64": "SCMP_ARCH_LOONGARCH64",
	"mips64":      "SCMP_ARCH_MIPS64",
	"mips64n32":   "SCMP_ARCH_MIPS64N32",
	"mipsel64":    "SCMP_ARCH_MIPSEL64",
	"mips3l64n32": "SCMP_ARCH_MIPSEL64N32",
	"mipsel":      "SCMP_ARCH_MIPSEL",
	"ppc":         "SCMP_ARCH_PPC",
	"ppc64":       "SCMP_ARCH_PPC64",
	"ppc64le":     "SCMP_ARCH_PPC64LE",
	"riscv64":     "SCMP_ARCH_RISCV64",
	"s390":        "SCMP_ARCH_S390",
	"s390x":       "SCMP_ARCH_S390X",
}

// NativeArchNames lists the host arch names Docker uses, sorted.
func NativeArchNames() []string {
	names := make([]string, 0, len(nativeArches))
	for n := range nativeArches {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NativeSCMP is the SCMP_ARCH_* name of the arch a Docker host arch name
// stands for (amd64 → SCMP_ARCH_X86_64).
func NativeSCMP(native string) (string, bool) {
	s, ok := nativeArches[native]
	return s, ok
}

// NativeOf is the Docker host arch name of a libseccomp arch written any
// way ParseArch or SCMP_ARCH_* accept (x86_64 → amd64).
func NativeOf(arch string) (string, bool) {
	scmp := strings.ToUpper(arch)
	if a, ok := ParseArch(arch); ok && a.SCMPName() != "" {
		scmp = a.SCMPName()
	} else if !strings.HasPrefix(scmp, "SCMP_ARCH_") {
		scmp = "SCMP_ARCH_" + scmp
	}
	for native, s := range nativeArches {
		if s == scmp {
			return native, true
		}
	}
	return "", false
}
