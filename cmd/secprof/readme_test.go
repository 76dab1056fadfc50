package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secprof/secprof/internal/testenv"
)

// readmeExamples returns the README's ```sp and ```json blocks, each with
// the line its block ends on.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeExample
	var cur *readmeExample
	for i, line := range strings.Split(string(readme), "\n") {
		switch {
		case cur == nil && (line == "```sp" || line == "```json"):
			cur = &readmeExample{ext: strings.TrimPrefix(line, "```")}
		case cur != nil && line == "```":
			cur.line = i + 1
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.src += line + "\n"
		}
	}
	return out
}

type readmeExample struct {
	ext, src string
	line     int
}

// Every example the README shows with a test block passes it, in the
// kernel and in a runc container, exactly as a reader would run it: an
// example that cannot hold its own promises would teach the wrong thing.
func TestREADMEExamplesPassTheirTests(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	dir := t.TempDir()
	n := 0
	for _, ex := range readmeExamples(t) {
		if !strings.Contains(ex.src, "test {") && !strings.Contains(ex.src, `"test":`) {
			continue
		}
		n++
		path := filepath.Join(dir, "readme-example."+ex.ext)
		if err := os.WriteFile(path, []byte(ex.src), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := run(t, "test", "--engine", "runc", path)
		if code != 0 {
			t.Errorf("the README example ending at line %d fails its own tests (exit %d):\n%s%s\n%s", ex.line, code, stdout, stderr, ex.src)
		}
	}
	if n < 2 {
		t.Fatalf("found %d README examples with a test block; the full DSL and JSON examples have one", n)
	}
}
