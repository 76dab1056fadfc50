package syscalls

import (
	"slices"
	"strings"
)

// NativeArch is a host arch as Docker names it: the vocabulary of
// target.Env's arch and of a rule's includes/excludes "arches". It is not
// Arch's vocabulary: Docker says amd64 where libseccomp says x86_64, x86
// for i386, and moby spells mipsel64n32 "mips3l64n32". Convert between the
// two only with NativeArch.Arch and Arch.Native.
type NativeArch string

// NativeX32 is the one name Docker's includes/excludes use that is no host
// arch: Docker's own default profile lists it, and no host reports it, so a
// rule filtered on it applies (or is excluded) nowhere. It has no Arch.
const NativeX32 NativeArch = "x32"

// nativeArches are the host arch names moby's loader knows (it derives
// them from runtime.GOARCH), each with the arch of the archMap entry it
// selects.
var nativeArches = map[NativeArch]Arch{
	"x86":         X86,
	"amd64":       X86_64,
	"arm":         ARM,
	"arm64":       AArch64,
	"loongarch64": LoongArch64,
	"mips64":      MIPS64,
	"mips64n32":   MIPS64N32,
	"mipsel64":    MIPSEL64,
	"mips3l64n32": MIPSEL64N32,
	"mipsel":      MIPSEL,
	"ppc":         PPC,
	"ppc64":       PPC64,
	"ppc64le":     PPC64LE,
	"riscv64":     RISCV64,
	"s390":        S390,
	"s390x":       S390X,
}

// NativeArches lists the host arch names Docker uses, sorted.
func NativeArches() []NativeArch {
	names := make([]NativeArch, 0, len(nativeArches))
	for n := range nativeArches {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// FilterArches lists the names includes/excludes "arches" may hold: the
// host arch names, sorted, then NativeX32.
func FilterArches() []NativeArch { return append(NativeArches(), NativeX32) }

// Arch is the arch of the archMap entry a host arch selects (amd64 →
// x86_64); ok is false for NativeX32 and for a name Docker does not know.
func (n NativeArch) Arch() (a Arch, ok bool) {
	a, ok = nativeArches[n]
	return a, ok
}

func (n NativeArch) String() string { return string(n) }

// Native is Docker's host arch name of the arch (x86_64 → amd64); ok is
// false for an arch that is never a Docker host's (x32, mips, sparc64).
func (a Arch) Native() (NativeArch, bool) {
	for n, arch := range nativeArches {
		if arch == a {
			return n, true
		}
	}
	return "", false
}

// JoinArches writes arches, of either vocabulary, separated by sep.
func JoinArches[A Arch | NativeArch](arches []A, sep string) string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = string(a)
	}
	return strings.Join(names, sep)
}
