package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/secprof/secprof/internal/testenv"
	"github.com/secprof/secprof/verify/container"
)

// holdSeconds is how long the second run line sleeps: a number no other
// process on the machine is likely to sleep, since the test finds that
// command among all the host's processes.
const holdSeconds = "2718"

// blockingExpects is how many expect lines hold the kernel phase: each
// starts a sandboxed child (a few milliseconds), so together they last far
// longer than the time the test takes to send its signal.
const blockingExpects = 3000

// signalPhases are the two phases of secprof test a signal can hit: the
// kernel check (thousands of expect lines, each in its own child) and the
// run lines (a sleep holds the container).
var signalPhases = []struct {
	name, engine, src string
	// first is the check whose result must be printed: it was obtained
	// before the signal.
	first string
}{
	{
		name: "kernel", engine: "runc",
		src:   "default allow\ndeny @chmod\ntest {\n  expect getpid allow\n" + strings.Repeat("  expect pause allow\n", blockingExpects) + "  run \"echo never\" succeeds\n}\n",
		first: "expect getpid",
	},
	{
		name: "run", engine: "runc",
		src:   "default allow\ndeny @chmod\ntest {\n  run \"echo first\" succeeds\n  run \"sleep " + holdSeconds + "\" succeeds\n  run \"busybox chmod 600 /tmp/f\" fails\n}\n",
		first: `run \"echo first\"`,
	},
	{
		name: "run", engine: "docker",
		src:   "default allow\ndeny @chmod\ntest {\n  run \"echo first\" succeeds\n  run \"sleep " + holdSeconds + "\" succeeds\n  run \"busybox chmod 600 /tmp/f\" fails\n}\n",
		first: `run \"echo first\"`,
	},
}

// INT, TERM and HUP, each sent to secprof test in the kernel phase and in
// the run phase (in runc and in Docker), stop it within seconds with exit
// 2 and the results obtained so far printed (a table, or --json), and
// leave nothing behind: no container of its in runc or Docker, no bundle,
// seccomp file or kernel-check directory in its TMPDIR, no process.
func TestSignalsStopCleanly(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	for _, ph := range signalPhases {
		for i, sig := range signals {
			asJSON := i == 1
			t.Run(fmt.Sprintf("%s/%s/%s", ph.name, ph.engine, unix.SignalName(sig)), func(t *testing.T) {
				dir := t.TempDir()
				src := filepath.Join(dir, "p.sp")
				if err := os.WriteFile(src, []byte(ph.src), 0o644); err != nil {
					t.Fatal(err)
				}
				tmp := filepath.Join(dir, "tmp")
				if err := os.Mkdir(tmp, 0o700); err != nil {
					t.Fatal(err)
				}
				args := []string{"test", "--engine", ph.engine, src}
				if asJSON {
					args = append([]string{"--json"}, args...)
				}
				c := startOnTerminal(t, tmp, args...)
				if ph.name == "kernel" {
					c.waitForKernelChildren(t, 3)
				} else if asJSON {
					// --json keeps stderr for its one object: no progress
					// lines to wait for, so wait for the second command.
					// Both the container and its control (which runs up
					// to the fails line) reach the sleep after line 1.
					waitForCommand(t, "sleep "+holdSeconds, 2)
				} else {
					c.waitForProgress(t, "(2/3)")
				}
				if err := c.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				code := c.wait(t, 30*time.Second)
				stdout := c.stdout.String()
				if code != 2 {
					t.Errorf("exit %d after %s, want 2\nstdout:\n%s\nterminal:\n%s", code, unix.SignalName(sig), stdout, c.terminal())
				}
				checkResultsSoFar(t, stdout, asJSON, ph.first)
				// The signal stopped the phase: the lines after it have no
				// results (the kernel phase used to run to its end first).
				if n := strings.Count(stdout, "expect pause"); n >= blockingExpects {
					t.Errorf("all %d blocking expect lines ran after the signal:\n%s", n, stdout)
				}
				if strings.Contains(stdout, "sleep "+holdSeconds) || strings.Contains(stdout, "echo never") {
					t.Errorf("a check that the signal cut short, or that never ran, has a result:\n%s", stdout)
				}
				if !strings.Contains(c.terminal(), "interrupted") {
					t.Errorf("stderr does not say it was interrupted:\n%s", c.terminal())
				}
				checkNothingLeft(t, c, tmp)
			})
		}
	}
}

