/*
 * The base of secprof's 32-bit test programs: the i386 syscall ABI
 * (int $0x80; number in eax, arguments in ebx, ecx, edx; -errno back in
 * eax), a process entry and exit, and what little parsing the programs need.
 *
 * There is no libc on purpose: a program must make the one syscall it is
 * named after and nothing a filter could stop first, so that its exit
 * status speaks of that syscall alone. nr.h holds the i386 numbers; secprof
 * generates it from its own syscall tables when it builds the tree.
 */
#ifndef SECPROF_X86_H
#define SECPROF_X86_H

#include "nr.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory");
	return ret;
}

/* errno_of is the errno a raw result carries, or 0 when the call worked. */
static int errno_of(long ret)
{
	return ret < 0 && ret > -4096 ? (int)-ret : 0;
}

static void put(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	sys3(NR_write, 2, (long)s, n);
}

/* usage reports a wrong command line; 255 is no errno. */
static int usage(const char *synopsis)
{
	put("usage: ");
	put(synopsis);
	put("\n");
	return 255;
}

/* parse_octal reads a mode such as 600; -1 when s is not octal. */
static long parse_octal(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '7' || v > 07777)
			return -1;
		v = v * 8 + (*s - '0');
	}
	return v;
}

/* run is each program's body: it gets argc and argv and returns the exit
 * status, 0 on success or the errno of the syscall that failed. */
static int run(int argc, char **argv);

__attribute__((noreturn, used)) void secprof_start(long *sp)
{
	long status = run((int)sp[0], (char **)(sp + 1));
	for (;;)
		sys3(NR_exit, status, 0, 0);
}

/* The kernel enters with argc at the stack pointer and argv after it. */
__asm__(".globl _start\n"
	"_start:\n"
	"\txorl %ebp, %ebp\n"
	"\tmovl %esp, %eax\n"
	"\tandl $-16, %esp\n"
	"\tsubl $12, %esp\n"
	"\tpushl %eax\n"
	"\tcall secprof_start\n"
	"\thlt\n");

#endif
