package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
)

// Docker-format input is decoded twice: with moby's own types, so that what
// we accept is exactly what Docker accepts, and as a positioned tree, so
// that every diagnostic can point at the value it is about.

var dockerTopFields = []string{"defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "listenerPath", "listenerMetadata", "syscalls"}

var dockerSyscallFields = []string{"name", "names", "action", "errnoRet", "args", "comment", "includes", "excludes"}

var dockerArgFields = []string{"index", "value", "valueTwo", "op"}

var dockerFilterFields = []string{"caps", "arches", "minKernel"}

func parseDocker(name string, src []byte, tree *jsonNode) (*File, diag.List) {
	var diags diag.List
	f := &File{Name: name, Format: FormatDocker}
	var prof seccomp.Seccomp
	if err := json.Unmarshal(src, &prof); err != nil {
		diags.Errorf(jsonErrorPos(name, src, err, tree), "Docker rejects this profile: %s", dockerJSONError(err))
		return f, diags
	}
	warnUnknown(&diags, tree, "the profile", dockerTopFields)

	sc := &Seccomp{Pos: tree.pos}
	f.Seccomp = sc
	if n := tree.get("defaultAction"); n != nil {
		sc.Default = &Action{Pos: n.pos, Kind: Word{Pos: n.pos, Text: n.text}}
		if e := tree.get("defaultErrnoRet"); e != nil {
			sc.Default.Errno = &Word{Pos: e.pos, Text: e.text}
		}
	}
	if n := tree.get("architectures"); n != nil {
		for _, it := range n.items {
			sc.Arches = append(sc.Arches, Word{Pos: it.pos, Text: it.text})
		}
	}
	if n := tree.get("archMap"); n != nil {
		for _, it := range n.items {
			warnUnknown(&diags, it, "an archMap entry", []string{"architecture", "subArchitectures"})
			e := ArchMapEntry{Pos: it.pos}
			if a := it.get("architecture"); a != nil {
				e.Arch = Word{Pos: a.pos, Text: a.text}
			}
			if subs := it.get("subArchitectures"); subs != nil {
				for _, s := range subs.items {
					e.SubArches = append(e.SubArches, Word{Pos: s.pos, Text: s.text})
				}
			}
			sc.ArchMap = append(sc.ArchMap, e)
		}
	}
	if n := tree.get("flags"); n != nil {
		for _, it := range n.items {
			sc.Flags = append(sc.Flags, Word{Pos: it.pos, Text: it.text})
		}
	}
	if n := tree.get("listenerPath"); n != nil && n.text != "" {
		sc.ListenerPath = &Word{Pos: n.pos, Text: n.text}
	}
	if n := tree.get("listenerMetadata"); n != nil && n.text != "" {
		sc.ListenerMetadata = &Word{Pos: n.pos, Text: n.text}
	}
	if n := tree.get("syscalls"); n != nil {
		for _, it := range n.items {
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
	warnUnknown(diags, n, "a syscalls entry", dockerSyscallFields)
	r := &Rule{Pos: n.pos}
	if a := n.get("action"); a != nil {
		r.Action = Action{Pos: a.pos, Kind: Word{Pos: a.pos, Text: a.text}}
	} else {
		diags.Errorf(n.pos, `syscalls entry has no "action"`)
	}
	if e := n.get("errnoRet"); e != nil && e.kind == jsonNumber {
		w := Word{Pos: e.pos, Text: e.text}
		if r.Action.Kind.Text == "SCMP_ACT_TRACE" {
			r.Action.Ret = &w
		} else {
			r.Action.Errno = &w
		}
	}
	nameNode, namesNode := n.get("name"), n.get("names")
	if nameNode != nil && nameNode.text != "" && namesNode != nil && len(namesNode.items) > 0 {
		// moby's loader refuses this at container start.
		diags.Errorf(nameNode.pos, `both "name" and "names" are given; Docker accepts only one`)
	}
	if nameNode != nil && nameNode.text != "" {
		r.Names = append(r.Names, Word{Pos: nameNode.pos, Text: nameNode.text})
	}
	if namesNode != nil {
		for _, it := range namesNode.items {
			r.Names = append(r.Names, Word{Pos: it.pos, Text: it.text})
		}
	}
	if len(r.Names) == 0 {
		diags.Warnf(n.pos, "syscalls entry names no syscalls; it has no effect")
	}
	if args := n.get("args"); args != nil {
		for _, a := range args.items {
			if c := dockerCond(diags, a); c != nil {
				r.Conds = append(r.Conds, c)
			}
		}
	}
	if c := n.get("comment"); c != nil {
		r.Comment = c.text
	}
	r.When = dockerFilter(diags, n.get("includes"), "includes")
	r.Unless = dockerFilter(diags, n.get("excludes"), "excludes")
	return r
}

func dockerCond(diags *diag.List, n *jsonNode) *Cond {
	if n.kind != jsonObject {
		return nil
	}
	warnUnknown(diags, n, "an args entry", dockerArgFields)
	c := &Cond{Pos: n.pos}
	c.Arg = wordOf(n.get("index"), n.pos, "0")
	op := n.get("op")
	if op == nil {
		diags.Errorf(n.pos, `args entry has no "op"`)
		return nil
	}
	c.Op = Word{Pos: op.pos, Text: op.text}
	value := wordOf(n.get("value"), n.pos, "0")
	if op.text == "SCMP_CMP_MASKED_EQ" {
		c.Mask = &value
		c.Value = wordOf(n.get("valueTwo"), n.pos, "0")
		return c
	}
	c.Value = value
	if v2 := n.get("valueTwo"); v2 != nil && v2.text != "0" {
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
	warnUnknown(diags, n, what, dockerFilterFields)
	var out []*Filter
	for _, kind := range []struct{ key, kind string }{{"caps", "cap"}, {"arches", "arch"}} {
		v := n.get(kind.key)
		if v == nil || len(v.items) == 0 {
			continue
		}
		f := &Filter{Pos: v.pos, Kind: Word{Pos: v.pos, Text: kind.kind}}
		for _, it := range v.items {
			f.Args = append(f.Args, Word{Pos: it.pos, Text: it.text})
		}
		out = append(out, f)
	}
	if v := n.get("minKernel"); v != nil && v.text != "" {
		out = append(out, &Filter{Pos: v.pos, Kind: Word{Pos: v.pos, Text: "kernel"}, Args: []Word{{Pos: v.pos, Text: v.text}}})
	}
	return out
}

// warnUnknown reports keys Docker would silently ignore: a misspelled
// "errnoret" is a rule that quietly does something else.
func warnUnknown(diags *diag.List, n *jsonNode, what string, known []string) {
	if n.kind != jsonObject {
		return
	}
	for _, m := range n.members {
		if !slices.Contains(known, m.key) {
			d := diags.Warnf(m.keyPos, "unknown field %q in %s; Docker ignores it", m.key, what)
			d.Suggestion = suggest.Closest(m.key, known)
		}
	}
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
