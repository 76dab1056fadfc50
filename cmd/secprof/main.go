// Command secprof compiles seccomp and AppArmor profiles from a small
// source language, and proves them in libseccomp, the kernel and throwaway
// containers. This file only wires flags to the pipeline package.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/pipeline"
	"github.com/secprof/secprof/target"
)

type globals struct {
	JSON bool `help:"Print results (stdout) and diagnostics with the error (stderr, one object) as JSON."`

	// session collects what this run reports; never a flag.
	session *session
}

type cli struct {
	globals

	Compile  compileCmd  `cmd:"" help:"Compile profile sources to Docker seccomp JSON, OCI linux.seccomp, BPF or AppArmor."`
	Test     testCmd     `cmd:"" help:"Prove profiles: check expect lines in the kernel and run lines in a throwaway container."`
	Lint     lintCmd     `cmd:"" help:"Check profiles for silent holes (family and ABI bypasses, dangerous allows, …) with stable IDs; text, JSON or SARIF."`
	Import   importCmd   `cmd:"" help:"Turn a Docker-format seccomp JSON profile into secprof's language."`
	Diff     diffCmd     `cmd:"" help:"Compare two profiles by what they decide, per syscall and argument condition."`
	Families familiesCmd `cmd:"" help:"List the built-in syscall families (@chmod, @mount, …) and their members."`
	AppArmor apparmorCmd `cmd:"" name:"apparmor" help:"AppArmor helpers."`
	Version  versionCmd  `cmd:"" help:"Print secprof's version."`

	InstallCompletions installCompletionsCmd `cmd:"" help:"Install shell completions for bash, zsh or fish into your shell's startup file."`
}

type compileCmd struct {
	Files  []string `arg:"" name:"file" help:"Profile sources: .sp DSL, secprof JSON, or Docker seccomp JSON." predictor:"file"`
	Output string   `short:"o" help:"Write here instead of stdout: a file, or a directory (several sources or formats write NAME.json, NAME.oci.json… in it). Written atomically, and not at all on any error." default:"-" placeholder:"PATH"`
	Format string   `short:"f" help:"Output formats, comma-separated: ${formats}." default:"docker" placeholder:"FORMAT"`
	Stats  bool     `help:"Print the target and each filter's BPF instruction count per arch (built with libseccomp) to stderr."`
	targetFlags
}

// targetFlags are the target a profile is decided for, the same flags with
// the same defaults in compile, test and diff.
type targetFlags struct {
	Arch   string `help:"The host's arch as Docker names it (amd64, arm64, …) or host: decides Docker's arch-conditional rules and archMap." default:"${default_arch}"`
	Kernel string `help:"The host's kernel, MAJOR.MINOR, latest (newer than every minKernel) or host: decides Docker's kernel-conditional rules." default:"${default_kernel}"`
	Caps   string `help:"The container's capabilities: docker-default, all, none, or a comma-separated list." default:"${default_caps}"`
}

func (t targetFlags) env() (target.Env, error) { return pipeline.ParseTarget(t.Arch, t.Kernel, t.Caps) }

func (c *compileCmd) Run(g *globals, stdout io.Writer) error {
	env, err := c.env()
	if err != nil {
		return err
	}
	g.session.target = &env
	formats, err := pipeline.ParseFormats(c.Format)
	if err != nil {
		return err
	}
	if err := g.session.stdoutIsJSON(c.Output, formats); err != nil {
		return err
	}
	req := pipeline.CompileRequest{
		Files:   c.Files,
		Formats: formats,
		Output:  c.Output,
		Env:     env,
		Options: pipeline.HostOptions(),
	}
	if c.Stats {
		req.Stats = g.session.stats
	}
	diags, err := pipeline.Compile(req, writeTo(stdout))
	report(g, diags)
	return err
}

// writeTo is the stdout of pipeline.WriteAll.
func writeTo(w io.Writer) func([]byte) error {
	return func(b []byte) error { _, err := w.Write(b); return err }
}

