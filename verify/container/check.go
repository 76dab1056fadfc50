package container

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/compiler"
)

// Want is what a check expects of its command (compiler.RunWant).
type Want = compiler.RunWant

// What a check may expect.
const (
	Succeeds = compiler.RunSucceeds
	Fails    = compiler.RunFails
	Killed   = compiler.RunKilled
)

// Check is one run line of a profile's test block, as the compiler
// resolved it; a zero Timeout means DefaultTimeout.
type Check = compiler.Run

// DefaultTimeout is a check's timeout when it names none.
const DefaultTimeout = 30 * time.Second

// timeout is how long c may run.
func timeout(c Check) time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// Result is what a check got.
type Result struct {
	Check Check `json:"check"`
	// ExitCode is the command's status as sh reports it: 128+N when killed
	// by signal N. -1 when the command did not run.
	ExitCode int `json:"exit_code"`
	// Signal names the signal that killed the command, e.g. "SIGSYS".
	Signal string `json:"signal,omitempty"`
	// TimedOut says the command ran past its timeout and was killed.
	TimedOut bool `json:"timed_out,omitempty"`
	// Output is the command's stdout and stderr, interleaved: the first
	// OutputCap bytes of it.
	Output string `json:"output"`
	// OutputDropped counts the bytes of output beyond OutputCap, read and
	// discarded.
	OutputDropped int64 `json:"output_dropped,omitempty"`
	// Control is the command's status without the profile, when a control
	// container ran (only for "fails" checks).
	Control *int `json:"control_exit_code,omitempty"`
	OK      bool `json:"ok"`
	// Why explains a failed expectation, or how a held one was decided.
	Why string `json:"why,omitempty"`
}

// Got describes the outcome in a word or two, for a table.
func (r Result) Got() string {
	switch {
	case r.TimedOut:
		return "timed out after " + timeout(r.Check).String()
	case r.ExitCode < 0:
		return "not run"
	case r.Signal != "":
		return "killed (" + r.Signal + ")"
	case r.ExitCode == 0:
		return "succeeded"
	default:
		return fmt.Sprintf("failed (exit %d)", r.ExitCode)
	}
}

// Profile is a compiled profile in the forms the engines read. An engine
// needs only its own form.
type Profile struct {
	// OCI is the linux.seccomp section for runc and crun.
	OCI *specs.LinuxSeccomp
	// DockerJSON is a Docker seccomp profile for --security-opt seccomp=.
	DockerJSON []byte
	// Caps is exactly the capability set the container runs with (empty:
	// none), CAP_ names: the set the profile's conditional rules were
	// decided for, so that the container and the filter agree.
	Caps []string
}

// Engine runs checks in a throwaway container.
type Engine interface {
	// Name is the engine's name as --engine spells it.
	Name() string
	// Available returns nil when the engine can run containers here, or an
	// error that matches ErrEngineUnavailable saying why not. It may start
	// a container to find out; Run does not need it first.
	Available(ctx context.Context) error
	// Run runs every check in one container under the profile and returns
	// one result per check, in order. An error means the checks could not
	// be decided (engine unavailable, context cancelled), not that a check
	// failed; the error matches ErrEngineUnavailable when the engine is
	// missing or does not start containers here. A container that does not
	// start under the profile (the profile denies what sh needs) gives
	// failed results, not an error. When ctx is done, the containers are
	// removed and Run returns the results decided so far with an error
	// that wraps ctx.Err(). progress, when not nil, is told of each check
	// as it starts under the profile.
	Run(ctx context.Context, p Profile, checks []Check, progress func(i int)) ([]Result, error)
}

// memo remembers the answer of an availability check, unless the check
// was cut short by its context, which says nothing about the engine.
type memo struct {
	mu   sync.Mutex
	done bool
	err  error
}

func (m *memo) do(ctx context.Context, check func() error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done {
		return m.err
	}
	err := check()
	if ctx.Err() == nil {
		m.done, m.err = true, err
	}
	return err
}

// ErrEngineUnavailable is matched (errors.Is) by every error that says a
// container engine is missing or does not work on this machine.
var ErrEngineUnavailable = errors.New("container engine unavailable")

// UnavailableError says why an engine cannot be used.
type UnavailableError struct {
	Engine string
	Reason string
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s is unavailable: %s", e.Engine, e.Reason)
}

// Is makes errors.Is(err, ErrEngineUnavailable) hold.
func (e *UnavailableError) Is(target error) bool { return target == ErrEngineUnavailable }

// Engines lists the names New accepts.
var Engines = []string{"auto", "runc", "crun", "docker"}

// New returns the engine called name. "auto" picks runc when it works
// here and Docker otherwise.
func New(ctx context.Context, name string) (Engine, error) {
	switch name {
	case "runc":
		return NewOCI("runc"), nil
	case "crun":
		return NewOCI("crun"), nil
	case "docker":
		return NewDocker(), nil
	case "auto", "":
		return Auto(ctx)
	}
	return nil, fmt.Errorf("unknown engine %q (want one of %s)", name, strings.Join(Engines, ", "))
}

