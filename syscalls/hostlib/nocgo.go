//go:build !(cgo && linux)

package hostlib

import "github.com/secprof/secprof/syscalls"

// Available reports whether the host's libseccomp can be asked: never in
// a build without cgo.
func Available() bool { return false }

// Version is "" in a build without cgo.
func Version() string { return "" }

// Resolve knows nothing in a build without cgo.
func Resolve(syscalls.Arch, string) (int, bool) { return 0, false }

// Name knows nothing in a build without cgo.
func Name(syscalls.Arch, int) (string, bool) { return "", false }

// Knows knows nothing in a build without cgo.
func Knows(syscalls.Arch, string) bool { return false }
