package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
)

// Docker-format input is read as a positioned tree, so that every
// diagnostic can point at the value it is about, and what we accept is
// exactly what Docker accepts: moby's own types decode the profile whenever
// the tree holds anything but the plainly right types (see dockerDecodes).

var dockerTopFields = []string{"defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "listenerPath", "listenerMetadata", "syscalls"}

var dockerSyscallFields = []string{"name", "names", "action", "errnoRet", "args", "comment", "includes", "excludes"}

var dockerArgFields = []string{"index", "value", "valueTwo", "op"}

var dockerFilterFields = []string{"caps", "arches", "minKernel"}

func parseDocker(name string, src []byte, tree *jsonNode) (*File, diag.List) {
	var diags diag.List
	f := &File{Name: name, Format: FormatDocker}
	if !dockerDecodes(tree) {
		var prof seccomp.Seccomp
		if err := json.Unmarshal(src, &prof); err != nil {
			diags.Errorf(jsonErrorPos(name, src, err, tree), "Docker rejects this profile: %s", dockerJSONError(err))
			return f, diags
		}
	}
	checkKeys(&diags, tree, "the profile", dockerTopFields)

	sc := &Seccomp{Pos: tree.pos}
	f.Seccomp = sc
	if n := dockerGet(tree, "defaultAction"); n != nil {
		sc.Default = &Action{Pos: n.pos, Kind: Word{Pos: n.pos, Text: n.text}}
		if e := dockerGet(tree, "defaultErrnoRet"); e != nil {
			sc.Default.Errno = &Word{Pos: e.pos, Text: e.text}
		}
	}
	if n := dockerGet(tree, "architectures"); n != nil {
		for _, it := range n.items {
			sc.Arches = append(sc.Arches, Word{Pos: it.pos, Text: it.text})
		}
	}
	if n := dockerGet(tree, "archMap"); n != nil {
		for _, it := range n.items {
			checkKeys(&diags, it, "an archMap entry", []string{"architecture", "subArchitectures"})
			e := ArchMapEntry{Pos: it.pos}
			if a := dockerGet(it, "architecture"); a != nil {
				e.Arch = Word{Pos: a.pos, Text: a.text}
			}
			if subs := dockerGet(it, "subArchitectures"); subs != nil {
				for _, s := range subs.items {
					e.SubArches = append(e.SubArches, Word{Pos: s.pos, Text: s.text})
				}
			}
			sc.ArchMap = append(sc.ArchMap, e)
		}
	}
	if n := dockerGet(tree, "flags"); n != nil {
		for _, it := range n.items {
			sc.Flags = append(sc.Flags, Word{Pos: it.pos, Text: it.text})
		}
	}
	if n := dockerGet(tree, "listenerPath"); n != nil && n.text != "" {
		sc.ListenerPath = &Word{Pos: n.pos, Text: n.text}
	}
	if n := dockerGet(tree, "listenerMetadata"); n != nil && n.text != "" {
		sc.ListenerMetadata = &Word{Pos: n.pos, Text: n.text}
	}
	if n := dockerGet(tree, "syscalls"); n != nil {
		for _, it := range n.items {
			if it.kind == jsonNull {
				// moby's loader reads each entry through a pointer and
				// crashes on a nil one, so every container fails to start.
				diags.Errorf(it.pos, "a null entry in syscalls: Docker's loader crashes on it, and every container started with this profile fails; remove it")
				continue
			}
			if r := dockerRule(&diags, it); r != nil {
				sc.Rules = append(sc.Rules, r)
			}
		}
	}
	diags.Sort()
	return f, diags
}

func dockerRule(diags *diag.List, n *jsonNode) *Rule {
	if n.kind != jsonObject {
		return nil
	}
	checkKeys(diags, n, "a syscalls entry", dockerSyscallFields)
	r := &Rule{Pos: n.pos}
	if a := dockerGet(n, "action"); a != nil {
		r.Action = Action{Pos: a.pos, Kind: Word{Pos: a.pos, Text: a.text}}
	} else {
		diags.Errorf(n.pos, `syscalls entry has no "action"`)
	}
	if e := dockerGet(n, "errnoRet"); e != nil && e.kind == jsonNumber {
		w := Word{Pos: e.pos, Text: e.text}
		if r.Action.Kind.Text == "SCMP_ACT_TRACE" {
			r.Action.Ret = &w
		} else {
			r.Action.Errno = &w
		}
	}
	nameNode, namesNode := dockerGet(n, "name"), dockerGet(n, "names")
	if nameNode != nil && nameNode.text != "" && namesNode != nil && len(namesNode.items) > 0 {
		// moby's loader refuses this at container start.
		diags.Errorf(nameNode.pos, `both "name" and "names" are given; Docker accepts only one`)
	}
	if nameNode != nil && nameNode.text != "" {
		r.Names = append(r.Names, Word{Pos: nameNode.pos, Text: nameNode.text})
	}
	if namesNode != nil && len(namesNode.items) > 0 {
		r.Names = slices.Grow(r.Names, len(namesNode.items))
		for _, it := range namesNode.items {
			r.Names = append(r.Names, Word{Pos: it.pos, Text: it.text})
		}
	}
	if len(r.Names) == 0 {
		diags.Warnf(n.pos, "syscalls entry names no syscalls; it has no effect")
	}
	if args := dockerGet(n, "args"); args != nil {
		for _, a := range args.items {
			if c := dockerCond(diags, a); c != nil {
				r.Conds = append(r.Conds, c)
			}
		}
	}
	if c := dockerGet(n, "comment"); c != nil {
		r.Comment = c.text
	}
	r.When = dockerFilter(diags, dockerGet(n, "includes"), "includes")
	r.Unless = dockerFilter(diags, dockerGet(n, "excludes"), "excludes")
	return r
}

func dockerCond(diags *diag.List, n *jsonNode) *Cond {
	if n.kind != jsonObject {
		return nil
	}
	checkKeys(diags, n, "an args entry", dockerArgFields)
	c := &Cond{Pos: n.pos}
	c.Arg = wordOf(dockerGet(n, "index"), n.pos, "0")
	op := dockerGet(n, "op")
	if op == nil {
		diags.Errorf(n.pos, `args entry has no "op"`)
		return nil
	}
	c.Op = Word{Pos: op.pos, Text: op.text}
	value := wordOf(dockerGet(n, "value"), n.pos, "0")
	if op.text == "SCMP_CMP_MASKED_EQ" {
		c.Mask = &value
		c.Value = wordOf(dockerGet(n, "valueTwo"), n.pos, "0")
		return c
	}
	c.Value = value
	if v2 := dockerGet(n, "valueTwo"); v2 != nil && v2.text != "0" {
		w := Word{Pos: v2.pos, Text: v2.text}
		c.ValueTwo = &w
	}
	return c
}

// wordOf returns a JSON scalar as a word, or def at pos when it is absent
// (Docker's zero value).
func wordOf(n *jsonNode, pos diag.Pos, def string) Word {
	if n == nil {
		return Word{Pos: pos, Text: def}
	}
	return Word{Pos: n.pos, Text: n.text}
}

func dockerFilter(diags *diag.List, n *jsonNode, what string) []*Filter {
	if n == nil || n.kind != jsonObject {
		return nil
	}
	checkKeys(diags, n, what, dockerFilterFields)
	var out []*Filter
	for _, kind := range []struct{ key, kind string }{{"caps", "cap"}, {"arches", "arch"}} {
		v := dockerGet(n, kind.key)
		if v == nil || len(v.items) == 0 {
			continue
		}
		f := &Filter{Pos: v.pos, Kind: Word{Pos: v.pos, Text: kind.kind}}
		for _, it := range v.items {
			f.Args = append(f.Args, Word{Pos: it.pos, Text: it.text})
		}
		out = append(out, f)
	}
	if v := dockerGet(n, "minKernel"); v != nil && v.text != "" {
		out = append(out, &Filter{Pos: v.pos, Kind: Word{Pos: v.pos, Text: "kernel"}, Args: []Word{{Pos: v.pos, Text: v.text}}})
	}
	return out
}

// checkKeys holds an object's keys to what Docker reads. encoding/json
// matches a key to a field ignoring case (by strings.EqualFold's rule) and
// lets the last of several keys for one field win, where a reader of the
// file (and secprof before) takes the first: {"action": "SCMP_ACT_ERRNO",
// "Action": "SCMP_ACT_ALLOW"} is an allow to Docker. So a key spelled in
// another case than its field's, and a second key for one field, are
// errors. A key no field takes is a warning: Docker ignores it, and a
// misspelled "errnoret" is a rule that quietly does something else.
func checkKeys(diags *diag.List, n *jsonNode, what string, known []string) {
	if n.kind != jsonObject {
		return
	}
	var seen map[string]diag.Pos
	for _, m := range n.members {
		field := dockerFieldName(m.key, known)
		if field == "" {
			d := diags.Warnf(m.keyPos, "unknown field %q in %s; Docker ignores it", m.key, what)
			d.Suggestion = suggest.Closest(m.key, known)
			continue
		}
		if first, dup := seen[field]; dup {
			var d *diag.Diagnostic
			if m.key == field {
				d = diags.Errorf(m.keyPos, "%q is given twice in %s; Docker would take the last value", field, what)
			} else {
				d = diags.Errorf(m.keyPos, "key %q repeats %q in %s: Docker matches keys ignoring case and would take the last value", m.key, field, what)
			}
			d.Related = []diag.Pos{first}
			continue
		}
		if m.key != field {
			d := diags.Errorf(m.keyPos, "key %q in %s is %q to Docker, which matches keys ignoring case", m.key, what, field)
			d.Suggestion = field
		}
		if seen == nil {
			seen = map[string]diag.Pos{}
		}
		seen[field] = m.keyPos
	}
}

// dockerFieldName is the field of known that encoding/json decodes key
// into, or "".
func dockerFieldName(key string, known []string) string {
	for _, f := range known {
		if strings.EqualFold(key, f) {
			return f
		}
	}
	return ""
}

// dockerGet returns the value encoding/json decodes into field: the last
// member whose key matches it ignoring case. A null is absent, as it leaves
// the field at its zero value. checkKeys has reported every case where this
// differs from the first member spelled exactly so; where the import goes
// on after those errors, it reads what Docker reads.
func dockerGet(n *jsonNode, field string) *jsonNode {
	var v *jsonNode
	for _, m := range n.members {
		if strings.EqualFold(m.key, field) {
			v = m.value
		}
	}
	if v != nil && v.kind == jsonNull {
		return nil
	}
	return v
}

// jsonErrorPos finds where encoding/json's complaint is about.
func jsonErrorPos(name string, src []byte, err error, tree *jsonNode) diag.Pos {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return tree.pos
	}
	return offsetPos(name, src, int(off))
}

