package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secprof/secprof/lint"
)

// writeProfile writes src as a profile in a fresh directory.
func writeProfile(t *testing.T, name, src string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// The example: lint reports seed.sp's chmod and chown family
// bypasses at the deny line with their fixes, and an ignore on that line
// silences exactly the check it names.
func TestLintSeed(t *testing.T) {
	stdout, _, code := run(t, "lint", "../../examples/seed.sp")
	for _, want := range []string{
		`examples/seed.sp:5:6: warning: SP101 deny chmod leaves fchmod, fchmodat, fchmodat2 allowed; glibc's chmod(1) calls fchmodat — write "deny @chmod"`,
		`examples/seed.sp:5:12: warning: SP101 deny chown leaves fchown, fchownat, lchown allowed; glibc's chown(1) calls fchownat — write "deny @chown"`,
		`examples/seed.sp:5:12: warning: SP102 deny chown leaves chown32, fchown32, lchown32 allowed through the x86 ABI (int $0x80) — write "deny @chown"`,
		"0 errors, 3 warnings",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("lint output lacks\n%s\ngot:\n%s", want, stdout)
		}
	}
	if code != 0 {
		t.Errorf("warnings only: exit %d, want 0", code)
	}
	if _, _, code := run(t, "lint", "--strict", "../../examples/seed.sp"); code != 1 {
		t.Errorf("--strict with warnings: exit %d, want 1", code)
	}
	src, err := os.ReadFile("../../examples/seed.sp")
	if err != nil {
		t.Fatal(err)
	}
	ignored := strings.Replace(string(src), "deny chmod chown\n", "deny chmod chown # secprof:ignore SP101 busybox images only\n", 1)
	stdout, _, code = run(t, "lint", "--strict", writeProfile(t, "seed.sp", ignored))
	if strings.Contains(stdout, "SP101") || !strings.Contains(stdout, "SP102 deny chown") || code != 1 {
		t.Errorf("ignore SP101 must silence SP101 alone; exit %d:\n%s", code, stdout)
	}
}

// No false alarm where the filter holds: with Docker's arches, deny socket
// is carried onto socketcall by libseccomp (TestX86ABIFacts proves it in
// runc and Docker), so lint has nothing to say.
func TestLintNoSocketcallAlarm(t *testing.T) {
	file := writeProfile(t, "p.sp", "arch x86_64 x86 x32\ndefault allow\ndeny socket\n")
	stdout, stderr, code := run(t, "lint", "--strict", file)
	if code != 0 || strings.TrimSpace(stdout) != "0 errors, 0 warnings" {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
}

func TestLintExitCodesAndJSON(t *testing.T) {
	bad := writeProfile(t, "bad.sp", "default errno EPERM\nallow ptrace\nkill ptrace if arg0 == 0x10\n")
	stdout, stderr, code := run(t, "--json", "lint", bad)
	if code != 1 {
		t.Errorf("an error finding: exit %d, want 1", code)
	}
	var rep struct {
		Findings []struct {
			Check    string `json:"check"`
			Severity string `json:"severity"`
			Pos      struct{ Line, Col int }
		} `json:"findings"`
		Errors, Warnings int
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	if rep.Errors != 1 || len(rep.Findings) == 0 || rep.Findings[len(rep.Findings)-1].Check != "SP104" {
		t.Errorf("report %+v", rep)
	}
	var errObj struct{ Exit int }
	if err := json.Unmarshal([]byte(stderr), &errObj); err != nil || errObj.Exit != 1 {
		t.Errorf("stderr is not the JSON report with exit 1: %v\n%s", err, stderr)
	}
	if _, _, code := run(t, "lint"); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
	if _, _, code := run(t, "lint", filepath.Join(t.TempDir(), "missing.sp")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if _, _, code := run(t, "lint", "-f", "xml", bad); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}

func TestLintSARIF(t *testing.T) {
	stdout, _, code := run(t, "lint", "--format", "sarif", "../../examples/seed.sp")
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 3 {
		t.Fatalf("SARIF %+v", log)
	}
	r := log.Runs[0].Results[0]
	loc := r.Locations[0].PhysicalLocation
	if r.RuleID != "SP101" || loc.ArtifactLocation.URI != "../../examples/seed.sp" || loc.Region.StartLine != 5 || loc.Region.StartColumn != 6 {
		t.Errorf("first result %+v", r)
	}
}

func TestLintExplain(t *testing.T) {
	stdout, _, code := run(t, "lint", "--explain", "SP108")
	if code != 0 || !strings.HasPrefix(stdout, "SP108 clone3-eperm (warning)\n") || !strings.Contains(stdout, "ENOSYS") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	_, stderr, code := run(t, "lint", "--explain", "SP10")
	if code != 2 || !strings.Contains(stderr, `did you mean "SP101"?`) && !strings.Contains(stderr, "did you mean") {
		t.Errorf("unknown ID: exit %d: %s", code, stderr)
	}
}

// FuzzLint: on any source, lint exits 0 or 1 and says why on stderr when
// 1; its JSON and SARIF are one document each, and agree with the exit
// code: 1 exactly when a finding is an error (or, with --strict, any
// finding), and every SARIF result names a rule of the run.
func FuzzLint(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/profiles/*")
	for i, p := range append(seeds, "../../examples/seed.sp") {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, uint8(i))
		}
	}
	f.Add([]byte("default allow\ndeny chmod # secprof:ignore SP101 why\n# secprof:ignore SP9\n"), uint8(2))
	f.Fuzz(func(t *testing.T, src []byte, mode uint8) {
		in := filepath.Join(memoryDir(t), "in.sp")
		if err := os.WriteFile(in, src, 0o644); err != nil {
			t.Fatal(err)
		}
		format := []string{"text", "json", "sarif"}[int(mode)%3]
		strict := mode&4 != 0
		args := []string{"lint", "-f", format, in}
		if strict {
			args = append(args, "--strict")
		}
		var stdout, stderr bytes.Buffer
		code := runCLI(context.Background(), args, &stdout, &stderr, nil)
		if code != 0 && code != 1 || code == 1 && stderr.Len() == 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
		var levels []string
		switch format {
		case "json":
			var rep struct {
				Findings []struct{ Severity string }
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("JSON: %v\n%s", err, stdout.String())
			}
			for _, d := range rep.Findings {
				levels = append(levels, d.Severity)
			}
		case "sarif":
			var log lint.SARIFLog
			if err := json.Unmarshal(stdout.Bytes(), &log); err != nil || len(log.Runs) != 1 {
				t.Fatalf("SARIF: %v\n%s", err, stdout.String())
			}
			rules := log.Runs[0].Tool.Driver.Rules
			for _, r := range log.Runs[0].Results {
				if r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
					t.Fatalf("result %+v names no rule of the run", r)
				}
				levels = append(levels, r.Level)
			}
		default:
			return
		}
		want := 0
		for _, l := range levels {
			if l == "error" || strict {
				want = 1
			}
		}
		if code != want {
			t.Fatalf("%q: exit %d with findings %v", args, code, levels)
		}
	})
}
