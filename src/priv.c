// SPDX-License-Identifier: GPL-2.0-or-later
/* Least privilege: the capability check, the guard, the drop (priv.h). */
#include <errno.h>
#include <grp.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/priv.h"
#include "ktrail/proc.h"
#include "ktrail/users.h"

static bool has_cap(cap_t caps, cap_value_t c)
{
	cap_flag_value_t v = CAP_CLEAR;

	return caps && cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET;
}

int kt_priv_check(bool mount, char *err, size_t errlen)
{
	static const struct {
		cap_value_t cap;
		const char *name, *why;
		bool root_ok;	/* root (the files' owner) does without it */
	} need[] = {
		{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE", "tracefs files belong to root", true },
		{ CAP_SETUID, "CAP_SETUID", "to give up root once the trace is set up", false },
		{ CAP_SETGID, "CAP_SETGID", "to give up root's groups once the trace is set up", false },
	};
	cap_t caps = cap_get_proc();
	char list[512] = "";
	size_t n = 0;

	if (!caps) {
		snprintf(err, errlen, "cannot read the process's capabilities: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!has_cap(caps, need[i].cap) && !(need[i].root_ok && geteuid() == 0) &&
		    n < sizeof(list))
			n += snprintf(list + n, sizeof(list) - n, "%s%s (%s)", n ? ", " : "",
				      need[i].name, need[i].why);
	if (mount && !has_cap(caps, CAP_SYS_ADMIN) && n < sizeof(list))
		n += snprintf(list + n, sizeof(list) - n, "%sCAP_SYS_ADMIN (tracefs is not mounted, "
			      "and mounting it needs it)", n ? ", " : "");
	cap_free(caps);
	if (!n)
		return 0;
	snprintf(err, errlen, "missing capabilities: %s", list);
	return -1;
}

void kt_priv_default_user(uid_t *uid, gid_t *gid)
{
	/* The project's own system user first (packaging creates it): no
	 * other process shares its uid.  Never one that is root. */
	static const char *const names[] = { KT_DROP_USER, "nobody" };

	for (unsigned int i = 0; i < 2; i++) {
		struct kt_user u;

		if (kt_user_byname(names[i], &u) == 0 && u.uid != 0 && u.gid != 0) {
			*uid = u.uid;
			*gid = u.gid;
			return;
		}
	}
	*uid = *gid = 65534;	/* no "nobody": its usual ids */
}

/* A uid or gid given by number: decimal, no sign, not (id_t)-1. */
static bool user_id(const char *s, size_t len, unsigned int *id)
{
	unsigned long v = 0;

	if (!len || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= 0xffffffffUL)
		return false;
	*id = (unsigned int)v;
	return true;
}

int kt_priv_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const char *colon = strchr(name, ':');
	struct kt_user u;
	unsigned int v, g;
	int r, e;

	/* UID:GID, two numbers: no lookup at all. */
	if (colon) {
		if (!user_id(name, (size_t)(colon - name), &v) ||
		    !user_id(colon + 1, strlen(colon + 1), &g)) {
			snprintf(err, errlen, "'%s' is not UID:GID (two decimal numbers)", name);
			return -1;
		}
		*uid = v;
		*gid = g;
		return 0;
	}
	r = kt_user_byname(name, &u);
	e = errno;
	if (r != 0 && user_id(name, strlen(name), &v)) {
		if (kt_user_byuid(v, &u) == 0) {
			r = 0;
		} else if (v > 0) {
			/* A number with no passwd entry (or none to read): its own group. */
			*uid = v;
			*gid = v;
			return 0;
		}
	}
	if (r < 0 && kt_users_files_only()) {
		snprintf(err, errlen, "cannot read /etc/passwd for user %s: %s (give a numeric "
			 "UID or UID:GID)", name, strerror(e));
		return -1;
	}
	if (r != 0 && kt_users_files_only()) {
		snprintf(err, errlen, "no such user in /etc/passwd: %s (this ktrail is linked "
			 "statically and reads /etc/passwd itself, without NSS: give a user of "
			 "LDAP or NIS as a numeric UID or UID:GID)", name);
		return -1;
	}
	if (r != 0) {
		snprintf(err, errlen, "no such user: %s", name);
		return -1;
	}
	*uid = u.uid;
	*gid = u.gid;
	return 0;
}

/* A file descriptor that sees this process's end (Linux 5.3), or -1. */
static int self_pidfd(void)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, getpid(), 0);	/* O_CLOEXEC */
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* In the guard: hold nothing of ktrail's but what it needs. */
static void guard_close_others(int rd, int pidfd, const int *keep, unsigned int nkeep)
{
	int lo = 3;

	for (;;) {
		int next = -1;

		/* The lowest file kept at or above lo. */
		if (rd >= lo)
			next = rd;
		if (pidfd >= lo && (next < 0 || pidfd < next))
			next = pidfd;
		for (unsigned int i = 0; i < nkeep; i++)
			if (keep[i] >= lo && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next != lo) {
			unsigned int hi = next < 0 ? ~0U : (unsigned int)next - 1;

			if (syscall(SYS_close_range, (unsigned int)lo, hi, 0) < 0) {
				int max = (int)sysconf(_SC_OPEN_MAX);

				if (max < 0 || max > 65536)
					max = 65536;
				for (int fd = lo; fd <= (int)(next < 0 ? max : next - 1); fd++)
					close(fd);
			}
		}
		if (next < 0)
			return;
		lo = next + 1;
	}
}

