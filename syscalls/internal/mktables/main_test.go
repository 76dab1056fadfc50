package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKernelName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		keep bool
	}{
		{"SYS_CHMOD", "chmod", true},
		{"SYS__LLSEEK", "_llseek", true},
		{"SYS__NEWSELECT", "_newselect", true},
		{"SYS__SYSCTL", "_sysctl", true},
		{"SYS_NEWFSTATAT", "newfstatat", true},
		{"SYS_FSTATAT", "newfstatat", true},
		{"SYS_CHOWN32", "chown32", true},
		{"SYS_ARCH_SPECIFIC_SYSCALL", "", false},
		{"SYS_SYSCALL_MASK", "", false},
		{"SYS_UNUSED18", "", false},
		{"SYS_RESERVED221", "", false},
		{"SYS_SYSCALL", "syscall", true},
	}
	for _, tt := range tests {
		got, keep := kernelName(tt.in)
		if got != tt.want || keep != tt.keep {
			t.Errorf("kernelName(%q) = %q, %v; want %q, %v", tt.in, got, keep, tt.want, tt.keep)
		}
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseTbl(t *testing.T) {
	text := "# comment\n0\tcommon\tread\t\tsys_read\n13\t64\trt_sigaction\tsys_rt_sigaction\n" +
		"462 \tcommon  mseal\t\t\tsys_mseal\n512\tx32\trt_sigaction\tcompat_sys_rt_sigaction\n134\t64\tuselib\n"
	got, err := parseTbl("t.tbl", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []tblEntry{{0, "common", "read"}, {13, "64", "rt_sigaction"}, {462, "common", "mseal"}, {512, "x32", "rt_sigaction"}, {134, "64", "uselib"}}
	if len(got) != len(want) {
		t.Fatalf("parsed %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %v; want %v", i, got[i], want[i])
		}
	}

	// What the reader does not understand must stop it, not be skipped.
	for _, bad := range []string{
		"0\tcommon\n",                      // no name
		"x\tcommon\tread\n",                // no number
		"0\ti386\tread\n",                  // an abi this file does not have
		"0\tcommon\tread\n1\t64\tread\n",   // common and 64 for one name
		"/* nothing */\n# only comments\n", // empty
	} {
		if _, err := parseTbl("t.tbl", []byte(bad)); err == nil {
			t.Errorf("parseTbl accepted %q", bad)
		}
	}
}

func TestParsePseudo(t *testing.T) {
	got, err := parsePseudo("p.txt", []byte("# from seccomp-syscalls.h\nsocket -101\n_llseek -10026\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["socket"] != -101 || got["_llseek"] != -10026 {
		t.Errorf("read %v", got)
	}
	for _, bad := range []string{"socket 101\n", "socket\n", "socket -1\nsocket -2\n", "# none\n"} {
		if _, err := parsePseudo("p.txt", []byte(bad)); err == nil {
			t.Errorf("parsePseudo accepted %q", bad)
		}
	}
}

func TestReadPinnedRejectsOtherBytes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("socket -101\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := pinnedInput{file: "in.txt", sha256: "0000", source: "test"}
	if _, err := readPinned(dir, in); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("readPinned accepted bytes with another hash: err = %v", err)
	}
	// The committed inputs are the ones the generator names.
	for _, in := range []pinnedInput{kernelTable, pseudoList} {
		if _, err := readPinned("inputs", in); err != nil {
			t.Error(err)
		}
	}
}

func TestXSysLinuxRelease(t *testing.T) {
	df := "FROM ubuntu:25.04\n# Linux Kernel: Released 16 Aug 2026\n" +
		"RUN git clone --branch v7.2 --depth 1 https://kernel.googlesource.com/pub/scm/linux/kernel/git/torvalds/linux\n" +
		"RUN git clone --branch release/2.44/master --depth 1 https://sourceware.org/git/glibc.git\n"
	if got, err := xsysLinuxRelease([]byte(df)); err != nil || got != "v7.2" {
		t.Errorf("xsysLinuxRelease = %q, %v; want v7.2", got, err)
	}
	if got, err := xsysLinuxRelease([]byte("FROM ubuntu\n")); err == nil {
		t.Errorf("xsysLinuxRelease found %q in a Dockerfile without a kernel", got)
	}
}

func TestReadZsysnumRejectsNonLiterals(t *testing.T) {
	good := writeFile(t, "zsysnum_linux_amd64.go", "package unix\n\nconst (\n\tSYS_READ = 0\n\tSYS__SYSCTL = 156\n\tSYS_ARCH_SPECIFIC_SYSCALL = 244\n)\n")
	calls, err := readZsysnum(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls["read"] != 0 || calls["_sysctl"] != 156 {
		t.Errorf("read %v", calls)
	}
	bad := writeFile(t, "zsysnum_linux_amd64.go", "package unix\n\nconst (\n\tSYS_READ = 0\n\tSYS_WRITE = SYS_READ + 1\n)\n")
	if _, err := readZsysnum(bad); err == nil {
		t.Error("readZsysnum accepted a computed constant")
	}
}

func TestX32FromTable(t *testing.T) {
	entries := []tblEntry{
		{0, "common", "read"},
		{59, "64", "execve"},
		{134, "64", "uselib"},
		{520, "x32", "execve"},
	}
	amd64 := map[string]int64{"read": 0, "execve": 59, "uselib": 134, "uprobe": 336, "fchmodat2": 452}
	got, err := x32FromTable(entries, amd64)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"read":      x32Bit | 0,
		"execve":    x32Bit | 520, // x32's own entry, not the 64-bit number
		"uprobe":    x32Bit | 336, // newer than the table, in an old hole
		"fchmodat2": x32Bit | 452, // newer than the table
		// uselib is "64" in the table: no x32 number.
	}
	if len(got) != len(want) {
		t.Errorf("derived %v; want %v", got, want)
	}
	for n, nr := range want {
		if got[n] != nr {
			t.Errorf("x32 %s = %#x; want %#x", n, got[n], nr)
		}
	}
	if _, err := x32FromTable(entries, map[string]int64{"future": 600}); err == nil {
		t.Error("a new x86_64 call in x32's private range was accepted")
	}
}

func TestAgree(t *testing.T) {
	entries := []tblEntry{{0, "common", "read"}, {13, "64", "rt_sigaction"}, {512, "x32", "rt_sigaction"}}
	if err := agree(entries, map[string]int64{"read": 0, "rt_sigaction": 13, "newer": 470}); err != nil {
		t.Error(err)
	}
	if err := agree(entries, map[string]int64{"read": 1, "rt_sigaction": 13}); err == nil {
		t.Error("a number x/sys and the table disagree on was accepted")
	}
	if err := agree(entries, map[string]int64{"read": 0}); err == nil {
		t.Error("an x86_64 call x/sys lacks was accepted")
	}
}
