// Package atomicfile writes files so that a reader — dockerd reading its
// seccomp-profile, a user's editor — sees the old content or the new, never
// a half-written file, and a failed write leaves the old file in place.
//
// A Txn writes several files as one step, as far as POSIX allows: every
// file's data goes to a temporary file beside it and is synced first; only
// then are the temporary files renamed over their targets, and when one
// rename fails the ones already done are rolled back from hard-link
// backups taken before the first rename.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/secprof/secprof/internal/filekind"
)

// Txn is a set of staged files. The zero value is ready to use.
type Txn struct {
	staged []*stagedFile
}

type stagedFile struct {
	path   string
	tmp    string
	backup string // a hard link to the file being replaced; "" for a new file
}

// Write replaces or creates one file atomically. An existing file keeps its
// mode and owner; a new one gets perm less the process umask.
func Write(path string, data []byte, perm os.FileMode) error {
	var t Txn
	if err := t.Stage(path, data, perm); err != nil {
		return err
	}
	return t.Commit()
}

// Stage writes data to a synced temporary file beside path, with the mode
// and owner path will have, and takes a backup link to the file it
// replaces. path must be a regular file or not exist; its directory must
// exist. Nothing visible at path changes until Commit.
func (t *Txn) Stage(path string, data []byte, perm os.FileMode) (err error) {
	old, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		old = nil
	case err != nil:
		return err
	case !old.Mode().IsRegular():
		return fmt.Errorf("%s is a %s, not a regular file; refusing to replace it", path, filekind.Name(old.Mode()))
	}
	if old != nil {
		// The new file keeps the old one's owner: never a planter's.
		if uid, planted, err := Planted(path, old); err != nil {
			return err
		} else if planted {
			return fmt.Errorf("refusing to replace %s: it is owned by uid %d in the sticky directory %s, which anyone may write to; remove it or write elsewhere", path, uid, dirOf(path))
		}
	}
	tmp, err := os.CreateTemp(dirOf(path), tempPrefix(path))
	if err != nil {
		return err
	}
	s := &stagedFile{path: path, tmp: tmp.Name()}
	defer func() {
		if err != nil {
			tmp.Close()
			s.discard()
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = setOwnerAndMode(tmp, old, perm); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if old != nil {
		if s.backup, err = linkBackup(path); err != nil {
			return fmt.Errorf("backing up %s before replacing it: %w", path, err)
		}
	}
	t.staged = append(t.staged, s)
	return nil
}

// Commit renames every staged file over its target. When a rename fails,
// the targets already replaced get their old file back (new ones are
// removed) and the error names the file that failed. The directories are
// synced so the renames survive a crash.
func (t *Txn) Commit() error {
	for i, s := range t.staged {
		if err := os.Rename(s.tmp, s.path); err != nil {
			rollbackErr := t.rollback(i)
			t.Abort()
			if rollbackErr != nil {
				return errors.Join(fmt.Errorf("replacing %s: %w", s.path, err), rollbackErr)
			}
			return fmt.Errorf("replacing %s: %w; no file was changed", s.path, err)
		}
	}
	dirs := map[string]bool{}
	for _, s := range t.staged {
		if s.backup != "" {
			os.Remove(s.backup)
		}
		dirs[dirOf(s.path)] = true
	}
	t.staged = nil
	for d := range dirs {
		syncDir(d)
	}
	return nil
}

// Abort removes every staged temporary file and backup link; the targets
// are untouched.
func (t *Txn) Abort() {
	for _, s := range t.staged {
		s.discard()
	}
	t.staged = nil
}

// rollback undoes the first n renames.
func (t *Txn) rollback(n int) error {
	var errs []error
	for _, s := range t.staged[:n] {
		var err error
		if s.backup != "" {
			err = os.Rename(s.backup, s.path)
			s.backup = ""
		} else {
			err = os.Remove(s.path)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("rolling back %s: %w", s.path, err))
		}
	}
	return errors.Join(errs...)
}

func (s *stagedFile) discard() {
	os.Remove(s.tmp)
	if s.backup != "" {
		os.Remove(s.backup)
	}
}

// setOwnerAndMode gives the temporary file what the target has (or, for a
// new file, perm less the umask). Owner first: chown clears set-id bits.
func setOwnerAndMode(tmp *os.File, old os.FileInfo, perm os.FileMode) error {
	mode := perm.Perm() &^ Umask()
	if old != nil {
		mode = old.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)
		if st, ok := old.Sys().(*syscall.Stat_t); ok {
			if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
				return fmt.Errorf("cannot keep owner %d:%d: %w", st.Uid, st.Gid, err)
			}
		}
	}
	return tmp.Chmod(mode)
}

// linkBackup makes a hard link to path under a fresh hidden name beside
// it, so the old file can be put back after its name was renamed over.
func linkBackup(path string) (string, error) {
	for i := 0; i < 100; i++ {
		f, err := os.CreateTemp(dirOf(path), tempPrefix(path)+"bak-")
		if err != nil {
			return "", err
		}
		name := f.Name()
		f.Close()
		os.Remove(name)
		err = os.Link(path, name)
		if !errors.Is(err, os.ErrExist) {
			return name, err
		}
	}
	return "", fmt.Errorf("no free backup name beside %s", path)
}

// Umask is the process's file mode creation mask, read from
// /proc/self/status so that it is never changed, even for a moment.
func Umask() os.FileMode {
	if m, ok := umaskFromProc(); ok {
		return m
	}
	// Kernels before 4.7 lack the Umask line: set and restore it.
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return os.FileMode(m)
}

func umaskFromProc() (os.FileMode, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return os.FileMode(m) & os.ModePerm, err == nil
		}
	}
	return 0, false
}

func dirOf(path string) string {
	if dir := filepath.Dir(path); dir != "" {
		return dir
	}
	return "."
}

// tempPrefix names temporary files after their target, cut short so the
// name stays within the 255 bytes a file name may have.
func tempPrefix(path string) string {
	base := filepath.Base(path)
	if len(base) > 64 {
		base = base[:64]
	}
	return "." + base + ".tmp-"
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Planted reports a file (fi, at path) that another user may have planted:
// it is in a sticky directory anyone may write to (/tmp) and owned neither
// by this process's user nor by the directory's owner. secprof follows
// symlinks itself and keeps a replaced file's owner, so the kernel's own
// guards (fs.protected_symlinks, protected_regular, protected_fifos),
// which stop a root shell's `>` there, never see its writes: a link to
// /etc/shadow left in /tmp would be followed, and a planted file would
// stay its planter's, who could then change the profile root installs.
// This is the kernel's rule, applied whatever the sysctls say.
func Planted(path string, fi os.FileInfo) (uid uint32, planted bool, err error) {
	dir, err := os.Stat(dirOf(path))
	if err != nil {
		return 0, false, err
	}
	if dir.Mode()&os.ModeSticky == 0 || dir.Mode().Perm()&0o002 == 0 {
		return 0, false, nil
	}
	uid, dirOwner := owner(fi), owner(dir)
	return uid, uid != uint32(os.Geteuid()) && uid != dirOwner, nil
}

func owner(fi os.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Uid
	}
	return 0
}
