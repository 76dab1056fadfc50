package apparmor

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
)

func mode(t testing.TB, s string) Mode {
	t.Helper()
	m, err := ParseMode(s)
	if err != nil {
		t.Fatalf("ParseMode(%q): %v", s, err)
	}
	return m
}

// requireParser returns a context for apparmor_parser, which tests that
// prove a rendering need: skipped on a laptop without it, failed in CI.
func requireParser(t *testing.T) context.Context {
	t.Helper()
	testenv.RequireCommand(t, "apparmor_parser")
	return context.Background()
}

func renderCases(t *testing.T) map[string]*Profile {
	return map[string]*Profile{
		"docker-default-only.apparmor": {Name: "plain"},
		"docker-default-rules.apparmor": {
			Name: "web",
			Base: BaseDockerDefault,
			Files: []FileRule{
				{Deny: true, Path: "/etc/shadow", Mode: mode(t, "rw")},
				{Path: "/srv/**", Mode: mode(t, "r")},
				{Path: "/usr/bin/helper", Mode: mode(t, "Px")},
			},
			Capabilities: []CapabilityRule{{Deny: true, Name: "sys_admin"}, {Deny: true, Name: "net_raw"}},
			Network:      []NetworkRule{{Deny: true, Type: "raw"}, {Deny: true, Family: "packet"}},
			Mounts:       []MountRule{{Deny: true, Kind: Mount}, {Deny: true, Kind: PivotRoot}},
		},
		"none-minimal.apparmor": {
			Name:     "minimal",
			Base:     BaseNone,
			Includes: []string{"abstractions/base"},
			Files: []FileRule{
				{Path: "/{usr/,}bin/*", Mode: mode(t, "mrix")},
				{Owner: true, Path: "/home/*/**", Mode: mode(t, "rw")},
				{Path: "/var/log/app.log", Mode: mode(t, "a")},
				{Path: "/srv/my data/**", Mode: mode(t, "r")},
				{Path: "/srv/a,b", Mode: mode(t, "r")},
				{Deny: true, Path: "@{PROC}/@{pid}/mem", Mode: mode(t, "rw")},
			},
			Capabilities: []CapabilityRule{{Name: "net_bind_service"}, {Name: "chown"}},
			Network:      []NetworkRule{{Family: "inet", Protocol: "tcp"}, {Family: "inet6", Protocol: "tcp"}, {Family: "unix"}},
			Ptrace:       []PtraceRule{{Deny: true}},
			Signals:      []SignalRule{{Access: []string{"send"}, Peer: "minimal"}},
		},
		"no-runtime-peers.apparmor": {
			Name:           "sealed",
			Base:           BaseNone,
			NoRuntimePeers: true,
			Files:          []FileRule{{Path: "/bin/sleep", Mode: mode(t, "rix")}},
		},
	}
}

// TestRenderGolden renders model profiles, compares them with their golden
// text, and has apparmor_parser compile each and read back its name.
func TestRenderGolden(t *testing.T) {
	for name, p := range renderCases(t) {
		t.Run(name, func(t *testing.T) {
			got, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Render(p)
			if !bytes.Equal(got, again) {
				t.Fatal("two renderings of one profile differ")
			}
			golden.Check(t, filepath.Join("testdata", name), got)
			names, err := Check(requireParser(t), got)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, []string{p.Name}) {
				t.Errorf("apparmor_parser -N = %q, want [%s]", names, p.Name)
			}
		})
	}
}

// TestRenderOrderIndependent shows that the order rules were added in does
// not change the text.
func TestRenderOrderIndependent(t *testing.T) {
	p := renderCases(t)["none-minimal.apparmor"]
	want, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.Files = slices.Clone(p.Files)
	slices.Reverse(q.Files)
	q.Network = slices.Clone(p.Network)
	slices.Reverse(q.Network)
	got, err := Render(&q)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("reversed rules render differently:\n%s", got)
	}
}

// TestRuntimePeersEverywhere shows that every base carries the rules docker
// stop needs, and that only NoRuntimePeers removes them.
func TestRuntimePeersEverywhere(t *testing.T) {
	want := []string{
		"signal (receive) peer=unconfined,",
		"signal (receive) peer=runc,",
		"signal (receive) peer=crun,",
		"signal (send,receive) peer=box,",
		"ptrace (trace,read,tracedby,readby) peer=box,",
	}
	for _, base := range Bases() {
		for _, off := range []bool{false, true} {
			text, err := Render(&Profile{Name: "box", Base: base, NoRuntimePeers: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, rule := range want {
				if has := strings.Contains(string(text), "\n  "+rule+"\n"); has == off {
					t.Errorf("base %s, NoRuntimePeers=%v: has %q = %v", base, off, rule, has)
				}
			}
		}
	}
}

func TestRenderRejectsBadModels(t *testing.T) {
	for _, tc := range []struct {
		p    Profile
		want string
	}{
		{Profile{}, "empty profile name"},
		{Profile{Name: "a b"}, "is not allowed"},
		{Profile{Name: "x", Base: "ubuntu"}, "unknown base"},
		{Profile{Name: "x", Includes: []string{"../etc/passwd"}}, "relative path"},
		{Profile{Name: "x", Files: []FileRule{{Path: "etc/shadow", Mode: Mode{Read: true}}}}, "must start with /"},
		{Profile{Name: "x", Files: []FileRule{{Path: "/x", Mode: Mode{Exec: "x"}}}}, "x needs an exec transition"},
		{Profile{Name: "x", Files: []FileRule{{Deny: true, Path: "/x", Mode: Mode{Exec: "px"}}}}, "plain x"},
		{Profile{Name: "x", Files: []FileRule{{Path: "/x", Mode: Mode{Write: true, Append: true}}}}, "exclude each other"},
		{Profile{Name: "x", Files: []FileRule{{Path: "/x"}}}, "needs a mode"},
		{Profile{Name: "x", Capabilities: []CapabilityRule{{Name: "sys_admn"}}}, "unknown capability"},
		{Profile{Name: "x", Network: []NetworkRule{{Family: "inet", Type: "stream", Protocol: "tcp"}}}, "not both"},
		{Profile{Name: "x", Network: []NetworkRule{{Family: "unix", Protocol: "tcp"}}}, "inet and inet6"},
		{Profile{Name: "x", Mounts: []MountRule{{Kind: "bind"}}}, "unknown mount"},
		{Profile{Name: "x", Signals: []SignalRule{{Access: []string{"kill"}}}}, "unknown access"},
		{Profile{Name: "x", Ptrace: []PtraceRule{{Peer: "a,b"}}}, "peer"},
	} {
		_, err := Render(&tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Render(%+v) = %v, want an error with %q", tc.p, err, tc.want)
		}
	}
}
