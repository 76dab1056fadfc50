package profiles

import (
	"slices"
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
)

// secprof's JSON form carries the DSL's model field for field. Actions,
// conditions, filters and expectations are strings in DSL syntax, so that
// one set of rules (and one set of error messages) serves both:
//
//	{"profile": "web",
//	 "seccomp": {"default": "errno EPERM", "arch": ["x86_64"],
//	             "rules": [{"action": "allow", "names": ["personality"], "if": ["arg0 == 0"]}]},
//	 "apparmor": ["deny /etc/shadow rw"],
//	 "test": {"expect": ["chmod errno EPERM"],
//	          "run": [{"command": "ls /", "want": "succeeds", "timeout": "5s"}]}}
//
// The schema is schema/secprof.schema.json.

type jsonWalker struct {
	diags *diag.List
}

func parseJSON(name string, tree *jsonNode) (*File, diag.List) {
	var diags diag.List
	w := &jsonWalker{diags: &diags}
	f := &File{Name: name, Format: FormatJSON}
	w.object(tree, "the profile", map[string]func(*jsonNode){
		"profile": func(n *jsonNode) {
			if w.is(n, jsonString) {
				if checkProfileName(w.diags, n.text, n.pos) {
					f.Profile, f.ProfilePos = n.text, n.pos
				}
			}
		},
		"seccomp":  func(n *jsonNode) { f.Seccomp = w.seccomp(n) },
		"apparmor": func(n *jsonNode) { f.AppArmor = w.appArmor(n) },
		"test":     func(n *jsonNode) { f.Test = w.test(n) },
		"$schema":  func(n *jsonNode) { w.is(n, jsonString) },
	})
	diags.Sort()
	return f, diags
}

// is checks a value's type and reports a mismatch.
func (w *jsonWalker) is(n *jsonNode, k jsonKind) bool {
	if n.kind != k {
		w.diags.Errorf(n.pos, "expected %s, found %s", k, n.kind)
		return false
	}
	return true
}

// object calls the handler of each known member and reports unknown ones.
func (w *jsonWalker) object(n *jsonNode, what string, fields map[string]func(*jsonNode)) {
	if !w.is(n, jsonObject) {
		return
	}
	seen := map[string]diag.Pos{}
	for _, m := range n.members {
		h, ok := fields[m.key]
		if !ok {
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			d := w.diags.Errorf(m.keyPos, "unknown field %q in %s", m.key, what)
			d.Suggestion = suggest.Closest(m.key, keys)
			continue
		}
		if first, dup := seen[m.key]; dup {
			w.diags.Errorf(m.keyPos, "field %q is given twice", m.key).Related = []diag.Pos{first}
			continue
		}
		seen[m.key] = m.keyPos
		h(m.value)
	}
}

// strings returns the string items of an array, reporting other items.
func (w *jsonWalker) strings(n *jsonNode) []*jsonNode {
	if !w.is(n, jsonArray) {
		return nil
	}
	var out []*jsonNode
	for _, it := range n.items {
		if w.is(it, jsonString) {
			out = append(out, it)
		}
	}
	return out
}

func (w *jsonWalker) words(n *jsonNode) []Word {
	var ws []Word
	for _, s := range w.strings(n) {
		ws = append(ws, Word{Pos: s.pos, Text: s.text})
	}
	return ws
}

// fragment lexes a JSON string holding DSL text. Positions point inside the
// string, one column past its opening quote.
func (w *jsonWalker) fragment(n *jsonNode) *parser {
	start := n.pos
	start.Col++
	toks, _ := newLexerAt(start, n.text, w.diags).all()
	return &parser{toks: toks, diags: w.diags}
}

// action reads an action string such as "errno ENOSYS" with the DSL's
// rules.
func (w *jsonWalker) action(v *jsonNode, what string) (Action, bool) {
	if !w.is(v, jsonString) {
		return Action{}, false
	}
	p := w.fragment(v)
	kind := p.next()
	if kind.kind != tokWord || !isAction(kind.text) {
		d := w.diags.Errorf(kind.pos, "expected an action (allow, deny, errno, kill, kill-process, trap, log), found %s", kind.describe())
		d.Suggestion = suggest.Closest(kind.text, actionWords)
		return Action{}, false
	}
	a := p.actionHead(kind)
	if t := p.peek(); t.kind == tokWord && t.text == "errno" {
		p.trailingErrno(&a)
	}
	p.endLine(what)
	return a, true
}

