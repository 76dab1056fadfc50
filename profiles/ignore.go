package profiles

import (
	"strings"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
	"github.com/secprof/secprof/lint"
)

// ignorePrefix starts a comment that silences lint checks on its rule.
const ignorePrefix = "secprof:ignore"

// ignoreText returns what follows "secprof:ignore" in a comment's text
// (after the #), and whether the comment is an ignore at all.
func ignoreText(comment string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimLeft(comment, " \t"), ignorePrefix)
	if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// parseIgnore reads "SP101[,SP102…] reason" into one Ignore per ID. An
// unknown ID and a missing reason are warnings with their own check IDs;
// an ignore with an unknown ID is dropped, since it can silence nothing.
func parseIgnore(pos diag.Pos, text string, diags *diag.List) []Ignore {
	ids, reason, _ := strings.Cut(strings.TrimSpace(text), " ")
	reason = strings.TrimSpace(reason)
	if ids == "" {
		diags.Warnf(pos, "secprof:ignore names no check; write \"secprof:ignore SP101 reason\"").Check = string(lint.IgnoreUnknownID)
		return nil
	}
	var out []Ignore
	for _, id := range strings.Split(ids, ",") {
		c, ok := lint.Lookup(id)
		if !ok {
			d := diags.Warnf(pos, "secprof:ignore names unknown check %q, so it silences nothing", id)
			d.Check = string(lint.IgnoreUnknownID)
			d.Suggestion = suggest.Closest(strings.ToUpper(id), lint.IDs())
			continue
		}
		out = append(out, Ignore{Pos: pos, Check: string(c.ID), Reason: reason})
	}
	if reason == "" && len(out) > 0 {
		diags.Warnf(pos, "secprof:ignore %s gives no reason; write why the finding is accepted after the ID", ids).Check = string(lint.IgnoreNoReason)
	}
	return out
}

// attachIgnores gives r the ignore comments on its lines, first to last.
// Rules and comments both come in source order, so the comments before
// the rule can only be stray: one pass over them, however many a hostile
// source holds.
func (p *parser) attachIgnores(r *Rule, first, last int) {
	for len(p.ignores) > 0 && p.ignores[0].pos.Line <= last {
		t := p.ignores[0]
		p.ignores = p.ignores[1:]
		if t.pos.Line < first {
			p.strayIgnore(t)
			continue
		}
		r.Ignores = append(r.Ignores, parseIgnore(t.pos, t.text, p.diags)...)
	}
}

// strayIgnores reports the ignore comments left after the last rule.
func (p *parser) strayIgnores() {
	for _, t := range p.ignores {
		p.strayIgnore(t)
	}
	p.ignores = nil
}

// strayIgnore reports an ignore comment on no rule's line: it silences
// nothing.
func (p *parser) strayIgnore(t token) {
	p.diags.Warnf(t.pos, "secprof:ignore is not on a rule's line, so it silences nothing; put it at the end of the rule it is about").Check = string(lint.UnusedIgnore)
}
