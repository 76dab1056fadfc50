package profiles

import (
	"errors"
	"slices"
	"strings"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
)

// aaKinds are the words an apparmor statement may start with after its
// allow or deny, in the order suggestions prefer them.
var aaKinds = []string{"capability", "network", "mount", "remount", "umount", "pivot_root", "ptrace", "signal", "file"}

// aaSettings are the statements that set something rather than add a rule.
var aaSettings = []string{"name", "base", "include", "runtime-peers"}

// appArmorStatement reads one line of an apparmor block. The DSL and the
// JSON form (one statement a string) share it.
func (p *parser) appArmorStatement(aa *AppArmor) {
	var words []Word
	for !p.atLineEnd() {
		t := p.next()
		// AppArmor's punctuation carries nothing here: the parentheses and
		// commas of signal (send,receive) and a habitual trailing comma.
		switch t.kind {
		case tokComma, tokLParen, tokRParen:
			continue
		}
		words = append(words, t.word())
	}
	if p.peek().kind == tokNewline {
		p.next()
	}
	if st := parseAAStatement(p.diags, words); st != nil {
		aa.Statements = append(aa.Statements, st)
	}
}

// ParseAAStatement parses one apparmor statement written in the DSL's
// syntax, such as the JSON form's strings; pos is where text starts. It
// returns nil with the errors when the statement is malformed, and nil
// with none when text holds no statement.
func ParseAAStatement(pos diag.Pos, text string) (AAStatement, diag.List) {
	var diags diag.List
	toks, _ := newLexerAt(pos, text, &diags).all()
	aa := &AppArmor{Pos: pos}
	(&parser{toks: toks, diags: &diags}).appArmorStatement(aa)
	diags.Sort()
	if diags.HasErrors() || len(aa.Statements) == 0 {
		return nil, diags
	}
	return aa.Statements[0], diags
}

// parseAAStatement types one statement's words, reporting what is not
// AppArmor syntax. Names it leaves to the compiler.
func parseAAStatement(diags *diag.List, words []Word) AAStatement {
	if len(words) == 0 {
		return nil
	}
	head := words[0]
	switch head.Text {
	case "include":
		return parseAAInclude(diags, head, words[1:])
	case "name", "base", "runtime-peers":
		return parseAASetting(diags, head, words[1:])
	}
	var q AAQualified
	explicit := head.Text == "allow" || head.Text == "deny"
	if explicit {
		q.Qualifier = &head
		words = words[1:]
		if len(words) == 0 {
			diags.Errorf(head.Pos, "%s needs a rule: a path and mode, capability, network, mount, umount, pivot_root, ptrace or signal", head.Text)
			return nil
		}
	}
	var owner *Word
	if words[0].Text == "owner" {
		if len(words) == 1 || !isAAPath(words[1].Text) {
			diags.Errorf(words[0].Pos, "owner must be followed by a path and a mode, e.g. owner /home/*/** rw")
			return nil
		}
		owner = &Word{Pos: words[0].Pos, Text: words[0].Text}
		words = words[1:]
	}
	kw, rest := words[0], words[1:]
	switch {
	case isAAPath(kw.Text):
		return parseAAFile(diags, head.Pos, q, owner, kw, rest)
	case kw.Text == "file":
		if len(rest) > 0 {
			diags.Errorf(rest[0].Pos, "%s takes no arguments", kw.Text)
			return nil
		}
		return &AAAllFiles{Pos: head.Pos, AAQualified: q, Keyword: kw}
	case kw.Text == "capability":
		return &AACapability{Pos: head.Pos, AAQualified: q, Keyword: kw, Names: rest}
	case kw.Text == "network":
		return &AANetwork{Pos: head.Pos, AAQualified: q, Keyword: kw, Args: rest}
	case slices.Contains(apparmor.MountKinds(), apparmor.MountKind(kw.Text)):
		if len(rest) > 0 {
			diags.Errorf(rest[0].Pos, "%s takes no options here; write %s alone to cover every %s", kw.Text, strings.TrimSpace(qualifierText(q)+kw.Text), kw.Text)
			return nil
		}
		return &AAMount{Pos: head.Pos, AAQualified: q, Kind: kw}
	case kw.Text == "ptrace":
		if r, ok := parseAAPeerRule(diags, head.Pos, q, kw, rest, apparmor.PtraceAccesses()); ok {
			return &AAPtrace{r}
		}
		return nil
	case kw.Text == "signal":
		if r, ok := parseAAPeerRule(diags, head.Pos, q, kw, rest, apparmor.SignalAccesses()); ok {
			return &AASignal{r}
		}
		return nil
	}
	d := diags.Errorf(kw.Pos, "unknown apparmor statement %q", kw.Text)
	candidates := aaKinds
	if !explicit {
		candidates = slices.Concat([]string{"allow", "deny", "owner"}, aaSettings, aaKinds)
	}
	d.Suggestion = suggest.Closest(kw.Text, candidates)
	if d.Suggestion == "" && strings.Contains(kw.Text, "/") {
		d.Suggestion = "/" + kw.Text
		d.Message += "; a path starts with / or a variable such as @{HOME}"
	}
	return nil
}

