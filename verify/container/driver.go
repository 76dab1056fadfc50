package container

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/secprof/secprof/verify/rootfs"
)

// driverScript runs in the container as /bin/sh -c SCRIPT driver NONCE
// CMD...: each command in a subshell (a fork, not a new sh: an exec less
// per command), with none of the driver's variables, stdin from /dev/null, stdout and
// stderr together, framed by lines that carry a per-run nonce so a
// command's output cannot forge them. sh reports a command killed by
// signal N as 128+N. The fixtures /tmp/f (empty file) and /tmp/d (empty
// directory) exist before the first command, so checks such as
// "chmod 600 /tmp/f" test the profile rather than a missing file.
const driverScript = `n=$1; shift
export PATH=` + rootfs.PATH + ` HOME=/root
cd /tmp
: >/tmp/f
mkdir -p /tmp/d
printf '%s ready\n' "$n"
i=0
for c in "$@"; do
	printf '\n%s begin %d\n' "$n" "$i"
	(set --; unset n i s; eval "$c") </dev/null 2>&1
	s=$?
	printf '\n%s end %d %d\n' "$n" "$i" "$s"
	i=$((i+1))
done
printf '%s done\n' "$n"
`

// driverArgs is the container's process: busybox sh running the driver.
func driverArgs(nonce string, checks []Check) []string {
	args := []string{"/bin/sh", "-c", driverScript, "secprof-driver", nonce}
	for _, c := range checks {
		args = append(args, c.Command)
	}
	return args
}

// randomHex returns n random bytes in hex, for nonces and container names.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// containerName names a container after the secprof process that runs it,
// so that a leftover can be traced to its process: secprof-PID-RANDOM.
func containerName() string {
	return fmt.Sprintf("secprof-%d-%s", os.Getpid(), randomHex(4))
}

// report is what the driver printed, parsed.
type report struct {
	ready, done bool
	// began is the index of the last command that started.
	began  int
	status map[int]int
	output map[int]string
	// dropped counts the bytes of a command's output beyond OutputCap.
	dropped map[int]int64
	// timedOut says that command began ran past its timeout, which
	// killed the container.
	timedOut bool
	// exit is the container's exit status and stderr what the runtime or
	// the driver said there.
	exit   int
	stderr string
}

// follower reads the driver's framed output as it arrives (it is the
// runtime's stdout) and builds a report. It keeps at most OutputCap bytes
// of each command's output, starts each command's timeout when the
// command begins, and stops the container when one runs past it or when a
// command beyond limit begins.
type follower struct {
	mu       sync.Mutex
	nonce    string
	checks   []Check
	rep      *report
	maxFrame int
	line     []byte // the current line while it may still be a frame
	long     bool   // the current line is too long to be a frame
	cur      int    // the command whose output is being read, -1 between commands
	out      cappedBuffer
	timer    *time.Timer
	onBegin  func(i int)

	// Read by the timer's goroutine, which must not wait for mu: Write
	// holds it while onBegin runs, which may block on a terminal.
	running  atomic.Int64 // cur, or -1
	expired  atomic.Int64 // the command that timed out, or -1
	limit    atomic.Int64 // the last command needed
	stop     func()       // kills the container; see setStop
	stopOnce sync.Once
}

// newFollower follows the driver's output for checks. onBegin, when not
// nil, is told of each command as it starts.
func newFollower(nonce string, checks []Check, onBegin func(i int)) *follower {
	f := &follower{
		nonce: nonce, checks: checks, onBegin: onBegin, cur: -1,
		rep:      &report{began: -1, status: map[int]int{}, output: map[int]string{}, dropped: map[int]int64{}},
		maxFrame: len(nonce) + 64,
	}
	f.out.limit = OutputCap
	f.running.Store(-1)
	f.expired.Store(-1)
	f.limit.Store(math.MaxInt64)
	f.stop = func() {}
	return f
}

// setStop gives the function that kills the follower's container; it is
// called once at most, and must be set before the container starts.
func (f *follower) setStop(stop func()) {
	f.stop = func() { f.stopOnce.Do(stop) }
}

// Write takes the next piece of the driver's output; it never fails, so
// the runtime is never stopped by a write error.
func (f *follower) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			f.segment(p, false)
			break
		}
		f.segment(p[:nl], true)
		p = p[nl+1:]
	}
	return n, nil
}