/* In the guard: until ktrail ends (its pidfd) or closes its end of the
 * pipe (kt_guard_finish, or its death where there is no pidfd). */
static void guard_wait(int rd, int pidfd)
{
	struct pollfd p[2] = { { .fd = rd, .events = POLLIN },
			       { .fd = pidfd, .events = POLLIN } };
	char c;

	for (;;) {
		int n = poll(p, pidfd >= 0 ? 2 : 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (pidfd >= 0 && p[1].revents)
			return;
		if (p[0].revents) {
			ssize_t r = read(rd, &c, 1);

			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				return;
		}
	}
}

int kt_guard_start(struct kt_guard *g, const int *keep, unsigned int nkeep,
		   int (*cleanup)(void *arg), void *arg)
{
	int p[2], pidfd, saved;
	pid_t pid;

	g->pid = 0;
	g->fd = -1;
	/* O_CLOEXEC: no program ktrail runs ever holds the write end. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pidfd = self_pidfd();
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		if (pidfd >= 0)
			close(pidfd);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		/* The terminal's Ctrl-C and the signals that stop ktrail
		 * reach the whole group: the guard waits for ktrail itself. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		close(p[1]);
		/* Not the ABI helper's socket, not the command's start pipe:
		 * they must see ktrail's end, not the guard's. */
		guard_close_others(p[0], pidfd, keep, nkeep);
		prctl(PR_SET_NAME, "ktrail-guard");
		guard_wait(p[0], pidfd);
		_exit(cleanup(arg) == 0 ? 0 : 1);
	}
	close(p[0]);
	if (pidfd >= 0)
		close(pidfd);
	g->pid = pid;
	g->fd = p[1];
	return 0;
}

