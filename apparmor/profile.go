package apparmor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secprof/secprof/internal/safename"
)

// Base is the set of rules a profile starts from before its own rules.
type Base string

const (
	// BaseDockerDefault starts from the rules of Docker's default profile:
	// everything is allowed except writes to most of /proc and /sys, reads
	// of a few kernel files, and mount. The zero Base means this one, as a
	// container without a profile gets docker-default.
	BaseDockerDefault Base = "docker-default"
	// BaseNone starts from an empty profile, in which AppArmor denies all
	// that no rule allows.
	BaseNone Base = "none"
)

// Bases lists the bases a profile may start from.
func Bases() []Base { return []Base{BaseDockerDefault, BaseNone} }

// Profile is one AppArmor profile. Rules are kept per kind; Render orders
// them, so the order in which they were added does not matter.
type Profile struct {
	// Name is the profile name: what `docker run --security-opt
	// apparmor=NAME` and the peer= of the runtime rules refer to.
	Name string
	Base Base
	// Includes are files under /etc/apparmor.d included inside the profile,
	// such as abstractions/base.
	Includes []string
	// NoRuntimePeers leaves out the signal and ptrace rules that let the
	// container runtime and dockerd signal the container's processes; without
	// them `docker stop` cannot stop the container.
	NoRuntimePeers bool

	Files        []FileRule
	Capabilities []CapabilityRule
	Network      []NetworkRule
	Mounts       []MountRule
	Ptrace       []PtraceRule
	Signals      []SignalRule
}

// FileRule allows or denies access to the paths matched by a glob.
type FileRule struct {
	Deny bool
	// Owner limits the rule to files owned by the process's fsuid.
	Owner bool
	// Path is an AppArmor path glob: it starts with / or with a variable
	// such as @{PROC}. An empty Path means every file (AppArmor's `file,`)
	// and then Mode must be empty.
	Path string
	Mode Mode
}

func (r FileRule) String() string {
	var b strings.Builder
	qualify(&b, r.Deny)
	if r.Owner {
		b.WriteString("owner ")
	}
	if r.Path == "" {
		b.WriteString("file,")
		return b.String()
	}
	b.WriteString(QuotePath(r.Path))
	b.WriteByte(' ')
	b.WriteString(r.Mode.String())
	b.WriteByte(',')
	return b.String()
}

// Check reports what apparmor_parser would reject in the rule.
func (r FileRule) Check() error {
	if r.Path == "" {
		if !r.Mode.IsZero() {
			return fmt.Errorf("a rule for every file takes no mode")
		}
		return nil
	}
	if err := CheckPath(r.Path); err != nil {
		return err
	}
	return r.Mode.check(r.Deny)
}

// CapabilityRule allows or denies one capability, or all when Name is empty.
type CapabilityRule struct {
	Deny bool
	Name string // AppArmor's spelling: sys_admin
}

func (r CapabilityRule) String() string {
	var b strings.Builder
	qualify(&b, r.Deny)
	b.WriteString("capability")
	if r.Name != "" {
		b.WriteByte(' ')
		b.WriteString(r.Name)
	}
	b.WriteByte(',')
	return b.String()
}

// Check reports an unknown capability.
func (r CapabilityRule) Check() error {
	if r.Name == "" {
		return nil
	}
	if name, ok := CapabilityName(r.Name); !ok || name != r.Name {
		return fmt.Errorf("unknown capability %q", r.Name)
	}
	return nil
}

// NetworkRule allows or denies sockets by family and by type or protocol;
// empty fields match everything.
type NetworkRule struct {
	Deny     bool
	Family   string // inet, inet6, unix, netlink, packet...
	Type     string // stream, dgram, raw...; empty when Protocol is set
	Protocol string // tcp, udp or icmp; empty when Type is set
}

func (r NetworkRule) String() string {
	var b strings.Builder
	qualify(&b, r.Deny)
	b.WriteString("network")
	for _, w := range []string{r.Family, r.Type, r.Protocol} {
		if w != "" {
			b.WriteByte(' ')
			b.WriteString(w)
		}
	}
	b.WriteByte(',')
	return b.String()
}

