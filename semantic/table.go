package semantic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/syscalls"
)

// Action is what the filter does with a syscall: action.Action, the value
// type the compiler's IR uses too. Sharing it shares no decision: this
// package decides on its own what a profile does.
type Action = action.Action

// actionOf reads an OCI action the way runc's getAction does.
func actionOf(act specs.LinuxSeccompAction, errnoRet *uint) (Action, error) {
	return action.FromSCMP(act, errnoRet)
}

// Cond is one argument comparison. For SCMP_CMP_MASKED_EQ, Value is the
// mask and ValueTwo the datum, as in Docker's JSON and the OCI spec.
type Cond struct {
	Index    uint                       `json:"index"`
	Op       specs.LinuxSeccompOperator `json:"op"`
	Value    uint64                     `json:"value"`
	ValueTwo uint64                     `json:"valueTwo,omitempty"`
}

var opSymbols = map[specs.LinuxSeccompOperator]string{
	specs.OpEqualTo:      "==",
	specs.OpNotEqual:     "!=",
	specs.OpLessThan:     "<",
	specs.OpLessEqual:    "<=",
	specs.OpGreaterThan:  ">",
	specs.OpGreaterEqual: ">=",
	specs.OpMaskedEqual:  "&",
}

// String prints the comparison as the DSL writes it.
func (c Cond) String() string {
	if c.Op == specs.OpMaskedEqual {
		return fmt.Sprintf("arg%d & %#x == %#x", c.Index, c.Value, c.ValueTwo)
	}
	return fmt.Sprintf("arg%d %s %#x", c.Index, opSymbols[c.Op], c.Value)
}

func compareConds(a, b Cond) int {
	if a.Index != b.Index {
		return cmpOrdered(a.Index, b.Index)
	}
	if a.Op != b.Op {
		return strings.Compare(string(a.Op), string(b.Op))
	}
	if a.Value != b.Value {
		return cmpOrdered(a.Value, b.Value)
	}
	return cmpOrdered(a.ValueTwo, b.ValueTwo)
}

func cmpOrdered[T uint | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Rule is one decision for a syscall: when every condition holds, Action.
// A rule without conditions decides the syscall alone.
type Rule struct {
	Conds  []Cond `json:"conds,omitempty"` // sorted by index; at most one per index
	Action Action `json:"action"`
}

// condKey is the text of a rule's conditions, "" for an unconditional rule.
func condKey(conds []Cond) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.String()
	}
	return strings.Join(parts, " && ")
}

// Table is a resolved profile in normal form.
type Table struct {
	// Unconfined is true when the profile installs no filter at all (moby's
	// loader returns nil for a profile with no default action and no rules).
	Unconfined bool   `json:"unconfined,omitempty"`
	Default    Action `json:"default"`
	// Arches are the filter's architectures (x86_64, x86, x32), sorted;
	// the native arch is included when it is known.
	Arches []syscalls.Arch `json:"arches,omitempty"`
	// Native is the arch the profile was resolved for, "" when unknown.
	Native           syscalls.Arch `json:"native,omitempty"`
	Flags            []string      `json:"flags,omitempty"`
	ListenerPath     string        `json:"listenerPath,omitempty"`
	ListenerMetadata string        `json:"listenerMetadata,omitempty"`
	// Syscalls holds, per name, the rules that can change the outcome:
	// never a rule equal to the default action; either one unconditional
	// rule or only conditional ones, sorted by their conditions.
	Syscalls map[string][]Rule `json:"syscalls"`
}

