package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/compiler/oci"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/atomicfile"
	"github.com/secprof/secprof/internal/filekind"
	"github.com/secprof/secprof/internal/safename"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/target"
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

// Load parses and compiles one source file; "-" is standard input, named
// <stdin> in diagnostics. Diagnostics are returned even when there are
// errors; err is a diag.ErrorList then (also for a source over the size
// limit), or a UsageError when the file cannot be read or is not a regular
// file.
func Load(path string, opts compiler.Options) (*compiler.Result, diag.List, error) {
	name, src, diags, err := readSource(path)
	if err != nil {
		return nil, diags, err
	}
	return LoadSource(name, src, opts)
}

// LoadSource is Load for text already in memory.
func LoadSource(name string, src []byte, opts compiler.Options) (*compiler.Result, diag.List, error) {
	f, diags := profiles.Parse(name, src)
	if diags.HasErrors() {
		return nil, diags, diags.Err()
	}
	r, cd := compiler.Compile(f, opts)
	diags.Add(cd...)
	diags.Sort()
	if err := diags.Err(); err != nil {
		return nil, diags, err
	}
	return r, diags, nil
}

// Formats lists the backends Render knows.
var Formats = []string{"docker", "oci", "bpf", "apparmor"}

// extensions name each format's file in an output directory. An AppArmor
// profile is named like the profile, as in /etc/apparmor.d.
var extensions = map[string]string{"docker": ".json", "oci": ".oci.json", "bpf": ".bpf", "apparmor": ""}

