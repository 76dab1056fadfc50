package bpf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/action"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// MaxInstructions is the kernel's limit on one seccomp program (BPF_MAXINSNS).
const MaxInstructions = 4096

// insnSize is the size of one struct sock_filter.
const insnSize = 8

// optimizeAbove is runc's threshold: with more syscall entries than this it
// asks libseccomp for a binary tree, which changes the program's shape and
// size, so we must do the same to measure what runc loads.
const optimizeAbove = 32

// Program is a policy compiled to classic BPF.
type Program struct {
	// Arches are the arches of the combined filter, the native arch first:
	// runc's filter always holds the native arch too.
	Arches []syscalls.Arch
	// LoadFlags are the seccomp(2) SECCOMP_FILTER_FLAG_* bits the policy's
	// flags ask for when the program is loaded.
	LoadFlags uint
	combined  []byte
	perArch   []archProgram
}

type archProgram struct {
	arch syscalls.Arch
	bpf  []byte
}

// ArchStats is the size of the filter of one arch on its own.
type ArchStats struct {
	Arch         syscalls.Arch
	Instructions int
}

// Export returns the combined program — every target arch in one filter, as
// runc loads it — as raw struct sock_filter entries in host byte order,
// which is what libseccomp's seccomp_export_bpf writes.
func (p *Program) Export() []byte { return slices.Clone(p.combined) }

// ExportArch returns the program of a filter that holds only arch.
func (p *Program) ExportArch(arch syscalls.Arch) ([]byte, bool) {
	for _, a := range p.perArch {
		if a.arch == arch {
			return slices.Clone(a.bpf), true
		}
	}
	return nil, false
}

// Instructions is the length of the combined program.
func (p *Program) Instructions() int { return len(p.combined) / insnSize }

// Stats lists, per target arch in policy order, the length of a filter that
// holds only that arch.
func (p *Program) Stats() []ArchStats {
	out := make([]ArchStats, len(p.perArch))
	for i, a := range p.perArch {
		out[i] = ArchStats{Arch: a.arch, Instructions: len(a.bpf) / insnSize}
	}
	return out
}

// LimitError says a program is longer than the kernel accepts.
type LimitError struct {
	Arch         string // one arch, or the arches of the combined filter joined by "+"
	Instructions int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: filter is %d BPF instructions; the kernel's limit is %d", e.Arch, e.Instructions, MaxInstructions)
}

// call is one syscall entry as runc's configuration holds it: a profile rule
// names many syscalls, runc's config one each.
type call struct {
	name string
	pos  diag.Pos
	act  libseccomp.ScmpAction
	args []compiler.Arg
}

// Build compiles p as a container in env gets it (Docker's includes and
// excludes decided by compiler.Policy.Resolve, as moby's loader decides
// them). Warnings name syscalls the host's libseccomp
// does not know: runc skips them without a word, so they get the default
// action. When a program is longer than the kernel accepts, Build returns
// the Program (so its sizes can still be shown) together with a *LimitError
// per offending arch; any other error leaves the Program nil.
func Build(p *compiler.Policy, env target.Env) (*Program, diag.List, error) {
	p = p.Resolve(env)
	defAct, err := scmpAction(p.DefaultAction)
	if err != nil {
		return nil, nil, fmt.Errorf("default action: %w", err)
	}
	if defAct == libseccomp.ActNotify {
		return nil, nil, errors.New("notify cannot be the default action: runc refuses it, since the runtime itself must write to report the listener")
	}
	arches, err := targetArches(p)
	if err != nil {
		return nil, nil, err
	}
	flags, loadFlags, err := filterFlags(p.Flags)
	if err != nil {
		return nil, nil, err
	}

	var warns diag.List
	var calls []call
	unknown := map[string]bool{}
	for _, r := range p.Rules {
		act, err := scmpAction(r.Action)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rulePos(r, 0), err)
		}
		for i, name := range r.Names {
			if act == libseccomp.ActNotify && name == "write" {
				return nil, nil, fmt.Errorf("%s: notify cannot be used for write: runc refuses it, since it reports the listener with write", rulePos(r, i))
			}
			if _, err := libseccomp.GetSyscallFromName(name); err != nil {
				if !unknown[name] {
					unknown[name] = true
					maj, min, mic := libseccomp.GetLibraryVersion()
					warns.Warnf(rulePos(r, i), "libseccomp %d.%d.%d on this host does not know syscall %q: runc skips the rule, so %s gets the default action (%s)",
						maj, min, mic, name, name, p.DefaultAction)
				}
				continue
			}
			calls = append(calls, call{name: name, pos: rulePos(r, i), act: act, args: r.Args})
		}
	}

	native, err := libseccomp.GetNativeArch()
	if err != nil {
		return nil, nil, fmt.Errorf("libseccomp: %w", err)
	}
	nativeArch, err := irArch(native)
	if err != nil {
		return nil, nil, err
	}
	host := targetArch{nativeArch, native}
	prog := &Program{LoadFlags: loadFlags}
	all := arches
	if !slices.Contains(all, host) {
		all = append([]targetArch{host}, all...)
	}
	for _, a := range all {
		prog.Arches = append(prog.Arches, a.arch)
	}
	if prog.combined, err = export(defAct, host, all, flags, calls); err != nil {
		return nil, nil, err
	}
	var limits []error
	for _, a := range arches {
		b, err := export(defAct, host, []targetArch{a}, flags, calls)
		if err != nil {
			return nil, nil, err
		}
		prog.perArch = append(prog.perArch, archProgram{arch: a.arch, bpf: b})
		if n := len(b) / insnSize; n > MaxInstructions {
			limits = append(limits, &LimitError{Arch: a.arch.String(), Instructions: n})
		}
	}
	if len(limits) == 0 && prog.Instructions() > MaxInstructions {
		limits = append(limits, &LimitError{Arch: syscalls.JoinArches(prog.Arches, "+"), Instructions: prog.Instructions()})
	}
	warns.Sort()
	return prog, warns, errors.Join(limits...)
}

