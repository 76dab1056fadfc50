// Package kernel proves a compiled seccomp program against the running
// kernel: it loads the program in a child process and makes the syscall of
// each `expect` line there, comparing what happens with what the profile's
// test block expects.
//
// Pipeline position: compiler (Result: Policy and Tests.Expects, of type
// compiler.Expect) → compiler/bpf (Program) → kernel (this package), next
// to verify/container, which runs the Tests.Runs.
//
// Seccomp cannot be undone, so the check re-executes the current binary:
// the CLI's main and a test's TestMain call MaybeRunChild first thing. The
// child runs in a sandbox (sandbox.go: fresh namespaces, an unprivileged
// host id, an empty tmpfs root), because the profile, and so the call, is
// untrusted. It loads the filter on its main thread only (no TSYNC), so
// the Go runtime's other threads keep working whatever the profile denies,
// makes the raw syscall, and stores the result in memory it shares with
// the parent — no syscall is needed to report it. The parent sees a
// return value, a trap (recorded by the child's SIGSYS handler), the
// calling thread ended (its exit code tells a kill-thread's SIGSYS from
// exit), the process ended (SIGSYS for kill-process) or the thread asleep
// inside the call (let through). A cancelled context kills the child.
package kernel
