package pipeline

import (
	"path/filepath"
	"testing"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/semantic/srcdiff"
)

func diffFiles(t *testing.T, a, b string) *srcdiff.Report {
	t.Helper()
	rep, diags, err := srcdiff.Files(a, b, srcdiff.Options{Env: semantic.Env{Caps: capabilities.DockerDefault(), NativeArch: "amd64"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.Text())
	}
	return rep
}

// docker/labs' default-no-chmod.json is their default profile less the
// chmod calls; a three-line source built on that default says exactly
// that, and diff proves it.
func TestLabsNoChmodIsItsDefaultLessChmod(t *testing.T) {
	rep := diffFiles(t, filepath.Join(profilesDir, "labs-default-no-chmod.sp"), "../importer/testdata/docker/labs-default-no-chmod.json")
	if rep.ExitCode() != 0 {
		t.Errorf("not equal:\n%s", rep.Text())
	}
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
