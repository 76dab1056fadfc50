package container

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/internal/testenv"
)

// created records everything the engines made in this test process;
// TestMain checks that none of it is left.
var created struct {
	sync.Mutex
	items [][2]string
}

func TestMain(m *testing.M) {
	onCreate = func(kind, name string) {
		created.Lock()
		created.items = append(created.items, [2]string{kind, name})
		created.Unlock()
	}
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain())
	}
	code := m.Run()
	if left := leftovers(created.items); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: left behind after the tests:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// leftovers lists the items that still exist, asking the runtimes
// themselves (runc list, docker ps -a) rather than trusting our cleanup.
func leftovers(items [][2]string) []string {
	var left []string
	lists := map[string]string{}
	list := func(kind string) string {
		if out, ok := lists[kind]; ok {
			return out
		}
		var out []byte
		switch kind {
		case "docker":
			out, _ = exec.Command("docker", "ps", "--all", "--filter", "label="+Label, "--format", "{{.Names}}").Output()
		default:
			out, _ = exec.Command(kind, "--root", "/run/"+kind, "list", "--quiet").Output()
		}
		lists[kind] = string(out)
		return lists[kind]
	}
	for _, it := range items {
		kind, name := it[0], it[1]
		switch kind {
		case "dir", "file":
			if _, err := os.Lstat(name); err == nil {
				left = append(left, kind+" "+name)
			}
		default:
			for _, line := range strings.Fields(list(kind)) {
				if line == name {
					left = append(left, kind+" container "+name)
				}
			}
		}
	}
	return left
}

func loadOCI(t testing.TB, name string) *specs.LinuxSeccomp {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".oci.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s specs.LinuxSeccomp
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func loadProfile(t testing.TB, name string) Profile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".docker.json"))
	if err != nil {
		t.Fatal(err)
	}
	return Profile{OCI: loadOCI(t, name), DockerJSON: data, Caps: capabilities.DockerDefault()}
}

// engines returns the engines the container tests run in; under CI both
// must work. crun joins when it works here.
func engines(t *testing.T) []Engine {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	ctx := context.Background()
	runc, docker := NewOCI("runc"), NewDocker()
	rerr, derr := runc.Available(ctx), docker.Available(ctx)
	testenv.Require(t, rerr == nil, fmt.Sprintf("a working runc (%v)", rerr))
	testenv.Require(t, derr == nil, fmt.Sprintf("a Docker daemon (%v)", derr))
	es := []Engine{runc, docker}
	if crun := NewOCI("crun"); crun.Available(ctx) == nil {
		es = append(es, crun)
	}
	return es
}

type want struct {
	ok     bool
	signal string
	output string // a substring of the output
}

func runChecks(t *testing.T, e Engine, p Profile, checks []Check, wants []want) []Result {
	t.Helper()
	results, err := e.Run(context.Background(), p, checks, nil)
	if err != nil {
		t.Fatalf("%s: %v", e.Name(), err)
	}
	if len(results) != len(checks) {
		t.Fatalf("%s: %d results for %d checks", e.Name(), len(results), len(checks))
	}
	for i, r := range results {
		w := wants[i]
		if r.OK != w.ok || r.Signal != w.signal || !strings.Contains(r.Output, w.output) {
			t.Errorf("%s: %q %s: got ok=%v exit=%d signal=%q control=%v why=%q output=%q; want ok=%v signal=%q output containing %q",
				e.Name(), r.Check.Command, r.Check.Want, r.OK, r.ExitCode, r.Signal, ptr(r.Control), r.Why, r.Output, w.ok, w.signal, w.output)
		}
	}
	return results
}

func ptr(p *int) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

// Denying chmod and chown stops busybox (chmod(2)) but not GNU coreutils,
// which calls fchmodat(2): the gap a test on Alpine never shows.
func TestDenyChmodChownMissesGlibc(t *testing.T) {
	p := loadProfile(t, "deny-chmod-chown")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			runChecks(t, e, p, []Check{
				{Command: "busybox chmod 600 /tmp/f", Want: Fails},
				{Command: "chmod 600 /tmp/f", Want: Fails},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Succeeds},
				{Command: "/usr/bin/chmod 644 /tmp/f", Want: Fails},
				{Command: "busybox chown nobody /tmp/f", Want: Fails},
				{Command: "ls /", Want: Succeeds},
			}, []want{
				{ok: true, output: "Operation not permitted"},
				{ok: true, output: "Operation not permitted"},
				{ok: true},
				{ok: false},
				{ok: true, output: "Operation not permitted"},
				{ok: true, output: "usr"},
			})
		})
	}
}

