//go:build linux

package apparmor

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	mobyapparmor "github.com/moby/profiles/apparmor"
)

// mobyProfile returns the text of Docker's default profile for name as
// moby's own code writes it. moby only exports InstallDefault, which renders
// its template to a temporary file and hands that to apparmor_parser; an
// apparmor_parser stand-in on PATH keeps a copy of the file instead of
// loading it.
func mobyProfile(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "profile")
	script := "#!/bin/sh\n# apparmor_parser -Kr FILE: keep FILE\nfor last; do :; done\ncp \"$last\" " + out + "\n"
	if err := os.WriteFile(filepath.Join(dir, "apparmor_parser"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if err := mobyapparmor.InstallDefault(name); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// profileBody returns the statements inside the profile block of a profile
// text, comments and blank lines dropped and #include spelled include, and
// the line that opens the block.
func profileBody(t *testing.T, text string) (head string, body []string) {
	t.Helper()
	in := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#include") {
			line = strings.TrimPrefix(line, "#")
		}
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "profile "):
			head, in = line, true
		case line == "}":
			in = false
		case in:
			body = append(body, line)
		}
	}
	if head == "" {
		t.Fatalf("no profile block in\n%s", text)
	}
	slices.Sort(body)
	return head, body
}

// TestDockerDefaultIsMobys shows that base docker-default is Docker's
// default profile: the same rules as moby's template renders for the same
// name — its /proc and /sys denies, capability, network and mount rules,
// and its signal and ptrace peers.
func TestDockerDefaultIsMobys(t *testing.T) {
	const name = "web"
	mobyHead, mobyBody := profileBody(t, mobyProfile(t, name))
	ours, err := Render(&Profile{Name: name, Base: BaseDockerDefault})
	if err != nil {
		t.Fatal(err)
	}
	head, body := profileBody(t, string(ours))
	if head != mobyHead {
		t.Errorf("profile line %q, moby writes %q", head, mobyHead)
	}
	// moby also lets the daemon's own profile signal the container: on a
	// host where the test runs unconfined that is unconfined again, and
	// moby includes abstractions/base only where the host has it.
	mobyBody = slices.Compact(mobyBody)
	if _, err := os.Stat("/etc/apparmor.d/abstractions/base"); err != nil {
		body = slices.DeleteFunc(body, func(s string) bool { return s == "include <abstractions/base>" })
	}
	if !slices.Equal(body, mobyBody) {
		t.Errorf("docker-default differs from moby's template\nonly ours: %q\nonly moby's: %q",
			minus(body, mobyBody), minus(mobyBody, body))
	}
	for _, must := range []string{"deny mount,", "deny @{PROC}/kcore rwklx,", "deny /sys/kernel/security/** rwklx,",
		"signal (send,receive) peer=web,", "ptrace (trace,read,tracedby,readby) peer=web,"} {
		if !slices.Contains(body, must) {
			t.Errorf("docker-default lacks %q", must)
		}
	}
}

// TestDockerDefaultKeptUnderUserRules shows that a profile's own rules
// layer over the base without losing any of moby's.
func TestDockerDefaultKeptUnderUserRules(t *testing.T) {
	const name = "shop"
	_, mobyBody := profileBody(t, mobyProfile(t, name))
	p := renderCases(t)["docker-default-rules.apparmor"]
	q := *p
	q.Name = name
	text, err := Render(&q)
	if err != nil {
		t.Fatal(err)
	}
	_, body := profileBody(t, string(text))
	if lost := minus(mobyBody, body); len(lost) > 0 {
		t.Errorf("user rules dropped moby's %q", lost)
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
