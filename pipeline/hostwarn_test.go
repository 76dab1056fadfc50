package pipeline

import (
	"testing"

	"github.com/secprof/secprof/compiler"
	"github.com/secprof/secprof/syscalls"
)

// TestHostLibseccompWarns: a name the tables know but the host's
// libseccomp does not is warned about once, at the name, naming the first
// target arch it is missing on; the profile still compiles. A case in
// testdata/errors cannot show it: the answer is the host's, so the test
// gives its own.
func TestHostLibseccompWarns(t *testing.T) {
	tooOld := func(_ syscalls.Arch, name string) bool { return name != "mseal" }
	src := "default allow\ndeny getpid mseal\n"
	_, diags, err := LoadSource("p.sp", []byte(src), compiler.Options{KnownToHost: tooOld, HostLibseccomp: "2.5.4"})
	if err != nil {
		t.Fatalf("a name the host lacks is not an error: %v", err)
	}
	want := `p.sp:2:13: warning: SP109 this host's libseccomp 2.5.4 does not know "mseal" on x86_64; runc will skip the rule there and the call gets the default action; upgrade libseccomp on this host`
	if got := diags.Text(); got != want+"\n" {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if _, diags, _ := LoadSource("p.sp", []byte(src), compiler.Options{}); len(diags) != 0 {
		t.Errorf("without a host to ask, no warning; got:\n%s", diags.Text())
	}
}
