package compiler

import (
	"slices"
	"strings"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/suggest"
	"github.com/secprof/secprof/profiles"
)

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

// statement resolves one parsed statement: it looks names up and records
// the rule for the checks that need the whole block.
func (in *aaInterp) statement(st profiles.AAStatement) {
	switch s := st.(type) {
	case *profiles.AAName:
		if in.setOnce("name", s.Pos) {
			in.setName(s.Value)
		}
	case *profiles.AABase:
		if in.setOnce("base", s.Pos) {
			in.setBase(s.Value)
		}
	case *profiles.AARuntimePeers:
		if in.setOnce("runtime-peers", s.Pos) && s.Value.Text == "off" {
			in.p.NoRuntimePeers = true
			in.peersOff = &s.Value
		}
	case *profiles.AAInclude:
		in.include(s.Path)
	case *profiles.AAFile:
		r := apparmor.FileRule{Deny: s.Deny(), Owner: s.Owner != nil, Path: s.Path.Text, Mode: s.Access}
		in.addFile(r, s.Path)
	case *profiles.AAAllFiles:
		in.addFile(apparmor.FileRule{Deny: s.Deny()}, s.Keyword)
	case *profiles.AACapability:
		in.capabilityRule(s.Deny(), s.Keyword, s.Names)
	case *profiles.AANetwork:
		in.networkRule(s.Deny(), s.Keyword, s.Args)
	case *profiles.AAMount:
		r := apparmor.MountRule{Deny: s.Deny(), Kind: apparmor.MountKind(s.Kind.Text)}
		in.add("mount "+s.Kind.Text, aaRule{deny: r.Deny, pos: s.Kind.Pos, text: r.String()})
		in.p.Mounts = append(in.p.Mounts, r)
	case *profiles.AAPtrace:
		in.peerRule(s.AAPeerRule, apparmor.PtraceAccesses())
	case *profiles.AASignal:
		in.peerRule(s.AAPeerRule, apparmor.SignalAccesses())
	}
}

// setOnce records a setting written at pos, and reports it when it was
// set before.
func (in *aaInterp) setOnce(key string, pos diag.Pos) bool {
	if in.set == nil {
		in.set = map[string]diag.Pos{}
	}
	if prev, ok := in.set[key]; ok {
		d := in.diags.Errorf(pos, "%s is set twice", key)
		d.Related = []diag.Pos{prev}
		return false
	}
	in.set[key] = pos
	return true
}

func (in *aaInterp) include(path profiles.Word) {
	if err := apparmor.CheckInclude(path.Text); err != nil {
		in.diags.Errorf(path.Pos, "%v", err)
		return
	}
	if !slices.Contains(in.p.Includes, path.Text) {
		in.p.Includes = append(in.p.Includes, path.Text)
	}
}

func (in *aaInterp) setName(v profiles.Word) {
	if err := apparmor.CheckName(v.Text); err != nil {
		in.diags.Errorf(v.Pos, "%v", err)
		return
	}
	in.name = &v
}

func (in *aaInterp) setBase(v profiles.Word) {
	var bases []string
	for _, b := range apparmor.Bases() {
		bases = append(bases, string(b))
	}
	if !slices.Contains(bases, v.Text) {
		d := in.diags.Errorf(v.Pos, "unknown base %q; a profile starts from %s", v.Text, strings.Join(bases, " or "))
		d.Suggestion = suggest.Closest(v.Text, bases)
		return
	}
	in.p.Base = apparmor.Base(v.Text)
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

// peerRule resolves a ptrace or signal rule; known are the accesses of its
// kind, in AppArmor's order.
func (in *aaInterp) peerRule(st profiles.AAPeerRule, known []string) {
	deny, kw := st.Deny(), st.Keyword
	peerName := ""
	if st.Peer != nil {
		if err := apparmor.CheckName(st.Peer.Text); err != nil {
			in.diags.Errorf(st.Peer.Pos, "%v", err)
			return
		}
		peerName = st.Peer.Text
	}
	var access []string
	for _, w := range st.Access {
		if !slices.Contains(access, w.Text) {
			access = append(access, w.Text)
		}
	}
	// Write accesses in AppArmor's order so that equal rules print alike.
	slices.SortFunc(access, func(a, b string) int { return slices.Index(known, a) - slices.Index(known, b) })
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
		// The parsers already refused a profile name AppArmor cannot take
		// (the same safename rule), so it is not checked twice.
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
