package pipeline

import (
	"github.com/secprof/secprof/target"
)

// ParseTarget reads the --arch, --kernel and --caps flags that compile,
// test and diff share.
func ParseTarget(arch, kernel, caps string) (target.Env, error) {
	env, err := target.Parse(arch, kernel, caps)
	if err != nil {
		return env, Usagef("%v", err)
	}
	return env, nil
}
