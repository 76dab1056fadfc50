package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// Everything secprof makes for a test run carries the process's PID in
// its name: containers secprof-PID-HEX, bundles and seccomp files
// secprof-bundle-PID-… and secprof-seccomp-PID-… in the temporary
// directory. A process killed outright (SIGKILL, the OOM killer) cannot
// remove its own, so the next run removes whatever belongs to a PID that
// no longer runs; a live process's belongings are never touched.
var leftoverName = regexp.MustCompile(`^secprof-(?:bundle-|seccomp-)?([0-9]+)-`)

// ownerGone reports a name made by a secprof process that no longer runs.
func ownerGone(name string) bool {
	m := leftoverName.FindStringSubmatch(name)
	if m == nil {
		return false
	}
	pid, err := strconv.Atoi(m[1])
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// bundlePrefix and seccompPrefix name this process's temporary files.
func bundlePrefix() string  { return fmt.Sprintf("secprof-bundle-%d-", os.Getpid()) }
func seccompPrefix() string { return fmt.Sprintf("secprof-seccomp-%d-", os.Getpid()) }

// removeLeftoverFiles removes the bundles and seccomp files of dead secprof
// processes from the temporary directory.
func removeLeftoverFiles() {
	for _, pattern := range []string{"secprof-bundle-*", "secprof-seccomp-*"} {
		paths, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern))
		for _, p := range paths {
			if ownerGone(filepath.Base(p)) {
				os.RemoveAll(p)
			}
		}
	}
}

// removeLeftoverContainers deletes the OCI runtime's containers of dead
// secprof processes (the runtime keeps one state directory per container
// under its --root), then their files.
func (e *OCI) removeLeftoverContainers(ctx context.Context) {
	entries, _ := os.ReadDir(e.stateRoot)
	for _, d := range entries {
		if d.IsDir() && ownerGone(d.Name()) {
			exec.CommandContext(ctx, e.runtime, "--root", e.stateRoot, "delete", "--force", d.Name()).Run()
		}
	}
	removeLeftoverFiles()
}

// removeLeftoverContainers removes Docker's containers of dead secprof
// processes: those with secprof's label and a name of a PID that is gone.
func (e *Docker) removeLeftoverContainers(ctx context.Context) {
	out, err := exec.CommandContext(ctx, "docker", "ps", "--all", "--filter", "label="+Label, "--format", "{{.Names}}").Output()
	if err == nil {
		for _, name := range strings.Fields(string(out)) {
			if ownerGone(name) {
				exec.CommandContext(ctx, "docker", "rm", "--force", name).Run()
			}
		}
	}
	removeLeftoverFiles()
}
