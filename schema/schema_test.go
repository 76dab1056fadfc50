package schema_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/schema"
)

// dockerKeys mark Docker-format seccomp JSON, which this schema does not
// describe.
var dockerKeys = []string{"defaultAction", "defaultErrnoRet", "syscalls", "architectures", "archMap", "listenerPath", "listenerMetadata"}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSON))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("secprof.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("secprof.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// example is one JSON document found in testdata.
type example struct {
	name string
	src  []byte
}

// secprofJSON reports whether src is JSON in secprof's form: an object
// without Docker's top-level keys.
func secprofJSON(src []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil {
		return false
	}
	for _, k := range dockerKeys {
		if _, ok := top[k]; ok {
			return false
		}
	}
	return true
}

// examples collects every secprof-JSON document under testdata/: the .json
// files and the .json sections of txtar cases (error cases among them).
func examples(t *testing.T) []example {
	t.Helper()
	var out []example
	err := filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".json":
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if secprofJSON(src) {
				out = append(out, example{path, src})
			}
		case ".txtar":
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".json") && secprofJSON(f.Data) {
					out = append(out, example{path + ":" + f.Name, f.Data})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func validate(s *jsonschema.Schema, src []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// TestExamplesAgree checks the schema against the parser on every example:
// a document the schema accepts parses without error, and one it rejects
// does not parse, so neither is looser than the other on what we ship.
func TestExamplesAgree(t *testing.T) {
	s := compile(t)
	exs := examples(t)
	valid := 0
	for _, ex := range exs {
		t.Run(ex.name, func(t *testing.T) {
			verr := validate(s, ex.src)
			_, diags := profiles.Parse(ex.name, ex.src)
			switch {
			case verr == nil && diags.HasErrors() && onlyRepeatedKeys(diags):
				// A JSON Schema sees a document after its parser has
				// collapsed repeated keys, so it cannot refuse them.
			case verr == nil && diags.HasErrors() && onlyInAppArmorStrings(diags, ex.src):
				// AppArmor statements are DSL text in JSON strings; the
				// schema checks that they are strings, the DSL's parser
				// what they say.
			case verr == nil && diags.HasErrors():
				t.Errorf("schema accepts it but the parser reports:\n%v", diags)
			case verr != nil && !diags.HasErrors():
				t.Errorf("parser accepts it but the schema reports:\n%v", verr)
			}
			if verr == nil {
				valid++
			}
		})
	}
	// The shipped examples must include valid profiles, or the agreement
	// above says nothing about what the schema accepts.
	if valid < 2 {
		t.Errorf("only %d valid secprof-JSON examples under testdata/; want at least 2", valid)
	}
}

// TestRejects checks documents the parser refuses are refused by the schema
// too, each for the reason its name gives.
func TestRejects(t *testing.T) {
	s := compile(t)
	cases := map[string]string{
		"unknown top-level key":  `{"seccomp": {"default": "allow"}, "profle": "x"}`,
		"unknown seccomp key":    `{"seccomp": {"defualt": "allow"}}`,
		"unknown rule key":       `{"seccomp": {"rules": [{"action": "deny", "names": ["chmod"], "name": ["chown"]}]}}`,
		"unknown listener key":   `{"seccomp": {"listener": {"path": "/run/a.sock", "meta": "x"}}}`,
		"unknown run key":        `{"test": {"run": [{"command": "ls", "want": "succeeds", "expect": "x"}]}}`,
		"wrong want":             `{"test": {"run": [{"command": "ls /", "want": "works"}]}}`,
		"run without want":       `{"test": {"run": [{"command": "ls /"}]}}`,
		"empty command":          `{"test": {"run": [{"command": "", "want": "fails"}]}}`,
		"timeout without unit":   `{"test": {"run": [{"command": "ls", "want": "succeeds", "timeout": "5"}]}}`,
		"timeout not a string":   `{"test": {"run": [{"command": "ls", "want": "succeeds", "timeout": 5}]}}`,
		"rule without action":    `{"seccomp": {"rules": [{"names": ["chmod"]}]}}`,
		"rule without names":     `{"seccomp": {"rules": [{"action": "deny"}]}}`,
		"rule with empty names":  `{"seccomp": {"rules": [{"action": "deny", "names": []}]}}`,
		"not an action":          `{"seccomp": {"rules": [{"action": "refuse", "names": ["chmod"]}]}}`,
		"action prefix only":     `{"seccomp": {"rules": [{"action": "kill-everything", "names": ["chmod"]}]}}`,
		"default not an action":  `{"seccomp": {"default": "alow"}}`,
		"names not strings":      `{"seccomp": {"rules": [{"action": "deny", "names": [1]}]}}`,
		"apparmor not an array":  `{"apparmor": "deny /etc/shadow rw"}`,
		"comment not a string":   `{"seccomp": {"rules": [{"action": "deny", "names": ["chmod"], "comment": 1}]}}`,
		"profile not a string":   `{"profile": null}`,
		"seccomp not an object":  `{"seccomp": []}`,
		"condition not a string": `{"seccomp": {"rules": [{"action": "allow", "names": ["personality"], "if": [0]}]}}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if err := validate(s, []byte(src)); err == nil {
				t.Errorf("schema accepts %s", src)
			}
			if _, diags := profiles.Parse("p.json", []byte(src)); !diags.HasErrors() {
				t.Errorf("parser accepts %s, so the schema should too", src)
			}
		})
	}
}

// TestAccepts checks forms the parser takes that the examples do not show.
func TestAccepts(t *testing.T) {
	s := compile(t)
	cases := map[string]string{
		"empty":                `{}`,
		"kill-thread":          `{"seccomp": {"rules": [{"action": "kill-thread", "names": ["chmod"]}]}}`,
		"errno with a number":  `{"seccomp": {"default": "errno 38"}}`,
		"trace with a number":  `{"seccomp": {"rules": [{"action": "trace 7", "names": ["ptrace"]}]}}`,
		"notify with listener": `{"seccomp": {"listener": {"path": "/run/a.sock", "metadata": "m"}, "rules": [{"action": "notify", "names": ["mount"]}]}}`,
		"leading blank":        `{"seccomp": {"default": "  allow"}}`,
		"trailing comment":     `{"seccomp": {"default": "allow # for now"}}`,
		"masked condition":     `{"seccomp": {"rules": [{"action": "allow", "names": ["clone"], "if": ["arg0 & 0x7e020000 == 0"]}]}}`,
		"run checks":           `{"test": {"run": [{"command": "ls /", "want": "succeeds"}, {"command": "chmod 0 /", "want": "fails"}, {"command": "x", "want": "killed"}]}}`,
		"run timeouts":         `{"test": {"run": [{"command": "ls /", "want": "succeeds", "timeout": "5s"}, {"command": "x", "want": "fails", "timeout": "1m30s"}, {"command": "y", "want": "killed", "timeout": "1.5s"}]}}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if err := validate(s, []byte(src)); err != nil {
				t.Errorf("schema rejects %s:\n%v", src, err)
			}
			if _, diags := profiles.Parse("p.json", []byte(src)); diags.HasErrors() {
				t.Errorf("parser rejects %s:\n%v", src, diags)
			}
		})
	}
}

// onlyRepeatedKeys reports diagnostics whose errors are all about a key
// given twice.
func onlyRepeatedKeys(diags diag.List) bool {
	for _, d := range diags {
		if d.Severity == diag.Error && !strings.HasSuffix(d.Message, "is given twice") {
			return false
		}
	}
	return true
}

// onlyInAppArmorStrings reports diagnostics whose errors all point inside
// the "apparmor" array of src.
func onlyInAppArmorStrings(diags diag.List, src []byte) bool {
	start := bytes.Index(src, []byte(`"apparmor"`))
	if start < 0 {
		return false
	}
	end := start + bytes.IndexByte(src[start:], ']')
	for _, d := range diags {
		if d.Severity != diag.Error {
			continue
		}
		off := offsetOf(src, d.Pos.Line, d.Pos.Col)
		if off < start || off > end {
			return false
		}
	}
	return true
}

// offsetOf turns a 1-based line and column (bytes) into a byte offset.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off + col - 1
}
