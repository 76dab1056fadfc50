package profiles

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"
)

// schemaOf derives the shape dockerSchema describes from a Go type, by
// encoding/json's rules: a field's JSON name is its tag's, fields of an
// embedded struct are promoted, and a shallower field hides a deeper one of
// the same name.
func schemaOf(t *testing.T, typ reflect.Type) []dockerField {
	t.Helper()
	var out []dockerField
	seen := map[string]bool{}
	level := []reflect.Type{typ}
	for len(level) > 0 {
		var next []reflect.Type
		var found []dockerField
		for _, st := range level {
			for i := 0; i < st.NumField(); i++ {
				sf := st.Field(i)
				name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				if sf.Anonymous && name == "" {
					next = append(next, sf.Type)
					continue
				}
				if !sf.IsExported() || name == "-" || seen[name] {
					continue
				}
				if name == "" {
					name = sf.Name
				}
				found = append(found, fieldOf(t, name, sf.Type))
			}
		}
		for _, f := range found {
			seen[f.name] = true
		}
		out = append(out, found...)
		level = next
	}
	return out
}

var kernelVersionType = reflect.TypeFor[seccomp.KernelVersion]()

func fieldOf(t *testing.T, name string, typ reflect.Type) dockerField {
	t.Helper()
	if typ.Kind() == reflect.Pointer {
		if typ.Elem() == kernelVersionType {
			return dockerField{name, dtKernel, nil}
		}
		typ = typ.Elem()
	}
	if decodesItself(typ) {
		t.Fatalf("field %s of type %s decodes itself; dockerDecodes must judge it like minKernel", name, typ)
	}
	switch typ.Kind() {
	case reflect.String:
		return dockerField{name, dtString, nil}
	case reflect.Uint:
		return dockerField{name, dtUint, nil}
	case reflect.Uint64:
		return dockerField{name, dtUint64, nil}
	case reflect.Struct:
		return dockerField{name, dtObject, schemaOf(t, typ)}
	case reflect.Slice:
		elem := typ.Elem()
		if elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		switch elem.Kind() {
		case reflect.String:
			return dockerField{name, dtStrings, nil}
		case reflect.Struct:
			return dockerField{name, dtObjects, schemaOf(t, elem)}
		}
	}
	t.Fatalf("field %s has type %s, which dockerDecodes does not know", name, typ)
	return dockerField{}
}

func decodesItself(typ reflect.Type) bool {
	for _, u := range []reflect.Type{reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()} {
		if typ.Implements(u) || reflect.PointerTo(typ).Implements(u) {
			return true
		}
	}
	return false
}

func sortSchema(fs []dockerField) []dockerField {
	fs = slices.Clone(fs)
	slices.SortFunc(fs, func(a, b dockerField) int { return strings.Compare(a.name, b.name) })
	for i := range fs {
		if fs[i].fields != nil {
			fs[i].fields = sortSchema(fs[i].fields)
		}
	}
	return fs
}

// TestDockerSchema holds the schema dockerDecodes walks to moby's types, so
// that a new field in a later moby is not decoded by the wrong rule.
func TestDockerSchema(t *testing.T) {
	got := sortSchema(dockerSchema)
	want := sortSchema(schemaOf(t, reflect.TypeFor[seccomp.Seccomp]()))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dockerSchema = %+v\nmoby's types: %+v", got, want)
	}
}

// TestDockerDecodesDefault pins that Docker's own default profile is judged
// from the tree, without decoding it a second time.
func TestDockerDecodesDefault(t *testing.T) {
	src, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	tree, d := parseJSONTree("default.json", src)
	if d != nil {
		t.Fatal(d)
	}
	if !dockerDecodes(tree) {
		t.Error("dockerDecodes(Docker's default) = false")
	}
}

// dockerDecodesCases are profiles dockerDecodes must not pass although
// they look nearly right, each beside one it should pass.
var dockerDecodesCases = []struct {
	src  string
	want bool
}{
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":"EPERM"}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":-1}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":1.0}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","ErrnoRet":1}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRetx":"x"}]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":null,"args":null}]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod",null],"action":"SCMP_ACT_ERRNO"},null]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":null}}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod",1],"action":"SCMP_ACT_ERRNO"}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"chmod","action":"SCMP_ACT_ERRNO"}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}]}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}}]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4"}}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"0.0"}}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","includes":{"caps":[true]}}]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[]}`, true},
	{`{"defaultAction":"SCMP_ACT_ALLOW","archMap":{"architecture":"SCMP_ARCH_X86_64"},"syscalls":[]}`, false},
	{`{"defaultAction":"SCMP_ACT_ALLOW","ſyscalls":[]}`, false},
	{`{"defaultAction":1}`, false},
}

