# Deny every way to change modes and owners, on every ABI Docker filters:
# coreutils calls fchmodat/fchownat, and x86 has the 32-bit chown twins.
profile no-chmod
default allow
deny @chmod @chown
