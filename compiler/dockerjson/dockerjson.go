// Package dockerjson is the backend that writes a Policy as Docker-format
// seccomp JSON — the file daemon.json's "seccomp-profile" and
// `docker run --security-opt seccomp=FILE` read — using moby's own types,
// so the output is what Docker itself decodes.
package dockerjson

import (
	"bytes"
	"encoding/json"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/syscalls"
)

// Action is the runtime's name of an action.
func Action(a compiler.Action) specs.LinuxSeccompAction { return a.SCMP() }

// Ret is the errnoRet to write for an action: always explicit for errno,
// so the file says what it does instead of leaning on runc's EPERM.
func Ret(a compiler.Action) *uint { return a.ErrnoRet() }

// Arch is the runtime's name of an arch. Every arch the compiler admits
// has one, also those without a syscall table (s390, mips64n32…).
func Arch(a syscalls.Arch) specs.Arch { return specs.Arch(a.SCMPName()) }

// Args converts argument conditions.
func Args(args []compiler.Arg) []specs.LinuxSeccompArg {
	var out []specs.LinuxSeccompArg
	for _, a := range args {
		out = append(out, specs.LinuxSeccompArg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: specs.LinuxSeccompOperator(a.Op)})
	}
	return out
}

// Profile builds moby's profile value from a Policy.
func Profile(p *compiler.Policy) *seccomp.Seccomp {
	out := &seccomp.Seccomp{Syscalls: []*seccomp.Syscall{}}
	out.DefaultAction = Action(p.DefaultAction)
	out.DefaultErrnoRet = Ret(p.DefaultAction)
	for _, a := range p.Arches {
		out.Architectures = append(out.Architectures, Arch(a))
	}
	for _, e := range p.ArchMap {
		m := seccomp.Architecture{Arch: Arch(e.Arch), SubArches: []specs.Arch{}}
		for _, s := range e.SubArches {
			m.SubArches = append(m.SubArches, Arch(s))
		}
		out.ArchMap = append(out.ArchMap, m)
	}
	for _, f := range p.Flags {
		out.Flags = append(out.Flags, specs.LinuxSeccompFlag(f))
	}
	out.ListenerPath = p.ListenerPath
	out.ListenerMetadata = p.ListenerMetadata
	for _, r := range p.Rules {
		sc := &seccomp.Syscall{
			LinuxSyscall: specs.LinuxSyscall{
				Names:    append([]string(nil), r.Names...),
				Action:   Action(r.Action),
				ErrnoRet: Ret(r.Action),
				Args:     Args(r.Args),
			},
			Comment:  r.Comment,
			Includes: filter(r.Includes),
			Excludes: filter(r.Excludes),
		}
		out.Syscalls = append(out.Syscalls, sc)
	}
	return out
}

func filter(f compiler.Filter) *seccomp.Filter {
	if f.IsZero() {
		return nil
	}
	out := &seccomp.Filter{Caps: f.Caps}
	for _, a := range f.Arches {
		out.Arches = append(out.Arches, a.String())
	}
	if f.MinKernel != nil {
		out.MinKernel = &seccomp.KernelVersion{Kernel: f.MinKernel.Major, Major: f.MinKernel.Minor}
	}
	return out
}

// Marshal writes the Docker JSON of a Policy: indented, ending in a
// newline, byte-identical for the same Policy.
func Marshal(p *compiler.Policy) ([]byte, error) {
	return Encode(Profile(p))
}

// Encode writes any Docker profile the way Marshal does: as encoding/json
// does with two-space indent and no HTML escaping, ending in a newline.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
