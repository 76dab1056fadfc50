// Package target defines what a profile is decided for: the one
// environment type that Docker's includes/excludes are judged in, shared by
// the compiler, its semantic oracle, every backend that cannot carry those
// filters (OCI, BPF), and the --arch, --kernel and --caps flags of compile,
// test and diff. Outputs depend on the target, never on the machine secprof
// happens to run on.
package target

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/syscalls"
)

// Env is a container's environment as Docker's seccomp loader sees it when
// the container starts: its bounding capabilities, the host's arch (Docker's
// native name, e.g. amd64) and the host's kernel.
type Env struct {
	// Caps is the container's bounding set, CAP_* names, sorted.
	Caps []string `json:"caps"`
	// NativeArch is the host's arch as Docker names it (amd64, x86, arm64,
	// s390x…): the name includes.arches and excludes.arches are matched with.
	NativeArch syscalls.NativeArch `json:"arch"`
	// Kernel is the host's kernel; the zero value is Latest.
	Kernel Kernel `json:"kernel"`
}

// MarshalJSON writes the target for --json output, with [] for no
// capabilities.
func (e Env) MarshalJSON() ([]byte, error) {
	type plain Env
	if e.Caps == nil {
		e.Caps = []string{}
	}
	return json.Marshal(plain(e))
}

// Defaults of the target flags, the same for every command.
const (
	DefaultArch   = "amd64"
	DefaultKernel = "latest"
	DefaultCaps   = "docker-default"
)

// Default is a default Docker container (Docker's default capabilities) on
// an amd64 host with a kernel newer than every minKernel: what profiles are
// usually written for.
func Default() Env {
	return Env{Caps: capabilities.DockerDefault(), NativeArch: DefaultArch}
}

// Parse reads the three target flags. arch is a Docker arch name (amd64,
// arm64…), a libseccomp or uname one (x86_64, aarch64), or "host"; kernel
// is MAJOR.MINOR, "latest" or "host"; caps is docker-default, all, none or
// a comma-separated list.
func Parse(arch, kernel, caps string) (Env, error) {
	var env Env
	var err error
	if env.NativeArch, err = ParseArch(arch); err != nil {
		return Env{}, fmt.Errorf("--arch: %w", err)
	}
	if env.Kernel, err = ParseKernel(kernel); err != nil {
		return Env{}, fmt.Errorf("--kernel: %w", err)
	}
	if env.Caps, err = capabilities.Parse(caps); err != nil {
		return Env{}, fmt.Errorf("--caps: %w", err)
	}
	return env, nil
}

// String names the target in one line: "amd64, kernel latest, 14 capabilities".
func (e Env) String() string {
	return fmt.Sprintf("%s, kernel %s, capabilities %s", e.NativeArch, e.Kernel, capabilities.Describe(e.Caps))
}

// ParseArch reads a native arch as Docker names it (amd64, x86, arm64…),
// as libseccomp and uname do (x86_64, i386, aarch64), or "host".
func ParseArch(s string) (syscalls.NativeArch, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "host" {
		return HostArch(), nil
	}
	if _, ok := syscalls.NativeArch(s).Arch(); ok {
		return syscalls.NativeArch(s), nil
	}
	if a, ok := syscalls.ParseFilterableArch(s); ok {
		if native, ok := a.Native(); ok {
			return native, nil
		}
	}
	var known []string
	for _, n := range syscalls.NativeArches() {
		known = append(known, n.String())
	}
	return "", fmt.Errorf("unknown arch %q (known: host, %s)", s, strings.Join(known, ", "))
}

// HostArch names this machine's arch as moby's loader does (Go's names,
// but "x86" for 386 and the MIPS variants spelled out).
func HostArch() syscalls.NativeArch {
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
	return syscalls.NativeArch(runtime.GOARCH)
}

// Kernel is a kernel version, major.minor. The zero value is Latest: a
// kernel at least as new as every minKernel a profile names, so every
// kernel-gated include applies and every kernel-gated exclude drops its
// rule. A kernel that cannot be read is never taken as 0.0.
type Kernel struct{ Major, Minor uint64 }

// Latest is the kernel newer than every minKernel.
var Latest = Kernel{}

// IsLatest reports whether k is Latest.
func (k Kernel) IsLatest() bool { return k == Latest }

// String writes "5.8", or "latest".
func (k Kernel) String() string {
	if k.IsLatest() {
		return "latest"
	}
	return fmt.Sprintf("%d.%d", k.Major, k.Minor)
}

// MarshalText writes the kernel as String does, for --json output.
func (k Kernel) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// AtLeast reports whether k is min or newer; Latest is newer than all.
func (k Kernel) AtLeast(min Kernel) bool {
	if k.IsLatest() {
		return true
	}
	return k.Major > min.Major || (k.Major == min.Major && k.Minor >= min.Minor)
}

// ParseVersion reads MAJOR.MINOR, as a profile's minKernel is written.
func ParseVersion(s string) (Kernel, bool) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return Kernel{}, false
	}
	major, err1 := strconv.ParseUint(a, 10, 32)
	minor, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil {
		return Kernel{}, false
	}
	return Kernel{Major: major, Minor: minor}, true
}

// ParseKernel reads the --kernel flag: MAJOR.MINOR, "latest" or "host".
func ParseKernel(s string) (Kernel, error) {
	switch s = strings.TrimSpace(s); s {
	case "latest":
		return Latest, nil
	case "host":
		return HostKernel()
	}
	k, ok := ParseVersion(s)
	if !ok || k.IsLatest() {
		return Kernel{}, fmt.Errorf("bad kernel %q: expected MAJOR.MINOR such as 5.8, latest or host", s)
	}
	return k, nil
}

// HostKernel reads the running kernel's version.
func HostKernel() (Kernel, error) {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return Kernel{}, fmt.Errorf("reading the host's kernel version: %w", err)
	}
	release := unix.ByteSliceToString(uts.Release[:])
	var k Kernel
	if n, _ := fmt.Sscanf(release, "%d.%d", &k.Major, &k.Minor); n != 2 || k.IsLatest() {
		return Kernel{}, fmt.Errorf("cannot read the host's kernel version from %q", release)
	}
	return k, nil
}

// ThisHost is a default Docker container on this machine's arch, with the
// Latest kernel: the target of a check that runs here.
func ThisHost() Env {
	env := Default()
	env.NativeArch = HostArch()
	return env
}