int kt_guard_finish(struct kt_guard *g)
{
	int st;
	pid_t r;

	if (!g->pid)
		return 0;
	close(g->fd);
	g->fd = -1;
	do {
		r = waitpid(g->pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	g->pid = 0;
	return r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* No capability left, and no way to gain one (priv.h). */
int kt_priv_shed(char *err, size_t errlen)
{
	cap_t caps = cap_init();	/* all clear */

	if (!caps) {
		snprintf(err, errlen, "cap_init: %s", strerror(errno));
		return -1;
	}
	if (cap_set_proc(caps) < 0) {
		cap_free(caps);
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	cap_free(caps);
	/* Nothing may ever give them back (ktrail execs nothing from now). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* @groups: keep the user's supplementary groups, else none. */
static int drop(uid_t uid, gid_t gid, bool groups, char *err, size_t errlen)
{
	struct kt_user u;
	int r;

	if (!groups)
		r = setgroups(0, NULL);
	else if (kt_user_byuid(uid, &u) == 0)
		r = kt_user_initgroups(u.name, gid);
	else
		r = setgroups(1, &gid);
	if (r < 0 || setresgid(gid, gid, gid) < 0) {
		snprintf(err, errlen, "cannot take group %d: %s", (int)gid, strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "cannot become user %d: %s", (int)uid, strerror(errno));
		return -1;
	}
	/* Nothing is kept (--user root keeps its uid, not its capabilities). */
	if (kt_priv_shed(err, errlen) < 0)
		return -1;
	/* The drop must hold: root again must be impossible. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "the privilege drop did not hold");
		return -1;
	}
	return 0;
}

int kt_priv_drop(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	return drop(uid, gid, true, err, errlen);
}

int kt_priv_drop_all(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	return drop(uid, gid, false, err, errlen);
}

void kt_priv_as_begin(struct kt_priv_as *as, uid_t uid, gid_t gid)
{
	as->gid = (gid_t)setfsgid(gid);
	as->uid = (uid_t)setfsuid(uid);
}

void kt_priv_as_end(const struct kt_priv_as *as)
{
	setfsuid(as->uid);
	setfsgid(as->gid);
}

/*
 * The ABI helper.  ktrail asks with a process id, never a path; the
 * helper answers from /proc/TGID/exe, the very file the process runs, and
 * from what it saw when the process exec'd (the proc connector tells it
 * then: a short program is gone before ktrail decodes its exec).
 */
#define ABI_ANSWER_MS 3000	/* ktrail gives up on the helper after this */
#define ABI_WORK_S 2		/* the helper dies if one answer takes longer */
#define ABI_KNOWN 4096		/* non-native processes found at the start */
#define ABI_EXECS 8192		/* the last execs seen, oldest overwritten */
#define ABI_LATE_BATCH 64	/* 32-bit execs marked from one connector read */

enum abi_op {
	ABI_OP_ASK,		/* the ABI of tgid (exec: of its exec) */
	ABI_OP_LAZY,		/* take the raw_syscalls enable files (SCM_RIGHTS) */
	ABI_OP_RELEASE,		/* close them: the trace ends */
	ABI_OP_EXECS,		/* the execs seen since a count (record) */
};

struct abi_req {
	uint32_t seq;
	int32_t tgid;
	uint8_t exec;
	uint8_t op;		/* enum abi_op */
	int8_t abi;		/* LAZY: the ABI of the tasks that need raw_syscalls */
	uint32_t since;		/* EXECS: the count of execs already had */
};

struct abi_ans {
	uint32_t seq;
	int8_t abi;		/* ASK: the ABI; LAZY, RELEASE: 1 raw_syscalls on */
	uint32_t late;		/* RELEASE: tasks whose exec turned it on */
	uint32_t nl_lost;	/* RELEASE: times the connector's queue overflowed */
	/* EXECS: the execs from number @since on (@n of them, the first
	 * @skipped overwritten before they were asked for), up to @next. */
	uint32_t next, skipped;
	uint16_t n;
	struct kt_abi_exec e[KT_ABI_EXECS_BATCH];
};

struct abi_exec {
	int32_t tgid;		/* 0: free */
	int8_t abi;
	bool used;		/* taken by an exec ktrail decoded */
};

struct kt_abi_helper {
	pid_t pid;
	int fd;			/* -1: gone (it died or did not answer) */
	uint32_t seq;
	bool stuck;		/* it did not answer in time */
};

struct abi_state {
	int nl;			/* proc connector, -1: none */
	struct abi_exec execs[ABI_EXECS];
	unsigned int next;
	/* Lazy raw_syscalls (kt_abi_helper_lazy): armed while it is off. */
	bool armed, on;
	int8_t lazy_abi;
	int enable_fd[2];	/* raw_syscalls/sys_enter, sys_exit: enable */
	int marker_fd;		/* the instance's trace_marker */
	int pids_fd;		/* its set_event_pid; -1: every task is traced */
	unsigned int late;	/* tasks whose exec turned raw_syscalls on */
	unsigned int nl_lost;	/* ENOBUFS: exec notifications were dropped */
	/* The processes running when the helper started whose ABI is not
	 * the native one, as their exe files told then: asked about once
	 * they are gone (ktrail decodes their calls later), the answer
	 * is still known. */
	struct abi_known {
		int tgid;
		int8_t abi;
	} known[ABI_KNOWN];
	unsigned int nknown;
};

static enum kt_abi abi_now(int tgid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", tgid);
	return kt_elf_file_abi(path);
}

/* What runs now: every process of a non-native ABI (a 32-bit one). */
static void abi_scan(struct abi_state *st)
{
	enum kt_abi native = kt_abi_native();
	DIR *d = opendir("/proc");
	struct dirent *de;

	while (d && (de = readdir(d)) && st->nknown < ABI_KNOWN) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		enum kt_abi abi;

		if (*end || pid <= 0 || pid == getpid() || pid == getppid())
			continue;
		abi = abi_now((int)pid);
		if (abi != KT_ABI_NONE && abi != native) {
			st->known[st->nknown].tgid = (int)pid;
			st->known[st->nknown++].abi = (int8_t)abi;
		}
	}
	if (d)
		closedir(d);
}

static enum kt_abi abi_known(const struct abi_state *st, int tgid)
{
	for (unsigned int i = 0; i < st->nknown; i++)
		if (st->known[i].tgid == tgid)
			return (enum kt_abi)st->known[i].abi;
	return KT_ABI_NONE;
}

static void abi_lazy_close(struct abi_state *st)
{
	for (int i = 0; i < 2; i++)
		if (st->enable_fd[i] >= 0)
			close(st->enable_fd[i]);
	if (st->marker_fd >= 0)
		close(st->marker_fd);
	if (st->pids_fd >= 0)
		close(st->pids_fd);
	st->enable_fd[0] = st->enable_fd[1] = st->marker_fd = st->pids_fd = -1;
	st->armed = false;
}

/* Is task @pid traced: in the instance's set_event_pid (read again each
 * time: event-fork adds the children), or every task? */
static bool abi_traced(struct abi_state *st, int pid)
{
	static char buf[65536];
	ssize_t n;
	char *p, *end;

	if (st->pids_fd < 0)
		return true;
	if (lseek(st->pids_fd, 0, SEEK_SET) < 0)
		return true;	/* cannot tell: enable rather than miss */
	n = read(st->pids_fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return true;
	buf[n] = '\0';
	for (p = buf; *p; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p) {
			end = p + 1;
			continue;
		}
		if (v == pid)
			return true;
	}
	return false;
}

/*
 * raw_syscalls on, for good: the first traced task of the ABI that needs
 * it is known.  Each of @late (the tasks whose exec did it, while the
 * trace runs) gets a marker in the trace at this moment: their calls
 * before it are not traced (KT_ABI_MARKER, priv.h).
 */
static void abi_lazy_enable(struct abi_state *st, const int *late, unsigned int nlate)
{
	char text[96];

	for (int i = 0; i < 2; i++)
		if (write(st->enable_fd[i], "1", 1) != 1) {
			/* Nothing to say it with here: ktrail says it at the end
			 * (its release finds raw_syscalls off). */
			abi_lazy_close(st);
			return;
		}
	st->on = true;
	for (unsigned int i = 0; i < nlate; i++) {
		int n = snprintf(text, sizeof(text), KT_ABI_MARKER "%d", late[i]);

		if (st->marker_fd >= 0 && write(st->marker_fd, text, (size_t)n) < 0)
			break;
	}
	st->late += nlate;
	abi_lazy_close(st);
}

/* One proc connector message: execs are classified at once. */
static void abi_nl_msg(struct abi_state *st, const void *buf, size_t len)
{
	int late[ABI_LATE_BATCH];
	unsigned int nlate = 0;

	for (const struct nlmsghdr *nh = buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		const struct cn_msg *cn = NLMSG_DATA(nh);
		struct proc_event ev;
		struct abi_exec *e;

		if (nh->nlmsg_type != NLMSG_DONE ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(ev)) ||
		    cn->id.idx != CN_IDX_PROC)
			continue;
		/* The event follows cn_msg's 20 bytes: not aligned for its
		 * 64-bit timestamp (UBSan stopped the helper there). */
		memcpy(&ev, cn->data, sizeof(ev));
		if (ev.what != PROC_EVENT_EXEC)
			continue;
		e = &st->execs[st->next++ % ABI_EXECS];
		e->tgid = ev.event_data.exec.process_tgid;
		e->abi = (int8_t)abi_now(e->tgid);
		e->used = false;
		if (st->armed && e->abi == st->lazy_abi && nlate < ABI_LATE_BATCH &&
		    abi_traced(st, ev.event_data.exec.process_pid))
			late[nlate++] = e->tgid;
	}
	if (nlate)
		abi_lazy_enable(st, late, nlate);
}

static void abi_nl_drain(struct abi_state *st);

/*
 * Take the enable files (@fds: enter, exit, trace_marker, set_event_pid
 * or -1) and turn raw_syscalls on now if a traced task of @abi runs
 * already (before tracing starts: no marker); else at the first such
 * exec.  Answers 1 when it is on.
 */
static int abi_lazy_arm(struct abi_state *st, int8_t abi, const int *fds, unsigned int nfds)
{
	if (nfds < 3 || st->armed || st->on) {
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		return st->on;
	}
	st->enable_fd[0] = fds[0];
	st->enable_fd[1] = fds[1];
	st->marker_fd = fds[2];
	st->pids_fd = nfds > 3 ? fds[3] : -1;
	st->lazy_abi = abi;
	st->armed = true;
	/* What was heard before, then what ran at the start and still runs
	 * (the helper's scan; a task started since exec'd, which was heard). */
	abi_nl_drain(st);
	if (!st->armed)
		return st->on;
	for (unsigned int i = 0; i < st->nknown; i++) {
		int pid = st->known[i].tgid;

		if (st->known[i].abi == abi && abi_now(pid) == abi && abi_traced(st, pid)) {
			abi_lazy_enable(st, NULL, 0);
			break;
		}
	}
	return st->on;
}

static void abi_nl_drain(struct abi_state *st)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	while (st->nl >= 0) {
		n = recv(st->nl, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			st->nl_lost++;	/* some were lost: they are asked for now */
			continue;
		}
		if (n <= 0)
			break;
		abi_nl_msg(st, buf, (size_t)n);
	}
}

/* Listen to the execs of every process (CAP_NET_ADMIN, at this bind). */
static int abi_nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC,
				  .nl_pid = 0 };
	/* nlmsghdr, cn_msg (whose data is a flexible array), the op: laid
	 * out by hand, as no struct may hold cn_msg but at its end. */
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	size_t len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(op));
	unsigned char msg[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(op))]
		__attribute__((aligned(NLMSG_ALIGNTO))) = { 0 };
	struct nlmsghdr nh = {
		.nlmsg_len = (uint32_t)len,
		.nlmsg_type = NLMSG_DONE,
		.nlmsg_pid = (uint32_t)getpid(),
	};
	struct cn_msg cn = {
		.id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
		.len = sizeof(op),
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	/* Every process's fork, exec and exit comes here: a busy machine
	 * (a build) overflows the default queue of about 200 of them while
	 * the helper waits for a CPU, and an exec so lost is one whose ABI
	 * may not be told.  Room for some 16,000 (CAP_NET_ADMIN: past
	 * rmem_max), else as much as the system allows. */
	{
		int sz = 16 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	memcpy(msg, &nh, sizeof(nh));
	memcpy(NLMSG_DATA(msg), &cn, sizeof(cn));
	memcpy((unsigned char *)NLMSG_DATA(msg) + sizeof(cn), &op, sizeof(op));
	if (send(fd, msg, len, 0) != (ssize_t)len)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static enum kt_abi abi_answer(struct abi_state *st, const struct abi_req *q)
{
	struct abi_exec *newest = NULL;
	enum kt_abi abi;

	abi_nl_drain(st);
	/* An exec ktrail decodes: the oldest of that process's execs not yet
	 * taken, in the order they happened. */
	for (unsigned int i = 0; i < ABI_EXECS; i++) {
		struct abi_exec *e = &st->execs[(st->next + i) % ABI_EXECS];

		if (e->tgid != q->tgid)
			continue;
		if (q->exec && !e->used) {
			e->used = true;
			return e->abi;
		}
		newest = e;
	}
	abi = abi_now(q->tgid);
	/* Gone already: the program its last exec ran, or ran at the start. */
	if (abi == KT_ABI_NONE && newest)
		abi = newest->abi;
	if (abi == KT_ABI_NONE && !newest)
		abi = abi_known(st, q->tgid);
	return abi;
}

/* The execs seen from number @since on, as many as one answer holds:
 * taken or not by ASK, they stay. */
static void abi_execs(struct abi_state *st, uint32_t since, struct abi_ans *a)
{
	uint32_t oldest = st->next > ABI_EXECS ? st->next - ABI_EXECS : 0;

	abi_nl_drain(st);
	/* A count from the future (a confused caller) starts again now. */
	if (since > st->next)
		since = st->next;
	if (since < oldest) {
		a->skipped = oldest - since;
		since = oldest;
	}
	while (since < st->next && a->n < KT_ABI_EXECS_BATCH) {
		const struct abi_exec *e = &st->execs[since++ % ABI_EXECS];

		a->e[a->n].tgid = e->tgid;
		a->e[a->n++].abi = e->abi;
	}
	a->next = since;
}

/* Keep only what opening another user's /proc/PID/exe needs. */
static int abi_limit(void)
{
	cap_value_t keep[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };
	cap_t caps;
	int r;

	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (c != CAP_SYS_PTRACE && c != CAP_DAC_READ_SEARCH &&
		    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	caps = cap_init();
	if (!caps)
		return -1;
	r = cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0 ? -1 : 0;
	cap_free(caps);
	if (r < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	return 0;
}

static void abi_serve(int sock, pid_t parent) __attribute__((noreturn));
static void abi_serve(int sock, pid_t parent)
{
	static struct abi_state st = { .enable_fd = { -1, -1 }, .marker_fd = -1, .pids_fd = -1 };
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	sigset_t all;
	int pidfd;

	/* Ctrl-C reaches the whole group: the helper ends with ktrail, at
	 * the EOF of its socket (ktrail still decodes after a SIGINT). */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* Hold nothing of ktrail's: its socket only, as fd 3. */
	if (sock != 3) {
		if (dup2(sock, 3) < 0)
			_exit(1);
		sock = 3;
	}
	/* Standard input and output on /dev/null; standard error stays,
	 * for what goes wrong here (a sanitizer's report among it), and so
	 * that no file this helper opens later becomes fd 2. */
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
			_exit(1);
		if (null > 3)
			close(null);
	}
	syscall(SYS_close_range, 4, ~0U, 0);
	prctl(PR_SET_NAME, "ktrail-abi");
	/* While ktrail is root; after its drop the kernel refuses it this
	 * signal (a dying parent must have the right to send it). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	st.nl = abi_nl_open();
	/* After the listener: a process started since is heard at its exec. */
	abi_scan(&st);
	/* ktrail's end, also when the guard (forked later) still holds a
	 * copy of ktrail's end of the socket: the raw_syscalls files this
	 * helper may hold keep the instance from being removed. */
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
#else
	pidfd = -1;
#endif
	if (abi_limit() < 0)
		_exit(1);
	for (;;) {
		struct pollfd p[3] = { { .fd = sock, .events = POLLIN },
				       { .fd = st.nl, .events = POLLIN },
				       { .fd = pidfd, .events = POLLIN } };
		struct abi_req q;
		struct abi_ans a = { 0 };
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(4 * sizeof(int))];
		} cm;
		struct iovec iov = { &q, sizeof(q) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
				     .msg_controllen = sizeof(cm.b) };
		int fds[4];
		unsigned int nfds = 0;
		ssize_t n;

		/* Without a pidfd (before Linux 5.3), a look at the parent
		 * every second. */
		int r = poll(p, 3, pidfd >= 0 ? -1 : 1000);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[2].revents || (pidfd < 0 && getppid() != parent))
			_exit(0);	/* ktrail is gone */
		if (!r)
			continue;
		if (p[1].revents) {
			alarm(ABI_WORK_S);
			abi_nl_drain(&st);
			alarm(0);
		}
		if (!p[0].revents)
			continue;
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(q))
			_exit(0);	/* EOF: ktrail is gone */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				if (nfds > 4)
					nfds = 4;
				memcpy(fds, CMSG_DATA(c), nfds * sizeof(int));
			}
		/* A program on a file system that never answers must not
		 * keep the helper forever: SIGALRM's default kills it. */
		alarm(ABI_WORK_S);
		a.seq = q.seq;
		if (q.op == ABI_OP_LAZY) {
			a.abi = (int8_t)abi_lazy_arm(&st, q.abi, fds, nfds);
		} else if (q.op == ABI_OP_RELEASE) {
			abi_nl_drain(&st);
			abi_lazy_close(&st);
			a.abi = st.on;
			a.late = st.late;
			a.nl_lost = st.nl_lost;
		} else if (q.op == ABI_OP_EXECS) {
			for (unsigned int i = 0; i < nfds; i++)
				close(fds[i]);
			abi_execs(&st, q.since, &a);
		} else {
			for (unsigned int i = 0; i < nfds; i++)
				close(fds[i]);
			a.abi = (int8_t)abi_answer(&st, &q);
		}
		alarm(0);
		if (send(sock, &a, sizeof(a), MSG_NOSIGNAL) != (ssize_t)sizeof(a))
			_exit(0);
	}
}

