package container

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

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

// report is what the driver printed, parsed.
type report struct {
	ready, done bool
	// began is the index of the last command that started.
	began  int
	status map[int]int
	output map[int]string
	// exit is the container's exit status and stderr what the runtime or
	// the driver said there.
	exit   int
	stderr string
}

// parseReport reads the driver's framed output.
func parseReport(nonce string, stdout []byte, exit int, stderr string) *report {
	r := &report{began: -1, status: map[int]int{}, output: map[int]string{}, exit: exit, stderr: strings.TrimSpace(stderr)}
	s := string(stdout)
	if rest, ok := strings.CutPrefix(s, nonce+" ready\n"); ok {
		r.ready = true
		s = rest
	} else {
		return r
	}
	for i := 0; ; i++ {
		begin := fmt.Sprintf("\n%s begin %d\n", nonce, i)
		if !strings.HasPrefix(s, begin) {
			break
		}
		r.began = i
		s = s[len(begin):]
		endMark := fmt.Sprintf("\n%s end %d ", nonce, i)
		at := strings.Index(s, endMark)
		if at < 0 {
			r.output[i] = s
			s = ""
			break
		}
		r.output[i] = s[:at]
		s = s[at+len(endMark):]
		line, rest, _ := strings.Cut(s, "\n")
		code, err := strconv.Atoi(line)
		if err != nil {
			return r
		}
		r.status[i] = code
		s = rest
	}
	r.done = s == nonce+" done\n"
	// The driver itself killed while it ran command i (the profile kills a
	// syscall sh needs to wait for its child) is command i's result too.
	if !r.done && r.began >= 0 && r.exit == sigsys {
		if _, ok := r.status[r.began]; !ok {
			r.status[r.began] = sigsys
		}
	}
	return r
}

// notRun explains why command i has no status.
func (r *report) notRun(i int) string {
	switch {
	case !r.ready:
		return fmt.Sprintf("the container did not start under the profile (exit %d): %s", r.exit, orNothing(r.stderr))
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
