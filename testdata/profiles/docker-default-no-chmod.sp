# Docker's default seccomp profile, except that nothing may change a
# file's mode: the rules here replace the base's for the same syscalls.
profile docker-default-no-chmod
base @docker-default
deny @chmod
