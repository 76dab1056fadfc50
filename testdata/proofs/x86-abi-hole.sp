# The hole in a deny-list on x86_64: the filter also admits the 32-bit x86
# ABI (Docker's x86_64 + x86 + x32 list, secprof's default), where chown has
# a twin. "deny chown" stops i386's 16-bit chown (number 182) but not
# chown32 (212), which every 32-bit program's chown calls: a static i386
# program that makes it through int $0x80 changes the file's owner.
profile x86-abi-hole
default allow
deny chown

test {
    expect chown errno EPERM
    run "touch /tmp/f && x86-chown32 /tmp/f" succeeds     # chown32: the hole
    run "touch /tmp/g && x86-chown /tmp/g" fails          # i386's chown: named, so stopped
    run "touch /tmp/h && chown 0:0 /tmp/h" fails          # busybox, x86_64 chown(2)
    run "x86-getpid" succeeds                             # the x86 ABI itself is allowed
}
