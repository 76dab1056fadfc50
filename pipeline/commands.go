package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/importer"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic/srcdiff"
	"github.com/secprof/secprof/syscalls/hostlib"
	"github.com/secprof/secprof/target"
	"github.com/secprof/secprof/verify/kernel"
)

// RunChildIfAsked turns the process into a kernel-check child when it was
// started as one, and never returns then; call it first thing in main.
func RunChildIfAsked() { kernel.MaybeRunChild() }

// HostOptions asks the host's libseccomp about names, so a profile that
// relies on a call runc would silently skip here says so.
func HostOptions() compiler.Options {
	if !hostlib.Available() {
		return compiler.Options{}
	}
	return compiler.Options{KnownToHost: hostlib.Knows, HostLibseccomp: hostlib.Version()}
}

// forTarget is opts for a compilation checked against env's host arch: a
// Docker profile without architectures, or with an archMap, filters that
// arch's ABIs, so its names are checked there and not on amd64.
func forTarget(opts compiler.Options, env target.Env) compiler.Options {
	opts.Native = env.NativeArch
	return opts
}

// readSource reads a source ("-" is stdin) under the size cap. A source over
// the cap is an error diagnostic (exit 1); one that cannot be read, or is
// not a regular file, a UsageError (exit 2).
func readSource(path string) (string, []byte, diag.List, error) {
	name, src, err := profiles.ReadSource(path, os.Stdin)
	if errors.Is(err, profiles.ErrTooLarge) {
		diags := diag.List{{Pos: diag.Pos{File: name}, Severity: diag.Error, Message: fmt.Sprintf("source is %v", profiles.ErrTooLarge)}}
		return name, nil, diags, diags.Err()
	}
	if err != nil {
		return name, nil, nil, Usagef("%v", err)
	}
	return name, src, nil, nil
}

// Import is `secprof import`: read a Docker-format profile, write it as
// DSL to output ("-" is stdout). Nothing is written on any error.
func Import(path, output string, opts compiler.Options, stdout func([]byte) error) (diag.List, error) {
	name, src, diags, err := readSource(path)
	if err != nil {
		return diags, err
	}
	out, diags := importer.ImportJSON(name, src, opts)
	if err := diags.Err(); err != nil {
		return diags, err
	}
	return diags, WriteAll([]Output{{Path: output, Data: out}}, stdout)
}

// Diff is `secprof diff`: compare two sources by what they decide in env.
func Diff(pathA, pathB string, env target.Env, opts compiler.Options) (*srcdiff.Report, diag.List, error) {
	nameA, srcA, da, errA := readSource(pathA)
	nameB, srcB, db, errB := readSource(pathB)
	if err := errors.Join(errA, errB); err != nil {
		diags := append(da, db...)
		diags.Sort()
		var ue *UsageError
		if errors.As(err, &ue) {
			return nil, diags, ue
		}
		return nil, diags, diags.Err()
	}
	return srcdiff.Sources(nameA, srcA, nameB, srcB, srcdiff.Options{Env: env, Compile: forTarget(opts, env)})
}

// Families lists the built-in syscall families, for `secprof families`.
func Families() []compiler.Family { return compiler.Families() }

// FamiliesText is the families listing as text.
func FamiliesText() string { return compiler.FamiliesText() }

// LoadAppArmor is `secprof apparmor load`: apparmor_parser -r -W where
// AppArmor is active; elsewhere a UsageError that prints the command.
func LoadAppArmor(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return Usagef("%v", err)
	}
	err := apparmor.Load(ctx, path)
	var na *apparmor.NotActiveError
	if errors.As(err, &na) {
		return Usagef("%v", err)
	}
	return err
}

// VersionInfo is `secprof version`: this build and the host's libseccomp.
type VersionInfo struct {
	Version    string `json:"version"`
	Libseccomp string `json:"libseccomp"`
}

// Version reads the build information and the linked libseccomp.
func Version() VersionInfo {
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
	return VersionInfo{Version: v, Libseccomp: lib}
}
