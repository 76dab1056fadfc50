package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/compiler/oci"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/target"
	"github.com/secprof/secprof/verify/container"
	"github.com/secprof/secprof/verify/kernel"
)

// TestRequest is `secprof test`.
type TestRequest struct {
	Files   []string
	Engine  string // auto, runc, crun, docker, or none to skip run lines
	Env     target.Env
	Options compiler.Options
	// Timeout is a run line's timeout when it names none; 0 means
	// container.DefaultTimeout.
	Timeout time.Duration
	// Progress, when not nil, gets a line as each run line starts (a
	// terminal, so that a long test shows where it is).
	Progress io.Writer
}

// CheckResult is one line of a test report: an expect or a run line.
type CheckResult struct {
	Pos      diag.Pos `json:"pos"`
	Kind     string   `json:"kind"` // kernel or the engine's name
	Check    string   `json:"check"`
	Expected string   `json:"expected"`
	Got      string   `json:"got"`
	OK       bool     `json:"ok"`
	Why      string   `json:"why,omitempty"`
}

// Failed reports whether any result did not hold.
func Failed(rs []CheckResult) bool {
	for _, r := range rs {
		if !r.OK {
			return true
		}
	}
	return false
}

// Test compiles each file and proves its test block: expect lines in the
// kernel (a child process that loads the filter), run lines in one
// throwaway container per profile. A failed check is a result, not an
// error; the error is for profiles that do not compile (diag.ErrorList)
// and for a missing engine (UsageError, exit 2). When ctx is done (a
// signal), the results obtained so far are returned with a UsageError that
// wraps ctx's error.
func Test(ctx context.Context, req TestRequest) ([]CheckResult, diag.List, error) {
	if req.Timeout != 0 {
		if err := profiles.CheckRunTimeout(req.Timeout); err != nil {
			return nil, nil, Usagef("--timeout: %v", err)
		}
	}
	var all diag.List
	var results []CheckResult
	for _, path := range req.Files {
		u, diags, err := Load(path, forTarget(req.Options, req.Env))
		all.Add(diags...)
		if err != nil {
			all.Sort()
			return results, all, err
		}
		rs, diags, err := testUnit(ctx, u, req)
		all.Add(diags...)
		results = append(results, rs...)
		if err != nil {
			all.Sort()
			return results, all, err
		}
	}
	all.Sort()
	return results, all, nil
}

func testUnit(ctx context.Context, u *compiler.Result, req TestRequest) ([]CheckResult, diag.List, error) {
	var diags diag.List
	t := u.Tests
	if t.Empty() {
		diags.Warnf(diag.Pos{File: u.Source}, "no test block: nothing to prove")
		return nil, diags, nil
	}
	if u.Policy == nil {
		diags.Errorf(t.Pos, "a test block needs seccomp rules to test")
		return nil, diags, diags.Err()
	}
	var results []CheckResult
	if exps := t.Expects; len(exps) > 0 {
		prog, bd, err := BuildBPF(u, req.Env)
		diags.Add(bd...)
		if err != nil {
			return nil, diags, err
		}
		krs, err := kernel.Check(ctx, prog, exps)
		for _, r := range krs {
			results = append(results, CheckResult{Pos: r.Pos, Kind: "kernel", Check: "expect " + r.Expect.String(), Expected: r.Expected, Got: r.Got, OK: r.OK, Why: r.Why})
		}
		if ctx.Err() != nil {
			return results, diags, interrupted(ctx)
		}
		if err != nil {
			return results, diags, Usagef("kernel check: %v", err)
		}
	}
	if len(t.Runs) == 0 || req.Engine == "none" {
		return results, diags, nil
	}
	// No engine.Available here: it may start a probe container, and Run
	// reports an engine that cannot run containers (ErrEngineUnavailable)
	// by itself, probing only when its own container did not start.
	engine, err := container.New(ctx, req.Engine)
	if err != nil {
		return results, diags, Usagef("%v", err)
	}
	docker, err := dockerjson.Marshal(u.Policy)
	if err != nil {
		return results, diags, err
	}
	checks := make([]container.Check, len(t.Runs))
	for i, r := range t.Runs {
		if r.Timeout == 0 {
			r.Timeout = req.Timeout
		}
		checks[i] = r
	}
	// The container gets exactly the capabilities the filter was decided
	// for, so that a rule dropped for CAP_SYS_ADMIN meets a container that
	// has it.
	profile := container.Profile{OCI: oci.Seccomp(u.Policy, req.Env), DockerJSON: docker, Caps: req.Env.Caps}
	crs, err := engine.Run(ctx, profile, checks, progress(req.Progress, checks))
	for _, r := range crs {
		results = append(results, CheckResult{Pos: r.Check.Pos, Kind: engine.Name(), Check: fmt.Sprintf("run %q", r.Check.Command), Expected: string(r.Check.Want), Got: r.Got(), OK: r.OK, Why: r.Why})
	}
	switch {
	case ctx.Err() != nil:
		return results, diags, interrupted(ctx)
	case errors.Is(err, container.ErrEngineUnavailable):
		return results, diags, Usagef("%v", err)
	case err != nil:
		return results, diags, fmt.Errorf("%s: %w", engine.Name(), err)
	}
	return results, diags, nil
}

// InterruptedError is a test stopped by a signal: exit 2, with the results
// obtained before it.
type InterruptedError struct {
	UsageError
	err error
}

func (e *InterruptedError) Unwrap() []error { return []error{&e.UsageError, e.err} }

// interrupted says why ctx ended (the signal, when signal.NotifyContext
// gives it as the cause) and wraps ctx.Err().
func interrupted(ctx context.Context) error {
	return &InterruptedError{UsageError: UsageError{Msg: fmt.Sprintf("interrupted (%v): the results above are those obtained so far", context.Cause(ctx))}, err: ctx.Err()}
}

// progress returns the engine's progress callback: one line per run line
// as it starts, e.g. `running p.sp:11:5 run "ls /" (3/6)`. The command is
// quoted, so that a profile cannot send control sequences to a terminal.
func progress(w io.Writer, checks []container.Check) func(int) {
	if w == nil {
		return nil
	}
	return func(i int) {
		c := checks[i]
		fmt.Fprintf(w, "running %s run %q (%d/%d)\n", c.Pos, c.Command, i+1, len(checks))
	}
}