// offsetPos converts a byte offset into a position. encoding/json reports
// the offset just past the offending value, so step back over it.
func offsetPos(name string, src []byte, off int) diag.Pos {
	if off > len(src) {
		off = len(src)
	}
	for off > 0 && (src[off-1] == ' ' || src[off-1] == '\n' || src[off-1] == '\t' || src[off-1] == '\r' || src[off-1] == ',') {
		off--
	}
	// back to the start of the token that ended at off
	start := off
	for start > 0 {
		c := src[start-1]
		if c == ':' || c == '[' || c == '{' || c == ',' || c == ' ' || c == '\n' || c == '\t' {
			break
		}
		start--
	}
	line, col := 1, 1
	for _, c := range src[:start] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return diag.Pos{File: name, Line: line, Col: col}
}

func dockerJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s must be %s, not a JSON %s", strconv.Quote(field), te.Type.String(), te.Value)
	}
	return err.Error()
}

// dockerType is what a field of moby's profile types takes.
type dockerType int

const (
	dtString  dockerType = iota // a string, or a string type
	dtUint                      // uint
	dtUint64                    // uint64
	dtStrings                   // []string, or a slice of a string type
	dtKernel                    // *seccomp.KernelVersion, which decodes itself
	dtObject                    // a struct, or a pointer to one
	dtObjects                   // a slice of structs or of pointers to them
)

