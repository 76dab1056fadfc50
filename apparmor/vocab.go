package apparmor

//go:generate go run gen_families.go

import (
	"slices"
	"strings"

	"github.com/moby/sys/capability"
)

// Capabilities lists the capability names a capability rule may use, as
// AppArmor spells them (lowercase, no CAP_ prefix), in the kernel's order.
// The list comes from moby/sys/capability, which generates it from the
// kernel's capability.h.
func Capabilities() []string {
	known := capability.ListKnown()
	names := make([]string, len(known))
	for i, c := range known {
		names[i] = c.String()
	}
	return names
}

// CapabilityName normalizes a capability as a user may write it — sys_admin,
// SYS_ADMIN or CAP_SYS_ADMIN — to AppArmor's spelling, and reports whether
// the kernel knows it.
func CapabilityName(s string) (string, bool) {
	name := strings.TrimPrefix(strings.ToLower(s), "cap_")
	return name, slices.Contains(Capabilities(), name)
}

// NetworkFamilies lists the socket families a network rule may name.
func NetworkFamilies() []string { return slices.Clone(networkFamilies) }

// NetworkFamily normalizes a family name (the kernel's aliases, such as
// local for unix, are accepted) and reports whether it is known.
func NetworkFamily(s string) (string, bool) {
	name := strings.ToLower(s)
	if canon, ok := familyAliases[name]; ok {
		name = canon
	}
	return name, slices.Contains(networkFamilies, name)
}

// NetworkTypes are the socket types AppArmor's network rules name.
func NetworkTypes() []string {
	return []string{"stream", "dgram", "seqpacket", "rdm", "raw", "packet"}
}

// NetworkProtocols are the protocols AppArmor's network rules name.
func NetworkProtocols() []string { return []string{"tcp", "udp", "icmp"} }

// ProtocolFamilies are the families a protocol may be named with: tcp and
// udp with inet and inet6, icmp with inet only (AppArmor has no icmpv6).
func ProtocolFamilies(protocol string) []string {
	if protocol == "icmp" {
		return []string{"inet"}
	}
	return []string{"inet", "inet6"}
}

// PtraceAccesses are the accesses a ptrace rule may name.
func PtraceAccesses() []string { return []string{"trace", "read", "tracedby", "readby"} }

// SignalAccesses are the accesses a signal rule may name.
func SignalAccesses() []string { return []string{"send", "receive"} }

// ExecModes are the exec transitions an allow rule may give a file: i
// inherits this profile, p and P change to the program's own profile, c and
// C to a child profile, u and U run unconfined; the upper-case forms scrub
// the environment, and pix, cix, pux, cux... fall back when the target
// profile is missing.
func ExecModes() []string {
	return []string{"ix", "px", "Px", "ux", "Ux", "cx", "Cx", "pix", "Pix", "cix", "Cix", "pux", "PUx", "cux", "CUx"}
}

// MountKinds are the mount-like operations a rule may allow or deny.
func MountKinds() []MountKind {
	return []MountKind{Mount, Remount, Umount, PivotRoot}
}
