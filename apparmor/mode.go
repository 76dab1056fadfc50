package apparmor

import (
	"fmt"
	"slices"
	"strings"
)

// Mode is the access a file rule gives or takes away.
type Mode struct {
	Read, Write, Append, Lock, Link, Mmap bool
	// Exec is an exec transition from ExecModes for allow rules, or "x" for
	// deny rules, which may not name a transition; empty means no exec.
	Exec string
}

// IsZero reports whether the mode gives no access at all.
func (m Mode) IsZero() bool { return m == Mode{} }

// String prints the mode in a fixed letter order (r w a k l m, then the
// exec transition), the order Docker's template writes.
func (m Mode) String() string {
	var b strings.Builder
	for _, f := range []struct {
		on bool
		c  byte
	}{{m.Read, 'r'}, {m.Write, 'w'}, {m.Append, 'a'}, {m.Lock, 'k'}, {m.Link, 'l'}, {m.Mmap, 'm'}} {
		if f.on {
			b.WriteByte(f.c)
		}
	}
	b.WriteString(m.Exec)
	return b.String()
}

// Overlaps reports whether two modes share any access; an exec transition
// counts as execute.
func (m Mode) Overlaps(o Mode) bool {
	return m.Read && o.Read || m.Write && o.Write || m.Append && o.Append ||
		(m.Write || m.Append) && (o.Write || o.Append) ||
		m.Lock && o.Lock || m.Link && o.Link || m.Mmap && o.Mmap ||
		m.Exec != "" && o.Exec != ""
}

// ModeError is a mode AppArmor does not accept. Offset is the byte in the
// mode text the problem starts at, so that a caller can point at it.
type ModeError struct {
	Offset     int
	Msg        string
	Suggestion string // a mode the user probably meant, or empty
}

func (e *ModeError) Error() string { return e.Msg }

// ParseMode reads a mode such as r, rw, rix, Px or rwklx. It accepts any
// combination that some rule may carry; whether allow or deny may carry it
// is the rule's to say (see FileRule.Check).
func ParseMode(s string) (Mode, error) {
	var m Mode
	if s == "" {
		return m, &ModeError{Msg: "empty file mode"}
	}
	for i := 0; i < len(s); {
		c := s[i]
		flag := map[byte]*bool{'r': &m.Read, 'w': &m.Write, 'a': &m.Append, 'k': &m.Lock, 'l': &m.Link, 'm': &m.Mmap}[c]
		if flag != nil {
			*flag = true
			i++
			continue
		}
		// An exec transition is a run of qualifiers ending in x.
		j := i
		for j < len(s) && strings.IndexByte("ipcuPUC", s[j]) >= 0 {
			j++
		}
		if j == len(s) || s[j] != 'x' {
			if j == i {
				return m, &ModeError{Offset: i, Msg: fmt.Sprintf("unknown file access %q; modes are r w a k l m and x with an exec transition (%s)", s[i:i+1], strings.Join(ExecModes(), " "))}
			}
			return m, &ModeError{Offset: i, Msg: fmt.Sprintf("exec transition %q must end in x", s[i:j]), Suggestion: s[:j] + "x" + s[j:]}
		}
		exec := s[i : j+1]
		switch exec {
		case "Pux":
			exec = "PUx"
		case "Cux":
			exec = "CUx"
		}
		if exec != "x" && !slices.Contains(ExecModes(), exec) {
			return m, &ModeError{Offset: i, Msg: fmt.Sprintf("unknown exec transition %q; AppArmor knows %s", exec, strings.Join(ExecModes(), " "))}
		}
		if m.Exec != "" {
			return m, &ModeError{Offset: i, Msg: fmt.Sprintf("a rule has one exec transition, not %s and %s", m.Exec, exec)}
		}
		m.Exec = exec
		i = j + 1
	}
	return m, nil
}

// check reports what apparmor_parser rejects in a mode of an allow or a
// deny rule.
func (m Mode) check(deny bool) error {
	if m.IsZero() {
		return &ModeError{Msg: "a file rule needs a mode"}
	}
	if m.Write && m.Append {
		return &ModeError{Msg: "w and a exclude each other (w already allows appending)"}
	}
	if deny && m.Exec != "" && m.Exec != "x" {
		return &ModeError{Msg: fmt.Sprintf("a deny rule takes a plain x, not the exec transition %s", m.Exec)}
	}
	if !deny && m.Exec == "x" {
		return &ModeError{Msg: "x needs an exec transition in an allow rule: ix runs the program under this profile, px under its own, cx under a child profile, ux unconfined", Suggestion: "ix"}
	}
	return nil
}
