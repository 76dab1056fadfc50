package action

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Every kind has one SCMP name, which reads back as that kind; the one
// name without a kind of its own is SCMP_ACT_KILL, runc's old name of
// SCMP_ACT_KILL_THREAD.
func TestSCMPRoundTrip(t *testing.T) {
	for _, k := range []Kind{Allow, Errno, KillThread, KillProcess, Trap, Log, Notify, Trace} {
		name := Action{Kind: k}.SCMP()
		if name == "" {
			t.Errorf("%s has no SCMP name", k)
			continue
		}
		if got, ok := KindOfSCMP(name); !ok || got != k {
			t.Errorf("KindOfSCMP(%s) = %q, %v; want %s", name, got, ok, k)
		}
	}
	if got, ok := KindOfSCMP(specs.ActKill); !ok || got != KillThread {
		t.Errorf("KindOfSCMP(SCMP_ACT_KILL) = %q, %v; want kill-thread", got, ok)
	}
	if len(SCMPNames()) != 9 {
		t.Errorf("SCMPNames() = %v; want the runtime spec's nine", SCMPNames())
	}
	if got := (Action{Kind: "bogus"}).SCMP(); got != "" {
		t.Errorf("an unknown kind is written as %q", got)
	}
}

// FromSCMP reads errnoRet as runc's getAction does: EPERM when errno or
// trace names none, ignored for every other action.
func TestFromSCMP(t *testing.T) {
	five := uint(5)
	for _, tc := range []struct {
		name specs.LinuxSeccompAction
		ret  *uint
		want Action
	}{
		{specs.ActErrno, nil, Action{Errno, EPERM}},
		{specs.ActErrno, &five, Action{Errno, 5}},
		{specs.ActTrace, nil, Action{Trace, EPERM}},
		{specs.ActAllow, &five, Action{Kind: Allow}},
		{specs.ActKill, nil, Action{Kind: KillThread}},
		{specs.ActKillProcess, &five, Action{Kind: KillProcess}},
	} {
		got, err := FromSCMP(tc.name, tc.ret)
		if err != nil || got != tc.want {
			t.Errorf("FromSCMP(%s, %v) = %v, %v; want %v", tc.name, tc.ret, got, err, tc.want)
		}
	}
	if _, err := FromSCMP("SCMP_ACT_BOGUS", nil); err == nil {
		t.Error("an unknown action is accepted")
	}
}

func TestStringAndErrnoRet(t *testing.T) {
	for _, tc := range []struct {
		a    Action
		want string
		ret  *uint
	}{
		{Action{Errno, 1}, "errno EPERM", ptr(1)},
		{Action{Errno, 0}, "errno 0", ptr(0)},
		{Action{Errno, 4096}, "errno 4096", ptr(4096)},
		{Action{Trace, 0}, "trace 0", nil},
		{Action{Trace, 7}, "trace 7", ptr(7)},
		{Action{Kind: KillProcess}, "kill-process", nil},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%#v.String() = %q; want %q", tc.a, got, tc.want)
		}
		got := tc.a.ErrnoRet()
		if (got == nil) != (tc.ret == nil) || got != nil && *got != *tc.ret {
			t.Errorf("%v.ErrnoRet() = %v; want %v", tc.a, got, tc.ret)
		}
	}
}

func ptr(n uint) *uint { return &n }