func TestDockerDecodes(t *testing.T) {
	for _, c := range dockerDecodesCases {
		tree, d := parseJSONTree("in.json", []byte(c.src))
		if d != nil {
			t.Fatal(d)
		}
		if got := dockerDecodes(tree); got != c.want {
			t.Errorf("dockerDecodes(%s) = %v; want %v", c.src, got, c.want)
		}
	}
}

// FuzzDockerDecodes holds dockerDecodes to its promise: whatever it passes,
// encoding/json decodes into moby's types without an error.
func FuzzDockerDecodes(f *testing.F) {
	seeds(f, ".json")
	for _, c := range dockerDecodesCases {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tree, d := parseJSONTree("in.json", src)
		if d != nil || !dockerDecodes(tree) {
			return
		}
		var prof seccomp.Seccomp
		if err := json.Unmarshal(src, &prof); err != nil {
			t.Fatalf("dockerDecodes passes what encoding/json rejects: %v", err)
		}
	})
}

// encoding/json, and so Docker, lets the last of repeated keys win and
// matches keys ignoring case; secprof read the first and only exact keys,
// so these compiled a deny where Docker allows. Each is now an error at
// the key, and where parsing goes on it reads Docker's value.
func TestDockerRepeatedAndCaseVariantKeys(t *testing.T) {
	for _, c := range dockerKeyCases {
		f, diags := Parse("in.json", []byte(c.src))
		if !strings.HasPrefix(diags.Text(), c.want) {
			t.Errorf("%s:\n got %s\nwant %s…", c.src, diags.Text(), c.want)
			continue
		}
		var prof seccomp.Seccomp
		if err := json.Unmarshal([]byte(c.src), &prof); err != nil {
			t.Fatal(err)
		}
		if got := f.Seccomp.Default.Kind.Text; got != c.def || string(prof.DefaultAction) != c.def {
			t.Errorf("%s: default read as %q, Docker %q; want %q", c.src, got, prof.DefaultAction, c.def)
		}
		if c.action != "" && (f.Seccomp.Rules[0].Action.Kind.Text != c.action || string(prof.Syscalls[0].Action) != c.action) {
			t.Errorf("%s: action read as %q, Docker %q; want %q", c.src, f.Seccomp.Rules[0].Action.Kind.Text, prof.Syscalls[0].Action, c.action)
		}
	}
}

// dockerKeyCases: a profile, its first diagnostic, and the action of its
// first rule and the default action Docker reads (and secprof must, too).
var dockerKeyCases = []struct{ src, want, action, def string }{
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","action":"SCMP_ACT_ALLOW"}]}`,
		`in.json:1:92: error: "action" is given twice in a syscalls entry; Docker would take the last value`, "SCMP_ACT_ALLOW", "SCMP_ACT_ALLOW"},
	{`{"defaultAction":"SCMP_ACT_ERRNO","defaultAction":"SCMP_ACT_ALLOW"}`,
		`in.json:1:35: error: "defaultAction" is given twice in the profile; Docker would take the last value`, "", "SCMP_ACT_ALLOW"},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","Action":"SCMP_ACT_ALLOW"}]}`,
		`in.json:1:92: error: key "Action" repeats "action" in a syscalls entry: Docker matches keys ignoring case and would take the last value`, "SCMP_ACT_ALLOW", "SCMP_ACT_ALLOW"},
	{`{"DefaultAction":"SCMP_ACT_ALLOW"}`,
		`in.json:1:2: error: key "DefaultAction" in the profile is "defaultAction" to Docker, which matches keys ignoring case; did you mean "defaultAction"?`, "", "SCMP_ACT_ALLOW"},
	// U+017F folds onto "s" for encoding/json as for strings.EqualFold.
	{`{"defaultAction":"SCMP_ACT_ALLOW","ſyscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO"}]}`,
		`in.json:1:35: error: key "ſyscalls" in the profile is "syscalls" to Docker`, "SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW"},
	{`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ","OP":"SCMP_CMP_NE"}]}]}`,
		`in.json:1:140: error: key "OP" repeats "op" in an args entry`, "SCMP_ACT_ALLOW", "SCMP_ACT_ALLOW"},
}
