package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/secprof/secprof/target"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/compiler/oci"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/verify/container"
	"github.com/secprof/secprof/verify/kernel"
)

// TestRequest is `secprof test`.
type TestRequest struct {
	Files   []string
	Engine  string // auto, runc, crun, docker, or none to skip run lines
	Env     target.Env
	Options compiler.Options
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
// and for a missing engine (UsageError, exit 2).
func Test(ctx context.Context, req TestRequest) ([]CheckResult, diag.List, error) {
	var all diag.List
	var results []CheckResult
	for _, path := range req.Files {
		u, diags, err := Load(path, req.Options)
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

func testUnit(ctx context.Context, u *Unit, req TestRequest) ([]CheckResult, diag.List, error) {
	var diags diag.List
	t := u.File.Test
	if t == nil || (len(t.Expects) == 0 && len(t.Runs) == 0) {
		diags.Warnf(diag.Pos{File: u.File.Name}, "no test block: nothing to prove")
		return nil, diags, nil
	}
	if u.Policy == nil {
		diags.Errorf(t.Pos, "a test block needs seccomp rules to test")
		return nil, diags, diags.Err()
	}
	exps, ed := compiler.Expectations(t)
	diags.Add(ed...)
	if err := diags.Err(); err != nil {
		return nil, diags, err
	}
	var results []CheckResult
	if len(exps) > 0 {
		prog, bd, err := BuildBPF(u, req.Env)
		diags.Add(bd...)
		if err != nil {
			return nil, diags, err
		}
		var kexps []kernel.Expectation
		for _, e := range exps {
			kexps = append(kexps, kernel.Expectation{Pos: e.Pos, Syscall: e.Syscall, Args: e.Args, Want: e.Want})
		}
		krs, err := kernel.Check(ctx, prog, kexps)
		if err != nil {
			return nil, diags, Usagef("kernel check: %v", err)
		}
		for _, r := range krs {
			results = append(results, CheckResult{Pos: r.Pos, Kind: "kernel", Check: "expect " + r.Expectation.String(), Expected: r.Expected, Got: r.Got, OK: r.OK, Why: r.Why})
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
	var checks []container.Check
	for _, r := range t.Runs {
		checks = append(checks, container.Check{Pos: r.Pos, Command: r.Command.Text, Want: container.Want(r.Want.Text)})
	}
	crs, err := engine.Run(ctx, container.Profile{OCI: oci.Seccomp(u.Policy, req.Env), DockerJSON: docker}, checks)
	if err != nil {
		if errors.Is(err, container.ErrEngineUnavailable) || errors.Is(err, context.Canceled) {
			return results, diags, Usagef("%v", err)
		}
		return results, diags, fmt.Errorf("%s: %w", engine.Name(), err)
	}
	for _, r := range crs {
		results = append(results, CheckResult{Pos: r.Check.Pos, Kind: engine.Name(), Check: fmt.Sprintf("run %q", r.Check.Command), Expected: string(r.Check.Want), Got: r.Got(), OK: r.OK, Why: r.Why})
	}
	return results, diags, nil
}
