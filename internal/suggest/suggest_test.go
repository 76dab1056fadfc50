package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"chmod", "chown", "fchmodat", "fchmodat2", "allow", "deny"}
	for _, tc := range []struct{ word, want string }{
		{"chmdo", "chmod"},  // transposition
		{"chmodd", "chmod"}, // insertion
		{"fchmodatt", "fchmodat"},
		{"alow", "allow"},
		{"xyzzy", ""},
		{"chmod", ""}, // exact: nothing to suggest
		{"a", ""},
	} {
		if got := Closest(tc.word, names); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"ab", "ba", 1}, {"kitten", "sitting", 3}} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
