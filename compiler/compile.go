package compiler

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
	"github.com/secprof/secprof/lint"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// Options tune a compilation.
type Options struct {
	// KnownToHost reports whether the host's libseccomp can resolve a name
	// on an arch. runc silently drops names libseccomp does not know, so a
	// rule naming one does nothing on that host; when KnownToHost is set,
	// such names get a warning. Nil skips the check.
	KnownToHost func(arch syscalls.Arch, name string) bool
	// Native is the target host's arch (target.Env's NativeArch; empty
	// means amd64). A Docker profile without architectures, or with an
	// archMap, filters that host's ABIs, so names are checked against them.
	Native syscalls.NativeArch
	// HostLibseccomp is the host's libseccomp version, named in the
	// warnings KnownToHost leads to; empty when unknown.
	HostLibseccomp string
}

// hostVersion is " 2.5.4" for messages, or nothing when unknown.
func (o Options) hostVersion() string {
	if o.HostLibseccomp == "" {
		return ""
	}
	return " " + o.HostLibseccomp
}

// nativeArch is the arch a Docker profile's native-only filter or archMap
// entry selects on the target host.
func (o Options) nativeArch() syscalls.Arch {
	if a, ok := o.Native.Arch(); ok {
		return a
	}
	return syscalls.X86_64
}

// compileSeccomp resolves a parsed source's seccomp part into a Policy.
// It returns nil when the diagnostics hold an error.
func compileSeccomp(f *profiles.File, opts Options) (*Policy, diag.List) {
	c := &compilation{file: f, opts: opts}
	c.indexIgnores()
	p := c.compile()
	c.reportUnusedIgnores()
	c.diags.Sort()
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return p, c.diags
}

type compilation struct {
	file    *profiles.File
	opts    Options
	diags   diag.List
	targets []syscalls.Arch // arches names are checked against
	// bases are the files being compiled as bases of this one, outermost
	// first, to refuse a base that includes itself.
	bases []string
	// ignores are the rules' "secprof:ignore"s by the positions of the
	// rules' words, where the checks place their findings.
	ignores    map[diag.Pos][]*ignoreUse
	allIgnores []*ignoreUse
}

// defaultAction resolves the profile's own default action.
func (c *compilation) defaultAction(d *profiles.Action, p *Policy) {
	a, ok := c.action(*d)
	if !ok {
		return
	}
	p.DefaultAction = a
	if a.Kind == action.Notify {
		c.diags.Errorf(d.Pos, "notify cannot be the default action: the runtime itself makes syscalls the listener would have to answer")
	}
}

func (c *compilation) compile() *Policy {
	f := c.file
	p := &Policy{Name: f.Profile}
	sc := f.Seccomp
	if sc == nil {
		if f.AppArmor == nil {
			c.diags.Errorf(diag.Pos{File: f.Name, Line: 1, Col: 1}, "no seccomp rules: start with \"default allow\" (a deny-list) or \"default errno EPERM\" (an allow-list)")
		}
		return nil
	}
	var base *Policy
	if sc.Base != nil {
		base = c.loadBase(*sc.Base)
	}
	switch {
	case sc.Default == nil && base != nil:
		p.DefaultAction = base.DefaultAction
	case sc.Default == nil && sc.Base != nil:
		// The base failed and has said why; a default is not missing too.
	case sc.Default == nil:
		c.diags.Errorf(startOf(f, sc), "no default action: add \"default allow\" (a deny-list) or \"default errno EPERM\" (an allow-list)")
	default:
		c.defaultAction(sc.Default, p)
	}
	c.arches(sc, p, base)
	c.flags(sc, p)
	if base != nil && len(sc.Flags) == 0 {
		p.Flags = base.Flags
	}
	if base != nil {
		p.ListenerPath, p.ListenerMetadata = base.ListenerPath, base.ListenerMetadata
	}
	if sc.ListenerPath != nil {
		p.ListenerPath = c.plainText(*sc.ListenerPath, "listener path")
	}
	if sc.ListenerMetadata != nil {
		p.ListenerMetadata = c.plainText(*sc.ListenerMetadata, "listener metadata")
		if p.ListenerPath == "" {
			c.diags.Errorf(sc.ListenerMetadata.Pos, "listener metadata without a listener path: the OCI runtime spec forbids it, and nothing would receive it")
		}
	}
	var entries []entry
	if base != nil {
		entries = append(entries, baseEntries(base)...)
	}
	for _, r := range sc.Rules {
		entries = append(entries, c.rule(r, p)...)
	}
	c.checkDangerous(entries, p.DefaultAction)
	p.Rules = c.dropShadowed(c.normalize(entries, p.DefaultAction))
	c.checkTwins(p)
	c.checkClone3(p)
	return p
}

