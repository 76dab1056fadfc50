package compiler

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/secprof/secprof/syscalls"
)

func TestFamiliesWellFormed(t *testing.T) {
	fs := Families()
	if !slices.IsSortedFunc(fs, func(a, b Family) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("families are not sorted by name")
	}
	for i, f := range fs {
		if i > 0 && fs[i-1].Name == f.Name {
			t.Errorf("family @%s defined twice", f.Name)
		}
		if f.Doc == "" || len(f.Members) == 0 {
			t.Errorf("@%s has no doc or no members", f.Name)
		}
		if !slices.IsSorted(f.Members) || len(slices.Compact(slices.Clone(f.Members))) != len(f.Members) {
			t.Errorf("@%s: members not sorted and unique: %v", f.Name, f.Members)
		}
		for _, m := range f.Members {
			if len(syscalls.ArchesOf(m)) == 0 {
				t.Errorf("@%s: %q is a syscall on no arch", f.Name, m)
			}
		}
	}
}

// A family that names a call must name the twins x86's 32-bit ABI offers
// for it (chown32, setuid32, clock_settime64, semtimedop_time64): they are
// separate syscall numbers, and a deny-list that forgets them is walked
// around with int 0x80.
func TestFamiliesIncludeX86Twins(t *testing.T) {
	for _, f := range Families() {
		for _, m := range f.Members {
			for _, suffix := range []string{"32", "64", "_time64"} {
				twin := m + suffix
				if slices.Contains(syscalls.ArchesOf(twin), syscalls.X86) && !slices.Contains(f.Members, twin) {
					t.Errorf("@%s has %s but not its x86 twin %s", f.Name, m, twin)
				}
			}
		}
	}
}

func TestLookupFamily(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"chmod", []string{"chmod", "fchmod", "fchmodat", "fchmodat2"}},
		{"@chown", []string{"chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32"}},
	}
	for _, tt := range tests {
		f, ok := LookupFamily(tt.name)
		if !ok || !slices.Equal(f.Members, tt.want) {
			t.Errorf("LookupFamily(%q) = %v, %v; want %v", tt.name, f.Members, ok, tt.want)
		}
	}
	if _, ok := LookupFamily("chmdo"); ok {
		t.Error("LookupFamily found a family that does not exist")
	}
	// Callers get copies: changing one does not change the definition.
	f, _ := LookupFamily("chmod")
	f.Members[0] = "changed"
	if g, _ := LookupFamily("chmod"); g.Members[0] != "chmod" {
		t.Error("LookupFamily returned the definition itself")
	}
}

// docs/families.md is generated; it must match the definitions.
func TestFamiliesDocUpToDate(t *testing.T) {
	path := filepath.Join("..", "docs", "families.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != FamiliesMarkdown() {
		t.Errorf("%s is out of date: run go generate ./compiler", path)
	}
}

// TestOperationsAreSyscalls: every member of the twin table is a syscall
// on some arch, so a typo cannot quietly shrink a family bypass check.
func TestOperationsAreSyscalls(t *testing.T) {
	for _, op := range operations {
		for _, n := range op {
			if len(syscalls.ArchesOf(n)) == 0 {
				t.Errorf("operation %v: %q is no syscall on any arch", op, n)
			}
		}
	}
}
