package compiler

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
)

// MaxBaseDepth bounds chains of bases: a profile may build on a base that
// builds on another, up to this many bases in a row. Deeper is almost
// surely a mistake, and each level reads and compiles a file.
const MaxBaseDepth = 8

// basePath resolves a base "FILE": an absolute path as is, a relative one
// against the directory of the source that names it, or against the
// working directory when that source is standard input.
func basePath(including, base string) string {
	if filepath.IsAbs(base) || including == profiles.StdinName {
		return filepath.Clean(base)
	}
	return filepath.Join(filepath.Dir(including), base)
}

// sameFileKey spells a path so that two spellings of one file (through
// "..", a symlink, a relative path) compare equal; a path that does not
// resolve stays as written. It only names a cycle of bases clearly:
// MaxBaseDepth ends any cycle it misses.
func sameFileKey(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

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
		file = basePath(c.file.Name, w.Text)
		if slices.Contains(c.bases, sameFileKey(file)) || sameFileKey(file) == sameFileKey(c.file.Name) {
			c.diags.Errorf(w.Pos, "base %q builds on itself", w.Text)
			return nil
		}
	}
	if len(c.bases) >= MaxBaseDepth {
		c.diags.Errorf(w.Pos, "bases nest more than %d deep", MaxBaseDepth)
		return nil
	}
	if src == nil {
		var err error
		if src, err = profiles.ReadFile(file); err != nil {
			c.diags.Errorf(w.Pos, "cannot read base profile: %v", err)
			return nil
		}
	}
	f, diags := profiles.Parse(file, src)
	sub := &compilation{file: f, opts: Options{}, bases: append(slices.Clone(c.bases), sameFileKey(c.file.Name))}
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
