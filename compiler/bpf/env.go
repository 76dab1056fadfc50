package bpf

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/docker/docker/oci/caps"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/compiler"
)

// Env is what Docker's includes/excludes are resolved against: the
// container's capabilities and the host's arch and kernel. A rule that does
// not apply to the Env is left out of the filter, as moby's loader leaves it
// out of the OCI spec it hands to runc.
type Env struct {
	// Caps is the container's bounding capability set, e.g. CAP_SYS_ADMIN.
	Caps []string
	// Arch is the host's native arch as Docker's filters name it: amd64,
	// x86, arm64… Only the native arch counts, never the sub-arches, as in
	// moby.
	NativeArch string
	// Kernel is the host kernel; only major.minor take part, as in moby.
	Kernel compiler.KernelVersion
}

// DockerDefaultCaps is the capability set Docker gives a container that asks
// for nothing else, taken from Docker's own source.
func DockerDefaultCaps() []string { return caps.DefaultCapabilities() }

// goToDocker maps GOARCH to the arch names Docker's filters use; it is the
// correspondence moby's loader applies to runtime.GOARCH.
var goToDocker = map[string]string{
	"386": "x86", "amd64": "amd64", "arm": "arm", "arm64": "arm64",
	"loong64": "loongarch64", "mips64": "mips64", "mips64p32": "mips64n32",
	"mips64le": "mipsel64", "mips64p32le": "mips3l64n32", "mipsle": "mipsel",
	"ppc": "ppc", "ppc64": "ppc64", "ppc64le": "ppc64le", "riscv64": "riscv64",
	"s390": "s390", "s390x": "s390x",
}

// HostEnv is the Env of a default `docker run` on this host: Docker's default
// capabilities, the native arch and the running kernel.
func HostEnv() (Env, error) {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return Env{}, fmt.Errorf("reading the kernel version: %w", err)
	}
	kv, err := parseRelease(unix.ByteSliceToString(uts.Release[:]))
	if err != nil {
		return Env{}, err
	}
	return Env{Caps: DockerDefaultCaps(), NativeArch: goToDocker[runtime.GOARCH], Kernel: kv}, nil
}

// parseRelease reads major.minor from a kernel release such as
// "6.1.0-18-amd64", ignoring the rest as moby does.
func parseRelease(release string) (compiler.KernelVersion, error) {
	var kv compiler.KernelVersion
	if _, err := fmt.Sscanf(release, "%d.%d", &kv.Major, &kv.Minor); err != nil {
		return kv, fmt.Errorf("reading kernel release %q: %w", release, err)
	}
	return kv, nil
}

// Applies reports whether a rule is part of the filter in env. It follows
// moby's setupSeccomp: excludes first (any listed arch or capability, or a
// kernel at least MinKernel, drops the rule), then includes (the native arch
// must be listed, every capability held, and the kernel at least MinKernel).
func (env Env) Applies(r *compiler.Rule) bool {
	ex := r.Excludes
	if slices.Contains(ex.Arches, env.NativeArch) {
		return false
	}
	for _, c := range ex.Caps {
		if slices.Contains(env.Caps, c) {
			return false
		}
	}
	if ex.MinKernel != nil && env.kernelAtLeast(*ex.MinKernel) {
		return false
	}
	in := r.Includes
	if len(in.Arches) > 0 && !slices.Contains(in.Arches, env.NativeArch) {
		return false
	}
	for _, c := range in.Caps {
		if !slices.Contains(env.Caps, c) {
			return false
		}
	}
	if in.MinKernel != nil && !env.kernelAtLeast(*in.MinKernel) {
		return false
	}
	return true
}

func (env Env) kernelAtLeast(v compiler.KernelVersion) bool {
	if env.Kernel.Major != v.Major {
		return env.Kernel.Major > v.Major
	}
	return env.Kernel.Minor >= v.Minor
}
