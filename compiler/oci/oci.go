// Package oci is the backend that writes a Policy as the OCI runtime
// spec's linux.seccomp section — what runc and crun read from config.json.
// OCI has no includes/excludes, so the Policy is first resolved for the
// environment the container will run in.
package oci

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/target"
)

// Seccomp builds linux.seccomp for a container in env.
func Seccomp(p *compiler.Policy, env target.Env) *specs.LinuxSeccomp {
	r := p.Resolve(env)
	out := &specs.LinuxSeccomp{
		DefaultAction:    dockerjson.Action(r.DefaultAction),
		DefaultErrnoRet:  dockerjson.Ret(r.DefaultAction),
		ListenerPath:     r.ListenerPath,
		ListenerMetadata: r.ListenerMetadata,
	}
	for _, a := range r.Arches {
		out.Architectures = append(out.Architectures, dockerjson.Arch(a))
	}
	for _, f := range r.Flags {
		out.Flags = append(out.Flags, specs.LinuxSeccompFlag(f))
	}
	for _, rule := range r.Rules {
		out.Syscalls = append(out.Syscalls, specs.LinuxSyscall{
			Names:    append([]string(nil), rule.Names...),
			Action:   dockerjson.Action(rule.Action),
			ErrnoRet: dockerjson.Ret(rule.Action),
			Args:     dockerjson.Args(rule.Args),
		})
	}
	return out
}

// Marshal writes linux.seccomp as indented JSON ending in a newline.
func Marshal(p *compiler.Policy, env target.Env) ([]byte, error) {
	return dockerjson.Encode(Seccomp(p, env))
}
