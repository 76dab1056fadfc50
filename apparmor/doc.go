// Package apparmor renders AppArmor profiles: it holds a small model of an
// AppArmor profile (file, capability, network, mount, ptrace and signal
// rules over a base) and turns it into the text apparmor_parser reads. It is
// a leaf of the pipeline — the compiler interprets a source's apparmor block
// into a *Profile, and Render is a pure function of that value:
//
//	apparmor { } block ─► compiler.Compile (Result.AppArmor) ─► *Profile ─► Render ─► profile text ─► Load
//
// The package also knows AppArmor's vocabulary (capability and network
// family names, access modes, path globs) so that the compiler can check a
// source before apparmor_parser ever sees it, and it runs apparmor_parser to
// check or load a rendered profile.
package apparmor
