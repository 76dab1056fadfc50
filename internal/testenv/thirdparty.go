package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// ThirdPartyEnv names a directory of other projects' Docker seccomp
// profiles (Podman's default, docker/labs' profiles…) for the tests that
// compare against them. Such files are not ours to commit; by default the
// tests look for shared/profiles beside the repository.
const ThirdPartyEnv = "SECPROF_THIRD_PARTY_PROFILES"

// ThirdPartyProfiles returns the directory of third-party profiles. Without
// one the test skips on a laptop and fails under CI=true: the CI machine
// has shared/profiles beside the checkout, so a missing directory there is
// a broken setup, not a reason to pass.
func ThirdPartyProfiles(t testing.TB) string {
	t.Helper()
	wd, _ := os.Getwd()
	dir, err := thirdPartyDir(os.Getenv(ThirdPartyEnv), wd)
	Require(t, err == nil, fmt.Sprint(err))
	return dir
}

// thirdPartyDir finds the profiles: env when set (it must then be a
// directory), else shared/profiles beside the module root above wd.
func thirdPartyDir(env, wd string) (string, error) {
	if env != "" {
		if fi, err := os.Stat(env); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("third-party profiles: %s=%s is not a directory", ThirdPartyEnv, env)
		}
		return env, nil
	}
	for dir := wd; dir != ""; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared", "profiles")
			if fi, err := os.Stat(shared); err == nil && fi.IsDir() {
				return shared, nil
			}
			return "", fmt.Errorf("third-party profiles: neither %s nor %s exists (set %s to a directory of Docker seccomp profiles)", ThirdPartyEnv, shared, ThirdPartyEnv)
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("third-party profiles: %s is unset and no go.mod above %q to find shared/profiles beside", ThirdPartyEnv, wd)
}

// ThirdPartyFiles lists the *.json profiles under the third-party
// directory, at any depth; an empty directory counts as a missing one.
func ThirdPartyFiles(t testing.TB) []string {
	t.Helper()
	dir := ThirdPartyProfiles(t)
	files, err := jsonFiles(dir)
	Require(t, err == nil && len(files) > 0, fmt.Sprintf("third-party profiles: no *.json profiles under %s (err: %v)", dir, err))
	return files
}

func jsonFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Ext(path) == ".json" {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}
