package syscalls

import "strings"

// Arch is a Linux syscall ABI, named as libseccomp and Docker's "arch"
// fields name it without the SCMP_ARCH_ prefix: "x86_64", "x86", "x32".
type Arch string

// The arches with a syscall table. x86_64, x86 and x32 are what Docker
// filters on an x86_64 host; the others let portable profiles name their
// calls.
const (
	X86_64      Arch = "x86_64"
	X86         Arch = "x86"
	X32         Arch = "x32"
	AArch64     Arch = "aarch64"
	ARM         Arch = "arm"
	LoongArch64 Arch = "loongarch64"
	MIPS        Arch = "mips"
	MIPSEL      Arch = "mipsel"
	MIPS64      Arch = "mips64"
	MIPSEL64    Arch = "mipsel64"
	PPC         Arch = "ppc"
	PPC64       Arch = "ppc64"
	PPC64LE     Arch = "ppc64le"
	RISCV64     Arch = "riscv64"
	S390X       Arch = "s390x"
	// SPARC64 has a table but libseccomp cannot filter it: its SCMPName is "".
	SPARC64 Arch = "sparc64"
)

type archInfo struct {
	arch    Arch
	scmp    string   // libseccomp's and Docker's constant; "" if libseccomp lacks the arch
	aliases []string // GOARCH and other spellings users write
}

var archInfos = [...]archInfo{
	{X86_64, "SCMP_ARCH_X86_64", []string{"amd64", "x86-64", "x64"}},
	{X86, "SCMP_ARCH_X86", []string{"386", "i386", "i486", "i586", "i686"}},
	{X32, "SCMP_ARCH_X32", nil},
	{AArch64, "SCMP_ARCH_AARCH64", []string{"arm64"}},
	{ARM, "SCMP_ARCH_ARM", nil},
	{LoongArch64, "SCMP_ARCH_LOONGARCH64", []string{"loong64"}},
	{MIPS, "SCMP_ARCH_MIPS", nil},
	{MIPSEL, "SCMP_ARCH_MIPSEL", []string{"mipsle"}},
	{MIPS64, "SCMP_ARCH_MIPS64", nil},
	{MIPSEL64, "SCMP_ARCH_MIPSEL64", []string{"mips64le"}},
	{PPC, "SCMP_ARCH_PPC", nil},
	{PPC64, "SCMP_ARCH_PPC64", nil},
	{PPC64LE, "SCMP_ARCH_PPC64LE", nil},
	{RISCV64, "SCMP_ARCH_RISCV64", nil},
	{S390X, "SCMP_ARCH_S390X", nil},
	{SPARC64, "", nil},
}

// DefaultArches is what Docker filters on an x86_64 host: the native arch
// and its sub-arches. Leaving x86 or x32 out of a deny-list leaves a way
// around it (int $0x80, or the x32 bit).
func DefaultArches() []Arch { return []Arch{X86_64, X86, X32} }

// Arches returns every arch with a table, sorted by name.
func Arches() []Arch {
	as := make([]Arch, len(archTables))
	for i := range archTables {
		as[i] = archTables[i].arch
	}
	return as
}

// ParseArch reads an arch as users write it: libseccomp's name ("x86_64"),
// Docker's and OCI's constant ("SCMP_ARCH_X86_64"), or Go's and uname's
// spelling ("amd64", "386", "i686", "arm64"). Case does not matter.
func ParseArch(s string) (Arch, bool) {
	s = strings.TrimSpace(s)
	if isASCII(s) {
		// Every spelling we know is ASCII, so a case-insensitive match
		// here is the same as lowering both sides, without lowering them.
		for _, ai := range archInfos {
			if strings.EqualFold(s, string(ai.arch)) || (ai.scmp != "" && strings.EqualFold(s, ai.scmp)) {
				return ai.arch, true
			}
			for _, a := range ai.aliases {
				if strings.EqualFold(s, a) {
					return ai.arch, true
				}
			}
		}
		return "", false
	}
	s = strings.ToLower(s)
	for _, ai := range archInfos {
		if s == string(ai.arch) || (ai.scmp != "" && s == strings.ToLower(ai.scmp)) {
			return ai.arch, true
		}
		for _, a := range ai.aliases {
			if s == a {
				return ai.arch, true
			}
		}
	}
	return "", false
}

// SCMPName is the arch as Docker's "architectures" and OCI's
// "architectures" fields spell it, e.g. "SCMP_ARCH_X86_64", also for the
// arches without a table (SCMP_ARCH_S390). It is "" for an arch libseccomp
// cannot filter (sparc64) and for an unknown Arch.
func (a Arch) SCMPName() string {
	for _, ai := range archInfos {
		if ai.arch == a {
			return ai.scmp
		}
	}
	for _, t := range tablelessArches {
		if t == a {
			return scmpPrefix + strings.ToUpper(string(a))
		}
	}
	return ""
}

// String is libseccomp's name of the arch, the IR's spelling: "x86_64".
func (a Arch) String() string { return string(a) }

// HasTable reports whether secprof knows the arch's syscalls; the arches
// libseccomp filters without a table here (s390, mips64n32…) do not.
func (a Arch) HasTable() bool { return tableOf(a) != nil }

// scmpPrefix starts every libseccomp arch constant.
const scmpPrefix = "SCMP_ARCH_"

// The arches libseccomp and the OCI runtime spec know but secprof has no
// syscall table for. Profiles may list them (Docker's default does), and
// they pass through to every output unchanged.
const (
	S390        Arch = "s390"
	MIPS64N32   Arch = "mips64n32"
	MIPSEL64N32 Arch = "mipsel64n32"
	PARISC      Arch = "parisc"
	PARISC64    Arch = "parisc64"
)

// tablelessArches are the arches above; their SCMP_ARCH_* constant is
// their libseccomp name upper-cased.
var tablelessArches = [...]Arch{S390, MIPS64N32, MIPSEL64N32, PARISC, PARISC64}

// FilterableArches lists every arch libseccomp can filter, with a table or
// without, in no particular order.
func FilterableArches() []Arch {
	var out []Arch
	for _, ai := range archInfos {
		if ai.scmp != "" {
			out = append(out, ai.arch)
		}
	}
	return append(out, tablelessArches[:]...)
}

// ParseFilterableArch reads an arch a seccomp filter can hold: any
// spelling ParseArch reads of an arch libseccomp filters, or libseccomp's
// name or constant of an arch without a table ("s390", "SCMP_ARCH_S390").
func ParseFilterableArch(s string) (Arch, bool) {
	if a, ok := ParseArch(s); ok && a.SCMPName() != "" {
		return a, true
	}
	name := s
	if len(name) >= len(scmpPrefix) && strings.EqualFold(name[:len(scmpPrefix)], scmpPrefix) {
		name = name[len(scmpPrefix):]
	}
	name = strings.ToLower(name)
	for _, a := range FilterableArches() {
		if string(a) == name {
			return a, true
		}
	}
	return "", false
}

// ArchOfSCMP reads an arch from the runtime's constant ("SCMP_ARCH_X86_64"
// → x86_64), as Docker and OCI profiles spell it. A constant nobody knows
// is kept, lower-cased and without its prefix, so that a profile naming it
// can still be shown and compared; ok is false then.
func ArchOfSCMP(scmp string) (a Arch, ok bool) {
	for _, f := range FilterableArches() {
		if f.SCMPName() == scmp {
			return f, true
		}
	}
	return Arch(strings.ToLower(strings.TrimPrefix(scmp, scmpPrefix))), false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
