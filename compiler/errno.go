package compiler

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxErrno is the largest errno the kernel returns from a seccomp filter
// (MAX_ERRNO): a larger one is clamped to it.
const maxErrno = 4095

// EffectiveErrno is the errno a call gets for a filter's errno n: the
// runtime passes libseccomp the low 16 bits (SECCOMP_RET_DATA), and the
// kernel clamps what is above MAX_ERRNO to 4095.
func EffectiveErrno(n uint) uint {
	return min(n&0xffff, maxErrno)
}

// errnoByName maps errno names to numbers, built from golang.org/x/sys,
// which generates its table from the kernel headers, plus the aliases
// glibc defines.
var errnoByName = func() map[string]uint {
	m := map[string]uint{
		"EWOULDBLOCK": uint(unix.EWOULDBLOCK),
		"EDEADLOCK":   uint(unix.EDEADLOCK),
		"ENOTSUP":     uint(unix.ENOTSUP),
	}
	for n := 1; n < 200; n++ {
		if name := unix.ErrnoName(syscall.Errno(n)); name != "" {
			m[name] = uint(n)
		}
	}
	return m
}()

// ErrnoNames lists every errno name secprof accepts.
func ErrnoNames() []string {
	names := make([]string, 0, len(errnoByName))
	for n := range errnoByName {
		names = append(names, n)
	}
	return names
}

// ParseErrno reads an errno written as a name (EPERM) or a number (1).
// Any number Docker's decoder accepts is read; EffectiveErrno says what a
// large one becomes.
func ParseErrno(s string) (uint, bool) {
	if n, ok := errnoByName[strings.ToUpper(s)]; ok {
		return n, true
	}
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, false
	}
	return uint(n), true
}
