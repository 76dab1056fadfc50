package bpf

import (
	"encoding/binary"
	"fmt"

	libseccomp "github.com/seccomp/libseccomp-golang"
	xbpf "golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/syscalls"
)

// Decision is a seccomp return value: the action in the high bits
// (unix.SECCOMP_RET_*) and the errno or data in the low 16.
type Decision uint32

// Action is the SECCOMP_RET_ACTION_FULL part.
func (d Decision) Action() uint32 { return uint32(d) & unix.SECCOMP_RET_ACTION_FULL }

// Data is the SECCOMP_RET_DATA part: the errno of an errno action.
func (d Decision) Data() uint32 { return uint32(d) & unix.SECCOMP_RET_DATA }

func (d Decision) String() string {
	switch d.Action() {
	case unix.SECCOMP_RET_ALLOW:
		return "allow"
	case unix.SECCOMP_RET_ERRNO:
		return fmt.Sprintf("errno %d", d.Data())
	case unix.SECCOMP_RET_KILL_THREAD:
		return "kill-thread"
	case unix.SECCOMP_RET_KILL_PROCESS:
		return "kill-process"
	case unix.SECCOMP_RET_TRAP:
		return "trap"
	case unix.SECCOMP_RET_LOG:
		return "log"
	case unix.SECCOMP_RET_TRACE:
		return fmt.Sprintf("trace %d", d.Data())
	case unix.SECCOMP_RET_USER_NOTIF:
		return "notify"
	}
	return fmt.Sprintf("%#x", uint32(d))
}

// Eval runs prog — raw BPF as Export returns it — in a user-space BPF
// interpreter (golang.org/x/net/bpf) on the seccomp_data of a call to name
// on arch with args. It decides without the kernel, which makes it an
// independent oracle for the kernel check and for tests.
func Eval(prog []byte, arch syscalls.Arch, name string, args [6]uint64) (Decision, error) {
	a, err := scmpArch(arch)
	if err != nil {
		return 0, err
	}
	nr, err := libseccomp.GetSyscallFromNameByArch(name, a)
	if err != nil || nr < 0 {
		return 0, fmt.Errorf("no syscall %q on %s", name, arch)
	}
	var audit uint32
	switch a {
	case libseccomp.ArchAMD64, libseccomp.ArchX32:
		audit = unix.AUDIT_ARCH_X86_64
	case libseccomp.ArchX86:
		audit = unix.AUDIT_ARCH_I386
	default:
		return 0, fmt.Errorf("arch %s: only x86_64, x86 and x32 are evaluated", arch)
	}
	return EvalData(prog, int32(nr), audit, args)
}

// EvalData runs prog on a seccomp_data built from its fields. x/net/bpf
// loads words in network byte order while seccomp loads them in host
// order, so each 32-bit word is laid out big-endian here; seccomp programs
// only ever load aligned 32-bit words, so this is exact.
func EvalData(prog []byte, nr int32, auditArch uint32, args [6]uint64) (Decision, error) {
	raw := make([]xbpf.RawInstruction, len(prog)/insnSize)
	for i := range raw {
		b := prog[i*insnSize:]
		raw[i] = xbpf.RawInstruction{
			Op: binary.NativeEndian.Uint16(b[0:]),
			Jt: b[2],
			Jf: b[3],
			K:  binary.NativeEndian.Uint32(b[4:]),
		}
	}
	insns, ok := xbpf.Disassemble(raw)
	if !ok {
		return 0, fmt.Errorf("the program holds instructions the interpreter does not know")
	}
	vm, err := xbpf.NewVM(insns)
	if err != nil {
		return 0, err
	}
	// struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
	data := make([]byte, 64)
	word := func(off int, v uint32) { binary.BigEndian.PutUint32(data[off:], v) }
	dword := func(off int, v uint64) {
		// The low word of a little-endian u64 sits first.
		word(off, uint32(v))
		word(off+4, uint32(v>>32))
	}
	word(0, uint32(nr))
	word(4, auditArch)
	for i, v := range args {
		dword(16+8*i, v)
	}
	out, err := vm.Run(data)
	if err != nil {
		return 0, err
	}
	return Decision(uint32(out)), nil
}
