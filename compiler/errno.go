package compiler

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxErrno is the largest errno Linux defines (EHWPOISON); seccomp can
// return up to 4095, so larger numbers are accepted but have no name.
const maxErrno = 4095

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

// ErrnoName is the canonical name of an errno number, "" if it has none.
func ErrnoName(n uint) string {
	if n == 0 || n > 199 {
		return ""
	}
	return unix.ErrnoName(syscall.Errno(n))
}

// ErrnoNames lists every errno name secprof accepts.
func ErrnoNames() []string {
	names := make([]string, 0, len(errnoByName))
	for n := range errnoByName {
		names = append(names, n)
	}
	return names
}

// ParseErrno reads an errno written as a name (EPERM) or a number (1).
func ParseErrno(s string) (uint, bool) {
	if n, ok := errnoByName[strings.ToUpper(s)]; ok {
		return n, true
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil || n > maxErrno {
		return 0, false
	}
	return uint(n), true
}
