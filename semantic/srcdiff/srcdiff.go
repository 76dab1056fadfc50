package srcdiff

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/target"
)

// Options choose the environment the two sources are compared in.
type Options struct {
	Env target.Env
	// Compile is passed to the compiler for DSL and JSON sources.
	Compile compiler.Options
}

// Report is the result of a comparison.
type Report struct {
	A           string                `json:"a"`
	B           string                `json:"b"`
	Target      target.Env            `json:"target"`
	Equal       bool                  `json:"equal"`
	Differences []semantic.Difference `json:"differences"`
}

// ExitCode is secprof diff's exit status: 0 when the sources decide alike,
// 1 when they differ.
func (r *Report) ExitCode() int {
	if r.Equal {
		return 0
	}
	return 1
}

// Text is the readable listing, one difference a line.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "A: %s\nB: %s\n", r.A, r.B)
	fmt.Fprintf(&b, "target: %s\n", r.Target)
	if r.Equal {
		b.WriteString("equal: both decide every syscall alike\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%d differences:\n", len(r.Differences))
	for _, d := range r.Differences {
		b.WriteString("  " + d.String() + "\n")
		if d.Kind == "default" {
			b.WriteString("    (every syscall not listed below follows each profile's default action)\n")
		}
	}
	return b.String()
}

// JSON is the report for --json, indented and ending in a newline.
func (r *Report) JSON() []byte {
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		panic(err) // a Report holds only strings, bools and slices of them
	}
	return append(out, '\n')
}

// Files compares the sources at two paths. err is a diag.List error when
// either source is wrong, and another error when a file cannot be read.
func Files(pathA, pathB string, opts Options) (*Report, diag.List, error) {
	srcA, err := os.ReadFile(pathA)
	if err != nil {
		return nil, nil, err
	}
	srcB, err := os.ReadFile(pathB)
	if err != nil {
		return nil, nil, err
	}
	return Sources(pathA, srcA, pathB, srcB, opts)
}

// Sources compares two sources held in memory.
func Sources(nameA string, srcA []byte, nameB string, srcB []byte, opts Options) (*Report, diag.List, error) {
	var diags diag.List
	a, da := load(nameA, srcA, opts)
	b, db := load(nameB, srcB, opts)
	diags.Add(da...)
	diags.Add(db...)
	diags.Sort()
	if err := diags.Err(); err != nil {
		return nil, diags, err
	}
	ta, err := semantic.Resolve(a, opts.Env)
	if err != nil {
		return nil, diags, fmt.Errorf("%s: %w", nameA, err)
	}
	tb, err := semantic.Resolve(b, opts.Env)
	if err != nil {
		return nil, diags, fmt.Errorf("%s: %w", nameB, err)
	}
	ds := semantic.Diff(ta, tb)
	if ds == nil {
		ds = []semantic.Difference{}
	}
	return &Report{
		A: nameA, B: nameB,
		Target: opts.Env,
		Equal:  len(ds) == 0, Differences: ds,
	}, diags, nil
}

// load compiles one source, whatever its format, and returns it as Docker
// would receive it. A Docker JSON file goes through the same front end and
// compiler as in compile and import, so the three commands accept the same
// files and read them the same way.
func load(name string, src []byte, opts Options) (*seccomp.Seccomp, diag.List) {
	f, diags := profiles.Parse(name, src)
	if diags.HasErrors() {
		return nil, diags
	}
	r, cd := compiler.Compile(f, opts.Compile)
	diags.Add(cd...)
	if cd.HasErrors() {
		return nil, diags
	}
	if r.Policy == nil {
		diags.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "no seccomp rules to compare")
		return nil, diags
	}
	return dockerjson.Profile(r.Policy), diags
}
