package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/verify/rootfs"
)

// The binary is built once; the tests run it as a user would and check
// what the README promises: exit codes, positioned errors on stderr, and
// no output file when a profile is wrong.
var binary string

func TestMain(m *testing.M) {
	// A fuzz worker runs FuzzCLI in-process only: building the binary in
	// each worker would stall fuzzing for the length of a go build.
	for _, a := range os.Args {
		if strings.HasPrefix(a, "-test.fuzzworker") {
			os.Exit(m.Run())
		}
	}
	dir, err := os.MkdirTemp("", "secprof-cli-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "secprof")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestCompileExitCodesAndOutputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(src), 0o644)
		return p
	}
	good := write("good.sp", "default allow\ndeny @chmod\n")
	for _, tc := range []struct {
		name, src, wantErr string
	}{
		{"unknown-syscall.sp", "default allow\ndeny chmdo\n", `unknown-syscall.sp:2:6: error: unknown syscall "chmdo" on x86_64, x86 or x32; did you mean "chmod"?`},
		{"unknown-errno.sp", "default allow\nerrno EPRM chmod\n", `unknown-errno.sp:2:7: error: unknown errno "EPRM"; did you mean "EPERM"?`},
		{"arg-index.sp", "default errno\nallow personality if arg6 == 0\n", `arg-index.sp:2:22: error: argument index 6 is out of range`},
		{"contradiction.sp", "default errno\nallow read\nkill read\n", `contradiction.sp:3:6: error: contradictory rules for read`},
		{"malformed.json", `{"seccomp": {"default": "allow",`, `malformed.json:1:33: error: malformed JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := write(tc.name, tc.src)
			out := filepath.Join(dir, tc.name+".out.json")
			stdout, stderr, code := run(t, "compile", src, "-o", out)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.wantErr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output file written despite errors")
			}
		})
	}
	if stdout, stderr, code := run(t, "compile", good); code != 0 || !strings.Contains(stdout, `"fchmodat2"`) {
		t.Errorf("good profile: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, _, code := run(t, "compile", "--format", "yaml", good); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if _, _, code := run(t, "compile", filepath.Join(dir, "missing.sp")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if _, _, code := run(t, "no-such-command"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestJSONDiagnostics(t *testing.T) {
	src := filepath.Join(t.TempDir(), "p.sp")
	os.WriteFile(src, []byte("default allow\ndeny chmdo\n"), 0o644)
	_, stderr, code := run(t, "--json", "compile", src)
	if code != 1 || !strings.Contains(stderr, `"suggestion": "chmod"`) || !strings.Contains(stderr, `"line": 2`) {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestDiffExitCodes(t *testing.T) {
	if _, _, code := run(t, "diff", "../../testdata/profiles/seed.sp", "../../testdata/profiles/seed.json"); code != 0 {
		t.Errorf("equal profiles: exit %d, want 0", code)
	}
	stdout, _, code := run(t, "diff", "../../profiles/docker-default.sp", "../../testdata/profiles/seed.sp")
	if code != 1 || !strings.Contains(stdout, "chmod: A allow, B errno EPERM") {
		t.Errorf("different profiles: exit %d, stdout %s", code, stdout)
	}
}

// Every example proves its test block through the CLI, in runc and in the
// Docker engine: the README's demo, checked.
func TestExamplesProveThemselves(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	examples, _ := filepath.Glob("../../examples/*.sp")
	proofs, _ := filepath.Glob("../../testdata/proofs/*.sp")
	examples = append(append(examples, proofs...), "../../testdata/profiles/web.sp")
	if len(examples) == 0 {
		t.Fatal("no examples")
	}
	tree, err := rootfs.Ensure()
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{"runc", "docker"} {
		for _, ex := range examples {
			t.Run(engine+"/"+filepath.Base(ex), func(t *testing.T) {
				if strings.HasPrefix(filepath.Base(ex), "x86-abi") {
					// These proofs run 32-bit programs built with gcc.
					testenv.Require(t, tree.X86Missing() == "", "32-bit test programs: "+tree.X86Missing())
				}
				stdout, stderr, code := run(t, "test", "--engine", engine, ex)
				if code != 0 {
					t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
				}
				if !strings.Contains(stdout, engine) || strings.Contains(stdout, "FAIL") {
					t.Errorf("table does not show passing %s checks:\n%s", engine, stdout)
				}
			})
		}
	}
}

// A test block that expects the wrong thing fails with exit 1 and says
// which line and why.
func TestFailedExpectationExitsOne(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	src := filepath.Join(t.TempDir(), "wrong.sp")
	os.WriteFile(src, []byte("default allow\ndeny chmod\ntest {\n  expect chmod allow\n  run \"touch /tmp/f && chmod 600 /tmp/f\" succeeds\n}\n"), 0o644)
	stdout, _, code := run(t, "test", "--engine", "runc", src)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	if strings.Count(stdout, "FAIL") != 2 || !strings.Contains(stdout, "wrong.sp:4:3") || !strings.Contains(stdout, "wrong.sp:5:3") || !strings.HasSuffix(stdout, "0 passed, 2 failed\n") {
		t.Errorf("table does not name both failed checks:\n%s", stdout)
	}
	var results []map[string]any
	out, _, _ := run(t, "--json", "test", "--engine", "runc", src)
	if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 2 || results[0]["ok"] != false {
		t.Errorf("--json results: %v %s", err, out)
	}
}

// Ctrl-C in the middle of `secprof test` stops it with exit 2 and leaves no
// container behind, in either engine.
func TestInterruptLeavesNothingBehind(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	src := filepath.Join(t.TempDir(), "slow.sp")
	os.WriteFile(src, []byte("default allow\ndeny @chmod\ntest {\n  run \"sleep 60\" succeeds\n}\n"), 0o644)
	for _, engine := range []string{"runc", "docker"} {
		t.Run(engine, func(t *testing.T) {
			cmd := exec.Command(binary, "test", "--engine", engine, src)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the container is up, then interrupt.
			deadline := time.Now().Add(30 * time.Second)
			for !ourContainersRunning(t, engine) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no container appeared\n%s", out.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			cmd.Process.Signal(os.Interrupt)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Errorf("exit after SIGINT: %v, want 2\n%s", err, out.String())
			}
			if ourContainersRunning(t, engine) {
				t.Errorf("a container of ours is left after SIGINT")
			}
		})
	}
}

// ourContainersRunning reports whether the engine lists any container
// secprof created (their names start with "secprof-").
func ourContainersRunning(t *testing.T, engine string) bool {
	t.Helper()
	var out []byte
	var err error
	if engine == "docker" {
		out, err = exec.Command("docker", "ps", "-a", "--filter", "name=secprof-", "--format", "{{.Names}}").Output()
	} else {
		out, err = exec.Command("runc", "list", "-q").Output()
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Fields(string(out)) {
		if strings.HasPrefix(line, "secprof-") {
			return true
		}
	}
	return false
}

// A missing engine is an environment problem: exit 2, saying which.
func TestMissingEngineExitsTwo(t *testing.T) {
	src := filepath.Join(t.TempDir(), "p.sp")
	os.WriteFile(src, []byte("default allow\ndeny @chmod\ntest {\n  run \"ls /\" succeeds\n}\n"), 0o644)
	cmd := exec.Command(binary, "test", "--engine", "runc", src)
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "runc") {
		t.Errorf("exit %v, want 2 naming runc:\n%s", err, out)
	}
}

// The example: a rule dropped for CAP_SYS_ADMIN meets a container
// that has CAP_SYS_ADMIN, in both engines, so hostname works; under
// Docker's default set the container lacks it and the same line fails.
func TestCapsReachTheContainer(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	src := filepath.Join(t.TempDir(), "caps.sp")
	os.WriteFile(src, []byte("default allow\ndeny sethostname unless cap CAP_SYS_ADMIN\ntest {\n  run \"hostname foo\" succeeds\n}\n"), 0o644)
	withAdmin := strings.Join(append(capabilities.DockerDefault(), "CAP_SYS_ADMIN"), ",")
	for _, engine := range []string{"runc", "docker"} {
		for _, tc := range []struct {
			caps string
			code int
		}{{withAdmin, 0}, {"docker-default", 1}} {
			stdout, stderr, code := run(t, "test", "--engine", engine, "--caps", tc.caps, src)
			if code != tc.code {
				t.Errorf("%s --caps %.30s: exit %d, want %d\n%s%s", engine, tc.caps, code, tc.code, stdout, stderr)
			}
		}
	}
}
