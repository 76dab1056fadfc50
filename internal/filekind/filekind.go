// Package filekind names a file's type the way secprof's messages do, for
// the reader of sources ("/dev/zero is a character device, not a regular
// file") and the writer of outputs alike.
package filekind

import "io/fs"

// Name is the file type of m: "regular file", "directory", "FIFO"…
func Name(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "special file"
}
