// Command mktables writes syscalls/ztables.go, secprof's syscall number
// tables, from pinned, versioned inputs only, so that every machine makes
// the same bytes whatever its /usr/include holds:
//
//   - golang.org/x/sys/unix/zsysnum_linux_*.go, one file per Linux arch, made
//     by x/sys's mksysnum from the kernel's asm/unistd.h. These give the names
//     and numbers of every arch but x32. The module is located through the go
//     command, so its version is the one in secprof's go.mod, and the kernel
//     release it was made from is read from its unix/linux/Dockerfile.
//   - inputs/syscall_64.tbl, the kernel's x86_64 table at a recorded upstream
//     commit (see inputs/README.md): x/sys has no x32 port, and this table is
//     what the kernel builds x32 from (see x32FromTable).
//   - inputs/libseccomp-pseudo-*.txt, the names libseccomp gives a negative
//     pseudo-number (__PNR_*) so a filter can name a call on an arch that
//     lacks it, extracted from a tagged seccomp-syscalls.h.
//
// Each vendored input is checked against the SHA-256 recorded here, so the
// versions the generated header names are the bytes that were read.
// Output is sorted and carries no machine-specific path or date.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const x32Bit = 0x40000000

// libseccompArch maps a Go GOARCH, as x/sys names its files, to the arch
// name libseccomp and Docker profiles use. A new x/sys file with a GOARCH
// missing here stops the generator rather than being guessed.
var libseccompArch = map[string]string{
	"386":      "x86",
	"amd64":    "x86_64",
	"arm":      "arm",
	"arm64":    "aarch64",
	"loong64":  "loongarch64",
	"mips":     "mips",
	"mipsle":   "mipsel",
	"mips64":   "mips64",
	"mips64le": "mipsel64",
	"ppc":      "ppc",
	"ppc64":    "ppc64",
	"ppc64le":  "ppc64le",
	"riscv64":  "riscv64",
	"s390x":    "s390x",
	"sparc64":  "sparc64", // libseccomp has no sparc; kept so its names are known
}

// notSyscalls are SYS_ constants x/sys emits that name no system call.
var notSyscalls = map[string]string{
	// mksysnum keeps this offset of arm64, loong64 and riscv64 as a constant
	// for API compatibility; the calls built on it are listed separately.
	"arch_specific_syscall": "an offset",
	// arm's unistd.h defines __NR_SYSCALL_MASK 0x0fffff; mksysnum's regexp
	// reads the leading "0" of the hex literal as a syscall number.
	"syscall_mask": "a mask",
}

// placeholder matches the slots the kernel's MIPS tables name "unused18" or
// "reserved82": numbers that were never, or are no longer, system calls.
var placeholder = regexp.MustCompile(`^(unused|reserved)[0-9]+$`)

// renames maps x/sys spellings to the kernel's. Older x/sys releases wrote
// the generic 64-bit __NR3264_fstatat as SYS_FSTATAT; the kernel, libseccomp
// and Docker call it newfstatat. Current releases already agree.
var renames = map[string]string{
	"fstatat": "newfstatat",
}

type call struct {
	name string
	nr   int64
}

type table struct {
	arch  string
	calls map[string]int64
}

// pinnedInput is a vendored generator input: where it lies under the inputs
// directory, the SHA-256 its bytes must have, and the upstream version the
// generated header names for it. Updating an input means updating all three.
type pinnedInput struct {
	file   string
	sha256 string
	source string
}

var (
	kernelTable = pinnedInput{
		file:   "syscall_64.tbl",
		sha256: "980ce3115028c71c5618e7864d262017bde8103bcfe7b413147a14fd312c92ac",
		source: "torvalds/linux@7237cb3e1544718a972b732e66ebcf0f63b128a5 arch/x86/entry/syscalls/syscall_64.tbl",
	}
	pseudoList = pinnedInput{
		file:   "libseccomp-pseudo-v2.5.4.txt",
		sha256: "c49d1ea8a20b53a73c6a7bb3a7cdb2abffccbc0ac5a3522a2817d25eeae20001",
		source: "libseccomp v2.5.4 include/seccomp-syscalls.h",
	}
)