func (w *jsonWalker) seccomp(n *jsonNode) *Seccomp {
	sc := &Seccomp{Pos: n.pos}
	w.object(n, "seccomp", map[string]func(*jsonNode){
		"default": func(v *jsonNode) {
			if a, ok := w.action(v, "the default action"); ok {
				sc.Default = &a
			}
		},
		"base": func(v *jsonNode) {
			if w.is(v, jsonString) {
				sc.Base = &Word{Pos: v.pos, Text: v.text}
			}
		},
		"arch": func(v *jsonNode) {
			// "x86_64: x86 x32" is an archMap entry, as in the DSL.
			for _, s := range w.strings(v) {
				native, subs, isMap := strings.Cut(s.text, ":")
				if !isMap {
					sc.Arches = append(sc.Arches, Word{Pos: s.pos, Text: s.text})
					continue
				}
				e := ArchMapEntry{Pos: s.pos, Arch: Word{Pos: s.pos, Text: strings.TrimSpace(native)}}
				for _, sub := range strings.Fields(subs) {
					e.SubArches = append(e.SubArches, Word{Pos: s.pos, Text: sub})
				}
				sc.ArchMap = append(sc.ArchMap, e)
			}
		},
		"flags": func(v *jsonNode) { sc.Flags = w.words(v) },
		"listener": func(v *jsonNode) {
			w.object(v, "listener", map[string]func(*jsonNode){
				"path": func(x *jsonNode) {
					if w.is(x, jsonString) {
						sc.ListenerPath = &Word{Pos: x.pos, Text: x.text}
					}
				},
				"metadata": func(x *jsonNode) {
					if w.is(x, jsonString) {
						sc.ListenerMetadata = &Word{Pos: x.pos, Text: x.text}
					}
				},
			})
		},
		"rules": func(v *jsonNode) {
			if !w.is(v, jsonArray) {
				return
			}
			for _, it := range v.items {
				if r := w.rule(it); r != nil {
					sc.Rules = append(sc.Rules, r)
				}
			}
		},
	})
	return sc
}

func (w *jsonWalker) rule(n *jsonNode) *Rule {
	r := &Rule{Pos: n.pos}
	hasAction := false
	w.object(n, "a rule", map[string]func(*jsonNode){
		"action": func(v *jsonNode) {
			// A bad action is reported by w.action; the key is not missing.
			hasAction = true
			r.Action, _ = w.action(v, "the action")
		},
		"names": func(v *jsonNode) { r.Names = w.words(v) },
		"if": func(v *jsonNode) {
			for _, s := range w.strings(v) {
				p := w.fragment(s)
				if c := p.cond(); c != nil {
					r.Conds = append(r.Conds, c)
					p.endLine("the condition")
				}
			}
		},
		"when":    func(v *jsonNode) { r.When = w.filters(v, "when") },
		"unless":  func(v *jsonNode) { r.Unless = w.filters(v, "unless") },
		"comment": func(v *jsonNode) { r.Comment = v.text; w.is(v, jsonString) },
		"ignore": func(v *jsonNode) {
			for _, s := range w.strings(v) {
				r.Ignores = append(r.Ignores, parseIgnore(s.pos, s.text, w.diags)...)
			}
		},
	})
	if n.kind != jsonObject {
		return nil
	}
	if !hasAction {
		w.diags.Errorf(n.pos, "rule has no \"action\"")
	}
	if len(r.Names) == 0 {
		w.diags.Errorf(n.pos, "rule has no \"names\"")
	}
	return r
}

func (w *jsonWalker) filters(n *jsonNode, kw string) []*Filter {
	var out []*Filter
	for _, s := range w.strings(n) {
		p := w.fragment(s)
		if f := p.filter(token{kind: tokWord, text: kw, pos: s.pos}); f != nil {
			out = append(out, f)
			p.endLine("the filter")
		}
	}
	return out
}

func (w *jsonWalker) appArmor(n *jsonNode) *AppArmor {
	aa := &AppArmor{Pos: n.pos}
	for _, s := range w.strings(n) {
		w.fragment(s).appArmorStatement(aa)
	}
	return aa
}

func (w *jsonWalker) test(n *jsonNode) *Test {
	tb := &Test{Pos: n.pos}
	w.object(n, "test", map[string]func(*jsonNode){
		"expect": func(v *jsonNode) {
			for _, s := range w.strings(v) {
				w.fragment(s).expect(tb, token{kind: tokWord, text: "expect", pos: s.pos})
			}
		},
		"run": func(v *jsonNode) {
			if !w.is(v, jsonArray) {
				return
			}
			for _, it := range v.items {
				run := &Run{Pos: it.pos}
				w.object(it, "a run check", map[string]func(*jsonNode){
					"command": func(x *jsonNode) {
						if w.is(x, jsonString) {
							run.Command = Word{Pos: x.pos, Text: x.text}
						}
					},
					"want": func(x *jsonNode) {
						if !w.is(x, jsonString) {
							return
						}
						if !contains(runWants, x.text) {
							d := w.diags.Errorf(x.pos, "expected succeeds, fails or killed, found %q", x.text)
							d.Suggestion = suggest.Closest(x.text, runWants)
						}
						run.Want = Word{Pos: x.pos, Text: x.text}
					},
					"timeout": func(x *jsonNode) {
						if w.is(x, jsonString) {
							at := x.pos
							at.Col++ // past the quote, as fragments count
							runTimeout(w.diags, run, Word{Pos: at, Text: x.text})
						}
					},
				})
				if it.kind == jsonObject {
					if run.Command.Text == "" || run.Want.Text == "" {
						w.diags.Errorf(it.pos, "a run check needs \"command\" and \"want\"")
					}
					tb.Runs = append(tb.Runs, run)
				}
			}
		},
	})
	return tb
}
