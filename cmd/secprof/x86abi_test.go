package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/verify/rootfs"
)

// The x86 ABI on an x86_64 host, observed through secprof test in runc and
// in the Docker engine with the test tree's static i386 programs, which
// each make one syscall through int $0x80 and exit with its errno.

func requireX86Engines(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	fsys, err := rootfs.Ensure()
	if err != nil {
		t.Fatal(err)
	}
	why := fsys.X86Missing()
	testenv.Require(t, why == "", "x86 test programs in the test tree ("+why+")")
}

// x86Result is one row of secprof test --json.
type x86Result struct {
	Pos struct {
		Line int `json:"line"`
	} `json:"pos"`
	Kind     string `json:"kind"`
	Check    string `json:"check"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
	OK       bool   `json:"ok"`
	Why      string `json:"why"`
}

// proveJSON runs secprof test on file in engine and returns its exit code
// and the rows of its run lines.
func proveJSON(t *testing.T, engine, file string) (int, []x86Result) {
	t.Helper()
	stdout, stderr, code := run(t, "--json", "test", "--engine", engine, file)
	var all []x86Result
	if err := json.Unmarshal([]byte(stdout), &all); err != nil {
		t.Fatalf("exit %d, stdout is not results: %v\n%s\n%s", code, err, stdout, stderr)
	}
	var runs []x86Result
	for _, r := range all {
		if r.Kind == engine {
			runs = append(runs, r)
		}
	}
	return code, runs
}

// The facts the design's deny-list warnings rest on: what a filter's
// architecture list does to 32-bit syscalls, and the chown32 hole.
func TestX86ABIFacts(t *testing.T) {
	requireX86Engines(t)
	type runLine struct{ cmd, want, got string }
	facts := []struct {
		name, profile, json string
		runs                []runLine
	}{{
		name:    "docker arches leave chown32 open",
		profile: "arch x86_64 x86 x32\ndefault allow\ndeny chown\n",
		runs: []runLine{
			{"touch /tmp/f && x86-chown32 /tmp/f", "succeeds", "succeeded"},
			{"touch /tmp/g && x86-chown /tmp/g", "fails", "failed (exit 1)"}, // EPERM
			{"x86-getpid", "succeeds", "succeeded"},
		},
	}, {
		name:    "@chown closes chown32",
		profile: "arch x86_64 x86 x32\ndefault allow\ndeny @chown\n",
		runs: []runLine{
			{"touch /tmp/f && x86-chown32 /tmp/f", "fails", "failed (exit 1)"},
			{"touch /tmp/g && x86-chmod /tmp/g 600", "succeeds", "succeeded"},
		},
	}, {
		// libseccomp rewrites a rule on socket onto x86's socketcall
		// multiplexer, so this is no hole and lint says nothing of it
		// (TestLintNoSocketcallAlarm). If a libseccomp stops the rewrite,
		// this fails and the ABI check must learn socketcall.
		name:    "deny socket stops socketcall(SYS_SOCKET)",
		profile: "arch x86_64 x86 x32\ndefault allow\ndeny socket\n",
		runs: []runLine{
			{"x86-socketcall", "fails", "failed (exit 1)"}, // EPERM
			{"x86-getpid", "succeeds", "succeeded"},
		},
	}, {
		name:    "x86_64 alone kills every 32-bit syscall",
		profile: "arch x86_64\ndefault allow\ndeny chown\n",
		runs: []runLine{
			{"x86-getpid", "killed", "killed (SIGSYS)"},
			{"touch /tmp/f && x86-chown32 /tmp/f", "killed", "killed (SIGSYS)"},
			{"touch /tmp/g && chmod 600 /tmp/g", "succeeds", "succeeded"},
		},
	}, {
		name:    "no architectures kills every 32-bit syscall",
		profile: "base \"noarch.json\"\n",
		json:    `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chown"], "action": "SCMP_ACT_ERRNO"}]}`,
		runs: []runLine{
			{"x86-getpid", "killed", "killed (SIGSYS)"},
			{"touch /tmp/g && x86-chmod /tmp/g 600", "killed", "killed (SIGSYS)"},
			{"ls /", "succeeds", "succeeded"},
		},
	}}
	for _, engine := range []string{"runc", "docker"} {
		for _, f := range facts {
			t.Run(engine+"/"+f.name, func(t *testing.T) {
				dir := t.TempDir()
				var src strings.Builder
				src.WriteString(f.profile + "test {\n")
				for _, r := range f.runs {
					fmt.Fprintf(&src, "    run %q %s\n", r.cmd, r.want)
				}
				src.WriteString("}\n")
				file := filepath.Join(dir, "fact.sp")
				if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				if f.json != "" {
					if err := os.WriteFile(filepath.Join(dir, "noarch.json"), []byte(f.json), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				code, got := proveJSON(t, engine, file)
				if len(got) != len(f.runs) {
					t.Fatalf("exit %d, %d run rows, want %d: %+v", code, len(got), len(f.runs), got)
				}
				for i, r := range f.runs {
					if !got[i].OK || got[i].Got != r.got {
						t.Errorf("run %q: got %q (ok %v: %s), want %q", r.cmd, got[i].Got, got[i].OK, got[i].Why, r.got)
					}
				}
				if code != 0 {
					t.Errorf("exit %d, want 0", code)
				}
			})
		}
	}
}

var runWant = regexp.MustCompile(`(?m)^(\s*run\s+"[^"]*"\s+)(succeeds|fails|killed)\b`)

// Every run line of the x86 proofs is decided by what happened: with each
// expectation turned to another, every run line fails, and what it got is
// what the proof expects.
func TestX86ProofsCanFail(t *testing.T) {
	requireX86Engines(t)
	proofs, _ := filepath.Glob("../../testdata/proofs/x86-abi-*.sp")
	if len(proofs) == 0 {
		t.Fatal("no x86 proofs")
	}
	flip := map[string]string{"succeeds": "fails", "fails": "succeeds", "killed": "succeeds"}
	past := map[string]string{"succeeds": "succeeded", "fails": "failed (", "killed": "killed (SIGSYS)"}
	for _, engine := range []string{"runc", "docker"} {
		for _, proof := range proofs {
			t.Run(engine+"/"+filepath.Base(proof), func(t *testing.T) {
				src, err := os.ReadFile(proof)
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				// Bases are read next to the proof.
				jsons, _ := filepath.Glob(filepath.Join(filepath.Dir(proof), "*.json"))
				for _, j := range jsons {
					b, err := os.ReadFile(j)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, filepath.Base(j)), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				wants := map[int]string{} // line -> the proof's expectation
				lines := strings.SplitAfter(string(src), "\n")
				for i, l := range lines {
					if m := runWant.FindStringSubmatch(l); m != nil {
						wants[i+1] = m[2]
						lines[i] = m[1] + flip[m[2]] + l[len(m[0]):]
					}
				}
				if len(wants) == 0 {
					t.Fatal("the proof has no run lines")
				}
				file := filepath.Join(dir, filepath.Base(proof))
				if err := os.WriteFile(file, []byte(strings.Join(lines, "")), 0o644); err != nil {
					t.Fatal(err)
				}
				code, got := proveJSON(t, engine, file)
				if code != 1 {
					t.Errorf("exit %d, want 1", code)
				}
				if len(got) != len(wants) {
					t.Fatalf("%d run rows, want %d: %+v", len(got), len(wants), got)
				}
				for _, r := range got {
					want := wants[r.Pos.Line]
					if r.OK || !strings.HasPrefix(r.Got, past[want]) {
						t.Errorf("line %d %s turned from %s: ok %v, got %q; want a failure that got %q…",
							r.Pos.Line, r.Check, want, r.OK, r.Got, past[want])
					}
				}
			})
		}
	}
}
