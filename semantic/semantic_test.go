package semantic

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/internal/golden"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// specWithCaps is the part of an OCI spec moby's loader reads.
func specWithCaps(caps []string) *specs.Spec {
	return &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}}
}

// hostEnv is the environment moby's loader sees on this machine.
func hostEnv(t *testing.T, caps []string) target.Env {
	t.Helper()
	k, err := target.HostKernel()
	if err != nil {
		t.Fatal(err)
	}
	return target.Env{Caps: caps, NativeArch: target.HostArch(), Kernel: k}
}

// mobyModuleFile is a file of moby's seccomp module as the build uses it.
func mobyModuleFile(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moby/profiles/seccomp").Output()
	if err != nil {
		t.Fatalf("locating moby's seccomp module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), name)
}

func mobyDefaultJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustTable(t *testing.T, s *specs.LinuxSeccomp) *Table {
	t.Helper()
	tab, err := FromOCI(s)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func mustResolve(t *testing.T, p *seccomp.Seccomp, env target.Env) *Table {
	t.Helper()
	tab, err := Resolve(p, env)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func decode(t *testing.T, body string) *seccomp.Seccomp {
	t.Helper()
	var p seccomp.Seccomp
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func capSets() map[string][]string {
	return map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()}
}

// Docker's default profile as moby builds it and as its default.json file
// says it decide alike.
func TestMobyDefaultEqualsItsJSON(t *testing.T) {
	body, err := os.ReadFile(mobyModuleFile(t, "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, caps := range capSets() {
		rs := specWithCaps(caps)
		built, err := seccomp.GetDefaultProfile(rs)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := seccomp.LoadProfile(string(body), rs)
		if err != nil {
			t.Fatal(err)
		}
		if d := Diff(mustTable(t, built), mustTable(t, loaded)); len(d) != 0 {
			t.Errorf("caps %s: DefaultProfile() and default.json differ: %v", name, d)
		}
	}
}

// Resolve must agree with moby's own loader in the environment the loader
// sees: this host's arch and kernel, under each capability set.
func TestResolveAgreesWithMobyLoader(t *testing.T) {
	body := mobyDefaultJSON(t)
	for name, caps := range capSets() {
		loaded, err := seccomp.LoadProfile(body, specWithCaps(caps))
		if err != nil {
			t.Fatal(err)
		}
		env := hostEnv(t, caps)
		native, _ := env.NativeArch.Arch()
		want, err := fromOCI(loaded, native)
		if err != nil {
			t.Fatal(err)
		}
		got := mustResolve(t, seccomp.DefaultProfile(), env)
		if d := Diff(want, got); len(d) != 0 {
			t.Errorf("caps %s: Resolve differs from moby's loader: %v", name, d)
		}
	}
}

// Each of Docker's filters is decided by the environment, as moby does.
func TestResolveEnvironment(t *testing.T) {
	p := seccomp.DefaultProfile()
	tests := []struct {
		env     target.Env
		syscall string
		want    string
	}{
		{target.Env{NativeArch: "amd64"}, "mount", "errno EPERM"},
		{target.Env{NativeArch: "amd64", Caps: []string{"CAP_SYS_ADMIN"}}, "mount", "allow"},
		{target.Env{NativeArch: "amd64"}, "clone3", "errno ENOSYS"},
		{target.Env{NativeArch: "amd64", Caps: []string{"CAP_SYS_ADMIN"}}, "clone3", "allow"},
		{target.Env{NativeArch: "amd64"}, "arch_prctl", "allow"},
		{target.Env{NativeArch: "x86"}, "arch_prctl", "errno EPERM"},
		{target.Env{NativeArch: "arm64"}, "set_tls", "allow"},
		{target.Env{NativeArch: "amd64"}, "set_tls", "errno EPERM"},
		{target.Env{NativeArch: "amd64", Kernel: target.Kernel{Major: 4, Minor: 7}}, "ptrace", "errno EPERM"},
		{target.Env{NativeArch: "amd64", Kernel: target.Kernel{Major: 4, Minor: 8}}, "ptrace", "allow"},
		{target.Env{NativeArch: "amd64", Kernel: target.Kernel{Major: 3, Minor: 10}, Caps: []string{"CAP_SYS_PTRACE"}}, "ptrace", "allow"},
	}
	for _, tt := range tests {
		tab := mustResolve(t, p, tt.env)
		if got := tab.Decide(tt.syscall, nil).String(); got != tt.want {
			t.Errorf("%+v: %s is %q, want %q", tt.env, tt.syscall, got, tt.want)
		}
	}
	amd := mustResolve(t, p, target.Env{NativeArch: "amd64"})
	if got := syscalls.JoinArches(amd.Arches, " "); got != "x32 x86 x86_64" {
		t.Errorf("amd64 arches = %q", got)
	}
	// clone without CAP_SYS_ADMIN: only when no namespace flag is set; s390
	// compares the second argument instead.
	nsMask := Cond{Index: 0, Op: specs.OpMaskedEqual, Value: 0x7e020000}
	if got := amd.Decide("clone", []Cond{nsMask}).String(); got != "allow" {
		t.Errorf("amd64 clone if %s = %s, want allow", nsMask, got)
	}
	s390 := mustResolve(t, p, target.Env{NativeArch: "s390x"})
	if got := s390.Decide("clone", []Cond{nsMask}).String(); got != "errno EPERM" {
		t.Errorf("s390x clone if %s = %s, want errno EPERM", nsMask, got)
	}
	if _, err := Resolve(p, target.Env{NativeArch: "vax"}); err == nil {
		t.Error("Resolve accepted native arch vax")
	}
}

// Removing chmod from Docker's allow list is exactly one difference.
func TestDiffChmodRemoved(t *testing.T) {
	orig := seccomp.DefaultProfile()
	mod := seccomp.DefaultProfile()
	mod.Syscalls[0].Names = slices.DeleteFunc(mod.Syscalls[0].Names, func(n string) bool { return n == "chmod" })
	env := target.Default()
	d := Diff(mustResolve(t, orig, env), mustResolve(t, mod, env))
	if len(d) != 1 {
		t.Fatalf("got %d differences, want 1: %v", len(d), d)
	}
	if got, want := d[0].String(), "chmod: A allow, B errno EPERM"; got != want {
		t.Errorf("difference = %q, want %q", got, want)
	}
}

// Order, grouping into names lists and duplicates do not change meaning.
func TestDiffIgnoresOrderAndGrouping(t *testing.T) {
	orig := seccomp.DefaultProfile()
	regrouped := seccomp.DefaultProfile()
	var split []*seccomp.Syscall
	for _, s := range regrouped.Syscalls {
		for _, n := range s.Names {
			c := *s
			c.Names = []string{n}
			split = append(split, &c)
		}
	}
	slices.Reverse(split)
	split = append(split, split[:10]...) // duplicates
	regrouped.Syscalls = split
	for name, caps := range capSets() {
		env := target.Env{Caps: caps, NativeArch: "amd64"}
		if d := Diff(mustResolve(t, orig, env), mustResolve(t, regrouped, env)); len(d) != 0 {
			t.Errorf("caps %s: regrouped profile differs: %v", name, d)
		}
	}
}

// Spellings that runc treats alike compare equal; values it does not treat
// alike do not.
func TestEquivalentSpellings(t *testing.T) {
	one, enosys := uint(1), uint(unix.ENOSYS)
	base := func(mod func(*specs.LinuxSeccomp)) *Table {
		s := &specs.LinuxSeccomp{
			DefaultAction: specs.ActAllow,
			Syscalls: []specs.LinuxSyscall{
				{Names: []string{"chmod"}, Action: specs.ActErrno},
				{Names: []string{"kexec_load"}, Action: specs.ActKill},
			},
		}
		mod(s)
		return mustTable(t, s)
	}
	plain := base(func(*specs.LinuxSeccomp) {})
	equal := map[string]func(*specs.LinuxSeccomp){
		"errnoRet 1": func(s *specs.LinuxSeccomp) { s.Syscalls[0].ErrnoRet = &one },
		"kill-thread": func(s *specs.LinuxSeccomp) {
			s.Syscalls[1].Action = specs.ActKillThread
		},
		"rule equal to default": func(s *specs.LinuxSeccomp) {
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"getpid"}, Action: specs.ActAllow})
		},
		"tsync flag": func(s *specs.LinuxSeccomp) {
			s.Flags = []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_TSYNC"}
		},
	}
	for name, mod := range equal {
		if d := Diff(plain, base(mod)); len(d) != 0 {
			t.Errorf("%s: %v", name, d)
		}
	}
	different := map[string]struct {
		mod  func(*specs.LinuxSeccomp)
		want string
	}{
		"errnoRet ENOSYS": {func(s *specs.LinuxSeccomp) { s.Syscalls[0].ErrnoRet = &enosys }, "chmod: A errno EPERM, B errno ENOSYS"},
		"kill-process":    {func(s *specs.LinuxSeccomp) { s.Syscalls[1].Action = specs.ActKillProcess }, "kexec_load: A kill-thread, B kill-process"},
		"log flag": {func(s *specs.LinuxSeccomp) {
			s.Flags = []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}
		}, "flags: A none, B SECCOMP_FILTER_FLAG_LOG"},
		"default": {func(s *specs.LinuxSeccomp) { s.DefaultAction = specs.ActLog }, "default action: A allow, B log"},
		"arches": {func(s *specs.LinuxSeccomp) {
			s.Architectures = []specs.Arch{specs.ArchX86_64, specs.ArchX86}
		}, "arches: A none, B x86 x86_64"},
	}
	for name, tt := range different {
		d := Diff(plain, base(tt.mod))
		if len(d) == 0 || d[0].String() != tt.want {
			t.Errorf("%s: got %v, want first %q", name, d, tt.want)
		}
	}
}

// The rules runc and libseccomp apply to several rules for one syscall.
func TestRuntimeRuleSemantics(t *testing.T) {
	arg := func(i uint, op specs.LinuxSeccompOperator, v, v2 uint64) specs.LinuxSeccompArg {
		return specs.LinuxSeccompArg{Index: i, Op: op, Value: v, ValueTwo: v2}
	}
	table := func(calls ...specs.LinuxSyscall) *Table {
		return mustTable(t, &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: calls})
	}
	allow := func(args ...specs.LinuxSeccompArg) specs.LinuxSyscall {
		return specs.LinuxSyscall{Names: []string{"personality"}, Action: specs.ActAllow, Args: args}
	}
	tests := []struct {
		name string
		a, b *Table
		diff int
	}{
		{"two comparisons of one argument are an OR",
			table(allow(arg(0, specs.OpEqualTo, 1, 0), arg(0, specs.OpEqualTo, 2, 0))),
			table(allow(arg(0, specs.OpEqualTo, 2, 0)), allow(arg(0, specs.OpEqualTo, 1, 0))), 0},
		{"comparisons of different arguments are an AND",
			table(allow(arg(0, specs.OpEqualTo, 1, 0), arg(1, specs.OpEqualTo, 2, 0))),
			table(allow(arg(0, specs.OpEqualTo, 1, 0)), allow(arg(1, specs.OpEqualTo, 2, 0))), 3},
		{"condition order does not matter",
			table(allow(arg(1, specs.OpEqualTo, 2, 0), arg(0, specs.OpEqualTo, 1, 0))),
			table(allow(arg(0, specs.OpEqualTo, 1, 0), arg(1, specs.OpEqualTo, 2, 0))), 0},
		{"an unconditional rule overrides conditional ones",
			table(allow(), allow(arg(0, specs.OpEqualTo, 1, 0))),
			table(allow()), 0},
		{"a conditional rule equal to the default is dropped",
			table(allow(arg(0, specs.OpEqualTo, 1, 0)), specs.LinuxSyscall{Names: []string{"personality"}, Action: specs.ActErrno}),
			table(allow(arg(0, specs.OpEqualTo, 1, 0))), 0},
		{"the datum of a masked comparison is masked",
			table(allow(arg(0, specs.OpMaskedEqual, 0xff, 0x1ff))),
			table(allow(arg(0, specs.OpMaskedEqual, 0xff, 0xff))), 0},
		{"a masked comparison with mask zero always holds",
			table(allow(arg(0, specs.OpMaskedEqual, 0, 0))),
			table(allow()), 0},
		{"valueTwo means nothing outside a masked comparison",
			table(allow(arg(0, specs.OpEqualTo, 3, 7))),
			table(allow(arg(0, specs.OpEqualTo, 3, 0))), 0},
		{"different values differ",
			table(allow(arg(0, specs.OpEqualTo, 3, 0))),
			table(allow(arg(0, specs.OpEqualTo, 4, 0))), 2},
	}
	for _, tt := range tests {
		if d := Diff(tt.a, tt.b); len(d) != tt.diff {
			t.Errorf("%s: %d differences, want %d: %v", tt.name, len(d), tt.diff, d)
		}
	}
}

