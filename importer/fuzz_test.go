package importer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic/srcdiff"
)

// seedFiles are the Docker JSON files of the repository's testdata, at any
// depth, for the fuzzer's corpus and the import property test.
func seedFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, dir := range []string{"testdata", filepath.Join("..", "testdata")} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(path) == ".json" {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		tb.Fatal("no JSON files under testdata")
	}
	return files
}

// checkImportProperty holds import to compile: both accept exactly the
// same Docker JSON, and for every input both accept, import's output
// compiles and diff reports it equal to the input in every environment the
// tests know.
func checkImportProperty(t *testing.T, name string, src []byte) {
	t.Helper()
	f, pd := profiles.Parse(name, src)
	if pd.HasErrors() || f.Format != profiles.FormatDocker {
		return // not Docker JSON: import refuses it (TestImportRejects)
	}
	_, cd := compiler.Compile(f, compiler.Options{})
	out, id := ImportJSON(name, src, compiler.Options{})
	if cd.HasErrors() != (out == nil) {
		t.Fatalf("compile and import disagree on accepting the input:\ncompile: %s\nimport: %s\n%s", cd.Text(), id.Text(), src)
	}
	if out == nil {
		if !id.HasErrors() {
			t.Fatal("import wrote nothing and said nothing")
		}
		return
	}
	for envName, env := range envs() {
		rep, dd, err := srcdiff.Sources(name, src, name+".sp", out, srcdiff.Options{Env: env})
		if err != nil {
			t.Fatalf("diff of the input and its import in %s: %v\n%s\n%s", envName, err, dd.Text(), out)
		}
		if ds := rep.Differences; len(ds) > 0 {
			t.Fatalf("the import decides differently in %s:\n%s\n%s", envName, rep.Text(), out)
		}
	}
}

// Every Docker JSON file of the repository and of the third-party profiles
// holds the import property.
func TestImportPropertyOnFiles(t *testing.T) {
	files := append(seedFiles(t), testenv.ThirdPartyFiles(t)...)
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkImportProperty(t, filepath.Base(path), src)
		})
	}
}

func FuzzImport(f *testing.F) {
	for _, path := range seedFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkImportProperty(t, "fuzz.json", src)
	})
}
