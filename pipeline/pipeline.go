package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/secprof/secprof/target"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/compiler/oci"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/atomicfile"
	"github.com/secprof/secprof/profiles"
)

// Exit codes, as documented in the README.
const (
	ExitOK      = 0
	ExitProfile = 1 // the profile is wrong, or one of its tests failed
	ExitUsage   = 2 // bad usage or a missing part of the environment
)

// UsageError is a mistake in how secprof was called, not in a profile.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

// ExitCode maps an error from this package to the process exit code.
func ExitCode(err error) int {
	var ue *UsageError
	var dl diag.ErrorList
	var fe *FailedError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &dl), errors.As(err, &fe):
		return ExitProfile
	case errors.As(err, &ue):
		return ExitUsage
	}
	return ExitUsage
}

// Unit is one compiled source.
type Unit struct {
	File     *profiles.File
	Policy   *compiler.Policy  // nil when the source has no seccomp part
	AppArmor *apparmor.Profile // nil when the source has no apparmor block
}

// Load parses and compiles one source file; "-" is standard input, named
// <stdin> in diagnostics. Diagnostics are returned even when there are
// errors; err is a diag.ErrorList then (also for a source over the size
// limit), or a UsageError when the file cannot be read or is not a regular
// file.
func Load(path string, opts compiler.Options) (*Unit, diag.List, error) {
	name, src, err := profiles.ReadSource(path, os.Stdin)
	if errors.Is(err, profiles.ErrTooLarge) {
		diags := diag.List{{Pos: diag.Pos{File: name}, Severity: diag.Error, Message: fmt.Sprintf("source is %v", profiles.ErrTooLarge)}}
		return nil, diags, diags.Err()
	}
	if err != nil {
		return nil, nil, Usagef("%v", err)
	}
	return LoadSource(name, src, opts)
}

// LoadSource is Load for text already in memory.
func LoadSource(name string, src []byte, opts compiler.Options) (*Unit, diag.List, error) {
	f, diags := profiles.Parse(name, src)
	if diags.HasErrors() {
		return nil, diags, diags.Err()
	}
	p, cd := compiler.Compile(f, opts)
	diags.Add(cd...)
	aa, ad := compiler.AppArmorProfile(f)
	diags.Add(ad...)
	diags.Sort()
	if err := diags.Err(); err != nil {
		return nil, diags, err
	}
	return &Unit{File: f, Policy: p, AppArmor: aa}, diags, nil
}

// Formats lists the backends Render knows.
var Formats = []string{"docker", "oci", "bpf", "apparmor"}

// extensions name each format's file in an output directory. An AppArmor
// profile is named like the profile, as in /etc/apparmor.d.
var extensions = map[string]string{"docker": ".json", "oci": ".oci.json", "bpf": ".bpf", "apparmor": ""}

// Render produces a unit's output in format. env decides Docker's
// conditional rules for the formats that cannot carry them (oci, bpf).
// Diagnostics from the backend (names the host's libseccomp skips) come
// back with the data.
func Render(u *Unit, format string, env target.Env) ([]byte, diag.List, error) {
	if format == "apparmor" {
		if u.AppArmor == nil {
			return nil, nil, missing(u, "an apparmor block", format)
		}
		data, err := apparmor.Render(u.AppArmor)
		return data, nil, err
	}
	if u.Policy == nil {
		return nil, nil, missing(u, "seccomp rules", format)
	}
	switch format {
	case "docker":
		data, err := dockerjson.Marshal(u.Policy)
		return data, nil, err
	case "oci":
		data, err := oci.Marshal(u.Policy, env)
		return data, nil, err
	case "bpf":
		prog, diags, err := BuildBPF(u, env)
		if err != nil {
			return nil, diags, err
		}
		return prog.Export(), diags, nil
	}
	return nil, nil, Usagef("unknown format %q; expected one of %s", format, strings.Join(Formats, ", "))
}

// BuildBPF compiles a unit's policy with libseccomp. A filter over the
// kernel's instruction limit is an error in the profile (exit 1), named by
// arch and size.
func BuildBPF(u *Unit, env target.Env) (*bpf.Program, diag.List, error) {
	prog, all, err := bpf.Build(u.Policy, env)
	// Warnings about a base's rules (Docker's default names calls this
	// host's libseccomp may not know) belong to the base, not to the user.
	var diags diag.List
	for _, d := range all {
		if d.Severity == diag.Error || d.Pos.File == u.File.Name {
			diags = append(diags, d)
		}
	}
	var limit *bpf.LimitError
	if errors.As(err, &limit) {
		diags.Errorf(diag.Pos{File: u.File.Name}, "%v", err)
		return prog, diags, diags.Err()
	}
	if err != nil {
		return nil, diags, Usagef("building the BPF filter with libseccomp: %v", err)
	}
	return prog, diags, nil
}

