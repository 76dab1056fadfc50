package compiler

import (
	"fmt"
	"slices"
	"strings"
)

//go:generate go run ./internal/familiesdoc ../docs/families.md

// Family is a named group of syscalls that do one thing, written @name in a
// profile. Members cover every way the kernel offers to do that thing:
// the *at and f* variants, the newer mount API next to mount(2), and the
// 32-bit twins (chown32, setuid32…) that x86's int 0x80 ABI still offers
// next to the calls it shares with x86_64. A deny-list that names one
// member and forgets its siblings can be walked around.
type Family struct {
	Name    string   // without the leading @
	Doc     string   // one line: what the members do
	Members []string // sorted, unique
}

// families is kept sorted by name; each Members list is sorted. A test
// checks both, that every member is a syscall on some arch, and that each
// member's x86 twin is listed where x86 has one.
var families = []Family{
	{"bpf", "Load eBPF programs and maps into the kernel (CAP_BPF or CAP_SYS_ADMIN in Docker's default).",
		[]string{"bpf"}},
	{"chmod", "Change file mode bits; glibc's chmod(1) calls fchmodat, busybox's calls chmod.",
		[]string{"chmod", "fchmod", "fchmodat", "fchmodat2"}},
	{"chown", "Change file owner and group; on x86 glibc calls the *32 variants, which take 32-bit ids.",
		[]string{"chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32"}},
	{"chroot", "Change the root directory (CAP_SYS_CHROOT).",
		[]string{"chroot", "pivot_root"}},
	{"clock", "Set or adjust the system clock (CAP_SYS_TIME); adjtimex and clock_adjtime with no mode bits only read it.",
		[]string{"adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64", "settimeofday", "stime"}},
	{"cpu-emulation", "Run code in emulated CPU modes or change the local descriptor table.",
		[]string{"modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old"}},
	{"exec", "Replace the process image with a new program.",
		[]string{"execve", "execveat"}},
	{"fanotify", "Watch file system events system-wide and decide on file access (CAP_SYS_ADMIN).",
		[]string{"fanotify_init", "fanotify_mark"}},
	{"handle", "Open files by handle, which sidesteps path permission checks (CAP_DAC_READ_SEARCH).",
		[]string{"name_to_handle_at", "open_by_handle_at"}},
	{"hostname", "Set the host and NIS domain names (CAP_SYS_ADMIN in the UTS namespace).",
		[]string{"setdomainname", "sethostname"}},
	{"io-uring", "Submit I/O through io_uring rings, which bypass seccomp for the operations they carry.",
		[]string{"io_uring_enter", "io_uring_register", "io_uring_setup"}},
	{"ipc", "System V message queues, semaphores and shared memory, and x86's ipc multiplexer.",
		[]string{"ipc", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget"}},
	{"kexec", "Load a new kernel to boot into (CAP_SYS_BOOT).",
		[]string{"kexec_file_load", "kexec_load"}},
	{"keyring", "Use the kernel's key management facility, which is not namespaced.",
		[]string{"add_key", "keyctl", "request_key"}},
	{"kill", "Send signals to other processes and threads.",
		[]string{"kill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "tgkill", "tkill"}},
	{"mknod", "Create device and special files (CAP_MKNOD for devices).",
		[]string{"mknod", "mknodat"}},
	{"modules", "Load and unload kernel modules (CAP_SYS_MODULE), including the calls of 2.4 kernels.",
		[]string{"create_module", "delete_module", "finit_module", "get_kernel_syms", "init_module", "query_module"}},
	{"mount", "Mount, unmount and move file systems, with mount(2) and the file-descriptor mount API (CAP_SYS_ADMIN).",
		[]string{"fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount", "open_tree", "open_tree_attr", "pivot_root", "umount", "umount2"}},
	{"namespaces", "Enter or create namespaces; clone and clone3 create them too with CLONE_NEW* flags (filter clone's flags argument; clone3 passes them behind a pointer).",
		[]string{"setns", "unshare"}},
	{"numa", "Set NUMA memory policy and move pages between nodes (CAP_SYS_NICE).",
		[]string{"get_mempolicy", "mbind", "migrate_pages", "move_pages", "set_mempolicy", "set_mempolicy_home_node"}},
	{"obsolete", "Calls the kernel no longer implements or that only old binaries use.",
		[]string{"_sysctl", "afs_syscall", "bdflush", "idle", "nfsservctl", "sysfs", "uselib", "ustat"}},
	{"perf", "Open performance and tracing counters (CAP_PERFMON or CAP_SYS_ADMIN in Docker's default).",
		[]string{"perf_event_open"}},
	{"ptrace", "Trace, inspect or read and write the memory and files of another process (CAP_SYS_PTRACE).",
		[]string{"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"}},
	{"quota", "Manage disk quotas (CAP_SYS_ADMIN).",
		[]string{"quotactl", "quotactl_fd"}},
	{"raw-io", "Access I/O ports and PCI configuration space directly (CAP_SYS_RAWIO).",
		[]string{"ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write"}},
	{"reboot", "Reboot, halt or power off the machine, or boot a loaded kernel (CAP_SYS_BOOT).",
		[]string{"kexec_file_load", "kexec_load", "reboot"}},
	{"setuid", "Change user and group identities and supplementary groups; on x86 glibc calls the *32 variants.",
		[]string{"setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32"}},
	{"swap", "Enable and disable swap devices (CAP_SYS_ADMIN).",
		[]string{"swapoff", "swapon"}},
	{"syslog", "Read and control the kernel log buffer (CAP_SYSLOG).",
		[]string{"syslog"}},
	{"userfaultfd", "Handle page faults in user space, a common exploitation primitive.",
		[]string{"userfaultfd"}},
	{"xattr", "Read, list, set and remove extended attributes.",
		[]string{"fgetxattr", "flistxattr", "fremovexattr", "fsetxattr", "getxattr", "getxattrat", "lgetxattr", "listxattr", "listxattrat", "llistxattr", "lremovexattr", "lsetxattr", "removexattr", "removexattrat", "setxattr", "setxattrat"}},
}

// Families returns every family, sorted by name.
func Families() []Family {
	out := make([]Family, len(families))
	for i, f := range families {
		f.Members = slices.Clone(f.Members)
		out[i] = f
	}
	return out
}

// LookupFamily finds a family by name, written with or without its @.
func LookupFamily(name string) (Family, bool) {
	name = strings.TrimPrefix(name, "@")
	i, ok := slices.BinarySearchFunc(families, name, func(f Family, n string) int { return strings.Compare(f.Name, n) })
	if !ok {
		return Family{}, false
	}
	f := families[i]
	f.Members = slices.Clone(f.Members)
	return f, true
}

// FamiliesMarkdown is the reference table of families, as docs/families.md
// holds it.
func FamiliesMarkdown() string {
	var b strings.Builder
	b.WriteString("# Syscall families\n\n")
	b.WriteString("A family is written `@name` wherever a profile names syscalls: `deny @chmod` denies\n")
	b.WriteString("every member. `secprof families` prints this list. This file is generated by\n")
	b.WriteString("`go generate ./compiler`; do not edit it by hand.\n\n")
	b.WriteString("| family | what its members do | members |\n|---|---|---|\n")
	for _, f := range families {
		fmt.Fprintf(&b, "| `@%s` | %s | %s |\n", f.Name, f.Doc, "`"+strings.Join(f.Members, "` `")+"`")
	}
	return b.String()
}
