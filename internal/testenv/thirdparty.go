package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// ThirdPartyEnv names a directory of other projects' Docker seccomp
// profiles (Podman's default, docker/labs' profiles…) for the tests that
// compare against them. Such files are not ours to commit; by default the
// tests look for shared/profiles beside the repository.
const ThirdPartyEnv = "SECPROF_THIRD_PARTY_PROFILES"

// ThirdPartyProfiles returns the directory of third-party profiles, or
// skips the test when there is none. It skips even under CI: the files
// cannot be installed by the project's setup, only provided beside it.
func ThirdPartyProfiles(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv(ThirdPartyEnv); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				shared := filepath.Join(filepath.Dir(dir), "shared", "profiles")
				if fi, err := os.Stat(shared); err == nil && fi.IsDir() {
					return shared
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	t.Skipf("no third-party profiles: set %s to a directory of Docker seccomp profiles (or provide shared/profiles beside the repository)", ThirdPartyEnv)
	return ""
}

// ThirdPartyFiles lists the *.json profiles under the third-party
// directory, at any depth.
func ThirdPartyFiles(t testing.TB) []string {
	t.Helper()
	dir := ThirdPartyProfiles(t)
	var out []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".json" {
			out = append(out, path)
		}
		return nil
	})
	if len(out) == 0 {
		t.Skipf("no *.json profiles under %s", dir)
	}
	return out
}
