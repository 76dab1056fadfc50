package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/semantic/srcdiff"
	"github.com/secprof/secprof/target"
)

func diffFiles(t *testing.T, a, b string) *srcdiff.Report {
	t.Helper()
	rep, diags, err := srcdiff.Files(a, b, srcdiff.Options{Env: target.Env{Caps: capabilities.DockerDefault(), NativeArch: "amd64"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Text())
	}
	return rep
}

// A profile that is another one less the chmod calls is, in secprof, that
// other profile as a base and one deny line; diff proves the two equal.
// The pair is Docker's default, with the chmod family taken out of its
// JSON here; where docker/labs' profiles are provided beside the
// repository, their default and default-no-chmod as well.
func TestProfileLessChmodIsBasePlusDeny(t *testing.T) {
	dir := t.TempDir()
	def := seccomp.DefaultProfile()
	for _, s := range def.Syscalls {
		s.Names = slices.DeleteFunc(s.Names, func(n string) bool { return strings.HasPrefix(n, "chmod") || strings.HasPrefix(n, "fchmod") })
	}
	noChmod, err := dockerjson.Encode(def)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "default-no-chmod.json")
	os.WriteFile(want, noChmod, 0o644)
	src := filepath.Join(dir, "no-chmod.sp")
	os.WriteFile(src, []byte("base @docker-default\ndeny @chmod\n"), 0o644)
	if rep := diffFiles(t, src, want); rep.ExitCode() != 0 {
		t.Errorf("base @docker-default + deny @chmod differs from Docker's default less chmod:\n%s", rep.Text())
	}

	t.Run("docker-labs", func(t *testing.T) {
		labs := filepath.Join(testenv.ThirdPartyProfiles(t), "docker-labs")
		_, err := os.Stat(filepath.Join(labs, "default-no-chmod.json"))
		testenv.Require(t, err == nil, fmt.Sprintf("docker/labs profiles: %v", err))
		src := filepath.Join(dir, "labs-no-chmod.sp")
		os.WriteFile(src, []byte("base \""+filepath.Join(labs, "default.json")+"\"\ndeny chmod fchmod fchmodat\n"), 0o644)
		if rep := diffFiles(t, src, filepath.Join(labs, "default-no-chmod.json")); rep.ExitCode() != 0 {
			t.Errorf("not equal:\n%s", rep.Text())
		}
	})
}

// base @docker-default and allow @docker-default are Docker's default;
// the profile's own rules replace the base's on the same syscalls, and
// change nothing else.
func TestDockerDefaultAsBase(t *testing.T) {
	dockerDefault := "../profiles/docker-default.sp"
	rep := diffFiles(t, dockerDefault, filepath.Join(profilesDir, "docker-default-no-chmod.sp"))
	want := map[string]bool{"chmod": true, "fchmod": true, "fchmodat": true, "fchmodat2": true}
	if len(rep.Differences) != len(want) {
		t.Fatalf("want exactly the chmod family to differ, got:\n%s", rep.Text())
	}
	for _, d := range rep.Differences {
		if !want[d.Syscall] || d.A != "allow" || d.B != "errno EPERM" {
			t.Errorf("unexpected difference %v", d)
		}
	}
	rep = diffFiles(t, dockerDefault, filepath.Join(profilesDir, "allow-docker-default.sp"))
	if len(rep.Differences) != 1 || rep.Differences[0].Syscall != "acct" {
		t.Errorf("allow @docker-default plus acct: want only acct to differ, got:\n%s", rep.Text())
	}
}
