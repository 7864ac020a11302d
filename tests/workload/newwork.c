// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * newwork DIR: calls that need ktrail's own catalog rows or its
 * never-returning calls, printed as check_rows.py reads them:
 *  - fchmodat2 (Linux 6.6, no glibc wrapper in Debian 12: by its number)
 *    on DIR/f, once allowed and once with flags it refuses;
 *  - a signal whose handler returns: one rt_sigreturn, which the kernel
 *    never writes an exit for.
 * A kernel without fchmodat2 prints '# nosys fchmodat2 tid=T'.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452	/* the same on every arch */
#endif

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void fchmodat2_call(pid_t tid, const char *path, unsigned int mode, unsigned int flags)
{
	long r = syscall(SYS_fchmodat2, AT_FDCWD, path, mode, flags);
	long ret = r < 0 ? -errno : r;

	if (ret == -ENOSYS) {
		printf("# nosys fchmodat2 tid=%d\n", (int)tid);
		return;
	}
	printf("@@ fchmodat2 tid=%d ret=%ld dfd=%d mode=%u flags=%u | filename=%s\n",
	       (int)tid, ret, AT_FDCWD, mode, flags, path);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char path[4096];
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: newwork DIR\n");
		return 2;
	}
	printf("@@ start pid=%d\n", (int)getpid());
	snprintf(path, sizeof(path), "%s/f", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	close(fd);
	fchmodat2_call(tid, path, 0640, 0);
	/* 0x1 is no AT_ flag fchmodat2 takes: EINVAL. */
	fchmodat2_call(tid, path, 0644, 1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0) {
		perror("sigaction");
		return 1;
	}
	syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
	printf("# signal tid=%d sig=%d handled=%d sigreturns=1\n", (int)tid, SIGUSR1,
	       (int)handled);
	printf("# done pid=%d calls=%d\n", (int)getpid(), 2);
	fflush(stdout);
	return 0;
}
