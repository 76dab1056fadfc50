package container

import (
	"context"
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// cleanupTimeout bounds the removal of a container after cancellation,
// which runs on a fresh context because the caller's is already done.
const cleanupTimeout = 20 * time.Second

// OutputCap is how much of one command's output (and of a runtime's
// stderr) is kept in memory; the rest is read, counted and discarded, so
// that a command such as "yes" cannot grow secprof's memory.
const OutputCap = 64 << 10

// onCreate, when set (by tests), is told of every container name and
// temporary path an engine creates, so that a test can check each is gone.
var onCreate func(kind, name string)

func traceCreate(kind, name string) {
	if onCreate != nil {
		onCreate(kind, name)
	}
}

// runOut is one finished runtime command.
type runOut struct {
	exit   int
	stderr string
}

// stopGrace is how long a runtime CLI has to end by itself once its
// container was killed, before its process group is killed too.
const stopGrace = 3 * time.Second

// runFollowed runs a runtime CLI (runc, crun, docker) that runs one
// container, with its stdout going to out as it arrives. When ctx is done
// it calls out.stop, which kills the container (and so ends the runtime
// CLI and closes its output); the CLI's process group is killed only after
// that, when the CLI has not ended within stopGrace (it may have been
// still creating the container, which the caller then removes). The child gets its own process
// group, so a Ctrl-C on the terminal reaches only secprof, which then
// removes the container in order; a runtime that got the SIGINT itself
// could leave the container behind.
//
// The runtime's stderr is kept up to OutputCap. The error is ctx's when it
// was done, or says the CLI did not run at all.
func runFollowed(ctx context.Context, out *follower, name string, args ...string) (runOut, error) {
	stderr := &cappedBuffer{limit: OutputCap}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A container process that outlives the CLI (it cannot, once stop has
	// run) must not keep Wait reading its pipes for ever.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return runOut{exit: -1}, err
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-ctx.Done():
		out.stop()
		select {
		case err = <-waited:
		case <-time.After(stopGrace):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			err = <-waited
		}
	}
	res := runOut{stderr: stderr.String()}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.exit = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.exit = 128 + int(ws.Signal())
		}
	case errors.Is(err, exec.ErrWaitDelay):
		// The runtime exited; something still held its output.
	default:
		return res, err
	}
	return res, nil
}

// runCmd runs a short runtime command (docker version, docker rm) to
// completion and returns its stdout, kept up to OutputCap.
func runCmd(ctx context.Context, name string, args ...string) ([]byte, runOut, error) {
	var stdout, stderr cappedBuffer
	stdout.limit, stderr.limit = OutputCap, OutputCap
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	out := runOut{stderr: stderr.String()}
	if ctx.Err() != nil {
		return stdout.buf, out, ctx.Err()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		out.exit, err = exit.ExitCode(), nil
	}
	return stdout.buf, out, err
}

// cappedBuffer keeps the first limit bytes written to it and counts the
// rest; it never refuses a write, so the writer is never blocked or
// broken by it.
type cappedBuffer struct {
	mu      sync.Mutex
	limit   int
	buf     []byte
	dropped int64
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.add(p)
	return len(p), nil
}

func (b *cappedBuffer) add(p []byte) {
	room := b.limit - len(b.buf)
	if room > len(p) {
		room = len(p)
	}
	if room > 0 {
		b.buf = append(b.buf, p[:room]...)
	}
	b.dropped += int64(len(p) - max(room, 0))
}

func (b *cappedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// freshContext is for cleanup that must happen although ctx is done.
func freshContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}
