package container

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/verify/rootfs"
)

// OCI is the engine for an OCI runtime CLI, runc or crun: it writes a
// bundle whose config.json (runtime-spec types) takes the profile's
// linux.seccomp and runs it with "RUNTIME run".
type OCI struct {
	runtime string
	// stateRoot is the runtime's --root, given explicitly so that leftovers
	// are where "RUNTIME list" looks and can be checked without a process.
	stateRoot string

	usableOnce sync.Once
	usableErr  error
	probed     memo
}

// NewOCI returns the engine for the runtime binary ("runc" or "crun").
func NewOCI(runtime string) *OCI {
	return &OCI{runtime: runtime, stateRoot: "/run/" + runtime}
}

// Name is the runtime's name.
func (e *OCI) Name() string { return e.runtime }

// StateRoot is the directory the runtime keeps container state in.
func (e *OCI) StateRoot() string { return e.stateRoot }

// Available checks, once per engine, that the runtime can be used (see
// usable) and that it really starts a container here, which costs one
// container start: crun 1.8 refuses hybrid cgroup v1/v2 hosts, for example.
func (e *OCI) Available(ctx context.Context) error {
	if err := e.usable(); err != nil {
		return err
	}
	return e.probed.do(ctx, func() error { return e.probe(ctx) })
}

// usable checks what costs no container: the runtime is installed, and
// secprof runs as root (test containers are not rootless, so that root in
// the container has Docker's capabilities).
func (e *OCI) usable() error {
	e.usableOnce.Do(func() {
		if _, err := exec.LookPath(e.runtime); err != nil {
			e.usableErr = &UnavailableError{Engine: e.runtime, Reason: e.runtime + " is not on PATH (run scripts/setup.sh)"}
		} else if os.Geteuid() != 0 {
			e.usableErr = &UnavailableError{Engine: e.runtime, Reason: "needs root"}
		}
	})
	return e.usableErr
}

func (e *OCI) probe(ctx context.Context) error {
	fsys, err := ensureTree(e.runtime)
	if err != nil {
		return err
	}
	nonce := randomHex(8)
	f := newFollower(nonce, nil, nil)
	out, err := e.runContainer(ctx, Spec(fsys.Dir, nil, nil, driverArgs(nonce, nil)), f)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &UnavailableError{Engine: e.runtime, Reason: err.Error()}
	}
	if rep := f.finish(out.exit, out.stderr); !rep.done {
		return &UnavailableError{Engine: e.runtime, Reason: fmt.Sprintf("it does not start a container here (exit %d): %s", out.exit, orNothing(strings.TrimSpace(out.stderr)))}
	}
	return nil
}

// Run runs the checks in one container under p.OCI and, when a check
// expects a failure, in a control container without a seccomp section,
// at the same time. It probes the runtime only when a container does not
// start, to tell a runtime that cannot run containers here
// (UnavailableError) from a profile that stops the driver (failed results).
func (e *OCI) Run(ctx context.Context, p Profile, checks []Check, progress func(int)) ([]Result, error) {
	if p.OCI == nil {
		return nil, fmt.Errorf("%s: the profile has no OCI seccomp section", e.runtime)
	}
	if err := e.usable(); err != nil {
		return nil, err
	}
	missing, err := ungrantable(p.Caps)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, &UnavailableError{Engine: e.runtime, Reason: fmt.Sprintf("it cannot give the container %s: secprof's own capability bounding set lacks it here", strings.Join(missing, ", "))}
	}
	e.removeLeftoverContainers(ctx)
	fsys, err := ensureTree(e.runtime)
	if err != nil {
		return nil, err
	}
	ran := runPair(ctx, checks, progress, func(ctx context.Context, withProfile bool, args []string, out *follower) (runOut, error) {
		var seccomp *specs.LinuxSeccomp
		if withProfile {
			seccomp = p.OCI
		}
		return e.runContainer(ctx, Spec(fsys.Dir, p.Caps, seccomp, args), out)
	})
	if ctx.Err() != nil {
		return cutShort(ctx, e.runtime, checks, ran)
	}
	if ran.mainErr != nil {
		return nil, ran.mainErr
	}
	main, control := ran.main, ran.control
	if !main.ready || (control != nil && !control.ready) {
		if err := e.Available(ctx); err != nil {
			return nil, err
		}
	}
	controlErr := ran.controlErr
	if controlErr == nil && control != nil && !control.ready {
		controlErr = fmt.Errorf("did not start (exit %d): %s", control.exit, orNothing(control.stderr))
	}
	if controlErr != nil {
		return nil, fmt.Errorf("%s: control run without the profile: %w", e.runtime, controlErr)
	}
	return evaluate(checks, main, control), nil
}

// ensureTree builds or finds the test tree; a machine that cannot build it
// (no static busybox, no coreutils) cannot run the engine.
func ensureTree(engine string) (rootfs.FS, error) {
	fsys, err := rootfs.Ensure()
	if err != nil {
		return fsys, &UnavailableError{Engine: engine, Reason: err.Error()}
	}
	return fsys, nil
}

