package profiles

import (
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
)

// Actions a rule may start with, in the order suggestions prefer them.
var actionWords = []string{"allow", "deny", "errno", "kill", "kill-thread", "kill-process", "trap", "log", "notify", "trace"}

var seccompWords = append([]string{"default", "base", "arch", "flags", "listener"}, actionWords...)

var topWords = append([]string{"profile", "seccomp", "apparmor", "test"}, seccompWords...)

// clauseWords end a rule's list of names.
var clauseWords = map[string]bool{"errno": true, "if": true, "when": true, "unless": true, "comment": true}

// ParseDSL parses secprof's language. It always returns a File; the
// diagnostics say what was wrong, and the File holds what could be read.
func ParseDSL(name string, src []byte) (*File, diag.List) {
	var diags diag.List
	f := &File{Name: name, Format: FormatDSL}
	if checkHiddenDSL(name, string(src), &diags) {
		// What a reader sees is not what would be parsed: say only that.
		diags.Sort()
		return f, diags
	}
	lx := newLexer(name, string(src), &diags)
	toks, tooMany := lx.all()
	if tooMany {
		diags.Sort()
		return f, diags
	}
	p := &parser{toks: toks, diags: &diags, ignores: lx.ignores}
	p.file(f)
	p.strayIgnores()
	diags.Sort()
	return f, diags
}

type parser struct {
	toks  []token
	i     int
	diags *diag.List
	// ignores are the lexer's "# secprof:ignore" comments not yet
	// attached to a rule.
	ignores []token
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) skipNewlines() {
	for p.peek().kind == tokNewline {
		p.next()
	}
}

// atLineEnd reports whether the statement is over: a newline, the end of
// the file, or a closing brace (which belongs to the enclosing block).
func (p *parser) atLineEnd() bool {
	switch p.peek().kind {
	case tokNewline, tokEOF, tokRBrace:
		return true
	}
	return false
}

// endLine checks that nothing but the end of the line follows, and skips to
// the next line on error so one mistake yields one diagnostic.
func (p *parser) endLine(what string) {
	if !p.atLineEnd() {
		t := p.peek()
		p.diags.Errorf(t.pos, "unexpected %s after %s", t.describe(), what)
		p.skipLine()
	}
	if p.peek().kind == tokNewline {
		p.next()
	}
}

func (p *parser) skipLine() {
	for !p.atLineEnd() {
		p.next()
	}
}

func (p *parser) file(f *File) {
	for {
		p.skipNewlines()
		t := p.peek()
		switch t.kind {
		case tokEOF:
			return
		case tokWord:
		case tokRBrace:
			p.diags.Errorf(t.pos, `unexpected "}" with no open block`)
			p.next()
			continue
		default:
			p.diags.Errorf(t.pos, "unexpected %s; a statement starts with a keyword such as allow, deny or default", t.describe())
			p.skipLine()
			continue
		}
		switch t.text {
		case "profile":
			p.next()
			if f.Profile != "" {
				p.diags.Errorf(t.pos, "profile is named twice").Related = []diag.Pos{f.ProfilePos}
			}
			n := p.next()
			if n.kind != tokWord && n.kind != tokString {
				p.diags.Errorf(n.pos, "expected a profile name after \"profile\", found %s", n.describe())
				p.skipLine()
				continue
			}
			// A name that cannot name a file is reported and not kept, so
			// that nothing reading the File can use it.
			if checkProfileName(p.diags, n.text, n.pos) {
				f.Profile, f.ProfilePos = n.text, n.pos
			}
			p.endLine("the profile name")
		case "seccomp":
			p.next()
			sc := p.seccomp(f, t.pos)
			p.block("seccomp", t.pos, func() { p.seccompStatement(sc) })
		case "apparmor":
			p.next()
			if f.AppArmor != nil {
				p.diags.Errorf(t.pos, "second apparmor block").Related = []diag.Pos{f.AppArmor.Pos}
			} else {
				f.AppArmor = &AppArmor{Pos: t.pos}
			}
			aa := f.AppArmor
			p.block("apparmor", t.pos, func() { p.appArmorStatement(aa) })
		case "test":
			p.next()
			if f.Test != nil {
				p.diags.Errorf(t.pos, "second test block").Related = []diag.Pos{f.Test.Pos}
			} else {
				f.Test = &Test{Pos: t.pos}
			}
			tb := f.Test
			p.block("test", t.pos, func() { p.testStatement(tb) })
		default:
			// Rules outside any block are seccomp rules: "default allow"
			// and "deny chmod" make a whole profile.
			p.seccompStatement(p.seccomp(f, t.pos))
		}
	}
}

