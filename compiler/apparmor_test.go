package compiler

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/profiles"
)

// appArmorCases are the txtar files under testdata/apparmor. Each holds a
// source (NAME.sp), the diagnostics it gives (diagnostics, empty when
// none) and, when it compiles, the profile it renders to (NAME.apparmor).
func appArmorCases(t testing.TB) []string {
	files, err := filepath.Glob("../testdata/apparmor/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases under testdata/apparmor: %v", err)
	}
	return files
}

// compileAppArmor parses src as the DSL and interprets its apparmor block,
// returning the rendered profile (nil when it has errors) and all
// diagnostics as text.
func compileAppArmor(t testing.TB, name string, src []byte) ([]byte, string) {
	f, diags := profiles.ParseDSL(name, src)
	if diags.HasErrors() {
		return nil, diags.Text()
	}
	p, more := AppArmorProfile(f)
	diags.Add(more...)
	diags.Sort()
	if p == nil {
		return nil, diags.Text()
	}
	text, err := apparmor.Render(p)
	if err != nil {
		t.Fatalf("%s: the interpreter accepted a profile the renderer rejects: %v", name, err)
	}
	return text, diags.Text()
}

func TestAppArmorCases(t *testing.T) {
	for _, path := range appArmorCases(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var src *txtar.File
			for i := range ar.Files {
				if strings.HasSuffix(ar.Files[i].Name, ".sp") {
					src = &ar.Files[i]
				}
			}
			if src == nil {
				t.Fatal("no .sp source in the case")
			}
			base := strings.TrimSuffix(src.Name, ".sp")
			text, diags := compileAppArmor(t, src.Name, src.Data)
			want := []txtar.File{*src, {Name: "diagnostics", Data: []byte(diags)}}
			if text != nil {
				want = append(want, txtar.File{Name: base + ".apparmor", Data: text})
			}
			if golden.Updating() {
				ar.Files = want
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if len(ar.Files) != len(want) {
				t.Fatalf("case has sections %v, the compiler gives %d (-update rewrites them)\n%s%s", names(ar.Files), len(want), diags, text)
			}
			for i, w := range want {
				if ar.Files[i].Name != w.Name || !bytes.Equal(ar.Files[i].Data, w.Data) {
					t.Errorf("section %s differs (-update rewrites it); got %s:\n%s", ar.Files[i].Name, w.Name, w.Data)
				}
			}
		})
	}
}

func names(fs []txtar.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// TestAppArmorCasesCompile has apparmor_parser compile every profile the
// cases hold, and read back the profile's name.
func TestAppArmorCasesCompile(t *testing.T) {
	testenv.RequireCommand(t, "apparmor_parser")
	n := 0
	for _, path := range appArmorCases(t) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".apparmor") {
				continue
			}
			n++
			got, err := apparmor.Check(context.Background(), f.Data)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			want := strings.TrimSuffix(f.Name, ".apparmor")
			if !slices.Equal(got, []string{want}) {
				t.Errorf("%s: apparmor_parser -N = %q, want [%s]", path, got, want)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d profiles under testdata/apparmor", n)
	}
}

// TestAppArmorMustShow is the headline example: the docker-default base
// with a few denies compiles, keeps Docker's rules and adds the user's.
func TestAppArmorMustShow(t *testing.T) {
	src := []byte(`profile web

apparmor {
    base docker-default
    deny /etc/shadow rw
    allow /srv/** r
    deny capability sys_admin
    deny mount
    deny network raw
}
`)
	text, diags := compileAppArmor(t, "web.sp", src)
	if text == nil {
		t.Fatalf("no profile:\n%s", diags)
	}
	for _, rule := range []string{
		"profile web flags=(attach_disconnected,mediate_deleted) {",
		"deny /etc/shadow rw,", "/srv/** r,", "deny capability sys_admin,", "deny mount,", "deny network raw,",
		"deny @{PROC}/kcore rwklx,", "signal (receive) peer=runc,", "signal (send,receive) peer=web,",
	} {
		if !bytes.Contains(text, []byte(rule)) {
			t.Errorf("profile lacks %q", rule)
		}
	}
	if strings.Contains(diags, "error") {
		t.Errorf("diagnostics: %s", diags)
	}
}

