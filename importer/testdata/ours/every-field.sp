# Imported from every-field.json by secprof import.
default errno ENOSYS
arch x86_64 x86 x32
flags SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW
listener "/run/seccomp agent.sock" metadata "pod=\"web\""
allow close exit_group read write
deny chmod fchmod comment "no mode changes"
errno EACCES fchmodat
kill-thread kexec_load
kill-thread reboot when cap CAP_SYS_BOOT
kill-process init_module
trap ptrace unless cap CAP_SYS_PTRACE
allow ptrace when cap CAP_SYS_PTRACE when kernel >= 4.8
log mount
notify open_tree
trace 7 umount2
allow personality if arg0 == 0
allow personality if arg0 == 0xffffffff
allow socket if arg0 < 3
allow socket if arg0 >= 10 and arg1 != 3
allow sched_setaffinity if arg1 <= 128
allow setpriority if arg2 > 0
allow clone if arg0 & 0x7e020000 == 0 unless cap CAP_SYS_ADMIN unless arch s390 s390x
allow clone when cap CAP_SYS_ADMIN
allow arch_prctl when arch amd64 x32
deny clone3 when kernel >= 5.3 unless cap CAP_SYS_ADMIN
