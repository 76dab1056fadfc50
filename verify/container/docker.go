package container

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Label marks every Docker container secprof starts, so leftovers can be
// listed with: docker ps -a --filter label=io.secprof.test
const Label = "io.secprof.test"

// Docker is the engine for a Docker daemon: "docker run --rm
// --security-opt seccomp=FILE" on an image imported from the test tree.
type Docker struct {
	probed memo
}

// NewDocker returns the Docker engine; it talks to the daemon the docker
// CLI is configured for (DOCKER_HOST, context).
func NewDocker() *Docker { return &Docker{} }

// Name is "docker".
func (e *Docker) Name() string { return "docker" }

// Available checks, once per engine, that the docker CLI is installed and
// its daemon answers.
func (e *Docker) Available(ctx context.Context) error {
	return e.probed.do(ctx, func() error { return e.probe(ctx) })
}

func (e *Docker) probe(ctx context.Context) error {
	if _, err := exec.LookPath("docker"); err != nil {
		return &UnavailableError{Engine: "docker", Reason: "docker is not on PATH (run scripts/setup.sh)"}
	}
	out, err := runCmd(ctx, "docker", "version", "--format", "{{.Server.Version}}")
	if err != nil || out.exit != 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &UnavailableError{Engine: "docker", Reason: "the daemon does not answer: " + orNothing(strings.TrimSpace(out.stderr))}
	}
	return nil
}

// Run runs the checks in one container under p.DockerJSON and, when a
// check expects a failure, in a control container with
// seccomp=unconfined, at the same time.
func (e *Docker) Run(ctx context.Context, p Profile, checks []Check) ([]Result, error) {
	if len(p.DockerJSON) == 0 {
		return nil, fmt.Errorf("docker: the profile has no Docker seccomp JSON")
	}
	if err := e.Available(ctx); err != nil {
		return nil, err
	}
	fsys, err := ensureTree("docker")
	if err != nil {
		return nil, err
	}
	image, err := fsys.Image(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &UnavailableError{Engine: "docker", Reason: err.Error()}
	}
	file, err := os.CreateTemp("", "secprof-seccomp-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(file.Name())
	traceCreate("file", file.Name())
	if _, err := file.Write(p.DockerJSON); err != nil {
		file.Close()
		return nil, err
	}
	if err := file.Close(); err != nil {
		return nil, err
	}
	nonce := randomHex(8)
	var control *report
	var controlErr error
	var wg sync.WaitGroup
	if n := controlChecks(checks); n > 0 {
		wg.Go(func() {
			out, err := e.runContainer(ctx, image, "unconfined", driverArgs(nonce, checks[:n]))
			control, controlErr = parseReport(nonce, out.stdout, out.exit, out.stderr), err
		})
	}
	out, err := e.runContainer(ctx, image, file.Name(), driverArgs(nonce, checks))
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if controlErr == nil && control != nil && !control.ready {
		controlErr = fmt.Errorf("did not start (exit %d): %s", control.exit, orNothing(control.stderr))
	}
	if controlErr != nil {
		return nil, fmt.Errorf("docker: control run without the profile: %w", controlErr)
	}
	return evaluate(checks, parseReport(nonce, out.stdout, out.exit, out.stderr), control), nil
}

// runContainer runs one container to completion; --rm removes it on a
// normal exit, and a forced removal covers every other path.
func (e *Docker) runContainer(ctx context.Context, image, seccomp string, args []string) (runOut, error) {
	name := "secprof-" + randomHex(6)
	traceCreate("docker", name)
	dockerArgs := []string{
		"run", "--rm", "--name", name, "--label", Label,
		"--network", "none", "--security-opt", "seccomp=" + seccomp,
		"--tmpfs", "/tmp:mode=1777", "--read-only",
		image,
	}
	out, err := runCmd(ctx, "docker", append(dockerArgs, args...)...)
	// A docker CLI that exits 125 failed before or while creating the
	// container (the daemon rejected the profile, say); a cancelled one may
	// leave a created or running container behind.
	if err != nil || out.exit == 125 {
		removeDocker(name)
	}
	return out, err
}

// removeDocker force-removes a container by name. The daemon may still be
// creating it when a cancelled CLI is gone, so look again after a pause.
func removeDocker(name string) {
	ctx, cancel := freshContext()
	defer cancel()
	for range 3 {
		exec.CommandContext(ctx, "docker", "rm", "--force", name).Run()
		time.Sleep(300 * time.Millisecond)
		ids, err := exec.CommandContext(ctx, "docker", "ps", "--all", "--quiet", "--filter", "name=^/"+name+"$").Output()
		if err == nil && len(strings.TrimSpace(string(ids))) == 0 {
			return
		}
	}
}
