package container

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/verify/rootfs"
)

// tenChecks is a test block of ten run lines, none of them "fails", so
// one container runs them all.
var tenChecks = []Check{
	{Command: "busybox chmod 600 /tmp/f", Want: Killed},
	{Command: "/usr/bin/chmod 600 /tmp/f", Want: Succeeds},
	{Command: "ls /", Want: Succeeds},
	{Command: "/usr/bin/ls -l /tmp", Want: Succeeds},
	{Command: "cat /etc/passwd", Want: Succeeds},
	{Command: "/usr/bin/id", Want: Succeeds},
	{Command: "touch /tmp/g", Want: Succeeds},
	{Command: "/usr/bin/mkdir /tmp/e", Want: Succeeds},
	{Command: "/usr/bin/rm -r /tmp/e /tmp/g", Want: Succeeds},
	{Command: "true", Want: Succeeds},
}

func benchRunc(b *testing.B) *OCI {
	testenv.RequireRoot(b)
	testenv.RequireCommand(b, "runc")
	e := NewOCI("runc")
	if err := e.Available(context.Background()); err != nil {
		testenv.Require(b, false, "a working runc: "+err.Error())
	}
	return e
}

// BenchmarkRunTenChecks is the engine's whole Run of a ten-line test
// block: bundle, container under the profile, driver, parsing, cleanup.
func BenchmarkRunTenChecks(b *testing.B) {
	e := benchRunc(b)
	p := Profile{OCI: loadOCI(b, "kill-chmod")}
	ctx := context.Background()
	for b.Loop() {
		res, err := e.Run(ctx, p, tenChecks)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if !r.OK {
				b.Fatalf("%q: %s", r.Check.Command, r.Why)
			}
		}
	}
}

// BenchmarkBareRuncTrue is the floor: "runc run" of /bin/true on a bundle
// written once, with the same config (tree, capabilities, seccomp).
func BenchmarkBareRuncTrue(b *testing.B) {
	e := benchRunc(b)
	bare := bareRunc(b, e, "/bin/true")
	for b.Loop() {
		bare()
	}
}

// BenchmarkPlainScriptTenCommands is the floor for ten checks: the same
// ten commands as one plain sh script in a bare "runc run", with no
// framing, no control, no bundle written per run. Its distance to
// BenchmarkRunTenChecks is what the engine itself costs.
func BenchmarkPlainScriptTenCommands(b *testing.B) {
	e := benchRunc(b)
	var cmds []string
	for _, c := range tenChecks {
		cmds = append(cmds, "("+c.Command+")")
	}
	script := "cd /tmp; : >/tmp/f; " + strings.Join(cmds, "; ") + "; true"
	run := bareRunc(b, e, "/bin/sh", "-c", script)
	for b.Loop() {
		run()
	}
}

// BenchmarkPairedRatio alternates the two in one loop and reports their
// ratio, which holds up on a shared machine where the load drifts between
// two benchmarks run one after the other.
func BenchmarkPairedRatio(b *testing.B) {
	e := benchRunc(b)
	bare := bareRunc(b, e, "/bin/true")
	p := Profile{OCI: loadOCI(b, "kill-chmod")}
	ctx := context.Background()
	var checks, floor time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := e.Run(ctx, p, tenChecks); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		bare()
		checks += mid.Sub(start)
		floor += time.Since(mid)
	}
	b.ReportMetric(float64(checks.Microseconds())/1e3/float64(b.N), "checks-ms/op")
	b.ReportMetric(float64(floor.Microseconds())/1e3/float64(b.N), "bare-ms/op")
	b.ReportMetric(float64(checks)/float64(floor), "ratio")
}

// bareRunc writes a bundle for args once and returns one "runc run" of it.
func bareRunc(b *testing.B, e *OCI, args ...string) func() {
	fsys, err := rootfs.Ensure()
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := WriteBundle(Spec(fsys.Dir, loadOCI(b, "kill-chmod"), args))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(bundle) })
	ctx := context.Background()
	return func() {
		name := "secprof-" + randomHex(6)
		traceCreate(e.runtime, name)
		out, err := runCmd(ctx, e.runtime, "--root", e.stateRoot, "run", "--bundle", bundle, name)
		if err != nil || out.exit != 0 {
			b.Fatalf("runc run: %v exit %d: %s", err, out.exit, out.stderr)
		}
	}
}
