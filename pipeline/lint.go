package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
	"github.com/secprof/secprof/lint"
)

// LintFormats are the outputs of secprof lint.
var LintFormats = []string{"text", "json", "sarif"}

// LintRequest is `secprof lint`: sources to check, the output format and
// whether warnings fail the run.
type LintRequest struct {
	Files   []string
	Format  string // one of LintFormats
	Strict  bool
	Options compiler.Options
	Version string // the tool version SARIF names
}

// LintReport is what lint found, and its --json form.
type LintReport struct {
	Findings diag.List `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

// Lint compiles every source with the lint checks and returns the report
// rendered in req.Format. Every file is checked, whatever the others
// give; a file that cannot be read is a UsageError (exit 2) and nothing is
// written. The error is a FailedError (exit 1) when a finding is an error,
// or a warning under Strict.
func Lint(req LintRequest) ([]byte, error) {
	if !contains(LintFormats, req.Format) {
		return nil, Usagef("unknown lint format %q; use one of %s", req.Format, strings.Join(LintFormats, ", "))
	}
	var rep LintReport
	var usage error
	for _, path := range req.Files {
		_, diags, err := Load(path, req.Options)
		var ue *UsageError
		if errors.As(err, &ue) {
			usage = errors.Join(usage, err)
			continue
		}
		for _, d := range diags {
			if d.Severity != diag.Note {
				rep.Findings = append(rep.Findings, d)
			}
		}
	}
	if usage != nil {
		return nil, usage
	}
	for _, d := range rep.Findings {
		if d.Severity == diag.Error {
			rep.Errors++
		} else {
			rep.Warnings++
		}
	}
	return rep.render(req), rep.verdict(req.Strict)
}

func (r LintReport) render(req LintRequest) []byte {
	switch req.Format {
	case "sarif":
		return lint.SARIF(r.Findings, req.Version)
	case "json":
		if r.Findings == nil {
			r.Findings = diag.List{}
		}
		out, _ := json.MarshalIndent(r, "", "  ")
		return append(out, '\n')
	}
	return []byte(r.Findings.Text() + r.summary() + "\n")
}

func (r LintReport) summary() string {
	return fmt.Sprintf("%d %s, %d %s", r.Errors, plural(r.Errors, "error"), r.Warnings, plural(r.Warnings, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// verdict is exit 1 on an error finding, or on a warning under strict.
func (r LintReport) verdict(strict bool) error {
	switch {
	case r.Errors > 0:
		return &FailedError{Msg: "lint: " + r.summary()}
	case strict && r.Warnings > 0:
		return &FailedError{Msg: "lint --strict: " + r.summary()}
	}
	return nil
}

// ExplainCheck is `secprof lint --explain ID`.
func ExplainCheck(id string) (lint.Check, error) {
	c, ok := lint.Lookup(id)
	if !ok {
		msg := fmt.Sprintf("no lint check %q", id)
		if s := suggest.Closest(strings.ToUpper(id), lint.IDs()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return lint.Check{}, Usagef("%s (docs/lint.md lists them)", msg)
	}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
