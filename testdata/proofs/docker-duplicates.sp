# A Docker profile that names chmod and mkdir twice, proven in the runtime:
# runc skips the rule equal to the default, and libseccomp keeps the first
# of two rules for one syscall. secprof's compilation must agree.
profile docker-duplicates
base "../profiles/docker-duplicates.json"

test {
    expect chmod errno EPERM
    expect fchmod errno EPERM
    expect personality(8) errno EPERM
    expect personality(0) allow
    run "touch /tmp/a && chmod 600 /tmp/a" fails
    run "mkdir /tmp/z" succeeds
}
