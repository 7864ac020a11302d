// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcwork - the IPC workload of the live tests.
 *
 * Performs every IPC syscall of the catalog (src/catalog/events.def) that
 * the running kernel offers, with known values, through syscall(2) so that
 * the values are exactly those the kernel receives (glibc's wrappers may
 * change arguments: mq_open strips the leading '/', mq_timedsend may use
 * another syscall, ...).  For each call it prints one line:
 *
 *   @@ <event> tid=<tid> ret=<ret> <arg>=<value> ...
 *
 * <event> and <arg> are the catalog's (Tracee's) names, args in syscall
 * order.  First the args a syscall tracepoint can show: the scalar ones.
 * int/long: signed decimal; size_t, unsigned int, umode_t: unsigned
 * decimal; pointers: 0x%lx (0x0 for NULL).  ret is the raw syscall return:
 * -errno on failure.  Then, after " |", what only ktrail's kprobes read
 * (user memory and ktrail's own arguments, events.def's ARGX), by the
 * same names: strings as they are (the workload's have no blank), message
 * bodies cut to the syscall's length and to 64 bytes, timespecs as
 * seconds with 9 decimals, socket addresses as FAMILY:ADDRESS (AF_UNIX:
 * the path, '@' and the name for an abstract one).  A value absent there
 * must be empty (null in JSON) in every recipe.
 *
 * Other lines:
 *   @@ start pid=<pid>             first line, before anything else
 *   @@ start pid=<pid> ppid=<pid>  first line of the --fork child
 *   # nosys <event> tid=<tid>      the kernel has no such syscall (-ENOSYS);
 *                                  the rest of that family is skipped
 *   # done pid=<pid> calls=<n>     last line of each process
 * Readers take the "@@ " lines that are not "@@ start" as calls and may
 * ignore every other line.
 *
 * Usage: ipcwork [--loops N] [--comm NAME] [--fork] [--wait-stdin]
 *   --loops N     repeat the whole set N times (default 1; 0: none)
 *   --comm NAME   set the thread name with prctl(PR_SET_NAME) first
 *   --fork        also perform the set in a forked child (after the parent)
 *   --wait-stdin  after the start line, block until one byte (or EOF) is
 *                 read from stdin, so that a tracer can attach with -p
 *
 * Exit status 0, or 1 if a call did not return what it must (the line is
 * printed anyway) or the setup failed, 2 on bad usage.
 *
 * The same source builds as an i386 program (-m32) or an armhf one: mq_timedsend
 * and mq_timedreceive then use the time64 syscalls 418/419 (Tracee's events
 * mq_timedsend / mq_timedreceive), recvmmsg the time64 syscall 417, and
 * the old ones (i386 279/280, arm 276/277) are performed too as
 * mq_timedsend_time32 and mq_timedreceive_time32 with a struct of two
 * 32-bit ints as timeout.  sendmsg's msg_name is printed when the kernel
 * is 32-bit too (a 64-bit kernel's kprobes cannot follow a 32-bit
 * msghdr's pointer; the kernel's word size is the width of the addresses
 * in /proc/kallsyms, or else told by uname -m).
 *
 * Build: gcc -Wall -Wextra -Werror -o ipcwork ipcwork.c -lrt
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__i386__) || defined(__arm__)
#define WL_TIME32 1
/* Older headers: the numbers are the same in the i386 and arm tables. */
#ifndef SYS_mq_timedsend_time64
#define SYS_mq_timedsend_time64 418
#endif
#ifndef SYS_mq_timedreceive_time64
#define SYS_mq_timedreceive_time64 419
#endif
#ifndef SYS_recvmmsg_time64
#define SYS_recvmmsg_time64 417
#endif
/* The catalog's events mq_timedsend / mq_timedreceive / recvmmsg are the
 * time64 syscalls on i386 and arm; SYS_mq_timedsend (i386 279, arm 276) is
 * mq_timedsend_time32. */
