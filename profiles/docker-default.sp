# Docker's default seccomp profile, as secprof source.
#
# It decides every syscall as Docker's own default.json (moby's
# DefaultProfile) does, under any capability set; a test proves it. Start a
# profile of your own by copying this file and changing a few lines.

profile docker-default

default errno EPERM

# The ABIs filtered on each kind of host, as Docker's archMap lists them.
arch x86_64: x86 x32
arch aarch64: arm
arch mips64: mips mips64n32
arch mips64n32: mips mips64
arch mipsel64: mipsel mipsel64n32
arch mipsel64n32: mipsel mipsel64
arch s390x: s390
arch riscv64:
arch loongarch64:

# What every container may do. Families name whole groups of calls,
# 32-bit twins included.
allow @chmod @chown @exec @ipc @kill @mknod @setuid @xattr

allow {
    # files and directories
    access chdir close close_range copy_file_range creat dup dup2 dup3
    faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir
    fcntl fcntl64 fdatasync flock fstat fstat64 fstatat64 fstatfs fstatfs64
    fsync ftruncate ftruncate64 futimesat getcwd getdents getdents64
    inotify_add_watch inotify_init inotify_init1 inotify_rm_watch link linkat
    _llseek lseek lstat lstat64 mkdir mkdirat name_to_handle_at newfstatat
    open openat openat2 readlink readlinkat rename renameat renameat2 rmdir
    stat stat64 statfs statfs64 statx symlink symlinkat sync sync_file_range
    syncfs truncate truncate64 umask unlink unlinkat utime utimensat
    utimensat_time64 utimes
    # reading and writing
    pread64 preadv preadv2 pwrite64 pwritev pwritev2 read readahead readv
    sendfile sendfile64 splice tee vmsplice write writev
    io_cancel io_destroy io_getevents io_pgetevents io_pgetevents_time64
    io_setup io_submit ioctl cachestat
    # waiting for events
    epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait
    epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 poll ppoll
    ppoll_time64 pselect6 pselect6_time64 select _newselect pause
    # sockets (socket itself is allowed per address family below)
    accept accept4 bind connect getpeername getsockname getsockopt listen
    recv recvfrom recvmmsg recvmmsg_time64 recvmsg send sendmmsg sendmsg
    sendto setsockopt shutdown socketcall socketpair
    # pipes, message queues and shared memory
    pipe pipe2 memfd_create memfd_secret mq_getsetattr mq_notify mq_open
    mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64
    mq_unlink
    # memory
    brk madvise map_shadow_stack membarrier mincore mlock mlock2 mlockall mmap
    mmap2 mprotect mremap mseal msync munlock munlockall munmap pkey_alloc
    pkey_free pkey_mprotect remap_file_pages
    # processes and threads
    exit exit_group fork vfork wait4 waitid waitpid getpid getppid gettid
    getpgid getpgrp getsid setpgid setsid set_tid_address get_robust_list
    set_robust_list get_thread_area set_thread_area rseq restart_syscall
    prctl seccomp landlock_add_rule landlock_create_ruleset
    landlock_restrict_self pidfd_open process_mrelease uretprobe
    futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake
    # identities and limits (changing them is in @setuid)
    capget capset getegid getegid32 geteuid geteuid32 getgid getgid32
    getgroups getgroups32 getresgid getresgid32 getresuid getresuid32 getuid
    getuid32 getrlimit setrlimit prlimit64 ugetrlimit getrusage getpriority
    setpriority ioprio_get ioprio_set
    # scheduling
    sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
    sched_get_priority_min sched_getscheduler sched_rr_get_interval
    sched_rr_get_interval_time64 sched_setaffinity sched_setattr
    sched_setparam sched_setscheduler sched_yield
    # signals
    rt_sigaction rt_sigpending rt_sigprocmask rt_sigreturn rt_sigsuspend
    rt_sigtimedwait rt_sigtimedwait_time64 sigaltstack signalfd signalfd4
    sigprocmask sigreturn
    # time and timers (setting the clock needs CAP_SYS_TIME, below)
    adjtimex alarm clock_adjtime clock_adjtime64 clock_getres
    clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
    clock_nanosleep_time64 getitimer setitimer gettimeofday nanosleep time
    times timer_create timer_delete timer_getoverrun timer_gettime
    timer_gettime64 timer_settime timer_settime64 timerfd_create
    timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64
    # the system
    getcpu getrandom sysinfo uname listmount statmount riscv_hwprobe
}

