// Command mktables writes syscalls/ztables.go, secprof's syscall number
// tables, from sources that are themselves generated from the kernel:
//
//   - golang.org/x/sys/unix/zsysnum_linux_*.go, one file per Linux arch, made
//     by x/sys's mksysnum from the kernel's asm/unistd.h. These give the names
//     and numbers of every arch but x32. The module is located through the go
//     command, so its version is the one in secprof's go.mod.
//   - asm/unistd_x32.h from linux-libc-dev, the kernel's own x32 header: x/sys
//     has no x32 port. Its numbers carry __X32_SYSCALL_BIT (0x40000000).
//   - asm/unistd_64.h from the same linux-libc-dev, which tells which x86_64
//     calls are newer than that x32 header (see deriveX32).
//   - seccomp-syscalls.h from libseccomp-dev: the names libseccomp gives a
//     negative pseudo-number (__PNR_*) so a filter can name a call on an arch
//     that lacks it.
//
// Output is sorted and carries no machine-specific path or date, so every
// machine with the same inputs writes the same bytes.
package main

import (
	"bufio"
	"bytes"
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

func main() {
	out := flag.String("o", "ztables.go", "output file")
	xsysDir := flag.String("xsys", "", "golang.org/x/sys module directory (default: from go list)")
	x32h := flag.String("x32", "/usr/include/x86_64-linux-gnu/asm/unistd_x32.h", "kernel x32 syscall header (linux-libc-dev)")
	x64h := flag.String("x64", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "kernel x86_64 syscall header of the same linux-libc-dev")
	x86h := flag.String("x86", "/usr/include/x86_64-linux-gnu/asm/unistd_32.h", "kernel i386 syscall header of the same linux-libc-dev")
	pseudoh := flag.String("pseudo", "/usr/include/seccomp-syscalls.h", "libseccomp syscall header (libseccomp-dev)")
	flag.Parse()

	src, err := generate(*xsysDir, *x32h, *x64h, *x86h, *pseudoh)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mktables:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mktables:", err)
		os.Exit(1)
	}
}

func generate(xsysDir, x32h, x64h, x86h, pseudoh string) ([]byte, error) {
	version := ""
	if xsysDir == "" {
		var err error
		xsysDir, version, err = locateXSys()
		if err != nil {
			return nil, err
		}
	}
	tables, err := readXSys(filepath.Join(xsysDir, "unix"))
	if err != nil {
		return nil, err
	}
	byArch := map[string]*table{}
	for _, t := range tables {
		byArch[t.arch] = t
	}
	amd64, i386 := byArch["x86_64"], byArch["x86"]
	if amd64 == nil || i386 == nil {
		return nil, errors.New("x/sys has no amd64 or 386 table")
	}

	hdr64, err := readHeader(x64h, headerPlain)
	if err != nil {
		return nil, err
	}
	hdr32, err := readHeader(x86h, headerPlain)
	if err != nil {
		return nil, err
	}
	// Both sources claim to be generated from the kernel; a disagreement means
	// one of them was misread, and every table built on it would be wrong.
	if err := agree("x86_64", amd64.calls, hdr64); err != nil {
		return nil, err
	}
	if err := agree("x86", i386.calls, hdr32); err != nil {
		return nil, err
	}

	hdrX32, err := readHeader(x32h, headerX32)
	if err != nil {
		return nil, err
	}
	x32, err := deriveX32(hdrX32, hdr64, amd64.calls)
	if err != nil {
		return nil, err
	}
	tables = append(tables, &table{arch: "x32", calls: x32})
	sort.Slice(tables, func(i, j int) bool { return tables[i].arch < tables[j].arch })

	pseudo, err := readHeader(pseudoh, headerPseudo)
	if err != nil {
		return nil, err
	}

	return render(version, tables, pseudo, x32h, pseudoh)
}

// locateXSys asks the go command where golang.org/x/sys lives, so the
// version used is the one the module requires.
func locateXSys() (dir, version string, err error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "golang.org/x/sys")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m golang.org/x/sys: %v: %s", err, stderr.Bytes())
	}
	f := strings.Fields(string(out))
	if len(f) != 2 || f[0] == "" {
		return "", "", fmt.Errorf("go list -m golang.org/x/sys: unexpected output %q (is the module downloaded? run go mod download)", out)
	}
	return f[0], f[1], nil
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

