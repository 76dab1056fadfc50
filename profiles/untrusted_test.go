package profiles

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/diag"
)

// A file that is not a profile — /etc/shadow named as a base, or through
// a symlinked source — gets one error that quotes nothing of it: a base an
// untrusted profile names may be a secret, and CI logs are often public.
func TestNotAProfileQuotesNothing(t *testing.T) {
	shadow := "root:$y$j9T$s3cretSALT$H4shH4shH4sh:19700:0:99999:7:::\n" +
		"daemon:*:19700:0:99999:7:::\nalice:$6$xyz$alicesecrethash:19700:0:99999:7:::\n"
	cases := []struct{ name, src, want string }{
		{"shadow", shadow, `shadow:1:1: error: this does not look like a secprof or Docker profile: its first word is no statement keyword (default, deny, profile, seccomp, base, …)`},
		{"token", "ghp_0123456789abcdefSECRETTOKEN\n", `token:1:1: error: this does not look like a secprof or Docker profile: its first word is no statement keyword (default, deny, profile, seccomp, base, …)`},
		{"elf", "\x7fELF\x02\x01\x01secret", `elf:1:1: error: this does not look like a secprof or Docker profile: it starts with a character no statement starts with`},
		{"binary", "\xff\xfesecret", `binary:1:1: error: this does not look like a secprof or Docker profile: its first word is no statement keyword (default, deny, profile, seccomp, base, …)`},
		{"long", "# a comment\n  " + strings.Repeat("A", 40) + " secret", `long:2:3: error: this does not look like a secprof or Docker profile: its first word is no statement keyword (default, deny, profile, seccomp, base, …)`},
		{"config.json", `{"auths": {"registry": {"auth": "c2VjcmV0"}}}`, `config.json:1:1: error: this does not look like a secprof or Docker profile: a JSON object with none of the keys a profile has ("seccomp", "defaultAction", …)`},
		// A typo in the first keyword still gets its suggestion.
		{"typo.sp", "defualt allow\ndeny chmod\n", `typo.sp:1:1: error: this does not look like a secprof or Docker profile: its first word is no statement keyword (default, deny, profile, seccomp, base, …); did you mean "default"?`},
	}
	for _, c := range cases {
		_, diags := Parse(c.name, []byte(c.src))
		if got := strings.TrimSpace(diags.Text()); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if strings.Contains(diags.Text(), "secret") || strings.Contains(diags.Text(), "SECRET") || strings.Contains(diags.Text(), "daemon") || strings.Contains(diags.Text(), "root") || strings.Contains(diags.Text(), "ghp_") {
			t.Errorf("%s: diagnostics quote the file: %s", c.name, diags.Text())
		}
	}
	for _, ok := range []string{"", "# only a comment\n", "\n\nprofile p\ndefault allow\n", "{}", `{"defaultAction": "SCMP_ACT_ALLOW"}`} {
		if _, diags := Parse("ok", []byte(ok)); strings.Contains(diags.Text(), "does not look like") {
			t.Errorf("Parse(%q) = %s; it is a profile", ok, diags.Text())
		}
	}
}

