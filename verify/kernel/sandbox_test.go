package kernel

import (
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/compiler"
)

// denyShmctlSetpriority is the reproduction profile.
func denyShmctlSetpriority() *compiler.Policy {
	return &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "shmctl", "setpriority")}}
}

func checkOne(t *testing.T, p *compiler.Policy, e Expectation) Result {
	t.Helper()
	results, err := Check(context.Background(), build(t, p), []Expectation{e})
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

	r := checkOne(t, denyShmctlSetpriority(), Expectation{Syscall: "shmctl", Args: []uint64{uint64(id), unix.IPC_RMID, 0}, Want: eperm})
	if !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect %s errno EPERM: %+v; want ok, the filter's EPERM told apart from the sandbox's own answer", r.Expectation, r)
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

	r := checkOne(t, denyShmctlSetpriority(), Expectation{Syscall: "setpriority", Args: []uint64{unix.PRIO_PROCESS, uint64(pid), 15}, Want: eperm})
	if !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect %s errno EPERM: %+v; want ok", r.Expectation, r)
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
		exp    Expectation
		ok     bool
		got    string
	}{
		{allowAll, Expectation{Syscall: "exit", Want: allow}, true, "allow (the call ended"},
		{allowAll, Expectation{Syscall: "exit", Want: killT}, false, "allow (the call ended"},
		{allowAll, Expectation{Syscall: "exit", Args: []uint64{31}, Want: allow}, true, "allow (the call ended"},
		{allowAll, Expectation{Syscall: "exit_group", Want: allow}, true, "allow (the call ended"},
		{allowAll, Expectation{Syscall: "exit_group", Want: killP}, false, "allow (the call ended"},
		{killing, Expectation{Syscall: "exit", Want: killT}, true, "kill-thread"},
		{killing, Expectation{Syscall: "exit", Want: allow}, false, "kill-thread"},
		{killing, Expectation{Syscall: "exit_group", Want: killT}, true, "kill-thread"},
	} {
		r := checkOne(t, c.policy, c.exp)
		if r.OK != c.ok || !strings.HasPrefix(r.Got, c.got) {
			t.Errorf("expect %s %s: ok=%v got %q (%s); want ok=%v got %q…", r.Expectation, r.Expected, r.OK, r.Got, r.Why, c.ok, c.got)
		}
	}
}