// Denying the whole chmod family stops both userlands.
func TestDenyChmodFamilyStopsBoth(t *testing.T) {
	p := loadProfile(t, "deny-chmod-family")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			runChecks(t, e, p, []Check{
				{Command: "busybox chmod 600 /tmp/f", Want: Fails},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Fails},
				{Command: "/usr/bin/chown nobody /tmp/f", Want: Fails},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Succeeds},
			}, []want{
				{ok: true, output: "Operation not permitted"},
				{ok: true, output: "Operation not permitted"},
				{ok: true, output: "Operation not permitted"},
				{ok: false},
			})
		})
	}
}

func TestKilled(t *testing.T) {
	p := loadProfile(t, "kill-chmod")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			runChecks(t, e, p, []Check{
				{Command: "busybox chmod 600 /tmp/f", Want: Killed},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Succeeds},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Killed},
				{Command: "busybox chmod 600 /tmp/f", Want: Fails},
				{Command: "echo still here", Want: Succeeds},
			}, []want{
				{ok: true, signal: "SIGSYS"},
				{ok: true},
				{ok: false},
				{ok: false, signal: "SIGSYS"},
				{ok: true, output: "still here"},
			})
		})
	}
}

// A failure the profile did not cause is not a "fails" that holds.
func TestFailsNeedsTheProfile(t *testing.T) {
	p := loadProfile(t, "deny-chmod-chown")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			res := runChecks(t, e, p, []Check{
				{Command: "false", Want: Fails},
				{Command: "busybox chmod 600 /nonexistent", Want: Fails},
				{Command: "exit 3", Want: Succeeds},
			}, []want{{ok: false}, {ok: false}, {ok: false}})
			for _, r := range res[:2] {
				if r.Control == nil || *r.Control == 0 {
					t.Errorf("%q: control = %s, want a failing control run", r.Check.Command, ptr(r.Control))
				}
			}
			if res[2].ExitCode != 3 {
				t.Errorf("exit 3: got exit %d", res[2].ExitCode)
			}
		})
	}
}

// A profile that denies what the driver needs to start gives failed
// results that say so, not an engine error.
func TestProfileStopsTheContainer(t *testing.T) {
	p := loadProfile(t, "deny-execve")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			res, err := e.Run(context.Background(), p, []Check{{Command: "true", Want: Succeeds}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s", res[0].Why)
			if res[0].OK || res[0].ExitCode != -1 || !strings.Contains(res[0].Why, "did not start") || !strings.Contains(strings.ToLower(res[0].Why), "operation not permitted") {
				t.Errorf("got %+v, want a result that says the container did not start", res[0])
			}
		})
	}
}

func TestUnavailableEngine(t *testing.T) {
	e := NewOCI("secprof-no-such-runtime")
	_, err := e.Run(context.Background(), Profile{OCI: &specs.LinuxSeccomp{DefaultAction: specs.ActAllow}}, nil, nil)
	var ue *UnavailableError
	if !errorsIs(err, &ue) {
		t.Fatalf("got %v, want an UnavailableError matching ErrEngineUnavailable", err)
	}
}

// crun 1.8 refuses hybrid cgroup v1/v2 hosts; wherever it does not work,
// the engine must say so with a typed error carrying crun's reason.
func TestCrunReportsWhyItCannotRun(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "crun")
	err := NewOCI("crun").Available(context.Background())
	if err == nil {
		t.Log("crun works here; it joins the container tests")
		return
	}
	var ue *UnavailableError
	if !errorsIs(err, &ue) || ue.Engine != "crun" || !strings.Contains(ue.Reason, "does not start a container here") {
		t.Fatalf("got %v, want an UnavailableError for crun with its reason", err)
	}
	t.Logf("crun: %v", err)
	// Run, which probes only when a container does not start, must tell
	// the same story rather than blame the profile.
	_, err = NewOCI("crun").Run(context.Background(), loadProfile(t, "deny-chmod-chown"), []Check{{Command: "true", Want: Succeeds}}, nil)
	if !errorsIs(err, &ue) {
		t.Fatalf("Run: got %v, want an UnavailableError", err)
	}
}

func TestAutoPrefersRunc(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	e, err := New(context.Background(), "auto")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "runc" {
		t.Errorf("auto picked %s where runc works", e.Name())
	}
	if _, err := New(context.Background(), "podman"); err == nil {
		t.Error("New accepted an unknown engine name")
	}
}