func isAAPath(s string) bool { return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "@{") }

// qualifierText is the rule's deny as it starts a rule, or nothing: an
// allow is AppArmor's default.
func qualifierText(q AAQualified) string {
	if q.Deny() {
		return "deny "
	}
	return ""
}

func parseAAInclude(diags *diag.List, head Word, args []Word) AAStatement {
	// include <abstractions/base> arrives as <, the path and >.
	var parts []string
	for _, w := range args {
		if w.Text != "<" && w.Text != ">" {
			parts = append(parts, strings.Trim(w.Text, "<>"))
		}
	}
	if len(parts) != 1 {
		diags.Errorf(head.Pos, "include takes one file under /etc/apparmor.d, e.g. include abstractions/base")
		return nil
	}
	return &AAInclude{Pos: head.Pos, Path: Word{Pos: args[0].Pos, Text: parts[0]}}
}

func parseAASetting(diags *diag.List, head Word, args []Word) AAStatement {
	if len(args) != 1 {
		diags.Errorf(head.Pos, "%s takes one value", head.Text)
		return nil
	}
	v := args[0]
	switch head.Text {
	case "name":
		return &AAName{Pos: head.Pos, Value: v}
	case "base":
		return &AABase{Pos: head.Pos, Value: v}
	}
	if v.Text != "on" && v.Text != "off" {
		d := diags.Errorf(v.Pos, "runtime-peers is on or off, not %q", v.Text)
		d.Suggestion = suggest.Closest(v.Text, []string{"on", "off"})
		return nil
	}
	return &AARuntimePeers{Pos: head.Pos, Value: v}
}

// parseAAFile reads PATH MODE and checks what apparmor_parser would
// reject in them: a malformed glob, an unknown access letter, or a mode the
// rule's qualifier may not carry.
func parseAAFile(diags *diag.List, start diag.Pos, q AAQualified, owner *Word, path Word, rest []Word) AAStatement {
	if len(rest) == 0 {
		diags.Errorf(path.Pos, "%s needs a mode after it, e.g. r, rw or ix", path.Text)
		return nil
	}
	if len(rest) > 1 {
		diags.Errorf(rest[1].Pos, "unexpected %q after the mode; a file rule is a path and one mode", rest[1].Text)
		return nil
	}
	mw := rest[0]
	m, err := apparmor.ParseMode(mw.Text)
	if err != nil {
		aaModeError(diags, mw, err)
		return nil
	}
	r := apparmor.FileRule{Deny: q.Deny(), Owner: owner != nil, Path: path.Text, Mode: m}
	if err := r.Check(); err != nil {
		var pe *apparmor.PathError
		if errors.As(err, &pe) {
			diags.Errorf(shift(path.Pos, pe.Offset), "bad path glob: %s", pe.Msg)
			return nil
		}
		aaModeError(diags, mw, err)
		return nil
	}
	return &AAFile{Pos: start, AAQualified: q, Owner: owner, Path: path, Mode: mw, Access: m}
}

func aaModeError(diags *diag.List, mw Word, err error) {
	var me *apparmor.ModeError
	if errors.As(err, &me) {
		diags.Errorf(shift(mw.Pos, me.Offset), "bad file mode %q: %s", mw.Text, me.Msg).Suggestion = me.Suggestion
		return
	}
	diags.Errorf(mw.Pos, "bad file mode %q: %v", mw.Text, err)
}

// shift moves a position off bytes to the right, to point inside a word.
func shift(p diag.Pos, off int) diag.Pos {
	if p.Col > 0 {
		p.Col += off
	}
	return p
}

