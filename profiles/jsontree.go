package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/secprof/secprof/diag"
)

// jsonKind is the type of a JSON value.
type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// jsonNode is a JSON value that remembers where it was written, which
// encoding/json does not: every diagnostic about a JSON source points at
// the value it is about.
type jsonNode struct {
	kind    jsonKind
	pos     diag.Pos
	text    string // string value, or the number / boolean as written
	items   []*jsonNode
	members []jsonMember
}

type jsonMember struct {
	key    string
	keyPos diag.Pos
	value  *jsonNode
}

// get returns the member named key, or nil.
func (n *jsonNode) get(key string) *jsonNode {
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// parseJSONTree reads one JSON value. Errors are positioned; on error the
// tree is nil.
func parseJSONTree(file string, src []byte) (*jsonNode, *diag.Diagnostic) {
	r := &jsonReader{src: src, file: file, line: 1, col: 1}
	n, err := r.value(0)
	if err == nil {
		r.space()
		if r.off < len(r.src) {
			err = r.errorf("unexpected %s after the end of the JSON value", r.describe())
		}
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

// Limits on a JSON source, so that hostile input cannot exhaust the stack
// or memory: a 4 MiB file of "[[[[…" or of "0,0,0,…" is an error. A value
// may sit at most MaxJSONDepth levels below the top one, and a source holds
// at most MaxJSONValues values (objects, arrays and scalars; keys are not
// counted). Docker's default profile nests 5 deep and holds a few thousand.
const (
	MaxJSONDepth  = 200
	MaxJSONValues = 100_000
)

type jsonReader struct {
	src       []byte
	file      string
	off       int
	line, col int // position of off
	values    int // values read so far, bounded by MaxJSONValues
}

func (r *jsonReader) pos() diag.Pos { return diag.Pos{File: r.file, Line: r.line, Col: r.col} }

// advance moves n bytes on, keeping line and column. A column counts
// characters: bytes that start a UTF-8 sequence, or stand alone.
func (r *jsonReader) advance(n int) {
	for i := 0; i < n && r.off < len(r.src); i++ {
		c := r.src[r.off]
		if c == '\n' {
			r.line++
			r.col = 1
		} else if c < utf8.RuneSelf || utf8.RuneStart(c) {
			r.col++
		}
		r.off++
	}
}

func (r *jsonReader) errorf(format string, args ...any) *diag.Diagnostic {
	return &diag.Diagnostic{Pos: r.pos(), Severity: diag.Error, Message: "malformed JSON: " + fmt.Sprintf(format, args...)}
}

func (r *jsonReader) describe() string {
	if r.off >= len(r.src) {
		return "end of file"
	}
	c, _ := utf8.DecodeRune(r.src[r.off:])
	return strconv.QuoteRune(c)
}

func (r *jsonReader) space() {
	for r.off < len(r.src) {
		switch r.src[r.off] {
		case ' ', '\t', '\r', '\n':
			r.advance(1)
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) (*jsonNode, *diag.Diagnostic) {
	if depth > MaxJSONDepth {
		return nil, r.errorf("nested more than %d levels deep", MaxJSONDepth)
	}
	if r.values++; r.values > MaxJSONValues {
		return nil, r.errorf("more than %d values", MaxJSONValues)
	}
	r.space()
	if r.off >= len(r.src) {
		return nil, r.errorf("unexpected end of file; expected a value")
	}
	p := r.pos()
	switch c := r.src[r.off]; {
	case c == '{':
		return r.object(p, depth)
	case c == '[':
		return r.array(p, depth)
	case c == '"':
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: jsonString, pos: p, text: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := r.off
		for r.off < len(r.src) && isNumberByte(r.src[r.off]) {
			r.advance(1)
		}
		text := string(r.src[start:r.off])
		if !json.Valid(r.src[start:r.off]) {
			return nil, &diag.Diagnostic{Pos: p, Severity: diag.Error, Message: fmt.Sprintf("malformed JSON: bad number %q", text)}
		}
		return &jsonNode{kind: jsonNumber, pos: p, text: text}, nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(r.src[r.off:], []byte(lit)) {
				r.advance(len(lit))
				if lit == "null" {
					return &jsonNode{kind: jsonNull, pos: p, text: lit}, nil
				}
				return &jsonNode{kind: jsonBool, pos: p, text: lit}, nil
			}
		}
		return nil, r.errorf("unexpected %s; expected a value", r.describe())
	}
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// str reads the string at r.off; encoding/json decodes it, so an escape
// means what it means to Docker. A string that holds a character that
// hides text (see hidesText), as itself or as an escape, is an error at
// that character.
func (r *jsonReader) str() (string, *diag.Diagnostic) {
	p := r.pos()
	start := r.off
	end, err := r.stringEnd()
	if err != nil {
		return "", err
	}
	lit := r.src[start:end]
	if off, h, found := hiddenInJSONString(lit); found {
		r.advance(off)
		return "", &diag.Diagnostic{Pos: r.pos(), Severity: diag.Error, Message: hiddenMessage(h, "a string")}
	}
	r.advance(len(lit))
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", &diag.Diagnostic{Pos: p, Severity: diag.Error, Message: "malformed JSON: bad string: " + err.Error()}
	}
	return s, nil
}

// stringEnd finds the end (after the closing quote) of the string
// literal at r.off without moving r.off, so that an error found later in
// the literal can still be placed. A control character is an error at
// itself; a string without its closing quote is one at its start.
func (r *jsonReader) stringEnd() (int, *diag.Diagnostic) {
	for i := r.off + 1; i < len(r.src); i++ {
		switch c := r.src[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++ // the escaped byte is skipped unread; encoding/json judges it
		case c < 0x20:
			r.advance(i - r.off)
			return 0, r.errorf("control character in string")
		}
	}
	return 0, &diag.Diagnostic{Pos: r.pos(), Severity: diag.Error, Message: "malformed JSON: unterminated string"}
}

func (r *jsonReader) expect(c byte, what string) *diag.Diagnostic {
	r.space()
	if r.off >= len(r.src) || r.src[r.off] != c {
		return r.errorf("unexpected %s; expected %s", r.describe(), what)
	}
	r.advance(1)
	return nil
}

func (r *jsonReader) object(p diag.Pos, depth int) (*jsonNode, *diag.Diagnostic) {
	n := &jsonNode{kind: jsonObject, pos: p}
	r.advance(1)
	r.space()
	if r.off < len(r.src) && r.src[r.off] == '}' {
		r.advance(1)
		return n, nil
	}
	for {
		r.space()
		if r.off >= len(r.src) || r.src[r.off] != '"' {
			return nil, r.errorf("unexpected %s; expected a quoted key", r.describe())
		}
		kp := r.pos()
		key, err := r.str()
		if err != nil {
			return nil, err
		}
		if err := r.expect(':', `":" after the key`); err != nil {
			return nil, err
		}
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, jsonMember{key: key, keyPos: kp, value: v})
		r.space()
		if r.off < len(r.src) && r.src[r.off] == ',' {
			r.advance(1)
			continue
		}
		if err := r.expect('}', `"," or "}"`); err != nil {
			return nil, err
		}
		return n, nil
	}
}

func (r *jsonReader) array(p diag.Pos, depth int) (*jsonNode, *diag.Diagnostic) {
	n := &jsonNode{kind: jsonArray, pos: p}
	r.advance(1)
	r.space()
	if r.off < len(r.src) && r.src[r.off] == ']' {
		r.advance(1)
		return n, nil
	}
	for {
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		r.space()
		if r.off < len(r.src) && r.src[r.off] == ',' {
			r.advance(1)
			continue
		}
		if err := r.expect(']', `"," or "]"`); err != nil {
			return nil, err
		}
		return n, nil
	}
}
