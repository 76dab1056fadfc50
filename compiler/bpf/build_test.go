package bpf_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

var (
	allow = compiler.Action{Kind: action.Allow}
	eperm = compiler.Action{Kind: action.Errno, Errno: uint(unix.EPERM)}
	dock  = syscalls.DefaultArches()
)

// requireLibseccomp needs a libseccomp that can build filters here.
func requireLibseccomp(t testing.TB) {
	t.Helper()
	_, err := libseccomp.GetNativeArch()
	testenv.Require(t, err == nil, "a working libseccomp (libseccomp-dev)")
}

func rule(act compiler.Action, args []compiler.Arg, names ...string) *compiler.Rule {
	pos := make([]diag.Pos, len(names))
	for i := range pos {
		pos[i] = diag.Pos{File: "test.sp", Line: 2, Col: 6 + 6*i}
	}
	return &compiler.Rule{Action: act, Names: names, Args: args, Pos: pos}
}

// seed is the profile users copy today: default allow, deny chmod chown.
func seed() *compiler.Policy {
	return &compiler.Policy{Name: "seed", DefaultAction: allow, Arches: dock,
		Rules: []*compiler.Rule{rule(eperm, nil, "chmod", "chown")}}
}

// dockerDefault is moby's default profile put into the IR by hand, the way
// the compiler resolves it: the profile's own actions, arguments and
// includes/excludes, names and arches unchanged.
func dockerDefault(t testing.TB) *compiler.Policy {
	t.Helper()
	d := seccomp.DefaultProfile()
	p := &compiler.Policy{Name: "docker-default"}
	p.DefaultAction = dockerAction(t, d.DefaultAction, d.DefaultErrnoRet)
	for _, m := range d.ArchMap {
		e := compiler.ArchMapEntry{Arch: scmpArchName(m.Arch)}
		for _, s := range m.SubArches {
			e.SubArches = append(e.SubArches, scmpArchName(s))
		}
		p.ArchMap = append(p.ArchMap, e)
	}
	for _, s := range d.Syscalls {
		r := &compiler.Rule{Action: dockerAction(t, s.Action, s.ErrnoRet), Names: s.Names}
		for _, a := range s.Args {
			r.Args = append(r.Args, compiler.Arg{Index: a.Index, Op: compiler.Op(a.Op), Value: a.Value, ValueTwo: a.ValueTwo})
		}
		r.Includes = dockerFilter(s.Includes)
		r.Excludes = dockerFilter(s.Excludes)
		p.Rules = append(p.Rules, r)
	}
	return p
}

func scmpArchName(a specs.Arch) syscalls.Arch {
	arch, _ := syscalls.ArchOfSCMP(string(a))
	return arch
}

func dockerAction(t testing.TB, a specs.LinuxSeccompAction, errno *uint) compiler.Action {
	t.Helper()
	switch a {
	case specs.ActAllow:
		return allow
	case specs.ActErrno:
		if errno == nil {
			return eperm
		}
		return compiler.Action{Kind: action.Errno, Errno: *errno}
	case specs.ActKill, specs.ActKillThread:
		return compiler.Action{Kind: action.KillThread}
	case specs.ActKillProcess:
		return compiler.Action{Kind: action.KillProcess}
	case specs.ActLog:
		return compiler.Action{Kind: action.Log}
	case specs.ActTrap:
		return compiler.Action{Kind: action.Trap}
	}
	t.Fatalf("action %s not mapped", a)
	return compiler.Action{}
}

func dockerFilter(f *seccomp.Filter) compiler.Filter {
	if f == nil {
		return compiler.Filter{}
	}
	out := compiler.Filter{Caps: f.Caps}
	for _, a := range f.Arches {
		out.Arches = append(out.Arches, syscalls.NativeArch(a))
	}
	if f.MinKernel != nil {
		out.MinKernel = &target.Kernel{Major: f.MinKernel.Kernel, Minor: f.MinKernel.Major}
	}
	return out
}

func hostEnv(testing.TB) target.Env { return target.ThisHost() }

func mustBuild(t testing.TB, p *compiler.Policy) (*bpf.Program, diag.List) {
	t.Helper()
	prog, warns, err := bpf.Build(p, hostEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	return prog, warns
}

// TestStatsGolden pins the instruction counts of a few profiles: they are
// positive, the same on every build, and any change to how filters are
// built shows up as a diff to review.
func TestStatsGolden(t *testing.T) {
	requireLibseccomp(t)
	cases := map[string]func(testing.TB) *compiler.Policy{
		"seed":             func(testing.TB) *compiler.Policy { return seed() },
		"seed-x86_64-only": func(testing.TB) *compiler.Policy { p := seed(); p.Arches = []syscalls.Arch{syscalls.X86_64}; return p },
		"personality-arg": func(testing.TB) *compiler.Policy {
			return &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
				rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: 0xffffffff}}, "personality"),
			}}
		},
		"docker-default": dockerDefault,
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			p := mk(t)
			prog, _ := mustBuild(t, p)
			again, _ := mustBuild(t, p)
			if !bytes.Equal(prog.Export(), again.Export()) {
				t.Fatal("two builds of the same policy differ")
			}
			for _, s := range prog.Stats() {
				if s.Instructions <= 0 {
					t.Errorf("%s: %d instructions", s.Arch, s.Instructions)
				}
			}
			var buf bytes.Buffer
			if err := bpf.WriteStats(&buf, prog); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "stats", name+".txt"), buf.Bytes())
		})
	}
}

