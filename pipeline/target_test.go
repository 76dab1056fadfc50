package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/target"
)

// compile and diff check a Docker profile's names on the arch --arch names:
// without architectures it filters that arch only, and "deny open" decides
// nothing on arm64, which has only openat.
func TestTargetArchDecidesNameChecks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	src := `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["open"],"action":"SCMP_ACT_ERRNO"}]}`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = `no syscall "open" on aarch64`
	for _, arch := range []string{"amd64", "arm64"} {
		env, err := target.Parse(arch, target.DefaultKernel, target.DefaultCaps)
		if err != nil {
			t.Fatal(err)
		}
		discard := func([]byte) error { return nil }
		cd, err := Compile(CompileRequest{Files: []string{path}, Formats: []string{"docker"}, Env: env}, discard)
		if err != nil {
			t.Fatalf("compile --arch %s: %v", arch, err)
		}
		_, dd, err := Diff(path, path, env, compiler.Options{})
		if err != nil {
			t.Fatalf("diff --arch %s: %v", arch, err)
		}
		for cmd, diags := range map[string]diag.List{"compile": cd, "diff": dd} {
			warned := strings.Contains(diags.Text(), want)
			if warned != (arch == "arm64") {
				t.Errorf("%s --arch %s: warned %q: %v; diagnostics:\n%s", cmd, arch, want, warned, diags.Text())
			}
		}
	}
}
