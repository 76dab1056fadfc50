package diag

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col count from 1; a zero
// Line means the position is unknown (for example a rule that came from a
// built-in set rather than from the user's file).
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	file := DisplayName(p.File)
	switch {
	case p.File == "" && !p.IsValid():
		return ""
	case !p.IsValid():
		return file
	case p.Col <= 0:
		return file + ":" + strconv.Itoa(p.Line)
	default:
		return file + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
}

// DisplayName is a file name as a terminal may show it: itself when every
// character prints, else Go-quoted. File names come from the untrusted side
// too (a pull request names its files), and one holding an escape sequence,
// a newline or a bidirectional control could clear the screen or print a
// fake diagnostic or table row.
func DisplayName(name string) string {
	if Printable(name) != name {
		return strconv.Quote(name)
	}
	return name
}

// Printable is s for a terminal: every character that does not print (a
// control, an escape sequence's ESC, a tab or newline, a bidirectional
// control, a byte that is not UTF-8) is written as a Go escape, the rest is
// left as it is. Text from outside secprof (a container engine's stderr,
// an error naming an untrusted path) goes through it before it reaches a
// terminal or a table.
func Printable(s string) string {
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		switch {
		case r == utf8.RuneError && width == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// Before orders positions by file, line and column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity says whether a diagnostic stops compilation.
type Severity int

const (
	Error Severity = iota
	Warning
	Note
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "note"
	}
}

// MarshalText makes severities read as words in --json output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem found in a source.
type Diagnostic struct {
	Pos      Pos      `json:"pos"`
	Severity Severity `json:"severity"`
	// Check is the lint check's ID (SP101…) when a lint check found this;
	// it prefixes the message and lets "# secprof:ignore" silence it.
	Check   string `json:"check,omitempty"`
	Message string `json:"message"`
	// Suggestion is a replacement the user probably meant ("did you mean").
	Suggestion string `json:"suggestion,omitempty"`
	// Related points at other places the message speaks of, such as the
	// first of two contradictory rules.
	Related []Pos `json:"related,omitempty"`
	// Omitted, when not zero, makes this diagnostic the summary of that
	// many more about its file, left out past MaxPerFile. It is at the
	// first of them, and as severe as the worst.
	Omitted int `json:"omitted,omitempty"`
}

// MaxPerFile bounds the diagnostics a List keeps for one file; the rest
// are counted in one summary ("and N more"). A hostile 4 MiB source could
// otherwise yield millions of them, and a reader needs the first few.
const MaxPerFile = 50

// String prints the diagnostic the way editors and compilers do:
//
//	web.sp:2:6: error: unknown syscall "chmdo"; did you mean "chmod"?
func (d Diagnostic) String() string {
	var b strings.Builder
	if s := d.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	if d.Check != "" {
		b.WriteString(d.Check)
		b.WriteByte(' ')
	}
	b.WriteString(d.Message)
	if d.Suggestion != "" {
		b.WriteString("; did you mean ")
		b.WriteString(strconv.Quote(d.Suggestion))
		b.WriteString("?")
	}
	return b.String()
}

// List collects diagnostics. The zero value is ready to use.
type List []Diagnostic

// Errorf records an error at pos.
func (l *List) Errorf(pos Pos, format string, args ...any) *Diagnostic {
	return l.add(pos, Error, format, args...)
}

// Warnf records a warning at pos.
func (l *List) Warnf(pos Pos, format string, args ...any) *Diagnostic {
	return l.add(pos, Warning, format, args...)
}

// Notef records a note at pos.
func (l *List) Notef(pos Pos, format string, args ...any) *Diagnostic {
	return l.add(pos, Note, format, args...)
}

func (l *List) add(pos Pos, sev Severity, format string, args ...any) *Diagnostic {
	if l.omit(pos, sev, 1) {
		// The caller may still set a suggestion: on nothing kept.
		return new(Diagnostic)
	}
	*l = append(*l, Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
	return &(*l)[len(*l)-1]
}

// Add appends diagnostics from another phase, within MaxPerFile.
func (l *List) Add(ds ...Diagnostic) {
	for _, d := range ds {
		// A summary from the other list counts the diagnostics it stands for.
		if !l.omit(d.Pos, d.Severity, max(d.Omitted, 1)) {
			*l = append(*l, d)
		}
	}
}

// omit counts n diagnostics at pos into the summary of pos's file, and
// reports true, when the list already holds MaxPerFile for that file or a
// summary for it (from then on everything about the file is counted).
func (l *List) omit(pos Pos, sev Severity, n int) bool {
	kept, summary := 0, -1
	for i := range *l {
		d := &(*l)[i]
		switch {
		case d.Pos.File != pos.File:
		case d.Omitted > 0:
			summary = i
		default:
			kept++
		}
	}
	if summary < 0 && kept < MaxPerFile {
		return false
	}
	if summary < 0 {
		*l = append(*l, Diagnostic{Pos: pos, Severity: sev})
		summary = len(*l) - 1
	}
	s := &(*l)[summary]
	s.Omitted += n
	if sev < s.Severity {
		s.Severity = sev
	}
	if pos.Before(s.Pos) {
		s.Pos = pos
	}
	// The message is written by Sort, once: a hostile source may have
	// millions counted here.
	return true
}

// summarize writes a summary's message.
func (d *Diagnostic) summarize() {
	d.Message = "and " + strconv.Itoa(d.Omitted) + " more diagnostics in this file (only the first " + strconv.Itoa(MaxPerFile) + " are shown)"
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by position, then severity, then message, and
// drops exact repeats, so output is stable whatever order phases ran in.
// It also writes the message of each file's summary of what MaxPerFile
// left out; a List is sorted before it is shown.
func (l *List) Sort() {
	s := *l
	for i := range s {
		if s[i].Omitted > 0 {
			s[i].summarize()
		}
	}
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		return a.Message < b.Message
	})
	out := s[:0]
	var prev string
	for i, d := range s {
		// Each diagnostic is printed once: a repeat is also a repeat of
		// the last one kept, so comparing with that string is the same.
		str := d.String()
		if i > 0 && str == prev {
			continue
		}
		prev = str
		out = append(out, d)
	}
	*l = out
}

// Err returns the list as an error when it holds at least one error.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return ErrorList(l)
}

// ErrorList is a List used as an error value.
type ErrorList List

func (e ErrorList) Error() string {
	var lines []string
	for _, d := range e {
		if d.Severity == Error {
			lines = append(lines, d.String())
		}
	}
	return strings.Join(lines, "\n")
}

// Text renders every diagnostic, one a line.
func (l List) Text() string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// JSON renders the list for --json output; an empty list is [].
func (l List) JSON() []byte {
	if l == nil {
		l = List{}
	}
	out, _ := json.MarshalIndent(l, "", "  ")
	return append(out, '\n')
}
