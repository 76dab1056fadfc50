package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/syscalls/hostlib"
	"github.com/secprof/secprof/target"
)

// A name the host's libseccomp does not know gets one warning from
// compile, not one from the compiler and a second, reworded, from the
// libseccomp build of the same filter.
func TestUnknownToHostWarnsOnce(t *testing.T) {
	// The newest calls in the tables; libseccomp 2.5.4 knows none of them.
	name := ""
	for _, n := range []string{"mseal", "listmount", "statmount", "uretprobe", "setxattrat", "getxattrat"} {
		if _, ok := syscalls.Number(syscalls.X86_64, n); ok && !hostlib.Knows(syscalls.X86_64, n) {
			name = n
			break
		}
	}
	path := filepath.Join(t.TempDir(), "p.sp")
	rule := "deny " + name
	if name == "" {
		rule = "deny chmod" // this libseccomp knows them all: no warning is right
	}
	if err := os.WriteFile(path, []byte("default allow\n"+rule+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	discard := func([]byte) error { return nil }
	for _, format := range []string{"docker", "oci", "bpf"} {
		diags, err := Compile(CompileRequest{Files: []string{path}, Formats: []string{format}, Env: target.Default(), Options: HostOptions()}, discard)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(diags.Text(), "does not know")
		if want := map[bool]int{true: 1, false: 0}[name != ""]; n != want {
			t.Errorf("-f %s: %d warnings about %q unknown to libseccomp %s, want %d:\n%s", format, n, name, hostlib.Version(), want, diags.Text())
		}
	}
}
