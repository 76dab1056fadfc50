# The profile users copy today, proven. `secprof test examples/seed.sp`
# shows the trap: busybox chmod is stopped, coreutils' chmod is not.
profile seed
default allow
deny chmod chown

test {
    expect chmod errno EPERM
    expect fchmodat allow          # the door glibc's chmod(1) walks through
    expect getpid allow
    run "touch /tmp/f && chmod 600 /tmp/f" fails                 # busybox: chmod(2)
    run "touch /tmp/g && /usr/bin/chmod 600 /tmp/g" succeeds     # coreutils: fchmodat(2)
    run "ls /" succeeds
}
