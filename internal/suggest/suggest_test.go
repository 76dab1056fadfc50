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
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"ab", "ba", 1},
		{"chmod", "chmod", 0},
		{"chmdo", "chmod", 1}, // transposition
		{"chmd", "chmod", 1},  // insertion
		{"chmodd", "chmod", 1},
		{"chmox", "chmod", 1},
		{"ca", "abc", 3}, // OSA, not full Damerau (which gives 2)
		{"kitten", "sitting", 3},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
	var r Rows
	if got := r.Distance("abcdefgh", "zzzzzzzz", 2); got < 2 {
		t.Errorf("Distance with stop 2 = %d; want >= 2", got)
	}
}
