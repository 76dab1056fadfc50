// Command secprof compiles seccomp and AppArmor profiles from a small
// source language, and proves them in libseccomp, the kernel and throwaway
// containers. This file only wires flags to the pipeline package.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/secprof/secprof/target"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/importer"
	"github.com/secprof/secprof/pipeline"
	"github.com/secprof/secprof/semantic/srcdiff"
	"github.com/secprof/secprof/syscalls/hostlib"
	"github.com/secprof/secprof/verify/kernel"
)

type globals struct {
	JSON bool `help:"Print diagnostics and results as JSON."`
}

type cli struct {
	globals

	Compile  compileCmd  `cmd:"" help:"Compile profile sources to Docker seccomp JSON, OCI linux.seccomp, BPF or AppArmor."`
	Test     testCmd     `cmd:"" help:"Prove profiles: check expect lines in the kernel and run lines in a throwaway container."`
	Import   importCmd   `cmd:"" help:"Turn a Docker-format seccomp JSON profile into secprof's language."`
	Diff     diffCmd     `cmd:"" help:"Compare two profiles by what they decide, per syscall and argument condition."`
	Families familiesCmd `cmd:"" help:"List the built-in syscall families (@chmod, @mount, …) and their members."`
	AppArmor apparmorCmd `cmd:"" name:"apparmor" help:"AppArmor helpers."`
	Version  versionCmd  `cmd:"" help:"Print secprof's version."`

	InstallCompletions kongplete.InstallCompletions `cmd:"" help:"Install shell completions for bash, zsh or fish."`
}

type compileCmd struct {
	Files  []string `arg:"" name:"file" help:"Profile sources: .sp DSL, secprof JSON, or Docker seccomp JSON." predictor:"file"`
	Output string   `short:"o" help:"Write here instead of stdout: a file, or a directory (several sources or formats write NAME.json, NAME.oci.json… in it). Written atomically, and not at all on any error." default:"-" placeholder:"PATH"`
	Format []string `short:"f" help:"Output formats, comma-separated: ${formats}." default:"docker" placeholder:"FORMAT"`
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
	req := pipeline.CompileRequest{
		Files:   c.Files,
		Formats: c.Format,
		Output:  c.Output,
		Env:     env,
		Options: hostOptions(),
	}
	if c.Stats {
		req.Stats = os.Stderr
	}
	diags, err := pipeline.Compile(req, func(b []byte) error { _, err := stdout.Write(b); return err })
	report(g, diags)
	return err
}

// hostOptions asks the host's libseccomp about names, so a profile that
// relies on a call runc would silently skip here says so.
func hostOptions() compiler.Options {
	if !hostlib.Available() {
		return compiler.Options{}
	}
	return compiler.Options{KnownToHost: hostlib.Knows}
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
	req := pipeline.TestRequest{Files: c.Files, Engine: c.Engine, Env: env, Options: hostOptions(), Timeout: c.Timeout}
	if isTerminal(os.Stderr) {
		req.Progress = os.Stderr
	}
	results, diags, err := pipeline.Test(ctx, req)
	report(g, diags)
	if g.JSON {
		writeJSON(stdout, results)
	} else {
		writeTable(stdout, results)
	}
	if err == nil && pipeline.Failed(results) {
		return errTestsFailed
	}
	return err
}

var errTestsFailed = &pipeline.FailedError{}

type importCmd struct {
	File   string `arg:"" help:"A Docker-format seccomp JSON profile." predictor:"file"`
	Output string `short:"o" help:"Write the source here (atomically) instead of stdout." default:"-" placeholder:"PATH"`
}

func (c *importCmd) Run(g *globals, stdout io.Writer) error {
	src, err := os.ReadFile(c.File)
	if err != nil {
		return pipeline.Usagef("%v", err)
	}
	out, diags := importer.ImportJSON(c.File, src, hostOptions())
	report(g, diags)
	if err := diags.Err(); err != nil {
		return err
	}
	return pipeline.WriteAll([]pipeline.Output{{Path: c.Output, Data: out}}, func(b []byte) error { _, err := stdout.Write(b); return err })
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
	rep, diags, err := srcdiff.Files(c.A, c.B, srcdiff.Options{Env: env})
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
		return errDifferent
	}
	return nil
}

// errDifferent makes diff exit 1 without an error message: the listing
// is the answer.
var errDifferent = &pipeline.FailedError{}

type familiesCmd struct{}

func (familiesCmd) Run(g *globals, stdout io.Writer) error {
	if g.JSON {
		writeJSON(stdout, compiler.Families())
		return nil
	}
	_, err := io.WriteString(stdout, compiler.FamiliesText())
	return err
}

type apparmorCmd struct {
	Load apparmorLoadCmd `cmd:"" help:"Load an AppArmor profile with apparmor_parser -r -W, or print the command to run on the host that has AppArmor."`
}

type apparmorLoadCmd struct {
	File string `arg:"" help:"An AppArmor profile written by secprof compile --format apparmor." predictor:"file"`
}

func (c *apparmorLoadCmd) Run(ctx context.Context) error {
	if _, err := os.Stat(c.File); err != nil {
		return pipeline.Usagef("%v", err)
	}
	err := apparmor.Load(ctx, c.File)
	var na *apparmor.NotActiveError
	if errors.As(err, &na) {
		return pipeline.Usagef("%v", err)
	}
	return err
}

type versionCmd struct{}

func (versionCmd) Run(stdout io.Writer) error {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += " " + s.Value
			}
		}
	}
	lib := hostlib.Version()
	if lib == "" {
		lib = "not linked"
	}
	_, err := fmt.Fprintf(stdout, "secprof %s (libseccomp %s)\n", v, lib)
	return err
}

// report prints diagnostics to stderr, as text or JSON.
func report(g *globals, diags diag.List) {
	if g.JSON {
		os.Stderr.Write(diags.JSON())
		return
	}
	for _, d := range diags {
		if d.Severity != diag.Note {
			fmt.Fprintln(os.Stderr, d.String())
		}
	}
}

func main() {
	// The kernel check runs expectations in a re-executed copy of this
	// binary; in that copy this call never returns.
	kernel.MaybeRunChild()
	// Ctrl-C, a kill and a closed terminal or ssh session all stop a
	// command the same way: containers and temporary files are removed,
	// the results so far printed, and secprof exits 2.
	sigctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	var c cli
	parser := kong.Must(&c,
		kong.Name("secprof"),
		kong.Description("Compile, check and prove seccomp and AppArmor profiles."),
		kong.UsageOnError(),
		kong.Vars{
			"formats":        strings.Join(pipeline.Formats, ", "),
			"default_arch":   target.DefaultArch,
			"default_kernel": target.DefaultKernel,
			"default_caps":   target.DefaultCaps,
		},
		kong.BindTo(io.Writer(os.Stdout), (*io.Writer)(nil)),
		kong.BindTo(sigctx, (*context.Context)(nil)),
		kong.Exit(func(code int) {
			if code != 0 {
				code = pipeline.ExitUsage
			}
			os.Exit(code)
		}),
	)
	kongplete.Complete(parser, kongplete.WithPredictor("file", complete.PredictFiles("*")))
	ctx, err := parser.Parse(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "secprof: %v\n", err)
		os.Exit(pipeline.ExitUsage)
	}
	err = ctx.Run(&c.globals)
	if err != nil {
		var dl diag.ErrorList
		var failed *pipeline.FailedError
		if !errors.As(err, &dl) && !errors.As(err, &failed) {
			fmt.Fprintf(os.Stderr, "secprof: %v\n", err)
		}
	}
	stop()
	os.Exit(pipeline.ExitCode(err))
}
