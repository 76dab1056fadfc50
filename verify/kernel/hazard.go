package kernel

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A hazard is a syscall that could still harm something outside the
// sandbox (sandbox.go) if the filter allowed it when the expectation says
// otherwise. The sandbox answers for everything else: a call needing a
// host-wide capability gets EPERM (reboot only ends the sandbox's PID
// namespace), and IPC objects, processes, hostname, mounts, network and
// files are the sandbox's own. TestSandboxDeniesHostWideCalls and
// TestSandboxKeepsTheHost measure that on the running kernel.
//
// A hazardous expectation runs only when its written arguments make the
// call harmless whatever the filter says; unwritten arguments never count,
// so what runs is always visible in the profile.
type hazard struct {
	// harm says what the call does outside the sandbox when allowed.
	harm string
	// safe reports whether the written arguments make the call harmless.
	safe func(a []uint64) bool
	// hint is an argument list that is harmless.
	hint string
}

// is reports whether argument i is written and satisfies ok.
func is(a []uint64, i int, ok func(uint64) bool) bool {
	return i < len(a) && ok(a[i])
}

func zero(v uint64) bool { return v == 0 }

// hazards is the documented list; each entry says why the sandbox does not
// contain the call.
var hazards = map[string]hazard{
	// For a key it does not find, request_key(2) with callout_info makes
	// the kernel run /sbin/request-key as root in the host's namespaces
	// (security/keys/request_key.c: call_sbin_request_key, a usermode
	// helper): whatever that helper and /etc/request-key.conf do happens
	// outside the sandbox. With callout_info NULL there is no upcall.
	"request_key": {"makes the kernel run the host's /sbin/request-key as root", func(a []uint64) bool {
		return is(a, 2, zero)
	}, "request_key(0, 0, 0): no callout, so no upcall"},

	// A socket of a family or protocol the kernel has not loaded makes it
	// run modprobe as root in the host's namespaces, from any namespace
	// (net/socket.c __sock_create: request_module("net-pf-%d"); inet,
	// inet6 and netlink ask for "…-proto-%d" the same way): a profile
	// could load any protocol module the host has (sctp, dccp, af_alg…),
	// and with it that module's bugs. The families and protocols below are
	// built into every kernel that runs containers, or name no module.
	"socket":     {"makes the kernel load a protocol module on the host (modprobe net-pf-…)", builtinSocket, "socket(2, 1, 0): AF_INET with TCP is built in"},
	"socketpair": {"makes the kernel load a protocol module on the host (modprobe net-pf-…)", builtinSocket, "socketpair(1, 1, 0): AF_UNIX is built in"},

	// mount(2) and fsopen(2) load the named file system's module before
	// any permission check (fs/filesystems.c get_fs_type:
	// request_module("fs-%s")). A file system type can only be named by
	// a pointer, which an expect line cannot aim at a string of its own:
	// only the null one is harmless.
	"mount":  {"makes the kernel load a file system module on the host (modprobe fs-…)", func(a []uint64) bool { return !written(a, 2) || a[2] == 0 }, "mount(0, 0, 0): no file system type"},
	"fsopen": {"makes the kernel load a file system module on the host (modprobe fs-…)", func(a []uint64) bool { return !written(a, 0) || a[0] == 0 }, "fsopen(0): no file system name"},
}

func written(a []uint64, i int) bool { return i < len(a) }

// builtinSocket reports socket arguments that load no module: unspecified
// (its request names no module), AF_UNIX, AF_INET and AF_INET6 with a
// built-in protocol (default, ICMP, TCP, UDP, ICMPv6, raw), and netlink's
// route protocol. An unwritten argument is zero.
func builtinSocket(a []uint64) bool {
	arg := func(i int) uint64 {
		if written(a, i) {
			return a[i]
		}
		return 0
	}
	switch family, protocol := arg(0), arg(2); family {
	case unix.AF_UNSPEC, unix.AF_UNIX:
		return true
	case unix.AF_INET, unix.AF_INET6:
		switch protocol {
		case 0, unix.IPPROTO_ICMP, unix.IPPROTO_TCP, unix.IPPROTO_UDP, unix.IPPROTO_ICMPV6, unix.IPPROTO_RAW:
			return true
		}
	case unix.AF_NETLINK:
		return protocol == unix.NETLINK_ROUTE
	}
	return false
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
