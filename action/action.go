// Package action is the one spelling of a seccomp action that the compiler's
// IR, its backends and the semantic oracle share: a value type, its String
// in the DSL's words, and the one mapping to and from the runtime's
// SCMP_ACT_* names. It is a leaf: it decides nothing about profiles.
//
//	DSL word / SCMP_ACT_* ─► Action ─► String (DSL) / SCMP (Docker, OCI)
package action

import (
	"fmt"
	"slices"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Kind is a seccomp action, named as in the DSL.
type Kind string

const (
	Allow       Kind = "allow"
	Errno       Kind = "errno"
	KillThread  Kind = "kill-thread" // SCMP_ACT_KILL (Docker's "kill")
	KillProcess Kind = "kill-process"
	Trap        Kind = "trap"
	Log         Kind = "log"
	Notify      Kind = "notify"
	Trace       Kind = "trace"
)

// Action is a resolved action: errno and trace carry a number.
type Action struct {
	Kind Kind `json:"kind"`
	// Errno is the errno returned by Errno (EPERM when the source named
	// none, as runc does) or the value passed to the tracer by Trace; zero
	// for every other kind.
	Errno uint `json:"errno,omitempty"`
}

// EPERM is runc's errno when a profile names none.
const EPERM = uint(unix.EPERM)

// String prints the action as the DSL writes it: "errno EPERM", "allow".
func (a Action) String() string {
	switch a.Kind {
	case Errno:
		if name := ErrnoName(a.Errno); name != "" {
			return "errno " + name
		}
		return fmt.Sprintf("errno %d", a.Errno)
	case Trace:
		return fmt.Sprintf("trace %d", a.Errno)
	}
	return string(a.Kind)
}

// ErrnoName is the canonical name of an errno number, "" if it has none.
func ErrnoName(n uint) string {
	if n == 0 || n > 199 {
		return ""
	}
	return unix.ErrnoName(syscall.Errno(n))
}

// scmpNames are the runtime's names of each kind, the name written first.
// SCMP_ACT_KILL is runc's old name of SCMP_ACT_KILL_THREAD.
var scmpNames = [...]struct {
	kind  Kind
	names []specs.LinuxSeccompAction
}{
	{Allow, []specs.LinuxSeccompAction{specs.ActAllow}},
	{Errno, []specs.LinuxSeccompAction{specs.ActErrno}},
	{KillThread, []specs.LinuxSeccompAction{specs.ActKillThread, specs.ActKill}},
	{KillProcess, []specs.LinuxSeccompAction{specs.ActKillProcess}},
	{Trap, []specs.LinuxSeccompAction{specs.ActTrap}},
	{Log, []specs.LinuxSeccompAction{specs.ActLog}},
	{Notify, []specs.LinuxSeccompAction{specs.ActNotify}},
	{Trace, []specs.LinuxSeccompAction{specs.ActTrace}},
}

// SCMP is the runtime's name of the action, as Docker's and OCI's
// "action" fields write it; "" for an unknown kind.
func (a Action) SCMP() specs.LinuxSeccompAction {
	for _, s := range scmpNames {
		if s.kind == a.Kind {
			return s.names[0]
		}
	}
	return ""
}

// ErrnoRet is the errnoRet to write beside SCMP: always explicit for
// errno, so a file says what it does instead of leaning on runc's EPERM,
// and for a trace with a value; nil otherwise.
func (a Action) ErrnoRet() *uint {
	if a.Kind == Errno || (a.Kind == Trace && a.Errno != 0) {
		n := a.Errno
		return &n
	}
	return nil
}

// KindOfSCMP is the kind a runtime action name stands for.
func KindOfSCMP(name specs.LinuxSeccompAction) (Kind, bool) {
	for _, s := range scmpNames {
		if slices.Contains(s.names, name) {
			return s.kind, true
		}
	}
	return "", false
}

// SCMPNames lists every runtime action name, SCMP_ACT_KILL included.
func SCMPNames() []specs.LinuxSeccompAction {
	var out []specs.LinuxSeccompAction
	for _, s := range scmpNames {
		out = append(out, s.names...)
	}
	return out
}

// FromSCMP reads a runtime action and its errnoRet the way runc's
// getAction does: errno and trace without errnoRet get EPERM, every other
// kind ignores it.
func FromSCMP(name specs.LinuxSeccompAction, errnoRet *uint) (Action, error) {
	kind, ok := KindOfSCMP(name)
	if !ok {
		return Action{}, fmt.Errorf("unknown seccomp action %q", name)
	}
	a := Action{Kind: kind}
	if kind == Errno || kind == Trace {
		a.Errno = EPERM
		if errnoRet != nil {
			a.Errno = *errnoRet
		}
	}
	return a, nil
}