// TestAppArmorDiagnosticsPositions checks that each malformed statement is
// reported at the word that is wrong, with a suggestion where one is close.
func TestAppArmorDiagnosticsPositions(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string // the expected diagnostic, positioned on line 3
	}{
		{"deny capability sys_admn", `x.sp:3:21: error: unknown capability "sys_admn"; did you mean "sys_admin"?`},
		{"deny capability CAP_NET_RAWW", `x.sp:3:21: error: unknown capability "CAP_NET_RAWW"; did you mean "net_raw"?`},
		{"allow /bin/sh rp", `x.sp:3:20: error: bad file mode "rp": exec transition "p" must end in x; did you mean "rpx"?`},
		{"deny /etc/shadow rq", `x.sp:3:23: error: bad file mode "rq": unknown file access "q"`},
		{"allow /usr/bin/foo x", `x.sp:3:24: error: bad file mode "x": x needs an exec transition`},
		{"deny /etc/{passwd,shadow rw", `x.sp:3:15: error: bad path glob: { is not closed with }`},
		{"deny /etc/{shadow} rw", `x.sp:3:15: error: bad path glob: {} needs at least two alternatives`},
		{"deny network rwa", `x.sp:3:18: error: unknown network family, socket type or protocol "rwa"; did you mean "raw"?`},
		{"deny network inet6 icmp", `x.sp:3:24: error: protocol icmp belongs to the inet family, not inet6`},
		{"deny netwrk raw", `x.sp:3:10: error: unknown apparmor statement "netwrk"; did you mean "network"?`},
		{"capabilty chown", `x.sp:3:5: error: unknown apparmor statement "capabilty"; did you mean "capability"?`},
		{"deny etc/shadow r", `x.sp:3:10: error: unknown apparmor statement "etc/shadow"; a path starts with / or a variable such as @{HOME}; did you mean "/etc/shadow"?`},
		{"base docker-defualt", `x.sp:3:10: error: unknown base "docker-defualt"; a profile starts from docker-default or none; did you mean "docker-default"?`},
		{"signal (send,recieve)", `x.sp:3:18: error: unknown signal access "recieve"; signal takes send, receive and peer=NAME; did you mean "receive"?`},
		{"ptrace read peer=-a", `x.sp:3:22: error: profile name "-a"`},
		{"deny mount fstype=proc", `x.sp:3:16: error: mount takes no options here`},
		{"deny /etc/shadow", `x.sp:3:10: error: /etc/shadow needs a mode after it`},
	} {
		src := "profile x\napparmor {\n    " + tc.line + "\n}\n"
		text, diags := compileAppArmor(t, "x.sp", []byte(src))
		if text != nil {
			t.Errorf("%q compiled; want an error", tc.line)
		}
		if !strings.Contains(diags, tc.want) {
			t.Errorf("%q gives\n%s want a line with\n%s", tc.line, diags, tc.want)
		}
	}
}

func TestAppArmorConflicts(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{[]string{"allow capability chown", "deny capability CAP_CHOWN"}, "x.sp:4:21: error: capability chown and deny capability chown conflict"},
		{[]string{"base none", "allow /srv/** rw", "deny /srv/** w"}, "x.sp:5:10: error: /srv/** rw and deny /srv/** w conflict"},
		{[]string{"base none", "allow network inet tcp", "deny network tcp inet"}, "x.sp:5:10: error: network inet tcp and deny network inet tcp conflict"},
		{[]string{"base none", "/usr/bin/a ix", "/usr/bin/a px"}, "x.sp:5:5: error: /usr/bin/a runs with exec transition px here and ix at x.sp:4:5"},
		{[]string{"allow @{PROC}/kcore r"}, "x.sp:3:11: error: the docker-default base has deny @{PROC}/kcore rwklx"},
		{[]string{"allow mount"}, "x.sp:3:11: error: the docker-default base denies mount"},
		{[]string{"base none", "base docker-default"}, "x.sp:4:5: error: base is set twice"},
	} {
		src := "profile x\napparmor {\n    " + strings.Join(tc.lines, "\n    ") + "\n}\n"
		text, diags := compileAppArmor(t, "x.sp", []byte(src))
		if text != nil || !strings.Contains(diags, tc.want) {
			t.Errorf("%q gives\n%s want an error\n%s", tc.lines, diags, tc.want)
		}
	}
}