func (p *parser) seccomp(f *File, pos diag.Pos) *Seccomp {
	if f.Seccomp == nil {
		f.Seccomp = &Seccomp{Pos: pos}
	}
	return f.Seccomp
}

// block parses `{ statements }`, calling stmt at the start of each one.
func (p *parser) block(kind string, pos diag.Pos, stmt func()) {
	if t := p.peek(); t.kind != tokLBrace {
		p.diags.Errorf(t.pos, "expected \"{\" after %q, found %s", kind, t.describe())
		p.skipLine()
		return
	}
	p.next()
	for {
		p.skipNewlines()
		switch t := p.peek(); t.kind {
		case tokEOF:
			p.diags.Errorf(pos, "%s block is not closed; add \"}\"", kind)
			return
		case tokRBrace:
			p.next()
			p.endLine(`"}"`)
			return
		default:
			start := p.i
			stmt()
			if p.i == start { // never loop on a token nobody consumed
				p.next()
			}
		}
	}
}

func (p *parser) seccompStatement(sc *Seccomp) {
	t := p.peek()
	if t.kind != tokWord {
		p.diags.Errorf(t.pos, "unexpected %s; a seccomp statement starts with default, arch, or an action such as allow or deny", t.describe())
		p.skipLine()
		return
	}
	switch t.text {
	case "default":
		p.next()
		if sc.Default != nil {
			p.diags.Errorf(t.pos, "default action is given twice").Related = []diag.Pos{sc.Default.Pos}
		}
		kind := p.next()
		if kind.kind != tokWord || !isAction(kind.text) {
			d := p.diags.Errorf(kind.pos, "expected an action after \"default\" (allow, errno, kill, kill-process, trap, log), found %s", kind.describe())
			d.Suggestion = suggest.Closest(kind.text, actionWords)
			p.skipLine()
			return
		}
		a := p.actionHead(kind)
		if p.peek().kind == tokWord && p.peek().text == "errno" {
			p.trailingErrno(&a)
		}
		sc.Default = &a
		p.endLine("the default action")
	case "base":
		p.next()
		b := p.next()
		if b.kind != tokWord && b.kind != tokString {
			p.diags.Errorf(b.pos, "expected @docker-default or a quoted path after \"base\", found %s", b.describe())
			p.skipLine()
			return
		}
		if sc.Base != nil {
			p.diags.Errorf(t.pos, "base is given twice").Related = []diag.Pos{sc.Base.Pos}
		}
		w := b.word()
		sc.Base = &w
		p.endLine("the base")
	case "arch":
		p.next()
		// "arch x86_64: x86 x32" is one entry of Docker's archMap: the
		// arches filtered when the host is x86_64.
		if n := p.peek(); n.kind == tokWord && len(n.text) > 1 && strings.HasSuffix(n.text, ":") {
			p.next()
			e := ArchMapEntry{Pos: t.pos, Arch: Word{Pos: n.pos, Text: strings.TrimSuffix(n.text, ":")}}
			for !p.atLineEnd() {
				w := p.next()
				if w.kind != tokWord {
					p.diags.Errorf(w.pos, "unexpected %s in arch", w.describe())
					continue
				}
				e.SubArches = append(e.SubArches, w.word())
			}
			p.endLine("arch")
			sc.ArchMap = append(sc.ArchMap, e)
			return
		}
		sc.Arches = append(sc.Arches, p.wordsToLineEnd("arch")...)
	case "flags":
		p.next()
		sc.Flags = append(sc.Flags, p.wordsToLineEnd("flags")...)
	case "listener":
		p.next()
		path := p.next()
		if path.kind != tokWord && path.kind != tokString {
			p.diags.Errorf(path.pos, "expected the listener's socket path, found %s", path.describe())
			p.skipLine()
			return
		}
		w := path.word()
		sc.ListenerPath = &w
		if m := p.peek(); m.kind == tokWord && m.text == "metadata" {
			p.next()
			v := p.next()
			mw := v.word()
			sc.ListenerMetadata = &mw
		}
		p.endLine("the listener")
	default:
		if !isAction(t.text) {
			d := p.diags.Errorf(t.pos, "unknown statement %q", t.text)
			d.Suggestion = suggest.Closest(t.text, seccompWords)
			p.skipLine()
			return
		}
		p.rule(sc)
	}
}

