//go:build !linux

package profiles

import (
	"os"
	"syscall"
)

const (
	oNoCTTY   = syscall.O_NOCTTY
	oNonblock = syscall.O_NONBLOCK
)

// openRegular opens path and keeps it only when the opened file is
// regular. Unlike on Linux, opening a device here may act on it first.
func openRegular(path string) (*os.File, error) {
	f, err := osOpenRead(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkRegular(path, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
