package pipeline

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/tools/txtar"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/importer"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/target"
)

const profilesDir = "../testdata/profiles"

// goldenEnv fixes the environment OCI output is resolved in, so golden
// files do not depend on the kernel of the machine that runs the tests.
var goldenEnv = target.Env{Caps: capabilities.DockerDefault(), NativeArch: "amd64", Kernel: target.Kernel{Major: 6, Minor: 1}}

func sources(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.sp", "*.json"} {
		m, err := filepath.Glob(filepath.Join(profilesDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no profiles in testdata")
	}
	return out
}

func load(t testing.TB, path string) *compiler.Result {
	t.Helper()
	u, diags, err := Load(path, compiler.Options{})
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, diags.Text())
	}
	return u
}

// dockerSpec is the container a Docker profile is loaded for in tests.
func dockerSpec(caps []string) *specs.Spec {
	return &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}}
}

// mobyDecides loads a Docker profile with moby's own loader and returns
// what runc would be given, as a per-syscall decision table.
func mobyDecides(t *testing.T, dockerJSON []byte, caps []string) *semantic.Table {
	t.Helper()
	oci, err := seccomp.LoadProfile(string(dockerJSON), dockerSpec(caps))
	if err != nil {
		t.Fatalf("moby's loader rejects the profile: %v\n%s", err, dockerJSON)
	}
	table, err := semantic.FromOCI(oci)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestEveryProfileRendersAsGoldenAndLoadsInMoby(t *testing.T) {
	for _, src := range sources(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			u := load(t, src)
			formats := []string{"docker", "oci"}
			if u.AppArmor != nil {
				formats = append(formats, "apparmor")
			}
			for _, format := range formats {
				got, _, err := Render(u, format, goldenEnv)
				if err != nil {
					t.Fatal(err)
				}
				goldenPath := filepath.Join("../testdata/golden", filepath.Base(src)+"."+format)
				golden.Check(t, goldenPath, got)
				if format == "docker" {
					mobyDecides(t, got, capabilities.DockerDefault())
				}
			}
		})
	}
}

// The seed profile users copy today, written three ways, must decide every
// syscall exactly as the hand-written Docker JSON does.
func TestSeedSourcesDecideLikeTheDockerJSON(t *testing.T) {
	seedJSON, err := os.ReadFile(filepath.Join(profilesDir, "seed-docker.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := mobyDecides(t, seedJSON, capabilities.DockerDefault())
	for _, src := range []string{"seed.sp", "seed.json", "seed-docker.json"} {
		u := load(t, filepath.Join(profilesDir, src))
		out, err := dockerjson.Marshal(u.Policy)
		if err != nil {
			t.Fatal(err)
		}
		got := mobyDecides(t, out, capabilities.DockerDefault())
		for _, d := range semantic.Diff(want, got) {
			// The seed JSON names no architectures, so runc kills every
			// 32-bit call; secprof's default arch set is Docker's
			// (x86_64, x86, x32). That one difference is by design.
			if d.Kind == "arches" && src != "seed-docker.json" && d.B == "x32 x86 x86_64" {
				continue
			}
			t.Errorf("%s decides differently from the seed JSON: %v", src, d)
		}
	}
	// The check is not vacuous: chmod is denied, fchmodat is not.
	if a := want.Decide("chmod", nil); a.String() == want.Decide("fchmodat", nil).String() {
		t.Fatalf("seed table decides chmod and fchmodat alike (%v): the comparison proves nothing", a)
	}
}

// An allow-list written as DSL and as JSON: both must load in moby and
// decide like each other where they name the same rules.
func TestAllowListDecidesAsWritten(t *testing.T) {
	u := load(t, filepath.Join(profilesDir, "allowlist.sp"))
	out, err := dockerjson.Marshal(u.Policy)
	if err != nil {
		t.Fatal(err)
	}
	table := mobyDecides(t, out, capabilities.DockerDefault())
	for name, want := range map[string]string{"read": "allow", "chmod": "errno EPERM", "clone3": "errno ENOSYS", "mount": "errno EPERM", "ptrace": "kill-process"} {
		if got := table.Decide(name, nil).String(); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
}

// Docker's default profile, fed in as Docker JSON, compiles and decides
// exactly as moby's loader resolves the original, under several
// capability sets.
func TestDockerDefaultRoundTripsThroughTheCompiler(t *testing.T) {
	orig, err := dockerjson.Encode(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	u, diags, err := LoadSource("docker-default.json", orig, compiler.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Text())
	}
	out, err := dockerjson.Marshal(u.Policy)
	if err != nil {
		t.Fatal(err)
	}
	for name, caps := range map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()} {
		want := mobyDecides(t, orig, caps)
		got := mobyDecides(t, out, caps)
		if d := semantic.Diff(want, got); len(d) > 0 {
			t.Errorf("caps %s: compiled default differs from moby's:\n%v", name, d)
		}
	}
}

func TestSameInputGivesByteIdenticalOutput(t *testing.T) {
	for _, src := range sources(t) {
		for _, format := range []string{"docker", "oci"} {
			a, _, err := Render(load(t, src), format, goldenEnv)
			if err != nil {
				t.Fatal(err)
			}
			b, _, _ := Render(load(t, src), format, goldenEnv)
			if !bytes.Equal(a, b) {
				t.Errorf("%s as %s: two compilations differ", src, format)
			}
		}
	}
}

// Each case in testdata/errors is a txtar archive, named for what it shows,
// holding one source file and what it must produce:
//
//   - diagnostics: every diagnostic compiling the source gives, in editor
//     format. Without an "error:" line the source must compile.
//   - docker, oci (optional): the output in that format (in goldenEnv).
//   - import-diagnostics (optional): the diagnostics of secprof import on
//     the source (a Docker JSON profile), and import (optional) its DSL.
//
// TestDiagnosticsCovered requires a case for every diagnostic the
// compiler can emit.
func TestErrorCases(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(diagnosticCases, "*.txtar"))
	if len(files) == 0 {
		t.Fatal("no diagnostic cases")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c := readDiagnosticCase(t, path)
			if c.sections["diagnostics"] != nil {
				checkCompileCase(t, c)
			}
			if c.sections["import-diagnostics"] != nil {
				checkImportCase(t, c)
			}
			if golden.Updating() {
				c.write(t, path)
			}
		})
	}
}

