package compiler

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/syscalls"
)

// filterArches are the arch names Docker's includes/excludes may list: the
// host arch names of its loader, and x32, which Docker's own default lists
// though no host reports it.
var filterArches = append(syscalls.NativeArchNames(), "x32")

// Env is what Docker's includes/excludes are decided against when a
// container starts: its bounding capabilities, the host's arch (Docker's
// native name, e.g. amd64) and kernel.
type Env struct {
	Caps       []string
	NativeArch string
	Kernel     KernelVersion
}

// HostEnv is the environment of a default Docker container on this host.
func HostEnv() Env {
	return Env{Caps: capabilities.DockerDefault(), NativeArch: hostNativeArch(), Kernel: HostKernel()}
}

// hostNativeArch names this host's arch as moby's loader does (Go's names,
// but "x86" for 386 and the MIPS variants spelled out).
func hostNativeArch() string {
	switch runtime.GOARCH {
	case "386":
		return "x86"
	case "loong64":
		return "loongarch64"
	case "mips64le":
		return "mipsel64"
	case "mipsle":
		return "mipsel"
	}
	return runtime.GOARCH
}

// HostKernel reads the running kernel's version; 0.0 if it cannot.
func HostKernel() KernelVersion {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return KernelVersion{}
	}
	var k KernelVersion
	fmt.Sscanf(unix.ByteSliceToString(uts.Release[:]), "%d.%d", &k.Major, &k.Minor)
	return k
}

func (k KernelVersion) atLeast(min KernelVersion) bool {
	return k.Major > min.Major || (k.Major == min.Major && k.Minor >= min.Minor)
}

// Applies decides a rule's includes/excludes in env exactly as moby's
// loader does: excluded when any excluded arch or capability is present or
// the kernel is new enough; included only when the arch is listed, every
// included capability is present and the kernel is new enough.
func (r *Rule) Applies(env Env) bool {
	ex, in := r.Excludes, r.Includes
	if len(ex.Arches) > 0 && slices.Contains(ex.Arches, env.NativeArch) {
		return false
	}
	for _, c := range ex.Caps {
		if slices.Contains(env.Caps, c) {
			return false
		}
	}
	if ex.MinKernel != nil && env.Kernel.atLeast(*ex.MinKernel) {
		return false
	}
	if len(in.Arches) > 0 && !slices.Contains(in.Arches, env.NativeArch) {
		return false
	}
	for _, c := range in.Caps {
		if !slices.Contains(env.Caps, c) {
			return false
		}
	}
	if in.MinKernel != nil && !env.Kernel.atLeast(*in.MinKernel) {
		return false
	}
	return true
}

// Resolve returns the policy as a container in env would get it: rules
// whose includes/excludes do not hold are gone, the rest unconditional on
// them. Backends with no notion of includes (OCI, BPF) read this.
func (p *Policy) Resolve(env Env) *Policy {
	out := *p
	out.Rules = nil
	for _, r := range p.Rules {
		if !r.Applies(env) {
			continue
		}
		c := *r
		c.Includes, c.Excludes = Filter{}, Filter{}
		out.Rules = append(out.Rules, &c)
	}
	if len(p.ArchMap) > 0 {
		// Docker picks the archMap entry of the host's arch.
		out.Arches = nil
		for _, e := range p.ArchMap {
			if e.Arch == nativeToSCMP(env.NativeArch) {
				out.Arches = append([]string{e.Arch}, e.SubArches...)
			}
		}
		out.ArchMap = nil
	}
	return &out
}

// nativeToSCMP is the libseccomp arch (x86_64, aarch64…) an archMap entry
// for the host arch native is written with in the IR.
func nativeToSCMP(native string) string {
	scmp, _ := syscalls.NativeSCMP(native)
	return strings.ToLower(strings.TrimPrefix(scmp, "SCMP_ARCH_"))
}
