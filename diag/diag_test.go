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
		{Diagnostic{Pos: Pos{File: "p.sp", Line: 5, Col: 6}, Severity: Warning, Check: "SP101", Message: "deny chmod leaves fchmod allowed"}, "p.sp:5:6: warning: SP101 deny chmod leaves fchmod allowed"},
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

// The per-file cap at its boundary: MaxPerFile diagnostics are all kept;
// one more becomes a summary as severe as what it stands for, counted
// across Errorf and Add; another file keeps its own.
func TestMaxPerFile(t *testing.T) {
	var l List
	for i := 1; i <= MaxPerFile; i++ {
		l.Warnf(Pos{File: "a.sp", Line: i, Col: 1}, "w%d", i)
	}
	l.Sort()
	if len(l) != MaxPerFile || l.HasErrors() {
		t.Fatalf("at the limit: %d diagnostics kept, want %d and no summary:\n%s", len(l), MaxPerFile, l.Text())
	}
	l.Errorf(Pos{File: "a.sp", Line: 100, Col: 2}, "e1").Suggestion = "lost"
	l.Warnf(Pos{File: "a.sp", Line: 99, Col: 1}, "w")
	var other List
	other.Errorf(Pos{File: "a.sp", Line: 200, Col: 1}, "e2")
	other.Errorf(Pos{File: "b.sp", Line: 1, Col: 1}, "kept")
	l.Add(other...)
	l.Sort()
	if len(l) != MaxPerFile+2 {
		t.Fatalf("over the limit: %d diagnostics, want %d:\n%s", len(l), MaxPerFile+2, l.Text())
	}
	want := "a.sp:99:1: error: and 3 more diagnostics in this file (only the first 50 are shown)"
	if got := l[MaxPerFile].String(); got != want {
		t.Errorf("summary = %s\nwant      %s", got, want)
	}
	if !l.HasErrors() || l[MaxPerFile+1].Message != "kept" {
		t.Errorf("the summary must keep the list failing, and b.sp its own diagnostic:\n%s", l.Text())
	}
	// A summary merged into a list that has one counts what it stands for.
	var merged List
	merged.Add(l...)
	merged.Sort()
	if merged.Text() != l.Text() {
		t.Errorf("Add of a capped list changed it:\n%s\nwant\n%s", merged.Text(), l.Text())
	}
}

// A file name comes from the untrusted side too (a pull request names its
// files): one with a terminal escape or a newline must not clear the
// screen or print a fake diagnostic line; it is shown quoted.
func TestPosQuotesAnUnprintableFileName(t *testing.T) {
	for name, want := range map[string]string{
		"web.sp":                  "web.sp:2:6",
		"dir/ünïcode profile.sp":  "dir/ünïcode profile.sp:2:6",
		"a\x1b[2J.sp":             `"a\x1b[2J.sp":2:6`,
		"a\nfake.sp:1:1: ok\n.sp": `"a\nfake.sp:1:1: ok\n.sp":2:6`,
		"e\u202evil.sp":           `"e\u202evil.sp":2:6`,
		"bad\xff.sp":              `"bad\xff.sp":2:6`,
		`"quoted".sp`:             `"quoted".sp:2:6`,
	} {
		if got := (Pos{File: name, Line: 2, Col: 6}).String(); got != want {
			t.Errorf("Pos{File: %q}.String() = %s; want %s", name, got, want)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		`run "ls /" ünï`:          `run "ls /" ünï`,
		"a\x1b[2Jb":               `a\x1b[2Jb`,
		"line\nfake: ok\r\tx\x00": `line\nfake: ok\r\tx\x00`,
		"e\u202evil":              `e\u202evil`,
		"bad\xffbyte":             `bad\xffbyte`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %s; want %s", in, got, want)
		}
	}
}
