package pipeline

import (
	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
)

// ParseEnv reads a --caps value (docker-default, all, none, or a
// comma-separated list) into the environment of a container on this host.
func ParseEnv(caps string) (compiler.Env, error) {
	env := compiler.HostEnv()
	list, err := capabilities.Parse(caps)
	if err != nil {
		return env, Usagef("--caps: %v", err)
	}
	env.Caps = list
	return env, nil
}