func main() {
	out := flag.String("o", "ztables.go", "output file")
	xsysDir := flag.String("xsys", "", "golang.org/x/sys module directory (default: the version go.mod pins, from go list)")
	inputs := flag.String("inputs", filepath.Join("internal", "mktables", "inputs"), "directory of the pinned kernel and libseccomp inputs")
	flag.Parse()

	src, err := generate(*xsysDir, *inputs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mktables:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mktables:", err)
		os.Exit(1)
	}
}

// xsysModule is the golang.org/x/sys the tables come from.
type xsysModule struct {
	dir, version string
	linux        string // the kernel release its zsysnum files were made from
}

func generate(xsysDir, inputsDir string) ([]byte, error) {
	xsys, err := locateXSys(xsysDir)
	if err != nil {
		return nil, err
	}
	tables, err := readXSys(filepath.Join(xsys.dir, "unix"))
	if err != nil {
		return nil, err
	}
	var amd64 *table
	for _, t := range tables {
		if t.arch == "x86_64" {
			amd64 = t
		}
	}
	if amd64 == nil {
		return nil, errors.New("x/sys has no amd64 table")
	}

	tblText, err := readPinned(inputsDir, kernelTable)
	if err != nil {
		return nil, err
	}
	entries, err := parseTbl(kernelTable.file, tblText)
	if err != nil {
		return nil, err
	}
	// Both sources come from the kernel; a disagreement means one of them
	// was misread, and every table built on it would be wrong.
	if err := agree(entries, amd64.calls); err != nil {
		return nil, err
	}
	x32, err := x32FromTable(entries, amd64.calls)
	if err != nil {
		return nil, err
	}
	tables = append(tables, &table{arch: "x32", calls: x32})
	sort.Slice(tables, func(i, j int) bool { return tables[i].arch < tables[j].arch })

	pseudoText, err := readPinned(inputsDir, pseudoList)
	if err != nil {
		return nil, err
	}
	pseudo, err := parsePseudo(pseudoList.file, pseudoText)
	if err != nil {
		return nil, err
	}
	return render(xsys, tables, pseudo)
}

// readPinned reads a vendored input and refuses bytes other than the ones
// whose version the generated header will name.
func readPinned(dir string, in pinnedInput) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, in.file))
	if err != nil {
		return nil, err
	}
	if sum := fmt.Sprintf("%x", sha256.Sum256(b)); sum != in.sha256 {
		return nil, fmt.Errorf("%s: sha256 %s, want %s (%s); an updated input needs its version and hash updated in mktables", in.file, sum, in.sha256, in.source)
	}
	return b, nil
}

// locateXSys asks the go command where golang.org/x/sys lives, so the
// version used is the one the module requires, and reads which kernel
// release x/sys generated its tables from.
func locateXSys(dir string) (xsysModule, error) {
	m := xsysModule{dir: dir, version: "(version unknown: -xsys given)"}
	if dir == "" {
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "golang.org/x/sys")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return m, fmt.Errorf("go list -m golang.org/x/sys: %v: %s", err, stderr.Bytes())
		}
		f := strings.Fields(string(out))
		if len(f) != 2 || f[0] == "" {
			return m, fmt.Errorf("go list -m golang.org/x/sys: unexpected output %q (is the module downloaded? run go mod download)", out)
		}
		m.dir, m.version = f[0], f[1]
	}
	dockerfile := filepath.Join(m.dir, "unix", "linux", "Dockerfile")
	b, err := os.ReadFile(dockerfile)
	if err != nil {
		return m, err
	}
	linux, err := xsysLinuxRelease(b)
	if err != nil {
		return m, fmt.Errorf("%s: %v", dockerfile, err)
	}
	m.linux = linux
	return m, nil
}

// kernelClone matches the line of x/sys's Dockerfile that checks out the
// kernel its zsysnum files are generated from.
var kernelClone = regexp.MustCompile(`(?m)^RUN git clone --branch (v[0-9][0-9a-z.-]*) .*/torvalds/linux\s*$`)

func xsysLinuxRelease(dockerfile []byte) (string, error) {
	ms := kernelClone.FindAllSubmatch(dockerfile, -1)
	if len(ms) != 1 {
		return "", fmt.Errorf("found %d kernel checkouts, want exactly one", len(ms))
	}
	return string(ms[0][1]), nil
}

