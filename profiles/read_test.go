package profiles

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Each of these would hang (a FIFO waits for a writer), grow without end
// (/dev/zero) or act on open (a device) under os.ReadFile; ReadFile
// refuses them from the descriptor it opened, before reading a byte.
func TestReadFileRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	linkToZero := filepath.Join(dir, "zero.sp")
	if err := os.Symlink("/dev/zero", linkToZero); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{
		fifo:        "a FIFO",
		"/dev/zero": "a character device",
		linkToZero:  "a character device",
		dir:         "a directory",
	} {
		_, err := ReadFile(path)
		var nr *NotRegularError
		if !errors.As(err, &nr) || nr.Kind != kind {
			t.Errorf("ReadFile(%s) = %v; want it refused as %s", path, err, kind)
		}
	}
}

func TestReadFileFollowsSymlinksToRegularFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.sp")
	os.WriteFile(target, []byte("default allow\n"), 0o644)
	link := filepath.Join(dir, "link.sp")
	os.Symlink(target, link)
	if src, err := ReadFile(link); err != nil || string(src) != "default allow\n" {
		t.Errorf("ReadFile(symlink to a regular file) = %q, %v", src, err)
	}
}

// The size limit at its boundary, for a file and for stdin.
func TestReadSourceSizeLimit(t *testing.T) {
	dir := t.TempDir()
	atLimit := filepath.Join(dir, "at.sp")
	overLimit := filepath.Join(dir, "over.sp")
	os.WriteFile(atLimit, bytes.Repeat([]byte("#"), MaxSourceBytes), 0o644)
	os.WriteFile(overLimit, bytes.Repeat([]byte("#"), MaxSourceBytes+1), 0o644)
	if src, err := ReadFile(atLimit); err != nil || len(src) != MaxSourceBytes {
		t.Errorf("a file of exactly %d bytes: %d bytes, %v", MaxSourceBytes, len(src), err)
	}
	if _, err := ReadFile(overLimit); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over.sp: larger than 4 MiB") {
		t.Errorf("a file one byte over the limit: %v; want ErrTooLarge naming it", err)
	}
	if name, src, err := ReadSource("-", bytes.NewReader(make([]byte, MaxSourceBytes))); err != nil || name != StdinName || len(src) != MaxSourceBytes {
		t.Errorf("stdin at the limit: %s, %d bytes, %v", name, len(src), err)
	}
	// An endless stdin (secprof compile - </dev/zero) ends at the limit.
	if _, _, err := ReadSource("-", endless{}); !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), StdinName) {
		t.Errorf("endless stdin: %v; want ErrTooLarge", err)
	}
}

// endless reads as /dev/zero does.
type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }

var _ io.Reader = endless{}