// parseAAPeerRule reads the accesses and the peer of a ptrace or signal
// rule; known are the accesses its kind takes.
func parseAAPeerRule(diags *diag.List, start diag.Pos, q AAQualified, kw Word, words []Word, known []string) (AAPeerRule, bool) {
	r := AAPeerRule{Pos: start, AAQualified: q, Keyword: kw}
	for _, w := range words {
		if name, ok := strings.CutPrefix(w.Text, "peer="); ok {
			if r.Peer != nil {
				d := diags.Errorf(w.Pos, "a %s rule names one peer; write one rule for each", kw.Text)
				d.Related = []diag.Pos{r.Peer.Pos}
				return r, false
			}
			r.Peer = &Word{Pos: shift(w.Pos, len("peer=")), Text: name}
			continue
		}
		if !slices.Contains(known, w.Text) {
			d := diags.Errorf(w.Pos, "unknown %s access %q; %s takes %s and peer=NAME", kw.Text, w.Text, kw.Text, strings.Join(known, ", "))
			d.Suggestion = suggest.Closest(w.Text, known)
			return r, false
		}
		r.Access = append(r.Access, w)
	}
	return r, true
}

func (s *AAName) Start() diag.Pos         { return s.Pos }
func (s *AABase) Start() diag.Pos         { return s.Pos }
func (s *AAInclude) Start() diag.Pos      { return s.Pos }
func (s *AARuntimePeers) Start() diag.Pos { return s.Pos }
func (s *AAFile) Start() diag.Pos         { return s.Pos }
func (s *AAAllFiles) Start() diag.Pos     { return s.Pos }
func (s *AACapability) Start() diag.Pos   { return s.Pos }
func (s *AANetwork) Start() diag.Pos      { return s.Pos }
func (s *AAMount) Start() diag.Pos        { return s.Pos }
func (s *AAPeerRule) Start() diag.Pos     { return s.Pos }

func (*AAName) aaStatement()         {}
func (*AABase) aaStatement()         {}
func (*AAInclude) aaStatement()      {}
func (*AARuntimePeers) aaStatement() {}
func (*AAFile) aaStatement()         {}
func (*AAAllFiles) aaStatement()     {}
func (*AACapability) aaStatement()   {}
func (*AANetwork) aaStatement()      {}
func (*AAMount) aaStatement()        {}
func (*AAPeerRule) aaStatement()     {}

func (s *AAName) String() string         { return "name " + dslWord(s.Value.Text) }
func (s *AABase) String() string         { return "base " + dslWord(s.Value.Text) }
func (s *AARuntimePeers) String() string { return "runtime-peers " + s.Value.Text }

// String writes the file in angle brackets, as AppArmor does, when it
// reads back as one word; otherwise quoted.
func (s *AAInclude) String() string {
	if w := dslWord(s.Path.Text); w == s.Path.Text && !strings.ContainsAny(w, "<>") {
		return "include <" + w + ">"
	}
	return "include " + quote(dslEscape(s.Path.Text))
}

func (s *AAFile) String() string {
	owner := ""
	if s.Owner != nil {
		owner = "owner "
	}
	return s.prefix() + owner + dslWord(s.Path.Text) + " " + dslWord(s.Mode.Text)
}

func (s *AAAllFiles) String() string { return s.prefix() + "file" }

func (s *AACapability) String() string { return s.prefix() + dslWords("capability", s.Names) }

func (s *AANetwork) String() string { return s.prefix() + dslWords("network", s.Args) }

func (s *AAMount) String() string { return s.prefix() + s.Kind.Text }

// String writes the accesses in parentheses, as AppArmor does:
// signal (send,receive) peer=runc.
func (s *AAPeerRule) String() string {
	var b strings.Builder
	b.WriteString(s.prefix() + s.Keyword.Text)
	if len(s.Access) > 0 {
		var access []string
		for _, w := range s.Access {
			access = append(access, w.Text)
		}
		b.WriteString(" (" + strings.Join(access, ",") + ")")
	}
	if s.Peer != nil {
		b.WriteString(" " + dslWord("peer="+s.Peer.Text))
	}
	return b.String()
}

// prefix is the qualifier as written, with the blank after it.
func (q AAQualified) prefix() string {
	if q.Qualifier == nil {
		return ""
	}
	return q.Qualifier.Text + " "
}

func dslWords(kw string, words []Word) string {
	out := kw
	for _, w := range words {
		out += " " + dslWord(w.Text)
	}
	return out
}

// dslWord writes s bare when the lexer reads it back as that one word, and
// quoted otherwise (blanks, punctuation, an empty word).
func dslWord(s string) string {
	var d diag.List
	toks, _ := newLexer("", s, &d).all()
	if len(d) == 0 && len(toks) == 2 && toks[0].kind == tokWord && toks[0].text == s {
		return s
	}
	return quote(dslEscape(s))
}

// dslEscape escapes what a DSL string cannot hold as is.
func dslEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\t", `\t`).Replace(s)
}
