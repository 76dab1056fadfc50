package profiles

import (
	"bytes"
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/safename"
	"github.com/secprof/secprof/internal/suggest"
)

// dockerKeys are top-level keys only Docker-format seccomp JSON has.
var dockerKeys = []string{"defaultAction", "defaultErrnoRet", "syscalls", "architectures", "archMap", "listenerPath", "listenerMetadata", "flags"}

// jsonFormKeys are the top-level keys of secprof's JSON form.
var jsonFormKeys = []string{"profile", "seccomp", "apparmor", "test", "$schema"}

// Parse reads a source in whichever format it is written: JSON when it
// starts with "{", Docker-format when its keys are Docker's, the DSL
// otherwise.
//
// A source that does not start like a profile gets one error that quotes
// at most a short token of it, and nothing more is read: a base or a
// symlinked source may name any file the user can read (/etc/shadow), and
// no diagnostic may echo it.
func Parse(name string, src []byte) (*File, diag.List) {
	trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if d := notDSLProfile(name, src); d != nil {
			return &File{Name: name, Format: FormatDSL}, diag.List{*d}
		}
		return ParseDSL(name, src)
	}
	tree, d := parseJSONTree(name, src)
	if d != nil {
		return &File{Name: name, Format: FormatJSON}, diag.List{*d}
	}
	if !hasAnyKey(tree, jsonFormKeys) && !hasAnyKey(tree, dockerKeys) && len(tree.members) > 0 {
		return &File{Name: name, Format: FormatJSON}, diag.List{{Pos: tree.pos, Severity: diag.Error,
			Message: notAProfile + `: a JSON object with none of the keys a profile has ("seccomp", "defaultAction", …)`}}
	}
	if hasAnyKey(tree, dockerKeys) && tree.get("seccomp") == nil {
		return parseDocker(name, src, tree)
	}
	return parseJSON(name, tree)
}

const notAProfile = "this does not look like a secprof or Docker profile"

// hasAnyKey reports whether an object has one of keys, matched as
// encoding/json matches them (ignoring case), so that a Docker profile
// whose keys are spelled in another case is read as one and its keys
// reported.
func hasAnyKey(n *jsonNode, keys []string) bool {
	for _, m := range n.members {
		for _, k := range keys {
			if strings.EqualFold(m.key, k) {
				return true
			}
		}
	}
	return false
}

// maxQuoted bounds the first word a suggestion is computed from.
const maxQuoted = 32

// notDSLProfile returns an error when the first statement of DSL text
// (after blank lines and comments) does not start with a keyword, or nil.
func notDSLProfile(name string, src []byte) *diag.Diagnostic {
	line, col, i := 1, 1, 0
	for i < len(src) {
		switch c := src[i]; {
		case c == '\n':
			line, col = line+1, 1
		case c == ' ' || c == '\t' || c == '\r':
			col++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		default:
			return startsLikeProfile(diag.Pos{File: name, Line: line, Col: col}, src[i:])
		}
		i++
	}
	return nil
}

func startsLikeProfile(pos diag.Pos, rest []byte) *diag.Diagnostic {
	n := 0
	for n < len(rest) && isWordByte(rest[n]) {
		n++
	}
	if contains(topWords, string(rest[:n])) {
		return nil
	}
	// Nothing of the file is quoted: a base named by an untrusted profile
	// may be a secret (a token file, a key), and CI logs are often public.
	// A near-miss keyword still gets its suggestion, which shows only the
	// keyword.
	if n == 0 {
		return &diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: notAProfile + ": it starts with a character no statement starts with"}
	}
	d := &diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: notAProfile + ": its first word is no statement keyword (default, deny, profile, seccomp, base, …)"}
	if tok := plainToken(rest); len(tok) == n {
		d.Suggestion = suggest.Closest(tok, topWords)
	}
	return d
}

// plainToken is the run of letters, digits and "_-.@" that b starts with,
// at most maxQuoted bytes: what a suggestion is computed from.
func plainToken(b []byte) string {
	n := 0
	for n < len(b) && n < maxQuoted {
		c := b[n]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.@", c) >= 0) {
			break
		}
		n++
	}
	return string(b[:n])
}

// checkProfileName reports a `profile` name, in either form, that is not
// one safe path element: it names the files of `compile -o DIR/` and the
// AppArmor profile, so "../../evil" or "/etc/x" must never reach a path.
// It reports whether the name may be kept.
func checkProfileName(diags *diag.List, name string, pos diag.Pos) bool {
	if err := safename.Check(name); err != nil {
		diags.Errorf(pos, "%v (the name becomes output file names and the AppArmor profile's name)", err)
		return false
	}
	return true
}
