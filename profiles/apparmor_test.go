package profiles

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/secprof/secprof/diag"
)

// aaCorpus returns every apparmor statement that parses in the sources
// under testdata and examples, with the text it came from.
func aaCorpus(t testing.TB) []AAStatement {
	t.Helper()
	var sources []txtar.File
	for _, glob := range []string{"../testdata/profiles/*", "../examples/*.sp"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, txtar.File{Name: p, Data: data})
		}
	}
	for _, glob := range []string{"../testdata/apparmor/*.txtar", "../testdata/errors/*.txtar"} {
		cases, _ := filepath.Glob(glob)
		for _, c := range cases {
			ar, err := txtar.ParseFile(c)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, ar.Files...)
		}
	}
	var out []AAStatement
	for _, s := range sources {
		if !strings.HasSuffix(s.Name, ".sp") && !strings.HasSuffix(s.Name, ".json") {
			continue
		}
		f, _ := Parse(s.Name, s.Data)
		if f.AppArmor != nil {
			out = append(out, f.AppArmor.Statements...)
		}
	}
	return out
}

// withoutPositions zeroes every diag.Pos reachable from v, so that two
// parses of one statement written at different places compare equal.
func withoutPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			withoutPositions(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			withoutPositions(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(diag.Pos{}) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			withoutPositions(v.Field(i))
		}
	}
}

// checkRoundTrip holds for a parsed statement: its String parses, without
// a diagnostic, to the same statement and prints the same again.
func checkRoundTrip(t *testing.T, st AAStatement) {
	t.Helper()
	text := st.String()
	again, diags := ParseAAStatement(diag.Pos{File: "rt.sp", Line: 1, Col: 1}, text)
	if len(diags) > 0 || again == nil {
		t.Fatalf("%s (from %s) does not parse back:\n%s", text, st.Start(), diags.Text())
	}
	if again.String() != text {
		t.Fatalf("%q prints back as %q", text, again.String())
	}
	a, b := reflect.ValueOf(&st).Elem(), reflect.ValueOf(&again).Elem()
	withoutPositions(a)
	withoutPositions(b)
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		t.Fatalf("%q parses back differently:\n%#v\n%#v", text, a.Interface(), b.Interface())
	}
}

func TestAAStatementRoundTrip(t *testing.T) {
	corpus := aaCorpus(t)
	kinds := map[string]bool{}
	for _, st := range corpus {
		kinds[reflect.TypeOf(st).Elem().Name()] = true
		checkRoundTrip(t, st)
	}
	// Every node type must be in the corpus, or the test proves little.
	for _, k := range []string{"AAName", "AABase", "AAInclude", "AARuntimePeers", "AAFile", "AAAllFiles",
		"AACapability", "AANetwork", "AAMount", "AAPtrace", "AASignal"} {
		if !kinds[k] {
			t.Errorf("no %s in the corpus; add a case that writes one", k)
		}
	}
}

// TestAAStatementString pins the printed form of each node, and words that
// need quotes to read back as one.
func TestAAStatementString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"deny /etc/shadow rw,", "deny /etc/shadow rw"},
		{`allow owner "/srv/my data/**" r`, `allow owner "/srv/my data/**" r`},
		{"/etc/{passwd,group} r", "/etc/{passwd,group} r"},
		{"deny file", "deny file"},
		{"capability", "capability"},
		{"deny capability sys_admin CAP_NET_RAW", "deny capability sys_admin CAP_NET_RAW"},
		{"deny network inet tcp", "deny network inet tcp"},
		{"deny pivot_root", "deny pivot_root"},
		{"signal (send,receive) peer=runc", "signal (send,receive) peer=runc"},
		{"signal send receive", "signal (send,receive)"},
		{`ptrace read "peer=a b"`, `ptrace (read) "peer=a b"`},
		{"include <abstractions/base>", "include <abstractions/base>"},
		{`include "a b"`, `include "a b"`},
		{"include abstractions/base", "include <abstractions/base>"},
		{"name web", "name web"},
		{`name "we\"b"`, `name "we\"b"`},
		{"base none", "base none"},
		{"runtime-peers off", "runtime-peers off"},
		{`deny capability ""`, `deny capability ""`},
	} {
		st, diags := ParseAAStatement(diag.Pos{File: "x.sp", Line: 1, Col: 1}, tc.in)
		if st == nil {
			t.Errorf("%q: %s", tc.in, diags.Text())
			continue
		}
		if got := st.String(); got != tc.want {
			t.Errorf("%q prints as %q, want %q", tc.in, got, tc.want)
		}
		checkRoundTrip(t, st)
	}
}

