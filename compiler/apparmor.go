package compiler

import (
	"errors"
	"slices"
	"strings"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
	"github.com/secprof/secprof/profiles"
)

// aaKinds are the words an apparmor statement may start with after its
// allow or deny, in the order suggestions prefer them.
var aaKinds = []string{"capability", "network", "mount", "remount", "umount", "pivot_root", "ptrace", "signal", "file"}

// aaSettings are the statements that set something rather than add a rule.
var aaSettings = []string{"name", "base", "include", "runtime-peers"}

// AppArmorProfile interprets the apparmor block of f into an AppArmor
// profile. It returns nil and no diagnostics when f has no apparmor block,
// and nil with the errors when the block is wrong; warnings and notes come
// with a profile. Every diagnostic points at the word it is about.
func AppArmorProfile(f *profiles.File) (*apparmor.Profile, diag.List) {
	if f == nil || f.AppArmor == nil {
		return nil, nil
	}
	in := &aaInterp{p: &apparmor.Profile{Base: apparmor.BaseDockerDefault}, rules: map[string][]aaRule{}}
	for _, st := range f.AppArmor.Statements {
		in.statement(st)
	}
	in.finish(f)
	in.diags.Sort()
	if in.diags.HasErrors() {
		return nil, in.diags
	}
	return in.p, in.diags
}

type aaInterp struct {
	p     *apparmor.Profile
	diags diag.List
	// set remembers where each setting statement was, to report repeats.
	set      map[string]diag.Pos
	name     *profiles.Word
	peersOff *profiles.Word
	// rules holds the rules written so far by what they are about, to find
	// repeats and contradictions.
	rules map[string][]aaRule
	// denySignals are deny signal rules that may block the runtime's signals.
	denySignals []diag.Pos
}

// aaRule is what conflict checks need to know of one written rule.
type aaRule struct {
	deny   bool
	pos    diag.Pos
	text   string
	mode   apparmor.Mode // file rules
	access []string      // ptrace and signal rules; empty means all
}

func (in *aaInterp) statement(st profiles.Statement) {
	// The DSL lexer hands over AppArmor's punctuation as words: the commas
	// of signal (send,receive) and of a habitual trailing comma.
	words := slices.DeleteFunc(slices.Clone(st.Words), func(w profiles.Word) bool {
		return w.Text == "," || w.Text == "(" || w.Text == ")"
	})
	if len(words) == 0 {
		return
	}
	head := words[0]
	switch head.Text {
	case "name", "base", "include", "runtime-peers":
		in.setting(head, words[1:])
		return
	}
	deny, explicit := false, false
	if head.Text == "allow" || head.Text == "deny" {
		deny, explicit = head.Text == "deny", true
		words = words[1:]
		if len(words) == 0 {
			in.diags.Errorf(head.Pos, "%s needs a rule: a path and mode, capability, network, mount, umount, pivot_root, ptrace or signal", head.Text)
			return
		}
	}
	owner := false
	if words[0].Text == "owner" {
		owner = true
		if len(words) == 1 || !isAAPath(words[1].Text) {
			in.diags.Errorf(words[0].Pos, "owner must be followed by a path and a mode, e.g. owner /home/*/** rw")
			return
		}
		words = words[1:]
	}
	kw := words[0]
	switch {
	case isAAPath(kw.Text):
		in.fileRule(deny, owner, kw, words[1:])
	case kw.Text == "file":
		in.noArgs(kw, words[1:])
		in.addFile(apparmor.FileRule{Deny: deny}, kw)
	case kw.Text == "capability":
		in.capabilityRule(deny, kw, words[1:])
	case kw.Text == "network":
		in.networkRule(deny, kw, words[1:])
	case slices.Contains(apparmor.MountKinds(), apparmor.MountKind(kw.Text)):
		if len(words) > 1 {
			in.diags.Errorf(words[1].Pos, "%s takes no options here; write %s alone to cover every %s", kw.Text, strings.TrimSpace(qualifier(deny)+kw.Text), kw.Text)
			return
		}
		r := apparmor.MountRule{Deny: deny, Kind: apparmor.MountKind(kw.Text)}
		in.add("mount "+kw.Text, aaRule{deny: deny, pos: kw.Pos, text: r.String()})
		in.p.Mounts = append(in.p.Mounts, r)
	case kw.Text == "ptrace" || kw.Text == "signal":
		in.peerRule(deny, kw, words[1:])
	default:
		d := in.diags.Errorf(kw.Pos, "unknown apparmor statement %q", kw.Text)
		candidates := aaKinds
		if !explicit {
			candidates = append(append([]string{"allow", "deny", "owner"}, aaSettings...), aaKinds...)
		}
		d.Suggestion = suggest.Closest(kw.Text, candidates)
		if d.Suggestion == "" && strings.Contains(kw.Text, "/") {
			d.Suggestion = "/" + kw.Text
			d.Message += "; a path starts with / or a variable such as @{HOME}"
		}
	}
}

