// Package rootfs builds the root filesystem that secprof's throwaway test
// containers run in, and the Docker image made from it.
//
// It sits at the end of the pipeline, under verify/container: a compiled
// profile is proven by running commands in a container on this filesystem.
// The filesystem holds two userlands on purpose, because the same command
// reaches the kernel through different syscalls in each:
//
//   - /bin and /sbin: a static busybox and its applets (busybox chmod calls
//     chmod(2), as on Alpine);
//   - /usr/bin: Debian's glibc binaries copied from the host with the shared
//     libraries they load (coreutils chmod calls fchmodat(2));
//   - /usr/local/bin: the x86 programs, static i386 executables without libc
//     that each make one syscall through the 32-bit ABI (x86-chown32 calls
//     chown32), compiled from x86/*.c at build time with numbers from the
//     syscalls tables. A host without gcc gets a tree without them.
//
// PATH puts busybox first, so "chmod" is busybox and "/usr/bin/chmod" is
// coreutils. The tree is built once per identity hash of its inputs in a cache
// directory (/var/cache/secprof for root), atomically, and reused read-only by every container.
package rootfs
