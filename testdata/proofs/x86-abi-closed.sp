# The hole of x86-abi-hole.sp, closed: @chown names every entry point that
# changes an owner on every ABI the filter admits, chown32 and its 32-bit
# twins included, while other 32-bit syscalls keep working.
profile x86-abi-closed
default allow
deny @chown

test {
    expect fchownat errno EPERM
    run "touch /tmp/f && x86-chown32 /tmp/f" fails        # chown32 through int $0x80
    run "touch /tmp/g && x86-chown /tmp/g" fails          # i386's chown
    run "touch /tmp/h && /usr/bin/chown 0:0 /tmp/h" fails # coreutils: fchownat(2)
    run "touch /tmp/i && x86-chmod /tmp/i 600" succeeds   # not an owner change
    run "x86-getpid" succeeds
}