struct kt_abi_helper *kt_abi_helper_start(void)
{
	struct kt_abi_helper *h = calloc(1, sizeof(*h));
	pid_t parent = getpid();
	int sv[2];

	if (!h)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		free(h);
		return NULL;
	}
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		free(h);
		errno = e;
		return NULL;
	}
	if (h->pid == 0)
		abi_serve(sv[1], parent);
	close(sv[1]);
	h->fd = sv[0];
	return h;
}

/* The helper failed: ask it nothing more (it ends at this EOF). */
static enum kt_abi abi_gone(struct kt_abi_helper *h)
{
	close(h->fd);
	h->fd = -1;
	return KT_ABI_NONE;
}

/* One question (with @nfds descriptors passed along), its answer in @a:
 * 0, or -1 when the helper is gone. */
static int abi_call(struct kt_abi_helper *h, struct abi_req *q, const int *fds,
		    unsigned int nfds, struct abi_ans *a)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} cm;
	struct iovec iov = { q, sizeof(*q) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct timespec start, now;

	if (h->fd < 0)
		return -1;
	q->seq = ++h->seq;
	if (nfds) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(&cm.h), fds, nfds * sizeof(int));
	}
	if (sendmsg(h->fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(*q)) {
		abi_gone(h);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = h->fd, .events = POLLIN };
		long ms;
		ssize_t n;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = ABI_ANSWER_MS - ((now.tv_sec - start.tv_sec) * 1000 +
				      (now.tv_nsec - start.tv_nsec) / 1000000);
		if (ms <= 0) {
			h->stuck = true;
			abi_gone(h);
			return -1;
		}
		r = poll(&p, 1, (int)ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			h->stuck = true;
		if (r <= 0) {
			abi_gone(h);
			return -1;
		}
		n = recv(h->fd, a, sizeof(*a), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n != (ssize_t)sizeof(*a)) {
			abi_gone(h);
			return -1;
		}
		if (a->seq == q->seq)
			return 0;
		/* a late answer to an earlier question */
	}
}

