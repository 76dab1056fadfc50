package profiles

import (
	"testing"
	"time"
)

// Both front ends read a run line's timeout into the same value, and a
// run line without one gets none (the caller's default).
func TestRunTimeoutBothForms(t *testing.T) {
	sources := map[string]string{
		"p.sp":   "default allow\ntest {\n  run \"sleep 1\" succeeds timeout 1m30s\n  run \"ls /\" succeeds\n}\n",
		"p.json": `{"seccomp": {"default": "allow"}, "test": {"run": [{"command": "sleep 1", "want": "succeeds", "timeout": "1m30s"}, {"command": "ls /", "want": "succeeds"}]}}`,
	}
	for name, src := range sources {
		f, diags := Parse(name, []byte(src))
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		runs := f.Test.Runs
		if len(runs) != 2 || runs[0].Limit != 90*time.Second || runs[0].Timeout == nil || runs[0].Timeout.Text != "1m30s" || runs[1].Limit != 0 || runs[1].Timeout != nil {
			t.Errorf("%s: runs %+v %+v; want 1m30s then none", name, runs[0], runs[1])
		}
	}
}
