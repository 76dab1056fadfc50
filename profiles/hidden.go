package profiles

import (
	"strconv"
	"unicode/utf8"

	"github.com/secprof/secprof/diag"
)

// Text a reader does not see must not change what a profile means: a
// newline inside a JSON string ("allow\n deny chmod"), a carriage return
// that lets the rest of a line overwrite its start in a terminal, an escape
// sequence, or a bidirectional override that reorders what is shown. No
// source may hold such a character, in a string, a comment or anywhere
// else. A tab hides nothing and is allowed.

// hidesText reports the characters no source may hold: C0 and C1 controls
// other than tab and newline, DEL, and the bidirectional embeddings,
// overrides and isolates ("Trojan Source").
func hidesText(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// hiddenMessage says what is wrong with r, found in where ("a string", "a
// comment", …).
func hiddenMessage(r rune, where string) string {
	kind := "a control character"
	if r >= 0x202a {
		kind = "a bidirectional control"
	}
	return strconv.QuoteRune(r) + " in " + where + ": " + kind + " can hide text from a reader; remove it"
}

// checkHiddenDSL reports every character of DSL text that hides text, at
// its position, and says whether there was any. A carriage return is
// allowed only as part of a CRLF line end.
//
// Past diag.MaxPerFile it only counts: a 4 MiB file of them would cost a
// diagnostic each.
func checkHiddenDSL(file, src string, diags *diag.List) bool {
	found := 0
	var omitted diag.Pos
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == '\n':
			line, col = line+1, 1
			i++
			continue
		case r == '\r' && i+1 < len(src) && src[i+1] == '\n':
		case hidesText(r):
			pos := diag.Pos{File: file, Line: line, Col: col}
			switch {
			case found < diag.MaxPerFile:
				diags.Errorf(pos, "%s", hiddenMessage(r, "the source"))
			case found == diag.MaxPerFile:
				omitted = pos
			}
			found++
		}
		i += size
		col++
	}
	if found > diag.MaxPerFile {
		diags.Add(diag.Diagnostic{Pos: omitted, Severity: diag.Error, Omitted: found - diag.MaxPerFile})
	}
	return found > 0
}

// hiddenInJSONString finds the first character that hides text in the
// raw JSON string literal lit (quotes included), whether written as
// itself or as an escape, and returns its byte offset in lit.
func hiddenInJSONString(lit []byte) (off int, r rune, found bool) {
	for i := 1; i < len(lit)-1; {
		c := lit[i]
		if c == '\\' && i+1 < len(lit) {
			switch lit[i+1] {
			case 'b':
				return i, '\b', true
			case 'f':
				return i, '\f', true
			case 'n':
				return i, '\n', true
			case 'r':
				return i, '\r', true
			case 'u':
				if i+6 <= len(lit) {
					if v, err := strconv.ParseUint(string(lit[i+2:i+6]), 16, 16); err == nil && (hidesText(rune(v)) || v == '\n') {
						return i, rune(v), true
					}
				}
				i += 6
				continue
			}
			i += 2
			continue
		}
		r, size := utf8.DecodeRune(lit[i:])
		if r != utf8.RuneError && hidesText(r) {
			return i, r, true
		}
		i += size
	}
	return 0, 0, false
}
