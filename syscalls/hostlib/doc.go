// Package hostlib asks the host's libseccomp (through cgo and
// libseccomp-golang) what it knows: its version, and the number it gives a
// syscall name on an arch. The compiler resolves names with the generated
// tables in package syscalls; this is the second opinion that tells a user
// when the libseccomp that runc or Docker will load a profile with does not
// know a name, so the runtime would drop that rule without a word.
//
// Without cgo the package builds but reports Available() == false.
package hostlib
