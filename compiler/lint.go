package compiler

import (
	"fmt"
	"slices"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/lint"
	"github.com/secprof/secprof/profiles"
)

// The lint checks that need the compilation's internals (its target
// arches, the rules before they are merged and whether each came from a
// base) run here, during every compile; package lint holds their IDs and
// documentation.

// dangerousReasons are the calls an allow-list should not allow without a
// condition, with why.
var dangerousReasons = map[string]string{
	"ptrace":            "it reads and writes the memory and registers of other processes, and before kernel 4.8 let a tracer bypass seccomp",
	"process_vm_readv":  "it reads the memory of other processes",
	"process_vm_writev": "it writes the memory of other processes",
	"bpf":               "it loads programs into the kernel, a large attack surface that can read kernel memory",
	"perf_event_open":   "it reads kernel and other processes' activity and has had many privilege-escalation bugs",
	"mount":             "it changes the mount table, and can expose host file systems",
	"umount2":           "it removes mounts that hide host paths (such as masked /proc entries)",
	"pivot_root":        "it changes the root file system",
	"kexec_load":        "it loads a new kernel to boot into",
	"init_module":       "it loads code into the kernel",
	"finit_module":      "it loads code into the kernel",
	"delete_module":     "it unloads kernel modules",
	"open_by_handle_at": "it opens files by handle, bypassing path checks (the shocker container escape)",
	"keyctl":            "the kernel keyring is not namespaced: containers can read each other's keys",
	"add_key":           "the kernel keyring is not namespaced: containers can read each other's keys",
	"request_key":       "the kernel keyring is not namespaced: containers can read each other's keys",
	"userfaultfd":       "it stalls the kernel on a page fault, a common exploitation primitive",
	"unshare":           "it creates namespaces (a user namespace gives root-like powers inside it)",
	"clone":             "with CLONE_NEW* flags it creates namespaces (a user namespace gives root-like powers inside it)",
	"clone3":            "it creates namespaces with flags behind a pointer, which seccomp cannot inspect",
	"personality":       "some personalities (ADDR_NO_RANDOMIZE) turn off address space randomization",
	"iopl":              "it gives direct access to the host's I/O ports",
	"ioperm":            "it gives direct access to the host's I/O ports",
	"swapon":            "it changes the host's swap, host-wide",
	"reboot":            "it reboots or halts the host (or the PID namespace)",
}

// namespaceFlags are the CLONE_NEW* bits (and CLONE_NEWTIME's neighbour
// bits) that Docker's default forbids in clone's and unshare's flags.
const namespaceFlags = 0x7e020000

// dangerousFixes say what to write instead of a plain allow, where a
// condition makes the call safe.
var dangerousFixes = map[string]string{
	"clone":       "write \"allow clone if arg0 & 0x7e020000 == 0\" (no CLONE_NEW* flags), as Docker does",
	"unshare":     "write \"allow unshare if arg0 & 0x7e020000 == 0\" (no CLONE_NEW* flags), or remove it",
	"personality": "write \"allow personality if arg0 == 0x0\" (and the other personalities needed), as Docker does",
}

// checkDangerous reports the dangerous calls this file's allow-list
// allows. Rules spliced from a base and rules gated on a capability are
// not reported: Docker's default allows ptrace or bpf that way on purpose.
func (c *compilation) checkDangerous(entries []entry, def Action) {
	switch def.Kind {
	case action.Errno, action.KillThread, action.KillProcess, action.Trap:
	default:
		return // a deny-list allows everything it does not name
	}
	for _, e := range entries {
		reason, dangerous := dangerousReasons[e.name]
		if !dangerous || e.fromBase || !e.pos.IsValid() || len(e.rule.Includes.Caps) > 0 || !allows(e.rule.Action) || safelyConditioned(e.name, e.rule.Args) {
			continue
		}
		fix := dangerousFixes[e.name]
		if fix == "" {
			fix = fmt.Sprintf("remove %s from the allow-list, or gate it with \"when cap …\" for the containers that need it", e.name)
		}
		c.check(lint.DangerousAllow).Warnf(e.pos, "allow %s in an allow-list: %s; %s", e.name, reason, fix)
	}
}

func allows(a Action) bool { return a.Kind == action.Allow || a.Kind == action.Log }

// safelyConditioned reports a condition that takes the danger away:
// clone's and unshare's namespace flags masked to zero, a personality
// named by its value.
func safelyConditioned(name string, args []Arg) bool {
	for _, a := range args {
		switch name {
		case "clone", "unshare":
			// s390x passes clone's flags in arg1, as Docker's default knows.
			if a.Index <= 1 && a.Op == OpMaskedEQ && a.Value&namespaceFlags == namespaceFlags && a.ValueTwo&namespaceFlags == 0 {
				return true
			}
		case "personality":
			if a.Index == 0 && a.Op == OpEQ {
				return true
			}
		}
	}
	return false
}