enum kt_abi kt_abi_helper_ask(struct kt_abi_helper *h, int tgid, bool exec)
{
	struct abi_req q = { .tgid = tgid, .exec = exec, .op = ABI_OP_ASK };
	struct abi_ans a;

	if (tgid <= 0 || abi_call(h, &q, NULL, 0, &a) < 0)
		return KT_ABI_NONE;
	return a.abi >= 0 && a.abi < KT_ABI_MAX ? (enum kt_abi)a.abi : KT_ABI_NONE;
}

int kt_abi_helper_lazy(struct kt_abi_helper *h, enum kt_abi abi, int enter_fd, int exit_fd,
		       int marker_fd, int pids_fd)
{
	struct abi_req q = { .op = ABI_OP_LAZY, .abi = (int8_t)abi };
	int fds[4] = { enter_fd, exit_fd, marker_fd, pids_fd };
	struct abi_ans a;

	if (!h || abi_call(h, &q, fds, pids_fd >= 0 ? 4 : 3, &a) < 0) {
		errno = EPIPE;
		return -1;
	}
	return a.abi == 1;
}

int kt_abi_helper_release(struct kt_abi_helper *h, bool *on, unsigned int *late,
			  unsigned int *nl_lost)
{
	struct abi_req q = { .op = ABI_OP_RELEASE };
	struct abi_ans a;

	if (!h || abi_call(h, &q, NULL, 0, &a) < 0) {
		errno = EPIPE;
		return -1;
	}
	*on = a.abi == 1;
	*late = a.late;
	*nl_lost = a.nl_lost;
	return 0;
}

