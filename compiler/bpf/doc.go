// Package bpf is the libseccomp backend: it turns the IR (compiler.Policy)
// into the classic-BPF program the kernel runs, built the way runc builds it
// from the same profile, so that what secprof measures and exports is what a
// container would get.
//
// Pipeline position: profiles (AST) → compiler (Policy) → bpf (this package)
// → verify/kernel loads the program in a child process and checks
// expectations against it.
//
// Build first resolves Docker's includes/excludes for a target.Env
// (capabilities, native arch, kernel), as moby's loader does, then adds every rule to a
// libseccomp filter as runc's libcontainer/seccomp does: kill is
// kill-thread, errno without a number is EPERM, rules equal to the default
// action are skipped, names the host's libseccomp does not know are skipped
// (reported as warnings), and several conditions on one argument become
// separate rules. It builds one filter holding every target arch (the program
// runc loads, what Export returns) and, for --stats, one filter per arch.
package bpf