func isAAPath(s string) bool { return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "@{") }

func qualifier(deny bool) string {
	if deny {
		return "deny "
	}
	return ""
}

func (in *aaInterp) noArgs(kw profiles.Word, rest []profiles.Word) {
	if len(rest) > 0 {
		in.diags.Errorf(rest[0].Pos, "%s takes no arguments", kw.Text)
	}
}

func (in *aaInterp) setting(head profiles.Word, args []profiles.Word) {
	if in.set == nil {
		in.set = map[string]diag.Pos{}
	}
	if prev, ok := in.set[head.Text]; ok && head.Text != "include" {
		d := in.diags.Errorf(head.Pos, "%s is set twice", head.Text)
		d.Related = []diag.Pos{prev}
		return
	}
	in.set[head.Text] = head.Pos
	if head.Text == "include" {
		// include <abstractions/base> arrives as <, the path and >.
		var parts []string
		for _, w := range args {
			if w.Text != "<" && w.Text != ">" {
				parts = append(parts, strings.Trim(w.Text, "<>"))
			}
		}
		if len(parts) != 1 {
			in.diags.Errorf(head.Pos, "include takes one file under /etc/apparmor.d, e.g. include abstractions/base")
			return
		}
		if err := apparmor.CheckInclude(parts[0]); err != nil {
			in.diags.Errorf(args[0].Pos, "%v", err)
			return
		}
		if !slices.Contains(in.p.Includes, parts[0]) {
			in.p.Includes = append(in.p.Includes, parts[0])
		}
		return
	}
	if len(args) != 1 {
		in.diags.Errorf(head.Pos, "%s takes one value", head.Text)
		return
	}
	arg := args[0]
	switch head.Text {
	case "name":
		if err := apparmor.CheckName(arg.Text); err != nil {
			in.diags.Errorf(arg.Pos, "%v", err)
			return
		}
		in.name = &arg
	case "base":
		var bases []string
		for _, b := range apparmor.Bases() {
			bases = append(bases, string(b))
		}
		if !slices.Contains(bases, arg.Text) {
			d := in.diags.Errorf(arg.Pos, "unknown base %q; a profile starts from %s", arg.Text, strings.Join(bases, " or "))
			d.Suggestion = suggest.Closest(arg.Text, bases)
			return
		}
		in.p.Base = apparmor.Base(arg.Text)
	case "runtime-peers":
		switch arg.Text {
		case "on":
		case "off":
			in.p.NoRuntimePeers = true
			in.peersOff = &arg
		default:
			d := in.diags.Errorf(arg.Pos, "runtime-peers is on or off, not %q", arg.Text)
			d.Suggestion = suggest.Closest(arg.Text, []string{"on", "off"})
		}
	}
}

func (in *aaInterp) fileRule(deny, owner bool, path profiles.Word, rest []profiles.Word) {
	if len(rest) == 0 {
		in.diags.Errorf(path.Pos, "%s needs a mode after it, e.g. r, rw or ix", path.Text)
		return
	}
	if len(rest) > 1 {
		in.diags.Errorf(rest[1].Pos, "unexpected %q after the mode; a file rule is a path and one mode", rest[1].Text)
		return
	}
	mw := rest[0]
	m, err := apparmor.ParseMode(mw.Text)
	if err != nil {
		in.modeError(mw, err)
		return
	}
	r := apparmor.FileRule{Deny: deny, Owner: owner, Path: path.Text, Mode: m}
	if err := r.Check(); err != nil {
		var pe *apparmor.PathError
		if errors.As(err, &pe) {
			in.diags.Errorf(shift(path.Pos, pe.Offset), "bad path glob: %s", pe.Msg)
			return
		}
		in.modeError(mw, err)
		return
	}
	in.addFile(r, path)
}