func isAction(s string) bool {
	for _, a := range actionWords {
		if s == a {
			return true
		}
	}
	return false
}

// looksLikeErrno tells an errno argument (EPERM, 38) from a syscall name.
func looksLikeErrno(t token) bool {
	if t.kind != tokWord || t.text == "" {
		return false
	}
	c := t.text[0]
	return (c >= '0' && c <= '9') || (c == 'E' && strings.ToUpper(t.text) == t.text)
}

// actionHead reads the parameter an action word may take: errno's errno
// and trace's value.
func (p *parser) actionHead(kind token) Action {
	a := Action{Pos: kind.pos, Kind: kind.word()}
	switch kind.text {
	case "errno":
		if looksLikeErrno(p.peek()) {
			w := p.next().word()
			a.Errno = &w
		}
	case "trace":
		if t := p.peek(); t.kind == tokWord && t.text != "" && t.text[0] >= '0' && t.text[0] <= '9' {
			w := p.next().word()
			a.Ret = &w
		}
	}
	return a
}

// trailingErrno reads `errno NAME` after a deny or errno action.
func (p *parser) trailingErrno(a *Action) {
	kw := p.next()
	if a.Kind.Text != "deny" && a.Kind.Text != "errno" {
		p.diags.Errorf(kw.pos, "errno applies only to deny and errno actions, not %s", a.Kind.Text)
	}
	// Peek first: a missing value must not swallow the newline, or the
	// next line would be read as part of this one.
	if v := p.peek(); v.kind != tokWord {
		p.diags.Errorf(v.pos, "expected an errno name or number after \"errno\", found %s", v.describe())
		p.skipLine()
		return
	}
	v := p.next()
	if a.Errno != nil {
		p.diags.Errorf(v.pos, "errno is given twice").Related = []diag.Pos{a.Errno.Pos}
	}
	w := v.word()
	a.Errno = &w
}

func (p *parser) wordsToLineEnd(what string) []Word {
	var ws []Word
	for !p.atLineEnd() {
		t := p.next()
		if t.kind == tokComma {
			continue
		}
		if t.kind != tokWord && t.kind != tokString {
			p.diags.Errorf(t.pos, "unexpected %s in %s", t.describe(), what)
			continue
		}
		ws = append(ws, t.word())
	}
	if len(ws) == 0 {
		p.diags.Errorf(p.peek().pos, "%s needs at least one value", what)
	}
	p.endLine(what)
	return ws
}

func (p *parser) rule(sc *Seccomp) {
	kind := p.next()
	r := &Rule{Pos: kind.pos, Action: p.actionHead(kind)}
	p.names(r)
	for !p.atLineEnd() {
		t := p.next()
		if t.kind == tokComma {
			continue
		}
		if t.kind != tokWord {
			p.diags.Errorf(t.pos, "unexpected %s in rule; expected a syscall name, if, when or unless", t.describe())
			p.skipLine()
			break
		}
		switch t.text {
		case "errno":
			p.i--
			p.trailingErrno(&r.Action)
		case "if":
			p.conds(r)
		case "when", "unless":
			if f := p.filter(t); f != nil {
				if t.text == "when" {
					r.When = append(r.When, f)
				} else {
					r.Unless = append(r.Unless, f)
				}
			}
		case "comment":
			// Only a quoted string: a bare word would take "no" of
			// comment no quotes and leave "quotes" to a second error.
			if c := p.peek(); c.kind != tokString {
				p.diags.Errorf(c.pos, "expected a quoted comment, found %s; a comment is a quoted string", c.describe())
				p.skipLine()
				continue
			}
			r.Comment = p.next().text
		default:
			p.diags.Errorf(t.pos, "syscall name %q after a clause; names come right after the action", t.text)
		}
	}
	if len(r.Names) == 0 {
		p.diags.Errorf(kind.pos, "%s rule names no syscalls", kind.text)
	}
	p.attachIgnores(r, kind.pos.Line, p.peek().pos.Line)
	p.endLine("the rule")
	sc.Rules = append(sc.Rules, r)
}