int kt_abi_helper_execs(struct kt_abi_helper *h, uint32_t *since, struct kt_abi_exec *out,
			unsigned int max, uint32_t *skipped)
{
	struct abi_req q = { .op = ABI_OP_EXECS, .since = *since };
	struct abi_ans a;
	unsigned int n;

	*skipped = 0;
	if (!h || abi_call(h, &q, NULL, 0, &a) < 0) {
		errno = EPIPE;
		return -1;
	}
	n = a.n < max && a.n <= KT_ABI_EXECS_BATCH ? a.n : max;
	memcpy(out, a.e, n * sizeof(*out));
	*skipped = a.skipped;
	*since = n == a.n ? a.next : *since + a.skipped + n;
	return (int)n;
}

void kt_abi_helper_stop(struct kt_abi_helper *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	/* It ends at the EOF; one stuck in a read ends by its alarm (after
	 * the drop ktrail may not kill it): wait a bounded time, not again
	 * for one that did not answer. */
	for (int i = 0; i < (h->stuck ? 1 : 300); i++) {
		pid_t r = waitpid(h->pid, NULL, WNOHANG);

		if (r == h->pid || (r < 0 && errno != EINTR))
			break;
		usleep(10000);
	}
	free(h);
}

static enum kt_abi abi_source_ask(void *arg, int tgid, bool exec)
{
	return kt_abi_helper_ask(arg, tgid, exec);
}

static void abi_source_release(void *arg)
{
	kt_abi_helper_stop(arg);
}

struct kt_abi_helper *kt_abi_helper_attach(struct kt_proc *t)
{
	struct kt_abi_helper *h = kt_abi_helper_start();
	struct kt_abi_source src = { abi_source_ask, abi_source_release, NULL };

	if (!h)
		return NULL;
	src.arg = h;
	kt_proc_set_abi_source(t, &src);
	return h;
}