// rulePos is where name i of r was written, or the rule's first position.
func rulePos(r *compiler.Rule, i int) diag.Pos {
	if i < len(r.Pos) {
		return r.Pos[i]
	}
	if len(r.Pos) > 0 {
		return r.Pos[0]
	}
	return diag.Pos{}
}

// targetArch is one arch of a filter, as the IR and libseccomp name it.
type targetArch struct {
	arch syscalls.Arch
	scmp libseccomp.ScmpArch
}

// targetArches lists the arches of the resolved policy; with none, runc's
// filter holds the native arch alone.
func targetArches(p *compiler.Policy) ([]targetArch, error) {
	var out []targetArch
	for _, a := range p.Arches {
		sa, err := scmpArch(a)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(t targetArch) bool { return t.scmp == sa }) {
			out = append(out, targetArch{a, sa})
		}
	}
	if len(out) == 0 {
		nat, err := libseccomp.GetNativeArch()
		if err != nil {
			return nil, fmt.Errorf("libseccomp: %w", err)
		}
		a, err := irArch(nat)
		if err != nil {
			return nil, err
		}
		out = append(out, targetArch{a, nat})
	}
	return out, nil
}

// scmpArch is libseccomp's value of an IR arch; libseccomp reads the IR's
// names (x86_64, aarch64, s390…) as they are.
func scmpArch(a syscalls.Arch) (libseccomp.ScmpArch, error) {
	sa, err := libseccomp.GetArchFromString(a.String())
	if err != nil {
		return libseccomp.ArchInvalid, fmt.Errorf("arch %q: %w", a, err)
	}
	return sa, nil
}

// irArch is the IR arch of a libseccomp arch, found among the arches
// libseccomp filters rather than by respelling its name (libseccomp-golang
// calls x86_64 "amd64").
func irArch(sa libseccomp.ScmpArch) (syscalls.Arch, error) {
	for _, a := range syscalls.FilterableArches() {
		if got, err := libseccomp.GetArchFromString(a.String()); err == nil && got == sa {
			return a, nil
		}
	}
	return "", fmt.Errorf("libseccomp arch %s is not one the IR knows", sa)
}

// filterFlags maps the policy's flags to libseccomp attributes and to the
// seccomp(2) flags they stand for. TSYNC is accepted and ignored, as runc
// does: libseccomp always synchronises threads when it can.
func filterFlags(flags []string) (attrs []string, load uint, err error) {
	for _, f := range flags {
		switch f {
		case "SECCOMP_FILTER_FLAG_TSYNC":
		case "SECCOMP_FILTER_FLAG_LOG":
			attrs, load = append(attrs, f), load|unix.SECCOMP_FILTER_FLAG_LOG
		case "SECCOMP_FILTER_FLAG_SPEC_ALLOW":
			attrs, load = append(attrs, f), load|unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW
		default:
			return nil, 0, fmt.Errorf("seccomp flag %s is not known to runc", f)
		}
	}
	return attrs, load, nil
}

// scmpAction converts an IR action the way runc's getAction does.
func scmpAction(a compiler.Action) (libseccomp.ScmpAction, error) {
	switch a.Kind {
	case action.Allow:
		return libseccomp.ActAllow, nil
	case action.Errno:
		return libseccomp.ActErrno.SetReturnCode(int16(a.Errno)), nil
	case action.KillThread:
		return libseccomp.ActKillThread, nil
	case action.KillProcess:
		return libseccomp.ActKillProcess, nil
	case action.Trap:
		return libseccomp.ActTrap, nil
	case action.Log:
		return libseccomp.ActLog, nil
	case action.Notify:
		return libseccomp.ActNotify, nil
	case action.Trace:
		return libseccomp.ActTrace.SetReturnCode(int16(a.Errno)), nil
	}
	return libseccomp.ActInvalid, fmt.Errorf("unknown action %q", a.Kind)
}

