// Package testenv lets tests that need real parts of a machine — root,
// runc, a Docker engine, apparmor_parser, libseccomp — skip on a laptop that
// lacks them, and fail under CI=true, where a missing part is a broken setup
// and must never pass as a skip.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Require skips the test when ok is false, or fails it under CI.
// what names the missing part, e.g. "runc on PATH".
func Require(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if InCI() {
		t.Fatalf("missing %s (CI=true: a missing dependency is a failure; run scripts/setup.sh)", what)
	}
	t.Skipf("missing %s; run scripts/setup.sh to install it", what)
}

// RequireRoot needs the test to run as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	Require(t, os.Geteuid() == 0, "root")
}

// RequireCommand needs an executable on PATH and returns its path.
func RequireCommand(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	Require(t, err == nil, name+" on PATH")
	return path
}