func TestFromOCIRejects(t *testing.T) {
	bad := []specs.LinuxSeccomp{
		{DefaultAction: "SCMP_ACT_MAYBE"},
		{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"chmod"}, Action: "nope"}}},
		{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{""}, Action: specs.ActErrno}}},
		{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"chmod"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 6, Op: specs.OpEqualTo}}}}},
		{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"chmod"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0, Op: "SCMP_CMP_ODD"}}}}},
	}
	for i := range bad {
		if _, err := FromOCI(&bad[i]); err == nil {
			t.Errorf("FromOCI accepted %+v", bad[i])
		}
	}
}

func TestCapSets(t *testing.T) {
	if got := len(capabilities.DockerDefault()); got != 14 {
		t.Errorf("Docker's default set has %d capabilities, want 14", got)
	}
	all := capabilities.All()
	for _, c := range append(capabilities.DockerDefault(), "CAP_SYS_ADMIN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE") {
		if !slices.Contains(all, c) {
			t.Errorf("AllCaps lacks %s", c)
		}
	}
	got, err := capabilities.Parse("sys_admin,CAP_BPF")
	if err != nil || strings.Join(got, ",") != "CAP_BPF,CAP_SYS_ADMIN" {
		t.Errorf("ParseCaps = %v, %v", got, err)
	}
	if _, err := capabilities.Parse("CAP_SYS_ADMNI"); err == nil {
		t.Error("ParseCaps accepted a misspelt capability")
	}
}