var zsysnum = regexp.MustCompile(`^zsysnum_linux_([a-z0-9]+)\.go$`)

func readXSys(dir string) ([]*table, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var tables []*table
	for _, e := range ents {
		m := zsysnum.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		arch, ok := libseccompArch[m[1]]
		if !ok {
			return nil, fmt.Errorf("%s: GOARCH %q has no libseccomp arch name in mktables", e.Name(), m[1])
		}
		calls, err := readZsysnum(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		tables = append(tables, &table{arch: arch, calls: calls})
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("%s: no zsysnum_linux_*.go files", dir)
	}
	return tables, nil
}

// readZsysnum reads the SYS_* constants of one x/sys file. Anything but an
// integer literal is an error: the generator must not guess.
func readZsysnum(path string) (map[string]int64, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	calls := map[string]int64{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "SYS_") {
					continue
				}
				if i >= len(vs.Values) {
					return nil, fmt.Errorf("%s: %s has no value", path, id.Name)
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.INT {
					return nil, fmt.Errorf("%s: %s is not an integer literal", path, id.Name)
				}
				nr, err := strconv.ParseInt(lit.Value, 0, 64)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %v", path, id.Name, err)
				}
				name, keep := kernelName(id.Name)
				if !keep {
					continue
				}
				if old, dup := calls[name]; dup {
					return nil, fmt.Errorf("%s: %s defined twice (%d and %d)", path, name, old, nr)
				}
				calls[name] = nr
			}
		}
	}
	if len(calls) == 0 {
		return nil, fmt.Errorf("%s: no SYS_ constants", path)
	}
	return calls, nil
}

// kernelName turns an x/sys constant into the kernel's syscall name. x/sys
// upper-cases the name after "SYS_", keeping a leading underscore
// (SYS__LLSEEK is _llseek), and kernel names are all lower case.
func kernelName(constName string) (string, bool) {
	name := strings.ToLower(strings.TrimPrefix(constName, "SYS_"))
	if _, skip := notSyscalls[name]; skip || placeholder.MatchString(name) {
		return "", false
	}
	if n, ok := renames[name]; ok {
		name = n
	}
	return name, true
}

// tblEntry is one line of the kernel's syscall_64.tbl.
type tblEntry struct {
	nr   int64
	abi  string // common, 64 or x32
	name string
}

// parseTbl reads "<number> <abi> <name> [<entry point>...]" lines. Anything
// it does not understand is an error, so a changed format cannot silently
// drop calls.
func parseTbl(name string, text []byte) ([]tblEntry, error) {
	var entries []tblEntry
	seen := map[string]int{} // "abi name" -> line
	for ln, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want <number> <abi> <name>, got %q", name, ln+1, line)
		}
		nr, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || nr < 0 {
			return nil, fmt.Errorf("%s:%d: bad number %q", name, ln+1, f[0])
		}
		switch f[1] {
		case "common", "64", "x32":
		default:
			return nil, fmt.Errorf("%s:%d: unknown abi %q", name, ln+1, f[1])
		}
		// x32 and 64 may each name a call once (rt_sigaction is 13 on
		// x86_64, 512 on x32); common covers both.
		for _, key := range abiKeys(f[1], f[2]) {
			if prev, dup := seen[key]; dup {
				return nil, fmt.Errorf("%s:%d: %s already defined at line %d", name, ln+1, f[2], prev)
			}
			seen[key] = ln + 1
		}
		entries = append(entries, tblEntry{nr, f[1], f[2]})
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no syscalls", name)
	}
	return entries, nil
}

func abiKeys(abi, name string) []string {
	if abi == "common" {
		return []string{"64 " + name, "x32 " + name}
	}
	return []string{abi + " " + name}
}

// parsePseudo reads "name number" lines of negative libseccomp numbers.
func parsePseudo(name string, text []byte) (map[string]int64, error) {
	calls := map[string]int64{}
	for ln, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want <name> <number>, got %q", name, ln+1, line)
		}
		nr, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || nr >= 0 {
			return nil, fmt.Errorf("%s:%d: %q is not a negative pseudo-number", name, ln+1, f[1])
		}
		if _, dup := calls[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", name, ln+1, f[0])
		}
		calls[f[0]] = nr
	}
	if len(calls) == 0 {
		return nil, fmt.Errorf("%s: no pseudo-calls", name)
	}
	return calls, nil
}

