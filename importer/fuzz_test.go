package importer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/secprof/secprof/profiles"
)

// FuzzImport: no input panics, and whatever Import writes parses as DSL.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := ImportJSON("fuzz.json", src)
		if out == nil {
			if !diags.HasErrors() {
				t.Fatal("no output and no error")
			}
			return
		}
		if _, pd := profiles.ParseDSL("fuzz.sp", out); pd.HasErrors() {
			t.Fatalf("imported DSL does not parse:\n%s\n%s", pd.Text(), out)
		}
	})
}
