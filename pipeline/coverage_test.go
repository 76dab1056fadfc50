package pipeline

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// diagnosticPackages are the packages whose diagnostics need a case in
// testdata/errors.
var diagnosticPackages = []string{"../profiles", "../compiler", "../importer"}

// TestDiagnosticsCovered requires, for every Errorf, Warnf and Notef call
// on a diagnostic list in diagnosticPackages, a line in some case's
// diagnostics (import-diagnostics) that the call's format can produce.
// To add a case: write testdata/errors/NAME.txtar with the source and the
// diagnostics it gives (see TestErrorCases).
func TestDiagnosticsCovered(t *testing.T) {
	sites := diagnosticSites(t)
	if len(sites) < 100 {
		t.Fatalf("found only %d diagnostic call sites; is the parser reading the right packages?", len(sites))
	}
	lines := caseDiagnosticLines(t)
	waiting := readWithoutCase(t)
	var uncovered, nowCovered []string
	for _, s := range sites {
		covered := s.coveredBy(lines)
		switch {
		case !covered && !waiting[s.key()]:
			uncovered = append(uncovered, s.String())
		case covered && waiting[s.key()]:
			nowCovered = append(nowCovered, s.key())
		}
		delete(waiting, s.key())
	}
	if len(uncovered) > 0 {
		t.Errorf("%d of %d diagnostic call sites have no case in %s; add a NAME.txtar whose diagnostics section shows each:\n%s",
			len(uncovered), len(sites), diagnosticCases, strings.Join(uncovered, "\n"))
	}
	if len(nowCovered) > 0 {
		t.Errorf("these call sites now have a case; remove them from %s:\n%s", withoutCaseFile, strings.Join(nowCovered, "\n"))
	}
	if len(waiting) > 0 {
		t.Errorf("%s lists call sites that no longer exist; remove them:\n%s", withoutCaseFile, strings.Join(slices.Sorted(maps.Keys(waiting)), "\n"))
	}
}

// withoutCaseFile lists the diagnostics that had no case when the coverage
// test was written, one key (see diagSite.key) a line. It may only shrink:
// a listed call site that gains a case, or disappears, fails the test, and
// nothing is ever added to it: a new call site needs a case.
const withoutCaseFile = "testdata/diagnostics-without-case.txt"

func readWithoutCase(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(withoutCaseFile)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			keys[l] = true
		}
	}
	return keys
}

// diagSite is one diagnostic call: where it is and what it can print.
type diagSite struct {
	pos      token.Position
	severity string
	format   string
	re       *regexp.Regexp
}

func (s diagSite) String() string {
	return fmt.Sprintf("%s:%d: %s: %q", s.pos.Filename, s.pos.Line, s.severity, s.format)
}

// key names a call site by package file, severity and format, not line, so
// that edits elsewhere in the file leave it alone.
func (s diagSite) key() string {
	return fmt.Sprintf("%s: %s: %q", strings.TrimPrefix(filepath.ToSlash(s.pos.Filename), "../"), s.severity, s.format)
}

func (s diagSite) coveredBy(lines []string) bool {
	for _, l := range lines {
		if s.re.MatchString(l) {
			return true
		}
	}
	return false
}

var diagMethods = map[string]string{"Errorf": "error", "Warnf": "warning", "Notef": "note"}

func diagnosticSites(t *testing.T) []diagSite {
	t.Helper()
	var sites []diagSite
	fset := token.NewFileSet()
	for _, dir := range diagnosticPackages {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if s, ok := diagCall(t, fset, n); ok {
					sites = append(sites, s)
				}
				return true
			})
		}
	}
	return sites
}

// diagCall recognises X.Errorf(pos, format, …) and its kin; fmt.Errorf and
// t.Errorf take the format first and are not diagnostics.
func diagCall(t *testing.T, fset *token.FileSet, n ast.Node) (diagSite, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return diagSite{}, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return diagSite{}, false
	}
	severity, ok := diagMethods[sel.Sel.Name]
	if !ok || len(call.Args) < 2 {
		return diagSite{}, false
	}
	if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fmt" {
		return diagSite{}, false
	}
	pos := fset.Position(call.Pos())
	format, ok := constantString(call.Args[1])
	if !ok {
		t.Errorf("%s: the format of %s is not a string constant this test can read; write it as a literal", pos, sel.Sel.Name)
		return diagSite{}, false
	}
	return diagSite{pos: pos, severity: severity, format: format, re: formatRegexp(severity, format)}, true
}

