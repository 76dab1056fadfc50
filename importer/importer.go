package importer

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/syscalls"
)

// width is where a list of names wraps.
const width = 80

// ImportJSON parses a Docker-format seccomp profile and writes it as DSL.
// It returns nil output when the diagnostics hold an error.
func ImportJSON(name string, src []byte) ([]byte, diag.List) {
	f, diags := profiles.Parse(name, src)
	if diags.HasErrors() {
		return nil, diags
	}
	if f.Format != profiles.FormatDocker {
		diags.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "not a Docker-format seccomp profile: import reads Docker's JSON (defaultAction, syscalls…)")
		return nil, diags
	}
	out, more := Import(f)
	diags = append(diags, more...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return out, diags
}

// Import writes f, read by the Docker front end, as DSL source.
func Import(f *profiles.File) ([]byte, diag.List) {
	w := &writer{file: f}
	w.profile()
	w.diags.Sort()
	if w.diags.HasErrors() {
		return nil, w.diags
	}
	return []byte(w.b.String()), w.diags
}

type writer struct {
	file  *profiles.File
	b     strings.Builder
	diags diag.List
}

func (w *writer) line(s string) { w.b.WriteString(s + "\n") }

func (w *writer) profile() {
	sc := w.file.Seccomp
	start := diag.Pos{File: w.file.Name, Line: 1, Col: 1}
	if sc == nil || (sc.Default == nil && len(sc.Rules) == 0) {
		w.diags.Errorf(start, "the profile has neither defaultAction nor syscalls, so Docker installs no filter at all; a secprof profile always has one")
		return
	}
	if sc.Default == nil {
		w.diags.Errorf(start, "the profile has no defaultAction; the runtime rejects it")
		return
	}
	w.line("# Imported from " + filepath.Base(w.file.Name) + " by secprof import.")
	if def, ok := w.action(*sc.Default, "defaultAction", "defaultErrnoRet"); ok {
		w.line("default " + def)
	}
	w.arches(sc)
	if len(sc.Flags) > 0 {
		w.line("flags " + joinWords(sc.Flags))
	}
	switch {
	case sc.ListenerPath != nil:
		l := "listener " + quote(sc.ListenerPath.Text)
		if sc.ListenerMetadata != nil {
			l += " metadata " + quote(sc.ListenerMetadata.Text)
		}
		w.line(l)
	case sc.ListenerMetadata != nil:
		w.diags.Errorf(sc.ListenerMetadata.Pos, "listenerMetadata without listenerPath: the DSL writes metadata only after a listener path")
	}
	for _, r := range sc.Rules {
		w.rule(r)
	}
}

// arches writes "architectures", or each entry of "archMap".
func (w *writer) arches(sc *profiles.Seccomp) {
	if len(sc.Arches) > 0 {
		var names []string
		for _, a := range sc.Arches {
			names = append(names, archWord(a.Text))
		}
		w.line("arch " + strings.Join(names, " "))
	}
	if len(sc.ArchMap) == 0 {
		if len(sc.Arches) == 0 {
			// Without arches Docker filters the host's arch alone and runc
			// kills calls made through any other ABI; the DSL's default
			// would add x86 and x32, so say the native arch explicitly.
			w.line("arch " + string(syscalls.X86_64))
			w.diags.Warnf(sc.Pos, "the profile lists no architectures, so it filters the host's arch only and calls through another ABI (x86's int 0x80, x32) are killed; imported as \"arch x86_64\", which is the same on x86_64 hosts")
		}
		return
	}
	// One "arch NATIVE: SUB..." line per archMap entry, in Docker's order.
	for _, e := range sc.ArchMap {
		line := "arch " + archWord(e.Arch.Text) + ":"
		for _, s := range e.SubArches {
			line += " " + archWord(s.Text)
		}
		w.line(line)
	}
}

// archWord turns SCMP_ARCH_X86_64 into the DSL's x86_64.
func archWord(s string) string {
	if a, ok := syscalls.ParseArch(s); ok {
		return string(a)
	}
	// Arches without a syscall table (mips64n32, s390) are still
	// libseccomp's: the DSL writes them the same way.
	if rest, ok := strings.CutPrefix(s, "SCMP_ARCH_"); ok {
		return strings.ToLower(rest)
	}
	return s
}

// actionWords maps Docker's actions to the DSL's. The DSL's bare "kill"
// kills the process; Docker's SCMP_ACT_KILL kills the thread.
var actionWords = map[string]string{
	"SCMP_ACT_ALLOW":        "allow",
	"SCMP_ACT_ERRNO":        "errno",
	"SCMP_ACT_KILL":         "kill-thread",
	"SCMP_ACT_KILL_THREAD":  "kill-thread",
	"SCMP_ACT_KILL_PROCESS": "kill-process",
	"SCMP_ACT_TRAP":         "trap",
	"SCMP_ACT_LOG":          "log",
	"SCMP_ACT_NOTIFY":       "notify",
	"SCMP_ACT_TRACE":        "trace",
}