// TestAAStatementSyntax checks that syntax errors come from the parser,
// at the word that is wrong; names are the compiler's, so an unknown
// capability parses.
func TestAAStatementSyntax(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"deny", `x.sp:1:1: error: deny needs a rule`},
		{"owner capability", `x.sp:1:1: error: owner must be followed by a path`},
		{"deny netwrk raw", `x.sp:1:6: error: unknown apparmor statement "netwrk"; did you mean "network"?`},
		{"deny /etc/shadow", `x.sp:1:6: error: /etc/shadow needs a mode after it`},
		{"deny /etc/shadow r w", `x.sp:1:20: error: unexpected "w" after the mode`},
		{"deny /etc/{shadow} rw", `x.sp:1:11: error: bad path glob`},
		{"deny /bin/su ix", `x.sp:1:14: error: bad file mode "ix": a deny rule takes a plain x`},
		{"deny mount fstype=proc", `x.sp:1:12: error: mount takes no options here`},
		{"file x", `x.sp:1:6: error: file takes no arguments`},
		{"name", `x.sp:1:1: error: name takes one value`},
		{"include a b", `x.sp:1:1: error: include takes one file`},
		{"runtime-peers offf", `x.sp:1:15: error: runtime-peers is on or off, not "offf"; did you mean "off"?`},
		{"signal (send,recieve)", `x.sp:1:14: error: unknown signal access "recieve"`},
		{"ptrace peer=a peer=b", `x.sp:1:15: error: a ptrace rule names one peer`},
	} {
		st, diags := ParseAAStatement(diag.Pos{File: "x.sp", Line: 1, Col: 1}, tc.in)
		if st != nil || !strings.Contains(diags.Text(), tc.want) {
			t.Errorf("%q gives %v\n%s want\n%s", tc.in, st, diags.Text(), tc.want)
		}
	}
	for _, ok := range []string{"deny capability sys_admn", "deny network rwa", "base docker-defualt", "name -bad", "ptrace peer=-a", "include ../x"} {
		if st, diags := ParseAAStatement(diag.Pos{File: "x.sp", Line: 1, Col: 1}, ok); st == nil {
			t.Errorf("%q is the compiler's to judge, but does not parse:\n%s", ok, diags.Text())
		}
	}
}

// TestAAJSONMatchesDSL holds the JSON form to the DSL: the same statements
// give the same nodes.
func TestAAJSONMatchesDSL(t *testing.T) {
	lines := []string{"deny /etc/shadow rw", "signal (send) peer=runc", "include <abstractions/base>", "deny capability sys_admin"}
	dsl, d1 := ParseDSL("x.sp", []byte("apparmor {\n"+strings.Join(lines, "\n")+"\n}\n"))
	js, d2 := Parse("x.json", []byte(`{"apparmor": ["`+strings.Join(lines, `", "`)+`"]}`))
	if len(d1)+len(d2) > 0 || dsl.AppArmor == nil || js.AppArmor == nil {
		t.Fatalf("%s%s", d1.Text(), d2.Text())
	}
	if got := js.AppArmor.Statements[1].(*AASignal).Peer.Pos; got != (diag.Pos{File: "x.json", Line: 1, Col: 58}) {
		t.Errorf("the JSON form's peer is at %s, want x.json:1:58 (the name after peer=)", got)
	}
	a, b := reflect.ValueOf(dsl.AppArmor.Statements), reflect.ValueOf(js.AppArmor.Statements)
	withoutPositions(a)
	withoutPositions(b)
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		t.Errorf("DSL and JSON differ:\n%#v\n%#v", a.Interface(), b.Interface())
	}
}

// FuzzAAStatement feeds arbitrary text to the statement parser: it never
// panics, every diagnostic has a position, and whatever parses round-trips
// through String.
func FuzzAAStatement(f *testing.F) {
	for _, st := range aaCorpus(f) {
		f.Add(st.String())
	}
	f.Add(`ptrace read "peer=a b"`)
	f.Add(`include "<x>y"`)
	f.Add("allow owner @{HOME}/{a,b,} rwk")
	f.Fuzz(func(t *testing.T, text string) {
		st, diags := ParseAAStatement(diag.Pos{File: "in.sp", Line: 1, Col: 1}, text)
		for _, d := range diags {
			if d.Pos.File != "in.sp" {
				t.Fatalf("diagnostic without position: %s", d)
			}
		}
		if st != nil {
			checkRoundTrip(t, st)
		}
	})
}
