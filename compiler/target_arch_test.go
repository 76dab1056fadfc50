package compiler

import (
	"strings"
	"testing"

	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/syscalls"
)

// A Docker profile without architectures, or with an archMap, filters the
// ABIs of the host it runs on, so names are checked against the target's
// arch, not always x86_64's: for an arm64 target, "deny open" decides
// nothing (arm64 has only openat), and iopl is on neither arm64 nor arm.
func TestNamesAreCheckedForTheTargetArch(t *testing.T) {
	const noArches = `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["open"],"action":"SCMP_ACT_ERRNO"}]}`
	const archMap = `{"defaultAction":"SCMP_ACT_ALLOW",
		"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},{"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],
		"syscalls":[{"names":["iopl"],"action":"SCMP_ACT_ERRNO"}]}`
	tests := []struct {
		name, src string
		native    syscalls.NativeArch
		want      []string // substrings of the warnings, in order; nil: none about names
	}{
		{"no arches, amd64", noArches, "amd64", nil},
		{"no arches, default target", noArches, "", nil},
		{"no arches, arm64", noArches, "arm64", []string{`no syscall "open" on aarch64`}},
		{"archMap, amd64", archMap, "amd64", nil},
		{"archMap, arm64", archMap, "arm64", []string{`no syscall "iopl" on aarch64 or arm`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, diags := profiles.Parse("p.json", []byte(tt.src))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			_, cd := Compile(f, Options{Native: tt.native})
			var got []string
			for _, d := range cd {
				if strings.Contains(d.Message, "no syscall") {
					got = append(got, d.Message)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("warnings about names: %q; want ones containing %q", got, tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("warning %q; want it to contain %q", got[i], tt.want[i])
				}
			}
		})
	}
}
