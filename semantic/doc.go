// Package semantic decides what a Docker/OCI seccomp profile does with each
// syscall, so that two profiles can be compared by meaning rather than bytes.
//
// It sits beside the pipeline, not in it: the compiler's backends produce
// Docker JSON and OCI LinuxSeccomp; this package reads those outputs (or any
// Docker profile) the way runc and libseccomp would and reduces them to a
// normal form, a Table. Two Tables are equal exactly when the profiles decide
// every syscall alike, whatever the order, grouping and spelling of their
// rules. Tests across the project use it as their oracle, and `secprof diff`
// prints its Differences.
//
// The normal form follows the runtime, not the file:
//   - runc drops a rule whose action equals the default action (it would be
//     redundant, and libseccomp refuses it);
//   - runc splits a rule that compares the same argument twice into one rule
//     per comparison (an OR, not an AND);
//   - libseccomp lets an unconditional rule for a syscall override every
//     conditional one, and keeps the first of two unconditional rules;
//   - libseccomp masks the datum of a masked comparison and ignores a
//     comparison whose mask is zero;
//   - an errno action without errnoRet returns EPERM, SCMP_ACT_KILL is
//     SCMP_ACT_KILL_THREAD, and SECCOMP_FILTER_FLAG_TSYNC is what runc does
//     anyway.
//
// A Table shares its value types with the compiler's IR (action.Action,
// syscalls.Arch), not its decisions: every rule above is worked out here
// again, so the two can be held to agree.
//
// Resolve applies Docker's includes/excludes (capabilities, native arch,
// minimum kernel) for an environment the caller chooses, as moby's loader
// does for the host it runs on.
package semantic