type headerKind int

const (
	headerPlain  headerKind = iota // #define __NR_read 0
	headerX32                      // #define __NR_read (__X32_SYSCALL_BIT + 0)
	headerPseudo                   // #define __PNR_socket -101
)

var headerLine = map[headerKind]*regexp.Regexp{
	headerPlain:  regexp.MustCompile(`^#define\s+__NR_(\w+)\s+([0-9]+)\s*$`),
	headerX32:    regexp.MustCompile(`^#define\s+__NR_(\w+)\s+\(__X32_SYSCALL_BIT\s*\+\s*([0-9]+)\)\s*$`),
	headerPseudo: regexp.MustCompile(`^#define\s+__PNR_(\w+)\s+(-[0-9]+)\s*$`),
}

// readHeader reads name/number pairs from a kernel or libseccomp header.
// A __NR_ or __PNR_ define the pattern does not match is an error, so that
// a changed header format cannot silently drop calls.
func readHeader(path string, kind headerKind) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := "__NR_"
	if kind == headerPseudo {
		prefix = "__PNR_"
	}
	re := headerLine[kind]
	calls := map[string]int64{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "#define" || !strings.HasPrefix(fields[1], prefix) {
			continue
		}
		m := re.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: unexpected define %q", path, ln, line)
		}
		nr, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		if kind == headerX32 {
			nr |= x32Bit
		}
		calls[m[1]] = nr
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(calls) == 0 {
		return nil, fmt.Errorf("%s: no %s defines", path, prefix)
	}
	return calls, nil
}

func agree(arch string, xsys, hdr map[string]int64) error {
	for name, nr := range hdr {
		if got, ok := xsys[name]; ok && got != nr {
			return fmt.Errorf("%s %s: x/sys says %d, linux-libc-dev says %d", arch, name, got, nr)
		}
	}
	return nil
}

// deriveX32 completes the x32 header with the x86_64 calls that are newer
// than it. The kernel builds x32 from syscall_64.tbl: an entry marked
// "common" has the same number on x86_64 and x32, the latter with
// __X32_SYSCALL_BIT set, and since Linux 4.x every new x86_64 call has been
// added as "common" (the table says "add new calls after the last 'common'
// entry"). So a call that x/sys's x86_64 table has and the same
// linux-libc-dev's unistd_64.h lacks is new, and its x32 number is
// 0x40000000 | its x86_64 number. Comparing against unistd_64.h rather than
// against the x32 header's highest number also catches new calls placed in
// old holes, such as uretprobe (335) and uprobe (336).
//
// Known exception: map_shadow_stack (453) was added as "64", so the x32
// number this derives for it is a slot the kernel answers with ENOSYS. A
// filter rule on it is then harmless but has no effect.
func deriveX32(hdrX32, hdr64, amd64 map[string]int64) (map[string]int64, error) {
	x32 := map[string]int64{}
	for name, nr := range hdrX32 {
		x32[name] = nr
	}
	for name, nr := range amd64 {
		if _, old := hdr64[name]; old {
			continue
		}
		if nr >= 512 {
			// 512 and up is x32's own range; a new x86_64 call there would
			// collide with an x32-specific entry.
			return nil, fmt.Errorf("x86_64 %s = %d lies in x32's private range", name, nr)
		}
		if prev, ok := x32[name]; ok && prev != x32Bit|nr {
			return nil, fmt.Errorf("x32 %s: header says %#x, derived %#x", name, prev, x32Bit|nr)
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

func render(version string, tables []*table, pseudo map[string]int64, x32h, pseudoh string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by mktables (go generate ./syscalls); DO NOT EDIT.\n\n")
	b.WriteString("// Sources:\n")
	if version != "" {
		fmt.Fprintf(&b, "//   golang.org/x/sys %s unix/zsysnum_linux_*.go\n", version)
	} else {
		b.WriteString("//   golang.org/x/sys unix/zsysnum_linux_*.go\n")
	}
	fmt.Fprintf(&b, "//   %s (linux-libc-dev), newer calls derived from x86_64\n", x32h)
	fmt.Fprintf(&b, "//   %s (libseccomp-dev)\n\n", pseudoh)
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
