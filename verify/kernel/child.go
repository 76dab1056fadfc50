package kernel

/*
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

// The page the child shares with the parent. The parent polls it, so every
// field is written with plain stores: after the filter is loaded the child
// may not be allowed any syscall at all.
struct secprof_result {
	uint32_t state;   // 1 loading, 2 loaded and calling, 3 returned
	int32_t pad;
	int64_t ret;
	int32_t err;
	uint32_t trapped; // a SECCOMP_RET_TRAP SIGSYS arrived
};

static struct secprof_result *secprof_res;

static void secprof_on_sigsys(int sig, siginfo_t *si, void *uc) {
	(void)sig; (void)uc;
	if (si->si_code == 1) // SYS_SECCOMP
		__atomic_store_n(&secprof_res->trapped, 1, __ATOMIC_SEQ_CST);
}

// secprof_run loads the filter on the calling thread alone, makes one
// syscall and records the result. It returns an errno only when the filter
// could not be loaded; after a successful load it does not return.
static int secprof_run(struct secprof_result *r, struct sock_filter *prog, unsigned short len,
		unsigned int flags, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
	secprof_res = r;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = secprof_on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return errno;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	__atomic_store_n(&r->state, 1, __ATOMIC_SEQ_CST);
	if (len > 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			return errno;
		struct sock_fprog fp = { .len = len, .filter = prog };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp) != 0)
			return errno;
	}
	__atomic_store_n(&r->state, 2, __ATOMIC_SEQ_CST);
	long ret = syscall(nr, a0, a1, a2, a3, a4, a5);
	r->err = ret == -1 ? errno : 0;
	r->ret = ret;
	__atomic_store_n(&r->state, 3, __ATOMIC_SEQ_CST);
	// The parent has the result; it kills the child if exit is denied too.
	for (;;) {
		syscall(SYS_exit_group, 0);
		syscall(SYS_exit, 0);
	}
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// childEnv marks the re-executed child and carries its request.
const childEnv = "SECPROF_KERNEL_CHILD"

// request is what the parent asks one child to do. The shared memory (fd 3)
// holds the result page followed by the BPF program.
type request struct {
	Nr      int64    `json:"nr"`
	Name    string   `json:"name"`
	Args    []uint64 `json:"args"` // the written ones
	Flags   uint     `json:"flags"`
	ProgLen int      `json:"prog_len"` // bytes; 0 runs the control, unfiltered
	// Dir is an empty directory, the sandbox's mountpoint.
	Dir string `json:"dir"`
	// HostNS are the parent's namespaces, which the child must not share.
	HostNS map[string]uint64 `json:"host_ns"`
}

const pageSize = 4096

// result mirrors struct secprof_result.
type result struct {
	State   uint32
	_       int32
	Ret     int64
	Err     int32
	Trapped uint32
}

// Exit codes of a child that could not get as far as the syscall.
const (
	exitSetup = 3 // bad request or setup failure; stderr says why
	exitLoad  = 4 // the kernel refused the filter; stderr says why
)

// The call is made on the thread-group leader, so that when the call ends
// only its thread (exit, or a kill-thread) the parent can read how: a
// leader stays a zombie, with its exit code, while the other threads run.
// LockOSThread in an init function keeps main on the main thread.
func init() {
	if _, ok := os.LookupEnv(childEnv); ok {
		runtime.LockOSThread()
	}
}

// MaybeRunChild turns the process into a check child when the parent asked
// for one, and never returns then. Call it first thing in main (and in
// TestMain of tests that use Check): the child is this same binary.
func MaybeRunChild() {
	spec, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	// The filter binds the thread that loads it, so that thread must be
	// the one that makes the syscall.
	runtime.LockOSThread()
	if err := closeInheritedFiles(); err != nil {
		fail(exitSetup, "closing inherited descriptors: %v", err)
	}
	if unix.Gettid() != unix.Getpid() {
		fail(exitSetup, "the check runs on thread %d, not the thread-group leader", unix.Gettid())
	}
	var req request
	if err := json.Unmarshal([]byte(spec), &req); err != nil {
		fail(exitSetup, "bad request: %v", err)
	}
	mem, err := unix.Mmap(sharedFD, 0, pageSize+req.ProgLen, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		fail(exitSetup, "mapping the shared page: %v", err)
	}
	if err := enterSandbox(req); err != nil {
		fail(exitSetup, "entering the sandbox: %v", err)
	}
	args := childArgs(req.Name, req.Args)
	var prog *C.struct_sock_filter
	if req.ProgLen > 0 {
		prog = (*C.struct_sock_filter)(unsafe.Pointer(&mem[pageSize]))
	}
	errno := C.secprof_run((*C.struct_secprof_result)(unsafe.Pointer(&mem[0])), prog, C.ushort(req.ProgLen/8),
		C.uint(req.Flags), C.long(req.Nr),
		C.long(args[0]), C.long(args[1]), C.long(args[2]), C.long(args[3]), C.long(args[4]), C.long(args[5]))
	fail(exitLoad, "loading the filter: %v", unix.Errno(errno))
}

// sharedFD is the shared memory, the last descriptor the child keeps.
const sharedFD = 3

// closeInheritedFiles closes every descriptor above the shared memory.
// exec keeps whatever secprof itself inherited without close-on-exec (a CI
// runner's, a shell's 7>>file): each is an open host file, on which a call
// needs no permission check (ftruncate, write, fchdir out of the sandbox's
// root). It runs before the child opens anything of its own.
func closeInheritedFiles() error {
	err := unix.CloseRange(sharedFD+1, ^uint(0), 0)
	if err != unix.ENOSYS {
		return err
	}
	// Before Linux 5.9: close each number up to the limit.
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	for fd := sharedFD + 1; uint64(fd) < lim.Cur; fd++ {
		_ = unix.Close(fd)
	}
	return nil
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}

// cString is C memory that lives until the child exits.
func cString(s string) uint64 { return uint64(uintptr(unsafe.Pointer(C.CString(s)))) }

func scratch() uint64 { return uint64(uintptr(C.calloc(1, pageSize))) }
