# A Docker profile with no "architectures" is a filter for the native ABI
# alone: the runtime kills any process that makes a syscall through the
# 32-bit x86 ABI (int $0x80), as it does under "arch x86_64".
profile x86-abi-no-arches
base "x86-abi-no-arches.json"

test {
    run "x86-getpid" killed
    run "touch /tmp/f && x86-chown32 /tmp/f" killed
    run "touch /tmp/g && chown 0:0 /tmp/g" fails          # x86_64 chown: the rule
    run "ls /" succeeds
}