// Names lists the syscalls that have rules, sorted.
func (t *Table) Names() []string {
	names := make([]string, 0, len(t.Syscalls))
	for n := range t.Syscalls {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Decide is the action for a syscall when its arguments satisfy conds
// exactly as written: the rule with those conditions if there is one,
// otherwise the unconditional decision (a rule without conditions, or the
// default action).
func (t *Table) Decide(name string, conds []Cond) Action {
	rules := t.Syscalls[name]
	key := condKey(conds)
	uncond := t.Default
	for _, r := range rules {
		if condKey(r.Conds) == key {
			return r.Action
		}
		if len(r.Conds) == 0 {
			uncond = r.Action
		}
	}
	return uncond
}

// FromOCI reads the profile that runc receives, for example the output of
// moby's seccomp.LoadProfile, which has already applied includes/excludes.
// The native arch is unknown here, so the arches are those listed.
func FromOCI(s *specs.LinuxSeccomp) (*Table, error) {
	return fromOCI(s, "")
}

// entry is one rule before normalisation, in profile order.
type entry struct {
	conds  []Cond
	action Action
}

func fromOCI(s *specs.LinuxSeccomp, native syscalls.Arch) (*Table, error) {
	if s == nil {
		return &Table{Unconfined: true, Default: Action{Kind: action.Allow}, Native: native, Syscalls: map[string][]Rule{}}, nil
	}
	def, err := actionOf(s.DefaultAction, s.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("defaultAction: %w", err)
	}
	t := &Table{
		Default:          def,
		Native:           native,
		ListenerPath:     s.ListenerPath,
		ListenerMetadata: s.ListenerMetadata,
		Syscalls:         map[string][]Rule{},
	}
	for _, a := range s.Architectures {
		// An arch nobody knows is kept by its name, for Diff to show.
		arch, _ := syscalls.ArchOfSCMP(string(a))
		t.Arches = append(t.Arches, arch)
	}
	if native != "" {
		// libseccomp's filter always holds the native arch.
		t.Arches = append(t.Arches, native)
	}
	slices.Sort(t.Arches)
	t.Arches = slices.Compact(t.Arches)
	for _, f := range s.Flags {
		// runc applies every filter to all threads whatever the flag says.
		if f != specs.LinuxSeccompFlag("SECCOMP_FILTER_FLAG_TSYNC") {
			t.Flags = append(t.Flags, string(f))
		}
	}
	slices.Sort(t.Flags)
	t.Flags = slices.Compact(t.Flags)

	entries := map[string][]entry{}
	for i, call := range s.Syscalls {
		act, err := actionOf(call.Action, call.ErrnoRet)
		if err != nil {
			return nil, fmt.Errorf("syscalls[%d]: %w", i, err)
		}
		if act == def {
			continue // runc skips it: libseccomp refuses a rule equal to the default
		}
		groups, err := condGroups(call.Args)
		if err != nil {
			return nil, fmt.Errorf("syscalls[%d]: %w", i, err)
		}
		for _, name := range call.Names {
			if name == "" {
				return nil, fmt.Errorf("syscalls[%d]: empty syscall name", i)
			}
			for _, g := range groups {
				entries[name] = append(entries[name], entry{g, act})
			}
		}
	}
	for name, es := range entries {
		t.Syscalls[name] = normalise(es)
	}
	return t, nil
}

// condGroups turns a rule's argument list into the condition lists runc adds
// to libseccomp: one list, or one list per comparison when an argument is
// compared twice.
func condGroups(args []specs.LinuxSeccompArg) ([][]Cond, error) {
	var conds []Cond
	seen := map[uint]bool{}
	repeated := false
	for _, a := range args {
		if a.Index > 5 {
			return nil, fmt.Errorf("argument index %d: a syscall has at most 6 arguments", a.Index)
		}
		c, ok, err := condOf(a)
		if err != nil {
			return nil, err
		}
		repeated = repeated || seen[a.Index]
		seen[a.Index] = true
		if ok {
			conds = append(conds, c)
		}
	}
	if !repeated {
		slices.SortFunc(conds, compareConds)
		return [][]Cond{conds}, nil
	}
	groups := make([][]Cond, 0, len(args))
	for _, a := range args {
		c, ok, _ := condOf(a)
		if ok {
			groups = append(groups, []Cond{c})
		} else {
			groups = append(groups, nil) // a comparison that always holds
		}
	}
	return groups, nil
}

// condOf normalises one comparison as libseccomp stores it; ok is false for
// a comparison that always holds (a masked comparison with mask zero).
func condOf(a specs.LinuxSeccompArg) (c Cond, ok bool, err error) {
	if _, known := opSymbols[a.Op]; !known {
		return Cond{}, false, fmt.Errorf("unknown argument operator %q", a.Op)
	}
	c = Cond{Index: a.Index, Op: a.Op, Value: a.Value}
	if a.Op == specs.OpMaskedEqual {
		if a.Value == 0 {
			return Cond{}, false, nil
		}
		c.ValueTwo = a.ValueTwo & a.Value
	}
	return c, true, nil
}

// normalise reduces the rules for one syscall, in profile order, to what
// libseccomp keeps: the first unconditional rule alone if there is one,
// otherwise the distinct conditional rules.
func normalise(es []entry) []Rule {
	for _, e := range es {
		if len(e.conds) == 0 {
			return []Rule{{Action: e.action}}
		}
	}
	rules := make([]Rule, 0, len(es))
	for _, e := range es {
		rules = append(rules, Rule{Conds: e.conds, Action: e.action})
	}
	slices.SortFunc(rules, func(a, b Rule) int {
		if c := slices.CompareFunc(a.Conds, b.Conds, compareConds); c != 0 {
			return c
		}
		if a.Action.Kind != b.Action.Kind {
			return strings.Compare(string(a.Action.Kind), string(b.Action.Kind))
		}
		return cmpOrdered(a.Action.Errno, b.Action.Errno)
	})
	return slices.CompactFunc(rules, func(a, b Rule) bool {
		return a.Action == b.Action && slices.EqualFunc(a.Conds, b.Conds, func(x, y Cond) bool { return x == y })
	})
}
