package safename

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, ok := range []string{"web", "docker-default", "a.b_c-1", "0day", strings.Repeat("a", MaxLen)} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v, want ok", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../../evil", "/etc/passwd", "a/b", ".hidden", "-x", "a b", "a\x00b", "é", "a\\b", strings.Repeat("a", MaxLen+1)} {
		if err := Check(bad); err == nil {
			t.Errorf("Check(%q) accepted it", bad)
		}
	}
}

// Whatever Check accepts is one path element that stays in its directory.
func FuzzCheckIsOnePathElement(f *testing.F) {
	for _, s := range []string{"web", "..", "a/b", "a.", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if Check(name) != nil {
			return
		}
		joined := filepath.Join("out", name+".json")
		if filepath.Dir(joined) != "out" || filepath.Base(joined) != name+".json" {
			t.Fatalf("%q leaves the directory: %s", name, joined)
		}
	})
}
