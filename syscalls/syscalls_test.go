package syscalls

import (
	"slices"
	"sort"
	"testing"

	"github.com/secprof/secprof/internal/suggest"
)

// The numbers below are the kernel's ABI as users and other tools rely on
// it; each one failing means the generator read the wrong file or column.
func TestNumberKernelABI(t *testing.T) {
	tests := []struct {
		arch Arch
		name string
		want int
	}{
		{X86_64, "read", 0},
		{X86_64, "chmod", 90},
		{X86_64, "chown", 92},
		{X86_64, "execve", 59},
		{X86_64, "_sysctl", 156},
		{X86_64, "newfstatat", 262},
		{X86_64, "fchmodat", 268},
		{X86_64, "clone3", 435},
		{X86_64, "fchmodat2", 452},
		{X86, "restart_syscall", 0},
		{X86, "chmod", 15},
		{X86, "chown", 182},
		{X86, "chown32", 212},
		{X86, "socketcall", 102},
		{X86, "ipc", 117},
		{X86, "_llseek", 140},
		{X86, "_newselect", 142},
		{X86, "fchmodat", 306},
		{X32, "read", x32Bit | 0},
		{X32, "chmod", x32Bit | 90},
		{X32, "fchmodat", x32Bit | 268},
		{X32, "execve", x32Bit | 520},
		{X32, "rt_sigaction", x32Bit | 512},
		// Newer than Debian 12's x32 header: derived from x86_64.
		{X32, "fchmodat2", x32Bit | 452},
		{AArch64, "newfstatat", 79},
		{AArch64, "fchmodat", 53},
		{MIPS, "syscall", 4000},
		{RISCV64, "riscv_hwprobe", 258},
	}
	for _, tt := range tests {
		got, ok := Number(tt.arch, tt.name)
		if !ok || got != tt.want {
			t.Errorf("Number(%s, %q) = %d, %v; want %d", tt.arch, tt.name, got, ok, tt.want)
		}
		name, ok := Name(tt.arch, tt.want)
		if !ok || name != tt.name {
			t.Errorf("Name(%s, %d) = %q, %v; want %q", tt.arch, tt.want, name, ok, tt.name)
		}
	}
}

func TestAbsent(t *testing.T) {
	tests := []struct {
		arch Arch
		name string
	}{
		{X86_64, "chown32"},    // x86's 32-bit uid twins exist only there
		{X86_64, "socketcall"}, // x86_64 has the socket calls themselves
		{X32, "uselib"},        // x86_64-only ("64" in syscall_64.tbl)
		{AArch64, "chmod"},     // generic arches have only fchmodat
		{X86_64, "riscv_hwprobe"},
		{X86_64, "recv"}, // a libseccomp pseudo-call, no real number
		// x/sys constants that are not system calls.
		{AArch64, "arch_specific_syscall"},
		{ARM, "syscall_mask"},
		{MIPS, "unused18"},
		{MIPS, "reserved82"},
		{Arch("vax"), "read"},
	}
	for _, tt := range tests {
		if nr, ok := Number(tt.arch, tt.name); ok {
			t.Errorf("Number(%s, %q) = %d; want none", tt.arch, tt.name, nr)
		}
	}
	// x32 answers x86_64's number for execve with nothing: x32 has its own.
	if name, ok := Name(X32, x32Bit|59); ok {
		t.Errorf("Name(x32, 0x40000000|59) = %q; want none", name)
	}
	if name, ok := Name(ARM, 0); !ok || name != "restart_syscall" {
		t.Errorf("Name(arm, 0) = %q, %v; want restart_syscall", name, ok)
	}
}

func TestRoundTripEveryCall(t *testing.T) {
	for _, a := range Arches() {
		names := Names(a)
		if len(names) < 250 {
			t.Errorf("%s: only %d calls", a, len(names))
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("%s: Names not sorted", a)
		}
		for _, n := range names {
			nr, ok := Number(a, n)
			if !ok {
				t.Fatalf("%s: %q listed but has no number", a, n)
			}
			if back, _ := Name(a, nr); back != n {
				t.Errorf("%s: %q = %d, but Name(%d) = %q", a, n, nr, nr, back)
			}
			if a == X32 && nr&x32Bit == 0 {
				t.Errorf("x32 %q = %d lacks __X32_SYSCALL_BIT", n, nr)
			}
		}
	}
}

