// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * famwork - the workload of the other families: files, sockets and
 * processes (tests/live/families.sh, the QEMU cases).
 *
 * Linked statically, so that no dynamic loader opens, reads or closes
 * anything before main(): every call of the traced events is one this
 * program makes and prints.  Output lines are ipcwork's (see its header
 * and tests/live/check_rows.py):
 *
 *   @@ <event> tid=<tid> ret=<ret> <arg>=<value> ... | <user-memory args>
 *
 * plus, for the process family, lines the live test reads itself:
 *
 *   # child pid=<pid> status=<n>    a child that exits with status n
 *   # killed pid=<pid> signal=<n>   a child killed by signal n
 *   # file ino=<n> kdev=<n>         the opened file's inode, and its device
 *                                   as the kernel encodes it (major << 20 | minor)
 *
 * Usage: famwork DIR   (DIR: a writable directory for the file family)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t fw_tid;
static int fw_status;
static unsigned long fw_calls;

static long fw_ret(long r)
{
	return r == -1 ? -(long)errno : r;
}

static void __attribute__((format(printf, 4, 5)))
fw_line(const char *ev, long ret, long expect, const char *fmt, ...)
{
	char args[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	fw_calls++;
	printf("@@ %s tid=%d ret=%ld%s%s\n", ev, (int)fw_tid, ret, args[0] ? " " : "", args);
	fflush(stdout);
	if (expect == -1000 ? ret < 0 : ret != expect) {
		fprintf(stderr, "famwork: %s returned %ld, expected %ld\n", ev, ret, expect);
		fw_status = 1;
	}
}

static unsigned long fw_p(const void *p)
{
	return (unsigned long)p;
}

static void files(const char *dir)
{
	char path[256], missing[256];
	static const char data[] = "hello";
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
	long fd, r;

	snprintf(path, sizeof(path), "%s/famwork-file", dir);
	snprintf(missing, sizeof(missing), "%s/no-such-dir/x", dir);
	fd = fw_ret(syscall(SYS_openat, AT_FDCWD, path, flags, 0640));
	fw_line("openat", fd, -1000, "dirfd=%d flags=%d mode=%u | pathname=%s",
		AT_FDCWD, flags, 0640u, path);
	{
		struct stat st;

		/* fstat: not an event any test traces here. */
		if (fd >= 0 && fstat((int)fd, &st) == 0)
			printf("# file ino=%lu kdev=%u\n", (unsigned long)st.st_ino,
			       (unsigned int)(major(st.st_dev) << 20 | minor(st.st_dev)));
	}
	/* The offset is 64-bit: one register on a 64-bit ABI; on 32-bit
	 * arm (EABI) an even register pair after a padding one (r3; r4:r5),
	 * on i386 two registers.  Left out, its high half is garbage (EFBIG
	 * on armhf). */
#if defined(__LP64__)
	r = fw_ret(syscall(SYS_pwrite64, fd, data, 5, 0));
#elif defined(__arm__)
	r = fw_ret(syscall(SYS_pwrite64, fd, data, 5, 0, 0, 0));
#else
	r = fw_ret(syscall(SYS_pwrite64, fd, data, 5, 0, 0));
#endif
	fw_line("pwrite64", r, 5, "fd=%ld buf=0x%lx count=5 offset=0", fd, fw_p(data));
	r = fw_ret(syscall(SYS_close, fd));
	fw_line("close", r, 0, "fd=%ld", fd);
	r = fw_ret(syscall(SYS_openat, AT_FDCWD, missing, O_RDONLY, 0));
	fw_line("openat", r, -ENOENT, "dirfd=%d flags=%d mode=0 | pathname=%s",
		AT_FDCWD, O_RDONLY, missing);
	r = fw_ret(syscall(SYS_unlinkat, AT_FDCWD, path, 0));
	fw_line("unlinkat", r, 0, "dirfd=%d flags=0 | pathname=%s", AT_FDCWD, path);
}

static void sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(39123) };
	int type = SOCK_DGRAM | SOCK_CLOEXEC;
	long s1, s2, r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s1 = fw_ret(syscall(SYS_socket, AF_INET, type, 0));
	fw_line("socket", s1, -1000, "domain=%d type=%d protocol=0", AF_INET, type);
	r = fw_ret(syscall(SYS_bind, s1, &a, sizeof(a)));
	fw_line("bind", r, 0, "sockfd=%ld addrlen=%zu | addr=AF_INET:127.0.0.1:39123",
		s1, sizeof(a));
	s2 = fw_ret(syscall(SYS_socket, AF_INET, type, 0));
	fw_line("socket", s2, -1000, "domain=%d type=%d protocol=0", AF_INET, type);
	r = fw_ret(syscall(SYS_connect, s2, &a, sizeof(a)));
	fw_line("connect", r, 0, "sockfd=%ld addrlen=%zu | addr=AF_INET:127.0.0.1:39123",
		s2, sizeof(a));
	r = fw_ret(syscall(SYS_close, s2));
	fw_line("close", r, 0, "fd=%ld", s2);
	r = fw_ret(syscall(SYS_close, s1));
	fw_line("close", r, 0, "fd=%ld", s1);
}

static void processes(void)
{
	int st;
	pid_t c;

	c = fork();
	if (c == 0)
		_exit(7);
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		fw_status = 1;
	printf("# child pid=%d status=%d\n", (int)c, WEXITSTATUS(st));
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGTERM);
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		fw_status = 1;
	printf("# killed pid=%d signal=%d\n", (int)c, WTERMSIG(st));
	fflush(stdout);
}

/* The number in "mnt:[4026531841]". */
static const char *ns_num(const char *link)
{
	const char *p = strchr(link, '[');

	return p ? p + 1 : "0";
}

static int digits(const char *link)
{
	const char *p = ns_num(link);

	return (int)strspn(p, "0123456789");
}

/* "# context pid=P ppid=Q uid=U mntns=N pidns=M": what the records'
 * process context must say. */
static void ns_line(void)
{
	char mnt[64] = "", pid[64] = "";
	ssize_t n;

	n = readlink("/proc/self/ns/mnt", mnt, sizeof(mnt) - 1);
	mnt[n > 0 ? n : 0] = '\0';
	n = readlink("/proc/self/ns/pid", pid, sizeof(pid) - 1);
	pid[n > 0 ? n : 0] = '\0';
	printf("# context pid=%d ppid=%d uid=%d mntns=%.*s pidns=%.*s\n", (int)getpid(),
	       (int)getppid(), (int)getuid(), digits(mnt), ns_num(mnt), digits(pid), ns_num(pid));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: famwork DIR\n");
		return 2;
	}
	fw_tid = (pid_t)syscall(SYS_gettid);
	printf("@@ start pid=%d\n", (int)getpid());
	ns_line();
	files(argv[1]);
	sockets();
	processes();
	printf("# done pid=%d calls=%lu\n", (int)getpid(), fw_calls);
	fflush(stdout);
	return fw_status;
}
