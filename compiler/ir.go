package compiler

import (
	"fmt"
	"strings"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// Action is the IR's action: action.Action, the one action type the
// backends and the semantic oracle share; its kinds are action.Allow,
// action.Errno….
type Action = action.Action

// Op is an argument comparison, as libseccomp and Docker spell it.
type Op string

const (
	OpEQ       Op = "SCMP_CMP_EQ"
	OpNE       Op = "SCMP_CMP_NE"
	OpLT       Op = "SCMP_CMP_LT"
	OpLE       Op = "SCMP_CMP_LE"
	OpGT       Op = "SCMP_CMP_GT"
	OpGE       Op = "SCMP_CMP_GE"
	OpMaskedEQ Op = "SCMP_CMP_MASKED_EQ"
)

// Arg is one argument condition. For OpMaskedEQ, Value is the mask and
// ValueTwo the datum, as in Docker's JSON and the OCI spec.
type Arg struct {
	Index    uint
	Op       Op
	Value    uint64
	ValueTwo uint64
}

// String prints the condition as the DSL writes it.
func (a Arg) String() string {
	if a.Op == OpMaskedEQ {
		return fmt.Sprintf("arg%d & %#x == %#x", a.Index, a.Value, a.ValueTwo)
	}
	return fmt.Sprintf("arg%d %s %#x", a.Index, opSymbols[a.Op], a.Value)
}

var opSymbols = map[Op]string{OpEQ: "==", OpNE: "!=", OpLT: "<", OpLE: "<=", OpGT: ">", OpGE: ">="}

// Filter is Docker's includes/excludes: capabilities (all required), host
// arches (any of, in Docker's vocabulary: amd64, x86, x32, arm64…, not the
// IR's x86_64) and a minimum kernel.
type Filter struct {
	Caps      []string
	Arches    []syscalls.NativeArch
	MinKernel *target.Kernel
}

// IsZero reports whether the filter says nothing.
func (f Filter) IsZero() bool { return len(f.Caps) == 0 && len(f.Arches) == 0 && f.MinKernel == nil }

// key is a canonical text of the filter, for grouping and comparison.
func (f Filter) key() string {
	k := ""
	if f.MinKernel != nil {
		k = f.MinKernel.String()
	}
	return strings.Join(f.Caps, ",") + "|" + syscalls.JoinArches(f.Arches, ",") + "|" + k
}

// Rule is one resolved rule: an action for a set of syscalls under the same
// argument conditions (all must hold) and the same includes/excludes.
type Rule struct {
	Action   Action
	Names    []string // sorted, unique; every name is known to some arch
	Args     []Arg    // sorted by index, then op, then values
	Includes Filter
	Excludes Filter
	Comment  string
	// Pos is where the rule was written, one position per name in Names
	// (zero positions for names that came from a built-in set).
	Pos []diag.Pos
}

// Conditional reports whether the rule depends on arguments or on Docker's
// includes/excludes.
func (r *Rule) Conditional() bool {
	return len(r.Args) > 0 || !r.Includes.IsZero() || !r.Excludes.IsZero()
}

// Policy is the IR: what every backend reads. It is resolved (names known,
// errnos numeric, sets expanded), normalized (duplicates merged, rules equal
// to the default dropped) and ordered deterministically.
type Policy struct {
	Name          string
	DefaultAction Action
	// Arches is the native arch followed by its sub-architectures (x86_64,
	// x86, x32). Empty when the source used Docker's archMap instead.
	Arches []syscalls.Arch
	// ArchMap carries Docker's archMap through unchanged.
	ArchMap          []ArchMapEntry
	Flags            []string
	ListenerPath     string
	ListenerMetadata string
	Rules            []*Rule
}

// ArchMapEntry is one native arch and its sub-architectures.
type ArchMapEntry struct {
	Arch      syscalls.Arch
	SubArches []syscalls.Arch
}
