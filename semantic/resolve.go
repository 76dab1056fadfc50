package semantic

import (
	"errors"
	"fmt"
	"slices"

	"github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// SeccompArch is the seccomp arch of a Docker native arch name
// (amd64 → SCMP_ARCH_X86_64).
func SeccompArch(native syscalls.NativeArch) (specs.Arch, bool) {
	a, ok := native.Arch()
	return specs.Arch(a.SCMPName()), ok
}

// Resolve decides a Docker-format profile for env as moby's loader
// (setupSeccomp) decides it for the host it runs on, and returns its Table.
// It does not modify p.
func Resolve(p *seccomp.Seccomp, env target.Env) (*Table, error) {
	oci, err := ResolveOCI(p, env)
	if err != nil {
		return nil, err
	}
	native, _ := env.NativeArch.Arch()
	return fromOCI(oci, native)
}

// ResolveOCI is Resolve's first half: the OCI profile runc would receive
// from moby's loader in env. A nil result means no filter (a profile with
// neither a default action nor rules).
func ResolveOCI(p *seccomp.Seccomp, env target.Env) (*specs.LinuxSeccomp, error) {
	native, ok := SeccompArch(env.NativeArch)
	if !ok {
		return nil, fmt.Errorf("unknown native arch %q (known: %s)", env.NativeArch, syscalls.JoinArches(syscalls.NativeArches(), ", "))
	}
	if p == nil || (p.DefaultAction == "" && len(p.Syscalls) == 0) {
		return nil, nil
	}
	if len(p.Architectures) != 0 && len(p.ArchMap) != 0 {
		return nil, errors.New("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'")
	}
	if len(p.LinuxSeccomp.Syscalls) != 0 {
		return nil, errors.New("the LinuxSeccomp.Syscalls field should be empty")
	}
	out := p.LinuxSeccomp
	out.Architectures = slices.Clone(p.Architectures)
	for _, a := range p.ArchMap {
		if a.Arch == native {
			out.Architectures = append(out.Architectures, a.Arch)
			out.Architectures = append(out.Architectures, a.SubArches...)
			break
		}
	}
	out.Syscalls = nil
	for i, call := range p.Syscalls {
		if call == nil {
			return nil, fmt.Errorf("syscalls[%d] is null", i)
		}
		s := call.LinuxSyscall
		if call.Name != "" {
			if len(call.Names) != 0 {
				return nil, errors.New("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'")
			}
			s.Names = []string{call.Name}
		}
		if call.Excludes != nil && matchesAny(env, call.Excludes) {
			continue
		}
		if call.Includes != nil && !matchesAll(env, call.Includes) {
			continue
		}
		out.Syscalls = append(out.Syscalls, s)
	}
	return &out, nil
}

// matchesAny is moby's excludes test: the rule is dropped when the native
// arch is listed, when any listed capability is held, or when the kernel is
// at least minKernel.
func matchesAny(env target.Env, f *seccomp.Filter) bool {
	if slices.Contains(f.Arches, string(env.NativeArch)) {
		return true
	}
	for _, c := range f.Caps {
		if slices.Contains(env.Caps, c) {
			return true
		}
	}
	return f.MinKernel != nil && kernelAtLeast(env, *f.MinKernel)
}

// matchesAll is moby's includes test: the rule is kept only when the native
// arch is listed (if any are), every listed capability is held, and the
// kernel is at least minKernel.
func matchesAll(env target.Env, f *seccomp.Filter) bool {
	if len(f.Arches) > 0 && !slices.Contains(f.Arches, string(env.NativeArch)) {
		return false
	}
	for _, c := range f.Caps {
		if !slices.Contains(env.Caps, c) {
			return false
		}
	}
	return f.MinKernel == nil || kernelAtLeast(env, *f.MinKernel)
}

// kernelAtLeast is moby's kernel test; the target's Latest kernel is newer
// than every minKernel.
func kernelAtLeast(env target.Env, min seccomp.KernelVersion) bool {
	return env.Kernel.AtLeast(target.Kernel{Major: min.Kernel, Minor: min.Major})
}