const diagnosticCases = "../testdata/errors"

// outputSections are the sections of a diagnostic case that are not its
// source.
var outputSections = map[string]bool{"diagnostics": true, "docker": true, "oci": true, "import-diagnostics": true, "import": true}

type diagnosticCase struct {
	ar       *txtar.Archive
	src      txtar.File
	sections map[string][]byte
}

// write stores the case with its sections as this run produced them (with
// -update): the way to add a case is to write its comment, source and
// empty sections, run with -update, and review what was filled in.
func (c diagnosticCase) write(t *testing.T, path string) {
	t.Helper()
	for i, f := range c.ar.Files {
		if got, ok := c.sections[f.Name]; ok {
			c.ar.Files[i].Data = got
		}
	}
	if err := os.WriteFile(path, txtar.Format(c.ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readDiagnosticCase(t *testing.T, path string) diagnosticCase {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := diagnosticCase{ar: ar, sections: map[string][]byte{}}
	sources := 0
	for _, f := range ar.Files {
		if outputSections[f.Name] {
			c.sections[f.Name] = f.Data
			continue
		}
		c.src = f
		sources++
	}
	if sources != 1 {
		t.Fatalf("%s: %d source files; want exactly one beside %v", path, sources, slices.Sorted(maps.Keys(outputSections)))
	}
	if c.sections["diagnostics"] == nil && c.sections["import-diagnostics"] == nil {
		t.Fatalf("%s: no diagnostics or import-diagnostics section", path)
	}
	return c
}

func checkCompileCase(t *testing.T, c diagnosticCase) {
	t.Helper()
	want := string(c.sections["diagnostics"])
	u, diags, err := LoadSource(c.src.Name, c.src.Data, compiler.Options{})
	if golden.Updating() {
		want = diags.Text()
		c.sections["diagnostics"] = []byte(want)
	}
	if got := diags.Text(); strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	wantErr := strings.Contains(want, ": error: ")
	if wantErr != (err != nil) {
		t.Fatalf("error = %v; the expected diagnostics say an error is %v", err, wantErr)
	}
	for _, format := range []string{"docker", "oci"} {
		wantOut, ok := c.sections[format]
		if !ok {
			continue
		}
		if err != nil {
			t.Fatalf("a %s section in a case that does not compile", format)
		}
		got, _, err := Render(u, format, goldenEnv)
		if err != nil {
			t.Fatalf("render %s: %v", format, err)
		}
		if golden.Updating() {
			c.sections[format] = got
			continue
		}
		if strings.TrimSpace(string(got)) != strings.TrimSpace(string(wantOut)) {
			t.Errorf("%s output:\n%s\nwant:\n%s", format, got, wantOut)
		}
	}
}

func checkImportCase(t *testing.T, c diagnosticCase) {
	t.Helper()
	out, diags := importer.ImportJSON(c.src.Name, c.src.Data, compiler.Options{})
	if golden.Updating() {
		c.sections["import-diagnostics"] = []byte(diags.Text())
		if _, ok := c.sections["import"]; ok {
			c.sections["import"] = out
		}
	}
	if got, want := diags.Text(), string(c.sections["import-diagnostics"]); strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("import diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if want, ok := c.sections["import"]; ok && strings.TrimSpace(string(out)) != strings.TrimSpace(string(want)) {
		t.Errorf("imported:\n%s\nwant:\n%s", out, want)
	}
}

// On any error, -o writes nothing, and an existing file stays as it was.
func TestCompileWritesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sp")
	bad := filepath.Join(dir, "bad.sp")
	os.WriteFile(good, []byte("default allow\ndeny @chmod\n"), 0o644)
	os.WriteFile(bad, []byte("default allow\ndeny chmdo\n"), 0o644)
	out := filepath.Join(dir, "daemon-profile.json")
	os.WriteFile(out, []byte("precious"), 0o644)
	stdout := func([]byte) error { t.Fatal("wrote to stdout"); return nil }

	_, err := Compile(CompileRequest{Files: []string{bad}, Formats: []string{"docker"}, Output: out}, stdout)
	if ExitCode(err) != ExitProfile {
		t.Fatalf("exit code %d, want %d (err %v)", ExitCode(err), ExitProfile, err)
	}
	outDir := filepath.Join(dir, "out")
	_, err = Compile(CompileRequest{Files: []string{good, bad}, Formats: []string{"docker"}, Output: outDir + "/"}, stdout)
	if ExitCode(err) != ExitProfile {
		t.Fatalf("exit code %d, want %d", ExitCode(err), ExitProfile)
	}
	if got, _ := os.ReadFile(out); string(got) != "precious" {
		t.Fatalf("existing output clobbered: %q", got)
	}
	if _, err := os.Stat(outDir); !os.IsNotExist(err) {
		t.Fatalf("output directory created although a source had errors")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("stray files: %v", entries)
	}

	// And the good source alone is written, atomically, to the file.
	if _, err := Compile(CompileRequest{Files: []string{good}, Formats: []string{"docker"}, Output: out}, stdout); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if _, err := seccomp.LoadProfile(string(got), dockerSpec(nil)); err != nil {
		t.Fatalf("written profile does not load: %v", err)
	}
}

// FuzzCompile runs every phase on arbitrary input: whatever the parsers
// accept, the compiler and both backends must handle without a panic.
func FuzzCompile(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(profilesDir, "*"))
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		u, _, err := LoadSource("in.sp", src, compiler.Options{})
		if err != nil {
			return
		}
		for _, format := range []string{"docker", "oci"} {
			if u.Policy == nil {
				continue
			}
			if _, _, err := Render(u, format, goldenEnv); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}

// Every Docker-format profile under testdata compiles, and the result
// decides every syscall as the original does once moby's loader has
// resolved both, under several capability sets.
func TestDockerProfilesDecideAsTheOriginal(t *testing.T) {
	var files []string
	for _, pat := range []string{filepath.Join(profilesDir, "*.json"), "../importer/testdata/ours/*.json"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	n := 0
	for _, path := range files {
		if decidesAsOriginal(t, path) {
			n++
		}
	}
	if n < 3 {
		t.Fatalf("only %d Docker-format profiles found", n)
	}
}

// The same for other projects' profiles (Podman's default, docker/labs'),
// where they are provided beside the repository.
func TestThirdPartyProfilesDecideAsTheOriginal(t *testing.T) {
	for _, path := range testenv.ThirdPartyFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			decidesAsOriginal(t, path)
		})
	}
}

// decidesAsOriginal checks one Docker-format profile; it reports false for
// a source in another format, which it leaves alone.
func decidesAsOriginal(t *testing.T, path string) bool {
	t.Helper()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := profiles.Parse(path, orig); f == nil || f.Format != profiles.FormatDocker {
		return false
	}
	u := load(t, path)
	out, err := dockerjson.Marshal(u.Policy)
	if err != nil {
		t.Fatal(err)
	}
	for name, caps := range map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()} {
		if d := semantic.Diff(mobyDecides(t, orig, caps), mobyDecides(t, out, caps)); len(d) > 0 {
			t.Errorf("%s under %s caps: compiled profile decides differently: %v", path, name, d)
		}
	}
	return true
}
