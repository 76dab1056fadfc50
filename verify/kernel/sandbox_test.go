package kernel

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/compiler"
)

// denyShmctlSetpriority is the reproduction profile.
func denyShmctlSetpriority() *compiler.Policy {
	return &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "shmctl", "setpriority")}}
}

func checkOne(t *testing.T, p *compiler.Policy, e compiler.Expect) Result {
	t.Helper()
	results, err := Check(context.Background(), build(t, p), []compiler.Expect{e})
	if err != nil {
		t.Fatal(err)
	}
	return results[0]
}

// The control run of `expect shmctl(ID, IPC_RMID, 0) errno EPERM` makes the
// call without the filter: it must not reach the host's segment ID.
func TestShmctlLeavesTheHostSegment(t *testing.T) {
	requireKernel(t)
	id, err := unix.SysvShmGet(unix.IPC_PRIVATE, 4096, unix.IPC_CREAT|0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.SysvShmCtl(id, unix.IPC_RMID, nil) })

	r := checkOne(t, denyShmctlSetpriority(), compiler.Expect{Syscall: "shmctl", Args: []uint64{uint64(id), unix.IPC_RMID, 0}, Want: eperm})
	if !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect %s errno EPERM: %+v; want ok, the filter's EPERM told apart from the sandbox's own answer", r.Expect, r)
	}
	var desc unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &desc); err != nil {
		t.Fatalf("the host's segment %d is gone after the check: %v", id, err)
	}
}

// The control run of `expect setpriority(PRIO_PROCESS, PID, 15) errno
// EPERM` must not renice the host's process PID.
func TestSetpriorityLeavesTheHostProcess(t *testing.T) {
	requireKernel(t)
	pid := startSleeper(t, nil)
	before, err := unix.Getpriority(unix.PRIO_PROCESS, pid)
	if err != nil {
		t.Fatal(err)
	}

	r := checkOne(t, denyShmctlSetpriority(), compiler.Expect{Syscall: "setpriority", Args: []uint64{unix.PRIO_PROCESS, uint64(pid), 15}, Want: eperm})
	if !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect %s errno EPERM: %+v; want ok", r.Expect, r)
	}
	after, err := unix.Getpriority(unix.PRIO_PROCESS, pid)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("the check reniced host process %d: priority %d, was %d", pid, after, before)
	}
}

// startSleeper starts a host process that lives until the test ends, as
// cred's user when cred is not nil, and returns its pid.
func startSleeper(t *testing.T, cred *syscall.Credential) int {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// exit ends the calling thread, exit_group the process: both are the call
// let through, not a kill.
func TestCallsThatDoNotReturn(t *testing.T) {
	requireKernel(t)
	allowAll := &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "chmod")}}
	killing := &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(killT, nil, "exit", "exit_group")}}
	for _, c := range []struct {
		policy *compiler.Policy
		exp    compiler.Expect
		ok     bool
		got    string
	}{
		{allowAll, compiler.Expect{Syscall: "exit", Want: allow}, true, "allow (the call ended"},
		{allowAll, compiler.Expect{Syscall: "exit", Want: killT}, false, "allow (the call ended"},
		{allowAll, compiler.Expect{Syscall: "exit", Args: []uint64{31}, Want: allow}, true, "allow (the call ended"},
		{allowAll, compiler.Expect{Syscall: "exit_group", Want: allow}, true, "allow (the call ended"},
		{allowAll, compiler.Expect{Syscall: "exit_group", Want: killP}, false, "allow (the call ended"},
		{killing, compiler.Expect{Syscall: "exit", Want: killT}, true, "kill-thread"},
		{killing, compiler.Expect{Syscall: "exit", Want: allow}, false, "kill-thread"},
		{killing, compiler.Expect{Syscall: "exit_group", Want: killT}, true, "kill-thread"},
	} {
		r := checkOne(t, c.policy, c.exp)
		if r.OK != c.ok || !strings.HasPrefix(r.Got, c.got) {
			t.Errorf("expect %s %s: ok=%v got %q (%s); want ok=%v got %q…", r.Expect, r.Expected, r.OK, r.Got, r.Why, c.ok, c.got)
		}
	}
}

