/*
 * x86-socketcall: socketcall(SYS_SOCKET, {AF_INET, SOCK_STREAM, 0})
 * through the i386 ABI, the multiplexer that x86 programs reach the socket
 * calls by. libseccomp rewrites a rule on socket onto it, so "deny socket"
 * stops this too. Exits 0 on success, else the errno.
 */
#include "x86.h"

#define SYS_SOCKET 1
#define AF_INET 2
#define SOCK_STREAM 1

static int run(int argc, char **argv)
{
	long args[3] = {AF_INET, SOCK_STREAM, 0};

	(void)argv;
	if (argc != 1)
		return usage("x86-socketcall");
	return errno_of(sys3(NR_socketcall, SYS_SOCKET, (long)args, 0));
}
