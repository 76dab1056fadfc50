package compiler

import (
	"fmt"
	"strings"
	"testing"

	"github.com/secprof/secprof/diag"
	"github.com/secprof/secprof/lint"
	"github.com/secprof/secprof/profiles"
)

// Silenced findings do not count against diag.MaxPerFile: a profile with
// more ignored findings than the cap still shows its one real finding in
// full, not folded into "and N more".
func TestIgnoredFindingsDoNotFillTheCap(t *testing.T) {
	var src strings.Builder
	src.WriteString("default errno EPERM\nallow read write exit_group\n")
	for i := 0; i < diag.MaxPerFile+10; i++ {
		// One rule a line, each silenced: errno 0 on a call of its own.
		fmt.Fprintf(&src, "errno 0 %s # secprof:ignore SP106 reviewed\n", fillerCalls[i])
	}
	src.WriteString("allow ptrace\n")
	f, pd := profiles.ParseDSL("p.sp", []byte(src.String()))
	if pd.HasErrors() {
		t.Fatal(pd.Text())
	}
	_, diags := Compile(f, Options{})
	if len(diags) != 1 || diags[0].Check != string(lint.DangerousAllow) || diags[0].Omitted != 0 {
		t.Errorf("want the one SP103 finding alone; got:\n%s", diags.Text())
	}
}

// fillerCalls are harmless calls, one for each silenced rule.
var fillerCalls = strings.Fields(`access alarm brk chdir close dup dup2 dup3 epoll_create1 epoll_ctl
	epoll_wait eventfd2 faccessat fadvise64 fallocate fchdir fcntl fdatasync flock fstatfs fsync
	ftruncate futex getcwd getdents64 getegid geteuid getgid getgroups getitimer getpgid getpgrp
	getpid getppid getpriority getrandom getresgid getresuid getrlimit getrusage getsid gettid
	gettimeofday getuid inotify_init1 inotify_add_watch inotify_rm_watch lseek madvise mincore
	mlock mprotect mremap msync munlock munmap nanosleep pipe pipe2 poll pread64 pwrite64 readv
	sched_yield select sysinfo time times umask uname wait4 writev`)