type testCmd struct {
	Files   []string      `arg:"" name:"file" help:"Profile sources with a test block." predictor:"file"`
	Engine  string        `help:"Where run lines execute: auto (runc, else Docker), runc, crun, docker, or none to skip them." default:"auto" enum:"auto,runc,crun,docker,none"`
	Timeout time.Duration `help:"How long a run line may run unless it names its own timeout (100ms to 1h)." default:"30s"`
	targetFlags
}

func (c *testCmd) Run(ctx context.Context, g *globals, stdout io.Writer) error {
	env, err := c.env()
	if err != nil {
		return err
	}
	g.session.target = &env
	req := pipeline.TestRequest{Files: c.Files, Engine: c.Engine, Env: env, Options: pipeline.HostOptions(), Timeout: c.Timeout}
	if !g.JSON && isTerminal(os.Stderr) {
		// Progress is for a person; --json promises one object on stderr.
		req.Progress = os.Stderr
	}
	results, diags, err := pipeline.Test(ctx, req)
	report(g, diags)
	switch {
	case g.JSON:
		writeJSON(stdout, nonNil(results))
	case len(results) > 0 || err == nil:
		// A run that got no result before its error shows only the error.
		writeTable(stdout, results)
	}
	if err == nil && pipeline.Failed(results) {
		return &pipeline.FailedError{Msg: failedCount(results)}
	}
	return err
}

// failedCount says how many checks did not hold, the reason of exit 1.
func failedCount(rs []pipeline.CheckResult) string {
	n := 0
	for _, r := range rs {
		if !r.OK {
			n++
		}
	}
	return fmt.Sprintf("%d of %d checks failed", n, len(rs))
}

type lintCmd struct {
	Files   []string `arg:"" optional:"" name:"file" help:"Profile sources: .sp DSL, secprof JSON, or Docker seccomp JSON." predictor:"file"`
	Format  string   `short:"f" help:"Output on stdout: text, json or sarif (SARIF 2.1.0, for code review and CI)." default:"text" enum:"text,json,sarif"`
	Strict  bool     `help:"Exit 1 on warnings too, not only on errors."`
	Explain string   `help:"Print the documentation of one check (SP101, or its name) and exit." placeholder:"ID"`
}

func (c *lintCmd) Run(g *globals, stdout io.Writer) error {
	if c.Explain != "" {
		return c.explain(g, stdout)
	}
	if len(c.Files) == 0 {
		return pipeline.Usagef("lint needs at least one file, or --explain ID")
	}
	format := c.Format
	if g.JSON && format == "text" {
		format = "json"
	}
	out, err := pipeline.Lint(pipeline.LintRequest{Files: c.Files, Format: format, Strict: c.Strict, Options: pipeline.HostOptions(), Version: pipeline.Version().Version})
	stdout.Write(out)
	return err
}

func (c *lintCmd) explain(g *globals, stdout io.Writer) error {
	if len(c.Files) > 0 {
		return pipeline.Usagef("--explain takes no files")
	}
	chk, err := pipeline.ExplainCheck(c.Explain)
	if err != nil {
		return err
	}
	if g.JSON {
		writeJSON(stdout, chk)
		return nil
	}
	_, err = io.WriteString(stdout, chk.Explain())
	return err
}

type importCmd struct {
	File   string `arg:"" help:"A Docker-format seccomp JSON profile." predictor:"file"`
	Output string `short:"o" help:"Write the source here (atomically) instead of stdout." default:"-" placeholder:"PATH"`
}

func (c *importCmd) Run(g *globals, stdout io.Writer) error {
	if g.JSON && pipeline.IsStdout(c.Output) {
		return pipeline.Usagef("--json keeps stdout JSON, and import writes secprof's language: give -o FILE")
	}
	diags, err := pipeline.Import(c.File, c.Output, pipeline.HostOptions(), writeTo(stdout))
	report(g, diags)
	return err
}

type diffCmd struct {
	A string `arg:"" help:"First profile: DSL, secprof JSON or Docker JSON." predictor:"file"`
	B string `arg:"" help:"Second profile." predictor:"file"`
	targetFlags
}

