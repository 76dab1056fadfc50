package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/lint"
	"github.com/secprof/secprof/syscalls"
)

// twinHints say which real program takes the door a rule leaves open.
var twinHints = map[string]string{
	"chmod": "glibc's chmod(1) calls fchmodat",
	"chown": "glibc's chown(1) calls fchownat",
}

// operations group the entry points the kernel offers for one file
// operation: the path form, the fd form (fchmod), the *at and *at2 forms,
// the no-follow form (lchown), the irregular ones (creat, statx,
// utimensat) and x86's 32-bit forms (chown32, stat64), which exist only on
// the arches that have them. A name may belong to several operations
// (unlinkat also removes directories). TestOperationsAreSyscalls holds
// every member to being a syscall on some arch.
var operations = [][]string{
	{"access", "faccessat", "faccessat2"},
	{"chmod", "fchmod", "fchmodat", "fchmodat2"},
	{"chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32"},
	{"execve", "execveat"},
	{"link", "linkat"},
	{"mkdir", "mkdirat"},
	{"mknod", "mknodat"},
	{"creat", "open", "openat", "openat2"},
	{"readlink", "readlinkat"},
	{"rename", "renameat", "renameat2"},
	{"rmdir", "unlinkat"},
	{"fstat", "fstat64", "fstatat64", "lstat", "lstat64", "newfstatat", "oldfstat", "oldlstat", "oldstat", "stat", "stat64", "statx"},
	{"symlink", "symlinkat"},
	{"unlink", "unlinkat"},
	{"futimesat", "utime", "utimensat", "utimensat_time64", "utimes"},
}

// twinsOf lists the other entry points of every operation name belongs
// to, and x86's wide forms of name and of each of them (setuid32,
// truncate64), which exist for calls outside the table too.
func twinsOf(name string) []string {
	var out []string
	for _, op := range operations {
		if !slices.Contains(op, name) {
			continue
		}
		for _, t := range op {
			if t != name && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	for _, n := range append([]string{name}, out...) {
		for _, wide := range []string{n + "32", n + "64"} {
			if wide != name && !slices.Contains(out, wide) && len(syscalls.ArchesOf(wide)) > 0 {
				out = append(out, wide)
			}
		}
	}
	return out
}

// checkTwins warns when an unconditional rule stops one entry point of an
// operation but leaves its twins with the default action: "deny chmod"
// does not stop coreutils, which calls fchmodat (SP101), and "deny chown"
// does not stop chown32 through int $0x80 (SP102). Socket and IPC calls
// have no twins here: libseccomp rewrites their rules onto x86's
// socketcall and ipc multiplexers itself.
func (c *compilation) checkTwins(p *Policy) {
	if k := p.DefaultAction.Kind; k != action.Allow && k != action.Log {
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
		if r.Conditional() || r.Action.Kind == action.Allow || r.Action.Kind == action.Log {
			continue
		}
		for i, name := range r.Names {
			var family, x86only []string
			for _, t := range twinsOf(name) {
				if _, ruled := effective[t]; ruled || !c.onTarget(t) {
					continue
				}
				if c.onlyOn(t, syscalls.X86) {
					x86only = append(x86only, t)
				} else {
					family = append(family, t)
				}
			}
			c.reportTwins(r, i, p.DefaultAction, family, x86only)
		}
	}
}

// reportTwins words the SP101 and SP102 findings for one name of r.
func (c *compilation) reportTwins(r *Rule, i int, def Action, family, x86only []string) {
	if len(family) == 0 && len(x86only) == 0 {
		return
	}
	name := r.Names[i]
	verb := r.Action.String()
	if r.Action.Kind == action.Errno {
		verb = "deny"
	}
	open := append(slices.Clone(family), x86only...)
	fix := fmt.Sprintf(" — also write \"%s %s\"", verb, strings.Join(open, " "))
	if fam, ok := LookupFamily(name); ok && coversAll(fam.Members, append(open, name)) {
		fix = fmt.Sprintf(" — write \"%s @%s\"", verb, fam.Name)
	}
	if len(family) > 0 {
		msg := fmt.Sprintf("%s %s leaves %s %s", verb, name, strings.Join(family, ", "), defaultVerb(def))
		if h := twinHints[name]; h != "" {
			msg += "; " + h
		}
		c.check(lint.FamilyBypass).Warnf(r.Pos[i], "%s%s", msg, fix)
	}
	if len(x86only) > 0 {
		msg := fmt.Sprintf("%s %s leaves %s %s through the x86 ABI (int $0x80)", verb, name, strings.Join(x86only, ", "), defaultVerb(def))
		c.check(lint.ABIBypass).Warnf(r.Pos[i], "%s%s", msg, fix)
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
	case action.Allow:
		return "allowed"
	case action.Log:
		return "allowed (logged)"
	}
	return "to the default action (" + a.String() + ")"
}