// allowAll lets every call through but chmod, so that a filter is loaded.
func allowAll() *compiler.Policy {
	return &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "chmod")}}
}

// The facts the hazard list relies on, measured: in the sandbox a call
// that needs a host-wide capability fails with EPERM, or ENOSYS on a
// kernel built without the facility. The arguments are ones that would do
// nothing on the host either, should the sandbox ever be missing.
func TestSandboxDeniesHostWideCalls(t *testing.T) {
	requireKernel(t)
	for _, c := range []struct {
		exp    compiler.Expect
		enosys bool // the facility may be missing from the kernel
	}{
		{compiler.Expect{Syscall: "syslog", Args: []uint64{5}}, false}, // SYSLOG_ACTION_CLEAR: CAP_SYSLOG
		{compiler.Expect{Syscall: "settimeofday", Args: []uint64{0, 0}}, false},
		{compiler.Expect{Syscall: "swapoff", Args: []uint64{0}}, false},
		{compiler.Expect{Syscall: "acct", Args: []uint64{0}}, false},
		{compiler.Expect{Syscall: "vhangup"}, false},
		{compiler.Expect{Syscall: "kexec_load", Args: []uint64{0, 17, 0, 0}}, true},
		{compiler.Expect{Syscall: "init_module", Args: []uint64{0, 0, 0}}, true},
		{compiler.Expect{Syscall: "delete_module", Args: []uint64{0, 0}}, true},
		{compiler.Expect{Syscall: "iopl", Args: []uint64{3}}, true},
	} {
		c.exp.Want = allow
		r := checkOne(t, allowAll(), c.exp)
		if r.Got == "allow (EPERM, also without the filter)" || c.enosys && r.Got == "allow (ENOSYS, also without the filter)" {
			continue
		}
		t.Errorf("%s in the sandbox: %s (%s); want EPERM, a host-wide capability missing", r.Expect, r.Got, r.Why)
	}
}

// reboot(2) in a PID namespace other than the initial one ends that
// namespace's init, here the sandbox, and nothing else.
func TestRebootEndsOnlyTheSandbox(t *testing.T) {
	requireKernel(t)
	r := checkOne(t, allowAll(), compiler.Expect{Syscall: "reboot", Args: []uint64{unix.LINUX_REBOOT_MAGIC1, unix.LINUX_REBOOT_MAGIC2, unix.LINUX_REBOOT_CMD_POWER_OFF}, Want: allow})
	if !r.OK || r.Got != "allow (the call ended the process)" {
		t.Errorf("expect %s allow: %+v", r.Expect, r)
	}
}

// Calls that act on every process of a user, or on the host's name, reach
// only the sandbox's: a host process with the sandbox's own host uid keeps
// running with its priorities, the hostname stays.
func TestSandboxKeepsTheHost(t *testing.T) {
	requireKernel(t)
	pid := startSleeper(t, &syscall.Credential{Uid: sandboxID, Gid: sandboxID})
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, pid)
	if err != nil {
		t.Fatal(err)
	}
	const ioprioWhoUser, ioprioIdle = 3, 3 << 13
	ioprio := func() uintptr {
		v, _, e := unix.Syscall(unix.SYS_IOPRIO_GET, 1, uintptr(pid), 0)
		if e != 0 {
			t.Fatal(e)
		}
		return v
	}
	io := ioprio()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}

	minusOne := ^uint64(0)
	for _, e := range []compiler.Expect{
		{Syscall: "kill", Args: []uint64{minusOne, uint64(unix.SIGKILL)}},
		{Syscall: "setpriority", Args: []uint64{unix.PRIO_USER, 0, 19}},
		{Syscall: "ioprio_set", Args: []uint64{ioprioWhoUser, 0, ioprioIdle}},
		{Syscall: "sethostname"},
	} {
		e.Want = allow
		if r := checkOne(t, allowAll(), e); !r.OK {
			t.Errorf("expect %s allow: %s (%s)", r.Expect, r.Got, r.Why)
		}
	}
	if err := unix.Kill(pid, 0); err != nil {
		t.Errorf("host process %d of uid %#x is gone: %v", pid, sandboxID, err)
	}
	if p, err := unix.Getpriority(unix.PRIO_PROCESS, pid); err != nil || p != prio {
		t.Errorf("host process %d reniced: %d, was %d (%v)", pid, p, prio, err)
	}
	if got := ioprio(); got != io {
		t.Errorf("host process %d: io priority %#x, was %#x", pid, got, io)
	}
	if h, _ := os.Hostname(); h != host {
		t.Errorf("hostname %q, was %q", h, host)
	}
}