// checkResultsSoFar checks that the result of the check that ended before
// the signal is printed, and that it held.
func checkResultsSoFar(t *testing.T, stdout string, asJSON bool, first string) {
	t.Helper()
	if asJSON {
		var rs []struct {
			Check string `json:"check"`
			OK    bool   `json:"ok"`
		}
		if err := json.Unmarshal([]byte(stdout), &rs); err != nil || len(rs) == 0 || !strings.HasPrefix(rs[0].Check, strings.ReplaceAll(first, `\"`, `"`)) || !rs[0].OK {
			t.Errorf("--json results so far: %v\n%s\nwant %s first, ok", err, stdout, first)
		}
		return
	}
	want := strings.ReplaceAll(first, `\"`, `"`)
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, want) {
			if !strings.HasSuffix(strings.TrimSpace(line), "ok") {
				t.Errorf("result so far did not hold: %s", line)
			}
			return
		}
	}
	t.Errorf("table does not show the result obtained before the signal (%s):\n%s", want, stdout)
}

// checkNothingLeft asks the runtimes, the file system and /proc.
func checkNothingLeft(t *testing.T, c *cliRun, tmp string) {
	t.Helper()
	for _, name := range containersNamed(t, fmt.Sprintf("secprof-%d-", c.cmd.Process.Pid)) {
		t.Errorf("container %s left behind", name)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left in TMPDIR: %s", strings.Join(names, ", "))
	}
	if pids := processesWith(c.mark); len(pids) > 0 {
		t.Errorf("processes of secprof test left running: %v", pids)
	}
}

// processesWith lists the processes whose environment holds mark, which
// every process secprof starts inherits (containers' processes excepted:
// the runtimes list those).
func processesWith(mark string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(env, []byte(mark)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// cliRun is secprof running with its stderr on a pseudo-terminal, as
// under a user's shell, so that it prints its progress there.
type cliRun struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	mark   string
	lines  chan string
	waited chan int
	term   strings.Builder
}

func startOnTerminal(t *testing.T, tmp string, args ...string) *cliRun {
	t.Helper()
	master, slave := openPTY(t)
	c := &cliRun{lines: make(chan string, 100), waited: make(chan int, 1)}
	c.mark = "SECPROF_SIGNAL_TEST=" + strconv.FormatInt(time.Now().UnixNano(), 36)
	c.cmd = exec.Command(binary, args...)
	c.cmd.Env = append(os.Environ(), "TMPDIR="+tmp, c.mark)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, slave
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		master.Close()
	})
	go func() {
		sc := bufio.NewScanner(master)
		for sc.Scan() {
			select {
			case c.lines <- sc.Text():
			default: // nobody waits for progress any more
			}
		}
		close(c.lines)
	}()
	go func() {
		err := c.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			c.waited <- 0
		case errors.As(err, &ee):
			c.waited <- ee.ExitCode()
		default:
			c.waited <- -1
		}
	}()
	return c
}

// openPTY opens a pseudo-terminal pair, the master for the test.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// waitForProgress waits for a progress line that contains what.
func (c *cliRun) waitForProgress(t *testing.T, what string) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("secprof ended before %q:\n%s\n%s", what, c.terminal(), c.stdout.String())
			}
			c.term.WriteString(line + "\n")
			if strings.HasPrefix(line, "running ") && strings.Contains(line, what) {
				return
			}
		case <-deadline:
			t.Fatalf("no progress line with %q within 60s:\n%s", what, c.terminal())
		}
	}
}

