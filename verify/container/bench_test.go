package container

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/capabilities"
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
	p := Profile{OCI: loadOCI(b, "kill-chmod"), Caps: capabilities.DockerDefault()}
	ctx := context.Background()
	for b.Loop() {
		res, err := e.Run(ctx, p, tenChecks, nil)
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
	run := plainScript(b, benchRunc(b))
	for b.Loop() {
		run()
	}
}

func plainScript(b *testing.B, e *OCI) func() {
	var cmds []string
	for _, c := range tenChecks {
		cmds = append(cmds, "("+c.Command+")")
	}
	script := "cd /tmp; : >/tmp/f; " + strings.Join(cmds, "; ") + "; true"
	return bareRunc(b, e, "/bin/sh", "-c", script)
}

// BenchmarkPairedRatio runs, in one loop, the whole CLI ("secprof test
// --engine runc" on testdata/ten.sp, a separate process, when
// scripts/bench-test.sh names the built binary in SECPROF_BENCH_CLI), the
// engine's Run of tenChecks, the plain script and the bare "runc run
// /bin/true", in an order that rotates every iteration. All see the same
// load on a shared machine, and none always follows the same one: a
// container's teardown (namespaces, cgroup) goes on in the kernel after
// runc exits and slows whatever starts next. It reports the median of each
// and the ratios of medians to the bare run.
func BenchmarkPairedRatio(b *testing.B) {
	e := benchRunc(b)
	ctx := context.Background()
	bareSeccomp := loadOCI(b, "kill-chmod")
	type contender struct {
		name string
		run  func()
		took []time.Duration
	}
	var all []*contender
	add := func(name string, run func()) { all = append(all, &contender{name: name, run: run}) }
	if cli := os.Getenv("SECPROF_BENCH_CLI"); cli != "" {
		// The bare run of this pair gets the CLI's own seccomp section, as
		// "secprof compile --format oci" writes it.
		bareSeccomp = readOCI(b, os.Getenv("SECPROF_BENCH_OCI"))
		add("cli", func() {
			cmd := exec.Command(cli, "test", "--engine", "runc", "testdata/ten.sp")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%s test: %v\n%s", cli, err, out)
			}
		})
	}
	p := Profile{OCI: loadOCI(b, "kill-chmod"), Caps: capabilities.DockerDefault()}
	add("engine", func() {
		res, err := e.Run(ctx, p, tenChecks, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if !r.OK {
				b.Fatalf("%q: %s", r.Check.Command, r.Why)
			}
		}
	})
	add("plain", plainScript(b, e))
	add("bare", bareRuncWith(b, e, bareSeccomp, "/bin/true"))
	i := 0
	for b.Loop() {
		for k := range all {
			c := all[(i+k)%len(all)]
			start := time.Now()
			c.run()
			c.took = append(c.took, time.Since(start))
		}
		i++
	}
	bare := median(all[len(all)-1].took)
	for _, c := range all {
		m := median(c.took)
		b.ReportMetric(float64(m.Microseconds())/1e3, c.name+"-ms")
		if c.name != "bare" {
			b.ReportMetric(float64(m)/float64(bare), c.name+"-ratio")
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func readOCI(b *testing.B, file string) *specs.LinuxSeccomp {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var s specs.LinuxSeccomp
	if err := json.Unmarshal(data, &s); err != nil {
		b.Fatal(err)
	}
	return &s
}

// bareRunc writes a bundle for args once and returns one "runc run" of it.
func bareRunc(b *testing.B, e *OCI, args ...string) func() {
	return bareRuncWith(b, e, loadOCI(b, "kill-chmod"), args...)
}

func bareRuncWith(b *testing.B, e *OCI, seccomp *specs.LinuxSeccomp, args ...string) func() {
	fsys, err := rootfs.Ensure()
	if err != nil {
		b.Fatal(err)
	}
	bundle, err := WriteBundle(Spec(fsys.Dir, capabilities.DockerDefault(), seccomp, args))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(bundle) })
	ctx := context.Background()
	return func() {
		name := containerName()
		traceCreate(e.runtime, name)
		_, out, err := runCmd(ctx, e.runtime, "--root", e.stateRoot, "run", "--bundle", bundle, name)
		if err != nil || out.exit != 0 {
			b.Fatalf("runc run: %v exit %d: %s", err, out.exit, out.stderr)
		}
	}
}
