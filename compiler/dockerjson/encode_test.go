package dockerjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/moby/profiles/seccomp"
)

// TestEncodeIsWhatDockerReads holds Encode to its promise: moby's decoder
// reads back the profile it was given, the file is indented by two spaces
// and ends in one newline, and a comment keeps "<", ">" and "&" as written
// (encoding/json would otherwise turn them into \u003c escapes).
func TestEncodeIsWhatDockerReads(t *testing.T) {
	p := seccomp.DefaultProfile()
	p.Syscalls[0].Comment = "<a&b>"
	out, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	var back seccomp.Seccomp
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, p) {
		t.Error("moby's decoder reads back another profile than the one encoded")
	}
	if !bytes.HasPrefix(out, []byte("{\n  \"defaultAction\": ")) {
		t.Errorf("not indented by two spaces: %.40q", out)
	}
	if !bytes.HasSuffix(out, []byte("}\n")) || bytes.HasSuffix(out, []byte("\n\n")) {
		t.Errorf("does not end in one newline: %q", out[len(out)-10:])
	}
	if !bytes.Contains(out, []byte(`"comment": "<a&b>"`)) {
		t.Error(`the comment "<a&b>" is not written as is`)
	}
}
