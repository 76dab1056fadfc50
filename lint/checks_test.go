package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTableIsClosedAndStable: IDs sorted and unique, names unique and
// kebab-case, every check documented in one paragraph.
func TestTableIsClosedAndStable(t *testing.T) {
	id := regexp.MustCompile(`^SP\d{3}$`)
	name := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	names := map[string]bool{}
	for i, c := range checks {
		if !id.MatchString(string(c.ID)) || !name.MatchString(c.Name) {
			t.Errorf("check %q %q: want SPnnn and a kebab-case name", c.ID, c.Name)
		}
		if i > 0 && checks[i-1].ID >= c.ID {
			t.Errorf("checks not sorted by ID, or repeated, at %s", c.ID)
		}
		if names[c.Name] {
			t.Errorf("name %q used twice", c.Name)
		}
		names[c.Name] = true
		if c.Doc == "" || strings.Contains(c.Doc, "\n") {
			t.Errorf("%s: the doc must be one paragraph", c.ID)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, key := range []string{"SP101", "sp101", "family-bypass"} {
		if c, ok := Lookup(key); !ok || c.ID != FamilyBypass {
			t.Errorf("Lookup(%q) = %v, %v", key, c.ID, ok)
		}
	}
	if _, ok := Lookup("SP999"); ok {
		t.Error("Lookup(SP999) found a check")
	}
	if !slices.Equal(IDs()[:3], []string{"SP000", "SP101", "SP102"}) {
		t.Errorf("IDs() = %v", IDs())
	}
}

// docs/lint.md is generated; it must match the table.
func TestDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "docs", "lint.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Markdown() {
		t.Errorf("%s is stale; run go generate ./lint", path)
	}
}
