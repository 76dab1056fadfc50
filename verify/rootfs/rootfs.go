package rootfs

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// PATH is the search path commands run with in a test container: busybox's
// applets first, then the glibc userland, then the x86 programs.
const PATH = "/bin:/sbin:/usr/bin:/usr/sbin:" + X86Dir

// Busybox is where a static busybox is read from on the host
// (Debian's busybox-static package).
const Busybox = "/usr/bin/busybox"

// GlibcTools are the dynamically linked host binaries copied into /usr/bin,
// so that a test can run the glibc variant of a command by its full path.
var GlibcTools = []string{
	"/usr/bin/cat", "/usr/bin/chgrp", "/usr/bin/chmod", "/usr/bin/chown",
	"/usr/bin/false", "/usr/bin/id", "/usr/bin/ln", "/usr/bin/ls",
	"/usr/bin/mkdir", "/usr/bin/mount", "/usr/bin/rm", "/usr/bin/sleep",
	"/usr/bin/stat", "/usr/bin/touch", "/usr/bin/true", "/usr/bin/umount",
	"/usr/bin/unshare",
}

// layoutVersion changes whenever the shape of the tree changes, so that a
// cached tree built by an older secprof is not reused.
const layoutVersion = "secprof-rootfs-3"

// libDirs are searched for DT_NEEDED libraries, in the order of Debian's
// dynamic loader on x86_64.
var libDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"}

// FS is a built root filesystem.
type FS struct {
	// Dir is the tree; containers must mount it read-only.
	Dir string
	// Hash is the hex SHA-256 that identifies the inputs the tree was built
	// from (see plan.hash).
	Hash string
}

var (
	ensureMu  sync.Mutex
	ensuredFS *FS
)

// Ensure returns the cached root filesystem, building it first when no tree
// for the current inputs exists. Within one process the answer is computed
// once.
func Ensure() (FS, error) {
	ensureMu.Lock()
	defer ensureMu.Unlock()
	if ensuredFS != nil {
		return *ensuredFS, nil
	}
	cache, err := cacheDir()
	if err != nil {
		return FS{}, err
	}
	fsys, err := EnsureIn(cache)
	if err != nil {
		return FS{}, err
	}
	ensuredFS = &fsys
	return fsys, nil
}

// cacheDir is where built trees live: /var/cache/secprof for root (the
// engines need root, and under sudo HOME may be a user's), else the user's
// cache directory, else /var/tmp.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	switch {
	case os.Geteuid() == 0:
		base = "/var/cache"
	case err != nil:
		base = "/var/tmp"
	}
	dir := filepath.Join(base, "secprof")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("rootfs cache: %w", err)
	}
	return dir, nil
}

// EnsureIn is Ensure with an explicit cache directory and no memo.
func EnsureIn(cache string) (FS, error) {
	if fsys, ok := fromStamp(cache); ok {
		return fsys, nil
	}
	plan, err := makePlan()
	if err != nil {
		return FS{}, err
	}
	hash, err := plan.hash()
	if err != nil {
		return FS{}, err
	}
	fsys, err := ensurePlanned(cache, plan, hash)
	if err == nil {
		// A stamp that cannot be written costs the next process the plan,
		// nothing else.
		writeStamp(cache, plan, hash)
	}
	return fsys, err
}

