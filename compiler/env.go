package compiler

import (
	"slices"

	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// Applies decides a rule's includes/excludes in env exactly as moby's
// loader does: excluded when any excluded arch or capability is present or
// the kernel is new enough; included only when the arch is listed, every
// included capability is present and the kernel is new enough.
func (r *Rule) Applies(env target.Env) bool {
	ex, in := r.Excludes, r.Includes
	if len(ex.Arches) > 0 && slices.Contains(ex.Arches, env.NativeArch) {
		return false
	}
	for _, c := range ex.Caps {
		if slices.Contains(env.Caps, c) {
			return false
		}
	}
	if ex.MinKernel != nil && env.Kernel.AtLeast(*ex.MinKernel) {
		return false
	}
	if len(in.Arches) > 0 && !slices.Contains(in.Arches, env.NativeArch) {
		return false
	}
	for _, c := range in.Caps {
		if !slices.Contains(env.Caps, c) {
			return false
		}
	}
	if in.MinKernel != nil && !env.Kernel.AtLeast(*in.MinKernel) {
		return false
	}
	return true
}

// Resolve returns the policy as a container in env would get it: rules
// whose includes/excludes do not hold are gone, the rest unconditional on
// them. Backends with no notion of includes (OCI, BPF) read this.
func (p *Policy) Resolve(env target.Env) *Policy {
	out := *p
	out.Rules = nil
	for _, r := range p.Rules {
		if !r.Applies(env) {
			continue
		}
		c := *r
		c.Includes, c.Excludes = Filter{}, Filter{}
		out.Rules = append(out.Rules, &c)
	}
	if len(p.ArchMap) > 0 {
		// Docker picks the archMap entry of the host's arch.
		out.Arches = nil
		if host, ok := env.NativeArch.Arch(); ok {
			for _, e := range p.ArchMap {
				if e.Arch == host {
					out.Arches = append([]syscalls.Arch{e.Arch}, e.SubArches...)
				}
			}
		}
		out.ArchMap = nil
	}
	return &out
}