func (in *aaInterp) modeError(mw profiles.Word, err error) {
	var me *apparmor.ModeError
	if errors.As(err, &me) {
		in.diags.Errorf(shift(mw.Pos, me.Offset), "bad file mode %q: %s", mw.Text, me.Msg).Suggestion = me.Suggestion
		return
	}
	in.diags.Errorf(mw.Pos, "bad file mode %q: %v", mw.Text, err)
}

// shift moves a position off bytes to the right, to point inside a word.
func shift(p diag.Pos, off int) diag.Pos {
	if p.Col > 0 {
		p.Col += off
	}
	return p
}

func (in *aaInterp) addFile(r apparmor.FileRule, at profiles.Word) {
	owner := ""
	if r.Owner {
		owner = "owner "
	}
	key := "file " + owner + r.Path
	rule := aaRule{deny: r.Deny, pos: at.Pos, text: r.String(), mode: r.Mode}
	if !r.Deny && r.Mode.Exec != "" {
		for _, prev := range in.rules[key] {
			if !prev.deny && prev.mode.Exec != "" && prev.mode.Exec != r.Mode.Exec {
				d := in.diags.Errorf(at.Pos, "%s runs with exec transition %s here and %s at %s; a path has one", r.Path, r.Mode.Exec, prev.mode.Exec, prev.pos)
				d.Related = []diag.Pos{prev.pos}
				return
			}
		}
	}
	in.add(key, rule)
	in.p.Files = append(in.p.Files, r)
}

func (in *aaInterp) capabilityRule(deny bool, kw profiles.Word, names []profiles.Word) {
	if len(names) == 0 {
		r := apparmor.CapabilityRule{Deny: deny}
		in.add("capability", aaRule{deny: deny, pos: kw.Pos, text: r.String()})
		in.p.Capabilities = append(in.p.Capabilities, r)
		return
	}
	for _, w := range names {
		name, ok := apparmor.CapabilityName(w.Text)
		if !ok {
			d := in.diags.Errorf(w.Pos, "unknown capability %q", w.Text)
			d.Suggestion = suggest.Closest(name, apparmor.Capabilities())
			continue
		}
		r := apparmor.CapabilityRule{Deny: deny, Name: name}
		in.add("capability "+name, aaRule{deny: deny, pos: w.Pos, text: r.String()})
		in.p.Capabilities = append(in.p.Capabilities, r)
	}
}

func (in *aaInterp) networkRule(deny bool, kw profiles.Word, words []profiles.Word) {
	r := apparmor.NetworkRule{Deny: deny}
	var at [3]*profiles.Word // where the family, type and protocol were written
	for i := range words {
		w := &words[i]
		slot, field, value := -1, (*string)(nil), ""
		if fam, ok := apparmor.NetworkFamily(w.Text); ok {
			slot, field, value = 0, &r.Family, fam
		} else if t := strings.ToLower(w.Text); slices.Contains(apparmor.NetworkTypes(), t) {
			slot, field, value = 1, &r.Type, t
		} else if slices.Contains(apparmor.NetworkProtocols(), t) {
			slot, field, value = 2, &r.Protocol, t
		}
		if slot < 0 {
			all := slices.Concat(apparmor.NetworkFamilies(), apparmor.NetworkTypes(), apparmor.NetworkProtocols())
			d := in.diags.Errorf(w.Pos, "unknown network family, socket type or protocol %q", w.Text)
			d.Suggestion = suggest.Closest(strings.ToLower(w.Text), all)
			return
		}
		if at[slot] != nil {
			what := [...]string{"family", "socket type", "protocol"}[slot]
			d := in.diags.Errorf(w.Pos, "a network rule names one %s, not %s and %s", what, *field, value)
			d.Related = []diag.Pos{at[slot].Pos}
			return
		}
		*field, at[slot] = value, w
	}
	if err := r.Check(); err != nil {
		pos := kw.Pos
		if at[2] != nil {
			pos = at[2].Pos
		}
		in.diags.Errorf(pos, "%v", err)
		return
	}
	in.add("network "+r.Family+" "+r.Type+" "+r.Protocol, aaRule{deny: deny, pos: kw.Pos, text: r.String()})
	in.p.Network = append(in.p.Network, r)
}