// agree checks the kernel table's x86_64 numbers against x/sys's. x/sys is
// the newer source (see generate), so it must know every x86_64 call the
// table has, at the same number.
func agree(entries []tblEntry, amd64 map[string]int64) error {
	for _, e := range entries {
		if e.abi == "x32" {
			continue
		}
		got, ok := amd64[e.name]
		if !ok {
			return fmt.Errorf("x86_64 %s = %d: in the kernel table, not in x/sys", e.name, e.nr)
		}
		if got != e.nr {
			return fmt.Errorf("x86_64 %s: x/sys says %d, the kernel table says %d", e.name, got, e.nr)
		}
	}
	return nil
}

// x32FromTable builds the x32 table the way the kernel does: every "common"
// and "x32" entry of syscall_64.tbl, with __X32_SYSCALL_BIT set (x32's own
// variants of 64-bit-only calls live at 512-547).
//
// x/sys may be newer than the vendored table. A call it has on x86_64 that
// the table lacks is added as "common", the table's own instruction for new
// calls ("add new calls after the last 'common' entry"): 0x40000000 | its
// x86_64 number. Where a newer kernel made a call 64-bit only (uretprobe,
// uprobe, map_shadow_stack), its x32 number is a slot the kernel answers
// with ENOSYS: a rule there is harmless and has no effect, and a deny-list
// never misses an x32 entry point.
func x32FromTable(entries []tblEntry, amd64 map[string]int64) (map[string]int64, error) {
	x32 := map[string]int64{}
	inTable := map[string]bool{}
	for _, e := range entries {
		inTable[e.name] = true
		if e.abi == "64" {
			continue
		}
		x32[e.name] = x32Bit | e.nr
	}
	for name, nr := range amd64 {
		if inTable[name] {
			continue
		}
		if nr >= 512 {
			// 512 and up is x32's own range; a new x86_64 call there would
			// collide with an x32-specific entry.
			return nil, fmt.Errorf("x86_64 %s = %d lies in x32's private range", name, nr)
		}
		x32[name] = x32Bit | nr
	}
	return x32, nil
}

func sortedCalls(m map[string]int64) []call {
	cs := make([]call, 0, len(m))
	for name, nr := range m {
		cs = append(cs, call{name, nr})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

func render(xsys xsysModule, tables []*table, pseudo map[string]int64) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by mktables (go generate ./syscalls); DO NOT EDIT.\n\n")
	b.WriteString("// Sources (pinned; see syscalls/internal/mktables/inputs/README.md):\n")
	fmt.Fprintf(&b, "//   golang.org/x/sys %s unix/zsysnum_linux_*.go, made from Linux %s\n", xsys.version, xsys.linux)
	fmt.Fprintf(&b, "//   x32: %s (sha256 %s);\n", kernelTable.source, kernelTable.sha256)
	b.WriteString("//        x86_64 calls newer than that table taken as \"common\"\n")
	fmt.Fprintf(&b, "//   pseudo-calls: %s (sha256 of the extract %s)\n\n", pseudoList.source, pseudoList.sha256)
	b.WriteString("package syscalls\n\n")
	b.WriteString("var archTables = [...]archTable{\n")
	for _, t := range tables {
		fmt.Fprintf(&b, "\t{arch: %q, calls: []call{\n", t.arch)
		for _, c := range sortedCalls(t.calls) {
			if t.arch == "x32" {
				fmt.Fprintf(&b, "\t\t{%q, x32Bit | %d},\n", c.name, c.nr&^x32Bit)
			} else {
				fmt.Fprintf(&b, "\t\t{%q, %d},\n", c.name, c.nr)
			}
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n\n")
	b.WriteString("// pseudoCalls are libseccomp's pseudo-syscalls, with its negative numbers.\n")
	b.WriteString("var pseudoCalls = [...]call{\n")
	for _, c := range sortedCalls(pseudo) {
		fmt.Fprintf(&b, "\t{%q, %d},\n", c.name, c.nr)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
