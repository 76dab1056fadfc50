# The fix: deny every entry point, on every ABI Docker filters.
profile no-chmod
default allow
deny @chmod @chown

test {
    expect chmod errno EPERM
    expect fchmodat errno EPERM
    expect fchownat errno EPERM
    run "touch /tmp/f && chmod 600 /tmp/f" fails
    run "touch /tmp/g && /usr/bin/chmod 600 /tmp/g" fails
    run "ls /" succeeds
}
