// Package container proves a compiled seccomp profile by running commands
// in a throwaway container under it and checking each expectation.
//
// It is the last step of the pipeline: the compiler's OCI backend feeds
// the runc (and crun) engine, its Docker backend feeds the Docker engine.
// Every check of one profile runs in one container, in order, through a
// small busybox sh driver that delimits each command's output and exit
// status. A "fails" expectation counts only when the failure is the
// profile's: a control container without the profile, started alongside,
// must run the same command successfully.
//
// Containers run on the tree built by verify/rootfs, which has both a
// busybox and a glibc userland. Containers, bundles and temporary files are
// removed on every path, cancellation included; everything carries a
// "secprof-" name so that leftovers can be found.
package container
