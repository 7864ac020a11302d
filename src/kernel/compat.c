// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Can this kernel run 32-bit programs?  Tracing 32-bit tasks costs a
 * raw_syscalls event pair on every syscall of the traced tasks, so it is
 * only switched on where such tasks can exist.  The answer comes from the
 * kernel itself: a 93-byte i386 program that only calls exit(0) is run
 * from a memfd.  A kernel built without IA32 emulation, or with it
 * disabled at boot or by its hypervisor, refuses it (ENOEXEC) or kills it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktrail/kernel.h"

#ifndef MFD_EXEC
#define KT_MFD_EXEC 0x0010U
#else
#define KT_MFD_EXEC MFD_EXEC
#endif

#if defined(__x86_64__)
/* ELF32 header, one PT_LOAD at 0x08048000, code: mov $1,%eax; xor %ebx,%ebx; int $0x80 */
static const unsigned char probe_elf[] = {
	0x7f, 0x45, 0x4c, 0x46, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x54, 0x80, 0x04, 0x08, 0x34, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x34, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x80, 0x04, 0x08, 0x00, 0x80, 0x04, 0x08, 0x5d, 0x00, 0x00, 0x00,
	0x5d, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xdb, 0xcd, 0x80,
};

int kt_compat_probe(char *why, size_t len)
{
	char *const argv[] = { "ktrail-compat-probe", NULL };
	char *const envp[] = { NULL };
	int fd, st;
	pid_t pid;

	/* MFD_EXEC: executable even under vm.memfd_noexec (6.3+); older
	 * kernels refuse the flag, and need no flag. */
	fd = syscall(SYS_memfd_create, "ktrail-compat-probe", MFD_CLOEXEC | KT_MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_memfd_create, "ktrail-compat-probe", MFD_CLOEXEC);
	if (fd < 0 || write(fd, probe_elf, sizeof(probe_elf)) != (ssize_t)sizeof(probe_elf)) {
		if (fd >= 0)
			close(fd);
		snprintf(why, len, "cannot tell (memfd: %s)", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		fexecve(fd, argv, envp);
		_exit(errno == ENOEXEC ? 100 : errno == EACCES ? 102 : 101);
	}
	close(fd);
	if (pid < 0) {
		snprintf(why, len, "cannot tell (fork: %s)", strerror(errno));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, len, "cannot tell (wait: %s)", strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 100)
		snprintf(why, len, "this kernel does not run 32-bit programs "
			 "(exec of an i386 ELF: ENOEXEC, IA32 emulation off)");
	else if (WIFSIGNALED(st))
		snprintf(why, len, "this kernel does not run 32-bit programs "
			 "(an i386 ELF was killed by signal %d: IA32 emulation off)",
			 WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 102)
		snprintf(why, len, "cannot tell (the probe could not be executed: EACCES)");
	else
		snprintf(why, len, "cannot tell (probe exit status %d)", WEXITSTATUS(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 100 ? 0 : WIFSIGNALED(st) ? 0 : -1;
}
#else
int kt_compat_probe(char *why, size_t len)
{
	if (kt_abi_compat() == KT_ABI_NONE) {
		snprintf(why, len, "no 32-bit compat ABI on %s", kt_abi_name(kt_abi_native()));
		return 0;
	}
	snprintf(why, len, "not probed on %s: assumed", kt_abi_name(kt_abi_native()));
	return -1;
}
#endif