// Check reports names AppArmor does not know and combinations it rejects.
func (r NetworkRule) Check() error {
	if r.Family != "" {
		if name, ok := NetworkFamily(r.Family); !ok || name != r.Family {
			return fmt.Errorf("unknown network family %q", r.Family)
		}
	}
	if r.Type != "" && !slices.Contains(NetworkTypes(), r.Type) {
		return fmt.Errorf("unknown socket type %q", r.Type)
	}
	if r.Protocol != "" {
		if !slices.Contains(NetworkProtocols(), r.Protocol) {
			return fmt.Errorf("unknown protocol %q", r.Protocol)
		}
		if r.Type != "" {
			return fmt.Errorf("a network rule names a socket type or a protocol, not both")
		}
		if fams := ProtocolFamilies(r.Protocol); r.Family != "" && !slices.Contains(fams, r.Family) {
			return fmt.Errorf("protocol %s belongs to the %s famil%s, not %s", r.Protocol, strings.Join(fams, " and "), map[bool]string{true: "y", false: "ies"}[len(fams) == 1], r.Family)
		}
	}
	return nil
}

// MountKind is one of the mount-like operations AppArmor mediates.
type MountKind string

const (
	Mount     MountKind = "mount"
	Remount   MountKind = "remount"
	Umount    MountKind = "umount"
	PivotRoot MountKind = "pivot_root"
)

// MountRule allows or denies every operation of one kind.
type MountRule struct {
	Deny bool
	Kind MountKind
}

func (r MountRule) String() string {
	var b strings.Builder
	qualify(&b, r.Deny)
	b.WriteString(string(r.Kind))
	b.WriteByte(',')
	return b.String()
}

// Check reports an unknown kind.
func (r MountRule) Check() error {
	if !slices.Contains(MountKinds(), r.Kind) {
		return fmt.Errorf("unknown mount operation %q", r.Kind)
	}
	return nil
}

// PtraceRule allows or denies ptrace accesses, to or from Peer when set.
type PtraceRule struct {
	Deny   bool
	Access []string // trace, read, tracedby, readby; empty means all
	Peer   string   // a profile name; empty means any
}

func (r PtraceRule) String() string { return peerRule("ptrace", r.Deny, r.Access, r.Peer) }

// Check reports unknown accesses and peers apparmor_parser cannot read.
func (r PtraceRule) Check() error { return checkPeerRule(PtraceAccesses(), r.Access, r.Peer) }

// SignalRule allows or denies sending and receiving signals, to or from
// Peer when set.
type SignalRule struct {
	Deny   bool
	Access []string // send, receive; empty means both
	Peer   string   // a profile name; empty means any
}

func (r SignalRule) String() string { return peerRule("signal", r.Deny, r.Access, r.Peer) }

// Check reports unknown accesses and peers apparmor_parser cannot read.
func (r SignalRule) Check() error { return checkPeerRule(SignalAccesses(), r.Access, r.Peer) }

func qualify(b *strings.Builder, deny bool) {
	if deny {
		b.WriteString("deny ")
	}
}

func peerRule(kind string, deny bool, access []string, peer string) string {
	var b strings.Builder
	qualify(&b, deny)
	b.WriteString(kind)
	if len(access) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(access, ","))
		b.WriteByte(')')
	}
	if peer != "" {
		b.WriteString(" peer=")
		b.WriteString(peer)
	}
	b.WriteByte(',')
	return b.String()
}

func checkPeerRule(known, access []string, peer string) error {
	for _, a := range access {
		if !slices.Contains(known, a) {
			return fmt.Errorf("unknown access %q", a)
		}
	}
	if peer != "" {
		if err := CheckName(peer); err != nil {
			return fmt.Errorf("peer: %w", err)
		}
	}
	return nil
}

// CheckName reports a profile name that cannot be written unquoted in a
// profile or passed to --security-opt apparmor=NAME. It is the same check
// as for a file name in an output directory (internal/safename).
func CheckName(name string) error { return safename.Check(name) }
