package semantic_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/oci"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// The include/exclude decision is written twice: in the compiler
// (Rule.Applies, which the OCI and BPF backends use) and in semantic, the
// oracle that mirrors moby's loader. They must agree on every capability
// set, arch and kernel the tests know, the Latest kernel included, and both
// must agree with moby's loader itself where it can be asked (this host's
// arch and kernel).
func TestIncludeExcludeDecidedAlike(t *testing.T) {
	sources := map[string][]byte{}
	moby, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	sources["moby-default.json"] = moby
	if sources["every-field.json"], err = os.ReadFile("../importer/testdata/ours/every-field.json"); err != nil {
		t.Fatal(err)
	}
	host, err := target.HostKernel()
	if err != nil {
		t.Fatal(err)
	}
	kernels := []target.Kernel{target.Latest, {Major: 3, Minor: 10}, {Major: 4, Minor: 7}, {Major: 4, Minor: 8}, {Major: 5, Minor: 3}, {Major: 5, Minor: 8}, host}
	capSets := map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()}
	for name, src := range sources {
		f, diags := profiles.Parse(name, src)
		p, cd := compiler.Compile(f, compiler.Options{})
		if diags.HasErrors() || cd.HasErrors() {
			t.Fatalf("%s: %s%s", name, diags.Text(), cd.Text())
		}
		var orig seccomp.Seccomp
		if err := json.Unmarshal(src, &orig); err != nil {
			t.Fatal(err)
		}
		for capsName, caps := range capSets {
			for _, arch := range syscalls.NativeArches() {
				for _, k := range kernels {
					env := target.Env{Caps: caps, NativeArch: arch, Kernel: k}
					oracle, err := semantic.Resolve(&orig, env)
					if err != nil {
						t.Fatal(err)
					}
					compiled, err := semantic.FromOCI(oci.Seccomp(p.Policy, env))
					if err != nil {
						t.Fatal(err)
					}
					// FromOCI knows no native arch; compare rules, not arches.
					compiled.Arches, compiled.Native = oracle.Arches, oracle.Native
					if d := semantic.Diff(oracle, compiled); len(d) != 0 {
						t.Errorf("%s, caps %s, %s, kernel %s: the compiler and semantic decide differently: %v", name, capsName, arch, k, d)
					}
				}
			}
			// moby's loader, on this host's arch and kernel.
			env := target.Env{Caps: caps, NativeArch: target.HostArch(), Kernel: host}
			loaded, err := seccomp.LoadProfile(string(src), &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}})
			if err != nil {
				t.Fatal(err)
			}
			want, err := semantic.FromOCI(loaded)
			if err != nil {
				t.Fatal(err)
			}
			got, err := semantic.FromOCI(oci.Seccomp(p.Policy, env))
			if err != nil {
				t.Fatal(err)
			}
			if d := semantic.Diff(want, got); len(d) != 0 {
				t.Errorf("%s, caps %s on this host: the compiler and moby's loader decide differently: %v", name, capsName, d)
			}
		}
	}
}
