// Package safename checks names that secprof uses both as an AppArmor
// profile name and as a file name in an output directory: one checker, so
// a name AppArmor accepts can never walk out of `-o DIR/`.
package safename

import "fmt"

// MaxLen bounds a name so that NAME + the longest output extension
// (".oci.json") and atomicfile's temporary-file affixes stay under the
// 255 bytes a file name may have on Linux file systems.
const MaxLen = 200

// Check reports a name that is not one path element of safe characters:
// letters, digits, and - _ . after the first. The first character is a
// letter or digit, so ".", ".." and hidden files are impossible, and "/"
// never appears.
func Check(name string) error {
	if name == "" {
		return fmt.Errorf("empty profile name")
	}
	if len(name) > MaxLen {
		return fmt.Errorf("profile name of %d bytes is too long; at most %d", len(name), MaxLen)
	}
	for i, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			i > 0 && (c == '-' || c == '_' || c == '.')
		if !ok {
			return fmt.Errorf("profile name %q: %q is not allowed; use letters, digits, and - _ . after the first", name, c)
		}
	}
	return nil
}
