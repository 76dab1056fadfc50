package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// cleanupTimeout bounds the removal of a container after cancellation,
// which runs on a fresh context because the caller's is already done.
const cleanupTimeout = 20 * time.Second

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
	stdout []byte
	stderr string
	exit   int
}

// runCmd runs a runtime CLI (runc, crun, docker) to completion. The child
// gets its own process group, so a Ctrl-C on the terminal reaches only
// secprof, which then cancels ctx and removes the container in order; a
// runtime that got the SIGINT itself could leave the container behind.
//
// The child writes its output into memory files rather than pipes: the
// container's processes write there directly, with no copying goroutine in
// secprof to wake for every line the driver prints.
func runCmd(ctx context.Context, name string, args ...string) (runOut, error) {
	stdout, err := memFile("secprof-stdout")
	if err != nil {
		return runOut{}, err
	}
	defer stdout.Close()
	stderr, err := memFile("secprof-stderr")
	if err != nil {
		return runOut{}, err
	}
	defer stderr.Close()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	var out runOut
	var rerr error
	if out.stdout, rerr = readBack(stdout); rerr == nil {
		var b []byte
		b, rerr = readBack(stderr)
		out.stderr = string(b)
	}
	if rerr != nil {
		return out, rerr
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		out.exit = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			out.exit = 128 + int(ws.Signal())
		}
	default:
		return out, err
	}
	return out, nil
}

// memFile is an anonymous file in memory, gone when closed.
func memFile(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// readBack returns what the child wrote to f.
func readBack(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// freshContext is for cleanup that must happen although ctx is done.
func freshContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}
