package kernel

import (
	"context"
	"os"
	"strings"
	"testing"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/bpf"
	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

func TestMain(m *testing.M) {
	MaybeRunChild()
	os.Exit(m.Run())
}

var (
	allow = compiler.Action{Kind: action.Allow}
	eperm = compiler.Action{Kind: action.Errno, Errno: uint(unix.EPERM)}
	killT = compiler.Action{Kind: action.KillThread}
	killP = compiler.Action{Kind: action.KillProcess}
	trap  = compiler.Action{Kind: action.Trap}
)

func requireKernel(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t)
	_, err := libseccomp.GetNativeArch()
	testenv.Require(t, err == nil, "a working libseccomp (libseccomp-dev)")
}

func rule(act compiler.Action, args []compiler.Arg, names ...string) *compiler.Rule {
	return &compiler.Rule{Action: act, Names: names, Args: args}
}

func build(t *testing.T, p *compiler.Policy) *bpf.Program {
	t.Helper()
	prog, _, err := bpf.Build(p, target.ThisHost())
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// seedPlus is the seed profile with the rules the examples of the test
// block need: an argument rule, a kill, a kill-process and a trap.
func seedPlus() *compiler.Policy {
	return &compiler.Policy{DefaultAction: allow, Arches: syscalls.DefaultArches(), Rules: []*compiler.Rule{
		rule(eperm, nil, "chmod", "chown"),
		rule(eperm, []compiler.Arg{{Index: 0, Op: compiler.OpEQ, Value: 0xffffffff}}, "personality"),
		rule(killT, nil, "ptrace"),
		rule(killP, nil, "getppid"),
		rule(trap, nil, "uname"),
		rule(compiler.Action{Kind: action.Errno, Errno: uint(unix.EFAULT)}, nil, "rmdir"),
	}}
}

func TestExpectations(t *testing.T) {
	requireKernel(t)
	prog := build(t, seedPlus())
	cases := []struct {
		exp    compiler.Expect
		ok     bool
		got    string
		whyHas string
	}{
		{compiler.Expect{Syscall: "chmod", Want: eperm}, true, "errno EPERM", ""},
		{compiler.Expect{Syscall: "chown", Want: eperm}, true, "errno EPERM", ""},
		{compiler.Expect{Syscall: "getpid", Want: allow}, true, "allow (returned ", ""},
		{compiler.Expect{Syscall: "personality", Args: []uint64{0xffffffff}, Want: eperm}, true, "errno EPERM", ""},
		{compiler.Expect{Syscall: "personality", Args: []uint64{0xffffffff}, Want: allow}, false, "errno EPERM", "without the filter: allow"},
		{compiler.Expect{Syscall: "personality", Args: []uint64{0}, Want: allow}, true, "allow (returned 0)", ""},
		{compiler.Expect{Syscall: "ptrace", Want: killT}, true, "kill-thread", ""},
		{compiler.Expect{Syscall: "ptrace", Want: eperm}, false, "kill-thread", "the kernel did kill-thread"},
		{compiler.Expect{Syscall: "getppid", Want: killP}, true, "kill-process", ""},
		{compiler.Expect{Syscall: "uname", Want: trap}, true, "trap", ""},
		// glibc's chmod(1) calls fchmodat, which the seed does not deny.
		{compiler.Expect{Syscall: "fchmodat", Want: eperm}, false, "allow (returned 0)", ""},
		// The kernel answers ESRCH to ptrace of pid 0 with or without a
		// filter that allows it; a filter answering ESRCH would look the same.
		{compiler.Expect{Syscall: "rmdir", Args: []uint64{0}, Want: compiler.Action{Kind: action.Errno, Errno: uint(unix.EFAULT)}}, false, "errno EFAULT?", "cannot be told apart"},
		{compiler.Expect{Syscall: "rmdir", Want: compiler.Action{Kind: action.Errno, Errno: uint(unix.EFAULT)}}, true, "errno EFAULT", ""},
		{compiler.Expect{Syscall: "rmdir", Args: []uint64{0}, Want: allow}, true, "allow (EFAULT, also without the filter)", ""},
		{compiler.Expect{Syscall: "mkdir", Want: allow}, true, "allow (returned 0)", ""},
	}
	var exps []compiler.Expect
	for _, c := range cases {
		exps = append(exps, c.exp)
	}
	results, err := Check(context.Background(), prog, exps)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		c := cases[i]
		if r.OK != c.ok || !strings.HasPrefix(r.Got, c.got) || !strings.Contains(r.Why, c.whyHas) {
			t.Errorf("expect %s %s: ok=%v got %q why %q; want ok=%v got %q… why with %q", r.Expect, r.Expected, r.OK, r.Got, r.Why, c.ok, c.got, c.whyHas)
		}
	}
}

