# Docker's default seccomp profile, proven in a container: ordinary tools
# work, creating a user namespace does not (it needs CAP_SYS_ADMIN there).
profile docker-default
base @docker-default

test {
    expect getpid allow
    expect unshare(0x10000000) errno EPERM     # CLONE_NEWUSER
    run "ls /" succeeds
    run "touch /tmp/f && /usr/bin/chmod 600 /tmp/f" succeeds
    run "unshare -U true" fails
}
