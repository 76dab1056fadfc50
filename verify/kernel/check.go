package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
	"github.com/secprof/secprof/diag"
)

// Expectation is one `expect` line: a syscall of the host's native arch,
// the arguments written (at most six; the rest get harmless defaults) and
// the action the profile should take.
type Expectation struct {
	Pos     diag.Pos
	Syscall string
	Args    []uint64
	Want    compiler.Action
}

func (e Expectation) String() string {
	s := e.Syscall
	if len(e.Args) > 0 {
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = fmt.Sprintf("%#x", a)
		}
		s += "(" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// Result is the outcome of one expectation.
type Result struct {
	Expectation
	Expected string // the wanted action, as the DSL writes it
	Got      string // what the kernel did
	OK       bool
	Why      string // why it is not OK, or how Got was read
}

// Blocked is how long a call may run before the check takes it as allowed:
// a filter decides at once, so a call still running was let through.
var Blocked = 2 * time.Second

// Check loads prog in a child process for each expectation and compares.
// An error means the check itself could not run (no child, or the kernel
// refused the filter); a failed expectation is a Result with OK false.
func Check(prog *bpf.Program, exps []Expectation) ([]Result, error) {
	out := make([]Result, 0, len(exps))
	for _, e := range exps {
		r, err := check(prog, e)
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
}

func (o outcome) String() string {
	switch {
	case o.kind == "returned" && o.err != 0:
		return "errno " + errnoName(o.err)
	case o.kind == "returned":
		return fmt.Sprintf("allow (returned %d)", o.ret)
	case o.kind == "blocked":
		return fmt.Sprintf("allow (still running after %s)", Blocked)
	case o.kind == "exited":
		return "allow (the call ended the process)"
	}
	return o.kind
}

func errnoName(e syscall.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprint(int(e))
}

func check(prog *bpf.Program, e Expectation) (Result, error) {
	res := Result{Expectation: e, Expected: e.Want.String()}
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
	req := request{Nr: int64(nr), Name: e.Syscall, Args: e.Args, Flags: prog.LoadFlags}
	got, err := runChild(req, prog.Export())
	if err != nil {
		return res, err
	}
	res.Got = got.String()
	// An errno may be the filter's or the kernel's own answer to these
	// arguments: a control run without the filter tells them apart.
	var control *outcome
	if got.kind == "returned" && got.err != 0 {
		c, err := runChild(req, nil)
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
	case compiler.ActAllow, compiler.ActLog:
		res.OK = got.kind == "blocked" || got.kind == "exited" || (got.kind == "returned" && (got.err == 0 || sameWithout))
		if res.OK && e.Want.Kind == compiler.ActLog {
			res.Why = "log lets the call through and writes an audit record; the record is not checked"
		}
	case compiler.ActErrno:
		res.OK = got.kind == "returned" && got.err == syscall.Errno(e.Want.Errno) && !sameWithout
		if sameWithout && got.err == syscall.Errno(e.Want.Errno) {
			res.Got = "errno " + errnoName(got.err) + "?"
			res.Why = fmt.Sprintf("%s fails with %s without the filter too, so the filter's answer cannot be told apart; write arguments under which the call succeeds", e, errnoName(got.err))
			return res, nil
		}
	case compiler.ActTrace, compiler.ActNotify:
		// With no tracer or listener attached the kernel answers ENOSYS.
		res.OK = got.kind == "returned" && got.err == unix.ENOSYS && !sameWithout
		if res.OK {
			res.Why = fmt.Sprintf("no %s is attached here, so the kernel answers ENOSYS", map[compiler.ActionKind]string{compiler.ActTrace: "tracer", compiler.ActNotify: "listener"}[e.Want.Kind])
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

// runChild re-executes this binary to make one call, under prog when prog
// is not nil, in a fresh temporary directory with a file and a directory.
func runChild(req request, prog []byte) (outcome, error) {
	dir, err := os.MkdirTemp("", "secprof-kernel-")
	if err != nil {
		return outcome{}, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(dir+"/file", []byte("secprof\n"), 0o644); err != nil {
		return outcome{}, err
	}
	if err := os.Mkdir(dir+"/dir", 0o755); err != nil {
		return outcome{}, err
	}
	req.Dir, req.ProgLen = dir, len(prog)
	spec, err := json.Marshal(req)
	if err != nil {
		return outcome{}, err
	}

	fd, err := unix.MemfdCreate("secprof-check", unix.MFD_CLOEXEC)
	if err != nil {
		return outcome{}, fmt.Errorf("memfd_create: %w", err)
	}
	shm := os.NewFile(uintptr(fd), "secprof-check")
	defer shm.Close()
	if err := shm.Truncate(int64(pageSize + len(prog))); err != nil {
		return outcome{}, err
	}
	if _, err := shm.WriteAt(prog, pageSize); err != nil {
		return outcome{}, err
	}
	mem, err := unix.Mmap(fd, 0, pageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return outcome{}, err
	}
	defer unix.Munmap(mem)
	page := (*result)(unsafe.Pointer(&mem[0]))

	self, err := os.Executable()
	if err != nil {
		return outcome{}, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	cmd.ExtraFiles = []*os.File{shm}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return outcome{}, fmt.Errorf("starting the check child: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		_ = cmd.Process.Kill()
		return <-exited
	}

	deadline := time.Now().Add(Blocked)
	for {
		select {
		case werr := <-exited:
			return exitOutcome(page, werr, &stderr)
		default:
		}
		switch atomic.LoadUint32(&page.State) {
		case 3:
			o := outcome{kind: "returned", ret: page.Ret, err: syscall.Errno(page.Err)}
			if atomic.LoadUint32(&page.Trapped) != 0 {
				o = outcome{kind: "trap"}
			}
			stop()
			return o, nil
		case 2:
			if threadGone(cmd.Process.Pid, int(atomic.LoadInt32(&page.Tid))) {
				// A killed process loses its threads before it is reaped:
				// give it a moment to show as killed by SIGSYS.
				select {
				case werr := <-exited:
					return exitOutcome(page, werr, &stderr)
				case <-time.After(100 * time.Millisecond):
					stop()
					return outcome{kind: "kill-thread"}, nil
				}
			}
			if time.Now().After(deadline) {
				stop()
				return outcome{kind: "blocked"}, nil
			}
		default:
			if time.Now().After(deadline.Add(10 * time.Second)) {
				stop()
				return outcome{}, fmt.Errorf("the check child did not start: %s", strings.TrimSpace(stderr.String()))
			}
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// exitOutcome reads a child that ended on its own.
func exitOutcome(page *result, werr error, stderr *bytes.Buffer) (outcome, error) {
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
			return outcome{kind: "exited"}, nil
		}
		return outcome{}, fmt.Errorf("the check child exited before the call: %s", strings.TrimSpace(stderr.String()))
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	switch {
	case state == 2 && ws.Signaled() && ws.Signal() == unix.SIGSYS:
		return outcome{kind: "kill-process"}, nil
	case state == 2:
		// The call itself ended the process (exit_group, or a signal it sent).
		return outcome{kind: "exited"}, nil
	case ws.ExitStatus() == exitLoad:
		return outcome{}, fmt.Errorf("the kernel refused the filter: %s", strings.TrimSpace(stderr.String()))
	}
	return outcome{}, fmt.Errorf("the check child failed (%v): %s", werr, strings.TrimSpace(stderr.String()))
}

// threadGone reports whether task tid of pid has exited: its /proc entry
// is gone, or it is a zombie (a killed thread-group leader stays listed).
func threadGone(pid, tid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] == 'Z' || b[i+2] == 'X'
}