// Auto returns runc when it is installed and secprof runs as root, else
// Docker when its daemon answers, else an UnavailableError naming both
// reasons. It starts no container: a runc that cannot run one here is
// reported by Run.
func Auto(ctx context.Context) (Engine, error) {
	runc := NewOCI("runc")
	rerr := runc.usable()
	if rerr == nil {
		return runc, nil
	}
	docker := NewDocker()
	derr := docker.Available(ctx)
	if derr == nil {
		return docker, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, &UnavailableError{Engine: "auto", Reason: rerr.Error() + "; " + derr.Error()}
}

// sigsys is the status sh reports for a command killed by seccomp.
const sigsys = 128 + int(unix.SIGSYS)

// evaluate decides each check from the driver's report under the profile
// and, when one ran, without it.
func evaluate(checks []Check, main, control *report) []Result {
	results := make([]Result, len(checks))
	for i, c := range checks {
		r := Result{Check: c, ExitCode: -1}
		got, ran := main.status[i]
		r.Output, r.OutputDropped = main.output[i], main.dropped[i]
		if ran {
			r.ExitCode = got
			if got > 128 && got <= 128+64 {
				r.Signal = unix.SignalName(unix.Signal(got - 128))
			}
		}
		switch {
		case main.timedOut && main.began == i:
			r.TimedOut = true
			r.Why = fmt.Sprintf("did not finish within %s; the container and every process in it were killed", timeout(c))
		case !ran:
			r.Why = main.notRun(i)
		case c.Want == Succeeds:
			r.OK = got == 0
			if !r.OK {
				r.Why = "want exit 0, got " + r.Got()
			}
		case c.Want == Killed:
			r.OK = got == sigsys
			if !r.OK {
				r.Why = "want killed by SIGSYS, got " + r.Got()
			}
		case c.Want == Fails:
			r.OK, r.Why = decideFails(&r, i, control)
		default:
			r.Why = fmt.Sprintf("unknown expectation %q", c.Want)
		}
		results[i] = r
	}
	return results
}

// decidedSoFar is the longest prefix of results that a cut-short run
// decided: the command ran under the profile and, for a "fails" check
// that failed, in the control container too.
func decidedSoFar(results []Result) []Result {
	for i, r := range results {
		undecided := r.ExitCode < 0 && !r.TimedOut ||
			r.Check.Want == Fails && r.ExitCode > 0 && r.Signal == "" && r.Control == nil
		if undecided {
			return results[:i]
		}
	}
	return results
}

func decideFails(r *Result, i int, control *report) (bool, string) {
	switch {
	case r.ExitCode == 0:
		return false, "want a failure, got exit 0"
	case r.Signal != "":
		return false, "want a failure, got " + r.Got() + `; write "killed" if that is intended`
	case control == nil:
		return false, "no control run was made"
	}
	cs, ran := control.status[i]
	if !ran {
		return false, "control run without the profile: " + control.notRun(i)
	}
	r.Control = &cs
	if cs != 0 {
		return false, fmt.Sprintf("fails without the profile too (exit %d): the failure is not the profile's", cs)
	}
	return true, "succeeds without the profile"
}

// startContainer runs one container to completion with out following its
// stdout; withProfile false is the control container, without seccomp.
type startContainer func(ctx context.Context, withProfile bool, args []string, out *follower) (runOut, error)

// pair is what the container under the profile and the control container
// (nil when no check needed one) reported, and their engines' errors.
type pair struct {
	main, control       *report
	mainErr, controlErr error
}

// runPair runs the checks in a container under the profile and, when a
// check expects a failure, in a control container without it, at the same
// time. The control container runs only as far as the profile's results
// need it: once the main one is done, it is stopped at the first check
// after the last failure it must confirm.
func runPair(ctx context.Context, checks []Check, progress func(int), start startContainer) pair {
	nonce := randomHex(8)
	var p pair
	var cf *follower
	var wg sync.WaitGroup
	if n := controlChecks(checks); n > 0 {
		cf = newFollower(nonce, checks[:n], nil)
		wg.Go(func() {
			out, err := start(ctx, false, driverArgs(nonce, checks[:n]), cf)
			p.control, p.controlErr = cf.finish(out.exit, out.stderr), err
		})
	}
	mf := newFollower(nonce, checks, progress)
	out, err := start(ctx, true, driverArgs(nonce, checks), mf)
	p.main, p.mainErr = mf.finish(out.exit, out.stderr), err
	if cf != nil {
		cf.setLimit(lastToConfirm(checks, p.main))
	}
	wg.Wait()
	return p
}

// lastToConfirm is the last "fails" check whose failure under the profile
// the control run must confirm, or -1.
func lastToConfirm(checks []Check, main *report) int {
	last := -1
	for i, c := range checks {
		if s, ran := main.status[i]; ran && c.Want == Fails && s != 0 && s <= 128 {
			last = i
		}
	}
	return last
}

// cutShort is Run's answer when ctx ended it: the results decided so far
// and an error wrapping ctx's.
func cutShort(ctx context.Context, engine string, checks []Check, p pair) ([]Result, error) {
	return decidedSoFar(evaluate(checks, p.main, p.control)), fmt.Errorf("%s: %w", engine, ctx.Err())
}