// names reads syscall names up to the first clause keyword. A braced list
// may span lines:
//
//	allow {
//	    read write
//	    close
//	}
func (p *parser) names(r *Rule) {
	for {
		t := p.peek()
		switch {
		case t.kind == tokComma:
			p.next()
		case t.kind == tokWord && !clauseWords[t.text]:
			p.next()
			r.Names = append(r.Names, t.word())
		case t.kind == tokLBrace:
			p.next()
			p.bracedNames(r, t.pos)
		default:
			return
		}
	}
}

func (p *parser) bracedNames(r *Rule, open diag.Pos) {
	for {
		t := p.next()
		switch t.kind {
		case tokNewline, tokComma:
		case tokWord:
			r.Names = append(r.Names, t.word())
		case tokRBrace:
			return
		case tokEOF:
			p.diags.Errorf(open, "list of names is not closed; add \"}\"")
			return
		default:
			p.diags.Errorf(t.pos, "unexpected %s in a list of syscall names", t.describe())
		}
	}
}

// conds reads `argN OP VALUE` or `argN & MASK == VALUE`, joined by
// "and", "&&" or ",".
func (p *parser) conds(r *Rule) {
	for {
		c := p.cond()
		if c == nil {
			p.skipLine()
			return
		}
		r.Conds = append(r.Conds, c)
		t := p.peek()
		if (t.kind == tokWord && t.text == "and") || (t.kind == tokOp && t.text == "&&") || t.kind == tokComma {
			p.next()
			continue
		}
		return
	}
}

func (p *parser) cond() *Cond {
	arg := p.next()
	if arg.kind != tokWord || !strings.HasPrefix(arg.text, "arg") {
		p.diags.Errorf(arg.pos, "expected an argument such as arg0 after \"if\", found %s", arg.describe())
		return nil
	}
	c := &Cond{Pos: arg.pos, Arg: arg.word()}
	op := p.next()
	if op.kind == tokOp && op.text == "&" {
		m := p.next()
		if m.kind != tokWord {
			p.diags.Errorf(m.pos, "expected a mask after \"&\", found %s", m.describe())
			return nil
		}
		mw := m.word()
		c.Mask = &mw
		op = p.next()
		if op.kind != tokOp || op.text != "==" {
			p.diags.Errorf(op.pos, "a masked condition compares with ==: %s & MASK == VALUE", arg.text)
			return nil
		}
		c.Op = Word{Pos: op.pos, Text: string(OpMaskedEQ)}
	} else {
		switch op.text {
		case "==", "!=", "<", "<=", ">", ">=":
			if op.kind == tokOp {
				c.Op = op.word()
				break
			}
			fallthrough
		default:
			p.diags.Errorf(op.pos, "expected a comparison (== != < <= > >=) after %s, found %s", arg.text, op.describe())
			return nil
		}
	}
	v := p.next()
	if v.kind != tokWord {
		p.diags.Errorf(v.pos, "expected a value after %q, found %s", op.text, v.describe())
		return nil
	}
	c.Value = v.word()
	return c
}

var filterKinds = []string{"cap", "arch", "kernel"}

