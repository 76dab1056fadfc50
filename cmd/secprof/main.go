// Command secprof compiles seccomp and AppArmor profiles from a small
// source language, and proves them in libseccomp, the kernel and throwaway
// containers. This file only wires flags to the pipeline package.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/pipeline"
	"github.com/secprof/secprof/syscalls/hostlib"
)

type globals struct {
	JSON bool `help:"Print diagnostics and results as JSON."`
}

type cli struct {
	globals

	Compile compileCmd `cmd:"" help:"Compile profile sources to Docker seccomp JSON, OCI linux.seccomp, BPF or AppArmor."`
	Version versionCmd `cmd:"" help:"Print secprof's version."`

	InstallCompletions kongplete.InstallCompletions `cmd:"" help:"Install shell completions for bash, zsh or fish."`
}

type compileCmd struct {
	Files  []string `arg:"" name:"file" help:"Profile sources: .sp DSL, secprof JSON, or Docker seccomp JSON." type:"existingfile" predictor:"file"`
	Output string   `short:"o" help:"Write here instead of stdout: a file, or a directory (several sources or formats write NAME.json, NAME.oci.json… in it). Written atomically, and not at all on any error." default:"-" placeholder:"PATH"`
	Format []string `short:"f" help:"Output formats, comma-separated: ${formats}." default:"docker" placeholder:"FORMAT"`
	Caps   string   `help:"Capabilities a container runs with, for formats that cannot carry Docker's conditional rules (oci, bpf): docker-default, all, none, or a comma-separated list." default:"docker-default"`
}

func (c *compileCmd) Run(g *globals, stdout io.Writer) error {
	env, err := pipeline.ParseEnv(c.Caps)
	if err != nil {
		return err
	}
	diags, err := pipeline.Compile(pipeline.CompileRequest{
		Files:   c.Files,
		Formats: c.Format,
		Output:  c.Output,
		Env:     env,
		Options: hostOptions(),
	}, func(b []byte) error { _, err := stdout.Write(b); return err })
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
	var c cli
	parser := kong.Must(&c,
		kong.Name("secprof"),
		kong.Description("Compile, check and prove seccomp and AppArmor profiles."),
		kong.UsageOnError(),
		kong.Vars{"formats": strings.Join(pipeline.Formats, ", ")},
		kong.BindTo(io.Writer(os.Stdout), (*io.Writer)(nil)),
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
		if !errors.As(err, &dl) {
			fmt.Fprintf(os.Stderr, "secprof: %v\n", err)
		}
	}
	os.Exit(pipeline.ExitCode(err))
}