// plainText returns w's text when it is printable UTF-8. A control
// character or an invalid byte in a path the runtime connects to hides what
// the path is from whoever reads the profile, so it is an error.
func (c *compilation) plainText(w profiles.Word, what string) string {
	for i, r := range w.Text {
		if r == utf8.RuneError || unicode.IsControl(r) {
			c.diags.Errorf(w.Pos, "the %s holds %q at byte %d: write it in UTF-8 without control characters", what, w.Text[i:i+1], i)
			break
		}
	}
	return w.Text
}

func startOf(f *profiles.File, sc *profiles.Seccomp) diag.Pos {
	if sc.Pos.IsValid() {
		return sc.Pos
	}
	return diag.Pos{File: f.Name, Line: 1, Col: 1}
}

// actionWords maps the DSL's and Docker's spellings to actions. "kill"
// kills the process: a user who writes kill means it, and a thread dying
// alone leaves a half-working process. Docker's SCMP_ACT_KILL kills only
// the thread, so it stays kill-thread; the SCMP_ACT_* names come from
// package action, the one mapping every reader and backend uses.
var actionWords = func() map[string]action.Kind {
	m := map[string]action.Kind{
		"allow": action.Allow, "deny": action.Errno, "errno": action.Errno,
		"kill": action.KillProcess, "kill-process": action.KillProcess, "kill-thread": action.KillThread,
		"trap": action.Trap, "log": action.Log, "notify": action.Notify, "trace": action.Trace,
	}
	for _, name := range action.SCMPNames() {
		m[string(name)], _ = action.KindOfSCMP(name)
	}
	return m
}()