// A character that hides text is an error at its position, in every
// string field of the JSON form (here: the "allow\n deny chmod")
// and anywhere in the DSL.
func TestHiddenTextIsAnError(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{"seccomp": {"default": "allow\n deny chmod"}}`, `p.json:1:31: error: '\n' in a string`},
		{`{"seccomp": {"default": "allow\u000a deny chmod"}}`, `p.json:1:31: error: '\n' in a string`},
		{`{"seccomp": {"default": "allow", "rules": [{"action": "deny", "names": ["chmod"], "comment": "ok\r<hidden>"}]}}`, `p.json:1:97: error: '\r' in a string`},
		{`{"profile": "w\u202eb", "seccomp": {"default": "allow"}}`, `p.json:1:15: error: '\u202e' in a string: a bidirectional control`},
		{"{\"profile\": \"w\u202eb\", \"seccomp\": {\"default\": \"allow\"}}", `p.json:1:15: error: '\u202e' in a string`},
		{`{"seccomp": {"default": "allow", "rules": [{"action": "deny", "names": ["chmod\u001b[8m"]}]}}`, `p.json:1:79: error: '\x1b' in a string`},
		{`{"seccomp": {"default": "allow", "listener": {"path": "/run/l\u0000.sock"}}}`, `p.json:1:62: error: '\x00' in a string`},
		{`{"seccomp": {"default": "allow"}, "test": {"run": [{"command": "ls /\n rm -rf /", "want": "succeeds"}]}}`, `p.json:1:69: error: '\n' in a string`},
		{`{"seccomp": {"default": "allow"}, "apparmor": ["deny /etc/shadow r\b\b"]}`, `p.json:1:67: error: '\b' in a string`},
		// A raw DEL, which a pure-ASCII string once slipped past the check with.
		{"{\"seccomp\": {\"default\": \"allow\", \"rules\": [{\"action\": \"deny\", \"names\": [\"chmod\"], \"comment\": \"a\x7fb\"}]}}", `p.json:1:96: error: '\x7f' in a string`},
		// A hidden character before an escaped raw newline is placed on its
		// own line (placing it once ran the column count backwards: a panic).
		{"{\"profile\": \"w\u202e\\\n\"}", `p.json:1:15: error: '\u202e' in a string`},
		{"{\"profile\": \"w\\\n\u202e\"}", `p.json:2:1: error: '\u202e' in a string`},
		// Docker JSON: its strings are read the same way.
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "comment": "a\nb"}]}`, `p.json:1:112: error: '\n' in a string`},
		// DSL: strings, comments, paths, and a carriage return that is no line end.
		{"default allow\ndeny chmod comment \"a\\nb\"\n", `p.json:2:22: error: "\n" in a string: a string holds one line`},
		{"default allow\ntest {\n run \"ls\x1b[2K\" succeeds\n}\n", `p.json:3:9: error: '\x1b' in the source`},
		{"default allow # harmless\rdeny ptrace\n", `p.json:1:25: error: '\r' in the source`},
		{"default allow\napparmor {\n deny /etc/sh\u202eadow r\n}\n", `p.json:3:14: error: '\u202e' in the source`},
		{"default allow\nlistener \"/run/a\x00b\"\n", `p.json:2:17: error: '\x00' in the source`},
	}
	for _, c := range cases {
		_, diags := Parse("p.json", []byte(c.src))
		if !strings.HasPrefix(diags.Text(), c.want) {
			t.Errorf("Parse(%q):\n got %s\nwant %s…", c.src, diags.Text(), c.want)
		}
	}
	// Tabs and CRLF line ends hide nothing.
	for _, ok := range []string{"default allow\r\ndeny\tchmod\r\n", "default allow\ntest {\n run \"printf 'a\\tb'\" succeeds\n}\n", `{"seccomp": {"default": "allow\tlog"}}`} {
		if _, diags := Parse("ok", []byte(ok)); strings.Contains(diags.Text(), "hide") {
			t.Errorf("Parse(%q) = %s", ok, diags.Text())
		}
	}
}

// Each limit on a source at its boundary: at the limit accepted, one over
// rejected with a message that names it.
func TestSourceLimits(t *testing.T) {
	nested := func(depth int) []byte {
		// In {"a": [[…[0]…]]} the 0 is depth levels below the object.
		return []byte(`{"a": ` + strings.Repeat("[", depth-1) + "0" + strings.Repeat("]", depth-1) + "}")
	}
	values := func(n int) []byte {
		// {"a": [0,0,…]} holds n values: the object, the array, n-2 zeros.
		return []byte(`{"a": [` + strings.TrimSuffix(strings.Repeat("0,", n-2), ",") + "]}")
	}
	tokens := func(n int) []byte {
		// "default allow\n" is three tokens with its newline.
		return []byte("default allow\n" + strings.Repeat("\n", n-3))
	}
	cases := []struct {
		what     string
		at, over []byte
		want     string
	}{
		{"JSON depth", nested(MaxJSONDepth), nested(MaxJSONDepth + 1), "nested more than 200 levels deep"},
		{"JSON values", values(MaxJSONValues), values(MaxJSONValues + 1), "more than 100000 values"},
		{"DSL tokens", tokens(MaxDSLTokens), tokens(MaxDSLTokens + 1), "more than 100000 tokens"},
	}
	for _, c := range cases {
		if _, diags := Parse("p", c.at); strings.Contains(diags.Text(), c.want) {
			t.Errorf("%s at the limit: %s", c.what, diags.Text())
		}
		if _, diags := Parse("p", c.over); !strings.Contains(diags.Text(), c.want) {
			t.Errorf("%s one over the limit: %.300s; want %q", c.what, diags.Text(), c.want)
		}
	}
	// 4 MiB of "[" ends at the depth limit, not in a stack overflow.
	_, diags := Parse("p", append([]byte(`{"a":`), bytes.Repeat([]byte("["), MaxSourceBytes-5)...))
	if !strings.Contains(diags.Text(), "nested more than") {
		t.Errorf("4 MiB of [: %s", diags.Text())
	}
}

// TestDockerDefaultWithinLimits keeps the limits far from what real
// profiles hold.
func TestDockerDefaultWithinLimits(t *testing.T) {
	src, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	r := &jsonReader{src: src, file: "d", line: 1, col: 1}
	if _, d := r.value(0); d != nil {
		t.Fatal(d)
	}
	if r.values*10 > MaxJSONValues {
		t.Errorf("Docker's default holds %d JSON values, over a tenth of MaxJSONValues", r.values)
	}
	var diags diag.List
	toks, _ := newLexer("docker-default.sp", string(dockerDefault), &diags).all()
	if len(toks)*10 > MaxDSLTokens {
		t.Errorf("docker-default.sp holds %d tokens, over a tenth of MaxDSLTokens", len(toks))
	}
}
