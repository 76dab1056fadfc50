package profiles

import (
	"strings"
	"unicode/utf8"

	"github.com/secprof/secprof/diag"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokNewline
	tokWord   // bare word: keyword, name, number, path
	tokString // "quoted", Text holds the unquoted value
	tokLBrace
	tokRBrace
	tokLParen
	tokRParen
	tokComma
	tokOp // == != < <= > >= & &&
)

type token struct {
	kind tokenKind
	text string
	pos  diag.Pos
}

func (t token) word() Word { return Word{Pos: t.pos, Text: t.text} }

// describe names a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokNewline:
		return "end of line"
	case tokString:
		return "string " + quote(t.text)
	default:
		return quote(t.text)
	}
}

func quote(s string) string { return `"` + s + `"` }

// lexer splits DSL text into tokens. It never fails: bad characters become
// diagnostics and are skipped, so the parser still sees the rest of the file.
type lexer struct {
	src       string
	file      string
	off       int
	line, col int
	diags     *diag.List
	// ignores are the "# secprof:ignore" comments, kept with their
	// position for the parser to attach to the rule on their line.
	ignores []token
}

func newLexer(file, src string, diags *diag.List) *lexer {
	return &lexer{src: src, file: file, line: 1, col: 1, diags: diags}
}

// newLexerAt lexes text that starts at pos, such as a rule written inside
// a JSON string, so that diagnostics point into the JSON file.
func newLexerAt(pos diag.Pos, src string, diags *diag.List) *lexer {
	return &lexer{src: src, file: pos.File, line: pos.Line, col: pos.Col, diags: diags}
}

func (l *lexer) pos() diag.Pos { return diag.Pos{File: l.file, Line: l.line, Col: l.col} }

func (l *lexer) peekByte(ahead int) byte {
	if l.off+ahead < len(l.src) {
		return l.src[l.off+ahead]
	}
	return 0
}

func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else if l.src[l.off] < utf8.RuneSelf || utf8.RuneStart(l.src[l.off]) {
			l.col++
		}
		l.off++
	}
}

// isWordByte reports bytes that may appear inside a bare word.
func isWordByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c >= utf8.RuneSelf:
		return true
	}
	return strings.IndexByte("_-.@*:+~?[]/$^%", c) >= 0
}

// MaxDSLTokens bounds the tokens of one DSL source: Docker's default
// profile written in the DSL has about 900, and a 4 MiB file of "{" would
// otherwise hold four million.
const MaxDSLTokens = 100_000

// all lexes the whole text. Past MaxDSLTokens it reports an error and ends
// the list there; tooMany says so.
func (l *lexer) all() (toks []token, tooMany bool) {
	for {
		t := l.next()
		if len(toks) == MaxDSLTokens && t.kind != tokEOF {
			l.diags.Errorf(t.pos, "more than %d tokens; a profile is far smaller", MaxDSLTokens)
			return append(toks, token{kind: tokEOF, pos: t.pos}), true
		}
		toks = append(toks, t)
		if t.kind == tokEOF {
			return toks, false
		}
	}
}

func (l *lexer) next() token {
	for {
		c := l.peekByte(0)
		switch {
		case l.off >= len(l.src):
			return token{kind: tokEOF, pos: l.pos()}
		case c == ' ' || c == '\t' || c == '\r':
			l.advance(1)
		case c == '\\' && (l.peekByte(1) == '\n' || (l.peekByte(1) == '\r' && l.peekByte(2) == '\n')):
			// A trailing backslash continues the statement on the next line.
			if l.peekByte(1) == '\r' {
				l.advance(1)
			}
			l.advance(2)
		case c == '#':
			start, p := l.off, l.pos()
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
			if text, ok := ignoreText(l.src[start+1 : l.off]); ok {
				l.ignores = append(l.ignores, token{text: text, pos: p})
			}
		case c == '\n':
			t := token{kind: tokNewline, text: "\n", pos: l.pos()}
			l.advance(1)
			return t
		case c == '{':
			return l.single(tokLBrace)
		case c == '}':
			return l.single(tokRBrace)
		case c == '(':
			return l.single(tokLParen)
		case c == ')':
			return l.single(tokRParen)
		case c == ',':
			return l.single(tokComma)
		case c == '"':
			return l.str()
		case c == '=' || c == '!' || c == '<' || c == '>' || c == '&':
			return l.op()
		case c == '/' || (c == '@' && l.peekByte(1) == '{'):
			return l.path()
		case isWordByte(c):
			return l.word()
		default:
			p := l.pos()
			r, size := utf8.DecodeRuneInString(l.src[l.off:])
			l.diags.Errorf(p, "unexpected character %q", r)
			l.advance(size)
			l.skipUnexpected()
		}
	}
}

