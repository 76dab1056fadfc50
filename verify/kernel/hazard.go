package kernel

import (
	"fmt"
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
