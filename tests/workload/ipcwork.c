// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcwork: perform every IPC syscall of ktrail's catalog that the running
 * kernel offers, with known values, and print for each call one line with
 * the exact values the kernel received and returned:
 *
 *   @@ <event> tid=<tid> ret=<raw return> <arg>=<value> ...
 *
 * Names are the catalog's (Tracee's).  Only the arguments a syscall
 * tracepoint can show are printed (integers; pointers as 0x...); those
 * living in user memory (names, messages, addresses, timeouts) are not.
 * ret is the raw return: -errno on failure.  Every call goes through
 * syscall(2) so the values are exactly what the kernel saw.
 *
 *   ipcwork [--loops N] [--comm NAME] [--fork] [--wait-stdin]
 *
 * Built natively and, with -m32, for i386, where it also makes the
 * mq_timedsend_time32 / mq_timedreceive_time32 calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mqueue.h>

/* The raw return of a syscall(2) call: -errno on failure. */
static long raw(long r)
{
	return r == -1 ? -errno : r;
}

static void out(const char *ev, long ret, const char *fmt, ...)
{
	va_list ap;

	printf("@@ %s tid=%ld ret=%ld", ev, (long)syscall(SYS_gettid), ret);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
}

#define P(p) ((unsigned long)(uintptr_t)(p))

struct msg {
	long mtype;
	char mtext[64];
};

static void sysv(void)
{
	struct msg m = { .mtype = 42 }, r;
	struct msqid_ds ds;
	long q, ret;

	strcpy(m.mtext, "hello, ktrail");
	q = raw(syscall(SYS_msgget, (long)IPC_PRIVATE, (long)(IPC_CREAT | 0600)));
	out("msgget", q, "key=0 msgflg=%d", IPC_CREAT | 0600);
	if (q < 0)
		return;
	ret = raw(syscall(SYS_msgsnd, q, &m, 14L, 0L));
	out("msgsnd", ret, "msqid=%ld msgp=0x%lx msgsz=14 msgflg=0", q, P(&m));
	ret = raw(syscall(SYS_msgsnd, q, &m, 7L, (long)IPC_NOWAIT));
	out("msgsnd", ret, "msqid=%ld msgp=0x%lx msgsz=7 msgflg=%d", q, P(&m), IPC_NOWAIT);
	ret = raw(syscall(SYS_msgrcv, q, &r, 64L, 42L, 0L));
	out("msgrcv", ret, "msqid=%ld msgp=0x%lx msgsz=64 msgtyp=42 msgflg=0", q, P(&r));
	ret = raw(syscall(SYS_msgrcv, q, &r, 64L, -50L, (long)IPC_NOWAIT));
	out("msgrcv", ret, "msqid=%ld msgp=0x%lx msgsz=64 msgtyp=-50 msgflg=%d", q, P(&r),
	    IPC_NOWAIT);
	/* Empty now: fails with ENOMSG. */
	ret = raw(syscall(SYS_msgrcv, q, &r, 64L, 0L, (long)IPC_NOWAIT));
	out("msgrcv", ret, "msqid=%ld msgp=0x%lx msgsz=64 msgtyp=0 msgflg=%d", q, P(&r),
	    IPC_NOWAIT);
	ret = raw(syscall(SYS_msgctl, q, (long)IPC_STAT, &ds));
	out("msgctl", ret, "msqid=%ld cmd=%d buf=0x%lx", q, IPC_STAT, P(&ds));
	ret = raw(syscall(SYS_msgctl, q, (long)IPC_RMID, 0L));
	out("msgctl", ret, "msqid=%ld cmd=%d buf=0x0", q, IPC_RMID);
	/* Gone now: EINVAL. */
	ret = raw(syscall(SYS_msgctl, q, (long)IPC_RMID, 0L));
	out("msgctl", ret, "msqid=%ld cmd=%d buf=0x0", q, IPC_RMID);
}

/* The timespec types the kernel takes: 64-bit time, and i386's old one. */
struct ts64 {
	int64_t sec, nsec;
};
struct ts32 {
	int32_t sec, nsec;
};

#ifdef __i386__
#define NR_MQ_TIMEDSEND 418	/* mq_timedsend_time64 */
#define NR_MQ_TIMEDRECEIVE 419
#else
#define NR_MQ_TIMEDSEND SYS_mq_timedsend
#define NR_MQ_TIMEDRECEIVE SYS_mq_timedreceive
#endif

static void posix_mq(void)
{
	char name[64], buf[128];
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 128 }, old;
	struct ts64 far = { .sec = time(NULL) + 3600 };
	unsigned int prio;
	long d, ret;

	snprintf(name, sizeof(name), "/ktrail-wl-%d", (int)getpid());
	d = raw(syscall(SYS_mq_open, name + 1, (long)(O_RDWR | O_CREAT | O_EXCL), 0600L, &attr));
	out("mq_open", d, "oflag=%d mode=384 attr=0x%lx", O_RDWR | O_CREAT | O_EXCL, P(&attr));
	if (d < 0)
		return;
	ret = raw(syscall(NR_MQ_TIMEDSEND, d, "queue text", 10L, 7L, &far));
	out("mq_timedsend", ret, "mqdes=%ld msg_len=10 msg_prio=7", d);
	ret = raw(syscall(NR_MQ_TIMEDSEND, d, "second", 6L, 1L, 0L));
	out("mq_timedsend", ret, "mqdes=%ld msg_len=6 msg_prio=1", d);
	ret = raw(syscall(NR_MQ_TIMEDRECEIVE, d, buf, 128L, &prio, &far));
	out("mq_timedreceive", ret, "mqdes=%ld msg_len=128 msg_prio=0x%lx", d, P(&prio));
	ret = raw(syscall(NR_MQ_TIMEDRECEIVE, d, buf, 128L, 0L, 0L));
	out("mq_timedreceive", ret, "mqdes=%ld msg_len=128 msg_prio=0x0", d);