// dockerField is one JSON field of moby's types; fields of an object or
// objects type are described by fields.
type dockerField struct {
	name   string
	typ    dockerType
	fields []dockerField
}

// dockerSchema is the JSON shape of seccomp.Seccomp, the type Docker
// decodes a profile into: specs.LinuxSeccomp's fields with its "syscalls"
// shadowed by seccomp.Seccomp's own, and so on down. TestDockerSchema holds
// it to the types by reflection.
var dockerSchema = []dockerField{
	{"defaultAction", dtString, nil},
	{"defaultErrnoRet", dtUint, nil},
	{"architectures", dtStrings, nil},
	{"flags", dtStrings, nil},
	{"listenerPath", dtString, nil},
	{"listenerMetadata", dtString, nil},
	{"archMap", dtObjects, []dockerField{
		{"architecture", dtString, nil},
		{"subArchitectures", dtStrings, nil},
	}},
	{"syscalls", dtObjects, []dockerField{
		{"names", dtStrings, nil},
		{"action", dtString, nil},
		{"errnoRet", dtUint, nil},
		{"args", dtObjects, []dockerField{
			{"index", dtUint, nil},
			{"value", dtUint64, nil},
			{"valueTwo", dtUint64, nil},
			{"op", dtString, nil},
		}},
		{"name", dtString, nil},
		{"comment", dtString, nil},
		{"includes", dtObject, dockerFilterSchema},
		{"excludes", dtObject, dockerFilterSchema},
	}},
}

