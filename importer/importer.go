package importer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/syscalls"
)

// width is where a list of names wraps.
const width = 80

// ImportJSON parses a Docker-format seccomp profile, compiles it as
// `secprof compile` does, and writes the compiled policy as DSL. It returns
// nil output when the diagnostics hold an error: import accepts exactly the
// Docker JSON that compile accepts, because both read it through the same
// front end and compiler.
func ImportJSON(name string, src []byte, opts compiler.Options) ([]byte, diag.List) {
	f, diags := profiles.Parse(name, src)
	if diags.HasErrors() {
		return nil, diags
	}
	if f.Format != profiles.FormatDocker {
		diags.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "not a Docker-format seccomp profile: import reads Docker's JSON (defaultAction, syscalls…)")
		return nil, diags
	}
	r, cd := compiler.Compile(f, opts)
	diags.Add(cd...)
	if diags.HasErrors() {
		diags.Sort()
		return nil, diags
	}
	out, more := Write(r.Policy, f)
	diags.Add(more...)
	diags.Sort()
	return out, diags
}

// Write prints a policy compiled from the Docker file f as DSL source that
// compiles back to a policy deciding every syscall the same way.
func Write(p *compiler.Policy, f *profiles.File) ([]byte, diag.List) {
	w := &writer{file: f}
	w.line("# Imported from " + filepath.Base(f.Name) + " by secprof import.")
	w.line("default " + actionWord(p.DefaultAction))
	w.arches(p)
	if len(p.Flags) > 0 {
		w.line("flags " + strings.Join(p.Flags, " "))
	}
	if p.ListenerPath != "" {
		l := "listener " + quote(p.ListenerPath)
		if p.ListenerMetadata != "" {
			l += " metadata " + quote(p.ListenerMetadata)
		}
		w.line(l)
	}
	for _, r := range p.Rules {
		w.rule(r)
	}
	return []byte(w.b.String()), w.diags
}

type writer struct {
	file  *profiles.File
	b     strings.Builder
	diags diag.List
}

func (w *writer) line(s string) { w.b.WriteString(s + "\n") }

// arches writes the policy's arches, or each entry of Docker's archMap.
func (w *writer) arches(p *compiler.Policy) {
	switch {
	case len(p.Arches) > 0:
		w.line("arch " + syscalls.JoinArches(p.Arches, " "))
	case len(p.ArchMap) > 0:
		// One "arch NATIVE: SUB..." line per archMap entry, in Docker's order.
		for _, e := range p.ArchMap {
			w.line(strings.TrimSpace("arch " + e.Arch.String() + ": " + syscalls.JoinArches(e.SubArches, " ")))
		}
	default:
		// Without arches Docker filters the host's arch alone and runc
		// kills calls made through any other ABI; the DSL says so with
		// "arch native" (its default would add x86 and x32).
		w.line("arch native")
		pos := diag.Pos{File: w.file.Name, Line: 1, Col: 1}
		if w.file.Seccomp != nil {
			pos = w.file.Seccomp.Pos
		}
		w.diags.Warnf(pos, "the profile lists no architectures, so it filters the host's arch only and calls through another ABI (x86's int 0x80, x32) are killed; imported as \"arch native\"; list the ABIs (arch x86_64 x86 x32) to filter them instead")
	}
}

// actionWord writes an action as the DSL does, with "deny" for errno EPERM.
func actionWord(a compiler.Action) string {
	if a.Kind == action.Errno && a.Errno == 1 {
		return "deny"
	}
	return a.String()
}

func (w *writer) rule(r *compiler.Rule) {
	head := actionWord(r.Action) + " "
	clauses := w.clauses(r)
	if one := head + strings.Join(r.Names, " "); len(one) <= width {
		w.line(one + clauses)
		return
	}
	w.line(head + "{")
	l := "   "
	for _, n := range r.Names {
		if len(l)+1+len(n) > width {
			w.line(l)
			l = "   "
		}
		l += " " + n
	}
	w.line(l)
	w.line("}" + clauses)
}

var opWords = map[compiler.Op]string{
	compiler.OpEQ: "==", compiler.OpNE: "!=",
	compiler.OpLT: "<", compiler.OpLE: "<=",
	compiler.OpGT: ">", compiler.OpGE: ">=",
}

// clauses writes a rule's conditions, filters and comment, each starting
// with a blank.
func (w *writer) clauses(r *compiler.Rule) string {
	var b strings.Builder
	for i, a := range r.Args {
		if i == 0 {
			b.WriteString(" if ")
		} else {
			b.WriteString(" and ")
		}
		if a.Op == compiler.OpMaskedEQ {
			fmt.Fprintf(&b, "arg%d & %#x == %s", a.Index, a.Value, number(a.ValueTwo))
		} else {
			fmt.Fprintf(&b, "arg%d %s %s", a.Index, opWords[a.Op], number(a.Value))
		}
	}
	filters(&b, " when ", r.Includes)
	filters(&b, " unless ", r.Excludes)
	if r.Comment != "" {
		b.WriteString(" comment " + quote(r.Comment))
	}
	return b.String()
}

// filters writes Docker's includes or excludes as one clause per kind.
func filters(b *strings.Builder, word string, f compiler.Filter) {
	if len(f.Caps) > 0 {
		b.WriteString(word + "cap " + strings.Join(f.Caps, " "))
	}
	if len(f.Arches) > 0 {
		b.WriteString(word + "arch " + syscalls.JoinArches(f.Arches, " "))
	}
	if f.MinKernel != nil {
		b.WriteString(word + "kernel >= " + f.MinKernel.String())
	}
}

// number writes small values in decimal and others in hex, which is how
// flags and masks are read.
func number(v uint64) string {
	if v < 256 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%#x", v)
}

// dslString escapes a string for the DSL, whose lexer reads \" \\ and \t.
// The Docker front end has refused every other control character (they
// hide text from a reader), so none reaches here.
var dslString = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\t", `\t`)

func quote(s string) string { return `"` + dslString.Replace(s) + `"` }