// TestRefusesHazards: a call that could harm something outside the sandbox
// runs only with written arguments that make it harmless; calls the
// sandbox contains run whatever their arguments.
func TestRefusesHazards(t *testing.T) {
	for _, c := range []struct {
		name string
		args []uint64
		run  bool
	}{
		{"request_key", nil, false},
		{"request_key", []uint64{0x1000, 0x2000}, false},
		{"request_key", []uint64{0x1000, 0x2000, 0x3000}, false},
		{"request_key", []uint64{0, 0, 0}, true},
		{"request_key", []uint64{0x1000, 0x2000, 0, 0xfffffffd}, true},
		{"reboot", []uint64{unix.LINUX_REBOOT_MAGIC1, unix.LINUX_REBOOT_MAGIC2, unix.LINUX_REBOOT_CMD_POWER_OFF}, true},
		{"kill", []uint64{0xffffffffffffffff, 9}, true},
		{"mount", nil, true},
		{"mount", []uint64{0, 0, 0}, true},
		{"mount", []uint64{0x1000, 0x2000, 0x3000}, false},
		{"fsopen", nil, true},
		{"fsopen", []uint64{0x4a0000}, false},
		{"socket", nil, true},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, 0}, true},
		{"socket", []uint64{unix.AF_INET6, unix.SOCK_DGRAM, unix.IPPROTO_UDP}, true},
		{"socket", []uint64{unix.AF_UNIX, unix.SOCK_STREAM}, true},
		{"socket", []uint64{unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE}, true},
		{"socket", []uint64{unix.AF_ALG, unix.SOCK_SEQPACKET, 0}, false},
		{"socket", []uint64{unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_SCTP}, false},
		{"socket", []uint64{unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_AUDIT}, false},
		{"socketpair", []uint64{unix.AF_VSOCK, unix.SOCK_STREAM, 0}, false},
		{"getpid", nil, true},
	} {
		why := refusal(c.name, c.args)
		if (why == "") != c.run {
			t.Errorf("%s%v: refusal %q, want run=%v", c.name, c.args, why, c.run)
		}
	}
}

func TestRequestKeyWithCalloutIsRefused(t *testing.T) {
	requireKernel(t)
	prog := build(t, &compiler.Policy{DefaultAction: allow, Rules: []*compiler.Rule{rule(eperm, nil, "request_key")}})
	results, err := Check(context.Background(), prog, []compiler.Expect{
		{Syscall: "request_key", Want: eperm},
		{Syscall: "request_key", Args: []uint64{0, 0, 0}, Want: eperm},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.OK || r.Got != "not run" || !strings.Contains(r.Why, "request_key(0, 0, 0)") {
		t.Errorf("expect request_key errno EPERM: %+v; want refused with a hint", r)
	}
	if r := results[1]; !r.OK || r.Got != "errno EPERM" {
		t.Errorf("expect request_key(0, 0, 0) errno EPERM: %+v", r)
	}
}

// TestKernelAgreesWithInterpreter runs the exported program in x/net/bpf's
// interpreter and in the kernel for a spread of calls and checks that both
// decide the same — each check is an independent witness of the other.
func TestKernelAgreesWithInterpreter(t *testing.T) {
	requireKernel(t)
	enosys := compiler.Action{Kind: action.Errno, Errno: uint(unix.ENOSYS)}
	policies := map[string]*compiler.Policy{
		"seed-plus": seedPlus(),
		"allow-list": {DefaultAction: enosys, Arches: syscalls.DefaultArches(), Rules: []*compiler.Rule{
			rule(allow, nil, "getpid", "gettid", "mkdir", "chmod"),
			rule(allow, []compiler.Arg{{Index: 0, Op: compiler.OpMaskedEQ, Value: 0xff, ValueTwo: 0}}, "personality"),
			rule(compiler.Action{Kind: action.Errno, Errno: uint(unix.EACCES)}, nil, "fchmodat"),
		}},
	}
	probes := []struct {
		name string
		args []uint64
	}{
		{"chmod", nil}, {"chown", nil}, {"fchmodat", nil}, {"getpid", nil}, {"gettid", nil}, {"mkdir", nil},
		{"personality", []uint64{0xffffffff}}, {"personality", []uint64{0x100}}, {"personality", []uint64{0}},
		{"ptrace", nil}, {"getppid", nil}, {"uname", nil}, {"sync", nil}, {"getuid", nil},
	}
	for name, p := range policies {
		prog := build(t, p)
		var exps []compiler.Expect
		for _, pr := range probes {
			var args [6]uint64
			copy(args[:], pr.args)
			// Defaults the child fills in are not seen by the interpreter,
			// but none of these policies looks at arguments beyond arg0.
			d, err := bpf.Eval(prog.Export(), "x86_64", pr.name, args)
			if err != nil {
				t.Fatal(err)
			}
			exps = append(exps, compiler.Expect{Syscall: pr.name, Args: pr.args, Want: decisionAction(t, d)})
		}
		results, err := Check(context.Background(), prog, exps)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if !r.OK {
				t.Errorf("%s: interpreter says %s %s, kernel did %s (%s)", name, r.Expect, r.Expected, r.Got, r.Why)
			}
		}
	}
}

func decisionAction(t *testing.T, d bpf.Decision) compiler.Action {
	t.Helper()
	switch d.Action() {
	case unix.SECCOMP_RET_ALLOW:
		return allow
	case unix.SECCOMP_RET_ERRNO:
		return compiler.Action{Kind: action.Errno, Errno: uint(d.Data())}
	case unix.SECCOMP_RET_KILL_THREAD:
		return killT
	case unix.SECCOMP_RET_KILL_PROCESS:
		return killP
	case unix.SECCOMP_RET_TRAP:
		return trap
	}
	t.Fatalf("decision %s not mapped", d)
	return compiler.Action{}
}
