// SPDX-License-Identifier: GPL-2.0-or-later
/* Least privilege: the capability check, the guard, the drop (priv.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "ktrail/priv.h"

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

int kt_priv_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd *pw;
	char *end;
	long v;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		v = strtol(name, &end, 10);
		if (*name && !*end && v >= 0)
			pw = getpwuid((uid_t)v);
		if (!pw && *name && !*end && v > 0) {
			/* A number with no passwd entry: its own group. */
			*uid = (uid_t)v;
			*gid = (gid_t)v;
			return 0;
		}
	}
	if (!pw) {
		snprintf(err, errlen, "no such user: %s", name);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int kt_guard_start(struct kt_guard *g, int (*cleanup)(void *arg), void *arg)
{
	int p[2];
	pid_t pid;

	g->pid = 0;
	g->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char c;
		ssize_t r;

		/* The terminal's Ctrl-C and the signals that stop ktrail
		 * reach the whole group: the guard waits for ktrail itself. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		close(p[1]);
		prctl(PR_SET_NAME, "ktrail-guard");
		do {
			r = read(p[0], &c, 1);
		} while (r > 0 || (r < 0 && errno == EINTR));
		_exit(cleanup(arg) == 0 ? 0 : 1);
	}
	close(p[0]);
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

int kt_priv_drop(uid_t uid, gid_t gid, bool keep_ptrace, char *err, size_t errlen)
{
	cap_value_t ptrace[] = { CAP_SYS_PTRACE };
	struct passwd *pw = getpwuid(uid);
	cap_t caps;

	if ((pw ? initgroups(pw->pw_name, gid) : setgroups(1, &gid)) < 0 ||
	    setresgid(gid, gid, gid) < 0) {
		snprintf(err, errlen, "cannot take group %d: %s", (int)gid, strerror(errno));
		return -1;
	}
	if (keep_ptrace && prctl(PR_SET_KEEPCAPS, 1) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "cannot become user %d: %s", (int)uid, strerror(errno));
		return -1;
	}
	caps = cap_init();	/* all clear */
	if (!caps) {
		snprintf(err, errlen, "cap_init: %s", strerror(errno));
		return -1;
	}
	if (keep_ptrace && uid != 0 &&
	    (cap_set_flag(caps, CAP_PERMITTED, 1, ptrace, CAP_SET) < 0 ||
	     cap_set_flag(caps, CAP_EFFECTIVE, 1, ptrace, CAP_SET) < 0)) {
		cap_free(caps);
		snprintf(err, errlen, "cap_set_flag: %s", strerror(errno));
		return -1;
	}
	if (cap_set_proc(caps) < 0) {
		cap_free(caps);
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	cap_free(caps);
	prctl(PR_SET_KEEPCAPS, 0);
	/* Nothing may ever give them back (ktrail execs nothing from now). */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* The drop must hold: root again must be impossible. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "the privilege drop did not hold");
		return -1;
	}
	return 0;
}

int kt_priv_open_as(uid_t uid, gid_t gid, const char *path, int flags, mode_t mode)
{
	uid_t ou = setfsuid(uid);
	gid_t og = setfsgid(gid);
	int fd, saved;

	fd = open(path, flags, mode);
	saved = errno;
	setfsuid(ou);
	setfsgid(og);
	errno = saved;
	return fd;
}
