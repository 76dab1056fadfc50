package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/secprof/secprof/diag"
)

// sarifFindings covers a check's finding, a diagnostic of no check, a
// position without a column and one with no file at all, and a path that
// needs escaping.
var sarifFindings = diag.List{
	{Pos: diag.Pos{File: "p.sp", Line: 2, Col: 6}, Severity: diag.Warning, Check: string(FamilyBypass), Message: `deny chmod leaves fchmod allowed — write "deny @chmod"`},
	{Pos: diag.Pos{File: "dir with space/q#1.sp", Line: 3}, Severity: diag.Error, Message: `unknown syscall "chmdo"`, Suggestion: "chmod"},
	{Pos: diag.Pos{File: "/abs/r.json"}, Severity: diag.Error, Message: "source is too large"},
	{Severity: diag.Error, Message: "no file at all"},
}

// TestSARIFValidates holds the output to the OASIS SARIF 2.1.0 JSON
// Schema (testdata/sarif-schema-2.1.0.json, the schema the standard
// publishes, as the sarif-spec repository holds it).
func TestSARIFValidates(t *testing.T) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(SARIF(sarifFindings, "test")))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("SARIF output does not validate: %v", err)
	}
	// The schema can fail: a result without its message does not validate.
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "SP101"}]}]}`)))
	if schema.Validate(bad) == nil {
		t.Error("the schema accepts a result without a message; is it the SARIF schema?")
	}
}

// TestSARIFShape decodes the fields code review systems read and checks
// them against the findings.
func TestSARIFShape(t *testing.T) {
	var log SARIFLog
	if err := json.Unmarshal(SARIF(sarifFindings, "test"), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != len(checks) {
		t.Errorf("%d rules, want every check (%d)", len(rules), len(checks))
	}
	for i, r := range rules {
		if r.ID != string(checks[i].ID) || r.Name != checks[i].Name || r.FullDescription.Text != checks[i].Doc {
			t.Errorf("rule %d = %+v, want check %s", i, r, checks[i].ID)
		}
	}
	want := []struct {
		rule, level, uri, msg string
		line, col             int
	}{
		{"SP101", "warning", "p.sp", `deny chmod leaves fchmod allowed — write "deny @chmod"`, 2, 6},
		{"SP000", "error", "dir%20with%20space/q%231.sp", `unknown syscall "chmdo"; did you mean "chmod"?`, 3, 0},
		{"SP000", "error", "file:///abs/r.json", "source is too large", 0, 0},
		{"SP000", "error", "", "no file at all", 0, 0},
	}
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	for i, w := range want {
		r := run.Results[i]
		if r.RuleID != w.rule || r.Level != w.level || r.Message.Text != w.msg || rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d = %+v, want %+v", i, r, w)
		}
		var uri string
		var line, col int
		if len(r.Locations) > 0 {
			p := r.Locations[0].PhysicalLocation
			uri = p.ArtifactLocation.URI
			if p.Region != nil {
				line, col = p.Region.StartLine, p.Region.StartColumn
			}
		}
		if uri != w.uri || line != w.line || col != w.col {
			t.Errorf("result %d at %q %d:%d, want %q %d:%d", i, uri, line, col, w.uri, w.line, w.col)
		}
	}
}