// filter reads `cap NAME...`, `arch NAME...` or `kernel >= X.Y` after when
// or unless.
func (p *parser) filter(kw token) *Filter {
	k := p.next()
	if k.kind != tokWord || (k.text != "cap" && k.text != "arch" && k.text != "kernel") {
		d := p.diags.Errorf(k.pos, "expected cap, arch or kernel after %q, found %s", kw.text, k.describe())
		d.Suggestion = suggest.Closest(k.text, filterKinds)
		p.skipLine()
		return nil
	}
	f := &Filter{Pos: kw.pos, Kind: k.word()}
	if k.text == "kernel" && p.peek().kind == tokOp && p.peek().text == ">=" {
		p.next()
	}
	for {
		t := p.peek()
		if t.kind == tokComma {
			p.next()
			continue
		}
		if t.kind != tokWord || clauseWords[t.text] {
			break
		}
		f.Args = append(f.Args, p.next().word())
	}
	if len(f.Args) == 0 {
		p.diags.Errorf(k.pos, "%s %s needs a value", kw.text, k.text)
	}
	return f
}

var testWords = []string{"expect", "run"}

var runWants = []string{"succeeds", "fails", "killed"}

func (p *parser) testStatement(tb *Test) {
	t := p.next()
	switch {
	case t.kind == tokWord && t.text == "expect":
		p.expect(tb, t)
	case t.kind == tokWord && t.text == "run":
		cmd := p.next()
		if cmd.kind != tokString {
			p.diags.Errorf(cmd.pos, "expected a quoted command after \"run\", found %s", cmd.describe())
			p.skipLine()
			return
		}
		want := p.next()
		if want.kind != tokWord || !contains(runWants, want.text) {
			d := p.diags.Errorf(want.pos, "expected succeeds, fails or killed after the command, found %s", want.describe())
			d.Suggestion = suggest.Closest(want.text, runWants)
			p.skipLine()
			return
		}
		run := &Run{Pos: t.pos, Command: cmd.word(), Want: want.word()}
		if next := p.peek(); next.kind == tokWord && next.text == "timeout" {
			p.next()
			// Peek first: a missing value must not swallow the newline,
			// or the next line would be skipped unread.
			if v := p.peek(); v.kind != tokWord {
				p.diags.Errorf(v.pos, "expected a duration after \"timeout\", e.g. 5s, found %s", v.describe())
				p.skipLine()
				return
			}
			runTimeout(p.diags, run, p.next().word())
		}
		tb.Runs = append(tb.Runs, run)
		p.endLine("the expected outcome or its timeout")
	default:
		d := p.diags.Errorf(t.pos, "unknown test statement %s; expected expect or run", t.describe())
		d.Suggestion = suggest.Closest(t.text, testWords)
		p.skipLine()
	}
}

// runTimeout reads a run line's timeout value, reporting a bad one at w;
// the DSL and the JSON form share it.
func runTimeout(diags *diag.List, run *Run, w Word) {
	run.Timeout = &w
	d, suggestion, err := ParseRunTimeout(w.Text)
	if err != nil {
		diags.Errorf(w.Pos, "%v", err).Suggestion = suggestion
		return
	}
	run.Limit = d
}

func (p *parser) expect(tb *Test, kw token) {
	name := p.next()
	if name.kind != tokWord {
		p.diags.Errorf(name.pos, "expected a syscall name after \"expect\", found %s", name.describe())
		p.skipLine()
		return
	}
	e := &Expect{Pos: kw.pos, Syscall: name.word()}
	if p.peek().kind == tokLParen {
		p.next()
		for {
			t := p.next()
			if t.kind == tokRParen {
				break
			}
			if t.kind == tokComma {
				continue
			}
			if t.kind != tokWord {
				p.diags.Errorf(t.pos, "expected an argument value or \")\", found %s", t.describe())
				p.skipLine()
				return
			}
			e.Args = append(e.Args, t.word())
		}
	}
	res := p.next()
	if res.kind != tokWord || !isAction(res.text) {
		d := p.diags.Errorf(res.pos, "expected the result (allow, errno NAME, kill, trap, log) after %s, found %s", name.text, res.describe())
		d.Suggestion = suggest.Closest(res.text, actionWords)
		p.skipLine()
		return
	}
	e.Result = p.actionHead(res)
	if p.peek().kind == tokWord && p.peek().text == "errno" {
		p.trailingErrno(&e.Result)
	}
	tb.Expects = append(tb.Expects, e)
	p.endLine("the expected result")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
