package rootfs

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// The stamp spares every secprof process the plan: reading the ELF
// headers of every tool and library to learn which host files the tree
// is made of (about 1 ms of a 40 ms "secprof test"). It records that list
// and the tree it gave; when none of the listed files and none of the
// library directories changed (the same stat identity plan.hash uses), the
// plan would come out the same and so would its hash. A library directory
// that gains or loses a file changes its mtime, which covers a new library
// shadowing an old one; anything else falls back to the full plan. The
// compiler of the x86 programs is looked up afresh, as the plan would, which
// costs a walk of PATH.

const stampName = "rootfs.stamp"

// stampMagic changes with the stamp's format or with anything the plan
// reads besides the files (layout, tool list, library directories).
var stampMagic = "secprof-rootfs-stamp-1 " + layoutVersion + " " + strings.Join(GlibcTools, ",") + " " + strings.Join(libDirs, ",")

// fromStamp returns the tree the stamp in cache names when the stamp still
// holds and the tree is there.
func fromStamp(cache string) (FS, bool) {
	f, err := os.Open(filepath.Join(cache, stampName))
	if err != nil {
		return FS{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if sc.Err() != nil || len(lines) < 3 || lines[0] != stampMagic {
		return FS{}, false
	}
	hash, dirsID := lines[1], lines[2]
	p := &plan{files: lines[3:], cc: lookCC()}
	if got, err := identity(libDirs); err != nil || got != dirsID {
		return FS{}, false
	}
	if got, err := p.hash(); err != nil || got != hash || len(hash) < 16 {
		return FS{}, false
	}
	dir := filepath.Join(cache, "rootfs-"+hash[:16])
	if _, err := os.Stat(filepath.Join(dir, "bin", "busybox")); err != nil {
		return FS{}, false
	}
	return FS{Dir: dir, Hash: hash}, true
}

// writeStamp records p and its tree's hash in cache, atomically, so that a
// concurrent reader sees the old stamp or the new one.
func writeStamp(cache string, p *plan, hash string) error {
	dirsID, err := identity(libDirs)
	if err != nil {
		return err
	}
	body := strings.Join(slices.Concat([]string{stampMagic, hash, dirsID}, p.files), "\n") + "\n"
	tmp, err := os.CreateTemp(cache, ".stamp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing there
	if _, err := tmp.WriteString(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(cache, stampName))
}

// identity hashes what stat says of each path (missing ones included, as
// missing), so a change to any of them changes the result.
func identity(paths []string) (string, error) {
	h := sha256.New()
	for _, name := range paths {
		st, err := os.Stat(name)
		if err != nil {
			if os.IsNotExist(err) {
				fmt.Fprintf(h, "%s missing\n", name)
				continue
			}
			return "", err
		}
		fmt.Fprintf(h, "%s %o %d %d", name, st.Mode(), st.Size(), st.ModTime().UnixNano())
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			fmt.Fprintf(h, " %d %d", sys.Dev, sys.Ino)
		}
		fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
