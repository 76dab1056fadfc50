// Package syscalls knows the Linux system calls by name and number on every
// arch: the data the compiler resolves a profile's names against, and the
// source of "did you mean" suggestions for names nobody knows.
//
//	profile names ─► compiler (resolve) ─► syscalls.Number per target arch ─► IR
//
// The tables in ztables.go are generated (go generate ./syscalls) from
// golang.org/x/sys/unix, the kernel's x32 header and libseccomp's header;
// they are never edited by hand. x86_64, x86 and x32 are the arches Docker
// filters on an x86_64 host; the other arches are here so that a name such
// as riscv_hwprobe, which a portable profile lists, is recognised as a real
// call that merely has no effect on x86, instead of as a typo. libseccomp's
// pseudo-syscalls (recv, send, socketcall's multiplexed names, …) are known
// too, because libseccomp and Docker accept them on arches that lack them.
//
// Arches have one type, Arch, spelled as libseccomp names them (x86_64);
// SCMPName, ArchOfSCMP and ParseFilterableArch convert to and from the
// runtime's SCMP_ARCH_* constants, also for the arches libseccomp filters
// that have no table here (s390, mips64n32, parisc…). Docker's host-arch
// names (amd64, arm64, and x32 in includes/excludes) are another
// vocabulary, NativeArch, reached only through NativeArch.Arch and
// Arch.Native.
//
// Package hostlib, beside this one, asks the host's libseccomp instead; the
// two are kept honest by a test that compares them.
package syscalls