// The readable listing of Docker's default against the profile users copy
// today (default allow, deny chmod and chown).
func TestDiffListingGolden(t *testing.T) {
	seed := decode(t, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"chmod","action":"SCMP_ACT_ERRNO"},{"name":"chown","action":"SCMP_ACT_ERRNO"}]}`)
	env := target.Default()
	d := Diff(mustResolve(t, seccomp.DefaultProfile(), env), mustResolve(t, seed, env))
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.String() + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "docker-default-vs-deny-chmod-chown.txt"), []byte(b.String()))
}

// A name that exists on none of the compared arches decides nothing there.
func TestDiffPerArch(t *testing.T) {
	table := func(arches []specs.Arch, names ...string) *Table {
		return mustTable(t, &specs.LinuxSeccomp{
			DefaultAction: specs.ActErrno,
			Architectures: arches,
			Syscalls:      []specs.LinuxSyscall{{Names: names, Action: specs.ActAllow}},
		})
	}
	amd64 := []specs.Arch{specs.ArchX86_64}
	docker := []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}
	tests := []struct {
		name string
		a, b *Table
		want []string
	}{
		{"riscv_hwprobe on x86", table(docker, "read", "riscv_hwprobe"), table(docker, "read"), nil},
		{"chown32 on x86_64 alone", table(amd64, "read", "chown32"), table(amd64, "read"), nil},
		{"chown32 with x86", table(docker, "read", "chown32"), table(docker, "read"), []string{"chown32: A allow, B errno EPERM"}},
		{"recv through socketcall on x86", table(docker, "read", "recv"), table(docker, "read"), []string{"recv: A allow, B errno EPERM"}},
		{"no arches known: every name counts", table(nil, "read", "riscv_hwprobe"), table(nil, "read"), []string{"riscv_hwprobe: A allow, B errno EPERM"}},
	}
	for _, tt := range tests {
		var got []string
		for _, d := range Diff(tt.a, tt.b) {
			got = append(got, d.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
