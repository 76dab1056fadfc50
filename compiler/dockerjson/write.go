package dockerjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// writeProfile appends p as encoding/json writes it with two-space indent
// and no HTML escaping, byte for byte: the same fields in the same order,
// omitted under the same omitempty rules. A profile the size of Docker's
// default is rendered for every compile, and encoding/json's reflection and
// its second pass to indent cost more than resolving the profile.
// TestWriteMatchesEncodingJSON holds the two to the same bytes for profiles
// filled at random through every field moby's types have.
func writeProfile(b []byte, p *seccomp.Seccomp) []byte {
	w := objWriter{b: b, depth: 0}
	w.open()
	w.str("defaultAction", string(p.DefaultAction))
	if p.DefaultErrnoRet != nil {
		w.uint("defaultErrnoRet", uint64(*p.DefaultErrnoRet))
	}
	if len(p.Architectures) > 0 {
		w.key("architectures")
		w.b = appendStrings(w.b, w.depth+1, len(p.Architectures), func(i int) string { return string(p.Architectures[i]) })
	}
	if len(p.Flags) > 0 {
		w.key("flags")
		w.b = appendStrings(w.b, w.depth+1, len(p.Flags), func(i int) string { return string(p.Flags[i]) })
	}
	if p.ListenerPath != "" {
		w.str("listenerPath", p.ListenerPath)
	}
	if p.ListenerMetadata != "" {
		w.str("listenerMetadata", p.ListenerMetadata)
	}
	if len(p.ArchMap) > 0 {
		w.key("archMap")
		w.b = appendArray(w.b, w.depth+1, len(p.ArchMap), func(b []byte, depth, i int) []byte {
			a := p.ArchMap[i]
			o := objWriter{b: b, depth: depth}
			o.open()
			o.str("architecture", string(a.Arch))
			o.key("subArchitectures")
			if a.SubArches == nil {
				o.b = append(o.b, "null"...)
			} else {
				o.b = appendStrings(o.b, o.depth+1, len(a.SubArches), func(i int) string { return string(a.SubArches[i]) })
			}
			return o.close()
		})
	}
	w.key("syscalls")
	if p.Syscalls == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.b = appendArray(w.b, w.depth+1, len(p.Syscalls), func(b []byte, depth, i int) []byte {
			return appendSyscall(b, depth, p.Syscalls[i])
		})
	}
	return w.close()
}

func appendSyscall(b []byte, depth int, s *seccomp.Syscall) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	w := objWriter{b: b, depth: depth}
	w.open()
	w.key("names")
	if s.Names == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.b = appendStrings(w.b, w.depth+1, len(s.Names), func(i int) string { return s.Names[i] })
	}
	w.str("action", string(s.Action))
	if s.ErrnoRet != nil {
		w.uint("errnoRet", uint64(*s.ErrnoRet))
	}
	if len(s.Args) > 0 {
		w.key("args")
		w.b = appendArray(w.b, w.depth+1, len(s.Args), func(b []byte, depth, i int) []byte {
			return appendArg(b, depth, s.Args[i])
		})
	}
	if s.Name != "" {
		w.str("name", s.Name)
	}
	if s.Comment != "" {
		w.str("comment", s.Comment)
	}
	if s.Includes != nil {
		w.key("includes")
		w.b = appendFilter(w.b, w.depth+1, s.Includes)
	}
	if s.Excludes != nil {
		w.key("excludes")
		w.b = appendFilter(w.b, w.depth+1, s.Excludes)
	}
	return w.close()
}

func appendArg(b []byte, depth int, a specs.LinuxSeccompArg) []byte {
	w := objWriter{b: b, depth: depth}
	w.open()
	w.uint("index", uint64(a.Index))
	w.uint("value", a.Value)
	if a.ValueTwo != 0 {
		w.uint("valueTwo", a.ValueTwo)
	}
	w.str("op", string(a.Op))
	return w.close()
}

func appendFilter(b []byte, depth int, f *seccomp.Filter) []byte {
	w := objWriter{b: b, depth: depth}
	w.open()
	if len(f.Caps) > 0 {
		w.key("caps")
		w.b = appendStrings(w.b, w.depth+1, len(f.Caps), func(i int) string { return f.Caps[i] })
	}
	if len(f.Arches) > 0 {
		w.key("arches")
		w.b = appendStrings(w.b, w.depth+1, len(f.Arches), func(i int) string { return f.Arches[i] })
	}
	if f.MinKernel != nil {
		w.key("minKernel")
		w.b = appendString(w.b, f.MinKernel.String())
	}
	return w.close()
}

// objWriter writes one object's members; depth is the object's own nesting.
type objWriter struct {
	b     []byte
	depth int
	n     int // members written
}

func (w *objWriter) open() { w.b = append(w.b, '{') }

func (w *objWriter) key(k string) {
	if w.n > 0 {
		w.b = append(w.b, ',')
	}
	w.n++
	w.b = newline(w.b, w.depth+1)
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

func (w *objWriter) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *objWriter) uint(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
}

func (w *objWriter) close() []byte {
	if w.n > 0 {
		w.b = newline(w.b, w.depth)
	}
	return append(w.b, '}')
}

func newline(b []byte, depth int) []byte {
	b = append(b, '\n')
	for range depth {
		b = append(b, ' ', ' ')
	}
	return b
}

// appendArray writes n elements at depth+1, each by elem; an empty array is
// [] as encoding/json writes it.
func appendArray(b []byte, depth, n int, elem func(b []byte, depth, i int) []byte) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = newline(b, depth+1)
		b = elem(b, depth+1, i)
	}
	if n > 0 {
		b = newline(b, depth)
	}
	return append(b, ']')
}

func appendStrings(b []byte, depth, n int, s func(i int) string) []byte {
	return appendArray(b, depth, n, func(b []byte, _, i int) []byte { return appendString(b, s(i)) })
}

// appendString quotes s. Printable ASCII other than '"' and '\\' stands
// for itself; any other string is quoted by encoding/json, which decides
// how each escape is spelled.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return appendQuoted(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendQuoted(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// A string always encodes.
	_ = enc.Encode(s)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