func (c *diffCmd) Run(g *globals, stdout io.Writer) error {
	env, err := c.env()
	if err != nil {
		return err
	}
	g.session.target = &env
	rep, diags, err := pipeline.Diff(c.A, c.B, env, pipeline.HostOptions())
	report(g, diags)
	if err != nil {
		return err
	}
	if g.JSON {
		stdout.Write(rep.JSON())
	} else {
		io.WriteString(stdout, rep.Text())
	}
	if rep.ExitCode() != 0 {
		return &pipeline.FailedError{Msg: fmt.Sprintf("%s and %s decide differently (%d differences)", c.A, c.B, len(rep.Differences))}
	}
	return nil
}

type familiesCmd struct{}

func (familiesCmd) Run(g *globals, stdout io.Writer) error {
	if g.JSON {
		writeJSON(stdout, nonNil(pipeline.Families()))
		return nil
	}
	_, err := io.WriteString(stdout, pipeline.FamiliesText())
	return err
}

type apparmorCmd struct {
	Load apparmorLoadCmd `cmd:"" help:"Load an AppArmor profile with apparmor_parser -r -W, or print the command to run on the host that has AppArmor."`
}

type apparmorLoadCmd struct {
	File string `arg:"" help:"An AppArmor profile written by secprof compile --format apparmor." predictor:"file"`
}

func (c *apparmorLoadCmd) Run(ctx context.Context) error { return pipeline.LoadAppArmor(ctx, c.File) }

type versionCmd struct{}

func (versionCmd) Run(g *globals, stdout io.Writer) error {
	v := pipeline.Version()
	if g.JSON {
		writeJSON(stdout, v)
		return nil
	}
	_, err := fmt.Fprintf(stdout, "secprof %s (libseccomp %s)\n", v.Version, v.Libseccomp)
	return err
}

// report hands diagnostics to the session: printed at once as text, or
// kept for the one JSON object on stderr.
func report(g *globals, diags diag.List) { g.session.report(diags) }

func main() {
	// The kernel check runs expectations in a re-executed copy of this
	// binary; in that copy this call never returns.
	pipeline.RunChildIfAsked()
	// Ctrl-C, a kill and a closed terminal or ssh session all stop a
	// command the same way: containers and temporary files are removed,
	// the results so far printed, and secprof exits 2.
	sigctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	code := runCLI(sigctx, os.Args[1:], os.Stdout, os.Stderr, func(parser *kong.Kong) {
		kongplete.Complete(parser, kongplete.WithPredictor("file", complete.PredictFiles("*")))
	})
	stop()
	os.Exit(code)
}

// exitRequest carries kong's exit (after --help, or a parse error) out of
// run as a panic, so the process is never ended from inside a run.
type exitRequest int

// runCLI is the whole CLI on its arguments and streams, and returns the exit
// code; tests and the CLI fuzz target call it in-process. complete, when
// set, gets the parser first (shell completion, which exits on its own).
func runCLI(ctx context.Context, args []string, stdout, stderr io.Writer, complete func(*kong.Kong)) (code int) {
	out := &checkedWriter{w: stdout}
	s := &session{json: wantsJSON(args), stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			req, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			code = int(req)
			if code != 0 {
				code = s.finish(pipeline.Usagef("%s", "bad command line"), out.err)
			}
		}
	}()
	var c cli
	c.session = s
	opts := []kong.Option{
		kong.Name("secprof"),
		kong.Description("Compile, check and prove seccomp and AppArmor profiles."),
		kong.Vars{
			"formats":        strings.Join(pipeline.Formats, ", "),
			"default_arch":   target.DefaultArch,
			"default_kernel": target.DefaultKernel,
			"default_caps":   target.DefaultCaps,
		},
		kong.Writers(out, stderr),
		kong.BindTo(io.Writer(out), (*io.Writer)(nil)),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.Exit(func(code int) { panic(exitRequest(code)) }),
	}
	if !s.json {
		// Usage text on stdout would break --json's promise.
		opts = append(opts, kong.UsageOnError())
	}
	parser, err := kong.New(&c, opts...)
	if err != nil {
		panic(err) // the CLI's own declaration is wrong
	}
	if complete != nil {
		complete(parser)
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		return s.finish(pipeline.Usagef("%v", err), out.err)
	}
	return s.finish(kctx.Run(&c.globals), out.err)
}

// wantsJSON looks for --json before kong has parsed the arguments, so
// even a parse error is reported as JSON.
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}
