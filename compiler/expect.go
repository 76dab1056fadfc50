package compiler

import (
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/syscalls"
)

// Expect is a resolved `expect` line of a test block: a syscall of the
// native arch, its argument values, and the action the profile must take.
type Expect struct {
	Pos     diag.Pos
	Syscall string
	Args    []uint64
	Want    Action
}

// Expectations resolves a test block's expect lines with the same rules as
// the profile itself: known names, numeric arguments, errno names.
func Expectations(t *profiles.Test) ([]Expect, diag.List) {
	c := &compilation{file: &profiles.File{}, targets: []syscalls.Arch{syscalls.X86_64}}
	var out []Expect
	if t == nil {
		return nil, nil
	}
	for _, e := range t.Expects {
		want, ok := c.action(e.Result)
		if _, native := syscalls.Number(syscalls.X86_64, e.Syscall.Text); !native {
			d := c.diags.Errorf(e.Syscall.Pos, "expect needs a syscall of x86_64, the arch the check runs on; %q is not one", e.Syscall.Text)
			d.Suggestion = nativeSuggestion(e.Syscall.Text)
			ok = false
		}
		if len(e.Args) > 6 {
			c.diags.Errorf(e.Args[6].Pos, "a syscall takes at most six arguments")
			ok = false
		}
		var args []uint64
		for _, a := range e.Args {
			v, good := c.value(a)
			ok = ok && good
			args = append(args, v)
		}
		if ok {
			out = append(out, Expect{Pos: e.Pos, Syscall: e.Syscall.Text, Args: args, Want: want})
		}
	}
	c.diags.Sort()
	return out, c.diags
}

// nativeSuggestion is a "did you mean" for an expect line: only an x86_64
// call can be run there, so a name of another arch is no answer (for
// chown32, x86's fchown32 is not an x86_64 call either). Suggest prefers
// x86_64 names and looks at other arches only when none is close, so
// dropping its non-native answers leaves exactly the native ones.
func nativeSuggestion(name string) string {
	s := syscalls.Suggest(name, syscalls.X86_64)
	if _, native := syscalls.Number(syscalls.X86_64, s); !native {
		return ""
	}
	return s
}
