# The design's full example: Docker's default with changes, an AppArmor
# layer, and the expectations that prove it.
profile web

seccomp {
    default errno EPERM
    arch x86_64 x86 x32

    allow @docker-default
    deny  @chmod                 # chmod fchmod fchmodat fchmodat2
    deny  ptrace errno EPERM
    kill  kexec_load
    allow personality if arg0 == 0x0
    allow clone if arg0 & 0x7e020000 == 0
    allow bpf when cap CAP_BPF
}

apparmor {
    deny /etc/shadow rw
    allow /srv/** r
    deny capability sys_admin
    deny mount
    deny network raw
}

test {
    expect chmod errno EPERM
    expect getpid allow
    expect personality(0xffffffff) errno EPERM
    expect kexec_load(0, 17) kill     # harmless arguments: the filter decides first
    run "touch /tmp/f && chmod 600 /tmp/f" fails
    run "touch /tmp/g && /usr/bin/chmod 600 /tmp/g" fails
    run "ls /" succeeds
}
