// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * durwork - calls that block for known times, for the duration tests.
 *
 * Usage: durwork [MSGRCV_MS [MQ_MS [SLEEP_MS]]]   (default 300 100 50)
 *
 *  1. msgrcv on an empty System V queue, blocked until a second thread
 *     sends a message MSGRCV_MS after it saw the call blocked (its
 *     /proc/self/task/TID/syscall names msgrcv): the call lasts at least
 *     MSGRCV_MS from its entry;
 *  2. mq_timedreceive on an empty POSIX queue with a deadline MQ_MS
 *     after the time read just before the call: it times out
 *     (-ETIMEDOUT);
 *  3. nanosleep of SLEEP_MS (relative: at least that from its entry).
 *
 * It prints the calls as tests/live/check_rows.py reads them (see
 * ipcwork.c: "@@ <event> tid=<tid> ret=<ret> <scalar args> | <user
 * memory>"), each followed by the time it measured around the call, on
 * CLOCK_MONOTONIC (the call is inside that window):
 *
 *   # elapsed <event> tid=<tid> ns=<ns> want=<ms>
 *
 * The helper thread sleeps with clock_nanosleep, and the queues are made
 * and removed with msgget/msgctl and mq_open/mq_unlink: none of them is
 * one of the four calls.  Calls go through syscall(2), so the values are
 * the kernel's.  Exit status 0, 1 when a call did not do what it must.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct wake {
	pid_t tid;		/* the thread blocked in msgrcv */
	int qid;
	long ms;
	int bad;
};

static struct {
	long mtype;
	char mtext[8];
} sndbuf = { 1, "wake" }, rcvbuf;

static long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long ret_of(long r)
{
	return r < 0 ? -errno : r;
}

/* Is @tid blocked in syscall @nr?  (The first field of its syscall file.) */
static int blocked_in(pid_t tid, long nr)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10) == nr && buf[0] != 'r';
}

static void sleep_ns(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	while (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, &ts) < 0 && errno == EINTR)
		;
}

static void *waker(void *arg)
{
	struct wake *w = arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	long r;
	int b;

	/* until the main thread sleeps in msgrcv, up to 10 s */
	for (int i = 0; (b = blocked_in(w->tid, SYS_msgrcv)) == 0 && i < 10000; i++)
		sleep_ns(1000000);
	if (b != 1) {
		fprintf(stderr, "durwork: thread %d never blocked in msgrcv (%d)\n", (int)w->tid, b);
		w->bad = 1;
	}
	sleep_ns(w->ms * 1000000L);
	r = ret_of(syscall(SYS_msgsnd, w->qid, &sndbuf, sizeof(sndbuf.mtext), 0));
	printf("@@ msgsnd tid=%d ret=%ld msqid=%d msgp=0x%lx msgsz=%zu msgflg=0 | mtype=1 "
	       "mtext=wake\n", (int)tid, r, w->qid, (unsigned long)&sndbuf, sizeof(sndbuf.mtext));
	fflush(stdout);
	if (r)
		w->bad = 1;
	return NULL;
}

static long arg_ms(int argc, char **argv, int i, long def)
{
	char *end;
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], &end, 10);
	if (*end || v < 0 || v > 60000) {
		fprintf(stderr, "usage: durwork [MSGRCV_MS [MQ_MS [SLEEP_MS]]]\n");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long rcv_ms = arg_ms(argc, argv, 1, 300), mq_ms = arg_ms(argc, argv, 2, 100);
	long sleep_ms = arg_ms(argc, argv, 3, 50);
	pid_t tid = (pid_t)syscall(SYS_gettid);
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 64 };
	struct wake w = { .tid = tid, .ms = rcv_ms };
	char qname[64], mbuf[64];
	struct timespec dl, req;
	pthread_t th;
	long r, t0, t;
	int bad = 0, mqd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("@@ start pid=%d\n", (int)getpid());

	/* 1. msgrcv, woken by the other thread */
	w.qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (w.qid < 0) {
		perror("durwork: msgget");
		return 1;
	}
	if (pthread_create(&th, NULL, waker, &w)) {
		fprintf(stderr, "durwork: pthread_create failed\n");
		return 1;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	r = ret_of(syscall(SYS_msgrcv, w.qid, &rcvbuf, sizeof(rcvbuf.mtext), 0L, 0));
	t = now_ns(CLOCK_MONOTONIC) - t0;
	pthread_join(th, NULL);
	printf("@@ msgrcv tid=%d ret=%ld msqid=%d msgp=0x%lx msgsz=%zu msgtyp=0 msgflg=0\n",
	       (int)tid, r, w.qid, (unsigned long)&rcvbuf, sizeof(rcvbuf.mtext));
	printf("# elapsed msgrcv tid=%d ns=%ld want=%ld\n", (int)tid, t, rcv_ms);
	bad |= w.bad || r != (long)sizeof(sndbuf.mtext);
	msgctl(w.qid, IPC_RMID, NULL);

	/* 2. mq_timedreceive that times out */
	snprintf(qname, sizeof(qname), "/ktrail-durwork-%d", (int)getpid());
	mqd = mq_open(qname, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (mqd < 0) {
		perror("durwork: mq_open");
		return 1;
	}
	mq_unlink(qname);
	t0 = now_ns(CLOCK_MONOTONIC);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += mq_ms % 1000 * 1000000L;
	dl.tv_sec += mq_ms / 1000 + dl.tv_nsec / 1000000000L;
	dl.tv_nsec %= 1000000000L;
	r = ret_of(syscall(SYS_mq_timedreceive, mqd, mbuf, sizeof(mbuf), NULL, &dl));
	t = now_ns(CLOCK_MONOTONIC) - t0;
	printf("@@ mq_timedreceive tid=%d ret=%ld mqdes=%d msg_len=%zu msg_prio=0x0 | "
	       "abs_timeout=%lld.%09ld\n", (int)tid, r, mqd, sizeof(mbuf),
	       (long long)dl.tv_sec, dl.tv_nsec);
	printf("# elapsed mq_timedreceive tid=%d ns=%ld want=%ld\n", (int)tid, t, mq_ms);
	bad |= r != -ETIMEDOUT;
	close(mqd);

	/* 3. nanosleep */
	req = (struct timespec){ sleep_ms / 1000, sleep_ms % 1000 * 1000000L };
	t0 = now_ns(CLOCK_MONOTONIC);
	r = ret_of(syscall(SYS_nanosleep, &req, NULL));
	t = now_ns(CLOCK_MONOTONIC) - t0;
	printf("@@ nanosleep tid=%d ret=%ld | req=%lld.%09ld\n", (int)tid, r,
	       (long long)req.tv_sec, req.tv_nsec);
	printf("# elapsed nanosleep tid=%d ns=%ld want=%ld\n", (int)tid, t, sleep_ms);
	bad |= r != 0;

	/* the main thread's calls: check_rows counts the lines of its tid */
	printf("# done pid=%d calls=3\n", (int)getpid());
	return bad;
}