// Render produces a unit's output in format. env decides Docker's
// conditional rules for the formats that cannot carry them (oci, bpf).
// Diagnostics from the backend (names the host's libseccomp skips) come
// back with the data, and so does the error diagnostic of a source that
// has nothing to write in format.
func Render(u *compiler.Result, format string, env target.Env) ([]byte, diag.List, error) {
	if format == "apparmor" {
		if u.AppArmor == nil {
			return missing(u, "apparmor block", format)
		}
		data, err := apparmor.Render(u.AppArmor)
		return data, nil, err
	}
	if u.Policy == nil {
		return missing(u, "seccomp rules", format)
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
// kernel's instruction limit is an error in the profile (exit 1), one
// diagnostic per arch over it, each naming the file.
func BuildBPF(u *compiler.Result, env target.Env) (*bpf.Program, diag.List, error) {
	prog, all, err := bpf.Build(u.Policy, env)
	// Warnings about a base's rules (Docker's default names calls this
	// host's libseccomp may not know) belong to the base, not to the user.
	// libseccomp's only warnings are the names it skips; when the compile
	// already named them, they would be twins.
	var diags diag.List
	for _, d := range all {
		if d.Severity == diag.Error || d.Pos.File == u.Source && !u.HostNamesChecked {
			diags = append(diags, d)
		}
	}
	if limits := limitErrors(err); len(limits) > 0 {
		for _, l := range limits {
			diags.Errorf(diag.Pos{File: u.Source}, "%v; runc cannot load a profile that builds this filter", l)
		}
		return prog, diags, diags.Err()
	}
	if err != nil {
		return nil, diags, Usagef("building the BPF filter with libseccomp: %v", err)
	}
	return prog, diags, nil
}

// limitErrors lists the *bpf.LimitError values in err, which bpf.Build
// joins, one per arch over the limit.
func limitErrors(err error) []*bpf.LimitError {
	var out []*bpf.LimitError
	var walk func(error)
	walk = func(e error) {
		var l *bpf.LimitError
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range joined.Unwrap() {
				walk(inner)
			}
		} else if errors.As(e, &l) {
			out = append(out, l)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func missing(u *compiler.Result, what, format string) ([]byte, diag.List, error) {
	var diags diag.List
	diags.Errorf(diag.Pos{File: u.Source}, "no %s to write as -f %s", what, format)
	return nil, diags, diags.Err()
}

// Output is one rendered file.
type Output struct {
	Path string
	Data []byte
	// InNewDir says Path's directory is the one `-o DIR/` names and may be
	// created; no other directory ever is.
	InNewDir bool
}

// ParseFormats reads a -f value: comma-separated format names, each known,
// none empty or repeated.
func ParseFormats(value string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(value, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
			return nil, Usagef("-f %q: an empty format name; expected a comma-separated list of %s", value, strings.Join(Formats, ", "))
		case !slices.Contains(Formats, f):
			return nil, Usagef("-f: unknown format %q; expected one of %s", f, strings.Join(Formats, ", "))
		case slices.Contains(out, f):
			return nil, Usagef("-f: format %q is named twice", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// Plan decides where each unit's output goes, before anything is rendered
// or written. With one source, one format and an output that is not a
// directory, it is that file; "-", "" and /dev/stdout are stdout. With
// several sources or formats, or an existing directory, or a path ending
// in /, each source writes NAME+extension in that directory, NAME being
// its profile name or its file name without extension; a directory that
// does not exist yet is created only when -o ends in / and its parent
// exists. Every target is then checked by WriteAll before the first write.
func Plan(units []*compiler.Result, formats []string, out string) ([]Output, error) {
	if len(formats) == 0 {
		return nil, Usagef("no output format; expected one or more of %s", strings.Join(Formats, ", "))
	}
	for _, f := range formats {
		if _, ok := extensions[f]; !ok {
			return nil, Usagef("unknown format %q; expected one of %s", f, strings.Join(Formats, ", "))
		}
	}
	several := len(units)*len(formats) > 1
	dirMode, newDir, err := outputDir(out, several)
	if err != nil {
		return nil, err
	}
	if !dirMode {
		return []Output{{Path: out}}, nil
	}
	var plan []Output
	seen := map[string]string{}
	for _, u := range units {
		name, err := baseName(u)
		if err != nil {
			return nil, err
		}
		for _, f := range formats {
			path := filepath.Join(out, name+extensions[f])
			if prev, dup := seen[path]; dup {
				return nil, Usagef("%s and %s would both write %s; give them different profile names", prev, u.Source, path)
			}
			seen[path] = u.Source
			plan = append(plan, Output{Path: path, InNewDir: newDir})
		}
	}
	return plan, nil
}

// outputDir decides whether out is a directory to write NAME.ext files
// in, and whether it must be created.
func outputDir(out string, several bool) (dirMode, create bool, err error) {
	if IsStdout(out) {
		if several {
			return false, false, Usagef("several outputs need a directory: -o DIR/")
		}
		return false, false, nil
	}
	fi, statErr := os.Stat(out)
	switch {
	case statErr == nil && fi.IsDir():
		return true, false, nil
	case statErr == nil && strings.HasSuffix(out, "/"):
		return false, false, Usagef("-o %s: %s is not a directory", out, strings.TrimSuffix(out, "/"))
	case statErr == nil && several:
		return false, false, Usagef("several outputs need a directory, and %s is a %s: -o DIR/", out, filekind.Name(fi.Mode()))
	case statErr == nil:
		return false, false, nil
	case !errors.Is(statErr, os.ErrNotExist):
		return false, false, Usagef("-o %s: %v", out, statErr)
	case strings.HasSuffix(out, "/"):
		parent := filepath.Dir(filepath.Clean(out))
		if pfi, err := os.Stat(parent); err != nil || !pfi.IsDir() {
			return false, false, Usagef("-o %s: directory %s does not exist (secprof creates only the directory -o names)", out, parent)
		}
		return true, true, nil
	case several:
		return false, false, Usagef("several outputs need a directory: write -o %s/ to create it", out)
	}
	return false, false, nil
}

// baseName is the NAME of a unit's files in an output directory: its
// profile name (checked where it was read) or its file name.
func baseName(u *compiler.Result) (string, error) {
	name := u.Name
	if name == "" {
		b := filepath.Base(u.Source)
		name = strings.TrimSuffix(b, filepath.Ext(b))
	}
	if err := safename.Check(name); err != nil {
		return "", Usagef("%s: cannot name its output files: %v; give it a name with profile NAME", u.Source, err)
	}
	return name, nil
}

// WriteAll writes every output, all or none as far as POSIX allows: every
// target is checked first (see resolveDestination), then every file is staged
// (written and synced beside its target), streams (stdout, FIFOs,
// devices) are written, and only then are the staged files renamed into
// place, rolled back if one rename fails. A stream written before a later
// failure cannot be taken back. Errors are UsageErrors (exit 2).
func WriteAll(outs []Output, stdout func([]byte) error) error {
	targets := make([]destination, len(outs))
	written := map[string]string{}
	for i, o := range outs {
		t, err := resolveDestination(o.Path, o.InNewDir)
		if err != nil {
			return Usagef("%v", err)
		}
		if prev, dup := written[t.path]; dup && !t.stdout {
			return Usagef("%s and %s are the same file", prev, o.Path)
		}
		written[t.path] = o.Path
		targets[i] = t
	}
	created, err := createOutputDir(outs)
	if err != nil {
		return Usagef("%v", err)
	}
	var txn atomicfile.Txn
	fail := func(err error) error {
		txn.Abort()
		if created != "" {
			os.Remove(created)
		}
		return Usagef("%v", err)
	}
	for i, t := range targets {
		if !t.stdout && !t.stream {
			if err := txn.Stage(t.path, outs[i].Data, 0o666); err != nil {
				return fail(err)
			}
		}
	}
	for i, t := range targets {
		switch {
		case t.stdout:
			if err := stdout(outs[i].Data); err != nil {
				return fail(fmt.Errorf("writing to stdout: %w", err))
			}
		case t.stream:
			if err := writeStream(t.path, outs[i].Data); err != nil {
				return fail(err)
			}
		}
	}
	if err := txn.Commit(); err != nil {
		return fail(err)
	}
	return nil
}

// createOutputDir makes the one directory `-o DIR/` names, when the plan
// says it is new, and returns its path so a failure can remove it.
func createOutputDir(outs []Output) (string, error) {
	for _, o := range outs {
		if o.InNewDir {
			dir := filepath.Dir(o.Path)
			if err := os.Mkdir(dir, 0o777); err != nil && !errors.Is(err, os.ErrExist) {
				return "", err
			}
			return dir, nil
		}
	}
	return "", nil
}

// CompileRequest is `secprof compile`.
type CompileRequest struct {
	Files   []string
	Formats []string
	Output  string
	Env     target.Env
	Options compiler.Options
	// Stats, when set, receives each source's filter sizes.
	Stats func(FilterStats)
}

// Compile runs a compile request: every file is read and compiled first,
// every output planned and checked, every filter measured against the
// kernel's instruction limit, and nothing is written unless all of that
// succeeds.
func Compile(req CompileRequest, stdout func([]byte) error) (diag.List, error) {
	var all diag.List
	var units []*compiler.Result
	failed := false
	for _, path := range req.Files {
		u, diags, err := Load(path, forTarget(req.Options, req.Env))
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
		data, diags, err := renderUnit(u, req)
		all.Add(diags...)
		var ue *UsageError
		if errors.As(err, &ue) {
			all.Sort()
			return all, err
		}
		for _, d := range data {
			plan[i].Data = d
			i++
		}
	}
	all.Sort()
	if err := all.Err(); err != nil {
		return all, err
	}
	return all, WriteAll(plan, stdout)
}

// renderUnit renders one unit in every requested format, after checking
// that its filter fits the kernel on every arch it targets, as runc builds
// it: a Docker JSON that runc cannot load is an error, whatever the format.
func renderUnit(u *compiler.Result, req CompileRequest) ([][]byte, diag.List, error) {
	var all diag.List
	var prog *bpf.Program
	if u.Policy != nil && (req.Stats != nil || hasSeccompFormat(req.Formats)) {
		var diags diag.List
		var err error
		prog, diags, err = BuildBPF(u, req.Env)
		all.Add(diags...)
		if prog != nil && req.Stats != nil {
			req.Stats(filterStats(u.Source, prog))
		}
		// Other libseccomp errors are reported by the bpf format, and
		// --stats, which need the program; they are not a size.
		if err != nil && (len(limitErrors(err)) > 0 || req.Stats != nil) {
			return nil, all, err
		}
	}
	var out [][]byte
	var firstErr error
	for _, f := range req.Formats {
		if f == "bpf" && prog != nil {
			// Built above, with its diagnostics already kept.
			out = append(out, prog.Export())
			continue
		}
		data, diags, err := Render(u, f, req.Env)
		all.Add(diags...)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out = append(out, data)
	}
	return out, all, firstErr
}

func hasSeccompFormat(formats []string) bool {
	for _, f := range formats {
		if f != "apparmor" {
			return true
		}
	}
	return false
}

// FailedError says that a profile's tests ran and some did not hold
// (exit 1); the results say which.
// Msg says what failed, the reason of the exit; empty means "some checks
// failed".
type FailedError struct{ Msg string }

func (e *FailedError) Error() string {
	if e.Msg == "" {
		return "some checks failed"
	}
	return e.Msg
}

// FilterStats is the size of one source's filter, for compile --stats:
// per arch and combined (every arch in one filter, as runc loads it).
type FilterStats struct {
	File     string      `json:"file"`
	Combined int         `json:"combined"`
	Arches   []ArchStats `json:"arches"`
	prog     *bpf.Program
}

// ArchStats is the instruction count of one arch's filter.
type ArchStats struct {
	Arch         string `json:"arch"`
	Instructions int    `json:"instructions"`
}

func filterStats(file string, prog *bpf.Program) FilterStats {
	fs := FilterStats{File: file, Combined: prog.Instructions(), Arches: []ArchStats{}, prog: prog}
	for _, a := range prog.Stats() {
		fs.Arches = append(fs.Arches, ArchStats{Arch: string(a.Arch), Instructions: a.Instructions})
	}
	return fs
}

// WriteText writes the sizes as a table, with the share of the kernel's
// limit each takes.
func (s FilterStats) WriteText(w io.Writer) error { return bpf.WriteStats(w, s.prog) }
