package diag

import (
	"slices"
	"testing"
)

func TestString(t *testing.T) {
	cases := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Pos{File: "web.sp", Line: 2, Col: 6}, Severity: Error, Message: `unknown syscall "chmdo"`, Suggestion: "chmod"}, `web.sp:2:6: error: unknown syscall "chmdo"; did you mean "chmod"?`},
		{Diagnostic{Pos: Pos{File: "web.sp", Line: 3}, Severity: Warning, Message: "w"}, "web.sp:3: warning: w"},
		{Diagnostic{Pos: Pos{File: "web.sp"}, Severity: Note, Message: "n"}, "web.sp: note: n"},
		{Diagnostic{Severity: Error, Message: "e", Suggestion: "a\"b\n"}, `error: e; did you mean "a\"b\n"?`},
	}
	for _, c := range cases {
		if got := c.d.String(); got != c.want {
			t.Errorf("String() = %q; want %q", got, c.want)
		}
	}
}

// TestSort pins the order, and that of diagnostics printed alike only the
// first stays.
func TestSort(t *testing.T) {
	at := func(line, col int) Pos { return Pos{File: "a.sp", Line: line, Col: col} }
	l := List{
		{Pos: at(2, 1), Severity: Warning, Message: "b"},
		{Pos: at(1, 5), Severity: Error, Message: "x"},
		{Pos: at(2, 1), Severity: Error, Message: "b"},
		{Pos: at(2, 1), Severity: Warning, Message: "b"},
		{Pos: at(1, 5), Severity: Error, Message: "x"},
		{Pos: at(3, 0), Severity: Note, Message: "m", Suggestion: "y"},
		{Pos: at(3, 0), Severity: Note, Message: "m"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.String())
	}
	want := []string{
		"a.sp:1:5: error: x",
		"a.sp:2:1: error: b",
		"a.sp:2:1: warning: b",
		`a.sp:3: note: m; did you mean "y"?`,
		"a.sp:3: note: m",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted:\n%q\nwant\n%q", got, want)
	}
}