// A session keyring the parent holds is possessed by a child that inherits
// it, whatever its uid: the sandbox must start from a keyring of its own.
func TestSessionKeyringIsTheSandboxs(t *testing.T) {
	requireKernel(t)
	// Keyrings are credentials, which are per thread: the key goes into
	// a session keyring of this locked thread, which the child is forked
	// from, and the thread ends with the test.
	runtime.LockOSThread()
	if _, err := unix.KeyctlJoinSessionKeyring("secprof-test"); err != nil {
		t.Fatal(err)
	}
	id, err := unix.AddKey("user", "secprof-test", []byte("host"), unix.KEY_SPEC_SESSION_KEYRING)
	if err != nil {
		t.Fatal(err)
	}
	const keyctlClear = 7
	session := uint64(0xfffffffd) // KEY_SPEC_SESSION_KEYRING, -3 as an int
	p := &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "keyctl")}}
	r := checkOne(t, p, compiler.Expect{Syscall: "keyctl", Args: []uint64{keyctlClear, session}, Want: eperm})
	if !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect %s errno EPERM: %+v", r.Expect, r)
	}
	if _, err := unix.KeyctlSearch(unix.KEY_SPEC_SESSION_KEYRING, "user", "secprof-test", 0); err != nil {
		t.Errorf("key %d is gone from the session keyring: %v", id, err)
	}
}

// The child refuses to make any call in a namespace it shares with the
// parent, should the sandbox ever fail to be set up.
func TestChildRefusesTheHostsNamespaces(t *testing.T) {
	mine, err := namespaceIDs()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkNamespaces(mine); err == nil || !strings.Contains(err.Error(), "refusing to run") {
		t.Errorf("checkNamespaces(own namespaces) = %v; want a refusal", err)
	}
}

// Cancelling the context while a call runs stops the check at once: the
// child is killed and reaped, the results obtained so far come back, and
// the error wraps ctx.Err().
func TestCancelStopsTheRunningChild(t *testing.T) {
	requireKernel(t)
	// pause would be taken as allowed as soon as it sleeps in the call, and
	// as allowed after Blocked: neither may end this check, cancel must.
	defer func(b time.Duration, a func(int, int64) bool) { Blocked, asleepInCall = b, a }(Blocked, asleepInCall)
	Blocked, asleepInCall = time.Hour, func(int, int64) bool { return false }

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type checked struct {
		results []Result
		err     error
	}
	done := make(chan checked, 1)
	prog := build(t, allowAll())
	go func() {
		rs, err := Check(ctx, prog, []compiler.Expect{{Syscall: "getpid", Want: allow}, {Syscall: "pause", Want: allow}, {Syscall: "getpid", Want: allow}})
		done <- checked{rs, err}
	}()
	child := waitForChildIn(t, unix.SYS_PAUSE)
	cancel()

	var c checked
	select {
	case c = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("Check still runs a minute after cancel (Blocked is %s)", Blocked)
	}
	if !errors.Is(c.err, context.Canceled) {
		t.Errorf("error %v; want one wrapping context.Canceled", c.err)
	}
	if len(c.results) != 1 || !c.results[0].OK || c.results[0].Syscall != "getpid" {
		t.Errorf("results %+v; want the first getpid's alone", c.results)
	}
	if kids := childrenOf(os.Getpid()); len(kids) > 0 {
		t.Errorf("processes %v (the check child was %d) outlive the cancelled check", kids, child)
	}
}

