package capabilities

import (
	"slices"
	"testing"
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
