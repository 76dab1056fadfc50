# Docker's conditional rules: capabilities, arches and kernel versions.
profile conditional
default errno EPERM
allow read write exit_group
allow bpf perf_event_open when cap CAP_SYS_ADMIN
allow bpf when cap CAP_BPF
allow arch_prctl when arch amd64 x32
errno ENOSYS clone3 unless cap CAP_SYS_ADMIN
allow clone3 when cap CAP_SYS_ADMIN
allow pidfd_getfd when kernel >= 5.6
allow syslog when cap CAP_SYSLOG unless kernel >= 6.0 comment "syslog only for old kernels"