// controlChecks is how many of the checks a control container runs: up to
// the last one that expects a failure, whose status without the profile
// decides it (0: no control). The checks after it decide nothing there,
// and the ones before run because they set up what it sees.
func controlChecks(checks []Check) int {
	for i := len(checks) - 1; i >= 0; i-- {
		if checks[i].Want == Fails {
			return i + 1
		}
	}
	return 0
}

// ociVersion is the runtime-spec version bundles declare: the one runc 1.1
// and crun 1.8 implement (crun refuses a newer one), which has every field
// Spec sets.
const ociVersion = "1.0.2"

// Spec is the config.json of a test container: exactly the capabilities
// capList (bounding, effective and permitted, as Docker sets them),
// namespaces like "docker run --network none", the cached tree mounted
// read-only with a tmpfs on /tmp, and seccomp (nil: none).
func Spec(rootDir string, capList []string, seccomp *specs.LinuxSeccomp, args []string) *specs.Spec {
	capList = slices.Clone(capList)
	if capList == nil {
		// runc reads a missing list as "leave unchanged"; an empty one
		// drops every capability.
		capList = []string{}
	}
	return &specs.Spec{
		Version:  ociVersion,
		Root:     &specs.Root{Path: rootDir, Readonly: true},
		Hostname: "secprof",
		Process: &specs.Process{
			Args: args,
			Env:  []string{"PATH=" + rootfs.PATH, "HOME=/root"},
			Cwd:  "/",
			Capabilities: &specs.LinuxCapabilities{
				Bounding:  capList,
				Effective: capList,
				Permitted: capList,
			},
			Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}},
		},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=" + tmpfsSize}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=" + tmpfsSize}},
			{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
			{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777", "size=" + tmpfsSize}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
			},
			MaskedPaths: []string{
				"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
			},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
			Seccomp:       seccomp,
			Resources:     containerResources(),
		},
	}
}

// A run line is untrusted and shares the host's kernel: its container gets
// a cgroup with limits, so a fork bomb or a memory hog takes at most these
// (and /tmp, /dev and /dev/shm are tmpfs of TmpfsMiB each) instead of the
// machine's pids and RAM until the timeout.
const (
	ContainerPids   = 1024
	ContainerMemory = 512 << 20
	TmpfsMiB        = 64
)

var tmpfsSize = strconv.Itoa(TmpfsMiB) + "m"

func containerResources() *specs.LinuxResources {
	pids, mem, swap := int64(ContainerPids), int64(ContainerMemory), int64(ContainerMemory)
	return &specs.LinuxResources{
		Pids:   &specs.LinuxPids{Limit: &pids},
		Memory: &specs.LinuxMemory{Limit: &mem, Swap: &swap},
	}
}

// WriteBundle writes a bundle directory for spec under the system's
// temporary directory; the caller removes it.
func WriteBundle(spec *specs.Spec) (string, error) {
	dir, err := os.MkdirTemp("", bundlePrefix())
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(spec)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// runContainer runs one container to completion, with out following its
// output and able to kill it, and removes its bundle and state whatever
// happens.
func (e *OCI) runContainer(ctx context.Context, spec *specs.Spec, out *follower) (runOut, error) {
	bundle, err := WriteBundle(spec)
	if err != nil {
		return runOut{exit: -1}, fmt.Errorf("%s: writing bundle: %w", e.runtime, err)
	}
	defer os.RemoveAll(bundle)
	name := containerName()
	traceCreate("dir", bundle)
	traceCreate(e.runtime, name)
	out.setStop(func() { e.delete(name) })
	res, err := runFollowed(ctx, out, e.runtime, "--root", e.stateRoot, "run", "--bundle", bundle, name)
	// "run" deletes the container when its process exits; it cannot when
	// it was killed (cancellation) or failed half way, so look for state.
	if _, statErr := os.Stat(filepath.Join(e.stateRoot, name)); statErr == nil {
		e.delete(name)
	}
	return res, err
}

// delete removes a container whatever its state, killing its processes.
func (e *OCI) delete(name string) {
	ctx, cancel := freshContext()
	defer cancel()
	exec.CommandContext(ctx, e.runtime, "--root", e.stateRoot, "delete", "--force", name).Run()
}

// ungrantable lists the capabilities of capList that secprof's own
// bounding set lacks: a runtime it starts cannot give them to a container
// (runc fails with "unable to apply caps"), and a container without them
// would not match a filter decided for them.
func ungrantable(capList []string) ([]string, error) {
	own, err := capability.NewPid2(0)
	if err == nil {
		err = own.Load()
	}
	if err != nil {
		return nil, fmt.Errorf("reading secprof's capabilities: %w", err)
	}
	held := map[string]bool{}
	for _, c := range capability.ListKnown() {
		if own.Get(capability.BOUNDING, c) {
			held["CAP_"+strings.ToUpper(c.String())] = true
		}
	}
	var missing []string
	for _, c := range capList {
		if !held[c] {
			missing = append(missing, c)
		}
	}
	return missing, nil
}
