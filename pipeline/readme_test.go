package pipeline

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/secprof/secprof/compiler"
)

// Every profile the README shows (```sp and ```json blocks) compiles: the
// documentation cannot drift from the language.
func TestREADMEExamplesCompile(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var lang string
	var block []string
	n := 0
	for i, line := range strings.Split(string(readme), "\n") {
		switch {
		case lang == "" && (line == "```sp" || line == "```json"):
			lang, block = strings.TrimPrefix(line, "```"), nil
		case lang != "" && line == "```":
			n++
			name := fmt.Sprintf("README.md-block-%d.%s", i, lang)
			src := strings.Join(block, "\n") + "\n"
			if _, diags, err := LoadSource(name, []byte(src), compiler.Options{}); err != nil {
				t.Errorf("README example ending at line %d does not compile:\n%s\n%s", i+1, src, diags.Text())
			}
			lang = ""
		case lang != "":
			block = append(block, line)
		}
	}
	if n < 4 {
		t.Fatalf("found only %d examples in the README", n)
	}
}
