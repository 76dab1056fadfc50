package syscalls

import (
	"slices"
	"sort"
	"sync"
)

// x32Bit is __X32_SYSCALL_BIT: x32 numbers are x86_64-style numbers with
// this bit set, which is how one x86_64 kernel tells the two ABIs apart.
const x32Bit = 0x40000000

type call struct {
	name string
	nr   int
}

// archTable is one arch's calls, sorted by name (the generator sorts them).
type archTable struct {
	arch  Arch
	calls []call
}

func tableOf(a Arch) *archTable {
	// Fifteen-odd arches: a scan costs less than hashing the key.
	for i := range archTables {
		if archTables[i].arch == a {
			return &archTables[i]
		}
	}
	return nil
}

// Number returns the syscall number of name on arch, as a seccomp filter
// compares it (x32 numbers include 0x40000000).
func Number(arch Arch, name string) (int, bool) {
	for _, an := range byName()[name] {
		if an.arch == arch {
			return an.nr, true
		}
	}
	return 0, false
}

// byNumber indexes every arch by number for Name, built on first use.
var byNumber = sync.OnceValue(func() map[Arch]map[int]string {
	idx := make(map[Arch]map[int]string, len(archTables))
	for _, t := range archTables {
		m := make(map[int]string, len(t.calls))
		for _, c := range t.calls {
			// No arch table has two names for one number (the generator's
			// sources do not); should one appear, the first name wins so the
			// answer stays the same from run to run.
			if _, dup := m[c.nr]; !dup {
				m[c.nr] = c.name
			}
		}
		idx[t.arch] = m
	}
	return idx
})

// Name returns the syscall that has number nr on arch.
func Name(arch Arch, nr int) (string, bool) {
	name, ok := byNumber()[arch][nr]
	return name, ok
}

// Names returns the names of every syscall of arch, sorted.
func Names(arch Arch) []string {
	t := tableOf(arch)
	if t == nil {
		return nil
	}
	names := make([]string, len(t.calls))
	for i, c := range t.calls {
		names[i] = c.name
	}
	return names
}

// ArchesOf returns every arch that has the call name, sorted by arch name.
func ArchesOf(name string) []Arch {
	ans := byName()[name]
	if len(ans) == 0 {
		return nil
	}
	as := make([]Arch, len(ans))
	for i, an := range ans {
		as[i] = an.arch
	}
	return as
}

// archNr is a call's number on one arch.
type archNr struct {
	arch Arch
	nr   int
}

// byName maps each name to its number on every arch that has it, in
// archTables order (by arch name); built on first use. A profile the size of
// Docker's default asks about hundreds of names on several arches each, and
// a binary search in every arch's table per question was the compiler's
// largest cost.
var byName = sync.OnceValue(func() map[string][]archNr {
	idx := map[string][]archNr{}
	for _, t := range archTables {
		for _, c := range t.calls {
			idx[c.name] = append(idx[c.name], archNr{t.arch, c.nr})
		}
	}
	return idx
})

// IsPseudo reports whether libseccomp gives name a pseudo-syscall number:
// a negative number it accepts on arches where the call does not exist
// (recv, send, socketcall's and ipc's multiplexed calls, and calls that
// exist only on some arches). A rule on such a name resolves on every arch
// and has no effect where the call is missing.
func IsPseudo(name string) bool {
	i := sort.Search(len(pseudoCalls), func(i int) bool { return pseudoCalls[i].name >= name })
	return i < len(pseudoCalls) && pseudoCalls[i].name == name
}

// Multiplexer names the multiplexer ("socketcall" or "ipc") onto which
// libseccomp rewrites a rule on name for x86 and s390x, or "" when it does
// not multiplex name. libseccomp's pseudo-numbers say which: -101 to -120
// are socketcall's calls and -201 to -224 ipc's; every other pseudo-number
// (-10000 and below) only stands for a call missing on that arch.
func Multiplexer(name string) string {
	i := sort.Search(len(pseudoCalls), func(i int) bool { return pseudoCalls[i].name >= name })
	if i == len(pseudoCalls) || pseudoCalls[i].name != name {
		return ""
	}
	switch nr := pseudoCalls[i].nr; {
	case nr <= -101 && nr >= -199:
		return "socketcall"
	case nr <= -201 && nr >= -299:
		return "ipc"
	}
	return ""
}

// Known reports whether name is a syscall on some arch or a libseccomp
// pseudo-syscall: a name that is not a typo, even if it has no effect on the
// arches a profile targets.
func Known(name string) bool {
	_, onSome := byName()[name]
	return onSome || IsPseudo(name)
}

// KnownNames returns every name Known accepts, sorted.
func KnownNames() []string { return slices.Clone(knownNames()) }

// knownNames is every known name, sorted; built on first use.
var knownNames = sync.OnceValue(func() []string {
	set := map[string]bool{}
	for _, t := range archTables {
		for _, c := range t.calls {
			set[c.name] = true
		}
	}
	for _, c := range pseudoCalls {
		set[c.name] = true
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
})
