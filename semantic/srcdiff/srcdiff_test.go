package srcdiff

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/target"
)

func defaultOpts() Options { return Options{Env: target.Default()} }

// mobyDefault writes Docker's default profile, as moby builds it, to a file.
func mobyDefault(t *testing.T) string {
	t.Helper()
	b, err := json.MarshalIndent(seccomp.DefaultProfile(), "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "default.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Docker's default against the profile users copy today lists every
// difference, readably and as JSON.
func TestDockerDefaultVersusSeed(t *testing.T) {
	r, diags, err := Files(mobyDefault(t), filepath.Join("testdata", "deny-chmod-chown.sp"), defaultOpts())
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Text())
	}
	if r.ExitCode() != 1 || r.Equal {
		t.Fatalf("exit code %d, want 1", r.ExitCode())
	}
	r.A = "default.json" // the temporary path would make the golden file unstable
	golden.Check(t, filepath.Join("testdata", "docker-default-vs-deny-chmod-chown.txt"), []byte(r.Text()))
	golden.Check(t, filepath.Join("testdata", "docker-default-vs-deny-chmod-chown.json"), r.JSON())
}

// The DSL source of Docker's default is equal to moby's under every
// capability set.
func TestDockerDefaultSourceEqual(t *testing.T) {
	for _, caps := range []string{"docker-default", "none", "all"} {
		c, err := capabilities.Parse(caps)
		if err != nil {
			t.Fatal(err)
		}
		r, diags, err := Files(mobyDefault(t), filepath.Join("..", "..", "profiles", "docker-default.sp"), Options{Env: target.Env{Caps: c, NativeArch: "amd64"}})
		if err != nil {
			t.Fatalf("%v\n%s", err, diags.Text())
		}
		if r.ExitCode() != 0 {
			t.Errorf("caps %s:\n%s", caps, r.Text())
		}
	}
}

// docker/labs' default-no-chmod.json, where provided beside the
// repository, differs from their default.json in exactly the chmod calls.
func TestLabsNoChmod(t *testing.T) {
	dir := filepath.Join(testenv.ThirdPartyProfiles(t), "docker-labs")
	r := compareProvided(t, filepath.Join(dir, "default.json"), filepath.Join(dir, "default-no-chmod.json"))
	var got []string
	for _, d := range r.Differences {
		got = append(got, d.String())
	}
	want := "chmod: A allow, B errno EPERM|fchmod: A allow, B errno EPERM|fchmodat: A allow, B errno EPERM"
	if strings.Join(got, "|") != want {
		t.Errorf("differences = %q, want %q", got, want)
	}
}

// compareProvided compares two provided files. A missing file is a missing
// dependency (a skip on a laptop, a failure under CI); any other error — a
// parser or resolver regression — fails the test.
func compareProvided(t testing.TB, a, b string) *Report {
	t.Helper()
	r, diags, err := Files(a, b, defaultOpts())
	if errors.Is(err, fs.ErrNotExist) {
		testenv.Require(t, false, fmt.Sprintf("provided profile: %v", err))
	}
	if err != nil {
		t.Fatalf("comparing %s and %s: %v\n%s", a, b, err, diags.Text())
	}
	return r
}

// A provided profile that fails to compile fails the test; only a missing
// file may skip it.
func TestCompareProvidedFailsOnBrokenProfile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sp")
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(good, []byte("default allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, []byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CI", "")
	o := testenv.Record(t, func(tb testing.TB) { compareProvided(tb, good, broken) })
	if o.Failed == "" || !strings.Contains(o.Failed, "broken.json") {
		t.Errorf("broken profile: skipped %q, failed %q; want a failure naming it", o.Skipped, o.Failed)
	}
	o = testenv.Record(t, func(tb testing.TB) { compareProvided(tb, good, filepath.Join(dir, "missing.json")) })
	if o.Skipped == "" {
		t.Errorf("missing profile outside CI: failed %q; want a skip", o.Failed)
	}
	t.Setenv("CI", "true")
	o = testenv.Record(t, func(tb testing.TB) { compareProvided(tb, good, filepath.Join(dir, "missing.json")) })
	if o.Failed == "" {
		t.Errorf("missing profile under CI: skipped %q; want a failure", o.Skipped)
	}
}

// A wrong source is a positioned error, not a comparison.
func TestBrokenSource(t *testing.T) {
	_, diags, err := Sources("a.sp", []byte("default allow\ndeny chmdo\n"), "b.sp", []byte("default allow\n"), defaultOpts())
	if err == nil || !strings.Contains(diags.Text(), "a.sp:2:6") {
		t.Errorf("err = %v, diagnostics = %q", err, diags.Text())
	}
}