#define WL_NR_MQ_TIMEDSEND SYS_mq_timedsend_time64
#define WL_NR_MQ_TIMEDRECEIVE SYS_mq_timedreceive_time64
#define WL_NR_RECVMMSG SYS_recvmmsg_time64
#else
#define WL_NR_MQ_TIMEDSEND SYS_mq_timedsend
#define WL_NR_MQ_TIMEDRECEIVE SYS_mq_timedreceive
#define WL_NR_RECVMMSG SYS_recvmmsg
#endif

#define WL_ANY_FD (-1000000)	/* expected ret: any value >= 0 */
#define WL_MSGSZ 16
#define WL_MQ_MSGSIZE 64

static pid_t wl_tid;
static int wl_kernel_lp64 = -1;	/* 1: a 64-bit kernel, 0: 32-bit */
static int wl_status;
static unsigned long wl_calls;

/* A struct __kernel_timespec: two 64-bit fields on every ABI. */
struct wl_ts64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct wl_msg {
	long mtype;
	char mtext[WL_MQ_MSGSIZE];
};

static void wl_die(const char *what)
{
	fprintf(stderr, "ipcwork: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long wl_p(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

/* The raw return of syscall(2): -errno on failure. */
static long wl_ret(long r)
{
	return r == -1 ? -(long)errno : r;
}

static void wl_flush(void)
{
	if (fflush(stdout) == EOF)
		wl_die("stdout");
}

/*
 * Print one event line.  Returns 0, or -1 if the kernel has no such
 * syscall (a "nosys" line is printed instead and the caller skips the
 * rest of the family).  @expect is the return value the call must give
 * (WL_ANY_FD: any non-negative value); a difference is reported on
 * stderr and makes the exit status 1, but the line is the truth.
 */
static int __attribute__((format(printf, 4, 5)))
wl_line(const char *ev, long ret, long expect, const char *fmt, ...)
{
	char args[512];
	va_list ap;

	if (ret == -ENOSYS && expect != -ENOSYS) {
		printf("# nosys %s tid=%d\n", ev, (int)wl_tid);
		wl_flush();
		return -1;
	}
	wl_calls++;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	printf("@@ %s tid=%d ret=%ld%s%s\n", ev, (int)wl_tid, ret,
	       args[0] ? " " : "", args);
	wl_flush();
	if (expect == WL_ANY_FD ? ret < 0 : ret != expect) {
		fprintf(stderr, "ipcwork: %s returned %ld, expected %s%ld\n",
			ev, ret, expect == WL_ANY_FD ? ">= 0" : "",
			expect == WL_ANY_FD ? 0 : expect);
		wl_status = 1;
	}
	return 0;
}

/*
 * Is the kernel 64-bit?  A 64-bit program's kernel is.  Otherwise the
 * width of the addresses in /proc/kallsyms (zeros without the privilege
 * to see them, but as wide: 16 digits on a 64-bit kernel), else uname's
 * machine, which a personality (linux32) may change.
 */
static int wl_kernel_is_lp64(void)
{
	struct utsname u;
	char line[128];
	FILE *f;

	if (sizeof(long) == 8)
		return 1;
	f = fopen("/proc/kallsyms", "r");
	if (f) {
		int ok = fgets(line, sizeof(line), f) != NULL;

		fclose(f);
		if (ok) {
			size_t n = strspn(line, "0123456789abcdefABCDEF");

			if (n == 16 || n == 8)
				return n == 16;
		}
	}
	if (uname(&u) == 0)
		return strstr(u.machine, "64") || !strcmp(u.machine, "s390x") ||
		       !strcmp(u.machine, "armv8l");
	return 1;
}

/* ------------------------------------------------------------ SysV msg */

static void wl_sysv(void)
{
	static struct wl_msg m1, m2, rm;
	static char ds[512];	/* any struct msqid_ds layout fits */
	int key = IPC_PRIVATE, flg = IPC_CREAT | 0600;
	size_t sz1 = WL_MSGSZ, sz2 = 8, rsz = sizeof(rm.mtext);
	long typ;
	int qid, f;
	long r;

	r = wl_ret(syscall(SYS_msgget, (long)key, (long)flg));
	if (wl_line("msgget", r, WL_ANY_FD, "key=%d msgflg=%d", key, flg))
		return;
	if (r < 0)
		return;
	qid = (int)r;

	m1.mtype = 3;
	memset(m1.mtext, 'a', sz1);
	f = 0;
	r = wl_ret(syscall(SYS_msgsnd, (long)qid, &m1, (unsigned long)sz1, (long)f));
	wl_line("msgsnd", r, 0, "msqid=%d msgp=0x%lx msgsz=%zu msgflg=%d | mtype=%ld mtext=%.*s",
		qid, wl_p(&m1), sz1, f, m1.mtype, (int)sz1, m1.mtext);

	m2.mtype = 7;
	memset(m2.mtext, 'b', sz2);
	f = IPC_NOWAIT;
	r = wl_ret(syscall(SYS_msgsnd, (long)qid, &m2, (unsigned long)sz2, (long)f));
	wl_line("msgsnd", r, 0, "msqid=%d msgp=0x%lx msgsz=%zu msgflg=%d | mtype=%ld mtext=%.*s",
		qid, wl_p(&m2), sz2, f, m2.mtype, (int)sz2, m2.mtext);

	/* A negative msgtyp: the first message of the lowest type <= 5. */
	typ = -5;
	f = IPC_NOWAIT;
	r = wl_ret(syscall(SYS_msgrcv, (long)qid, &rm, (unsigned long)rsz, typ, (long)f));
	wl_line("msgrcv", r, (long)sz1,
		"msqid=%d msgp=0x%lx msgsz=%zu msgtyp=%ld msgflg=%d",
		qid, wl_p(&rm), rsz, typ, f);

	typ = 0;
	f = 0;
	r = wl_ret(syscall(SYS_msgrcv, (long)qid, &rm, (unsigned long)rsz, typ, (long)f));
	wl_line("msgrcv", r, (long)sz2,
		"msqid=%d msgp=0x%lx msgsz=%zu msgtyp=%ld msgflg=%d",
		qid, wl_p(&rm), rsz, typ, f);

	/* The queue is empty now: non-zero flags and a failure. */
	f = IPC_NOWAIT;
	r = wl_ret(syscall(SYS_msgrcv, (long)qid, &rm, (unsigned long)rsz, typ, (long)f));
	wl_line("msgrcv", r, -ENOMSG,
		"msqid=%d msgp=0x%lx msgsz=%zu msgtyp=%ld msgflg=%d",
		qid, wl_p(&rm), rsz, typ, f);

	r = wl_ret(syscall(SYS_msgctl, (long)qid, (long)IPC_STAT, ds));
	wl_line("msgctl", r, 0, "msqid=%d cmd=%d buf=0x%lx",
		qid, IPC_STAT, wl_p(ds));

	/*
	 * An invalid id: -EINVAL.  On 64-bit ABIs the register holding this
	 * int argument gets garbage in its upper half: the kernel receives
	 * the int -1 (and so must a tracer print it).
	 */
#if defined(__LP64__)
	r = wl_ret(syscall(SYS_msgctl, (long)0x5a5a5a5affffffffL, (long)IPC_STAT, ds));
#else
	r = wl_ret(syscall(SYS_msgctl, -1L, (long)IPC_STAT, ds));
#endif
	wl_line("msgctl", r, -EINVAL, "msqid=%d cmd=%d buf=0x%lx",
		-1, IPC_STAT, wl_p(ds));

	r = wl_ret(syscall(SYS_msgctl, (long)qid, (long)IPC_RMID, NULL));
	wl_line("msgctl", r, 0, "msqid=%d cmd=%d buf=0x%lx", qid, IPC_RMID, 0UL);
}

/* --------------------------------------------------------- POSIX mqueue */

static void wl_posix_mq(void)
{
	static struct mq_attr attr, old;
	static char msg[WL_MQ_MSGSIZE], rbuf[WL_MQ_MSGSIZE];
	static unsigned int prio;
	static struct wl_ts64 far, past;
	static struct sigevent sev;
	char name[64];
	int oflag = O_RDWR | O_CREAT | O_EXCL;
	unsigned int mode = 0600, mprio;
	size_t len = 8, rlen = sizeof(rbuf);
	int mqd;
	long r;

	/*
	 * The queue is "/ktrail-wl-<pid>"; the syscall takes the name
	 * without its leading slash (glibc's mq_open strips it).
	 */
	snprintf(name, sizeof(name), "/ktrail-wl-%d", (int)getpid());
	attr.mq_maxmsg = 4;
	attr.mq_msgsize = WL_MQ_MSGSIZE;
	memset(msg, 'm', sizeof(msg));
	far.tv_sec = (int64_t)time(NULL) + 3600;
	past.tv_sec = 0;	/* the epoch: already expired */

	r = wl_ret(syscall(SYS_mq_open, name + 1, (long)oflag, (unsigned long)mode, &attr));
	if (wl_line("mq_open", r, WL_ANY_FD,
		    "oflag=%d mode=%u attr=0x%lx | name=%s mq_maxmsg=%ld mq_msgsize=%ld",
		    oflag, mode, wl_p(&attr), name + 1, (long)attr.mq_maxmsg,
		    (long)attr.mq_msgsize))
		return;
	if (r < 0)
		return;
	mqd = (int)r;

	/* Again with O_EXCL: -EEXIST. */
	r = wl_ret(syscall(SYS_mq_open, name + 1, (long)oflag, (unsigned long)mode, NULL));
	wl_line("mq_open", r, -EEXIST, "oflag=%d mode=%u attr=0x%lx | name=%s",
		oflag, mode, 0UL, name + 1);

	mprio = 5;
	r = wl_ret(syscall(WL_NR_MQ_TIMEDSEND, (long)mqd, msg, (unsigned long)len,
			   (unsigned long)mprio, &far));
	if (!wl_line("mq_timedsend", r, 0,
		     "mqdes=%d msg_len=%zu msg_prio=%u | msg_ptr=%.*s abs_timeout=%lld.000000000",
		     mqd, len, mprio, (int)len, msg, (long long)far.tv_sec)) {
		r = wl_ret(syscall(WL_NR_MQ_TIMEDRECEIVE, (long)mqd, rbuf,
				   (unsigned long)rlen, &prio, &far));
		wl_line("mq_timedreceive", r, (long)len,
			"mqdes=%d msg_len=%zu msg_prio=0x%lx | abs_timeout=%lld.000000000",
			mqd, rlen, wl_p(&prio), (long long)far.tv_sec);

		/* Empty queue, timeout in the past: -ETIMEDOUT at once. */
		r = wl_ret(syscall(WL_NR_MQ_TIMEDRECEIVE, (long)mqd, rbuf,
				   (unsigned long)rlen, NULL, &past));
		wl_line("mq_timedreceive", r, -ETIMEDOUT,
			"mqdes=%d msg_len=%zu msg_prio=0x%lx | abs_timeout=0.000000000",
			mqd, rlen, 0UL);
	}

#if defined(WL_TIME32)
	{
		/* struct old_timespec32 */
		static struct {
			int32_t tv_sec;
			int32_t tv_nsec;
		} far32;
		unsigned int len32 = 8, rlen32 = sizeof(rbuf);

		far32.tv_sec = (int32_t)time(NULL) + 3600;
		mprio = 7;
		r = wl_ret(syscall(SYS_mq_timedsend, (long)mqd, msg, (unsigned long)len32,
				   (unsigned long)mprio, &far32));
		if (!wl_line("mq_timedsend_time32", r, 0,
			     "mqdes=%d msg_len=%u msg_prio=%u u_abs_timeout=0x%lx | u_msg_ptr=%.*s",
			     mqd, len32, mprio, wl_p(&far32), (int)len32, msg)) {
			r = wl_ret(syscall(SYS_mq_timedreceive, (long)mqd, rbuf,
					   (unsigned long)rlen32, &prio, &far32));
			wl_line("mq_timedreceive_time32", r, (long)len32,
				"mqdes=%d msg_len=%u u_msg_prio=0x%lx u_abs_timeout=0x%lx",
				mqd, rlen32, wl_p(&prio), wl_p(&far32));
		}
	}
#endif

	r = wl_ret(syscall(SYS_mq_getsetattr, (long)mqd, NULL, &old));
	wl_line("mq_getsetattr", r, 0, "mqdes=%d newattr=0x%lx oldattr=0x%lx",
		mqd, 0UL, wl_p(&old));

	/* A bad oldattr address: the kernel faults on the copy out. */
	r = wl_ret(syscall(SYS_mq_getsetattr, (long)mqd, NULL, (void *)8));
	wl_line("mq_getsetattr", r, -EFAULT, "mqdes=%d newattr=0x%lx oldattr=0x%lx",
		mqd, 0UL, 8UL);

	sev.sigev_notify = SIGEV_NONE;
	r = wl_ret(syscall(SYS_mq_notify, (long)mqd, &sev));
	wl_line("mq_notify", r, 0, "mqdes=%d sevp=0x%lx", mqd, wl_p(&sev));

	r = wl_ret(syscall(SYS_mq_notify, (long)mqd, NULL));
	wl_line("mq_notify", r, 0, "mqdes=%d sevp=0x%lx", mqd, 0UL);

	r = wl_ret(syscall(SYS_mq_unlink, name + 1));
	wl_line("mq_unlink", r, 0, "| name=%s", name + 1);

	r = wl_ret(syscall(SYS_mq_unlink, name + 1));
	wl_line("mq_unlink", r, -ENOENT, "| name=%s", name + 1);

	close(mqd);
}

/* ------------------------------------------------------------- sockets */

static socklen_t wl_abstract(struct sockaddr_un *sa, int loop, const char *what)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* sun_path[0] = '\0': the abstract namespace, nothing on disk. */
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
		     "ktrail-wl-%d-%d-%s", (int)getpid(), loop, what);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void wl_sockets(int loop)
{
	static char sbuf[WL_MSGSZ], sbuf2[8], rbuf[64], rbuf2[64];
	static struct iovec siov, riov, miov[2], rmiov[4];
	static struct msghdr smh, rmh;
	static struct mmsghdr smm[2], rmm[4];
	static struct sockaddr_un to, nobody, from;
	static socklen_t fromlen;
	size_t len = sizeof(sbuf), rlen = sizeof(rbuf);
	unsigned int vlen;
	socklen_t tolen, nobodylen;
	int sv[2], snd, bound, f, i;
	long r;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		wl_die("socketpair");
	memset(sbuf, 's', sizeof(sbuf));
	memset(sbuf2, 't', sizeof(sbuf2));

	siov.iov_base = sbuf;
	siov.iov_len = sizeof(sbuf);
	memset(&smh, 0, sizeof(smh));	/* the last loop's msg_name is gone */
	smh.msg_iov = &siov;
	smh.msg_iovlen = 1;
	f = 0;
	r = wl_ret(syscall(SYS_sendmsg, (long)sv[0], &smh, (long)f));
	if (wl_line("sendmsg", r, (long)sizeof(sbuf),
		    "sockfd=%d msg=0x%lx flags=%d | msg_iovlen=1 msg_controllen=0 msg_flags=0",
		    sv[0], wl_p(&smh), f))
		goto out;

	riov.iov_base = rbuf;
	riov.iov_len = sizeof(rbuf);
	rmh.msg_iov = &riov;
	rmh.msg_iovlen = 1;
	r = wl_ret(syscall(SYS_recvmsg, (long)sv[1], &rmh, (long)f));
	wl_line("recvmsg", r, (long)sizeof(sbuf),
		"sockfd=%d msg=0x%lx flags=%d | msg_iovlen=1 msg_controllen=0 msg_flags=0",
		sv[1], wl_p(&rmh), f);

	miov[0].iov_base = sbuf;
	miov[0].iov_len = sizeof(sbuf);
	miov[1].iov_base = sbuf2;
	miov[1].iov_len = sizeof(sbuf2);
	for (i = 0; i < 2; i++) {
		smm[i].msg_hdr.msg_iov = &miov[i];
		smm[i].msg_hdr.msg_iovlen = 1;
	}
	vlen = 2;
	r = wl_ret(syscall(SYS_sendmmsg, (long)sv[0], smm, (unsigned long)vlen, (long)f));
	wl_line("sendmmsg", r, 2, "sockfd=%d msgvec=0x%lx vlen=%u flags=%d",
		sv[0], wl_p(smm), vlen, f);

	/* Room for 4, 2 queued, MSG_DONTWAIT: returns 2 without blocking. */
	for (i = 0; i < 4; i++) {
		rmiov[i].iov_base = i % 2 ? rbuf2 : rbuf;
		rmiov[i].iov_len = sizeof(rbuf);
		rmm[i].msg_hdr.msg_iov = &rmiov[i];
		rmm[i].msg_hdr.msg_iovlen = 1;
	}
	vlen = 4;
	f = MSG_DONTWAIT;
	r = wl_ret(syscall(WL_NR_RECVMMSG, (long)sv[1], rmm, (unsigned long)vlen,
			   (long)f, NULL));
	wl_line("recvmmsg", r, 2, "sockfd=%d msgvec=0x%lx vlen=%u flags=%d",
		sv[1], wl_p(rmm), vlen, f);

	/* sendto on the connected pair: dest_addr NULL, addrlen 0. */
	f = MSG_DONTWAIT;
	r = wl_ret(syscall(SYS_sendto, (long)sv[0], sbuf, (unsigned long)len, (long)f,
			   NULL, 0L));
	wl_line("sendto", r, (long)len, "sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=%d",
		sv[0], wl_p(sbuf), len, f, 0);

	f = 0;
	r = wl_ret(syscall(SYS_recvfrom, (long)sv[1], rbuf, (unsigned long)rlen, (long)f,
			   NULL, NULL));
	wl_line("recvfrom", r, (long)len,
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=0x%lx",
		sv[1], wl_p(rbuf), rlen, f, 0UL);

	/* Nothing queued: -EAGAIN. */
	f = MSG_DONTWAIT;
	r = wl_ret(syscall(SYS_recvfrom, (long)sv[1], rbuf, (unsigned long)rlen, (long)f,
			   NULL, NULL));
	wl_line("recvfrom", r, -EAGAIN,
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=0x%lx",
		sv[1], wl_p(rbuf), rlen, f, 0UL);

	/* A real address: an unbound socket sends to a bound abstract one. */
	snd = socket(AF_UNIX, SOCK_DGRAM, 0);
	bound = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (snd < 0 || bound < 0)
		wl_die("socket");
	tolen = wl_abstract(&to, loop, "to");
	if (bind(bound, (struct sockaddr *)&to, tolen) < 0)
		wl_die("bind");

	f = 0;
	r = wl_ret(syscall(SYS_sendto, (long)snd, sbuf, (unsigned long)len, (long)f,
			   &to, (long)tolen));
	wl_line("sendto", r, (long)len,
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=%d | dest_addr=AF_UNIX:@%s",
		snd, wl_p(sbuf), len, f, (int)tolen, to.sun_path + 1);

	fromlen = sizeof(from);
	r = wl_ret(syscall(SYS_recvfrom, (long)bound, rbuf, (unsigned long)rlen, (long)f,
			   &from, &fromlen));
	wl_line("recvfrom", r, (long)len,
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=0x%lx",
		bound, wl_p(rbuf), rlen, f, wl_p(&fromlen));

	/* An abstract address nobody bound: -ECONNREFUSED. */
	nobodylen = wl_abstract(&nobody, loop, "nobody");
	r = wl_ret(syscall(SYS_sendto, (long)snd, sbuf, (unsigned long)len, (long)f,
			   &nobody, (long)nobodylen));
	wl_line("sendto", r, -ECONNREFUSED,
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=%d | dest_addr=AF_UNIX:@%s",
		snd, wl_p(sbuf), len, f, (int)nobodylen, nobody.sun_path + 1);

	/*
	 * sendmsg with a destination in its msghdr.  A 32-bit msghdr holds
	 * a 32-bit pointer, which a kprobe on a 64-bit kernel cannot follow:
	 * there msg_name stays empty.  A 32-bit kernel's can.
	 */
	siov.iov_base = sbuf;
	siov.iov_len = sizeof(sbuf);
	memset(&smh, 0, sizeof(smh));
	smh.msg_name = &to;
	smh.msg_namelen = tolen;
	smh.msg_iov = &siov;
	smh.msg_iovlen = 1;
	r = wl_ret(syscall(SYS_sendmsg, (long)snd, &smh, (long)f));
	if (wl_kernel_lp64 == (sizeof(long) == 8))
		wl_line("sendmsg", r, (long)sizeof(sbuf),
			"sockfd=%d msg=0x%lx flags=%d | msg_name=AF_UNIX:@%s msg_iovlen=1 "
			"msg_controllen=0 msg_flags=0", snd, wl_p(&smh), f, to.sun_path + 1);
	else
		wl_line("sendmsg", r, (long)sizeof(sbuf),
			"sockfd=%d msg=0x%lx flags=%d | msg_iovlen=1 msg_controllen=0 msg_flags=0",
			snd, wl_p(&smh), f);
	r = wl_ret(syscall(SYS_recvfrom, (long)bound, rbuf, (unsigned long)rlen, (long)f,
			   NULL, NULL));
	wl_line("recvfrom", r, (long)sizeof(sbuf),
		"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=0x%lx",
		bound, wl_p(rbuf), rlen, f, 0UL);

	/* An IPv4 destination: a UDP socket bound on the loopback. */
	{
		struct sockaddr_in in = { .sin_family = AF_INET };
		socklen_t inlen = sizeof(in);
		int u = socket(AF_INET, SOCK_DGRAM, 0);

		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (u < 0 || bind(u, (struct sockaddr *)&in, inlen) < 0 ||
		    getsockname(u, (struct sockaddr *)&in, &inlen) < 0)
			wl_die("udp socket on 127.0.0.1");
		r = wl_ret(syscall(SYS_sendto, (long)u, sbuf, (unsigned long)len, (long)f,
				   &in, (long)inlen));
		wl_line("sendto", r, (long)len,
			"sockfd=%d buf=0x%lx len=%zu flags=%d addrlen=%d | dest_addr=AF_INET:127.0.0.1:%u",
			u, wl_p(sbuf), len, f, (int)inlen, (unsigned int)ntohs(in.sin_port));
		close(u);
	}

	close(snd);
	close(bound);
out:
	close(sv[0]);
	close(sv[1]);
}

static void wl_run(long loops)
{
	for (long i = 0; i < loops; i++) {
		wl_sysv();
		wl_posix_mq();
		wl_sockets((int)i);
	}
	printf("# done pid=%d calls=%lu\n", (int)getpid(), wl_calls);
	wl_flush();
}

static void wl_usage(void)
{
	fprintf(stderr,
		"usage: ipcwork [--loops N] [--comm NAME] [--fork] [--wait-stdin]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *comm = NULL;
	long loops = 1;
	int do_fork = 0, wait_stdin = 0;
	pid_t child;
	char *end;
	int st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--loops") && i + 1 < argc) {
			errno = 0;
			loops = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || loops < 0)
				wl_usage();
		} else if (!strcmp(argv[i], "--comm") && i + 1 < argc) {
			comm = argv[++i];
		} else if (!strcmp(argv[i], "--fork")) {
			do_fork = 1;
		} else if (!strcmp(argv[i], "--wait-stdin")) {
			wait_stdin = 1;
		} else {
			wl_usage();
		}
	}

	if (comm && prctl(PR_SET_NAME, (unsigned long)comm, 0UL, 0UL, 0UL) < 0)
		wl_die("prctl(PR_SET_NAME)");
	wl_tid = (pid_t)syscall(SYS_gettid);
	wl_kernel_lp64 = wl_kernel_is_lp64();

	printf("@@ start pid=%d\n", (int)getpid());
	wl_flush();

	if (wait_stdin) {
		char c;
		ssize_t n;

		do
			n = read(STDIN_FILENO, &c, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			wl_die("stdin");
	}

	wl_run(loops);

	if (do_fork && loops > 0) {
		child = fork();
		if (child < 0)
			wl_die("fork");
		if (child == 0) {
			wl_tid = (pid_t)syscall(SYS_gettid);
			wl_calls = 0;
			printf("@@ start pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
			wl_flush();
			wl_run(loops);
			_exit(wl_status);
		}
		while (waitpid(child, &st, 0) < 0)
			if (errno != EINTR)
				wl_die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "ipcwork: child %d failed (status 0x%x)\n",
				(int)child, st);
			wl_status = 1;
		}
	}
	return wl_status;
}
