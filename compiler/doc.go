// Package compiler resolves a parsed source (profiles.File) into one
// Result per source: the seccomp IR (Policy), the AppArmor profile and the
// resolved tests (expect and run lines). Backends and verify/ read only
// the Result, never the AST.
//
// The Policy has every syscall name checked against the generated tables for the
// target arches, every syscall name checked against the generated tables for the
// target arches, sets expanded, errnos numeric, duplicates merged,
// contradictions reported with both positions, rules equal to the default
// dropped, and a deterministic order. Backends (Docker JSON, OCI, BPF,
// AppArmor) read only the Policy, never the source. The Policy spells each
// concept once: arches as syscalls.Arch (Docker's host names in
// includes/excludes as syscalls.NativeArch), actions as action.Action, whose
// SCMP and ErrnoRet methods are the one mapping to the runtime's names.
//
// The apparmor part resolves the block's typed statements (parsed and
// syntax-checked by profiles/) into apparmor's model: it looks capability and
// network names up, reports repeats, allow/deny conflicts and what the
// docker-default base already does, and warns where the runtime's peers lose
// their signals.
//
//	profiles.File ─► Compile ─► Result ─┬─ Policy ─► dockerjson, oci, bpf (target.Env resolves includes/excludes)
//	                                    ├─ AppArmor ─► apparmor.Render
//	                                    └─ Tests ─► verify/kernel, verify/container
package compiler
