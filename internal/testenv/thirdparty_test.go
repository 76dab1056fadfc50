package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestThirdPartyMissingFailsUnderCI(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		t.Setenv(ThirdPartyEnv, missing)
		o := Record(t, func(tb testing.TB) { ThirdPartyFiles(tb) })
		if ci == "true" && (o.Failed == "" || !strings.Contains(o.Failed, missing)) {
			t.Errorf("CI=true, %s=%s: want a failure naming it; skipped %q, failed %q", ThirdPartyEnv, missing, o.Skipped, o.Failed)
		}
		if ci == "" && o.Skipped == "" {
			t.Errorf("CI unset: want a skip; failed %q", o.Failed)
		}
	}
}

func TestThirdPartyEmptyDirFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	t.Setenv(ThirdPartyEnv, t.TempDir())
	if o := Record(t, func(tb testing.TB) { ThirdPartyFiles(tb) }); o.Failed == "" {
		t.Errorf("CI=true with no profiles: skipped %q; want a failure", o.Skipped)
	}
}

func TestThirdPartyDir(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "checkout")
	sub := filepath.Join(repo, "pkg", "x")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir, err := thirdPartyDir("", sub); err == nil {
		t.Errorf("found %s with no shared/profiles beside the checkout", dir)
	} else if !strings.Contains(err.Error(), filepath.Join(root, "shared", "profiles")) {
		t.Errorf("error %q does not name the directory looked for", err)
	}
	shared := filepath.Join(root, "shared", "profiles")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if dir, err := thirdPartyDir("", sub); err != nil || dir != shared {
		t.Errorf("thirdPartyDir = %q, %v; want %s", dir, err, shared)
	}
	if dir, err := thirdPartyDir(root, sub); err != nil || dir != root {
		t.Errorf("with %s set: %q, %v; want %s", ThirdPartyEnv, dir, err, root)
	}
}
