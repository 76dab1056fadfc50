// Package capabilities names Linux capabilities the way Docker's seccomp
// filters do (CAP_SYS_ADMIN) and knows the sets profiles are judged
// under: Docker's default set and every capability the kernel defines.
package capabilities

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/moby/sys/capability"
)

// DockerDefault is the set Docker gives a container that asks for nothing
// more, sorted. Docker's default seccomp profile is written against it.
func DockerDefault() []string { return slices.Clone(dockerDefault) }

// dockerDefault is moby's oci/caps.DefaultCapabilities, sorted, written out
// so that the binary does not link github.com/docker/docker for fourteen
// names; TestDockerDefaultIsMobys holds it to moby's list.
var dockerDefault = []string{
	"CAP_AUDIT_WRITE",
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_MKNOD",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_RAW",
	"CAP_SETFCAP",
	"CAP_SETGID",
	"CAP_SETPCAP",
	"CAP_SETUID",
	"CAP_SYS_CHROOT",
}

// All is every capability the kernel defines, sorted.
func All() []string { return slices.Clone(all()) }

var all = sync.OnceValue(func() []string {
	var out []string
	for _, c := range capability.ListKnown() {
		out = append(out, "CAP_"+strings.ToUpper(c.String()))
	}
	slices.Sort(out)
	return out
})

// Known reports whether name (CAP_ prefixed) is a capability.
func Known(name string) bool {
	_, ok := slices.BinarySearch(all(), name)
	return ok
}

// Canonical writes a capability as Docker does: upper case, CAP_ prefix.
func Canonical(name string) string {
	n := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(n, "CAP_") {
		n = "CAP_" + n
	}
	return n
}

// Parse reads a --caps value: docker-default, all, none, or a
// comma-separated list of capabilities with or without the CAP_ prefix.
func Parse(s string) ([]string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "docker-default", "default":
		return DockerDefault(), nil
	case "all":
		return All(), nil
	case "none", "":
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		c := Canonical(f)
		if !Known(c) {
			return nil, fmt.Errorf("unknown capability %q", strings.TrimSpace(f))
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Describe names a capability set the way Parse reads it back: the name of
// a known set, or the list.
func Describe(caps []string) string {
	switch {
	case len(caps) == 0:
		return "none"
	case slices.Equal(caps, dockerDefault):
		return "docker-default"
	case slices.Equal(caps, all()):
		return "all"
	}
	return strings.Join(caps, ",")
}
