package profiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"
	"golang.org/x/tools/txtar"

	"github.com/secprof/secprof/diag"
)

// seeds returns every source under testdata: the example profiles and the
// inputs of the error cases.
func seeds(f *testing.F, exts ...string) {
	f.Helper()
	paths, _ := filepath.Glob("../testdata/profiles/*")
	for _, p := range paths {
		for _, ext := range exts {
			if strings.HasSuffix(p, ext) {
				data, err := os.ReadFile(p)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data)
			}
		}
	}
	cases, _ := filepath.Glob("../testdata/errors/*.txtar")
	for _, c := range cases {
		ar, err := txtar.ParseFile(c)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			for _, ext := range exts {
				if strings.HasSuffix(file.Name, ext) {
					f.Add(file.Data)
				}
			}
		}
	}
}

// checkParse holds for every input: parsing never panics, returns a File,
// and every diagnostic points into the file.
func checkParse(t *testing.T, file *File, diags diag.List) {
	if file == nil {
		t.Fatal("nil File")
	}
	for _, d := range diags {
		if d.Pos.File != "in.sp" && d.Pos.File != "in.json" {
			t.Fatalf("diagnostic without position: %s", d)
		}
	}
}

func FuzzParseDSL(f *testing.F) {
	seeds(f, ".sp")
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := ParseDSL("in.sp", src)
		checkParse(t, file, diags)
	})
}

func FuzzParseJSON(f *testing.F) {
	seeds(f, ".json")
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := Parse("in.json", src)
		checkParse(t, file, diags)
	})
}

func FuzzParseDocker(f *testing.F) {
	seeds(f, "docker.json")
	for _, c := range dockerKeyCases {
		f.Add([]byte(c.src))
	}
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}],"excludes":{"caps":["CAP_SYS_ADMIN"]},"includes":{"minKernel":"4.8"}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		tree, d := parseJSONTree("in.json", src)
		if d != nil {
			return
		}
		file, diags := parseDocker("in.json", src, tree)
		checkParse(t, file, diags)
		if !diags.HasErrors() {
			agreesWithDocker(t, file, src)
		}
	})
}

// agreesWithDocker holds a Docker profile secprof read without an error to
// what encoding/json reads into moby's types, wherever they accept it: the
// same default action and, rule for rule, the same actions.
func agreesWithDocker(t *testing.T, file *File, src []byte) {
	var prof seccomp.Seccomp
	if json.Unmarshal(src, &prof) != nil {
		return
	}
	def := ""
	if file.Seccomp.Default != nil {
		def = file.Seccomp.Default.Kind.Text
	}
	if def != string(prof.DefaultAction) {
		t.Fatalf("secprof reads defaultAction %q, Docker %q", def, prof.DefaultAction)
	}
	var actions []string
	for _, s := range prof.Syscalls {
		if s != nil {
			actions = append(actions, string(s.Action))
		}
	}
	if len(actions) != len(file.Seccomp.Rules) {
		t.Fatalf("secprof reads %d rules, Docker %d", len(file.Seccomp.Rules), len(actions))
	}
	for i, r := range file.Seccomp.Rules {
		if r.Action.Kind.Text != actions[i] {
			t.Fatalf("rule %d: secprof reads action %q, Docker %q", i, r.Action.Kind.Text, actions[i])
		}
	}
}
