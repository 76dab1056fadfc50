package profiles

import _ "embed"

// dockerDefault is Docker's default seccomp profile written in the DSL; a
// test proves it decides exactly as moby's DefaultProfile().
//
//go:embed docker-default.sp
var dockerDefault []byte

// BuiltinDockerDefault is the name of the built-in profile, as `base` and
// rule names write it.
const BuiltinDockerDefault = "@docker-default"

// Builtin returns the source of a built-in profile and the file name its
// diagnostics use.
func Builtin(name string) (file string, src []byte, ok bool) {
	if name == BuiltinDockerDefault {
		return "docker-default.sp", dockerDefault, true
	}
	return "", nil, false
}
