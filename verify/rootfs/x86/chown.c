/*
 * x86-chown PATH: i386's own chown, whose owner and group are 16 bits wide,
 * to the caller's uid and gid (which must fit). It is what "chown" means on
 * x86, so a filter that denies chown stops it, while x86-chown32 shows the
 * twin that such a filter misses. Exits 0 on success, else the errno.
 */
#include "x86.h"

#define EOVERFLOW 75

static int run(int argc, char **argv)
{
	long uid, gid;
	int err;

	if (argc != 2)
		return usage("x86-chown PATH");
	uid = sys3(NR_getuid32, 0, 0, 0);
	if ((err = errno_of(uid)))
		return err;
	gid = sys3(NR_getgid32, 0, 0, 0);
	if ((err = errno_of(gid)))
		return err;
	/* 0xffff means "leave unchanged" to the 16-bit call. */
	if (uid >= 0xffff || gid >= 0xffff)
		return EOVERFLOW;
	return errno_of(sys3(NR_chown, (long)argv[1], uid, gid));
}
