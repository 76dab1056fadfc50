package container

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/capabilities"
)

// A command that does not end gets a "timed out" result of its own after
// its timeout, the container is killed (the checks after it do not run),
// and the control container, which ran the same command, goes too;
// TestMain checks that nothing is left.
func TestTimeoutIsAVerdict(t *testing.T) {
	p := loadProfile(t, "deny-chmod-chown")
	checks := []Check{
		{Command: "busybox chmod 600 /tmp/f", Want: Fails},
		{Command: "sleep 1000", Want: Succeeds, Timeout: time.Second},
		{Command: "echo after", Want: Succeeds},
	}
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			var mu sync.Mutex
			var began []int
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := e.Run(ctx, p, checks, func(i int) {
				mu.Lock()
				began = append(began, i)
				mu.Unlock()
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res[0].OK {
				t.Errorf("fails check before the timeout: %+v", res[0])
			}
			r := res[1]
			if r.OK || !r.TimedOut || r.Got() != "timed out after 1s" || !strings.Contains(r.Why, "killed") {
				t.Errorf("sleep 1000: got %q ok=%v timed_out=%v why=%q; want a timed-out verdict", r.Got(), r.OK, r.TimedOut, r.Why)
			}
			if a := res[2]; a.OK || a.Got() != "not run" || !strings.Contains(a.Why, "command 2 timed out") {
				t.Errorf("check after the timeout: got %q why=%q", a.Got(), a.Why)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(began, []int{0, 1}) {
				t.Errorf("progress reported %v, want [0 1]", began)
			}
		})
	}
}

// "yes" writes without end: its output is capped in memory, the rest
// counted and dropped, and the timeout ends it.
func TestOutputIsCapped(t *testing.T) {
	p := loadProfile(t, "deny-chmod-chown")
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			res, err := e.Run(context.Background(), p, []Check{
				{Command: "yes", Want: Succeeds, Timeout: 2 * time.Second},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			if !r.TimedOut || r.Got() != "timed out after 2s" {
				t.Errorf("yes: got %q, want timed out after 2s", r.Got())
			}
			if len(r.Output) != OutputCap || !strings.HasPrefix(r.Output, "y\ny\n") {
				t.Errorf("yes: kept %d bytes of output, want exactly %d of y lines", len(r.Output), OutputCap)
			}
			// Far more than the cap was written and read: the cap is what
			// kept memory flat, not a slow writer.
			if r.OutputDropped < 10*OutputCap {
				t.Errorf("yes: %d bytes dropped; want the output beyond the cap read and dropped", r.OutputDropped)
			}
			t.Logf("yes: %d bytes kept, %d dropped in 2s", len(r.Output), r.OutputDropped)
		})
	}
}

// allowAll is a profile that decides nothing, so that what a command may
// do is up to the container's capabilities alone.
var allowAll = Profile{
	OCI:        &specs.LinuxSeccomp{DefaultAction: specs.ActAllow},
	DockerJSON: []byte(`{"defaultAction": "SCMP_ACT_ALLOW"}`),
}

// The container runs with exactly the capability set it is given, in
// both engines: with CAP_SYS_ADMIN added, hostname works; with Docker's
// default it does not; with none, not even chown works.
func TestContainerGetsTheCapabilities(t *testing.T) {
	tests := []struct {
		name, caps      string
		hostname, chown bool
	}{
		{"default+sys-admin", strings.Join(append(capabilities.DockerDefault(), "CAP_SYS_ADMIN"), ","), true, true},
		{"docker-default", "docker-default", false, true},
		{"none", "none", false, false},
	}
	for _, e := range engines(t) {
		for _, tt := range tests {
			t.Run(e.Name()+"/"+tt.name, func(t *testing.T) {
				p := allowAll
				var err error
				if p.Caps, err = capabilities.Parse(tt.caps); err != nil {
					t.Fatal(err)
				}
				res, err := e.Run(context.Background(), p, []Check{
					{Command: "hostname secprof-caps", Want: Succeeds},
					{Command: "busybox chown nobody /tmp/f", Want: Succeeds},
				}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if res[0].OK != tt.hostname || res[1].OK != tt.chown {
					t.Errorf("caps %s: hostname %s (%s %s), chown %s (%s); want hostname ok=%v, chown ok=%v",
						tt.name, res[0].Got(), res[0].Output, res[0].Why, res[1].Got(), res[1].Output, tt.hostname, tt.chown)
				}
			})
		}
	}
}

// A set the engine cannot give exactly (here, every capability the kernel
// defines: this host's bounding set or Docker 20.10 may lack some) is an
// unavailable engine naming what is missing, never a container that
// silently runs with less.
func TestCapabilitiesNotGrantableAreAnError(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			p := allowAll
			p.Caps = capabilities.All()
			res, err := e.Run(context.Background(), p, []Check{{Command: "hostname secprof-caps", Want: Succeeds}}, nil)
			var ue *UnavailableError
			switch {
			case err == nil && res[0].OK:
				t.Logf("%s gives every capability here", e.Name())
			case err != nil && errorsIs(err, &ue) && strings.Contains(ue.Reason, "CAP_"):
				t.Logf("%v", err)
			default:
				t.Errorf("got %v %+v; want every capability or an UnavailableError naming the missing ones", err, res)
			}
		})
	}
}

// A run line shares the host's kernel: without limits, a fork bomb takes
// every pid of the machine and a memory or /tmp hog its RAM (Docker's
// --tmpfs is half the RAM unless sized) long before the timeout. Each of
// these succeeds only past the container's limits.
func TestContainerResourcesAreBounded(t *testing.T) {
	p := loadProfile(t, "deny-chmod-chown")
	checks := []Check{
		{Command: fmt.Sprintf("i=0; while [ $i -lt %d ]; do sleep 30 & i=$((i+1)); done", ContainerPids+100), Want: Succeeds, Timeout: 20 * time.Second},
		{Command: fmt.Sprintf("busybox dd if=/dev/zero of=/tmp/big bs=1M count=%d", TmpfsMiB+1), Want: Succeeds, Timeout: 20 * time.Second},
		{Command: fmt.Sprintf(`awk 'BEGIN{s=sprintf("%%%ds","x"); print length(s)}'`, ContainerMemory+(64<<20)), Want: Succeeds, Timeout: 20 * time.Second},
	}
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			for _, c := range checks {
				res, err := e.Run(context.Background(), p, []Check{c}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r := res[0]; r.OK {
					t.Errorf("%s: succeeded (%s); want it stopped by the container's limits", c.Command, r.Got())
				}
			}
		})
	}
}
