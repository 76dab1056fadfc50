package profiles

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/secprof/secprof/internal/filekind"
)

// MaxSourceBytes bounds every source secprof reads — a file named on the
// command line, standard input, a base: /dev/zero or a file that grows
// while it is read must end in an error, not in the OOM killer.
const MaxSourceBytes = 4 << 20

// StdinName names standard input in diagnostics, for the source "-".
const StdinName = "<stdin>"

// ErrTooLarge says a source holds more than MaxSourceBytes.
var ErrTooLarge = fmt.Errorf("larger than %d MiB, the limit for a source", MaxSourceBytes>>20)

// NotRegularError says a path names something other than a regular file:
// a FIFO would block, a device may act when opened or never end.
type NotRegularError struct {
	Path string
	Kind string // "a directory", "a FIFO", "a character device", …
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.Kind)
}

// ReadSource reads the source a command line names: "-" is stdin, whose
// name in diagnostics is StdinName; anything else is a regular file read
// with ReadFile.
func ReadSource(path string, stdin io.Reader) (name string, src []byte, err error) {
	if path == "-" {
		src, err = readCapped(stdin)
		if err != nil {
			return StdinName, nil, fmt.Errorf("%s: %w", StdinName, err)
		}
		return StdinName, src, nil
	}
	src, err = ReadFile(path)
	return path, src, err
}

// ReadFile reads a regular file of at most MaxSourceBytes. The file is
// checked through the descriptor that is read, never by a stat of the path
// before opening it (see openRegular), and read through a limit, so a file
// that grows meanwhile cannot make it read more.
func ReadFile(path string) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := readCapped(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, nil
}

// readCapped reads r to its end, or fails with ErrTooLarge once it holds
// more than MaxSourceBytes.
func readCapped(r io.Reader) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSourceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxSourceBytes {
		return nil, ErrTooLarge
	}
	return src, nil
}

// checkRegular fails unless fi is a regular file.
func checkRegular(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Path: path, Kind: "a " + filekind.Name(fi.Mode())}
	}
	return nil
}

// isNotExist reports a path that names nothing, for callers that word
// that case themselves.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// osOpenRead opens for reading only, never as a controlling terminal and
// without blocking on a FIFO's missing writer.
func osOpenRead(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|oNoCTTY|oNonblock, 0)
}

// errChanged says the path named another file when it was opened to be
// read than when it was checked.
var errChanged = errors.New("the file changed while it was opened")

// unwrapPathError drops an *os.PathError's path, so that the error can be
// reported with the path the user wrote rather than /proc/self/fd/N.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
