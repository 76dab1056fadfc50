// Package compiler resolves a parsed source (profiles.File) into the IR,
// Policy: every syscall name checked against the generated tables for the
// target arches, sets expanded, errnos numeric, duplicates merged,
// contradictions reported with both positions, rules equal to the default
// dropped, and a deterministic order. Backends (Docker JSON, OCI, BPF,
// AppArmor) read only the Policy, never the source.
//
//	profiles.File ─► Compile ─► *Policy ─► backends
package compiler
