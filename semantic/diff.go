package semantic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secprof/secprof/syscalls"
)

// Difference is one way two Tables decide differently.
type Difference struct {
	// Kind is what differs: unconfined, default, arches, flags,
	// listenerPath, listenerMetadata or syscall.
	Kind    string `json:"kind"`
	Syscall string `json:"syscall,omitempty"`
	// Condition is the argument condition the decisions are for, as the DSL
	// writes it ("arg0 == 0x0"); empty for the syscall's decision otherwise.
	Condition string `json:"condition,omitempty"`
	A         string `json:"a"`
	B         string `json:"b"`
}

// String prints the difference on one line:
// "chmod: A errno EPERM, B allow",
// "personality if arg0 == 0xffffffff: A allow, B errno EPERM".
func (d Difference) String() string {
	subject := d.Kind
	switch {
	case d.Kind == "syscall" && d.Condition != "":
		subject = d.Syscall + " if " + d.Condition
	case d.Kind == "syscall":
		subject = d.Syscall
	case d.Kind == "default":
		subject = "default action"
	}
	return fmt.Sprintf("%s: A %s, B %s", subject, d.A, d.B)
}

// Diff lists how b decides differently from a, in a fixed order: the
// profile-wide settings first, then syscalls by name, each one's
// unconditional decision before its conditions.
func Diff(a, b *Table) []Difference {
	var ds []Difference
	add := func(kind, av, bv string) {
		if av != bv {
			ds = append(ds, Difference{Kind: kind, A: av, B: bv})
		}
	}
	add("unconfined", yesNo(a.Unconfined), yesNo(b.Unconfined))
	add("default", a.Default.String(), b.Default.String())
	add("arches", orNone(syscalls.JoinArches(a.Arches, " ")), orNone(syscalls.JoinArches(b.Arches, " ")))
	add("flags", list(a.Flags), list(b.Flags))
	add("listenerPath", orNone(a.ListenerPath), orNone(b.ListenerPath))
	add("listenerMetadata", orNone(a.ListenerMetadata), orNone(b.ListenerMetadata))

	arches := comparedArches(a, b)
	names := append(a.Names(), b.Names()...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		if len(arches) > 0 && !actsOn(name, arches) {
			continue
		}
		if av, bv := a.Decide(name, nil), b.Decide(name, nil); av != bv {
			ds = append(ds, Difference{Kind: "syscall", Syscall: name, A: av.String(), B: bv.String()})
		}
		for _, conds := range condSets(a.Syscalls[name], b.Syscalls[name]) {
			if av, bv := a.Decide(name, conds), b.Decide(name, conds); av != bv {
				ds = append(ds, Difference{Kind: "syscall", Syscall: name, Condition: condKey(conds), A: av.String(), B: bv.String()})
			}
		}
	}
	return ds
}

// Equal reports whether a and b decide every syscall alike.
func Equal(a, b *Table) bool { return len(Diff(a, b)) == 0 }

// actsOn reports whether a rule on name can act on one of arches: the call
// exists there, or it is a libseccomp pseudo-call on a compared arch that
// multiplexes calls (libseccomp turns a rule on recv into a rule on
// socketcall's first argument on x86, for example). Names that can act
// nowhere compared — riscv_hwprobe on x86_64 — decide nothing there.
func actsOn(name string, arches []syscalls.Arch) bool {
	if intersects(syscalls.ArchesOf(name), arches) {
		return true
	}
	return syscalls.IsPseudo(name) &&
		(intersects(syscalls.ArchesOf("socketcall"), arches) || intersects(syscalls.ArchesOf("ipc"), arches))
}

func intersects(a, b []syscalls.Arch) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// comparedArches is the union of both tables' arches.
// It is empty, and no name is left out, when an arch is one the syscall
// tables do not know.
func comparedArches(a, b *Table) []syscalls.Arch {
	var arches []syscalls.Arch
	for _, name := range append(slices.Clone(a.Arches), b.Arches...) {
		// A profile may name an arch by a constant libseccomp lacks
		// (SCMP_ARCH_AMD64); read its name as users write arches.
		arch, ok := syscalls.ParseArch(name.String())
		if !ok {
			return nil
		}
		arches = append(arches, arch)
	}
	slices.Sort(arches)
	return slices.Compact(arches)
}

// condSets lists the distinct condition lists of both rule sets, sorted.
func condSets(a, b []Rule) [][]Cond {
	var sets [][]Cond
	for _, r := range append(slices.Clone(a), b...) {
		if len(r.Conds) > 0 {
			sets = append(sets, r.Conds)
		}
	}
	slices.SortFunc(sets, func(x, y []Cond) int { return slices.CompareFunc(x, y, compareConds) })
	return slices.CompactFunc(sets, func(x, y []Cond) bool { return slices.Equal(x, y) })
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