func actionSpellings() []string {
	out := make([]string, 0, len(actionWords))
	for k := range actionWords {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

const errnoEPERM = 1

func (c *compilation) action(a profiles.Action) (Action, bool) {
	kind, ok := actionWords[a.Kind.Text]
	if !ok {
		d := c.diags.Errorf(a.Kind.Pos, "unknown action %q", a.Kind.Text)
		d.Suggestion = suggest.Closest(a.Kind.Text, actionSpellings())
		return Action{}, false
	}
	out := Action{Kind: kind}
	switch kind {
	case action.Errno:
		out.Errno = errnoEPERM
		if a.Errno != nil {
			n, ok := ParseErrno(a.Errno.Text)
			if !ok {
				if strings.IndexAny(a.Errno.Text, "-0123456789") == 0 {
					// A number, not a misspelled name: no suggestion.
					c.diags.Errorf(a.Errno.Pos, "errno %q is not a number from 0 to %d", a.Errno.Text, uint64(math.MaxUint64))
					return Action{}, false
				}
				d := c.diags.Errorf(a.Errno.Pos, "unknown errno %q", a.Errno.Text)
				d.Suggestion = suggest.Closest(strings.ToUpper(a.Errno.Text), sortedErrnoNames())
				return Action{}, false
			}
			switch eff := EffectiveErrno(n); {
			case n == 0:
				// errno 0 makes the syscall "succeed" without running it.
				c.check(lint.ErrnoZero).Warnf(a.Errno.Pos, "errno 0 makes the call return success without running it; write allow if that is meant")
			case n > 0xffff:
				c.check(lint.ErrnoTooLarge).Warnf(a.Errno.Pos, "errno %d does not fit seccomp's 16-bit return value: the runtime keeps its low 16 bits and the call gets errno %d", n, eff)
			case n > maxErrno:
				c.check(lint.ErrnoTooLarge).Warnf(a.Errno.Pos, "errno %d is above 4095, the largest errno the kernel returns from a filter: the call gets errno 4095", n)
			}
			out.Errno = n
		}
	case action.Trace:
		if a.Ret != nil {
			n, err := strconv.ParseUint(a.Ret.Text, 0, 16)
			if err != nil {
				c.diags.Errorf(a.Ret.Pos, "trace value %q is not a number from 0 to 65535", a.Ret.Text)
				return Action{}, false
			}
			out.Errno = uint(n)
		}
	default:
		if a.Errno != nil && a.Errno.Text != "0" {
			c.diags.Warnf(a.Errno.Pos, "errno %s is ignored by %s", a.Errno.Text, kind)
		}
	}
	return out, true
}

func sortedErrnoNames() []string {
	names := ErrnoNames()
	slices.Sort(names)
	// Prefer the common errnos on ties.
	return append([]string{"EPERM", "EACCES", "ENOSYS", "EINVAL"}, names...)
}

// specArches are the arches the OCI runtime spec (and so runc and Docker)
// knows, in its order, which is the order suggestions are tried in. Only
// some have syscall tables; the rest are accepted and passed through, as
// Docker's own default lists them. TestSpecArchesAreFilterable holds
// syscalls.ArchOfSCMP to knowing every one.
var specArches = []specs.Arch{specs.ArchX86, specs.ArchX86_64, specs.ArchX32, specs.ArchARM, specs.ArchAARCH64,
	specs.ArchMIPS, specs.ArchMIPS64, specs.ArchMIPS64N32, specs.ArchMIPSEL, specs.ArchMIPSEL64, specs.ArchMIPSEL64N32,
	specs.ArchPPC, specs.ArchPPC64, specs.ArchPPC64LE, specs.ArchS390, specs.ArchS390X, specs.ArchPARISC,
	specs.ArchPARISC64, specs.ArchRISCV64, specs.ArchLOONGARCH64}

// archSpellings are the names an unknown arch is compared with for a
// suggestion: each spec arch as libseccomp names it and as its constant.
var archSpellings = func() []string {
	var names []string
	for _, scmp := range specArches {
		a, _ := syscalls.ArchOfSCMP(string(scmp))
		names = append(names, a.String(), string(scmp))
	}
	return names
}()

func (c *compilation) arch(w profiles.Word) (syscalls.Arch, bool) {
	if a, ok := syscalls.ParseFilterableArch(w.Text); ok {
		return a, true
	}
	d := c.diags.Errorf(w.Pos, "unknown architecture %q", w.Text)
	d.Suggestion = suggest.Closest(w.Text, archSpellings)
	return "", false
}

func (c *compilation) arches(sc *profiles.Seccomp, p *Policy, base *Policy) {
	if base != nil && len(sc.Arches) == 0 && len(sc.ArchMap) == 0 {
		// A profile built on a base filters the same ABIs unless it says.
		p.Arches = slices.Clone(base.Arches)
		p.ArchMap = slices.Clone(base.ArchMap)
		c.targets = append(c.targets, p.Arches...)
		if len(c.targets) == 0 {
			c.targets = []syscalls.Arch{c.opts.nativeArch()}
		}
		return
	}
	if len(sc.Arches) > 0 && len(sc.ArchMap) > 0 {
		c.diags.Errorf(sc.ArchMap[0].Pos, "both architectures and archMap are given; Docker accepts only one")
	}
	seen := map[syscalls.Arch]diag.Pos{}
	native := false
	for _, w := range sc.Arches {
		if w.Text == nativeWord {
			// The host's own arch only: a Docker profile without
			// architectures, written on purpose.
			native = true
			if len(sc.Arches) > 1 {
				c.diags.Errorf(w.Pos, "arch native stands alone: it means the host's own arch and no other ABI, as a Docker profile without architectures")
			}
			continue
		}
		a, ok := c.arch(w)
		if !ok {
			continue
		}
		if first, dup := seen[a]; dup {
			c.diags.Warnf(w.Pos, "architecture %s is listed twice", a).Related = []diag.Pos{first}
			continue
		}
		seen[a] = w.Pos
		p.Arches = append(p.Arches, a)
	}
	for _, e := range sc.ArchMap {
		a, ok := c.arch(e.Arch)
		if !ok {
			continue
		}
		entry := ArchMapEntry{Arch: a}
		for _, s := range e.SubArches {
			if sa, ok := c.arch(s); ok {
				entry.SubArches = append(entry.SubArches, sa)
			}
		}
		p.ArchMap = append(p.ArchMap, entry)
	}
	switch {
	case len(p.Arches) > 0:
		c.targets = append(c.targets, p.Arches...)
	case len(p.ArchMap) > 0:
		for _, e := range p.ArchMap {
			if e.Arch == c.opts.nativeArch() {
				c.targets = append(c.targets, e.Arch)
				c.targets = append(c.targets, e.SubArches...)
			}
		}
	case native, c.file.Format == profiles.FormatDocker:
		// No architectures: the host's own arch only; runc then kills
		// every call made through another ABI.
	default:
		p.Arches = syscalls.DefaultArches()
		c.targets = append(c.targets, p.Arches...)
	}
	if len(c.targets) == 0 {
		// No arch listed, or no archMap entry for the target: moby filters
		// the host's own arch only.
		c.targets = []syscalls.Arch{c.opts.nativeArch()}
	}
}

// nativeWord is the DSL's "arch native": no architectures in the output, so
// the runtime filters the host's own arch alone.
const nativeWord = "native"

// seccompFlags are the filter flags the OCI runtime spec defines.
var seccompFlags = []string{"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}

func (c *compilation) flags(sc *profiles.Seccomp, p *Policy) {
	for _, w := range sc.Flags {
		name := strings.ToUpper(strings.ReplaceAll(w.Text, "-", "_"))
		if !strings.HasPrefix(name, "SECCOMP_FILTER_FLAG_") {
			name = "SECCOMP_FILTER_FLAG_" + name
		}
		if !slices.Contains(seccompFlags, name) {
			d := c.diags.Errorf(w.Pos, "unknown seccomp flag %q", w.Text)
			d.Suggestion = suggest.Closest(name, seccompFlags)
			continue
		}
		if !slices.Contains(p.Flags, name) {
			p.Flags = append(p.Flags, name)
		}
	}
}

// entry is one syscall name under one rule, before grouping.
type entry struct {
	name  string
	pos   diag.Pos
	rule  *Rule // action, args and filters; Names and Pos unset
	cond  string
	exact string
	// fromBase marks a rule of the base profile: a rule of the profile
	// itself on the same syscall replaces every base rule on it.
	fromBase bool
}

func (c *compilation) rule(r *profiles.Rule, p *Policy) []entry {
	var spliced []entry
	if i := slices.IndexFunc(r.Names, func(w profiles.Word) bool { return w.Text == profiles.BuiltinDockerDefault }); i >= 0 {
		w := r.Names[i]
		names := slices.Delete(slices.Clone(r.Names), i, i+1)
		rr := *r
		rr.Names = names
		r = &rr
		if r.Action.Kind.Text != "allow" || len(r.Conds) > 0 || len(r.When) > 0 || len(r.Unless) > 0 {
			c.diags.Errorf(w.Pos, "%s is Docker's whole profile, rules and conditions included; use it as \"allow %s\" alone, or as \"base %s\"", w.Text, w.Text, w.Text)
		} else if b := c.loadBase(w); b != nil {
			spliced = baseEntries(b)
		}
		if len(names) == 0 {
			return spliced
		}
	}
	return append(spliced, c.ruleEntries(r, p)...)
}

func (c *compilation) ruleEntries(r *profiles.Rule, p *Policy) []entry {
	act, ok := c.action(r.Action)
	if act.Kind == action.Notify && p.ListenerPath == "" {
		c.diags.Errorf(r.Action.Pos, "notify needs a listener: add \"listener /path/to/socket\"")
	}
	argGroups, argsOK := c.conds(r)
	incl, inclOK := c.filters(r.When)
	excl, exclOK := c.filters(r.Unless)
	if !ok || !argsOK || !inclOK || !exclOK {
		// Still check the names, so one pass reports every mistake.
		c.names(r.Names, false)
		return nil
	}
	names := c.names(r.Names, forOtherArch(incl))
	var out []entry
	for _, args := range argGroups {
		proto := &Rule{Action: act, Args: args, Includes: incl, Excludes: excl, Comment: r.Comment}
		cond := condKey(proto)
		exact := act.String() + "|" + cond
		for _, n := range names {
			out = append(out, entry{name: n.Text, pos: n.Pos, rule: proto, cond: cond, exact: exact})
		}
	}
	return out
}

// condKey spells a rule's conditions (arguments, includes and excludes)
// so that two rules under the same conditions get the same key.
func condKey(r *Rule) string {
	var b strings.Builder
	for _, a := range r.Args {
		fmt.Fprintf(&b, "%d %s %d %d;", a.Index, a.Op, a.Value, a.ValueTwo)
	}
	return b.String() + "|" + r.Includes.key() + "|" + r.Excludes.key()
}

// names checks and expands the names of a rule.
// forOtherArch reports a rule that Docker applies only on arches other than
// x86's: its names need not exist here.
func forOtherArch(incl Filter) bool {
	if len(incl.Arches) == 0 {
		return false
	}
	for _, n := range incl.Arches {
		if a, ok := n.Arch(); n == syscalls.NativeX32 || ok && (a == syscalls.X86_64 || a == syscalls.X86) {
			return false
		}
	}
	return true
}

// names checks and expands the names of a rule. otherArch silences the
// warning for names missing on the target arches.
func (c *compilation) names(ws []profiles.Word, otherArch bool) []profiles.Word {
	var out []profiles.Word
	for _, w := range ws {
		if strings.HasPrefix(w.Text, "@") {
			members, ok := c.expandSet(w)
			if ok {
				out = append(out, members...)
			}
			continue
		}
		if c.checkName(w, otherArch) {
			out = append(out, w)
		}
	}
	return out
}

func (c *compilation) expandSet(w profiles.Word) ([]profiles.Word, bool) {
	fam, ok := LookupFamily(strings.TrimPrefix(w.Text, "@"))
	if !ok {
		var names []string
		for _, f := range Families() {
			names = append(names, "@"+f.Name)
		}
		d := c.diags.Errorf(w.Pos, "unknown set %q; secprof families lists them", w.Text)
		d.Suggestion = suggest.Closest(w.Text, names)
		return nil, false
	}
	var out []profiles.Word
	for _, m := range fam.Members {
		if c.onTarget(m) {
			// Members that exist only on other arches are part of the
			// family's meaning but would only produce noise here.
			out = append(out, profiles.Word{Pos: w.Pos, Text: m})
		}
	}
	return out, true
}

func (c *compilation) onTarget(name string) bool {
	for _, a := range c.targets {
		if _, ok := syscalls.Number(a, name); ok {
			return true
		}
	}
	return false
}

func (c *compilation) targetList() string {
	var s []string
	for _, a := range c.targets {
		s = append(s, string(a))
	}
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " or " + s[1]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// targetsMultiplex reports whether a target arch has the socketcall and
// ipc multiplexers onto which libseccomp rewrites socket and IPC rules.
func (c *compilation) targetsMultiplex() bool {
	return slices.Contains(c.targets, syscalls.X86) || slices.Contains(c.targets, syscalls.S390X)
}

// checkName reports unknown names (an error: the rule would silently do
// nothing) and names that exist, but not on the target arches (a warning:
// real profiles list other arches' calls).
func (c *compilation) checkName(w profiles.Word, otherArch bool) bool {
	name := w.Text
	if !syscalls.Known(name) {
		d := c.diags.Errorf(w.Pos, "unknown syscall %q on %s", name, c.targetList())
		d.Suggestion = syscalls.Suggest(name, c.targets...)
		return false
	}
	if !c.onTarget(name) {
		switch on := syscalls.ArchesOf(name); {
		case otherArch:
		case syscalls.Multiplexer(name) != "" && c.targetsMultiplex():
			// libseccomp turns a rule on recv or send into a rule on x86's
			// (and s390x's) socketcall multiplexer, so it does act there; it
			// multiplexes no other pseudo-syscall (breakpoint stays a no-op).
		case len(on) > 0:
			var names []string
			for _, a := range on {
				names = append(names, string(a))
			}
			c.diags.Warnf(w.Pos, "no syscall %q on %s (only on %s): this rule has no effect here", name, c.targetList(), strings.Join(names, ", "))
		default:
			// Every multiplexed name is a real call on some arch, so only
			// names such as arm's breakpoint get here: libseccomp knows them
			// but no target has a number for them.
			c.diags.Warnf(w.Pos, "%q is a libseccomp pseudo-syscall, a name with no number on %s: libseccomp accepts the rule and it has no effect here", name, c.targetList())
		}
		return true
	}
	if c.opts.KnownToHost != nil {
		for _, a := range c.targets {
			if _, ok := syscalls.Number(a, name); ok && !c.opts.KnownToHost(a, name) {
				c.check(lint.HostLibseccompGap).Warnf(w.Pos, "this host's libseccomp%s does not know %q on %s; runc will skip the rule there and the call gets the default action; upgrade libseccomp on this host", c.opts.hostVersion(), name, a)
				break
			}
		}
	}
	return true
}

var dslOps = map[string]Op{"==": OpEQ, "!=": OpNE, "<": OpLT, "<=": OpLE, ">": OpGT, ">=": OpGE, string(profiles.OpMaskedEQ): OpMaskedEQ}

var scmpOps = []string{string(OpEQ), string(OpNE), string(OpLT), string(OpLE), string(OpGT), string(OpGE), string(OpMaskedEQ)}

// conds resolves a rule's argument conditions into the condition lists
// the runtime installs: one list, all of which must hold. A Docker rule
// that compares one argument twice is installed by runc as one rule per
// comparison (either one matching is enough), so it becomes one list per
// comparison, with a warning; in secprof's own sources it is an error.
func (c *compilation) conds(r *profiles.Rule) ([][]Arg, bool) {
	ok := true
	var args []Arg
	seen := map[uint]diag.Pos{}
	repeated := false
	for _, cd := range r.Conds {
		a, good := c.cond(cd)
		if !good {
			ok = false
			continue
		}
		if first, dup := seen[a.Index]; dup {
			msg := "two conditions on arg%d in one rule: runc turns them into separate rules, so either one matching is enough (OR, not AND)"
			if c.file.Format == profiles.FormatDocker {
				c.diags.Warnf(cd.Pos, msg+"; compiled as one rule per condition", a.Index).Related = []diag.Pos{first}
				repeated = true
			} else {
				c.diags.Errorf(cd.Pos, msg+"; write one rule per condition", a.Index).Related = []diag.Pos{first}
				ok = false
			}
		}
		seen[a.Index] = cd.Pos
		args = append(args, a)
	}
	if !repeated {
		return [][]Arg{args}, ok
	}
	groups := make([][]Arg, len(args))
	for i, a := range args {
		groups[i] = []Arg{a}
	}
	return groups, ok
}

func (c *compilation) cond(cd *profiles.Cond) (Arg, bool) {
	var a Arg
	idx := strings.TrimPrefix(cd.Arg.Text, "arg")
	n, err := strconv.ParseUint(idx, 10, 32)
	if err != nil {
		c.diags.Errorf(cd.Arg.Pos, "bad argument %q; expected arg0 to arg5", cd.Arg.Text)
		return a, false
	}
	if n > 5 {
		c.diags.Errorf(cd.Arg.Pos, "argument index %d is out of range; seccomp sees arg0 to arg5", n)
		return a, false
	}
	a.Index = uint(n)
	op, ok := dslOps[cd.Op.Text]
	if !ok && slices.Contains(scmpOps, cd.Op.Text) {
		op, ok = Op(cd.Op.Text), true
	}
	if !ok {
		d := c.diags.Errorf(cd.Op.Pos, "unknown comparison %q", cd.Op.Text)
		d.Suggestion = suggest.Closest(cd.Op.Text, scmpOps)
		return a, false
	}
	a.Op = op
	v, ok := c.value(cd.Value)
	if !ok {
		return a, false
	}
	if op == OpMaskedEQ {
		// Both front ends set Mask exactly when the comparison is masked.
		m, ok := c.value(*cd.Mask)
		if !ok {
			return a, false
		}
		a.Value, a.ValueTwo = m, v
		if v&^m != 0 {
			c.diags.Warnf(cd.Value.Pos, "value %#x has bits outside the mask %#x, so this condition never holds", v, m)
		}
		return a, true
	}
	a.Value = v
	if cd.ValueTwo != nil {
		c.diags.Warnf(cd.ValueTwo.Pos, "valueTwo is used only by SCMP_CMP_MASKED_EQ; it is ignored here")
	}
	return a, true
}

// value reads a number: decimal, 0x hex, 0o or leading-0 octal, 0b binary,
// or a negative decimal, which seccomp compares as its 64-bit two's
// complement (what a C caller passing -1 puts in the register).
func (c *compilation) value(w profiles.Word) (uint64, bool) {
	s := strings.ReplaceAll(w.Text, "_", "")
	if v, err := strconv.ParseUint(s, 0, 64); err == nil {
		return v, true
	}
	if v, err := strconv.ParseInt(s, 0, 64); err == nil && v < 0 && v > math.MinInt64 {
		return uint64(v), true
	}
	c.diags.Errorf(w.Pos, "%q is not a number that fits in 64 bits", w.Text)
	return 0, false
}

func (c *compilation) filters(fs []*profiles.Filter) (Filter, bool) {
	var out Filter
	ok := true
	for _, f := range fs {
		switch f.Kind.Text {
		case "cap":
			for _, w := range f.Args {
				name := strings.ToUpper(w.Text)
				if !strings.HasPrefix(name, "CAP_") {
					name = "CAP_" + name
				}
				if !capabilities.Known(name) {
					d := c.diags.Errorf(w.Pos, "unknown capability %q", w.Text)
					d.Suggestion = suggest.Closest(name, capabilities.All())
					ok = false
					continue
				}
				out.Caps = appendUnique(out.Caps, name)
			}
		case "arch":
			for _, w := range f.Args {
				name, good := c.filterArch(w)
				if !good {
					ok = false
					continue
				}
				out.Arches = appendUnique(out.Arches, name)
			}
		case "kernel":
			if len(f.Args) != 1 {
				c.diags.Errorf(f.Kind.Pos, "kernel takes one version, e.g. kernel >= 5.8")
				ok = false
				continue
			}
			k, good := target.ParseVersion(f.Args[0].Text)
			if !good {
				c.diags.Errorf(f.Args[0].Pos, "bad kernel version %q; expected MAJOR.MINOR such as 5.8", f.Args[0].Text)
				ok = false
				continue
			}
			if out.MinKernel != nil {
				c.diags.Errorf(f.Args[0].Pos, "kernel version is given twice")
				ok = false
				continue
			}
			out.MinKernel = &k
		default:
			// The parsers build only these three kinds and report any
			// other word where it was written; ignoring one here would
			// make a conditional rule unconditional.
			panic("compiler: filter kind " + strconv.Quote(f.Kind.Text) + " that no front end builds")
		}
	}
	return out, ok
}

// filterArch reads an arch of an includes/excludes filter, in Docker's
// vocabulary of host arches (syscalls.FilterArches). x86_64 is read as
// amd64, the one libseccomp name users write there by habit.
func (c *compilation) filterArch(w profiles.Word) (syscalls.NativeArch, bool) {
	name := syscalls.NativeArch(w.Text)
	if w.Text == syscalls.X86_64.String() {
		name, _ = syscalls.X86_64.Native()
	}
	known := syscalls.FilterArches()
	if slices.Contains(known, name) {
		return name, true
	}
	names := make([]string, len(known))
	for i, n := range known {
		names[i] = n.String()
	}
	d := c.diags.Errorf(w.Pos, "unknown architecture %q in a filter; Docker names arches as Go does (amd64, arm64, x86, …)", w.Text)
	d.Suggestion = suggest.Closest(string(name), names)
	return "", false
}

func appendUnique[T comparable](list []T, s T) []T {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// normalize merges duplicates, reports contradictions, drops rules equal to
// the default and groups names that share action and conditions, keeping
// the order in which groups first appear in the source.
func (c *compilation) normalize(entries []entry, def Action) []*Rule {
	type nameCond struct{ name, cond string }
	byCond := map[nameCond]*entry{} // first entry per syscall and conditions
	groups := map[string]*Rule{}
	var order []string
	// Which names the profile itself and its base speak of.
	own, inBase := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		if e.fromBase {
			inBase[e.name] = true
		} else {
			own[e.name] = true
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.fromBase && own[e.name] {
			continue // the profile's own rules on this syscall replace the base's
		}
		if c.file.Format == profiles.FormatDocker && e.rule.Action == def {
			// runc never hands libseccomp a rule equal to the default (it
			// would refuse it), so such a rule cannot shadow a later one.
			if !e.fromBase {
				c.check(lint.EqualToDefault).Warnf(e.pos, "%s: %s is already the default action; rule dropped", e.name, def)
			}
			continue
		}
		key := nameCond{e.name, e.cond}
		if prev, ok := byCond[key]; ok {
			switch {
			case prev.exact == e.exact:
				// An exact repeat adds nothing; the first one stands.
			case c.file.Format == profiles.FormatDocker && len(e.rule.Args) > 0:
				// libseccomp refuses a second rule with the same conditions
				// and another action (EEXIST), and runc then fails to start
				// the container.
				d := c.diags.Errorf(e.pos, "%s has two rules with the same conditions: %s here, %s at %s; libseccomp refuses the second (EEXIST), so runc cannot start a container with this profile", e.name, e.rule.Action, prev.rule.Action, prev.pos)
				d.Related = []diag.Pos{prev.pos}
			case c.file.Format == profiles.FormatDocker:
				// Docker accepts this, and libseccomp keeps the first
				// unconditional rule it is given; say so rather than refuse
				// the file.
				d := c.diags.Warnf(e.pos, "%s has two rules: %s here is ignored, because runc keeps the first, %s at %s", e.name, e.rule.Action, prev.rule.Action, prev.pos)
				d.Related = []diag.Pos{prev.pos}
			default:
				d := c.diags.Errorf(e.pos, "contradictory rules for %s: %s here, %s at %s", e.name, e.rule.Action, prev.rule.Action, prev.pos)
				d.Related = []diag.Pos{prev.pos}
			}
			continue
		}
		byCond[key] = e
		if !e.rule.Conditional() && e.rule.Action == def {
			// A rule that only restores the default still matters when it
			// takes the base's rules for that syscall away.
			if !e.fromBase && !inBase[e.name] {
				c.check(lint.EqualToDefault).Warnf(e.pos, "%s: %s is already the default action; rule dropped", e.name, def)
			}
			continue
		}
		g, ok := groups[e.exact]
		if !ok {
			g = &Rule{Action: e.rule.Action, Args: e.rule.Args, Includes: e.rule.Includes, Excludes: e.rule.Excludes, Comment: e.rule.Comment}
			groups[e.exact] = g
			order = append(order, e.exact)
		}
		g.Names = append(g.Names, e.name)
		g.Pos = append(g.Pos, e.pos)
	}
	out := make([]*Rule, 0, len(order))
	for _, k := range order {
		g := groups[k]
		sortNames(g)
		out = append(out, g)
	}
	return out
}

// dropShadowed finds conditional rules that never decide anything: libseccomp
// lets a rule without argument conditions decide its syscall alone, in
// whichever order the two were added, so a conditional rule on the same
// syscall that applies wherever the unconditional one does is dead. In
// secprof's own sources that is an error (with "allow ptrace" in front, a
// "kill ptrace if …" fails open); a Docker file is taken as the runtime
// takes it, with the dead rule dropped and a warning.
func (c *compilation) dropShadowed(rules []*Rule) []*Rule {
	type uncond struct {
		rule *Rule
		pos  diag.Pos
	}
	byName := map[string][]uncond{}
	for _, r := range rules {
		if len(r.Args) == 0 {
			for i, n := range r.Names {
				byName[n] = append(byName[n], uncond{r, r.Pos[i]})
			}
		}
	}
	if len(byName) == 0 {
		return rules
	}
	out := rules[:0]
	for _, r := range rules {
		if len(r.Args) > 0 {
			r = c.withoutShadowed(r, func(name string) (*Rule, diag.Pos, bool) {
				for _, u := range byName[name] {
					if u.rule.Includes.IsZero() && u.rule.Excludes.IsZero() || u.rule.Includes.key() == r.Includes.key() && u.rule.Excludes.key() == r.Excludes.key() {
						return u.rule, u.pos, true
					}
				}
				return nil, diag.Pos{}, false
			})
		}
		if len(r.Names) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// withoutShadowed reports each name of a conditional rule that shadow says
// an unconditional rule decides, and returns the rule without them.
func (c *compilation) withoutShadowed(r *Rule, shadow func(name string) (*Rule, diag.Pos, bool)) *Rule {
	kept := &Rule{Action: r.Action, Args: r.Args, Includes: r.Includes, Excludes: r.Excludes, Comment: r.Comment}
	for i, n := range r.Names {
		u, upos, dead := shadow(n)
		if !dead {
			kept.Names = append(kept.Names, n)
			kept.Pos = append(kept.Pos, r.Pos[i])
			continue
		}
		what := fmt.Sprintf("%s %s if %s never decides anything: the rule without conditions at %s (%s) decides %s whatever its arguments", r.Action, n, argsText(r.Args), upos, u.Action, n)
		if c.file.Format == profiles.FormatDocker {
			c.check(lint.ShadowedRule).Warnf(r.Pos[i], "%s; dropped", what).Related = []diag.Pos{upos}
			continue
		}
		c.check(lint.ShadowedRule).Errorf(r.Pos[i], "%s; remove one of the two, or give the other the opposite condition", what).Related = []diag.Pos{upos}
		kept.Names = append(kept.Names, n)
		kept.Pos = append(kept.Pos, r.Pos[i])
	}
	return kept
}

func argsText(args []Arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.String()
	}
	return strings.Join(parts, " and ")
}

// sortNames orders a rule's names, keeping each position with its name.
func sortNames(r *Rule) {
	idx := make([]int, len(r.Names))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(r.Names[a], r.Names[b]) })
	names := make([]string, len(idx))
	pos := make([]diag.Pos, len(idx))
	for i, j := range idx {
		names[i], pos[i] = r.Names[j], r.Pos[j]
	}
	r.Names, r.Pos = names, pos
}
