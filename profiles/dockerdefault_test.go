package profiles_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/moby/profiles/seccomp"

	"github.com/secprof/secprof/capabilities"
	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/compiler/dockerjson"
	"github.com/secprof/secprof/profiles"
	"github.com/secprof/secprof/semantic"
	"github.com/secprof/secprof/syscalls"
	"github.com/secprof/secprof/target"
)

// docker-default.sp decides every syscall as moby's DefaultProfile does,
// arguments included, under Docker's default capabilities, none and all.
// The source carries Docker's archMap, so this holds on every kind of
// host, arches included: x86_64 (with its x86 and x32 sub-arches), x86,
// arm64, s390x and riscv64.
func TestDockerDefaultSourceEqualsMoby(t *testing.T) {
	path := "docker-default.sp"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := profiles.ParseDSL(path, src)
	if diags.HasErrors() {
		t.Fatal(diags.Text())
	}
	p, cd := compiler.Compile(f, compiler.Options{})
	if cd.HasErrors() {
		t.Fatal(cd.Text())
	}
	out, err := dockerjson.Marshal(p.Policy)
	if err != nil {
		t.Fatal(err)
	}
	var compiled seccomp.Seccomp
	if err := json.Unmarshal(out, &compiled); err != nil {
		t.Fatal(err)
	}
	capSets := map[string][]string{"docker-default": capabilities.DockerDefault(), "none": nil, "all": capabilities.All()}
	for _, native := range []syscalls.NativeArch{"amd64", "x86", "arm64", "s390x", "riscv64"} {
		for capsName, caps := range capSets {
			env := target.Env{Caps: caps, NativeArch: native}
			want, err := semantic.Resolve(seccomp.DefaultProfile(), env)
			if err != nil {
				t.Fatal(err)
			}
			got, err := semantic.Resolve(&compiled, env)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range semantic.Diff(want, got) {
				t.Errorf("%s host, caps %s: %s", native, capsName, d)
			}
		}
	}
}