func TestAppArmorName(t *testing.T) {
	for _, tc := range []struct {
		src, name, diag string
	}{
		{"profile web\napparmor {\n  deny mount\n}\n", "web", ""},
		{"profile web\napparmor {\n  name web-aa\n}\n", "web-aa", ""},
		{"apparmor {\n  name solo\n}\n", "solo", ""},
		{"apparmor {\n  deny mount\n}\n", "", "x.sp:1:1: error: an AppArmor profile needs a name"},
		{"profile web\napparmor {\n  name -bad\n}\n", "", "x.sp:3:8: error: profile name \"-bad\""},
	} {
		f, diags := profiles.ParseDSL("x.sp", []byte(tc.src))
		if diags.HasErrors() {
			t.Fatalf("%q: %s", tc.src, diags.Text())
		}
		p, diags := AppArmorProfile(f)
		switch {
		case tc.name != "" && (p == nil || p.Name != tc.name):
			t.Errorf("%q: profile %+v, want name %s\n%s", tc.src, p, tc.name, diags.Text())
		case tc.diag != "" && !strings.Contains(diags.Text(), tc.diag):
			t.Errorf("%q gives\n%s want\n%s", tc.src, diags.Text(), tc.diag)
		}
	}
	if p, diags := AppArmorProfile(&profiles.File{Name: "x.sp"}); p != nil || diags != nil {
		t.Errorf("a source without an apparmor block gives %v, %v", p, diags)
	}
}

// FuzzAppArmorProfile feeds arbitrary apparmor blocks to the parser and
// the interpreter: nothing may panic, whatever the interpreter accepts the
// renderer must render, and the block printed statement by statement
// (each node's String) must compile to the same profile.
func FuzzAppArmorProfile(f *testing.F) {
	for _, path := range appArmorCases(f) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".sp") {
				f.Add(string(file.Data))
			}
		}
	}
	f.Add("profile x\napparmor {\n deny capability sys_admn\n allow /a/{b,[c} ix\n}\n")
	f.Fuzz(func(t *testing.T, src string) {
		// A block with syntax errors still holds the statements that
		// parsed; the interpreter must cope with those too.
		file, _ := profiles.ParseDSL("fuzz.sp", []byte(src))
		p, diags := AppArmorProfile(file)
		if p == nil {
			return
		}
		if diags.HasErrors() {
			t.Fatalf("a profile came back with errors:\n%s", diags.Text())
		}
		text, err := apparmor.Render(p)
		if err != nil {
			t.Fatalf("accepted but cannot render: %v\n%s", err, src)
		}
		if again := renderPrinted(t, file); !bytes.Equal(again, text) {
			t.Fatalf("the printed statements compile to\n%s\nnot\n%s", again, text)
		}
	})
}

// renderPrinted reparses each apparmor statement of f from its String and
// renders what the interpreter makes of them.
func renderPrinted(t *testing.T, f *profiles.File) []byte {
	t.Helper()
	printed := *f
	printed.AppArmor = &profiles.AppArmor{Pos: f.AppArmor.Pos}
	for _, st := range f.AppArmor.Statements {
		again, diags := profiles.ParseAAStatement(st.Start(), st.String())
		if again == nil {
			t.Fatalf("%s does not parse back:\n%s", st, diags.Text())
		}
		printed.AppArmor.Statements = append(printed.AppArmor.Statements, again)
	}
	p, diags := AppArmorProfile(&printed)
	if p == nil {
		t.Fatalf("the printed statements do not compile:\n%s", diags.Text())
	}
	text, err := apparmor.Render(p)
	if err != nil {
		t.Fatal(err)
	}
	return text
}