// checkClone3 reports clone3 answered with anything that stops it other
// than ENOSYS: glibc falls back to clone only on ENOSYS, so with EPERM
// (or a kill, or a trap) threads and fork break.
func (c *compilation) checkClone3(p *Policy) {
	if !c.onTarget("clone3") {
		return
	}
	fix := "write \"deny clone3 errno ENOSYS\", as Docker's default does"
	ruled := false
	for _, r := range p.Rules {
		i := slices.Index(r.Names, "clone3")
		if i < 0 {
			continue
		}
		ruled = true
		if breaksClone3(r.Action) && c.ownPos(r.Pos[i]) {
			c.check(lint.Clone3EPERM).Warnf(r.Pos[i], "clone3 gets %s: glibc falls back to clone only on ENOSYS, so threads and fork fail; %s", r.Action, fix)
		}
	}
	if ruled || !breaksClone3(p.DefaultAction) {
		return
	}
	for _, r := range p.Rules {
		if i := slices.Index(r.Names, "clone"); i >= 0 && allows(r.Action) && c.ownPos(r.Pos[i]) {
			c.check(lint.Clone3EPERM).Warnf(r.Pos[i], "clone is allowed but clone3 gets the default action, %s: glibc tries clone3 first and falls back to clone only on ENOSYS, so threads and fork fail; %s", p.DefaultAction, fix)
			return
		}
	}
}

// breaksClone3 reports an answer to clone3 after which glibc does not
// fall back to clone.
func breaksClone3(a Action) bool {
	switch a.Kind {
	case action.Errno:
		enosys, _ := ParseErrno("ENOSYS")
		return a.Errno != enosys
	case action.KillThread, action.KillProcess, action.Trap:
		return true
	}
	return false
}

// ownPos reports a position in the file being compiled, not in a base.
func (c *compilation) ownPos(p diag.Pos) bool { return p.IsValid() && p.File == c.file.Name }

// checked reports the findings of one lint check. A warning that a
// rule's ignore silences is never added, so it neither shows nor counts
// against diag.MaxPerFile; errors are never silenced, since they stop a
// compilation whose output would be wrong.
type checked struct {
	c  *compilation
	id lint.ID
}

func (c *compilation) check(id lint.ID) checked { return checked{c, id} }

// Warnf records the check's warning at pos, unless an ignore silences it.
func (k checked) Warnf(pos diag.Pos, format string, args ...any) *diag.Diagnostic {
	if k.c.silenced(k.id, pos) {
		return new(diag.Diagnostic) // the caller may still set fields: on nothing kept
	}
	return k.add(pos, diag.Warning, fmt.Sprintf(format, args...))
}

// Errorf records the check's error at pos.
func (k checked) Errorf(pos diag.Pos, format string, args ...any) *diag.Diagnostic {
	return k.add(pos, diag.Error, fmt.Sprintf(format, args...))
}

// add appends the finding within diag.MaxPerFile, and returns it, or a
// throwaway when the list only counted it.
func (k checked) add(pos diag.Pos, sev diag.Severity, msg string) *diag.Diagnostic {
	l := &k.c.diags
	n := len(*l)
	l.Add(diag.Diagnostic{Pos: pos, Severity: sev, Check: string(k.id), Message: msg})
	if last := len(*l) - 1; last >= n && (*l)[last].Omitted == 0 {
		return &(*l)[last]
	}
	return new(diag.Diagnostic)
}

// ignoreUse is one ignore, and whether it silenced anything.
type ignoreUse struct {
	ig   profiles.Ignore
	used bool
}

// indexIgnores files each rule's ignores under the positions of the
// rule's words.
func (c *compilation) indexIgnores() {
	if c.file.Seccomp == nil {
		return
	}
	for _, r := range c.file.Seccomp.Rules {
		var uses []*ignoreUse
		for _, ig := range r.Ignores {
			uses = append(uses, &ignoreUse{ig: ig})
		}
		if len(uses) == 0 {
			continue
		}
		if c.ignores == nil {
			c.ignores = map[diag.Pos][]*ignoreUse{}
		}
		c.allIgnores = append(c.allIgnores, uses...)
		for _, p := range rulePositions(r) {
			c.ignores[p] = append(c.ignores[p], uses...)
		}
	}
}

// silenced reports, and records, an ignore of check id on the rule at pos.
func (c *compilation) silenced(id lint.ID, pos diag.Pos) bool {
	found := false
	for _, u := range c.ignores[pos] {
		if u.ig.Check == string(id) {
			u.used, found = true, true
		}
	}
	return found
}

// reportUnusedIgnores warns about each ignore that silenced nothing.
func (c *compilation) reportUnusedIgnores() {
	for _, u := range c.allIgnores {
		if !u.used {
			c.diags.Warnf(u.ig.Pos, "secprof:ignore %s silences nothing: no %s warning on this rule; remove it", u.ig.Check, u.ig.Check).Check = string(lint.UnusedIgnore)
		}
	}
}

// rulePositions are the positions of every word of a rule, where the
// compiler places the diagnostics about it.
func rulePositions(r *profiles.Rule) []diag.Pos {
	ps := []diag.Pos{r.Pos, r.Action.Kind.Pos}
	if r.Action.Errno != nil {
		ps = append(ps, r.Action.Errno.Pos)
	}
	if r.Action.Ret != nil {
		ps = append(ps, r.Action.Ret.Pos)
	}
	for _, w := range r.Names {
		ps = append(ps, w.Pos)
	}
	for _, cd := range r.Conds {
		ps = append(ps, cd.Pos, cd.Arg.Pos, cd.Op.Pos, cd.Value.Pos)
		if cd.Mask != nil {
			ps = append(ps, cd.Mask.Pos)
		}
		if cd.ValueTwo != nil {
			ps = append(ps, cd.ValueTwo.Pos)
		}
	}
	for _, f := range append(slices.Clone(r.When), r.Unless...) {
		ps = append(ps, f.Pos, f.Kind.Pos)
		for _, w := range f.Args {
			ps = append(ps, w.Pos)
		}
	}
	return ps
}