// waitForKernelChildren waits until n kernel-check children have come and
// gone or are running: the first expect line (getpid) has its result then,
// and the phase is under way.
func (c *cliRun) waitForKernelChildren(t *testing.T, n int) {
	t.Helper()
	seen := map[int]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, pid := range childrenOf(c.cmd.Process.Pid) {
			seen[pid] = true
		}
		if len(seen) >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("fewer than %d kernel-check children within 60s:\n%s", n, c.terminal())
}

// waitForCommand waits until n processes run exactly cmd (argument for
// argument: a shell running it does not count), then a little longer, so
// that the result of the command before it, which ended before it started,
// has been read.
func waitForCommand(t *testing.T, cmd string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		found := 0
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err == nil && strings.ReplaceAll(strings.TrimSuffix(string(b), "\x00"), "\x00", " ") == cmd {
				found++
			}
		}
		if found >= n {
			time.Sleep(500 * time.Millisecond)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d processes ran %q within 60s", n, cmd)
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	var kids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The parent is the second field after the parenthesised name.
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			if kid, err := strconv.Atoi(e.Name()); err == nil {
				kids = append(kids, kid)
			}
		}
	}
	return kids
}

// wait returns the exit code, failing the test when secprof does not end
// within limit.
func (c *cliRun) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case code := <-c.waited:
		// Collect what else reached the terminal.
		for {
			select {
			case line, ok := <-c.lines:
				if !ok {
					return code
				}
				c.term.WriteString(line + "\n")
			case <-time.After(500 * time.Millisecond):
				return code
			}
		}
	case <-time.After(limit):
		t.Fatalf("secprof still running %s after the signal:\n%s", limit, c.terminal())
	}
	return -1
}

func (c *cliRun) terminal() string { return c.term.String() }

// A secprof killed outright (SIGKILL, the OOM killer) cannot clean up
// after itself: its container keeps running and its bundle stays. The next
// secprof test on the same engine removes them, and nothing of a live
// process.
func TestNextRunRemovesAKilledRunsLeftovers(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "runc")
	testenv.RequireCommand(t, "docker")
	for _, engine := range []string{"runc", "docker"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			tmp := filepath.Join(dir, "tmp")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(dir, "p.sp")
			os.WriteFile(src, []byte("default allow\ndeny @chmod\ntest {\n  run \"echo first\" succeeds\n  run \"sleep 300\" succeeds\n}\n"), 0o644)
			c := startOnTerminal(t, tmp, "test", "--engine", engine, src)
			c.waitForProgress(t, "(2/2)")
			c.cmd.Process.Kill()
			c.wait(t, 30*time.Second)
			prefix := fmt.Sprintf("secprof-%d-", c.cmd.Process.Pid)
			if len(containersNamed(t, prefix)) == 0 {
				t.Fatalf("SIGKILL left no container %s*: the test shows nothing", prefix)
			}
			next := filepath.Join(dir, "next.sp")
			os.WriteFile(next, []byte("default allow\ntest {\n  run \"true\" succeeds\n}\n"), 0o644)
			cmd := exec.Command(binary, "test", "--engine", engine, next)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the next run: %v\n%s", err, out)
			}
			if left := containersNamed(t, prefix); len(left) > 0 {
				t.Errorf("the next run left the killed run's containers: %v", left)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, fmt.Sprintf("secprof-*-%d-*", c.cmd.Process.Pid))); len(left) > 0 {
				t.Errorf("the next run left the killed run's files: %v", left)
			}
		})
	}
}

// containersNamed lists runc's and Docker's containers whose name starts
// with prefix.
func containersNamed(t *testing.T, prefix string) []string {
	t.Helper()
	runc, _ := exec.Command("runc", "list", "--quiet").Output()
	docker, err := exec.Command("docker", "ps", "--all", "--filter", "label="+container.Label, "--format", "{{.Names}}").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	var out []string
	for _, name := range strings.Fields(string(runc) + " " + string(docker)) {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}
