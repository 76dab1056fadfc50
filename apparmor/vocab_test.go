package apparmor

import (
	"fmt"
	"strings"
	"testing"
)

// parserAccepts has apparmor_parser compile a profile holding rules.
func parserAccepts(t *testing.T, rules ...string) error {
	t.Helper()
	ctx := requireParser(t)
	text := fmt.Sprintf("abi <%s>,\ninclude <tunables/global>\nprofile t {\n  %s\n}\n", ABI, strings.Join(rules, "\n  "))
	_, err := Check(ctx, []byte(text))
	return err
}

// TestVocabularyAgreesWithParser shows that every name the compiler accepts
// — each capability, network family, type and protocol, exec transition,
// mount kind and access — is one apparmor_parser accepts too.
func TestVocabularyAgreesWithParser(t *testing.T) {
	var rules []string
	for _, c := range Capabilities() {
		rules = append(rules, CapabilityRule{Deny: true, Name: c}.String())
	}
	for _, f := range NetworkFamilies() {
		rules = append(rules, NetworkRule{Family: f}.String())
	}
	for _, ty := range NetworkTypes() {
		rules = append(rules, NetworkRule{Family: "inet", Type: ty}.String())
	}
	for _, proto := range NetworkProtocols() {
		for _, f := range append([]string{""}, ProtocolFamilies(proto)...) {
			rules = append(rules, NetworkRule{Family: f, Protocol: proto}.String())
		}
	}
	for i, e := range ExecModes() {
		// One path per mode: two transitions on one path conflict.
		rules = append(rules, FileRule{Path: fmt.Sprintf("/bin/p%d", i), Mode: Mode{Exec: e}}.String())
	}
	for _, k := range MountKinds() {
		rules = append(rules, MountRule{Kind: k}.String(), MountRule{Deny: true, Kind: k}.String())
	}
	rules = append(rules,
		PtraceRule{Access: PtraceAccesses(), Peer: "t"}.String(),
		SignalRule{Access: SignalAccesses(), Peer: "t"}.String(),
		FileRule{Deny: true, Path: "/x", Mode: mode(t, "rwklmx")}.String(),
	)
	if err := parserAccepts(t, rules...); err != nil {
		t.Fatal(err)
	}
	if len(Capabilities()) < 41 || len(NetworkFamilies()) < 40 {
		t.Errorf("vocabulary too small: %d capabilities, %d families", len(Capabilities()), len(NetworkFamilies()))
	}
}

func TestNormalizedNames(t *testing.T) {
	for in, want := range map[string]string{"CAP_SYS_ADMIN": "sys_admin", "SYS_ADMIN": "sys_admin", "net_raw": "net_raw"} {
		if got, ok := CapabilityName(in); !ok || got != want {
			t.Errorf("CapabilityName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := CapabilityName("sys_admn"); ok {
		t.Error("sys_admn taken for a capability")
	}
	for in, want := range map[string]string{"local": "unix", "FILE": "unix", "route": "netlink", "inet6": "inet6"} {
		if got, ok := NetworkFamily(in); !ok || got != want {
			t.Errorf("NetworkFamily(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := NetworkFamily("decnet"); ok {
		t.Error("decnet, which apparmor_parser rejects, is offered")
	}
}

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"r", "r"}, {"rw", "rw"}, {"wr", "rw"}, {"rix", "rix"}, {"ixr", "rix"}, {"Px", "Px"},
		{"mrPix", "rmPix"}, {"Pux", "PUx"}, {"CUx", "CUx"}, {"rwklx", "rwklx"}, {"a", "a"},
	} {
		m, err := ParseMode(tc.in)
		if err != nil || m.String() != tc.want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", tc.in, m, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty"},
		{"rz", 1, `unknown file access "z"`},
		{"rwp", 2, "must end in x"},
		{"rqx", 1, `unknown file access "q"`},
		{"ixpx", 2, "one exec transition"},
		{"uix", 0, `unknown exec transition "uix"`},
	} {
		_, err := ParseMode(tc.in)
		me, ok := err.(*ModeError)
		if !ok || me.Offset != tc.offset || !strings.Contains(me.Msg, tc.msg) {
			t.Errorf("ParseMode(%q) = %v, want an error at %d with %q", tc.in, err, tc.offset, tc.msg)
		}
	}
}

func TestOverlaps(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"r", "w", false}, {"rw", "w", true}, {"a", "w", true}, {"ix", "x", true}, {"r", "m", false}, {"k", "rk", true},
	} {
		if got := mode(t, tc.a).Overlaps(mode(t, tc.b)); got != tc.want {
			t.Errorf("%s overlaps %s = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCheckPathAgreesWithParser runs each path through CheckPath and
// through apparmor_parser: what one rejects, the other rejects too.
func TestCheckPathAgreesWithParser(t *testing.T) {
	good := []string{"/", "/etc/shadow", "/srv/**", "/etc/{passwd,shadow}", "/foo/{,a}", "/a/{b,{c,d}}",
		"/x/[a-z]?", "/x/[^a]*", "@{PROC}/@{pid}/mem", "@{HOME}/x", "/srv/my data", "/a,b", `/a\{b`}
	bad := []struct {
		path   string
		offset int
	}{
		{"etc/shadow", 0}, {"/foo/{a,b", 5}, {"/foo/{a}", 5}, {"/foo/{}", 5}, {"/foo/[]", 5},
		{"/foo/[ab", 5}, {"/foo/a}", 6}, {"@{pid", 0}, {"/x/@{1x}", 5}, {"/x\x01", 2}, {"/x/\\", 3}, {"/foo]", 4},
	}
	for _, p := range good {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v", p, err)
		}
		if err := parserAccepts(t, FileRule{Path: p, Mode: Mode{Read: true}}.String()); err != nil {
			t.Errorf("apparmor_parser rejects %q: %v", p, err)
		}
	}
	for _, tc := range bad {
		err := CheckPath(tc.path)
		pe, ok := err.(*PathError)
		if !ok || pe.Offset != tc.offset {
			t.Errorf("CheckPath(%q) = %v, want an error at %d", tc.path, err, tc.offset)
		}
		if strings.ContainsAny(tc.path, "\x01") {
			continue // cannot be written into a profile at all
		}
		if err := parserAccepts(t, QuotePath(tc.path)+" r,"); err == nil {
			t.Errorf("apparmor_parser accepts %q, which CheckPath rejects", tc.path)
		}
	}
}

func TestQuotePath(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/shadow": "/etc/shadow", "/etc/{a,b}": "/etc/{a,b}", "/srv/my data": `"/srv/my data"`,
		"/a,b": `"/a,b"`, "/a#b": `"/a#b"`, "@{PROC}/*": "@{PROC}/*",
	} {
		if got := QuotePath(in); got != want {
			t.Errorf("QuotePath(%q) = %s, want %s", in, got, want)
		}
	}
}