// segment handles part of a line, complete when a newline ended it.
func (f *follower) segment(seg []byte, complete bool) {
	if !f.long {
		if len(f.line)+len(seg) <= f.maxFrame {
			f.line = append(f.line, seg...)
			if complete {
				if !f.frame(string(f.line)) {
					f.output(f.line)
					f.output([]byte{'\n'})
				}
				f.line = f.line[:0]
			}
			return
		}
		f.long = true
		f.output(f.line)
		f.line = f.line[:0]
	}
	f.output(seg)
	if complete {
		f.output([]byte{'\n'})
		f.long = false
	}
}

func (f *follower) output(b []byte) {
	if f.cur >= 0 {
		f.out.add(b)
	}
}

// frame acts on a line that is one of the driver's frames and reports
// whether it was one: ready, then begin I and end I STATUS per command in
// order, then done. Anything else is a command's output.
func (f *follower) frame(line string) bool {
	rest, ok := strings.CutPrefix(line, f.nonce+" ")
	if !ok || f.rep.done {
		return false
	}
	r := f.rep
	if !r.ready {
		r.ready = rest == "ready"
		return r.ready
	}
	if f.cur < 0 {
		if rest == "done" {
			r.done = true
			return true
		}
		if rest == "begin "+strconv.Itoa(r.began+1) {
			f.begin(r.began + 1)
			return true
		}
		return false
	}
	code, ok := strings.CutPrefix(rest, "end "+strconv.Itoa(f.cur)+" ")
	if !ok {
		return false
	}
	status, err := strconv.Atoi(code)
	if err != nil {
		return false
	}
	// The newline before the frame is the driver's, not the command's.
	if f.out.dropped > 0 {
		f.out.dropped--
	} else if n := len(f.out.buf); n > 0 {
		f.out.buf = f.out.buf[:n-1]
	}
	r.status[f.cur] = status
	f.endCommand()
	return true
}

func (f *follower) begin(i int) {
	f.rep.began, f.cur = i, i
	f.running.Store(int64(i))
	if int64(i) > f.limit.Load() {
		f.stop()
		return
	}
	if i < len(f.checks) {
		f.timer = time.AfterFunc(timeout(f.checks[i]), func() {
			if f.running.Load() == int64(i) && f.expired.CompareAndSwap(-1, int64(i)) {
				f.stop()
			}
		})
	}
	if f.onBegin != nil {
		f.onBegin(i)
	}
}

// endCommand files the current command's output.
func (f *follower) endCommand() {
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	f.running.Store(-1)
	f.rep.output[f.cur] = string(f.out.buf)
	f.rep.dropped[f.cur] = f.out.dropped
	f.out.buf, f.out.dropped = nil, 0
	f.cur = -1
}

// setLimit says that no command after last is needed: the container is
// stopped if one began, or when one begins.
func (f *follower) setLimit(last int) {
	f.limit.Store(int64(last))
	if r := f.running.Load(); r > int64(last) {
		f.stop()
	}
}

// finish ends the report when the container is gone: exit is its status
// and stderr what the runtime said.
func (f *follower) finish(exit int, stderr string) *report {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rep
	if f.cur >= 0 {
		f.endCommand()
	}
	r.exit, r.stderr = exit, strings.TrimSpace(stderr)
	if t := int(f.expired.Load()); t >= 0 {
		if _, ended := r.status[t]; !ended && t == r.began {
			r.timedOut = true
			return r
		}
	}
	// The driver itself killed while it ran command i (the profile kills a
	// syscall sh needs to wait for its child) is command i's result too.
	if !r.done && r.began >= 0 && r.exit == sigsys {
		if _, ok := r.status[r.began]; !ok {
			r.status[r.began] = sigsys
		}
	}
	return r
}

// parseReport reads the driver's whole framed output at once.
func parseReport(nonce string, stdout []byte, exit int, stderr string) *report {
	f := newFollower(nonce, nil, nil)
	f.Write(stdout)
	return f.finish(exit, stderr)
}

// notRun explains why command i has no status.
func (r *report) notRun(i int) string {
	switch {
	case r.timedOut && i == r.began:
		return "it ran past its timeout and was killed with the container"
	case !r.ready:
		return fmt.Sprintf("the container did not start under the profile (exit %d): %s", r.exit, orNothing(r.stderr))
	case r.timedOut && i > r.began:
		return fmt.Sprintf("not run: command %d timed out, and the container was killed", r.began+1)
	case r.began >= 0 && i > r.began:
		return fmt.Sprintf("not run: the container stopped (exit %d) during command %d", r.exit, r.began+1)
	default:
		return fmt.Sprintf("the driver stopped (exit %d) before the command's status: %s", r.exit, orNothing(r.stderr))
	}
}

func orNothing(s string) string {
	if s == "" {
		return "no message"
	}
	return s
}
