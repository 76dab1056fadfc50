package pipeline_test

import (
	"os"
	"testing"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/pipeline"
	"github.com/secprof/secprof/syscalls/hostlib"
	"github.com/secprof/secprof/target"
)

// The compile benchmarks and moby's loader are measured on the same input,
// Docker's default profile as Docker JSON (about 370 names, a few argument
// rules and capability filters), so that scripts/bench-compile.sh can report
// the cost of a compile relative to what Docker itself spends loading the
// profile at container start.

func dockerDefaultJSON(b *testing.B) []byte {
	b.Helper()
	src, err := dockerjson.Encode(seccomp.DefaultProfile())
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// cliOptions are the options secprof compile uses: names are checked with
// the host's libseccomp when it is there.
func cliOptions() compiler.Options {
	if !hostlib.Available() {
		return compiler.Options{}
	}
	return compiler.Options{KnownToHost: hostlib.Knows}
}

// benchCompile measures parse, resolve and Docker JSON rendering of src.
func benchCompile(b *testing.B, name string, src []byte, opts compiler.Options) {
	env := target.ThisHost()
	// One untimed run proves the source compiles, so the loop measures
	// success and not an early error return.
	u, diags, err := pipeline.LoadSource(name, src, opts)
	if err != nil {
		b.Fatalf("%s does not compile: %v\n%v", name, err, diags)
	}
	if u.Policy == nil {
		b.Fatalf("%s compiles to no seccomp policy", name)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		u, _, err := pipeline.LoadSource(name, src, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := pipeline.Render(u, "docker", env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileDockerDefault(b *testing.B) {
	benchCompile(b, "docker-default.json", dockerDefaultJSON(b), cliOptions())
}

// BenchmarkCompileDockerDefaultNoHostCheck leaves out the host libseccomp
// check, to show what that check costs.
func BenchmarkCompileDockerDefaultNoHostCheck(b *testing.B) {
	benchCompile(b, "docker-default.json", dockerDefaultJSON(b), compiler.Options{})
}

func BenchmarkCompileSeedDSL(b *testing.B) {
	src, err := os.ReadFile("../testdata/profiles/seed.sp")
	if err != nil {
		b.Fatal(err)
	}
	benchCompile(b, "seed.sp", src, cliOptions())
}

// BenchmarkMobyLoadProfileDockerDefault is the reference: moby's loader on
// the same JSON, for a container with Docker's default capabilities.
func BenchmarkMobyLoadProfileDockerDefault(b *testing.B) {
	src := string(dockerDefaultJSON(b))
	spec := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: capabilities.DockerDefault()}}}
	if _, err := seccomp.LoadProfile(src, spec); err != nil {
		b.Fatalf("moby's loader rejects Docker's default: %v", err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := seccomp.LoadProfile(src, spec); err != nil {
			b.Fatal(err)
		}
	}
}
