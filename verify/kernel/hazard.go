package kernel

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A hazard is a syscall that could harm the host if the filter allowed it
// when the expectation says otherwise: the check runs on the host, as root.
// Such an expectation runs only when its written arguments make the call
// fail harmlessly in the kernel whatever the filter says; unwritten
// arguments never count, so what runs is always visible in the profile.
type hazard struct {
	// harm says what the call does when allowed.
	harm string
	// safe reports whether the written arguments make the call harmless.
	safe func(a []uint64) bool
	// hint is an argument list the kernel rejects harmlessly.
	hint string
}

func arg(a []uint64, i int) (uint64, bool) {
	if i < len(a) {
		return a[i], true
	}
	return 0, false
}

// is reports whether argument i is written and satisfies ok.
func is(a []uint64, i int, ok func(uint64) bool) bool {
	v, written := arg(a, i)
	return written && ok(v)
}

func zero(v uint64) bool { return v == 0 }

// hazards is the documented list. Each safe function cites the kernel check
// that makes the call fail before it acts.
var hazards = map[string]hazard{
	// reboot(2) compares magic numbers before anything: a wrong first
	// magic is EINVAL.
	"reboot": {"reboots or halts the host", func(a []uint64) bool {
		return is(a, 0, func(v uint64) bool { return uint32(v) != unix.LINUX_REBOOT_MAGIC1 })
	}, "reboot(0): a bad magic number, EINVAL"},
	// kexec_load(2) checks nr_segments against KEXEC_SEGMENT_MAX (16).
	"kexec_load": {"replaces the running kernel", func(a []uint64) bool {
		return is(a, 1, func(v uint64) bool { return v > 16 })
	}, "kexec_load(0, 17): too many segments, EINVAL"},
	// kexec_file_load(2) rejects unknown flags first.
	"kexec_file_load": {"replaces the running kernel", func(a []uint64) bool {
		return is(a, 4, func(v uint64) bool { return v&^0xf != 0 })
	}, "kexec_file_load(-1, -1, 0, 0, 0x100): unknown flag, EINVAL"},
	// init_module(2) with a NULL image reads no module: EFAULT.
	"init_module": {"loads code into the kernel", func(a []uint64) bool {
		return is(a, 0, zero)
	}, "init_module(0, 0, 0): NULL image, EFAULT or ENOEXEC"},
	// finit_module(2) with fd -1: EBADF.
	"finit_module": {"loads code into the kernel", func(a []uint64) bool {
		return is(a, 0, func(v uint64) bool { return int32(v) == -1 })
	}, "finit_module(0xffffffff, 0, 0): bad fd, EBADF"},
	// delete_module(2) with a NULL name: EFAULT.
	"delete_module": {"unloads kernel modules", func(a []uint64) bool {
		return is(a, 0, zero)
	}, "delete_module(0, 0): NULL name, EFAULT"},
	"swapon":  {"changes the host's swap", func(a []uint64) bool { return is(a, 0, zero) }, "swapon(0, 0): NULL path, EFAULT"},
	"swapoff": {"changes the host's swap", func(a []uint64) bool { return is(a, 0, zero) }, "swapoff(0): NULL path, EFAULT"},
	// The child shares the host's mount namespace.
	"mount":      {"changes the host's mounts", func(a []uint64) bool { return is(a, 1, zero) }, "mount(0, 0): NULL target, EFAULT"},
	"umount2":    {"changes the host's mounts", func(a []uint64) bool { return is(a, 0, zero) }, "umount2(0): NULL target, EFAULT"},
	"pivot_root": {"changes the host's root", func(a []uint64) bool { return is(a, 0, zero) }, "pivot_root(0, 0): NULL path, EFAULT"},
	// A length above __NEW_UTS_LEN (64) is EINVAL.
	"sethostname":   {"renames the host", func(a []uint64) bool { return is(a, 1, func(v uint64) bool { return v > 64 }) }, "sethostname(0, 65): too long, EINVAL"},
	"setdomainname": {"renames the host's domain", func(a []uint64) bool { return is(a, 1, func(v uint64) bool { return v > 64 }) }, "setdomainname(0, 65): too long, EINVAL"},
	"settimeofday": {"sets the host's clock", func(a []uint64) bool {
		return is(a, 0, zero) && is(a, 1, zero)
	}, "settimeofday(0, 0): nothing to set"},
	"clock_settime": {"sets the host's clock", func(a []uint64) bool { return is(a, 1, zero) }, "clock_settime(0, 0): NULL time, EFAULT"},
	"adjtimex":      {"adjusts the host's clock", func(a []uint64) bool { return is(a, 0, zero) }, "adjtimex(0): NULL, EFAULT"},
	"clock_adjtime": {"adjusts the host's clock", func(a []uint64) bool { return is(a, 1, zero) }, "clock_adjtime(0, 0): NULL, EFAULT"},
	// Signal 0 only probes; as root any other signal may hit any process.
	// An unwritten signal is 0 here.
	"kill":   {"signals host processes", func(a []uint64) bool { return len(a) < 2 || is(a, 1, zero) }, "kill(0, 0): signal 0 only probes"},
	"tkill":  {"signals host threads", func(a []uint64) bool { return len(a) < 2 || is(a, 1, zero) }, "tkill(0, 0): signal 0 only probes"},
	"tgkill": {"signals host threads", func(a []uint64) bool { return len(a) < 3 || is(a, 2, zero) }, "tgkill(0, 0, 0): signal 0 only probes"},
	// Attaching, as root, could stop any host process.
	"ptrace": {"inspects and stops host processes", func(a []uint64) bool {
		return len(a) == 0 || is(a, 1, zero)
	}, "ptrace(3, 0): no such process, ESRCH"},
	"acct": {"switches the host's process accounting", func([]uint64) bool { return false }, ""},
}

// refusal says why an expectation must not run, or "" when it may.
func refusal(name string, args []uint64) string {
	h, ok := hazards[name]
	if !ok || h.safe(args) {
		return ""
	}
	if h.hint == "" {
		return fmt.Sprintf("not run: %s %s if the filter allowed it, and no arguments make it harmless", name, h.harm)
	}
	return fmt.Sprintf("not run: %s %s if the filter allowed it; write harmless arguments, e.g. %s", name, h.harm, h.hint)
}
