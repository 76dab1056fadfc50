package profiles

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

const (
	oNoCTTY   = unix.O_NOCTTY
	oNonblock = unix.O_NONBLOCK
)

// openRegular opens path for reading only when it is a regular file. The
// path is first opened with O_PATH, which opens nothing behind it (no
// FIFO wait, no device's open handler: /dev/watchdog arms on open); that
// descriptor is checked, and the file read is reopened from it through
// /proc/self/fd, so it is the very file that was checked. Where /proc is not
// mounted the path is reopened and must still be the same file.
func openRegular(path string) (*os.File, error) {
	pfd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	ph := os.NewFile(uintptr(pfd), path)
	defer ph.Close()
	checked, err := ph.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, checked); err != nil {
		return nil, err
	}
	f, err := osOpenRead("/proc/self/fd/" + strconv.Itoa(pfd))
	if isNotExist(err) {
		f, err = osOpenRead(path)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: unwrapPathError(err)}
	}
	opened, err := f.Stat()
	if err == nil && !os.SameFile(checked, opened) {
		err = &os.PathError{Op: "open", Path: path, Err: errChanged}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
