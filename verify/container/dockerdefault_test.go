package container

import (
	"encoding/json"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/capabilities"
)

// dockerDefault is Docker's default profile in both forms, the OCI one
// resolved by moby's own loader for the capabilities test containers get.
func dockerDefault(t testing.TB) Profile {
	t.Helper()
	data, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	oci, err := seccomp.LoadProfile(string(data), Spec("/", capabilities.DockerDefault(), nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return Profile{OCI: oci, DockerJSON: data, Caps: capabilities.DockerDefault()}
}

// Under Docker's default profile ordinary commands work, and creating a
// user namespace (allowed without the profile, with Docker's capabilities)
// is refused by seccomp.
func TestDockerDefaultProfile(t *testing.T) {
	p := dockerDefault(t)
	for _, e := range engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			runChecks(t, e, p, []Check{
				{Command: "ls /", Want: Succeeds},
				{Command: "/usr/bin/ls -l /usr/bin/chmod", Want: Succeeds},
				{Command: "/usr/bin/chmod 600 /tmp/f", Want: Succeeds},
				{Command: "unshare -U true", Want: Fails},
				{Command: "/usr/bin/unshare --user true", Want: Fails},
				{Command: "/usr/bin/mount -t tmpfs none /tmp/d", Want: Fails},
			}, []want{
				{ok: true, output: "usr"},
				{ok: true, output: "/usr/bin/chmod"},
				{ok: true},
				{ok: true, output: "Operation not permitted"},
				{ok: true, output: "Operation not permitted"},
				// Without CAP_SYS_ADMIN mount fails with or without the
				// profile: not a failure the profile can take credit for.
				{ok: false},
			})
		})
	}
}
