package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secprof/secprof/syscalls"
)

// twinHints say which real program takes the door a rule leaves open.
var twinHints = map[string]string{
	"chmod": "glibc's chmod(1) calls fchmodat",
	"chown": "glibc's chown(1) calls fchownat",
}

// twinsOf lists the other entry points the kernel offers for the same
// operation, by the kernel's naming: the fd form (fchmod), the *at forms
// (fchmodat, fchmodat2), the no-follow form (lchown) and x86's 32-bit-uid
// forms (chown32), which exist only on the arches that have them.
func twinsOf(name string) []string {
	var out []string
	for _, t := range []string{"f" + name, name + "at", "f" + name + "at", name + "at2", "f" + name + "at2", "l" + name, name + "32", "f" + name + "32", "l" + name + "32"} {
		if len(syscalls.ArchesOf(t)) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// checkTwins warns when an unconditional rule stops one entry point of an
// operation but leaves its twins with the default action: "deny chmod"
// does not stop coreutils, which calls fchmodat, and "deny chown" does not
// stop chown32 through int $0x80.
func (c *compilation) checkTwins(p *Policy) {
	if k := p.DefaultAction.Kind; k != ActAllow && k != ActLog {
		// In an allow-list a missing twin is denied: safe, not a hole.
		return
	}
	effective := map[string]Action{}
	for _, r := range p.Rules {
		if r.Conditional() {
			continue
		}
		for _, n := range r.Names {
			effective[n] = r.Action
		}
	}
	for _, r := range p.Rules {
		if r.Conditional() || r.Action.Kind == ActAllow || r.Action.Kind == ActLog {
			continue
		}
		for i, name := range r.Names {
			var open, x86only []string
			for _, t := range twinsOf(name) {
				if _, ruled := effective[t]; ruled || !c.onTarget(t) {
					continue
				}
				open = append(open, t)
				if c.onlyOn(t, syscalls.X86) {
					x86only = append(x86only, t)
				}
			}
			if len(open) == 0 {
				continue
			}
			verb := r.Action.String()
			if r.Action.Kind == ActErrno {
				verb = "deny"
			}
			msg := fmt.Sprintf("%s %s leaves %s %s", verb, name, strings.Join(open, ", "), defaultVerb(p.DefaultAction))
			if len(x86only) > 0 {
				msg += fmt.Sprintf(" (%s through the x86 ABI, int $0x80)", strings.Join(x86only, ", "))
			}
			if h := twinHints[name]; h != "" {
				msg += "; " + h
			}
			if fam, ok := LookupFamily(name); ok && coversAll(fam.Members, append(open, name)) {
				msg += fmt.Sprintf(" — write \"%s @%s\"", verb, fam.Name)
			}
			c.diags.Warnf(r.Pos[i], "%s", msg)
		}
	}
}

func (c *compilation) onlyOn(name string, arch syscalls.Arch) bool {
	for _, a := range c.targets {
		if _, ok := syscalls.Number(a, name); ok && a != arch {
			return false
		}
	}
	return true
}

func coversAll(members, names []string) bool {
	for _, n := range names {
		if !slices.Contains(members, n) {
			return false
		}
	}
	return true
}

// defaultVerb says what the default action a does, for "leaves X allowed".
func defaultVerb(a Action) string {
	switch a.Kind {
	case ActAllow:
		return "allowed"
	case ActLog:
		return "allowed (logged)"
	}
	return "to the default action (" + a.String() + ")"
}