func (in *aaInterp) peerRule(deny bool, kw profiles.Word, words []profiles.Word) {
	known := apparmor.SignalAccesses()
	if kw.Text == "ptrace" {
		known = apparmor.PtraceAccesses()
	}
	var access []string
	var peer *profiles.Word
	for i, w := range words {
		if name, ok := strings.CutPrefix(w.Text, "peer="); ok {
			if err := apparmor.CheckName(name); err != nil {
				in.diags.Errorf(shift(w.Pos, len("peer=")), "%v", err)
				return
			}
			peer = &words[i]
			continue
		}
		if !slices.Contains(known, w.Text) {
			d := in.diags.Errorf(w.Pos, "unknown %s access %q; %s takes %s and peer=NAME", kw.Text, w.Text, kw.Text, strings.Join(known, ", "))
			d.Suggestion = suggest.Closest(w.Text, known)
			return
		}
		if !slices.Contains(access, w.Text) {
			access = append(access, w.Text)
		}
	}
	// Write accesses in AppArmor's order so that equal rules print alike.
	slices.SortFunc(access, func(a, b string) int { return slices.Index(known, a) - slices.Index(known, b) })
	peerName := ""
	if peer != nil {
		peerName = strings.TrimPrefix(peer.Text, "peer=")
	}
	var text string
	if kw.Text == "ptrace" {
		r := apparmor.PtraceRule{Deny: deny, Access: access, Peer: peerName}
		text = r.String()
		in.p.Ptrace = append(in.p.Ptrace, r)
	} else {
		r := apparmor.SignalRule{Deny: deny, Access: access, Peer: peerName}
		text = r.String()
		in.p.Signals = append(in.p.Signals, r)
		if deny && (len(access) == 0 || slices.Contains(access, "receive")) &&
			(peerName == "" || slices.Contains(apparmor.RuntimePeers(), peerName)) {
			in.denySignals = append(in.denySignals, kw.Pos)
		}
	}
	in.add(kw.Text+" "+peerName, aaRule{deny: deny, pos: kw.Pos, text: text, access: access})
}

// add records a rule and reports a repeat of an earlier one, or an allow
// and a deny of the same thing: AppArmor lets the deny win, so the allow
// silently does nothing.
func (in *aaInterp) add(key string, r aaRule) {
	for _, prev := range in.rules[key] {
		if prev.text == r.text {
			d := in.diags.Warnf(r.pos, "%s repeats the rule at %s", strings.TrimSuffix(r.text, ","), prev.pos)
			d.Related = []diag.Pos{prev.pos}
			return
		}
		if prev.deny != r.deny && aaOverlap(prev, r) {
			allow, deny := prev, r
			if prev.deny {
				allow, deny = r, prev
			}
			d := in.diags.Errorf(r.pos, "%s and %s conflict: AppArmor lets the deny win, so the allow has no effect",
				strings.TrimSuffix(allow.text, ","), strings.TrimSuffix(deny.text, ","))
			d.Related = []diag.Pos{prev.pos}
			return
		}
	}
	in.rules[key] = append(in.rules[key], r)
}

func aaOverlap(a, b aaRule) bool {
	if !a.mode.IsZero() || !b.mode.IsZero() {
		return a.mode.Overlaps(b.mode)
	}
	if len(a.access) == 0 || len(b.access) == 0 {
		return true
	}
	for _, x := range a.access {
		if slices.Contains(b.access, x) {
			return true
		}
	}
	return false
}

