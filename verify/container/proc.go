package container

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
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
func runCmd(ctx context.Context, name string, args ...string) (runOut, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	out := runOut{stdout: stdout.Bytes(), stderr: stderr.String()}
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

// freshContext is for cleanup that must happen although ctx is done.
func freshContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}
