package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/secprof/secprof/internal/atomicfile"
	"github.com/secprof/secprof/internal/filekind"
)

// destination is where one output really goes once -o's path is looked at:
// stdout, a file replaced atomically, or a stream written in place.
type destination struct {
	path   string // the file written: the output path or the end of its symlinks
	stdout bool   // "-", "" or /dev/stdout: the command's own stdout
	stream bool   // a character device, a FIFO or a descriptor: written in place, never replaced
}

// maxLinkHops bounds a symlink chain as the kernel does (MAXSYMLINKS).
const maxLinkHops = 40

// IsStdout reports whether an -o value means the command's stdout.
func IsStdout(path string) bool { return path == "" || path == "-" || path == "/dev/stdout" }

// resolveDestination decides how path is written without changing anything.
// A symlink is followed to the file it names (so its target is replaced,
// never the link); a character device or FIFO is written in place; a
// symlink into /proc (/dev/stderr, /dev/fd/N) is a descriptor and is
// written in place too. Block devices, sockets and directories are
// refused. A missing file needs an existing directory, unless dirMissingOK
// (the directory `-o DIR/` names, created just before writing).
func resolveDestination(path string, dirMissingOK bool) (destination, error) {
	if IsStdout(path) {
		return destination{stdout: true}, nil
	}
	p := path
	for hop := 0; hop <= maxLinkHops; hop++ {
		fi, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			return newFileDestination(path, p, dirMissingOK)
		}
		if err != nil {
			return destination{}, err
		}
		mode := fi.Mode()
		if err := checkStickyOwner(path, p, fi); err != nil {
			return destination{}, err
		}
		switch {
		case mode&os.ModeSymlink != 0:
			next, descriptor, err := followLink(p)
			if err != nil {
				return destination{}, err
			}
			if descriptor {
				return destination{path: p, stream: true}, nil
			}
			p = next
		case mode.IsRegular():
			return destination{path: p}, nil
		case mode&os.ModeNamedPipe != 0, mode&os.ModeCharDevice != 0:
			return destination{path: p, stream: true}, nil
		case mode.IsDir():
			return destination{}, fmt.Errorf("%s is a directory; with one output, -o names a file (end it in / to write NAME.json… inside)", describePath(path, p))
		default:
			return destination{}, fmt.Errorf("refusing to write to %s: it is a %s; secprof writes regular files, FIFOs and character devices", describePath(path, p), filekind.Name(mode))
		}
	}
	return destination{}, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// checkStickyOwner refuses a file another user may have planted in a
// sticky directory anyone may write to (atomicfile.Planted). It runs when
// the target is resolved, for links and FIFOs too; atomicfile checks the
// file it replaces again when it stages the new one.
func checkStickyOwner(named, p string, fi os.FileInfo) error {
	uid, planted, err := atomicfile.Planted(p, fi)
	if err != nil || !planted {
		return err
	}
	return fmt.Errorf("refusing to write through %s: it is a %s owned by uid %d in the sticky directory %s, which anyone may write to; remove it or write elsewhere", describePath(named, p), filekind.Name(fi.Mode()), uid, filepath.Dir(p))
}

// followLink reads one symlink. A link into /proc names a descriptor
// (/dev/stdout → /proc/self/fd/1): the kernel follows it, secprof must not.
func followLink(p string) (next string, descriptor bool, err error) {
	link, err := os.Readlink(p)
	if err != nil {
		return "", false, err
	}
	if !filepath.IsAbs(link) {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return "", false, err
		}
		link = filepath.Join(dir, link)
	}
	if link == "/proc" || strings.HasPrefix(link, "/proc/") {
		return "", true, nil
	}
	return link, false, nil
}

// newFileDestination is a file that does not exist yet: its directory must.
func newFileDestination(named, p string, dirMissingOK bool) (destination, error) {
	dir := filepath.Dir(p)
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return destination{path: p}, nil
	case errors.Is(err, os.ErrNotExist) && dirMissingOK && p == named:
		return destination{path: p}, nil
	case errors.Is(err, os.ErrNotExist):
		return destination{}, fmt.Errorf("cannot write %s: directory %s does not exist (secprof creates only the directory that -o DIR/ names)", describePath(named, p), dir)
	case err == nil:
		return destination{}, fmt.Errorf("cannot write %s: %s is not a directory", describePath(named, p), dir)
	}
	return destination{}, err
}

// describePath names the output as written, and where its symlinks led.
func describePath(named, resolved string) string {
	if named == resolved {
		return named
	}
	return fmt.Sprintf("%s (a symlink to %s)", named, resolved)
}

// writeStream writes data in place: a device, a FIFO (which waits for a
// reader, as a shell's > does), or a descriptor. Nothing is created; a
// regular file reached through a descriptor is truncated first, as > does.
func writeStream(path string, data []byte) error {
	flags := os.O_WRONLY | syscall.O_NOCTTY
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