var dockerFilterSchema = []dockerField{
	{"caps", dtStrings, nil},
	{"arches", dtStrings, nil},
	{"minKernel", dtKernel, nil},
}

// dockerDecodes reports whether encoding/json certainly decodes the profile
// tree into seccomp.Seccomp without an error: every field it fills holds a
// value of the field's type. It says false for anything it does not judge
// with certainty — a key that matches a field only ignoring case, a
// value of the wrong type — and the caller then asks encoding/json itself,
// whose verdict and message stand. Decoding a tree already read costs a
// tenth of decoding the source again.
func dockerDecodes(tree *jsonNode) bool {
	return tree.kind == jsonObject && objectDecodes(tree, dockerSchema)
}

func objectDecodes(n *jsonNode, schema []dockerField) bool {
	for _, m := range n.members {
		f := dockerFieldOf(schema, m.key)
		if f == nil {
			if !ignoredKey(schema, m.key) {
				return false
			}
			continue
		}
		if !valueDecodes(m.value, f) {
			return false
		}
	}
	return true
}

func dockerFieldOf(schema []dockerField, key string) *dockerField {
	for i := range schema {
		if schema[i].name == key {
			return &schema[i]
		}
	}
	return nil
}

// ignoredKey reports whether encoding/json certainly skips key: it matches
// no field, not even when case is ignored (encoding/json also folds some
// non-ASCII letters onto ASCII ones, so a key with any is not judged).
func ignoredKey(schema []dockerField, key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return false
		}
	}
	for _, f := range schema {
		if strings.EqualFold(f.name, key) {
			return false
		}
	}
	return true
}

func valueDecodes(v *jsonNode, f *dockerField) bool {
	if v.kind == jsonNull {
		// encoding/json leaves a field alone on null, or zeroes a slice or
		// pointer; only a type that decodes itself could object.
		return f.typ != dtKernel
	}
	switch f.typ {
	case dtString:
		return v.kind == jsonString
	case dtUint:
		return v.kind == jsonNumber && uintFits(v.text, strconv.IntSize)
	case dtUint64:
		return v.kind == jsonNumber && uintFits(v.text, 64)
	case dtStrings:
		if v.kind != jsonArray {
			return false
		}
		for _, it := range v.items {
			if it.kind != jsonString && it.kind != jsonNull {
				return false
			}
		}
		return true
	case dtKernel:
		var k seccomp.KernelVersion
		return v.kind == jsonString && k.UnmarshalJSON([]byte(strconv.Quote(v.text))) == nil
	case dtObject:
		return v.kind == jsonObject && objectDecodes(v, f.fields)
	case dtObjects:
		if v.kind != jsonArray {
			return false
		}
		for _, it := range v.items {
			if it.kind != jsonNull && (it.kind != jsonObject || !objectDecodes(it, f.fields)) {
				return false
			}
		}
		return true
	}
	return false
}

// uintFits reports whether a JSON number decodes into an unsigned integer
// of bits: encoding/json takes only plain digits in range.
func uintFits(text string, bits int) bool {
	_, err := strconv.ParseUint(text, 10, bits)
	return err == nil
}
