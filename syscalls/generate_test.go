package syscalls

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

// generatorInputs are the files besides golang.org/x/sys that mktables
// reads; CI installs their packages (linux-libc-dev, libseccomp-dev).
var generatorInputs = []string{
	"/usr/include/x86_64-linux-gnu/asm/unistd_x32.h",
	"/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
	"/usr/include/x86_64-linux-gnu/asm/unistd_32.h",
	"/usr/include/seccomp-syscalls.h",
}

// TestGeneratedTablesUpToDate regenerates the tables and compares them with
// the committed ztables.go byte for byte: the committed file must be what
// the generator makes from the sources, not an edited copy, and the
// generator must be deterministic.
func TestGeneratedTablesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	for _, f := range generatorInputs {
		_, err := os.Stat(f)
		testenv.Require(t, err == nil, f+" (linux-libc-dev, libseccomp-dev)")
	}
	goCmd := testenv.RequireCommand(t, "go")
	want, err := os.ReadFile("ztables.go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 2 {
		out := filepath.Join(dir, "ztables.go")
		cmd := exec.Command(goCmd, "run", "./internal/mktables", "-o", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go run ./internal/mktables: %v\n%s", err, b)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("run %d: regenerated tables differ from ztables.go; run go generate ./syscalls and commit the result (diff %s ztables.go)", i+1, out)
		}
	}
}
