package syscalls

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

// TestGeneratedTablesUpToDate regenerates the tables and compares them with
// the committed ztables.go byte for byte: the committed file must be what
// the generator makes from its pinned inputs, not an edited copy, and the
// generator must be deterministic. The inputs are golang.org/x/sys at the
// version go.mod pins and the files under internal/mktables/inputs, so this
// holds on any Linux machine with the module downloaded.
func TestGeneratedTablesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	goCmd := testenv.RequireCommand(t, "go")
	for i := range 2 {
		got := runGenerator(t, exec.Command(goCmd, "run", "./internal/mktables", "-o"))
		compareWithCommitted(t, got, i+1)
	}
}

// TestGeneratorIgnoresHostHeaders runs the generator in a mount namespace
// where /usr/include is an empty tmpfs: the host's kernel and libseccomp
// headers (which differ between distros and releases) must play no part in
// the tables.
func TestGeneratorIgnoresHostHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	testenv.RequireRoot(t)
	goCmd := testenv.RequireCommand(t, "go")
	unshare := testenv.RequireCommand(t, "unshare")
	script := `mount -t tmpfs secprof-empty /usr/include && test -z "$(ls -A /usr/include)" && exec "$0" run ./internal/mktables -o "$1"`
	got := runGenerator(t, exec.Command(unshare, "--mount", "--propagation", "private", "sh", "-c", script, goCmd))
	compareWithCommitted(t, got, 1)
}

// runGenerator runs cmd with an output path appended and returns what it
// wrote.
func runGenerator(t *testing.T, cmd *exec.Cmd) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ztables.go")
	cmd.Args = append(cmd.Args, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func compareWithCommitted(t *testing.T, got []byte, run int) {
	t.Helper()
	want, err := os.ReadFile("ztables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("run %d: regenerated tables differ from ztables.go; run go generate ./syscalls and commit the result", run)
	}
}