// action writes an action: "allow", "deny" (errno without errnoRet, which
// returns EPERM), "errno ENOSYS", "trace 5".
func (w *writer) action(a profiles.Action, field, retField string) (string, bool) {
	word, ok := actionWords[a.Kind.Text]
	if !ok {
		w.diags.Errorf(a.Kind.Pos, "%s %q is not a seccomp action Docker knows", field, a.Kind.Text)
		return "", false
	}
	switch word {
	case "errno":
		if a.Errno == nil {
			return "deny", true
		}
		n, err := strconv.ParseUint(a.Errno.Text, 10, 16)
		if err != nil {
			w.diags.Errorf(a.Errno.Pos, "%s %q is not an errno number", retField, a.Errno.Text)
			return "", false
		}
		if name := compiler.ErrnoName(uint(n)); name != "" {
			return "errno " + name, true
		}
		return "errno " + a.Errno.Text, true
	case "trace":
		if a.Ret != nil {
			return "trace " + a.Ret.Text, true
		}
		return "trace", true
	}
	if a.Errno != nil {
		w.diags.Errorf(a.Errno.Pos, "%s on %s: the runtime ignores it for any action but SCMP_ACT_ERRNO and SCMP_ACT_TRACE, and the DSL cannot write it; remove it", retField, a.Kind.Text)
		return "", false
	}
	return word, true
}

func (w *writer) rule(r *profiles.Rule) {
	if len(r.Names) == 0 {
		return // the front end has warned: the entry has no effect
	}
	act, ok := w.action(r.Action, "action", "errnoRet")
	clauses, cok := w.clauses(r)
	if !ok || !cok {
		return
	}
	names := make([]string, len(r.Names))
	for i, n := range r.Names {
		if !plainName(n.Text) {
			w.diags.Errorf(n.Pos, "syscall name %q cannot be written in the DSL: names are letters, digits and _", n.Text)
			return
		}
		names[i] = n.Text
	}
	head := act + " "
	if one := head + strings.Join(names, " "); len(one) <= width {
		w.line(one + clauses)
		return
	}
	w.line(head + "{")
	l := "   "
	for _, n := range names {
		if len(l)+1+len(n) > width {
			w.line(l)
			l = "   "
		}
		l += " " + n
	}
	w.line(l)
	w.line("}" + clauses)
}

// ops maps Docker's comparisons to the DSL's.
var ops = map[string]string{
	"SCMP_CMP_EQ": "==", "SCMP_CMP_NE": "!=",
	"SCMP_CMP_LT": "<", "SCMP_CMP_LE": "<=",
	"SCMP_CMP_GT": ">", "SCMP_CMP_GE": ">=",
}

// clauses writes a rule's conditions, filters and comment, each starting
// with a blank.
func (w *writer) clauses(r *profiles.Rule) (string, bool) {
	var b strings.Builder
	ok := true
	var conds []string
	for _, c := range r.Conds {
		arg := "arg" + c.Arg.Text
		switch {
		case c.Op.Text == "SCMP_CMP_MASKED_EQ" && c.Mask != nil:
			conds = append(conds, fmt.Sprintf("%s & %s == %s", arg, hex(c.Mask.Text), number(c.Value.Text)))
		case ops[c.Op.Text] != "":
			if c.ValueTwo != nil {
				w.diags.Errorf(c.ValueTwo.Pos, "valueTwo %s with %s: only SCMP_CMP_MASKED_EQ reads it, and the DSL cannot write it; remove it", c.ValueTwo.Text, c.Op.Text)
				ok = false
			}
			conds = append(conds, fmt.Sprintf("%s %s %s", arg, ops[c.Op.Text], number(c.Value.Text)))
		default:
			w.diags.Errorf(c.Op.Pos, "op %q is not a comparison Docker knows", c.Op.Text)
			ok = false
		}
	}
	if len(conds) > 0 {
		b.WriteString(" if " + strings.Join(conds, " and "))
	}
	for _, f := range r.When {
		b.WriteString(" when " + filter(f))
	}
	for _, f := range r.Unless {
		b.WriteString(" unless " + filter(f))
	}
	if r.Comment != "" {
		b.WriteString(" comment " + quote(r.Comment))
	}
	return b.String(), ok
}

func filter(f *profiles.Filter) string {
	if f.Kind.Text == "kernel" {
		return "kernel >= " + joinWords(f.Args)
	}
	return f.Kind.Text + " " + joinWords(f.Args)
}

// number writes small values in decimal and others in hex, which is how
// flags and masks are read.
func number(s string) string {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v < 256 {
		return s
	}
	return fmt.Sprintf("%#x", v)
}

func hex(s string) string {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%#x", v)
}

func joinWords(ws []profiles.Word) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.Text
	}
	return strings.Join(s, " ")
}

// quote writes a DSL string; the lexer reads \" \\ \n and \t.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// plainName reports a name the DSL's lexer reads back as one word.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
