# A filter that lists only x86_64 admits no other ABI: the runtime kills any
# process that makes a syscall through int $0x80 (the bad-arch action is
# SIGSYS), whatever the rules say, while x86_64 programs run under the rules.
profile x86-abi-native-only
arch x86_64
default allow
deny chown

test {
    expect getpid allow
    run "x86-getpid" killed                               # allowed by the rules, wrong ABI
    run "touch /tmp/f && x86-chown32 /tmp/f" killed
    run "touch /tmp/g && x86-chmod /tmp/g 600" killed
    run "touch /tmp/h && chown 0:0 /tmp/h" fails          # x86_64 chown: the rule
    run "touch /tmp/i && chmod 600 /tmp/i" succeeds
}