// waitForChildIn returns the pid of this process's child once it sleeps in
// syscall nr.
func waitForChildIn(t *testing.T, nr int) int {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(time.Millisecond) {
		for _, pid := range childrenOf(os.Getpid()) {
			if inSyscall(pid, int64(nr)) {
				return pid
			}
		}
	}
	t.Fatalf("no child sleeping in syscall %d", nr)
	return 0
}

// childrenOf lists the live processes whose parent is pid.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			kids = append(kids, p)
		}
	}
	return kids
}

// An allowed call cannot take the host's memory: the address space the
// child may add is bounded, and the page it shares with the parent cannot
// grow or shrink (a shrunk page would fault the parent's reads).
func TestSandboxBoundsMemory(t *testing.T) {
	requireKernel(t)
	const populate = unix.MAP_PRIVATE | unix.MAP_ANONYMOUS | unix.MAP_POPULATE
	minusOne := ^uint64(0)
	for _, c := range []struct {
		exp compiler.Expect
		got string
	}{
		{compiler.Expect{Syscall: "mmap", Args: []uint64{0, 1 << 30, unix.PROT_READ | unix.PROT_WRITE, populate, minusOne, 0}}, "allow (ENOMEM, also without the filter)"},
		// Past RLIMIT_FSIZE: EFBIG; under it, the seal: EPERM.
		{compiler.Expect{Syscall: "fallocate", Args: []uint64{3, 0, 0, 64 << 30}}, "allow (EFBIG, also without the filter)"},
		{compiler.Expect{Syscall: "fallocate", Args: []uint64{3, 0, 0, 512 << 10}}, "allow (EPERM, also without the filter)"},
		{compiler.Expect{Syscall: "ftruncate", Args: []uint64{3, 0}}, "allow (EPERM, also without the filter)"},
	} {
		c.exp.Want = allow
		if r := checkOne(t, allowAll(), c.exp); r.Got != c.got {
			t.Errorf("%s in the sandbox: %s (%s); want %s", r.Expect, r.Got, r.Why, c.got)
		}
	}
}

// A private TMPDIR (0700, as systemd's PrivateTmp or a user's own gives)
// is closed to the sandbox's unprivileged id: the check still runs, with
// its mount point made where that id can reach it.
func TestPrivateTmpdir(t *testing.T) {
	requireKernel(t)
	private := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", private)
	r := checkOne(t, denyShmctlSetpriority(), compiler.Expect{Syscall: "getpid", Want: allow})
	if !r.OK {
		t.Errorf("expect getpid allow with TMPDIR=%s (0700): %+v", private, r)
	}
	if entries, _ := os.ReadDir(private); len(entries) != 0 {
		t.Errorf("the check left %d entries in TMPDIR", len(entries))
	}
}

// A descriptor secprof inherited without close-on-exec (a CI runner's, or
// a shell's `7>>file`) is a host file: the child must not have it, or
// `expect ftruncate(7, 0) allow` empties that file whatever the sandbox's
// root and uid are (an open file needs no permission check).
func TestInheritedFilesStayOnTheHost(t *testing.T) {
	requireKernel(t)
	path := filepath.Join(t.TempDir(), "host-file")
	const content = "host data\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_APPEND, 0) // no O_CLOEXEC, as inherited
	if err != nil {
		t.Fatal(err)
	}
	// A high number, as a runner's leaked descriptor would be.
	const leaked = 77
	if err := unix.Dup2(fd, leaked); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	t.Cleanup(func() { unix.Close(leaked) })

	r := checkOne(t, allowAll(), compiler.Expect{Syscall: "ftruncate", Args: []uint64{leaked, 0}, Want: allow})
	if got, _ := os.ReadFile(path); string(got) != content {
		t.Fatalf("expect %s allow (%s) reached the host file through an inherited descriptor: it holds %q, was %q", r.Expect, r.Got, got, content)
	}
	if r.Got != "allow (EBADF, also without the filter)" {
		t.Errorf("expect %s allow: %s; want EBADF, the descriptor closed in the sandbox", r.Expect, r.Got)
	}
}
