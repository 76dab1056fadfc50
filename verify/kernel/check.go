package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
)

// Result is the outcome of one expectation.
type Result struct {
	compiler.Expect
	Expected string // the wanted action, as the DSL writes it
	Got      string // what the kernel did
	OK       bool
	Why      string // why it is not OK, or how Got was read
}

// Blocked is how long a call may run before the check takes it as allowed:
// a filter decides at once, so a call still running was let through.
var Blocked = 2 * time.Second

// Check loads prog in a child process for each expectation and compares.
// An error means the check itself could not run (no child, the kernel
// refused the filter, or ctx ended); the results obtained until then come
// with it. On cancellation the running child is killed, and the error
// wraps ctx.Err(). A failed expectation is a Result with OK false.
func Check(ctx context.Context, prog *bpf.Program, exps []compiler.Expect) ([]Result, error) {
	out := make([]Result, 0, len(exps))
	hostNS, err := namespaceIDs()
	if err != nil {
		return out, err
	}
	for _, e := range exps {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("kernel check stopped before %s: expect %s: %w", e.Pos, e, err)
		}
		r, err := check(ctx, prog, hostNS, e)
		if err != nil {
			return out, fmt.Errorf("%s: expect %s: %w", e.Pos, e, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// outcome is what one child saw.
type outcome struct {
	kind string // "returned", "kill-thread", "kill-process", "trap", "blocked", "exited"
	ret  int64
	err  syscall.Errno
	// ended is what an "exited" call ended: "thread" or "process".
	ended string
	// asleep: a "blocked" call was seen asleep inside the call.
	asleep bool
}

func (o outcome) String() string {
	switch {
	case o.kind == "returned" && o.err != 0:
		return "errno " + errnoName(o.err)
	case o.kind == "returned":
		return fmt.Sprintf("allow (returned %d)", o.ret)
	case o.kind == "blocked" && o.asleep:
		return "allow (blocked inside the call)"
	case o.kind == "blocked":
		return fmt.Sprintf("allow (still running after %s)", Blocked)
	case o.kind == "exited":
		return "allow (the call ended the " + o.ended + ")"
	}
	return o.kind
}

func errnoName(e syscall.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprint(int(e))
}

func check(ctx context.Context, prog *bpf.Program, hostNS map[string]uint64, e compiler.Expect) (Result, error) {
	res := Result{Expect: e, Expected: e.Want.String()}
	if len(e.Args) > 6 {
		res.Got, res.Why = "not run", fmt.Sprintf("%d arguments written; a syscall has at most 6", len(e.Args))
		return res, nil
	}
	if why := refusal(e.Syscall, e.Args); why != "" {
		res.Got, res.Why = "not run", why
		return res, nil
	}
	nr, err := libseccomp.GetSyscallFromName(e.Syscall)
	if err != nil || nr < 0 {
		res.Got, res.Why = "not run", fmt.Sprintf("%s is not a syscall of this host's arch; only native calls can be made here", e.Syscall)
		return res, nil
	}
	req := request{Nr: int64(nr), Name: e.Syscall, Args: e.Args, Flags: prog.LoadFlags, HostNS: hostNS}
	got, err := runChild(ctx, req, prog.Export())
	if err != nil {
		return res, err
	}
	res.Got = got.String()
	// An errno may be the filter's or the kernel's own answer to these
	// arguments: a control run without the filter tells them apart.
	var control *outcome
	if got.kind == "returned" && got.err != 0 {
		c, err := runChild(ctx, req, nil)
		if err != nil {
			return res, err
		}
		control = &c
	}
	sameWithout := control != nil && control.kind == "returned" && control.err == got.err
	if sameWithout {
		res.Got = fmt.Sprintf("allow (%s, also without the filter)", errnoName(got.err))
	}

	switch e.Want.Kind {
	case action.Allow, action.Log:
		res.OK = got.kind == "blocked" || got.kind == "exited" || (got.kind == "returned" && (got.err == 0 || sameWithout))
		if res.OK && e.Want.Kind == action.Log {
			res.Why = "log lets the call through and writes an audit record; the record is not checked"
		}
	case action.Errno:
		res.OK = got.kind == "returned" && got.err == syscall.Errno(e.Want.Errno) && !sameWithout
		if sameWithout && got.err == syscall.Errno(e.Want.Errno) {
			res.Got = "errno " + errnoName(got.err) + "?"
			res.Why = fmt.Sprintf("%s fails with %s without the filter too, so the filter's answer cannot be told apart; write arguments under which the call succeeds", e, errnoName(got.err))
			return res, nil
		}
	case action.Trace, action.Notify:
		// With no tracer or listener attached the kernel answers ENOSYS.
		res.OK = got.kind == "returned" && got.err == unix.ENOSYS && !sameWithout
		if res.OK {
			res.Why = fmt.Sprintf("no %s is attached here, so the kernel answers ENOSYS", map[action.Kind]string{action.Trace: "tracer", action.Notify: "listener"}[e.Want.Kind])
		}
	default:
		res.OK = got.kind == string(e.Want.Kind)
	}
	if !res.OK && res.Why == "" {
		res.Why = fmt.Sprintf("want %s, the kernel did %s", e.Want, res.Got)
		if control != nil && !sameWithout {
			res.Why += fmt.Sprintf(" (without the filter: %s)", control)
		}
	}
	return res, nil
}

// runChild re-executes this binary in the sandbox to make one call, under
// prog when prog is not nil.
func runChild(ctx context.Context, req request, prog []byte) (outcome, error) {
	// The child mounts its tmpfs root here, in its own mount namespace:
	// the host sees an empty directory, which it can traverse.
	dir, err := os.MkdirTemp(mountParent(), "secprof-kernel-")
	if err != nil {
		return outcome{}, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o711); err != nil {
		return outcome{}, err
	}
	req.Dir, req.ProgLen = dir, len(prog)
	spec, err := json.Marshal(req)
	if err != nil {
		return outcome{}, err
	}
	shm, err := sharedMemory(prog)
	if err != nil {
		return outcome{}, err
	}
	defer shm.Close()
	mem, err := unix.Mmap(int(shm.Fd()), 0, pageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return outcome{}, err
	}
	defer unix.Munmap(mem)
	page := (*result)(unsafe.Pointer(&mem[0]))

	// /proc/self/exe is a magic link: the sandbox's unprivileged user
	// reaches the binary without searching the directories above it. The
	// environment is the request only: the host's may hold secrets.
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = []string{childEnv + "=" + string(spec)}
	if p, ok := os.LookupEnv("LD_LIBRARY_PATH"); ok {
		cmd.Env = append(cmd.Env, "LD_LIBRARY_PATH="+p)
	}
	cmd.ExtraFiles = []*os.File{shm}
	cmd.SysProcAttr = sandboxAttr()
	stderr := &cappedBuffer{max: 4096}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return outcome{}, fmt.Errorf("starting the check child in its sandbox (the binary must be executable by others): %w", err)
	}
	w := &watch{cmd: cmd, page: page, stderr: stderr, nr: req.Nr, exited: make(chan error, 1)}
	go func() { w.exited <- cmd.Wait() }()
	return w.run(ctx)
}

// sharedMemory holds the result page and, after it, the program. Its size
// is sealed: a child that shrank it would make the parent's reads fault.
func sharedMemory(prog []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("secprof-check", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	shm := os.NewFile(uintptr(fd), "secprof-check")
	err = shm.Truncate(int64(pageSize + len(prog)))
	if err == nil {
		_, err = shm.WriteAt(prog, pageSize)
	}
	if err == nil {
		_, err = unix.FcntlInt(shm.Fd(), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_SEAL)
	}
	if err != nil {
		shm.Close()
		return nil, err
	}
	return shm, nil
}

// watch follows one child until its call has an outcome.
type watch struct {
	cmd    *exec.Cmd
	page   *result
	stderr *cappedBuffer
	nr     int64
	exited chan error
	// livesOn is when the process was first seen living on after its
	// leader's call ended the leader.
	livesOn time.Time
}

// settle is how long a process must live on after its calling thread
// ended for the check to take the end as the thread's alone.
const settle = 20 * time.Millisecond

// stop kills the child, and with it, as the init of its PID namespace,
// every process the call made; it returns once the child is reaped.
func (w *watch) stop() {
	_ = w.cmd.Process.Kill()
	<-w.exited
}

func (w *watch) run(ctx context.Context) (outcome, error) {
	tick := time.NewTicker(100 * time.Microsecond)
	defer tick.Stop()
	start := time.Now()
	var calling time.Time
	for {
		select {
		case <-ctx.Done():
			w.stop()
			return outcome{}, fmt.Errorf("the check was stopped: %w", ctx.Err())
		case werr := <-w.exited:
			return exitOutcome(w.page, werr, w.stderr)
		case <-tick.C:
		}
		switch atomic.LoadUint32(&w.page.State) {
		case 3:
			o := outcome{kind: "returned", ret: w.page.Ret, err: syscall.Errno(w.page.Err)}
			if atomic.LoadUint32(&w.page.Trapped) != 0 {
				o = outcome{kind: "trap"}
			}
			w.stop()
			return o, nil
		case 2:
			if calling.IsZero() {
				calling = time.Now()
			}
			if o, done := w.calling(calling); done {
				w.stop()
				return o, nil
			}
		default:
			if time.Since(start) > Blocked+10*time.Second {
				w.stop()
				return outcome{}, fmt.Errorf("the check child did not start: %s", w.stderr)
			}
		}
	}
}

// calling reads a child whose call has not returned (yet): its thread
// ended (exit, or killed), it sleeps inside the call, or it runs too long.
func (w *watch) calling(since time.Time) (outcome, bool) {
	pid := w.cmd.Process.Pid
	st, err := readTaskStat(pid, pid)
	if err != nil {
		return outcome{}, false // reaped: the exited channel tells
	}
	if st.ended() {
		// The leader is gone but the process lives on only if its call
		// ended the thread alone; a process-wide exit or kill-process is
		// read from the wait status instead. A thread of a dying process
		// shows no mark for a few instructions (SIGKILL taken, not yet
		// exiting): the others must be seen living on for a while.
		if processDying(pid) {
			w.livesOn = time.Time{}
			return outcome{}, false
		}
		if w.livesOn.IsZero() {
			w.livesOn = time.Now()
		}
		if time.Since(w.livesOn) < settle {
			return outcome{}, false
		}
		if ws := syscall.WaitStatus(st.exitCode); ws.Signaled() && ws.Signal() == unix.SIGSYS {
			return outcome{kind: "kill-thread"}, true
		}
		return outcome{kind: "exited", ended: "thread"}, true
	}
	// Seccomp decides before the call runs: a thread asleep inside the
	// call was let through.
	if st.sleeping() && asleepInCall(pid, w.nr) {
		return outcome{kind: "blocked", asleep: true}, true
	}
	if time.Since(since) > Blocked {
		return outcome{kind: "blocked"}, true
	}
	return outcome{}, false
}

// exitOutcome reads a child that ended on its own.
func exitOutcome(page *result, werr error, stderr *cappedBuffer) (outcome, error) {
	state := atomic.LoadUint32(&page.State)
	if state == 3 {
		if atomic.LoadUint32(&page.Trapped) != 0 {
			return outcome{kind: "trap"}, nil
		}
		return outcome{kind: "returned", ret: page.Ret, err: syscall.Errno(page.Err)}, nil
	}
	var ee *exec.ExitError
	if !errors.As(werr, &ee) {
		if state == 2 {
			return outcome{kind: "exited", ended: "process"}, nil
		}
		return outcome{}, fmt.Errorf("the check child exited before the call: %s", stderr)
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	switch {
	case state == 2 && ws.Signaled() && ws.Signal() == unix.SIGSYS:
		return outcome{kind: "kill-process"}, nil
	case state == 2:
		// The call itself ended the process (exit_group, or a signal it sent).
		return outcome{kind: "exited", ended: "process"}, nil
	case ws.ExitStatus() == exitLoad:
		return outcome{}, fmt.Errorf("the kernel refused the filter: %s", stderr)
	}
	return outcome{}, fmt.Errorf("the check child failed (%v): %s", werr, stderr)
}

// taskStat is what the check reads of a task in /proc/PID/task/TID/stat.
type taskStat struct {
	state    byte
	flags    uint64 // PF_*
	exitCode int    // as waitpid reports it; meaningful once the task ended
}

// pfExiting is the kernel's PF_EXITING task flag, set as do_exit starts.
const pfExiting = 0x4

func (s taskStat) ended() bool    { return s.state == 'Z' || s.state == 'X' }
func (s taskStat) exiting() bool  { return s.ended() || s.flags&pfExiting != 0 }
func (s taskStat) sleeping() bool { return s.state == 'S' || s.state == 'D' }

func readTaskStat(pid, tid int) (taskStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		return taskStat{}, err
	}
	// The fields follow the parenthesised command name: state is field 3,
	// flags field 9, exit_code field 52 (proc(5)).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return taskStat{}, fmt.Errorf("unreadable stat of task %d", tid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 50 || len(f[0]) != 1 {
		return taskStat{}, fmt.Errorf("short stat of task %d", tid)
	}
	flags, err := strconv.ParseUint(f[6], 10, 64)
	if err != nil {
		return taskStat{}, err
	}
	code, err := strconv.Atoi(f[49])
	return taskStat{state: f[0][0], flags: flags, exitCode: code}, err
}

// processDying reports whether no thread of pid but the ended leader runs
// on: each other thread is gone, exiting, or has a SIGKILL pending, which
// is how the kernel stops the threads of a process that exits as a whole.
func processDying(pid int) bool {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return true
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil || tid == pid {
			continue
		}
		st, err := readTaskStat(pid, tid)
		if err != nil || st.exiting() {
			continue
		}
		if !sigkillPending(pid, tid) {
			return false
		}
	}
	return true
}

func sigkillPending(pid, tid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/status", pid, tid))
	if err != nil {
		return true
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "SigPnd:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err != nil || mask&(1<<(unix.SIGKILL-1)) != 0
		}
	}
	return true
}

// asleepInCall is inSyscall; a test replaces it to keep a call running.
var asleepInCall = inSyscall

// inSyscall reports whether pid's leader is blocked inside syscall nr.
func inSyscall(pid int, nr int64) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/syscall", pid, pid))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) > 0 && f[0] == strconv.FormatInt(nr, 10)
}

// cappedBuffer keeps the first max bytes the child writes to stderr: the
// call may write as much as it likes there.
type cappedBuffer struct {
	max int
	buf bytes.Buffer
	mu  sync.Mutex
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.TrimSpace(c.buf.String())
}

// mountParent is where the child's mount point is made: the temporary
// directory, unless some directory on its path is closed to other users
// (a private TMPDIR). The child is root only in its own user namespace,
// an unprivileged id on the host, and must be able to reach the mount
// point to mount on it; /tmp and /dev/shm are open to everyone.
func mountParent() string {
	for _, dir := range []string{os.TempDir(), "/tmp", "/dev/shm"} {
		if searchableByOthers(dir) {
			return dir
		}
	}
	return os.TempDir() // the child then says what it could not mount
}

// searchableByOthers reports whether every directory from / to dir lets
// any user pass through it.
func searchableByOthers(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}
