package apparmor

// RuntimePeers are the profiles that send signals to a container's
// processes on behalf of the engine: unconfined host processes (dockerd on
// a host where it is not itself confined) and the OCI runtimes runc and
// crun, which deliver docker stop's SIGTERM and docker kill's signals.
func RuntimePeers() []string { return []string{"unconfined", "runc", "crun"} }

// runtimePeerRules are the signal and ptrace rules every profile carries
// unless told otherwise: the runtime peers may signal the container, the
// container's processes may signal and inspect each other (ps, kill inside
// the container). They are the rules of Docker's template that do not
// depend on its base; a profile without them leaves `docker stop` waiting
// for its timeout.
func runtimePeerRules(name string) (signals []SignalRule, ptrace []PtraceRule) {
	for _, peer := range RuntimePeers() {
		signals = append(signals, SignalRule{Access: []string{"receive"}, Peer: peer})
	}
	signals = append(signals, SignalRule{Access: []string{"send", "receive"}, Peer: name})
	ptrace = []PtraceRule{{Access: []string{"trace", "read", "tracedby", "readby"}, Peer: name}}
	return signals, ptrace
}

// BaseRules returns the rules a base brings, for a profile called name:
// for docker-default the rules of Docker's default AppArmor template
// (moby's profiles/apparmor) apart from its signal and ptrace peer rules,
// which every profile gets (see RuntimePeers); for none, nothing.
func BaseRules(base Base, name string) *Profile {
	p := &Profile{Name: name, Base: base}
	if base == BaseNone {
		return p
	}
	// Docker's template allows everything, then takes away. Its /proc and
	// /sys globs are kept exactly as Docker writes them, so that a test can
	// compare them rule for rule.
	p.Includes = []string{"abstractions/base"}
	p.Network = []NetworkRule{{}}
	p.Capabilities = []CapabilityRule{{}}
	p.Files = []FileRule{{}}
	p.Mounts = []MountRule{{Kind: Umount}, {Deny: true, Kind: Mount}}
	rw := func(path, mode string) FileRule {
		m, err := ParseMode(mode)
		if err != nil {
			panic(err) // the modes below are constants
		}
		return FileRule{Deny: true, Path: path, Mode: m}
	}
	p.Files = append(p.Files,
		// Writes to files directly in /proc, and outside /proc/<pid> and
		// /proc/sys.
		rw("@{PROC}/*", "w"),
		rw("@{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/**", "w"),
		// /proc/sys except kernel, and /proc/sys/kernel except shm*.
		rw("@{PROC}/sys/[^k]**", "w"),
		rw("@{PROC}/sys/kernel/{?,??,[^s][^h][^m]**}", "w"),
		rw("@{PROC}/sysrq-trigger", "rwklx"),
		rw("@{PROC}/kcore", "rwklx"),
		// /sys except /sys/fs/cgroup.
		rw("/sys/[^f]*/**", "wklx"),
		rw("/sys/f[^s]*/**", "wklx"),
		rw("/sys/fs/[^c]*/**", "wklx"),
		rw("/sys/fs/c[^g]*/**", "wklx"),
		rw("/sys/fs/cg[^r]*/**", "wklx"),
		rw("/sys/firmware/**", "rwklx"),
		rw("/sys/devices/virtual/powercap/**", "rwklx"),
		rw("/sys/kernel/security/**", "rwklx"),
	)
	return p
}