#ifdef __i386__
	{
		struct ts32 far32 = { .sec = (int32_t)(time(NULL) + 3600) };

		ret = raw(syscall(279, d, "time32 text", 11L, 3L, &far32));
		out("mq_timedsend_time32", ret, "mqdes=%ld msg_len=11 msg_prio=3 u_abs_timeout=0x%lx",
		    d, P(&far32));
		ret = raw(syscall(280, d, buf, 128L, &prio, &far32));
		out("mq_timedreceive_time32", ret,
		    "mqdes=%ld msg_len=128 u_msg_prio=0x%lx u_abs_timeout=0x%lx", d, P(&prio),
		    P(&far32));
	}
#endif
	ret = raw(syscall(SYS_mq_notify, d, 0L));
	out("mq_notify", ret, "mqdes=%ld sevp=0x0", d);
	ret = raw(syscall(SYS_mq_getsetattr, d, 0L, &old));
	out("mq_getsetattr", ret, "mqdes=%ld newattr=0x0 oldattr=0x%lx", d, P(&old));
	ret = raw(syscall(SYS_mq_unlink, name + 1));
	out("mq_unlink", ret, "");
	/* Gone now: ENOENT. */
	ret = raw(syscall(SYS_mq_unlink, name + 1));
	out("mq_unlink", ret, "");
	close(d);
}

static void sockets(void)
{
	int sv[2];
	char buf[64] = "datagram";
	struct iovec iov = { .iov_base = buf, .iov_len = 8 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct mmsghdr mm[2] = { { .msg_hdr = mh }, { .msg_hdr = mh } };
	struct ts64 zero = { 0, 0 };
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	long ret;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return;
	ret = raw(syscall(SYS_sendmsg, (long)sv[0], &mh, 0L));
	out("sendmsg", ret, "sockfd=%d msg=0x%lx flags=0", sv[0], P(&mh));
	ret = raw(syscall(SYS_recvmsg, (long)sv[1], &mh, (long)MSG_DONTWAIT));
	out("recvmsg", ret, "sockfd=%d msg=0x%lx flags=%d", sv[1], P(&mh), MSG_DONTWAIT);
	/* Nothing left: EAGAIN. */
	ret = raw(syscall(SYS_recvmsg, (long)sv[1], &mh, (long)MSG_DONTWAIT));
	out("recvmsg", ret, "sockfd=%d msg=0x%lx flags=%d", sv[1], P(&mh), MSG_DONTWAIT);
	ret = raw(syscall(SYS_sendmmsg, (long)sv[0], mm, 2L, 0L));
	out("sendmmsg", ret, "sockfd=%d msgvec=0x%lx vlen=2 flags=0", sv[0], P(mm));
#ifdef __i386__
#define NR_RECVMMSG 417	/* recvmmsg_time64 */
#else
#define NR_RECVMMSG SYS_recvmmsg
#endif
	ret = raw(syscall(NR_RECVMMSG, (long)sv[1], mm, 2L, (long)MSG_DONTWAIT, &zero));
	out("recvmmsg", ret, "sockfd=%d msgvec=0x%lx vlen=2 flags=%d", sv[1], P(mm), MSG_DONTWAIT);
	ret = raw(syscall(SYS_sendto, (long)sv[0], buf, 5L, (long)MSG_DONTWAIT, 0L, 0L));
	out("sendto", ret, "sockfd=%d buf=0x%lx len=5 flags=%d addrlen=0", sv[0], P(buf),
	    MSG_DONTWAIT);
	ret = raw(syscall(SYS_recvfrom, (long)sv[1], buf, 64L, 0L, 0L, 0L));
	out("recvfrom", ret, "sockfd=%d buf=0x%lx len=64 flags=0 addrlen=0x0", sv[1], P(buf));
	/* A connected datagram socket refuses another destination: EISCONN. */
	snprintf(to.sun_path, sizeof(to.sun_path), "/nonexistent/ktrail");
	ret = raw(syscall(SYS_sendto, (long)sv[0], buf, 3L, 0L, &to, (long)sizeof(to)));
	out("sendto", ret, "sockfd=%d buf=0x%lx len=3 flags=0 addrlen=%d", sv[0], P(buf),
	    (int)sizeof(to));
	close(sv[0]);
	close(sv[1]);
}

static void all_calls(void)
{
	sysv();
	posix_mq();
	sockets();
}

int main(int argc, char **argv)
{
	long loops = 1;
	int do_fork = 0, wait_stdin = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--loops") && i + 1 < argc) {
			loops = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--comm") && i + 1 < argc) {
			prctl(PR_SET_NAME, argv[++i], 0, 0, 0);
		} else if (!strcmp(argv[i], "--fork")) {
			do_fork = 1;
		} else if (!strcmp(argv[i], "--wait-stdin")) {
			wait_stdin = 1;
		} else {
			fprintf(stderr, "usage: ipcwork [--loops N] [--comm NAME] [--fork] "
				"[--wait-stdin]\n");
			return 2;
		}
	}
	printf("@@ start pid=%d\n", (int)getpid());
	fflush(stdout);
	if (wait_stdin) {
		char c;

		if (read(0, &c, 1) < 0)
			return 1;
	}
	for (long l = 0; l < loops; l++)
		all_calls();
	if (do_fork) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			all_calls();
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	return 0;
}
