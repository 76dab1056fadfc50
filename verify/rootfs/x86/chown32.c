/*
 * x86-chown32 PATH: chown32(PATH, getuid32(), getgid32()) through the i386
 * ABI. chown32 is the 32-bit-uid twin of chown that x86 added; a deny-list
 * naming only "chown" leaves it open. Exits 0 on success, else the errno.
 */
#include "x86.h"

static int run(int argc, char **argv)
{
	long uid, gid;
	int err;

	if (argc != 2)
		return usage("x86-chown32 PATH");
	uid = sys3(NR_getuid32, 0, 0, 0);
	if ((err = errno_of(uid)))
		return err;
	gid = sys3(NR_getgid32, 0, 0, 0);
	if ((err = errno_of(gid)))
		return err;
	return errno_of(sys3(NR_chown32, (long)argv[1], uid, gid));
}
