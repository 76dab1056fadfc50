package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// outputKinds are the -o targets the CLI fuzz target writes to.
var outputKinds = []string{"regular", "directory", "new-directory", "symlink", "fifo", "device", "missing", "stdout"}

// FuzzCLI runs `secprof compile` in-process on arbitrary source bytes,
// formats and -o targets, each iteration in a fresh directory, and checks
// what the issue asks: no panic, nothing changed but the named output (a
// symlink's target, a FIFO's reader, files directly in an output
// directory), every target keeps its file type, and no non-zero exit
// without a message (under --json, one JSON object with the error).
func FuzzCLI(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/profiles/*")
	seeds = append(seeds, "../../examples/seed.sp")
	for i, p := range seeds {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data, uint8(i), uint8(i), i%3 == 0)
		}
	}
	f.Add([]byte("profile ../../evil\ndefault allow\n"), uint8(1), uint8(15), false)
	f.Add([]byte("profile web\ndefault allow\napparmor {\n deny /etc/shadow rw\n}\n"), uint8(2), uint8(9), true)
	f.Fuzz(func(t *testing.T, src []byte, kind, formatBits uint8, jsonMode bool) {
		dir := memoryDir(t)
		in := filepath.Join(dir, "in.sp")
		if err := os.WriteFile(in, src, 0o644); err != nil {
			t.Fatal(err)
		}
		area := filepath.Join(dir, "area")
		os.Mkdir(area, 0o755)
		o := makeOutput(t, area, outputKinds[int(kind)%len(outputKinds)])
		defer o.close()
		args := []string{"compile", in, "-f", formatList(formatBits), "-o", o.arg}
		if jsonMode {
			args = append([]string{"--json"}, args...)
		}
		before := snapshot(t, dir)
		var stdout, stderr bytes.Buffer
		code := runCLI(context.Background(), args, &stdout, &stderr, nil)
		o.close()
		after := snapshot(t, dir)

		if code != 0 && strings.TrimSpace(stderr.String()) == "" {
			t.Fatalf("%q: exit %d without a message", args, code)
		}
		if jsonMode {
			var rep struct {
				Exit        int
				Error       *jsonError
				Diagnostics []json.RawMessage
			}
			if err := json.Unmarshal(stderr.Bytes(), &rep); err != nil || rep.Exit != code || (code != 0) != (rep.Error != nil) || rep.Diagnostics == nil {
				t.Fatalf("--json stderr is not one report of exit %d: %v\n%s", code, err, stderr.Bytes())
			}
		}
		for path, was := range before {
			now, ok := after[path]
			if !o.mayChange(path) && (!ok || now != was) {
				t.Fatalf("%q changed %s: %+v -> %+v", args, path, was, now)
			}
			if ok && now.typ != was.typ {
				t.Fatalf("%q swapped the type of %s: %v -> %v", args, path, was.typ, now.typ)
			}
		}
		for path := range after {
			if _, ok := before[path]; !ok && !o.mayChange(path) {
				t.Fatalf("%q created %s", args, path)
			}
		}
		if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is no longer a character device")
		}
	})
}

// memoryDir is a fresh directory in memory where the machine has one
// (/dev/shm), else under the test's temporary directory. Every compile
// syncs the files it writes; on a disk each sync waits for the device, and
// the fuzzer would spend its time waiting instead of trying inputs.
func memoryDir(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "secprof-fuzz-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// formatList picks -f from four bits; no bit means the default, docker.
func formatList(bits uint8) string {
	var fs []string
	for i, f := range []string{"docker", "oci", "bpf", "apparmor"} {
		if bits&(1<<i) != 0 {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return "docker"
	}
	return strings.Join(fs, ",")
}

// fuzzOutput is one -o target and what a run may change for it.
type fuzzOutput struct {
	arg       string
	mayChange func(path string) bool
	close     func()
}

func makeOutput(t *testing.T, area, kind string) fuzzOutput {
	t.Helper()
	nothing := func(string) bool { return false }
	only := func(p string) func(string) bool { return func(q string) bool { return q == p } }
	inside := func(d string) func(string) bool {
		return func(q string) bool { return filepath.Dir(q) == d }
	}
	o := fuzzOutput{mayChange: nothing, close: func() {}}
	switch kind {
	case "regular":
		o.arg = filepath.Join(area, "out.json")
		os.WriteFile(o.arg, []byte("old"), 0o640)
		o.mayChange = only(o.arg)
	case "directory":
		d := filepath.Join(area, "d")
		os.Mkdir(d, 0o755)
		os.WriteFile(filepath.Join(d, "other"), []byte("keep"), 0o644)
		o.arg, o.mayChange = d, func(q string) bool { return inside(d)(q) && filepath.Base(q) != "other" }
	case "new-directory":
		d := filepath.Join(area, "new")
		o.arg = d + "/"
		o.mayChange = func(q string) bool { return q == d || inside(d)(q) }
	case "symlink":
		real := filepath.Join(area, "real.json")
		os.WriteFile(real, []byte("old"), 0o644)
		o.arg = filepath.Join(area, "link.json")
		os.Symlink("real.json", o.arg)
		o.mayChange = only(real)
	case "fifo":
		o.arg = filepath.Join(area, "pipe")
		if err := syscall.Mkfifo(o.arg, 0o644); err != nil {
			t.Fatal(err)
		}
		// Read and write end in one: the CLI's open never waits, and
		// whatever it writes is drained until close.
		r, err := os.OpenFile(o.arg, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { io.Copy(io.Discard, r); close(done) }()
		closed := false
		o.close = func() {
			if !closed {
				closed = true
				r.SetReadDeadline(time.Now())
				r.Close()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatalf("the FIFO's reader does not stop")
				}
			}
		}
	case "device":
		o.arg = "/dev/null"
	case "missing":
		o.arg = filepath.Join(area, "new.json")
		o.mayChange = only(o.arg)
	case "stdout":
		o.arg = "-"
	}
	return o
}

// entry is what a snapshot keeps of one file.
type entry struct {
	typ  fs.FileMode
	perm fs.FileMode
	link string
	sum  [32]byte
}

// snapshot records every file under root: type, mode, link target and
// content hash (FIFOs are not opened).
func snapshot(t *testing.T, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return nil
		}
		e := entry{typ: fi.Mode().Type(), perm: fi.Mode().Perm()}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			e.link, _ = os.Readlink(path)
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(path)
			e.sum = sha256.Sum256(b)
		}
		out[path] = e
		return nil
	})
	return out
}
