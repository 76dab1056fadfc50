package profiles

import (
	"bytes"
	"os"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/safename"
)

// dockerKeys are top-level keys only Docker-format seccomp JSON has.
var dockerKeys = []string{"defaultAction", "defaultErrnoRet", "syscalls", "architectures", "archMap", "listenerPath", "listenerMetadata", "flags"}

// Parse reads a source in whichever format it is written: JSON when it
// starts with "{", Docker-format when its keys are Docker's, the DSL
// otherwise.
func Parse(name string, src []byte) (*File, diag.List) {
	trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return ParseDSL(name, src)
	}
	tree, d := parseJSONTree(name, src)
	if d != nil {
		return &File{Name: name, Format: FormatJSON}, diag.List{*d}
	}
	for _, k := range dockerKeys {
		if tree.get(k) != nil && tree.get("seccomp") == nil {
			return parseDocker(name, src, tree)
		}
	}
	return parseJSON(name, tree)
}

// ParseFile reads and parses the file at path.
func ParseFile(path string) (*File, diag.List, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, diags := Parse(path, src)
	return f, diags, nil
}

// checkProfileName reports a `profile` name, in either form, that is not
// one safe path element: it names the files of `compile -o DIR/` and the
// AppArmor profile, so "../../evil" or "/etc/x" must never reach a path.
func checkProfileName(diags *diag.List, name string, pos diag.Pos) {
	if err := safename.Check(name); err != nil {
		diags.Errorf(pos, "%v (the name becomes output file names and the AppArmor profile's name)", err)
	}
}