// finish names the profile and weighs the rules against the base.
func (in *aaInterp) finish(f *profiles.File) {
	switch {
	case in.name != nil:
		in.p.Name = in.name.Text
	case f.Profile != "":
		if err := apparmor.CheckName(f.Profile); err != nil {
			in.diags.Errorf(f.ProfilePos, "%v (an AppArmor profile needs such a name; or write name NAME in the apparmor block)", err)
			return
		}
		in.p.Name = f.Profile
	default:
		in.diags.Errorf(f.AppArmor.Pos, "an AppArmor profile needs a name: write profile NAME at the top of the file or name NAME in the apparmor block")
		return
	}
	if in.p.Base == apparmor.BaseDockerDefault {
		in.weighAgainstDockerDefault()
	}
	if !in.p.NoRuntimePeers {
		for _, pos := range in.denySignals {
			in.diags.Warnf(pos, "this deny also stops runc and dockerd signalling the container: docker stop will wait for its timeout and then kill it")
		}
	}
	if in.peersOff != nil {
		in.diags.Warnf(in.peersOff.Pos, "without runtime peers, docker stop and docker kill cannot signal the container")
	}
}

// weighAgainstDockerDefault reports rules that the docker-default base
// makes pointless: an allow of something the base denies has no effect
// (an error), a deny the base already has and an allow of what the base
// already allows change nothing (notes).
func (in *aaInterp) weighAgainstDockerDefault() {
	base := apparmor.BaseRules(apparmor.BaseDockerDefault, in.p.Name)
	denied := map[string]apparmor.FileRule{}
	for _, r := range base.Files {
		if r.Deny {
			denied[r.Path] = r
		}
	}
	for _, r := range in.p.Files {
		pos := in.posOf("file ", r)
		b, ok := denied[r.Path]
		switch {
		case ok && !r.Owner && !r.Deny && b.Mode.Overlaps(r.Mode):
			in.diags.Errorf(pos, "the docker-default base has %s; AppArmor lets the deny win, so %s has no effect (start from base none to allow it)", strings.TrimSuffix(b.String(), ","), strings.TrimSuffix(r.String(), ","))
		case ok && r.Deny && !r.Owner && b.Mode == r.Mode:
			in.diags.Notef(pos, "the docker-default base already has %s", strings.TrimSuffix(r.String(), ","))
		case !r.Deny && r.Mode.Exec == "":
			in.diags.Notef(pos, "%s adds nothing: the docker-default base allows every file access it does not deny", strings.TrimSuffix(r.String(), ","))
		}
	}
	for _, r := range in.p.Mounts {
		pos := in.firstPos("mount " + string(r.Kind))
		switch {
		case r.Kind == apparmor.Mount && !r.Deny:
			in.diags.Errorf(pos, "the docker-default base denies mount; AppArmor lets the deny win, so mount has no effect (start from base none to allow it)")
		case r.Kind == apparmor.Mount && r.Deny:
			in.diags.Notef(pos, "the docker-default base already denies mount")
		case r.Kind == apparmor.Umount && !r.Deny:
			in.diags.Notef(pos, "umount adds nothing: the docker-default base allows it")
		}
	}
	for _, r := range in.p.Capabilities {
		if !r.Deny {
			in.diags.Notef(in.firstPos(strings.TrimSpace("capability "+r.Name)), "%s adds nothing: the docker-default base allows every capability it does not deny", strings.TrimSuffix(r.String(), ","))
		}
	}
	for _, r := range in.p.Network {
		if !r.Deny {
			in.diags.Notef(in.firstPos("network "+r.Family+" "+r.Type+" "+r.Protocol), "%s adds nothing: the docker-default base allows all networking it does not deny", strings.TrimSuffix(r.String(), ","))
		}
	}
}

// posOf finds where a file rule was written.
func (in *aaInterp) posOf(prefix string, r apparmor.FileRule) diag.Pos {
	owner := ""
	if r.Owner {
		owner = "owner "
	}
	for _, w := range in.rules[prefix+owner+r.Path] {
		if w.text == r.String() {
			return w.pos
		}
	}
	return diag.Pos{}
}

// firstPos is where the first rule about key was written.
func (in *aaInterp) firstPos(key string) diag.Pos {
	if rs := in.rules[key]; len(rs) > 0 {
		return rs[0].pos
	}
	return diag.Pos{}
}