func missing(u *Unit, what, format string) error {
	return diag.List{{Pos: diag.Pos{File: u.File.Name}, Severity: diag.Error, Message: fmt.Sprintf("no %s to write as %s", what, format)}}.Err()
}

// Output is one rendered file.
type Output struct {
	Path string
	Data []byte
}

// Plan decides where each unit's output goes. With one source and an
// output that is not a directory, it is that file; "-" or "" is stdout.
// With several sources, or an existing directory (or a path ending in /),
// each source writes NAME+extension there, NAME being its profile name or
// its file name without extension.
func Plan(units []*Unit, formats []string, out string) ([]Output, error) {
	dirMode := strings.HasSuffix(out, "/") || len(units) > 1 || len(formats) > 1
	if fi, err := os.Stat(out); err == nil && fi.IsDir() && out != "-" {
		dirMode = true
	}
	for _, f := range formats {
		if _, ok := extensions[f]; !ok {
			return nil, Usagef("unknown format %q; expected one of %s", f, strings.Join(Formats, ", "))
		}
	}
	if dirMode && (out == "" || out == "-") {
		return nil, Usagef("several outputs need a directory: -o DIR")
	}
	var plan []Output
	seen := map[string]string{}
	for _, u := range units {
		for _, f := range formats {
			path := out
			if dirMode {
				path = filepath.Join(out, baseName(u)+extensions[f])
				if prev, dup := seen[path]; dup {
					return nil, Usagef("%s and %s would both write %s; give them different profile names", prev, u.File.Name, path)
				}
				seen[path] = u.File.Name
			}
			plan = append(plan, Output{Path: path, Data: nil})
		}
	}
	return plan, nil
}

func baseName(u *Unit) string {
	if u.File.Profile != "" {
		return u.File.Profile
	}
	b := filepath.Base(u.File.Name)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// WriteAll writes every output; each file is replaced atomically, and
// stdout ("" or "-") gets the data as is.
func WriteAll(outs []Output, stdout func([]byte) error) error {
	for _, o := range outs {
		if o.Path == "" || o.Path == "-" {
			if err := stdout(o.Data); err != nil {
				return err
			}
			continue
		}
		if dir := filepath.Dir(o.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return Usagef("%v", err)
			}
		}
		if err := atomicfile.Write(o.Path, o.Data, 0o644); err != nil {
			return Usagef("%v", err)
		}
	}
	return nil
}

// CompileRequest is `secprof compile`.
type CompileRequest struct {
	Files   []string
	Formats []string
	Output  string
	Env     target.Env
	Options compiler.Options
	// Stats, when set, receives each filter's BPF instruction counts.
	Stats io.Writer
}

// Compile runs a compile request: every file is read and compiled first,
// and nothing is written unless all of them compile.
func Compile(req CompileRequest, stdout func([]byte) error) (diag.List, error) {
	var all diag.List
	var units []*Unit
	failed := false
	for _, path := range req.Files {
		u, diags, err := Load(path, req.Options)
		all.Add(diags...)
		var ue *UsageError
		if errors.As(err, &ue) {
			return all, err
		}
		if err != nil {
			failed = true
			continue
		}
		units = append(units, u)
	}
	all.Sort()
	if failed {
		return all, all.Err()
	}
	plan, err := Plan(units, req.Formats, req.Output)
	if err != nil {
		return all, err
	}
	i := 0
	for _, u := range units {
		for _, f := range req.Formats {
			data, diags, err := Render(u, f, req.Env)
			all.Add(diags...)
			if err != nil {
				all.Sort()
				return all, err
			}
			plan[i].Data = data
			i++
		}
		if req.Stats != nil && u.Policy != nil {
			prog, diags, err := BuildBPF(u, req.Env)
			all.Add(diags...)
			if prog != nil {
				fmt.Fprintf(req.Stats, "%s:\n", u.File.Name)
				bpf.WriteStats(req.Stats, prog)
			}
			if err != nil {
				all.Sort()
				return all, err
			}
		}
	}
	all.Sort()
	return all, WriteAll(plan, stdout)
}

// FailedError says that a profile's tests ran and some did not hold
// (exit 1); the results say which.
type FailedError struct{}

func (*FailedError) Error() string { return "some checks failed" }
