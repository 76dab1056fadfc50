package capabilities

import (
	"slices"
	"testing"

	"github.com/docker/docker/oci/caps"
)

func TestSets(t *testing.T) {
	def := DockerDefault()
	if !slices.Contains(def, "CAP_CHOWN") || slices.Contains(def, "CAP_SYS_ADMIN") {
		t.Errorf("Docker's default set: %v", def)
	}
	for _, c := range def {
		if !Known(c) {
			t.Errorf("default capability %s is not a kernel capability", c)
		}
	}
	if !Known("CAP_SYS_ADMIN") || !Known("CAP_BPF") || Known("CAP_SYS_ADMN") {
		t.Error("Known disagrees with the kernel's list")
	}
}

func TestParse(t *testing.T) {
	got, err := Parse("sys_admin, CAP_NET_RAW,net_raw")
	if err != nil || !slices.Equal(got, []string{"CAP_NET_RAW", "CAP_SYS_ADMIN"}) {
		t.Errorf("Parse list = %v, %v", got, err)
	}
	if got, _ := Parse("none"); got != nil {
		t.Errorf("none = %v", got)
	}
	if got, _ := Parse("all"); len(got) < 40 {
		t.Errorf("all has %d capabilities", len(got))
	}
	if _, err := Parse("sys_admn"); err == nil {
		t.Error("unknown capability accepted")
	}
}

// TestDockerDefaultIsMobys holds the written-out default set to the one
// moby gives a container, so a moby upgrade that changes it fails here.
func TestDockerDefaultIsMobys(t *testing.T) {
	want := caps.DefaultCapabilities()
	slices.Sort(want)
	if got := DockerDefault(); !slices.Equal(got, want) {
		t.Errorf("DockerDefault() = %v\nmoby's oci/caps.DefaultCapabilities() = %v", got, want)
	}
}
