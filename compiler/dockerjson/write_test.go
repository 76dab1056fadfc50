package dockerjson

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/moby/profiles/seccomp"
)

// strs are strings that exercise quoting: plain words, every escape
// encoding/json spells its own way, HTML characters it leaves alone here,
// non-ASCII, U+2028 and invalid UTF-8.
var strs = []string{"", "SCMP_ACT_ERRNO", "chmod", "a \"quoted\" \\ word", "tab\tnew\nline\r\b\f\x00\x1f", "<a&b>", "é ☃ 𝄞", "\u2028\u2029", "bad \xff\xfe utf-8", "x"}

// fill sets v, through every field moby's types have, to a random value:
// zero, empty or filled, so that every omitempty and null path is taken.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[r.IntN(len(strs))])
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		switch r.IntN(3) {
		case 0:
			v.SetUint(0)
		case 1:
			v.SetUint(uint64(r.IntN(4096)))
		default:
			v.SetUint(r.Uint64() >> uint(64-v.Type().Bits()))
		}
	case reflect.Pointer:
		if r.IntN(3) == 0 || depth > 6 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch r.IntN(4) {
		case 0:
			v.SetZero()
			return
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		n := 1 + r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	default:
		panic("fill: no rule for " + v.Type().String())
	}
}

func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteMatchesEncodingJSON holds Encode's path for moby's profile type
// to encoding/json's bytes with two-space indent and no HTML escaping (the
// path every other value takes): for Docker's default, and for profiles
// filled at random through every field, escapes and omitempty case.
func TestWriteMatchesEncodingJSON(t *testing.T) {
	profiles := []*seccomp.Seccomp{seccomp.DefaultProfile(), {}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var p seccomp.Seccomp
		fill(r, reflect.ValueOf(&p).Elem(), 0)
		profiles = append(profiles, &p)
	}
	for i, p := range profiles {
		got, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, p); !bytes.Equal(got, want) {
			t.Fatalf("profile %d: Encode gives\n%s\nencoding/json gives\n%s", i, got, want)
		}
	}
}
