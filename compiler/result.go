package compiler

import (
	"fmt"
	"strings"
	"time"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
)

// Result is everything one source compiles to. The backends and verify/
// read only this value, never the AST.
type Result struct {
	// Source is the source's name, as diagnostics name it.
	Source string
	// Name is the profile's name, "" when the source gives none.
	Name     string
	Policy   *Policy           // nil when the source has no seccomp part
	AppArmor *apparmor.Profile // nil when the source has no apparmor block
	Tests    *Tests            // nil when the source has no test block
	// HostNamesChecked is set when the compile warned, per arch, about the
	// names the host's libseccomp does not know (Options.KnownToHost), so
	// a backend that skips those names need not say so a second time.
	HostNamesChecked bool
}

// Tests is a resolved test block.
type Tests struct {
	Pos     diag.Pos
	Expects []Expect
	Runs    []Run
}

// Empty reports a test block with nothing to check.
func (t *Tests) Empty() bool { return t == nil || len(t.Expects) == 0 && len(t.Runs) == 0 }

// Compile resolves a parsed source into its Result: the seccomp Policy,
// the AppArmor profile and the tests. It returns nil when the diagnostics
// hold an error.
func Compile(f *profiles.File, opts Options) (*Result, diag.List) {
	p, diags := compileSeccomp(f, opts)
	aa, ad := AppArmorProfile(f)
	diags.Add(ad...)
	tests, td := resolveTests(f.Test)
	diags.Add(td...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return &Result{Source: f.Name, Name: f.Profile, Policy: p, AppArmor: aa, Tests: tests, HostNamesChecked: opts.KnownToHost != nil}, diags
}

// String prints an expectation's call as the DSL writes it: chmod, or
// personality(0xffffffff).
func (e Expect) String() string {
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

// RunWant is what a run line expects of its command.
type RunWant string

const (
	// RunSucceeds: the command exits 0.
	RunSucceeds RunWant = "succeeds"
	// RunFails: the command exits non-zero (not by a signal), and the same
	// command exits 0 in a container without the profile.
	RunFails RunWant = "fails"
	// RunKilled: the command is killed by SIGSYS, seccomp's kill.
	RunKilled RunWant = "killed"
)

// Run is a resolved `run` line.
type Run struct {
	Pos diag.Pos `json:"pos"`
	// Command is a shell command line for busybox sh, run in a subshell in
	// /tmp with PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin, so "chmod" is busybox's
	// and "/usr/bin/chmod" is GNU coreutils'. Runs go in order in one
	// container and see each other's effects; /tmp/f (an empty file) and
	// /tmp/d (an empty directory) exist before the first.
	Command string  `json:"command"`
	Want    RunWant `json:"want"`
	// Timeout bounds the command's run, from its start in the container;
	// zero means the caller's default. A command that runs longer gets a
	// "timed out" result, and the container, with every process in it, is
	// killed: the runs after it do not run.
	Timeout time.Duration `json:"timeout,omitempty"`
}

func resolveTests(t *profiles.Test) (*Tests, diag.List) {
	if t == nil {
		return nil, nil
	}
	exps, diags := Expectations(t)
	out := &Tests{Pos: t.Pos, Expects: exps}
	for _, r := range t.Runs {
		out.Runs = append(out.Runs, Run{Pos: r.Pos, Command: r.Command.Text, Want: RunWant(r.Want.Text), Timeout: r.Limit})
	}
	return out, diags
}