// ensurePlanned finds or builds the tree of plan, whose hash is given.
func ensurePlanned(cache string, plan *plan, hash string) (FS, error) {
	final := filepath.Join(cache, "rootfs-"+hash[:16])
	if _, err := os.Stat(filepath.Join(final, "bin", "busybox")); err == nil {
		return FS{Dir: final, Hash: hash}, nil
	}
	// Build next to the final place and rename, so a reader never sees a
	// half-built tree and two concurrent builders cannot mix their files.
	tmp, err := os.MkdirTemp(cache, ".rootfs-build-")
	if err != nil {
		return FS{}, fmt.Errorf("rootfs: %w", err)
	}
	if err := plan.build(tmp); err != nil {
		os.RemoveAll(tmp)
		return FS{}, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return FS{}, fmt.Errorf("rootfs: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		// Another builder won the race; its tree is as good as ours.
		if _, statErr := os.Stat(filepath.Join(final, "bin", "busybox")); statErr == nil {
			return FS{Dir: final, Hash: hash}, nil
		}
		return FS{}, fmt.Errorf("rootfs: %w", err)
	}
	return FS{Dir: final, Hash: hash}, nil
}

// plan is everything the tree is made of, known before anything is copied:
// busybox, the host paths mirrored into the tree (binaries, libraries), and
// the compiler of the x86 programs.
type plan struct {
	files []string
	// cc is the resolved path of gcc, "" when the host has none.
	cc string
}

// applets lists busybox's applets, to be linked in /bin.
func applets() ([]string, error) {
	out, err := exec.Command(Busybox, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("rootfs: listing busybox applets: %w", err)
	}
	var names []string
	for _, a := range strings.Fields(string(out)) {
		if a != "busybox" && !strings.ContainsRune(a, '/') {
			names = append(names, a)
		}
	}
	sort.Strings(names)
	return names, nil
}

func makePlan() (*plan, error) {
	if err := requireStatic(Busybox); err != nil {
		return nil, err
	}
	p := &plan{cc: lookCC()}
	seen := map[string]bool{}
	var visit func(file string) error
	visit = func(file string) error {
		if seen[file] {
			return nil
		}
		seen[file] = true
		p.files = append(p.files, file)
		deps, err := elfDeps(file)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, tool := range GlibcTools {
		if _, err := os.Stat(tool); err != nil {
			return nil, fmt.Errorf("rootfs: %s is missing on this host (coreutils, util-linux and mount provide it; run scripts/setup.sh)", tool)
		}
		if err := visit(tool); err != nil {
			return nil, err
		}
	}
	sort.Strings(p.files)
	return p, nil
}

func requireStatic(file string) error {
	f, err := elf.Open(file)
	if err != nil {
		return fmt.Errorf("rootfs: need a static busybox at %s (Debian's busybox-static; run scripts/setup.sh): %w", file, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("rootfs: %s is dynamically linked; install busybox-static", file)
		}
	}
	return nil
}

// elfDeps returns the loader and libraries file needs at run time, as host
// paths. It reads the ELF headers rather than running ldd, which would
// execute the binary's loader.
func elfDeps(file string) ([]string, error) {
	f, err := elf.Open(file)
	if err != nil {
		return nil, fmt.Errorf("rootfs: %s: %w", file, err)
	}
	defer f.Close()
	var deps []string
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return nil, fmt.Errorf("rootfs: %s: reading interpreter: %w", file, err)
		}
		deps = append(deps, strings.TrimRight(string(b), "\x00"))
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("rootfs: %s: %w", file, err)
	}
	for _, lib := range libs {
		found := ""
		for _, dir := range libDirs {
			cand := filepath.Join(dir, lib)
			if _, err := os.Stat(cand); err == nil {
				found = cand
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("rootfs: %s needs %s, which is in none of %s", file, lib, strings.Join(libDirs, " "))
		}
		deps = append(deps, found)
	}
	return deps, nil
}

// hash identifies the inputs: the layout version, the x86 programs'
// sources and, for every input file and the compiler, its path, size,
// modification time, device and inode. Reading the
// files' contents would cost every secprof process ~20 ms; dpkg replaces a
// file (new inode) whenever a package changes it, so a host upgrade gives
// a new tree all the same.
func (p *plan) hash() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nx86 %s\n", layoutVersion, x86Digest())
	files := append([]string{Busybox}, p.files...)
	if p.cc == "" {
		fmt.Fprintln(h, "no cc")
	} else {
		files = append(files, p.cc)
	}
	for _, file := range files {
		st, err := os.Stat(file)
		if err != nil {
			return "", fmt.Errorf("rootfs: %w", err)
		}
		fmt.Fprintf(h, "file %s %o %d %d", file, st.Mode().Perm(), st.Size(), st.ModTime().UnixNano())
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			fmt.Fprintf(h, " %d %d", sys.Dev, sys.Ino)
		}
		fmt.Fprintln(h)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (p *plan) build(root string) error {
	for _, d := range []string{"bin", "sbin", "etc", "proc", "sys", "dev", "root", "usr/bin", "usr/sbin"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
	}
	// Mount points must exist in advance: containers mount the tree
	// read-only, so the runtime cannot create them.
	if err := os.Mkdir(filepath.Join(root, "tmp"), 0o755); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := os.Chmod(filepath.Join(root, "tmp"), 0o1777); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := copyFile(Busybox, filepath.Join(root, "bin", "busybox")); err != nil {
		return err
	}
	names, err := applets()
	if err != nil {
		return err
	}
	for _, a := range names {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
	}
	for _, file := range p.files {
		if err := mirror(root, file); err != nil {
			return err
		}
	}
	// A loader cache, as every Debian system has, spares each glibc
	// command's start a search of the library directories.
	ldconfig, err := exec.LookPath("ldconfig")
	if err != nil {
		ldconfig = "/sbin/ldconfig" // not on a non-root user's PATH
	}
	if out, err := exec.Command(ldconfig, "-r", root).CombinedOutput(); err != nil {
		return fmt.Errorf("rootfs: ldconfig -r: %v: %s", err, out)
	}
	if err := p.buildX86(root); err != nil {
		return err
	}
	etc := map[string]string{
		"passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"group":  "root:x:0:\nnogroup:x:65534:\n",
	}
	for name, body := range etc {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(body), 0o644); err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
	}
	return nil
}

// mirror copies the host file at abs into root under the same path, and
// recreates every symlink met on the way (Debian's /lib -> usr/lib,
// libfoo.so.1 -> libfoo.so.1.2.3), so the dynamic loader finds libraries
// in the container exactly where it finds them on the host.
func mirror(root, abs string) error {
	rest := strings.Split(strings.TrimPrefix(path.Clean(abs), "/"), "/")
	cur := "/"
	for hops := 0; len(rest) > 0; hops++ {
		if hops > 64 {
			return fmt.Errorf("rootfs: too many symlinks resolving %s", abs)
		}
		next := path.Join(cur, rest[0])
		rest = rest[1:]
		st, err := os.Lstat(next)
		if err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
		dst := filepath.Join(root, next)
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(next)
			if err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
			if err := os.Symlink(target, dst); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("rootfs: %w", err)
			}
			base := cur
			if path.IsAbs(target) {
				base = "/"
			}
			// Resolve from the link's directory, then walk what is left.
			resolved := strings.TrimPrefix(path.Join(base, target), "/")
			rest = append(strings.Split(resolved, "/"), rest...)
			cur = "/"
		case st.IsDir():
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
			cur = next
		default:
			if len(rest) > 0 {
				return fmt.Errorf("rootfs: %s: not a directory", next)
			}
			if _, err := os.Lstat(dst); err == nil {
				return nil
			}
			return copyFile(next, dst)
		}
	}
	return nil
}

// copyFile copies a regular file, keeping its permission bits but not
// set-id bits: containers run as root and need no privilege escalation.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("rootfs: copying %s: %w", src, err)
	}
	return out.Close()
}
