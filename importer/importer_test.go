package importer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// envs are the environments a round trip must hold in: Docker's default
// capabilities, none and all, on an x86_64 host and on an x86 host.
func envs() map[string]target.Env {
	m := map[string]target.Env{}
	for _, native := range []syscalls.NativeArch{"amd64", "x86"} {
		for name, caps := range map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()} {
			m[native.String()+"/"+name] = target.Env{Caps: caps, NativeArch: native}
		}
	}
	return m
}

// compileDSL compiles DSL text to Docker's profile type, failing the test
// on any error.
func compileDSL(t *testing.T, name string, src []byte) *seccomp.Seccomp {
	t.Helper()
	f, diags := profiles.ParseDSL(name, src)
	if diags.HasErrors() {
		t.Fatalf("parsing the imported DSL:\n%s\n%s", diags.Text(), src)
	}
	p, cd := compiler.Compile(f, compiler.Options{})
	if cd.HasErrors() {
		t.Fatalf("compiling the imported DSL:\n%s\n%s", cd.Text(), src)
	}
	// Go through JSON, as Docker reads the compiled file.
	out, err := dockerjson.Marshal(p.Policy)
	if err != nil {
		t.Fatal(err)
	}
	var prof seccomp.Seccomp
	if err := json.Unmarshal(out, &prof); err != nil {
		t.Fatal(err)
	}
	return &prof
}

// resolvedDifferences lists how the compiled import decides differently
// from the original, as moby's loader reads each, in env.
func resolvedDifferences(t *testing.T, orig, back *seccomp.Seccomp, env target.Env) []semantic.Difference {
	t.Helper()
	a, err := semantic.Resolve(orig, env)
	if err != nil {
		t.Fatal(err)
	}
	b, err := semantic.Resolve(back, env)
	if err != nil {
		t.Fatal(err)
	}
	return semantic.Diff(a, b)
}

func roundTrip(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	dsl, diags := ImportJSON(name, src, compiler.Options{})
	if diags.HasErrors() {
		t.Fatalf("import: %s", diags.Text())
	}
	var orig seccomp.Seccomp
	if err := json.Unmarshal(src, &orig); err != nil {
		t.Fatal(err)
	}
	back := compileDSL(t, name+".sp", dsl)
	for envName, env := range envs() {
		if d := resolvedDifferences(t, &orig, back, env); len(d) != 0 {
			t.Errorf("%s in %s: the imported DSL decides differently:\n%v\n%s", name, envName, d, dsl)
		}
	}
	return dsl
}

// Every third-party profile and every profile of ours round-trips:
// import, compile, and the result decides as the original.
func TestRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "ours", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test profiles: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dsl := roundTrip(t, filepath.Base(path), src)
			golden.Check(t, strings.TrimSuffix(path, ".json")+".sp", dsl)
		})
	}
}

// Docker's default as moby builds it round-trips too.
// Other projects' profiles (Podman's default, docker/labs'), where they are
// provided beside the repository: each round-trips to an equal profile.
func TestRoundTripThirdParty(t *testing.T) {
	for _, path := range testenv.ThirdPartyFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, filepath.Base(path), src)
		})
	}
}

func TestRoundTripMobyDefault(t *testing.T) {
	src, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, "moby-default.json", src)
}

// Import refuses what compile refuses, with compile's own message.
func TestImportRejects(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no filter", `{"syscalls": []}`, "no default action"},
		{"no default", `{"syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO"}]}`, "no default action"},
		{"unknown op", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_ODD", "value": 1}]}]}`, `unknown comparison "SCMP_CMP_ODD"`},
		{"unknown action", `{"defaultAction": "SCMP_ACT_MAYBE", "syscalls": []}`, `unknown action "SCMP_ACT_MAYBE"`},
		{"metadata without path", `{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "m", "syscalls": []}`, "listener metadata without a listener path"},
		{"empty flag", `{"defaultAction": "SCMP_ACT_ALLOW", "flags": [""], "syscalls": []}`, `unknown seccomp flag ""`},
		{"a rule libseccomp refuses", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
				{"names": ["personality"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 9001}]},
				{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 100}, {"index": 0, "op": "SCMP_CMP_EQ", "value": 9001}]}]}`,
			"personality has two rules with the same conditions: allow here, log at p.json:2:"},
		{"not Docker's format", "default allow\ndeny chmod\n", "not a Docker-format seccomp profile"},
	}
	for _, tt := range tests {
		out, diags := ImportJSON("p.json", []byte(tt.src), compiler.Options{})
		if out != nil || !diags.HasErrors() || !strings.Contains(diags.Text(), tt.want) {
			t.Errorf("%s: got output %v and diagnostics %q; want an error containing %q", tt.name, out != nil, diags.Text(), tt.want)
		}
	}
}

// What Docker accepts and the runtime reads in its own way is imported as
// the runtime reads it, with a warning that says how; the output compiles
// and decides as the input (checkImportProperty).
func TestImportAsTheRuntimeReads(t *testing.T) {
	tests := []struct{ name, src, warning, dsl string }{
		{"errnoRet on allow",
			`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 5}]}`,
			"errno 5 is ignored by allow", "\nallow read\n"},
		{"valueTwo on EQ",
			`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 1, "valueTwo": 2}]}]}`,
			"valueTwo is used only by SCMP_CMP_MASKED_EQ", "\ndeny personality if arg0 == 1\n"},
		{"errnoRet above 4095",
			`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 12345}]}`,
			"errno 12345 is above 4095", "\nerrno 12345 chmod\n"},
		{"conditional rule behind an unconditional one",
			`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW"}, {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 16}]}]}`,
			"kill-process ptrace if arg0 == 0x10 never decides anything: the rule without conditions at p.json:1:100 (allow) decides ptrace whatever its arguments; dropped", "\nallow ptrace\n"},
		{"two conditions on one argument",
			`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 100}, {"index": 0, "op": "SCMP_CMP_EQ", "value": 9001}]}]}`,
			"compiled as one rule per condition", "\nallow personality if arg0 == 100\nallow personality if arg0 == 0x2329\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, diags := ImportJSON("p.json", []byte(tt.src), compiler.Options{})
			if out == nil || !strings.Contains(diags.Text(), tt.warning) || !strings.Contains(string(out), tt.dsl) {
				t.Fatalf("got diagnostics %q and output:\n%s\nwant a warning containing %q and %q in the output", diags.Text(), out, tt.warning, tt.dsl)
			}
			checkImportProperty(t, "p.json", []byte(tt.src))
		})
	}
}

// Docker's archMap is carried entry for entry, as "arch NATIVE: SUB..."
// lines, so a profile means the same on every host it is used on.
func TestImportKeepsArchMap(t *testing.T) {
	src, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	out, diags := ImportJSON("default.json", src, compiler.Options{})
	if diags.HasErrors() || !strings.Contains(string(out), "arch x86_64: x86 x32\n") || !strings.Contains(string(out), "arch aarch64: arm\n") || !strings.Contains(string(out), "arch riscv64:\n") {
		t.Errorf("diagnostics %q, output:\n%s", diags.Text(), out)
	}
}
