// Package kernel proves a compiled seccomp program against the running
// kernel: it loads the program in a child process and makes the syscall of
// each `expect` line there, comparing what happens with what the profile's
// test block expects.
//
// Pipeline position: compiler (Policy) → compiler/bpf (Program) → kernel
// (this package), next to verify/container, which runs whole commands.
//
// Seccomp cannot be undone, so the check re-executes the current binary:
// the CLI's main and a test's TestMain call MaybeRunChild first thing. The
// child loads the filter on one locked thread only (no TSYNC), so the Go
// runtime's other threads keep working whatever the profile denies, makes
// the raw syscall, and stores the result in memory it shares with the
// parent — no syscall is needed to report it. The parent sees a thread
// killed (its task vanishes), a process killed (SIGSYS), a trap (recorded
// by the child's SIGSYS handler) or a return value.
package kernel