var scmpOps = map[compiler.Op]libseccomp.ScmpCompareOp{
	compiler.OpEQ:       libseccomp.CompareEqual,
	compiler.OpNE:       libseccomp.CompareNotEqual,
	compiler.OpLT:       libseccomp.CompareLess,
	compiler.OpLE:       libseccomp.CompareLessOrEqual,
	compiler.OpGT:       libseccomp.CompareGreater,
	compiler.OpGE:       libseccomp.CompareGreaterEqual,
	compiler.OpMaskedEQ: libseccomp.CompareMaskedEqual,
}

// export builds one libseccomp filter holding arches and returns its BPF.
func export(defAct libseccomp.ScmpAction, native targetArch, arches []targetArch, flags []string, calls []call) ([]byte, error) {
	f, err := libseccomp.NewFilter(defAct)
	if err != nil {
		return nil, fmt.Errorf("libseccomp: creating a filter: %w", err)
	}
	defer f.Release()
	for _, a := range arches {
		if err := f.AddArch(a.scmp); err != nil {
			return nil, fmt.Errorf("libseccomp: adding arch %s: %w", a.arch, err)
		}
	}
	if !slices.Contains(arches, native) {
		if err := f.RemoveArch(native.scmp); err != nil {
			return nil, fmt.Errorf("libseccomp: removing arch %s: %w", native.arch, err)
		}
	}
	for _, fl := range flags {
		switch fl {
		case "SECCOMP_FILTER_FLAG_LOG":
			err = f.SetLogBit(true)
		case "SECCOMP_FILTER_FLAG_SPEC_ALLOW":
			err = f.SetSSB(true)
		}
		if err != nil {
			return nil, fmt.Errorf("libseccomp: flag %s: %w", fl, err)
		}
	}
	if len(calls) > optimizeAbove {
		// An old libseccomp without the binary tree is not an error for
		// runc either; the program is then the linear one.
		_ = f.SetOptimize(2)
	}
	if err := f.SetNoNewPrivsBit(false); err != nil {
		return nil, fmt.Errorf("libseccomp: %w", err)
	}
	for _, c := range calls {
		if err := addCall(f, defAct, c); err != nil {
			return nil, err
		}
	}
	return exportBPF(f)
}

// addCall adds one entry as runc's matchCall does. Several conditions on the
// same argument cannot be ANDed by libseccomp, so runc then adds each
// condition as a rule of its own — which ORs them; we reproduce that, since
// it is what a container gets.
func addCall(f *libseccomp.ScmpFilter, defAct libseccomp.ScmpAction, c call) error {
	if c.act == defAct {
		return nil
	}
	nr, err := libseccomp.GetSyscallFromName(c.name)
	if err != nil {
		return fmt.Errorf("%s: libseccomp: %w", c.pos, err)
	}
	if len(c.args) == 0 {
		if err := f.AddRule(nr, c.act); err != nil {
			return fmt.Errorf("%s: libseccomp: adding a rule for %s: %w", c.pos, c.name, err)
		}
		return nil
	}
	conds := make([]libseccomp.ScmpCondition, 0, len(c.args))
	var perIndex [6]int
	for _, a := range c.args {
		op, ok := scmpOps[a.Op]
		if !ok || a.Index >= uint(len(perIndex)) {
			return fmt.Errorf("%s: invalid condition %s for %s", c.pos, a, c.name)
		}
		cond, err := libseccomp.MakeCondition(a.Index, op, a.Value, a.ValueTwo)
		if err != nil {
			return fmt.Errorf("%s: condition %s for %s: %w", c.pos, a, c.name, err)
		}
		perIndex[a.Index]++
		conds = append(conds, cond)
	}
	if slices.ContainsFunc(perIndex[:], func(n int) bool { return n > 1 }) {
		for _, cond := range conds {
			if err := f.AddRuleConditional(nr, c.act, []libseccomp.ScmpCondition{cond}); err != nil {
				return fmt.Errorf("%s: libseccomp: adding a rule for %s: %w", c.pos, c.name, err)
			}
		}
		return nil
	}
	if err := f.AddRuleConditional(nr, c.act, conds); err != nil {
		return fmt.Errorf("%s: libseccomp: adding a rule for %s: %w", c.pos, c.name, err)
	}
	return nil
}

// exportBPF reads the program through a memfd: libseccomp 2.5 writes it only
// to a file descriptor.
func exportBPF(f *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("secprof-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	file := os.NewFile(uintptr(fd), "secprof-bpf")
	defer file.Close()
	if err := f.ExportBPF(file); err != nil {
		return nil, fmt.Errorf("libseccomp: exporting BPF: %w", err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(file)
	if err != nil {
		return nil, err
	}
	if len(b)%insnSize != 0 {
		return nil, fmt.Errorf("libseccomp exported %d bytes, not whole instructions", len(b))
	}
	return b, nil
}
