//go:build cgo && linux

package hostlib

import (
	"fmt"
	"slices"
	"sync"

	seccomp "github.com/seccomp/libseccomp-golang"

	"github.com/secprof/secprof/syscalls"
)

// Available reports whether the host's libseccomp can be asked.
func Available() bool { return true }

// Version is the version of the libseccomp the program runs with, e.g.
// "2.5.4".
func Version() string {
	major, minor, micro := seccomp.GetLibraryVersion()
	return fmt.Sprintf("%d.%d.%d", major, minor, micro)
}

func scmpArch(a syscalls.Arch) (seccomp.ScmpArch, bool) {
	if a.SCMPName() == "" {
		return seccomp.ArchInvalid, false
	}
	sa, err := seccomp.GetArchFromString(string(a))
	return sa, err == nil
}

// Resolve returns the number the host's libseccomp gives name on arch. It
// reports false for a name libseccomp does not know, for an arch it cannot
// filter, and for a pseudo-syscall (libseccomp's negative numbers, which no
// kernel ever sees).
func Resolve(arch syscalls.Arch, name string) (int, bool) {
	sa, ok := scmpArch(arch)
	if !ok {
		return 0, false
	}
	nr, err := seccomp.GetSyscallFromNameByArch(name, sa)
	if err != nil || nr < 0 {
		return 0, false
	}
	return int(nr), true
}

// Knows reports whether the host's libseccomp accepts name on arch at all,
// with a real number or a pseudo-number. A runtime that builds a filter with
// this libseccomp (runc, crun, Docker through runc) drops a rule whose name
// it does not know, without a word: that is what a false here predicts. On
// x86, libseccomp 2.5 knows socket and the other multiplexed calls only by
// pseudo-numbers (it filters them through socketcall as well), so Knows is
// true where Resolve is false.
//
// The compiler asks this for every name of a profile on every target arch,
// hundreds of questions for Docker's default, and each is a cgo call that
// allocates a C string. libseccomp's answers cannot change while the process
// runs, so the first question about an arch resolves every name of that
// arch's table at once and later questions about those names are lookups;
// other names are asked directly.
func Knows(arch syscalls.Arch, name string) bool {
	if known, ok := knownOn(arch)[name]; ok {
		return known
	}
	return knows(arch, name)
}

func knows(arch syscalls.Arch, name string) bool {
	sa, ok := scmpArch(arch)
	return ok && knowsOn(sa, name)
}

func knowsOn(sa seccomp.ScmpArch, name string) bool {
	_, err := seccomp.GetSyscallFromNameByArch(name, sa)
	return err == nil
}

// knownCache holds, per arch of ours, libseccomp's answer for every name of
// the arch's table, built on the first question about the arch. A scan of
// the sixteen arches, the usual ones first, costs less than hashing the
// arch's name.
var knownCache = func() []archKnown {
	var out []archKnown
	// The arches every profile targets on an x86_64 host come first.
	arches := syscalls.DefaultArches()
	for _, a := range syscalls.Arches() {
		if !slices.Contains(arches, a) {
			arches = append(arches, a)
		}
	}
	for _, a := range arches {
		out = append(out, archKnown{arch: a, names: sync.OnceValue(func() map[string]bool {
			sa, ok := scmpArch(a)
			names := syscalls.Names(a)
			m := make(map[string]bool, len(names))
			for _, n := range names {
				m[n] = ok && knowsOn(sa, n)
			}
			return m
		})})
	}
	return out
}()

type archKnown struct {
	arch  syscalls.Arch
	names func() map[string]bool
}

// knownOn returns the answers kept for arch, nil for an arch with no table.
func knownOn(arch syscalls.Arch) map[string]bool {
	for i := range knownCache {
		if knownCache[i].arch == arch {
			return knownCache[i].names()
		}
	}
	return nil
}

// Name returns the name the host's libseccomp gives number nr on arch.
func Name(arch syscalls.Arch, nr int) (string, bool) {
	sa, ok := scmpArch(arch)
	if !ok || nr < 0 {
		return "", false
	}
	name, err := seccomp.ScmpSyscall(nr).GetNameByArch(sa)
	if err != nil || name == "" {
		return "", false
	}
	return name, true
}