func TestArchesOfAndKnown(t *testing.T) {
	onX86 := func(as []Arch) bool {
		return slices.Contains(as, X86_64) || slices.Contains(as, X86) || slices.Contains(as, X32)
	}
	hw := ArchesOf("riscv_hwprobe")
	if !slices.Equal(hw, []Arch{RISCV64}) {
		t.Errorf("ArchesOf(riscv_hwprobe) = %v; want [riscv64]", hw)
	}
	if !Known("riscv_hwprobe") || onX86(hw) {
		t.Errorf("riscv_hwprobe: Known = %v, on an x86 ABI = %v; want known, on none", Known("riscv_hwprobe"), onX86(hw))
	}
	if got := ArchesOf("chown32"); !slices.Contains(got, X86) || slices.Contains(got, X86_64) {
		t.Errorf("ArchesOf(chown32) = %v; want x86 but not x86_64", got)
	}
	if got := ArchesOf("read"); len(got) != len(Arches()) {
		t.Errorf("ArchesOf(read) = %v; want every arch", got)
	}
	if !IsPseudo("recv") || !Known("recv") {
		t.Errorf("recv: IsPseudo = %v, Known = %v; want both", IsPseudo("recv"), Known("recv"))
	}
	if !IsPseudo("socketcall") {
		t.Error("socketcall is not a libseccomp pseudo-call")
	}
	if IsPseudo("read") {
		t.Error("read, which every arch has, is a pseudo-call")
	}
	for _, n := range []string{"chmdo", "", "CHMOD", "sys_chmod"} {
		if Known(n) {
			t.Errorf("Known(%q) = true", n)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name   string
		arches []Arch
		want   string
	}{
		{"chmdo", DefaultArches(), "chmod"},
		{"chmdo", nil, "chmod"},
		{"fchmodatt", DefaultArches(), "fchmodat"},
		{"CHMOD", DefaultArches(), "chmod"},
		{"sokcet", DefaultArches(), "socket"},
		{"opne", []Arch{X86_64}, "open"},
		{"xyzzy", DefaultArches(), ""},
		{"", DefaultArches(), ""},
		{"definitely_not_a_syscall", nil, ""},
		// A name only pseudo or foreign: found by the second pass.
		{"rcev", DefaultArches(), "recv"},
		// On aarch64 the nearest real call is preferred to x86's chmod.
		{"fchmd", []Arch{AArch64}, "fchmod"},
	}
	for _, tt := range tests {
		if got := Suggest(tt.name, tt.arches...); got != tt.want {
			t.Errorf("Suggest(%q, %v) = %q; want %q", tt.name, tt.arches, got, tt.want)
		}
	}
	// Preference for the given arches: "chmod" is one edit from "chmdo" but
	// does not exist on aarch64, so an aarch64 profile is pointed elsewhere
	// only if something on aarch64 is as close; otherwise chmod still wins.
	if got := Suggest("chmdo", AArch64); got != "chmod" {
		t.Errorf("Suggest(chmdo, aarch64) = %q; want chmod from the fallback pass", got)
	}
}

func TestParseArch(t *testing.T) {
	tests := []struct {
		in   string
		want Arch
	}{
		{"x86_64", X86_64}, {"amd64", X86_64}, {"SCMP_ARCH_X86_64", X86_64}, {"X86_64", X86_64},
		{"x86", X86}, {"i386", X86}, {"386", X86}, {"i686", X86}, {"SCMP_ARCH_X86", X86},
		{"x32", X32}, {"SCMP_ARCH_X32", X32},
		{"arm64", AArch64}, {"aarch64", AArch64}, {"SCMP_ARCH_AARCH64", AArch64},
		{"mips64le", MIPSEL64}, {"SCMP_ARCH_MIPSEL64", MIPSEL64},
		{"loong64", LoongArch64}, {"riscv64", RISCV64}, {"s390x", S390X}, {"ppc64le", PPC64LE},
	}
	for _, tt := range tests {
		if got, ok := ParseArch(tt.in); !ok || got != tt.want {
			t.Errorf("ParseArch(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "vax", "SCMP_ARCH_", "SCMP_ARCH_SPARC64", "x86-32"} {
		if got, ok := ParseArch(bad); ok {
			t.Errorf("ParseArch(%q) = %q; want failure", bad, got)
		}
	}
	if got := X86_64.SCMPName(); got != "SCMP_ARCH_X86_64" {
		t.Errorf("X86_64.SCMPName() = %q", got)
	}
	if got := SPARC64.SCMPName(); got != "" {
		t.Errorf("SPARC64.SCMPName() = %q; libseccomp has no sparc", got)
	}
	if !slices.Equal(DefaultArches(), []Arch{X86_64, X86, X32}) {
		t.Errorf("DefaultArches() = %v", DefaultArches())
	}
}

// Every arch with a table has a name, a libseccomp constant and a place in
// ParseArch, and no named arch lacks a table.
func TestArchInfosMatchTables(t *testing.T) {
	var infos []Arch
	for _, ai := range archInfos {
		infos = append(infos, ai.arch)
		if got, ok := ParseArch(string(ai.arch)); !ok || got != ai.arch {
			t.Errorf("ParseArch(%q) = %q, %v", ai.arch, got, ok)
		}
		if ai.scmp != "" {
			if got, ok := ParseArch(ai.scmp); !ok || got != ai.arch {
				t.Errorf("ParseArch(%q) = %q, %v", ai.scmp, got, ok)
			}
		}
	}
	slices.Sort(infos)
	if tables := Arches(); !slices.Equal(infos, tables) {
		t.Errorf("named arches %v != arches with tables %v", infos, tables)
	}
}

func BenchmarkNumber(b *testing.B) {
	for b.Loop() {
		if _, ok := Number(X86_64, "fchmodat"); !ok {
			b.Fatal("fchmodat unknown")
		}
	}
}

func BenchmarkSuggest(b *testing.B) {
	for b.Loop() {
		if Suggest("fchmodatt", DefaultArches()...) != "fchmodat" {
			b.Fatal("wrong suggestion")
		}
	}
}

// A neighbour swap is the commonest typo: for every x86_64 call long
// enough to have one, Suggest finds a name one edit away (the original or
// an equally close one).
func TestSuggestFindsEverySwap(t *testing.T) {
	for _, n := range Names(X86_64) {
		if len(n) < 5 || n[1] == n[2] {
			continue
		}
		typo := n[:1] + n[2:3] + n[1:2] + n[3:]
		if Known(typo) {
			continue
		}
		got := Suggest(typo, DefaultArches()...)
		if got == "" || suggest.Distance(typo, got) != 1 {
			t.Errorf("Suggest(%q) = %q; want a name one edit away such as %q", typo, got, n)
		}
	}
}