// skipUnexpected skips the rest of a run of characters that start no
// token (and blanks between them): one error stands for the run, so that a
// line of junk costs one diagnostic, not one a byte.
func (l *lexer) skipUnexpected() {
	for l.off < len(l.src) {
		switch c := l.src[l.off]; {
		case c == ' ' || c == '\t':
		case c < utf8.RuneSelf && !isWordByte(c) && strings.IndexByte("\n\r#{}(),\"=!<>&/", c) < 0 && c != '\\':
		default:
			return
		}
		l.advance(1)
	}
}

func (l *lexer) single(k tokenKind) token {
	t := token{kind: k, text: l.src[l.off : l.off+1], pos: l.pos()}
	l.advance(1)
	return t
}

func (l *lexer) op() token {
	p := l.pos()
	two := ""
	if l.off+2 <= len(l.src) {
		two = l.src[l.off : l.off+2]
	}
	switch two {
	case "==", "!=", "<=", ">=", "&&":
		l.advance(2)
		return token{kind: tokOp, text: two, pos: p}
	}
	c := l.src[l.off]
	l.advance(1)
	if c == '=' {
		// A lone "=" is almost always a mistyped "==".
		l.diags.Errorf(p, `unexpected "="`).Suggestion = "=="
		return token{kind: tokOp, text: "==", pos: p}
	}
	if c == '!' {
		l.diags.Errorf(p, `unexpected "!"`).Suggestion = "!="
		return token{kind: tokOp, text: "!=", pos: p}
	}
	return token{kind: tokOp, text: string(c), pos: p}
}

// word reads a bare word. "=" and "!" stay inside a word (peer=name) unless
// they start an operator (arg0==1).
func (l *lexer) word() token {
	p := l.pos()
	start := l.off
	for l.off < len(l.src) {
		c := l.src[l.off]
		if isWordByte(c) {
			l.advance(1)
			continue
		}
		if (c == '=' || c == '!') && l.peekByte(1) != '=' && l.off > start && l.peekByte(1) != 0 && isWordByte(l.peekByte(1)) {
			l.advance(1)
			continue
		}
		break
	}
	return token{kind: tokWord, text: l.src[start:l.off], pos: p}
}

// path reads a word that starts with "/" or "@{": AppArmor globs may hold
// braces and commas (/etc/{passwd,shadow}), so it runs to the next blank.
func (l *lexer) path() token {
	p := l.pos()
	start := l.off
	for l.off < len(l.src) {
		c := l.src[l.off]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		if c == '#' && (l.off == start || l.src[l.off-1] == ' ') {
			break
		}
		l.advance(1)
	}
	return token{kind: tokWord, text: l.src[start:l.off], pos: p}
}

func (l *lexer) str() token {
	p := l.pos()
	l.advance(1)
	var b strings.Builder
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			l.diags.Errorf(p, "unterminated string")
			return token{kind: tokString, text: b.String(), pos: p}
		}
		c := l.src[l.off]
		if c == '"' {
			l.advance(1)
			return token{kind: tokString, text: b.String(), pos: p}
		}
		if c == '\\' && l.off+1 < len(l.src) {
			switch e := l.src[l.off+1]; e {
			case '"', '\\':
				b.WriteByte(e)
			case 'n':
				// A string is one line: a newline in a run command or a
				// comment would hide what follows it in every listing.
				l.diags.Errorf(l.pos(), `"\n" in a string: a string holds one line; write it without the newline`)
			case 't':
				b.WriteByte('\t')
			default:
				l.diags.Errorf(l.pos(), `unknown escape "\%c" in string`, e)
			}
			l.advance(2)
			continue
		}
		b.WriteByte(c)
		l.advance(1)
	}
}
