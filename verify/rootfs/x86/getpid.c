/*
 * x86-getpid: getpid() through the i386 ABI, the plainest 32-bit syscall.
 * A filter that lists only x86_64 kills it; one that lists x86 lets it
 * through. Exits 0 on success, else the errno.
 */
#include "x86.h"

static int run(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage("x86-getpid");
	return errno_of(sys3(NR_getpid, 0, 0, 0));
}