allow ptrace process_vm_readv process_vm_writev when kernel >= 4.8

# socket(2) for the address families Docker allows. x86's socketcall
# passes the family behind a pointer, so it cannot be filtered there.
allow socket if arg0 < 3          # AF_UNIX, AF_INET
allow socket if arg0 == 7         # AF_BRIDGE
allow socket if arg0 == 8         # AF_ATMPVC
allow socket if arg0 == 9         # AF_X25
allow socket if arg0 == 10        # AF_INET6
allow socket if arg0 == 13        # AF_NETBEUI
allow socket if arg0 == 14        # AF_SECURITY
allow socket if arg0 == 15        # AF_KEY
allow socket if arg0 == 16        # AF_NETLINK
allow socket if arg0 == 17        # AF_PACKET
allow socket if arg0 == 18        # AF_ASH
allow socket if arg0 == 21        # AF_RDS
allow socket if arg0 == 22        # AF_SNA
allow socket if arg0 == 24        # AF_PPPOX
allow socket if arg0 == 26        # AF_LLC
allow socket if arg0 == 27        # AF_IB
allow socket if arg0 == 28        # AF_MPLS
allow socket if arg0 == 29        # AF_CAN
allow socket if arg0 == 30        # AF_TIPC
allow socket if arg0 == 31        # AF_BLUETOOTH
allow socket if arg0 == 32        # AF_IUCV
allow socket if arg0 == 33        # AF_RXRPC
allow socket if arg0 == 35        # AF_PHONET
allow socket if arg0 == 36        # AF_IEEE802154
allow socket if arg0 == 39        # AF_NFC
allow socket if arg0 == 41        # AF_KCM
allow socket if arg0 == 42        # AF_QIPCRTR
allow socket if arg0 == 43        # AF_SMC
allow socket if arg0 == 44        # AF_XDP
allow socket if arg0 == 45        # AF_MCTP

# personality(2) only for the personas programs ask for.
allow personality if arg0 == 0            # PER_LINUX
allow personality if arg0 == 8            # UNAME26
allow personality if arg0 == 0x20000      # PER_LINUX32
allow personality if arg0 == 0x20008      # PER_LINUX32 | UNAME26
allow personality if arg0 == 0xffffffff   # query the persona

# Calls that exist only on some hosts' arches.
allow arch_prctl when arch amd64 x32
allow modify_ldt when arch amd64 x32 x86
allow sync_file_range2 swapcontext when arch ppc64le
allow arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls when arch arm arm64
allow s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr when arch s390 s390x
allow riscv_flush_icache when arch riscv64

# Capabilities unlock the calls they govern.
allow {
    bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick
    lookup_dcookie lsm_get_self_attr lsm_list_modules lsm_set_self_attr mount
    mount_setattr move_mount open_tree perf_event_open syslog umount umount2
    @hostname @namespaces @quota
} when cap CAP_SYS_ADMIN
allow open_by_handle_at when cap CAP_DAC_READ_SEARCH
allow reboot when cap CAP_SYS_BOOT
allow chroot when cap CAP_SYS_CHROOT
allow delete_module init_module finit_module when cap CAP_SYS_MODULE
allow acct when cap CAP_SYS_PACCT
allow @ptrace when cap CAP_SYS_PTRACE
allow iopl ioperm when cap CAP_SYS_RAWIO
allow settimeofday stime clock_settime clock_settime64 when cap CAP_SYS_TIME
allow vhangup when cap CAP_SYS_TTY_CONFIG
allow get_mempolicy mbind set_mempolicy set_mempolicy_home_node when cap CAP_SYS_NICE
allow syslog when cap CAP_SYSLOG
allow bpf when cap CAP_BPF
allow perf_event_open when cap CAP_PERFMON

# Without CAP_SYS_ADMIN, clone may not create namespaces (CLONE_NEWNS,
# NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWCGROUP); s390 passes the flags
# second. clone3 passes them behind a pointer, so it answers ENOSYS and
# glibc falls back to clone.
allow clone if arg0 & 0x7e020000 == 0 unless cap CAP_SYS_ADMIN unless arch s390 s390x
allow clone if arg1 & 0x7e020000 == 0 when arch s390 s390x unless cap CAP_SYS_ADMIN
errno ENOSYS clone3 unless cap CAP_SYS_ADMIN