// constantString folds a string literal, a sum of them, or a local variable
// assigned one.
func constantString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := constantString(e.X)
		y, ok2 := constantString(e.Y)
		return x + y, ok1 && ok2
	case *ast.ParenExpr:
		return constantString(e.X)
	case *ast.Ident:
		if e.Obj == nil {
			return "", false
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.AssignStmt:
			if len(d.Lhs) == 1 && len(d.Rhs) == 1 {
				return constantString(d.Rhs[0])
			}
		case *ast.ValueSpec:
			for i, n := range d.Names {
				if n.Name == e.Name && i < len(d.Values) {
					return constantString(d.Values[i])
				}
			}
		}
	}
	return "", false
}

// verb matches one fmt verb with its flags, width and precision.
var verb = regexp.MustCompile(`^%[-+# 0]*(\d+|\*)?(\.(\d+|\*))?([a-zA-Z%])`)

// formatRegexp turns a format into a regexp for the diagnostic lines it
// can print ("FILE:LINE:COL: severity: message", perhaps with a lint
// check's ID before the message and a suggestion after it). Arguments
// match loosely; the literal text must match exactly.
func formatRegexp(severity, format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?:[^:]*:\d+(?::\d+)?: )?` + severity + `: (?:SP\d+ )?`)
	for i := 0; i < len(format); {
		if format[i] != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				j = len(format) - i
			}
			b.WriteString(regexp.QuoteMeta(format[i : i+j]))
			i += j
			continue
		}
		m := verb.FindStringSubmatch(format[i:])
		if m == nil {
			b.WriteString("%")
			i++
			continue
		}
		b.WriteString(verbRegexp(m[4]))
		i += len(m[0])
	}
	b.WriteString(`(?:; did you mean ".*"\?)?$`)
	return regexp.MustCompile(b.String())
}

func verbRegexp(v string) string {
	switch v {
	case "%":
		return "%"
	case "d":
		return `-?\d+`
	case "x", "X":
		return `(?:0[xX])?[0-9a-fA-F]+`
	case "q":
		return `(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`)"
	default: // s, v, and anything printed as text
		return `.*`
	}
}

// caseDiagnosticLines gathers every expected diagnostic line of every case.
func caseDiagnosticLines(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(diagnosticCases, "*.txtar"))
	var lines []string
	for _, path := range files {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name == "diagnostics" || f.Name == "import-diagnostics" {
				lines = append(lines, strings.Split(strings.TrimSpace(string(f.Data)), "\n")...)
			}
		}
	}
	return lines
}

// TestFormatRegexp pins the translation the coverage test rests on.
func TestFormatRegexp(t *testing.T) {
	tests := []struct {
		sev, format, line string
		match             bool
	}{
		{"error", "unknown syscall %q on %s", `web.sp:2:6: error: unknown syscall "chmdo" on x86_64, x86 or x32; did you mean "chmod"?`, true},
		{"error", "unknown syscall %q on %s", `web.sp:2:6: warning: unknown syscall "chmdo" on x86_64`, false},
		{"error", "argument index %d is out of range; seccomp sees arg0 to arg5", "p.sp:4:22: error: argument index 7 is out of range; seccomp sees arg0 to arg5", true},
		{"error", "argument index %d is out of range", "p.sp:4:22: error: argument index seven is out of range", false},
		{"warning", "mask %#x has bits (%#x) outside 100%%", "p.sp:1:1: warning: mask 0xff has bits (0x100) outside 100%", true},
		{"note", "rule equal to the default", "p.sp:3:1: note: rule equal to the default action", false},
		{"warning", "errno 0 makes the call succeed", "p.sp:2:7: warning: SP106 errno 0 makes the call succeed", true},
	}
	for _, tt := range tests {
		if got := formatRegexp(tt.sev, tt.format).MatchString(tt.line); got != tt.match {
			t.Errorf("format %q, line %q: match = %v, want %v", tt.format, tt.line, got, tt.match)
		}
	}
}
