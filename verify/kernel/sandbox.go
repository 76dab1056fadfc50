package kernel

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The check child, and its control run, make calls a hostile profile
// chose. They run in a sandbox of their own, so that what a call can touch
// is the sandbox's, never the host's:
//
//   - fresh user, PID, IPC, network, UTS, mount and cgroup namespaces;
//   - root inside the user namespace is sandboxID outside, an id no host
//     file or process should have, with no supplementary groups: host files
//     are "other" to it, and the capabilities it has inside count only for
//     its own namespaces (a call needing a host-wide one, CAP_SYS_TIME,
//     CAP_SYS_BOOT in the initial namespace, CAP_SYSLOG…, gets EPERM);
//   - its root is a small empty tmpfs (pivot_root, the old root detached),
//     so no path, whatever a pointer argument names, reaches a host file;
//   - a new anonymous session keyring, no controlling terminal, no core
//     dump, and limits on address space and file size.
//
// Seccomp decides before any permission check, so the filter's verdict is
// the same in the sandbox as anywhere; the control run, in the same
// sandbox, tells the filter's errno from the call's own there.
const sandboxID = 0x5ec0_0000

// sandboxNamespaces are the namespaces the child gets, by /proc/self/ns name.
var sandboxNamespaces = map[string]uintptr{
	"user":   unix.CLONE_NEWUSER,
	"pid":    unix.CLONE_NEWPID,
	"ipc":    unix.CLONE_NEWIPC,
	"net":    unix.CLONE_NEWNET,
	"uts":    unix.CLONE_NEWUTS,
	"mnt":    unix.CLONE_NEWNS,
	"cgroup": unix.CLONE_NEWCGROUP,
}

// Limits of the sandbox: its tmpfs root, the files it may grow, and the
// address space it may add to what the child has when it loads the filter
// (an allowed mmap with MAP_POPULATE must not take the host's memory).
const (
	sandboxTmpfs     = "size=64k,nr_inodes=32,mode=0755"
	sandboxFileLimit = 1 << 20
	sandboxExtraAS   = 256 << 20
)

// sandboxAttr is how the parent starts the child.
func sandboxAttr() *syscall.SysProcAttr {
	var flags uintptr
	for _, f := range sandboxNamespaces {
		flags |= f
	}
	ids := []syscall.SysProcIDMap{{ContainerID: 0, HostID: sandboxID, Size: 1}}
	return &syscall.SysProcAttr{
		Cloneflags:  flags,
		UidMappings: ids,
		GidMappings: ids,
		// setgroups(0) then drops the parent's supplementary groups (root's
		// gid 0 among them), which the child would otherwise keep.
		GidMappingsEnableSetgroups: true,
		Credential:                 &syscall.Credential{Uid: 0, Gid: 0},
		Setsid:                     true,
		Pdeathsig:                  syscall.SIGKILL,
	}
}

// namespaceIDs returns the inode of each of this process's namespaces.
func namespaceIDs() (map[string]uint64, error) {
	ids := make(map[string]uint64, len(sandboxNamespaces))
	for name := range sandboxNamespaces {
		var st unix.Stat_t
		if err := unix.Stat("/proc/self/ns/"+name, &st); err != nil {
			return nil, fmt.Errorf("reading the %s namespace: %w", name, err)
		}
		ids[name] = st.Ino
	}
	return ids, nil
}

// enterSandbox runs in the child before anything else: it refuses to go on
// unless every namespace differs from the parent's, then leaves the host's
// filesystem for a tmpfs at mountpoint holding the throwaway file and
// directory the argument shapes name.
func enterSandbox(req request) error {
	if err := checkNamespaces(req.HostNS); err != nil {
		return err
	}
	vm, err := vmBytes()
	if err != nil {
		return err
	}
	if err := enterEmptyRoot(req.Dir); err != nil {
		return err
	}
	// A session keyring inherited from the parent is possessed, whatever
	// the uid: keyctl(KEYCTL_CLEAR, KEY_SPEC_SESSION_KEYRING) would empty
	// the host's. Join a new anonymous one.
	if _, _, e := unix.Syscall(unix.SYS_KEYCTL, unix.KEYCTL_JOIN_SESSION_KEYRING, 0, 0); e != 0 {
		return fmt.Errorf("joining a new session keyring: %w", e)
	}
	// Not dumpable: a killed child must not run the host's core_pattern
	// helper (a pipe core_pattern ignores RLIMIT_CORE).
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("PR_SET_DUMPABLE: %w", err)
	}
	return limitResources(vm)
}

func checkNamespaces(host map[string]uint64) error {
	if len(host) != len(sandboxNamespaces) {
		return fmt.Errorf("the parent's namespaces are missing from the request")
	}
	mine, err := namespaceIDs()
	if err != nil {
		return err
	}
	for name, id := range mine {
		if host[name] == id {
			return fmt.Errorf("the check child shares the host's %s namespace; refusing to run", name)
		}
	}
	if os.Getpid() != 1 {
		return fmt.Errorf("the check child is pid %d, not its PID namespace's init; refusing to run", os.Getpid())
	}
	return nil
}

// enterEmptyRoot mounts a tmpfs on mountpoint, fills it and makes it the
// root, detaching the host's filesystem from this mount namespace.
func enterEmptyRoot(mountpoint string) error {
	// Nothing mounted here may propagate back to the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mounts private: %w", err)
	}
	if err := unix.Mount("tmpfs", mountpoint, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, sandboxTmpfs); err != nil {
		return fmt.Errorf("mounting the sandbox's tmpfs: %w", err)
	}
	if err := os.WriteFile(mountpoint+"/file", []byte("secprof\n"), 0o644); err != nil {
		return err
	}
	for _, d := range []string{"dir", "old"} {
		if err := os.Mkdir(mountpoint+"/"+d, 0o755); err != nil {
			return err
		}
	}
	if err := unix.PivotRoot(mountpoint, mountpoint+"/old"); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Unmount("/old", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %w", err)
	}
	return os.Remove("/old")
}

// vmBytes is the child's address space now, read before the host's /proc
// goes away.
func vmBytes() (uint64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	pages, err := strconv.ParseUint(strings.Fields(string(b))[0], 10, 64)
	return pages * uint64(os.Getpagesize()), err
}

func limitResources(vm uint64) error {
	for _, l := range []struct {
		resource int
		max      uint64
	}{
		{unix.RLIMIT_AS, vm + sandboxExtraAS},
		{unix.RLIMIT_FSIZE, sandboxFileLimit},
		{unix.RLIMIT_CORE, 0},
	} {
		if err := unix.Setrlimit(l.resource, &unix.Rlimit{Cur: l.max, Max: l.max}); err != nil {
			return fmt.Errorf("setrlimit(%d): %w", l.resource, err)
		}
	}
	return nil
}