// TestLimit generates a policy with thousands of argument rules and checks
// that Build refuses it with the arch and the count.
func TestLimit(t *testing.T) {
	requireLibseccomp(t)
	p := &compiler.Policy{DefaultAction: allow, Arches: []syscalls.Arch{syscalls.X86_64}}
	// Values that differ in both 32-bit halves need two comparisons each.
	for i := range uint64(3000) {
		p.Rules = append(p.Rules, rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: i<<32 | i}}, "personality"))
	}
	prog, _, err := bpf.Build(p, hostEnv(t))
	var lim *bpf.LimitError
	if !errors.As(err, &lim) {
		t.Fatalf("Build: %v; want a *LimitError", err)
	}
	if prog == nil || len(prog.Stats()) != 1 || prog.Stats()[0].Instructions != lim.Instructions {
		t.Fatalf("the program and its sizes must come back with the error; got %+v", prog)
	}
	m := regexp.MustCompile(`^x86_64: filter is (\d+) BPF instructions; the kernel's limit is 4096$`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q does not name the arch and the count", err)
	}
	if n, _ := strconv.Atoi(m[1]); n <= bpf.MaxInstructions {
		t.Fatalf("count %d is within the limit", n)
	}
}

// TestUnknownNameWarns: a name the host's libseccomp does not know is
// skipped with a positioned warning, and the filter is the one without it.
func TestUnknownNameWarns(t *testing.T) {
	requireLibseccomp(t)
	with := seed()
	with.Rules[0] = rule(eperm, nil, "chmod", "chown", "no_such_call_here")
	prog, warns := mustBuild(t, with)
	if len(warns) != 1 || warns[0].Severity != diag.Warning || warns[0].Pos.String() != "test.sp:2:18" {
		t.Fatalf("warnings = %q; want one warning at test.sp:2:18", warns.Text())
	}
	if want := `does not know syscall "no_such_call_here"`; !bytes.Contains([]byte(warns[0].Message), []byte(want)) {
		t.Errorf("warning %q does not say %q", warns[0].Message, want)
	}
	without, _ := mustBuild(t, seed())
	if !bytes.Equal(prog.Export(), without.Export()) {
		t.Error("the unknown name changed the filter")
	}
}

