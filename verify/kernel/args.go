package kernel

import "golang.org/x/sys/unix"

// argShapes gives the arguments the check passes when an expectation does
// not write them, one letter per argument, so that file calls act on
// throwaway files in the sandbox's own tmpfs root instead of failing with
// EFAULT before the kernel looks at them:
//
//	f path of a file   d path of a directory   n path that does not exist yet
//	F fd of the file   D fd of the directory   a AT_FDCWD
//	m mode 0600        b a scratch page        L its length (4096)
//	P PTRACE_PEEKUSER  0 zero
//
// Calls not listed get zeros. Written arguments are numbers only: a number
// used as a pointer or an fd names the child's own memory or files, and
// every path resolves inside the sandbox (sandbox.go).
var argShapes = map[string]string{
	"chmod": "fm", "fchmod": "Fm", "fchmodat": "afm", "fchmodat2": "afm0",
	"chown": "f00", "lchown": "f00", "fchown": "F00", "fchownat": "af000",
	"truncate": "f0", "ftruncate": "F0", "access": "f0", "faccessat": "af0", "faccessat2": "af00",
	"open": "f0", "openat": "af0", "creat": "nm",
	"mkdir": "nm", "mkdirat": "anm", "rmdir": "d", "unlink": "f", "unlinkat": "af0",
	"rename": "fn", "renameat": "afan", "renameat2": "afan0", "link": "fn", "linkat": "afan0",
	"symlink": "fn", "symlinkat": "fan", "readlink": "fbL", "readlinkat": "afbL",
	"stat": "fb", "lstat": "fb", "fstat": "Fb", "newfstatat": "afb0", "statx": "af00b",
	"statfs": "fb", "fstatfs": "Fb", "chdir": "d", "fchdir": "D", "chroot": "d",
	"utimes": "f0", "utimensat": "af00", "fsync": "F", "fdatasync": "F", "flock": "F0",
	"getcwd": "bL", "uname": "b", "ptrace": "P0", "sethostname": "b", "setdomainname": "b",
	"getxattr": "f0bL", "setxattr": "f0000", "listxattr": "fbL", "removexattr": "f0",
}

// childArgs fills the six arguments: the written ones, then the shapes.
// It runs in the child, inside the sandbox, whose root holds /file and
// /dir, so paths and fds are the child's own.
func childArgs(name string, written []uint64) [6]uint64 {
	var out [6]uint64
	shape := argShapes[name]
	for i := range out {
		if i < len(written) {
			out[i] = written[i]
			continue
		}
		if i >= len(shape) {
			continue
		}
		switch shape[i] {
		case 'f':
			out[i] = cString("/file")
		case 'd':
			out[i] = cString("/dir")
		case 'n':
			out[i] = cString("/new")
		case 'F':
			out[i] = openFD("/file", unix.O_RDWR)
		case 'D':
			out[i] = openFD("/dir", unix.O_RDONLY|unix.O_DIRECTORY)
		case 'a':
			out[i] = uint64(atFDCWD)
		case 'm':
			out[i] = 0o600
		case 'b':
			out[i] = scratch()
		case 'L':
			out[i] = pageSize
		case 'P':
			out[i] = unix.PTRACE_PEEKUSR
		}
	}
	return out
}

// atFDCWD is a variable so that the negative constant can become an argument.
var atFDCWD int64 = unix.AT_FDCWD

func openFD(path string, flags int) uint64 {
	fd, err := unix.Open(path, flags|unix.O_CLOEXEC, 0)
	if err != nil {
		fail(exitSetup, "%v", err)
	}
	return uint64(fd)
}
