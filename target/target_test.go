package target

import (
	"strings"
	"testing"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/syscalls"
)

func TestParseArch(t *testing.T) {
	for in, want := range map[string]syscalls.NativeArch{"amd64": "amd64", "x86_64": "amd64", "i386": "x86", "x86": "x86", "aarch64": "arm64", "s390x": "s390x", "host": HostArch()} {
		if got, err := ParseArch(in); err != nil || got != want {
			t.Errorf("ParseArch(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseArch("vax"); err == nil {
		t.Error("ParseArch accepted vax")
	}
}

func TestParseKernel(t *testing.T) {
	for in, want := range map[string]Kernel{"latest": Latest, "5.8": {5, 8}, "4.14": {4, 14}} {
		if got, err := ParseKernel(in); err != nil || got != want {
			t.Errorf("ParseKernel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// 0.0 would read as Latest: a kernel that old is a mistake, not a target.
	for _, bad := range []string{"", "5", "5.x", "0.0", "-1.2", "5.8.1"} {
		if k, err := ParseKernel(bad); err == nil {
			t.Errorf("ParseKernel(%q) = %v; want an error", bad, k)
		}
	}
	host, err := ParseKernel("host")
	if err != nil || host.IsLatest() {
		t.Errorf("ParseKernel(host) = %v, %v; want this machine's kernel", host, err)
	}
}

// An unknown kernel is never taken as older than every minKernel: the
// Latest kernel is at least every version, and a real one compares by
// major, then minor.
func TestKernelAtLeast(t *testing.T) {
	tests := []struct {
		k, min Kernel
		want   bool
	}{
		{Latest, Kernel{99, 99}, true},
		{Kernel{5, 8}, Kernel{5, 8}, true},
		{Kernel{5, 7}, Kernel{5, 8}, false},
		{Kernel{6, 0}, Kernel{5, 8}, true},
		{Kernel{4, 14}, Kernel{5, 3}, false},
	}
	for _, tt := range tests {
		if got := tt.k.AtLeast(tt.min); got != tt.want {
			t.Errorf("%v.AtLeast(%v) = %v, want %v", tt.k, tt.min, got, tt.want)
		}
	}
}

func TestParseAndDescribe(t *testing.T) {
	env, err := Parse(DefaultArch, DefaultKernel, DefaultCaps)
	if err != nil {
		t.Fatal(err)
	}
	if got := env.String(); got != "amd64, kernel latest, capabilities docker-default" {
		t.Errorf("default target reads %q", got)
	}
	if len(env.Caps) != len(capabilities.DockerDefault()) {
		t.Errorf("default caps %v", env.Caps)
	}
	for _, bad := range [][3]string{{"vax", "latest", "none"}, {"amd64", "five", "none"}, {"amd64", "latest", "CAP_NOPE"}} {
		_, err := Parse(bad[0], bad[1], bad[2])
		if err == nil || !strings.HasPrefix(err.Error(), "--") {
			t.Errorf("Parse(%q) = %v; want an error naming the flag", bad, err)
		}
	}
}
