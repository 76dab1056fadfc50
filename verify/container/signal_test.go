package container

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a small secprof that runs one
// long check and stops on SIGINT, as the CLI does.
const helperEnv = "SECPROF_CONTAINER_HELPER"

func helperMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var e Engine = NewDocker()
	if os.Getenv(helperEnv) != "docker" {
		e = NewOCI(os.Getenv(helperEnv))
	}
	// Probe first, so that every container reported below is one that
	// runs the checks.
	if err := e.Available(ctx); err != nil {
		fmt.Printf("unavailable: %v\n", err)
		return 1
	}
	var mu sync.Mutex
	onCreate = func(kind, name string) {
		mu.Lock()
		fmt.Printf("created %s %s\n", kind, name)
		mu.Unlock()
	}
	p := loadProfile(&testing.T{}, "deny-chmod-chown")
	_, err := e.Run(ctx, p, []Check{{Command: "sleep 300", Want: Succeeds}, {Command: "busybox chmod 600 /tmp/f", Want: Fails}}, nil)
	if errors.Is(err, context.Canceled) {
		fmt.Println("cancelled")
		return 0
	}
	fmt.Printf("not cancelled: %v\n", err)
	return 1
}

// Ctrl-C (SIGINT to secprof's process group) while a check runs removes
// the containers, the bundles and the temporary files.
func TestInterruptCleansUp(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+e.Name())
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Stderr = os.Stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var items [][2]string
			t.Cleanup(func() {
				// On a failed test, leave no helper or container behind.
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				for _, it := range items {
					switch it[0] {
					case "docker":
						removeDocker(it[1])
					case "dir", "file":
						os.RemoveAll(it[1])
					default:
						NewOCI(it[0]).delete(it[1])
					}
				}
			})
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var containers []string
			var last string
			deadline := time.After(60 * time.Second)
		collect:
			// Both the profile's and the control container must exist.
			for len(containers) < 2 {
				select {
				case line, ok := <-lines:
					if !ok {
						break collect
					}
					last = line
					if f := strings.Fields(line); len(f) == 3 && f[0] == "created" {
						items = append(items, [2]string{f[1], f[2]})
						if f[1] == e.Name() {
							containers = append(containers, f[2])
						}
					}
				case <-deadline:
					cmd.Process.Kill()
					t.Fatal("helper did not start its containers within 60s")
				}
			}
			if len(containers) < 2 {
				t.Fatalf("helper ended before starting its containers: %q", last)
			}
			for _, c := range containers {
				waitRunning(t, e.Name(), c)
			}
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				for line := range lines {
					last = line
				}
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				if err != nil || last != "cancelled" {
					t.Errorf("helper: %v, last line %q; want it to see the cancellation", err, last)
				}
			case <-time.After(60 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				t.Fatal("helper still running 60s after SIGINT (the check sleeps 300s)")
			}
			if left := leftovers(items); len(left) > 0 {
				t.Errorf("left behind after SIGINT:\n  %s", strings.Join(left, "\n  "))
			}
		})
	}
}

// waitRunning waits until the runtime reports the container running.
func waitRunning(t *testing.T, kind, name string) {
	t.Helper()
	for range 200 {
		var out []byte
		if kind == "docker" {
			out, _ = exec.Command("docker", "inspect", "--format", "{{.State.Running}}", name).Output()
		} else {
			out, _ = exec.Command(kind, "--root", "/run/"+kind, "state", name).Output()
		}
		s := string(out)
		if strings.TrimSpace(s) == "true" || strings.Contains(s, `"status": "running"`) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := exec.Command(kind, "--root", "/run/"+kind, "state", name).CombinedOutput()
	t.Fatalf("%s container %s never ran: %v %s", kind, name, err, out)
}
