package compiler

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
)

// maxBaseDepth bounds chains of bases; deeper is almost surely a mistake.
const maxBaseDepth = 8

// loadBase compiles the profile a source builds on: the built-in
// @docker-default or a file, relative to the source. Its own warnings are
// not repeated (they are the base's business); its errors are.
func (c *compilation) loadBase(w profiles.Word) *Policy {
	var file string
	var src []byte
	if strings.HasPrefix(w.Text, "@") {
		var ok bool
		file, src, ok = profiles.Builtin(w.Text)
		if !ok {
			d := c.diags.Errorf(w.Pos, "unknown built-in profile %q", w.Text)
			d.Suggestion = profiles.BuiltinDockerDefault
			return nil
		}
	} else {
		file = w.Text
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(c.file.Name), file)
		}
		var err error
		if src, err = os.ReadFile(file); err != nil {
			c.diags.Errorf(w.Pos, "cannot read base profile: %v", err)
			return nil
		}
	}
	if slices.Contains(c.bases, file) || file == c.file.Name {
		c.diags.Errorf(w.Pos, "base %q builds on itself", w.Text)
		return nil
	}
	if len(c.bases) >= maxBaseDepth {
		c.diags.Errorf(w.Pos, "bases nest more than %d deep", maxBaseDepth)
		return nil
	}
	f, diags := profiles.Parse(file, src)
	sub := &compilation{file: f, opts: Options{}, bases: append(slices.Clone(c.bases), c.file.Name)}
	var p *Policy
	if !diags.HasErrors() {
		p = sub.compile()
		diags.Add(sub.diags...)
	}
	if diags.HasErrors() {
		for _, d := range diags {
			if d.Severity == diag.Error {
				c.diags.Add(d)
			}
		}
		c.diags.Errorf(w.Pos, "base %q has errors", w.Text)
		return nil
	}
	if p == nil || f.Seccomp == nil {
		c.diags.Errorf(w.Pos, "base %q has no seccomp rules", w.Text)
		return nil
	}
	return p
}

// baseEntries turns a base's rules back into per-name entries, marked so
// that the profile's own rules replace them.
func baseEntries(p *Policy) []entry {
	var out []entry
	for _, r := range p.Rules {
		proto := &Rule{Action: r.Action, Args: r.Args, Includes: r.Includes, Excludes: r.Excludes, Comment: r.Comment}
		cond := condKey(proto)
		for i, n := range r.Names {
			out = append(out, entry{name: n, pos: r.Pos[i], rule: proto, cond: cond, exact: proto.Action.String() + "|" + cond, fromBase: true})
		}
	}
	return out
}