// TestDecisions runs the exported program in a BPF interpreter and checks
// the action runc's construction gives each call on each arch.
func TestDecisions(t *testing.T) {
	requireLibseccomp(t)
	killT := compiler.Action{Kind: action.KillThread}
	killP := compiler.Action{Kind: action.KillProcess}
	noArgs := [6]uint64{}
	type probe struct {
		arch syscalls.Arch
		name string
		args [6]uint64
		want string
	}
	cases := []struct {
		name   string
		policy *compiler.Policy
		probes []probe
	}{
		{"seed", seed(), []probe{
			{"x86_64", "chmod", noArgs, "errno 1"},
			{"x86_64", "chown", noArgs, "errno 1"},
			{"x86_64", "fchmodat", noArgs, "allow"},
			{"x86_64", "getpid", noArgs, "allow"},
			{"x86", "chmod", noArgs, "errno 1"},
			{"x32", "chmod", noArgs, "errno 1"},
			// The 32-bit twin is a different syscall: the deny-list misses it.
			{"x86", "chown32", noArgs, "allow"},
		}},
		{"default-errno-enosys-allow-list", &compiler.Policy{DefaultAction: compiler.Action{Kind: action.Errno, Errno: uint(unix.ENOSYS)}, Arches: dock,
			Rules: []*compiler.Rule{rule(allow, nil, "getpid", "socketcall")}}, []probe{
			{"x86_64", "getpid", noArgs, "allow"},
			{"x86_64", "chmod", noArgs, "errno 38"},
			{"x86", "socketcall", noArgs, "allow"},
		}},
		{"kill-thread-and-kill-process", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(killT, nil, "ptrace"), rule(killP, nil, "kexec_load"),
		}}, []probe{
			{"x86_64", "ptrace", noArgs, "kill-thread"},
			{"x86_64", "kexec_load", noArgs, "kill-process"},
		}},
		{"log-trap-notify", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(compiler.Action{Kind: action.Log}, nil, "uname"),
			rule(compiler.Action{Kind: action.Trap}, nil, "getppid"),
			rule(compiler.Action{Kind: action.Notify}, nil, "mkdir"),
		}}, []probe{
			{"x86_64", "uname", noArgs, "log"},
			{"x86_64", "getppid", noArgs, "trap"},
			{"x86_64", "mkdir", noArgs, "notify"},
		}},
		{"argument", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: 0xffffffff}}, "personality"),
		}}, []probe{
			{"x86_64", "personality", [6]uint64{0xffffffff}, "errno 1"},
			{"x86_64", "personality", [6]uint64{0}, "allow"},
			{"x86", "personality", [6]uint64{0xffffffff}, "errno 1"},
		}},
		{"masked", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpMaskedEQ, Value: 0x7e020000, ValueTwo: 0}}, "clone"),
		}}, []probe{
			{"x86_64", "clone", [6]uint64{0x11}, "errno 1"},
			{"x86_64", "clone", [6]uint64{0x10000000}, "allow"}, // CLONE_NEWUSER
		}},
		// Two conditions on one argument: runc adds each as its own rule, so
		// they OR where the profile reads as AND. A container gets this.
		{"same-argument-twice-ors", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: 1}, {Index: 0, Op: compiler.OpEQ, Value: 2}}, "personality"),
		}}, []probe{
			{"x86_64", "personality", [6]uint64{1}, "errno 1"},
			{"x86_64", "personality", [6]uint64{2}, "errno 1"},
			{"x86_64", "personality", [6]uint64{3}, "allow"},
		}},
		{"different-arguments-and", &compiler.Policy{DefaultAction: allow, Arches: dock, Rules: []*compiler.Rule{
			rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: 1}, {Index: 1, Op: compiler.OpGT, Value: 5}}, "kill"),
		}}, []probe{
			{"x86_64", "kill", [6]uint64{1, 9}, "errno 1"},
			{"x86_64", "kill", [6]uint64{1, 2}, "allow"},
			{"x86_64", "kill", [6]uint64{2, 9}, "allow"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prog, _ := mustBuild(t, c.policy)
			for _, pr := range c.probes {
				d, err := bpf.Eval(prog.Export(), pr.arch, pr.name, pr.args)
				if err != nil {
					t.Fatal(err)
				}
				if d.String() != pr.want {
					t.Errorf("%s %s%v: %s, want %s", pr.arch, pr.name, pr.args, d, pr.want)
				}
				// The arch's own filter decides the same.
				own, _ := prog.ExportArch(pr.arch)
				if d2, err := bpf.Eval(own, pr.arch, pr.name, pr.args); err != nil || d2 != d {
					t.Errorf("%s %s: the %s filter alone says %s (%v), the combined one %s", pr.arch, pr.name, pr.arch, d2, err, d)
				}
			}
		})
	}
}

// TestResolvesIncludes: Docker's includes/excludes decide what enters the
// filter — here, Docker's default allows ptrace only from kernel 4.8 on,
// and mount only with CAP_SYS_ADMIN.
func TestResolvesIncludes(t *testing.T) {
	requireLibseccomp(t)
	p := dockerDefault(t)
	for _, c := range []struct {
		name   string
		caps   []string
		kernel target.Kernel
		probes map[string]string
	}{
		{"docker-default-caps", capabilities.DockerDefault(), target.Kernel{Major: 6, Minor: 1}, map[string]string{"ptrace": "allow", "mount": "errno 1", "getpid": "allow"}},
		{"sys-admin", append(slices.Clone(capabilities.DockerDefault()), "CAP_SYS_ADMIN"), target.Kernel{Major: 6, Minor: 1}, map[string]string{"mount": "allow"}},
		{"old-kernel", capabilities.DockerDefault(), target.Kernel{Major: 4, Minor: 4}, map[string]string{"ptrace": "errno 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			prog, _, err := bpf.Build(p, target.Env{Caps: c.caps, NativeArch: "amd64", Kernel: c.kernel})
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range c.probes {
				d, err := bpf.Eval(prog.Export(), "x86_64", name, [6]uint64{})
				if err != nil {
					t.Fatal(err)
				}
				if d.String() != want {
					t.Errorf("%s: %s, want %s", name, d, want)
				}
			}
		})
	}
}

// BenchmarkBuildDockerDefault builds Docker's default profile (~370 names,
// a few argument rules, three arches), combined and per arch.
func BenchmarkBuildDockerDefault(b *testing.B) {
	requireLibseccomp(b)
	p := dockerDefault(b)
	env := hostEnv(b)
	n := 0
	for _, r := range p.Rules {
		n += len(r.Names)
	}
	b.ReportMetric(float64(n), "names")
	for b.Loop() {
		if _, _, err := bpf.Build(p, env); err != nil {
			b.Fatal(err)
		}
	}
}
