package pipeline

import (
	"strings"

	"github.com/secprof/secprof/compiler"
)

// ParseEnv reads a --caps value: docker-default, all, none, or a
// comma-separated list of capabilities (CAP_ prefix optional).
func ParseEnv(caps string) (compiler.Env, error) {
	env := compiler.HostEnv()
	switch caps {
	case "", "docker-default":
	case "all":
		env.Caps = compiler.AllCaps()
	case "none":
		env.Caps = nil
	default:
		env.Caps = nil
		for _, c := range strings.Split(caps, ",") {
			name := strings.ToUpper(strings.TrimSpace(c))
			if !strings.HasPrefix(name, "CAP_") {
				name = "CAP_" + name
			}
			if !compiler.IsCap(name) {
				return env, Usagef("unknown capability %q in --caps", c)
			}
			env.Caps = append(env.Caps, name)
		}
	}
	return env, nil
}
