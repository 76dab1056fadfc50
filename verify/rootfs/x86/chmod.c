/*
 * x86-chmod PATH MODE: chmod(PATH, MODE) through the i386 ABI, MODE in
 * octal. Exits 0 on success, else the errno.
 */
#include "x86.h"

static int run(int argc, char **argv)
{
	long mode;

	if (argc != 3 || (mode = parse_octal(argv[2])) < 0)
		return usage("x86-chmod PATH OCTAL-MODE");
	return errno_of(sys3(NR_chmod, (long)argv[1], mode, 0));
}
