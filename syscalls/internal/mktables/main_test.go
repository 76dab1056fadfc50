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

func TestReadHeader(t *testing.T) {
	x32 := writeFile(t, "unistd_x32.h", `#ifndef _ASM_UNISTD_X32_H
#define _ASM_UNISTD_X32_H
#define __NR_read (__X32_SYSCALL_BIT + 0)
#define __NR_execve (__X32_SYSCALL_BIT + 520)
#endif
`)
	got, err := readHeader(x32, headerX32)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["read"] != 0x40000000 || got["execve"] != 0x40000000|520 {
		t.Errorf("x32 header read as %v", got)
	}

	pseudo := writeFile(t, "seccomp-syscalls.h", `#define __PNR_socket				-101
#define __SNR_socket			__PNR_socket
#define __PNR__llseek				-10026
`)
	got, err = readHeader(pseudo, headerPseudo)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["socket"] != -101 || got["_llseek"] != -10026 {
		t.Errorf("pseudo header read as %v", got)
	}

	// A define the reader does not understand must stop it, not be skipped.
	odd := writeFile(t, "unistd_64.h", "#define __NR_read 0\n#define __NR_write (__NR_read + 1)\n")
	if _, err := readHeader(odd, headerPlain); err == nil || !strings.Contains(err.Error(), "__NR_write") {
		t.Errorf("readHeader accepted an unknown define form: err = %v", err)
	}
	empty := writeFile(t, "empty.h", "/* nothing */\n")
	if _, err := readHeader(empty, headerPlain); err == nil {
		t.Error("readHeader accepted a header with no syscalls")
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

func TestDeriveX32(t *testing.T) {
	hdrX32 := map[string]int64{"read": x32Bit | 0, "execve": x32Bit | 520}
	hdr64 := map[string]int64{"read": 0, "execve": 59, "uselib": 134}
	amd64 := map[string]int64{"read": 0, "execve": 59, "uselib": 134, "uretprobe": 335, "fchmodat2": 452}
	got, err := deriveX32(hdrX32, hdr64, amd64)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"read":      x32Bit | 0,
		"execve":    x32Bit | 520, // the header's x32-specific number stands
		"uretprobe": x32Bit | 335, // new, in an old hole
		"fchmodat2": x32Bit | 452, // new, above the header
		// uselib is x86_64-only and already in unistd_64.h: not derived.
	}
	if len(got) != len(want) {
		t.Errorf("derived %v; want %v", got, want)
	}
	for n, nr := range want {
		if got[n] != nr {
			t.Errorf("x32 %s = %#x; want %#x", n, got[n], nr)
		}
	}
	if _, err := deriveX32(hdrX32, hdr64, map[string]int64{"future": 600}); err == nil {
		t.Error("a new x86_64 call in x32's private range was accepted")
	}
}
