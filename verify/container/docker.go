package container

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
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
	_, out, err := runCmd(ctx, "docker", "version", "--format", "{{.Server.Version}}")
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
func (e *Docker) Run(ctx context.Context, p Profile, checks []Check, progress func(int)) ([]Result, error) {
	if len(p.DockerJSON) == 0 {
		return nil, fmt.Errorf("docker: the profile has no Docker seccomp JSON")
	}
	if err := e.Available(ctx); err != nil {
		return nil, err
	}
	e.removeLeftoverContainers(ctx)
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
	file, err := os.CreateTemp("", seccompPrefix()+"*.json")
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
	ran := runPair(ctx, checks, progress, func(ctx context.Context, withProfile bool, args []string, out *follower) (runOut, error) {
		seccomp := "unconfined"
		if withProfile {
			seccomp = file.Name()
		}
		return e.runContainer(ctx, image, p.Caps, seccomp, args, out)
	})
	if ctx.Err() != nil {
		return cutShort(ctx, "docker", checks, ran)
	}
	if ran.mainErr != nil {
		return nil, ran.mainErr
	}
	if !ran.main.ready && strings.Contains(ran.main.stderr, "invalid CapAdd") {
		// The daemon does not know a capability of the set (Docker 20.10
		// predates CAP_BPF): the container cannot match the filter.
		return nil, &UnavailableError{Engine: "docker", Reason: "it cannot give the container the capability set: " + ran.main.stderr}
	}
	controlErr := ran.controlErr
	if controlErr == nil && ran.control != nil && !ran.control.ready {
		controlErr = fmt.Errorf("did not start (exit %d): %s", ran.control.exit, orNothing(ran.control.stderr))
	}
	if controlErr != nil {
		return nil, fmt.Errorf("docker: control run without the profile: %w", controlErr)
	}
	return evaluate(checks, ran.main, ran.control), nil
}

// runContainer runs one container to completion, with out following its
// output and able to kill it; --rm removes it on a normal exit, and a
// forced removal covers every other path. The container gets exactly the
// capabilities capList, and no log driver: its output reaches secprof
// through the attached CLI only, never a log file that "yes" could fill.
func (e *Docker) runContainer(ctx context.Context, image string, capList []string, seccomp string, args []string, out *follower) (runOut, error) {
	name := containerName()
	traceCreate("docker", name)
	out.setStop(func() { removeDocker(name) })
	dockerArgs := []string{
		"run", "--rm", "--name", name, "--label", Label,
		"--network", "none", "--security-opt", "seccomp=" + seccomp,
		"--tmpfs", "/tmp:mode=1777,size=" + tmpfsSize, "--read-only", "--log-driver", "none",
		"--pids-limit", strconv.Itoa(ContainerPids), "--memory", strconv.Itoa(ContainerMemory),
		"--memory-swap", strconv.Itoa(ContainerMemory), "--shm-size", tmpfsSize,
		"--cap-drop", "ALL",
	}
	for _, c := range capList {
		dockerArgs = append(dockerArgs, "--cap-add", c)
	}
	dockerArgs = append(dockerArgs, image)
	res, err := runFollowed(ctx, out, "docker", append(dockerArgs, args...)...)
	// A docker CLI that exits 125 failed before or while creating the
	// container (the daemon rejected the profile, say); a cancelled one may
	// leave a created or running container behind.
	if err != nil || res.exit == 125 {
		removeDocker(name)
	}
	return res, err
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
