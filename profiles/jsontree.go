package profiles

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
//
// Every string of the tree is a slice of one copy of src, and nodes and
// child lists come from slabs, so that a profile the size of Docker's
// default (a thousand-odd values) costs a few dozen allocations, not
// thousands.
func parseJSONTree(file string, src []byte) (*jsonNode, *diag.Diagnostic) {
	r := &jsonReader{src: src, text: string(src), file: file, line: 1, col: 1}
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
	src  []byte
	text string // src as a string, which every string value slices
	file string
	off  int

	// Positions are computed when asked for: line counts the newlines
	// before lineStart, and col is the column of colOff, both moving only
	// forward, so that counting columns costs one pass over the source.
	line      int
	lineStart int
	colOff    int
	col       int

	values  int          // values read so far, bounded by MaxJSONValues
	nodes   []jsonNode   // slab new nodes are cut from
	items   []*jsonNode  // array items being read, innermost array last
	members []jsonMember // object members being read, innermost object last
}

// pos is the position of r.off. A column counts characters: bytes that
// start a UTF-8 sequence, or stand alone.
func (r *jsonReader) pos() diag.Pos {
	if r.colOff < r.lineStart {
		r.colOff, r.col = r.lineStart, 1
	}
	for _, c := range r.src[r.colOff:r.off] {
		if c&0xC0 != 0x80 {
			r.col++
		}
	}
	r.colOff = r.off
	return diag.Pos{File: r.file, Line: r.line, Col: r.col}
}

// newline records that src[i] is a newline.
func (r *jsonReader) newline(i int) {
	r.line++
	r.lineStart = i + 1
}

func (r *jsonReader) node(kind jsonKind, p diag.Pos, text string) *jsonNode {
	if len(r.nodes) == 0 {
		r.nodes = make([]jsonNode, 64)
	}
	n := &r.nodes[0]
	r.nodes = r.nodes[1:]
	n.kind, n.pos, n.text = kind, p, text
	return n
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
		case '\n':
			r.newline(r.off)
		case ' ', '\t', '\r':
		default:
			return
		}
		r.off++
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
		s, err := r.str(p)
		if err != nil {
			return nil, err
		}
		return r.node(jsonString, p, s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := r.off
		for r.off < len(r.src) && isNumberByte(r.src[r.off]) {
			r.off++
		}
		if !json.Valid(r.src[start:r.off]) {
			return nil, &diag.Diagnostic{Pos: p, Severity: diag.Error, Message: fmt.Sprintf("malformed JSON: bad number %q", r.text[start:r.off])}
		}
		return r.node(jsonNumber, p, r.text[start:r.off]), nil
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if strings.HasPrefix(r.text[r.off:], lit) {
				r.off += len(lit)
				if lit == "null" {
					return r.node(jsonNull, p, lit), nil
				}
				return r.node(jsonBool, p, lit), nil
			}
		}
		return nil, r.errorf("unexpected %s; expected a value", r.describe())
	}
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// str reads the string starting at r.off, whose position is p. A string
// with no escapes and valid UTF-8 is its own bytes; the rest are decoded by
// encoding/json, which decides what an escape means. A string that holds a
// character that hides text (see hidesText), as itself or as an escape, is
// an error at that character.
func (r *jsonReader) str(p diag.Pos) (string, *diag.Diagnostic) {
	start := r.off
	plain, ascii := true, true
	for i := start + 1; i < len(r.src); i++ {
		switch c := r.src[i]; {
		case c == '"':
			r.off = i + 1
			if !ascii || !plain {
				if off, h, found := hiddenInJSONString(r.src[start:r.off]); found {
					r.off = start + off
					return "", &diag.Diagnostic{Pos: r.pos(), Severity: diag.Error, Message: hiddenMessage(h, "a string")}
				}
			}
			if plain {
				return r.text[start+1 : i], nil
			}
			var s string
			if err := json.Unmarshal(r.src[start:r.off], &s); err != nil {
				return "", &diag.Diagnostic{Pos: p, Severity: diag.Error, Message: "malformed JSON: bad string: " + err.Error()}
			}
			return s, nil
		case c == '\\':
			plain = false
			// The escaped byte is skipped unread; should it be a newline
			// the string is bad, but later positions still count it.
			if i+1 < len(r.src) && r.src[i+1] == '\n' {
				r.newline(i + 1)
			}
			i++
		case c < 0x20:
			r.off = i
			return "", r.errorf("control character in string")
		case c >= utf8.RuneSelf && plain:
			ascii = false
			if n := utf8RunLen(r.src[i:]); n > 0 {
				i += n - 1
			} else {
				plain = false
			}
		}
	}
	r.off = len(r.src)
	return "", &diag.Diagnostic{Pos: p, Severity: diag.Error, Message: "malformed JSON: unterminated string"}
}

// utf8RunLen is the length of the valid UTF-8 sequence at the start of b,
// or 0 when it is not one (encoding/json would replace it with U+FFFD).
func utf8RunLen(b []byte) int {
	c, n := utf8.DecodeRune(b)
	if c == utf8.RuneError && n == 1 {
		return 0
	}
	return n
}

func (r *jsonReader) expect(c byte, what string) *diag.Diagnostic {
	r.space()
	if r.off >= len(r.src) || r.src[r.off] != c {
		return r.errorf("unexpected %s; expected %s", r.describe(), what)
	}
	r.off++
	return nil
}

func (r *jsonReader) object(p diag.Pos, depth int) (*jsonNode, *diag.Diagnostic) {
	n := r.node(jsonObject, p, "")
	r.off++
	r.space()
	if r.off < len(r.src) && r.src[r.off] == '}' {
		r.off++
		return n, nil
	}
	// Members are gathered on r.members above those of the enclosing
	// objects and copied out once the object is complete.
	base := len(r.members)
	defer func() { r.members = r.members[:base] }()
	for {
		r.space()
		if r.off >= len(r.src) || r.src[r.off] != '"' {
			return nil, r.errorf("unexpected %s; expected a quoted key", r.describe())
		}
		kp := r.pos()
		key, err := r.str(kp)
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
		r.members = append(r.members, jsonMember{key: key, keyPos: kp, value: v})
		r.space()
		if r.off < len(r.src) && r.src[r.off] == ',' {
			r.off++
			continue
		}
		if err := r.expect('}', `"," or "}"`); err != nil {
			return nil, err
		}
		n.members = slices.Clone(r.members[base:])
		return n, nil
	}
}

func (r *jsonReader) array(p diag.Pos, depth int) (*jsonNode, *diag.Diagnostic) {
	n := r.node(jsonArray, p, "")
	r.off++
	r.space()
	if r.off < len(r.src) && r.src[r.off] == ']' {
		r.off++
		return n, nil
	}
	base := len(r.items)
	defer func() { r.items = r.items[:base] }()
	for {
		v, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		r.items = append(r.items, v)
		r.space()
		if r.off < len(r.src) && r.src[r.off] == ',' {
			r.off++
			continue
		}
		if err := r.expect(']', `"," or "]"`); err != nil {
			return nil, err
		}
		n.items = slices.Clone(r.items[base:])
		return n, nil
	}
}
