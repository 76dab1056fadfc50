package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/pipeline"
	"github.com/secprof/secprof/target"
)

// writeJSON prints v indented; a write error is kept by the checkedWriter
// that stdout is, and ends the run with exit 2.
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// nonNil makes a nil slice an empty one, so JSON says [] and never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeTable prints test results as an aligned table, a line each.
func writeTable(w io.Writer, rs []pipeline.CheckResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHERE\tENGINE\tCHECK\tEXPECTED\tGOT\tOK")
	passed := 0
	for _, r := range rs {
		ok := "ok"
		if !r.OK {
			ok = "FAIL: " + r.Why
		} else {
			passed++
		}
		// A cell may quote a container engine's stderr: no escape
		// sequence, tab or newline of it reaches the terminal or the
		// table's columns.
		cells := []string{r.Pos.String(), r.Kind, r.Check, r.Expected, r.Got, ok}
		for i, c := range cells {
			cells[i] = diag.Printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, len(rs)-passed)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// checkedWriter is stdout: it remembers the first write error (a full
// disk, /dev/full, a closed pipe), which turns any exit into 2.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// session is what one run reports on stderr: diagnostics as they come
// (text), or one JSON object at the end (--json) with the error, if any,
// and every diagnostic.
type session struct {
	json   bool
	stderr io.Writer
	diags  diag.List
	stat   []pipeline.FilterStats
	// target is what the command decided profiles for, when it did.
	target *target.Env
	// shown records, in text mode, that an error diagnostic was printed,
	// so a diag.ErrorList needs no second line.
	shown bool
}

// jsonReport is the one object --json prints on stderr.
type jsonReport struct {
	Exit        int                    `json:"exit"`
	Error       *jsonError             `json:"error"`
	Diagnostics diag.List              `json:"diagnostics"`
	Target      *target.Env            `json:"target,omitempty"`
	Stats       []pipeline.FilterStats `json:"stats,omitempty"`
}

type jsonError struct {
	// Kind is "profile" (exit 1: error diagnostics), "failed" (exit 1: a
	// test or diff result), "usage" (exit 2: command line or environment)
	// or "write" (exit 2: stdout could not be written).
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func (s *session) report(diags diag.List) {
	if s.json {
		s.diags.Add(diags...)
		return
	}
	for _, d := range diags {
		if d.Severity != diag.Note {
			fmt.Fprintln(s.stderr, d.String())
		}
		if d.Severity == diag.Error {
			s.shown = true
		}
	}
}

// stats is compile --stats: a table on stderr, or part of the JSON object.
func (s *session) stats(fs pipeline.FilterStats) {
	if s.json {
		s.stat = append(s.stat, fs)
		return
	}
	if s.target != nil {
		fmt.Fprintf(s.stderr, "target: %s\n", s.target)
		s.target = nil // once, above the first file
	}
	fmt.Fprintf(s.stderr, "%s:\n", diag.DisplayName(fs.File))
	fs.WriteText(s.stderr)
}

// stdoutIsJSON refuses, under --json, a compile that would put text or
// binary on stdout.
func (s *session) stdoutIsJSON(output string, formats []string) error {
	if !s.json || !pipeline.IsStdout(output) {
		return nil
	}
	for _, f := range formats {
		if f == "bpf" || f == "apparmor" {
			return pipeline.Usagef("--json keeps stdout JSON, and -f %s is not JSON: give -o FILE", f)
		}
	}
	return nil
}

// finish states the reason of any non-zero exit on stderr and returns the
// exit code. A failed write to stdout is exit 2 whatever else happened.
func (s *session) finish(err, stdoutErr error) int {
	if stdoutErr != nil {
		err = &writeError{err: stdoutErr}
	}
	code := pipeline.ExitCode(err)
	if s.json {
		s.writeJSONReport(code, err)
		return code
	}
	var dl diag.ErrorList
	switch {
	case err == nil:
	case errors.As(err, &dl) && s.shown:
	case errors.As(err, &dl):
		fmt.Fprintln(s.stderr, dl.Error())
	default:
		// The message may name an untrusted path or quote an engine's
		// stderr: one line, nothing a terminal would act on.
		fmt.Fprintf(s.stderr, "secprof: %s\n", diag.Printable(err.Error()))
	}
	return code
}

func (s *session) writeJSONReport(code int, err error) {
	s.diags.Sort()
	r := jsonReport{Exit: code, Diagnostics: nonNil(s.diags), Target: s.target, Stats: s.stat}
	if err != nil {
		r.Error = &jsonError{Kind: errorKind(err), Message: err.Error()}
	}
	out, _ := json.MarshalIndent(r, "", "  ")
	s.stderr.Write(append(out, '\n'))
}

func errorKind(err error) string {
	var dl diag.ErrorList
	var fe *pipeline.FailedError
	var we *writeError
	switch {
	case errors.As(err, &we):
		return "write"
	case errors.As(err, &dl):
		return "profile"
	case errors.As(err, &fe):
		return "failed"
	}
	return "usage"
}

// writeError is a failed write to stdout: exit 2.
type writeError struct{ err error }

func (e *writeError) Error() string { return "writing to stdout: " + e.err.Error() }
