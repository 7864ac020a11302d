// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who is traced: the command ktrail starts (held until tracing runs),
 * the processes of -p with every thread and descendant, and the forks
 * that race the pid filter.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/util.h"
#include "session-local.h"

/* Every thread of @pid and every descendant, for set_event_pid. */
int sess_collect_tree(pid_t root, pid_t **out, unsigned int *n, unsigned int *cap)
{
	char path[128];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)root);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char cpath[256];
		char *kids, *p;
		pid_t tid;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		tid = atoi(de->d_name);
		if (*n == *cap) {
			pid_t *nb = realloc(*out, (*cap ? *cap * 2 : 64) * sizeof(**out));

			if (!nb) {
				closedir(d);
				return -1;
			}
			*out = nb;
			*cap = *cap ? *cap * 2 : 64;
		}
		(*out)[(*n)++] = tid;
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%d/children", (int)root, (int)tid);
		kids = kt_read_file(cpath, NULL);
		for (p = kids; p && *p;) {
			char *end;
			long k = strtol(p, &end, 10);

			if (end == p)
				break;
			sess_collect_tree(k, out, n, cap);
			p = end;
		}
		free(kids);
	}
	closedir(d);
	return 0;
}

/*
 * Threads and children forked between the /proc walk and the pid filter
 * taking effect are not in the filter, nor will their children be: walk
 * again and add them until a walk finds nothing new.
 */
int sess_attach_late_forks(struct session *s)
{
	for (int round = 0; round < 16; round++) {
		pid_t *now = NULL;
		unsigned int n = 0, cap = 0, added = 0;

		for (unsigned int i = 0; i < s->o->npids; i++)
			sess_collect_tree(s->o->pids[i], &now, &n, &cap);
		for (unsigned int i = 0; i < n; i++) {
			bool known = false;

			for (unsigned int j = 0; j < s->nattach && !known; j++)
				known = s->attach[j] == now[i];
			if (known)
				continue;
			if (kt_instance_add_pids(&s->in, &now[i], 1) < 0) {
				free(now);
				return -1;
			}
			kt_proc_scan(s->proc, now[i]);
			added++;
		}
		free(s->attach);
		s->attach = now;
		s->nattach = n;
		if (!added)
			return 0;
	}
	return 0;
}

/*
 * Fork the command, held until ktrail traces it (a byte on go_fd, or EOF:
 * it exits 127).  With @marker_fd (a pid namespace), it first writes @tag
 * there, for the kernel to record its pid, and returns once that is done.
 */
pid_t sess_start_child(struct session *s, int marker_fd, const char *tag, char *err,
			size_t errlen)
{
	int go[2], ack[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0 || (marker_fd >= 0 && pipe2(ack, O_CLOEXEC) < 0)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		if (ack[0] >= 0) {
			close(ack[0]);
			close(ack[1]);
		}
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		sess_signals_restore();
		if (marker_fd >= 0) {
			ssize_t w = write(marker_fd, tag, strlen(tag));

			close(marker_fd);
			close(ack[0]);
			if (w < 0)
				_exit(127);
			close(ack[1]);	/* done: ktrail reads the trace */
		}
		/* Wait until ktrail traces this pid (or gives up: EOF). */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(s->o->argv[0], s->o->argv);
		fprintf(stderr, "ktrail: cannot run '%s': %s\n", s->o->argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	s->go_fd = go[1];
	s->child = pid;
	s->child_k = pid;
	if (marker_fd >= 0) {
		char c;
		ssize_t r;

		close(ack[1]);
		do
			r = read(ack[0], &c, 1);
		while (r < 0 && errno == EINTR);
		close(ack[0]);
	}
	return pid;
}

/*
 * In a pid namespace: learn ktrail's and the command's kernel pids from
 * markers in the instance, then set the pid filter with them.  The
 * command is forked here.  0, or -1 with @err.
 */
int sess_pidns(struct session *s, char *err, size_t errlen)
{
	char self_tag[128], child_tag[128];
	char *text;
	int fd;

	snprintf(self_tag, sizeof(self_tag), "ktrail-pid %s self", s->in.name);
	snprintf(child_tag, sizeof(child_tag), "ktrail-pid %s command", s->in.name);
	fd = kt_instance_marker_open(&s->in);
	if (fd < 0) {
		snprintf(err, errlen, "%s/trace_marker: %s", s->in.dir, strerror(errno));
		return -1;
	}
	if (write(fd, self_tag, strlen(self_tag)) < 0) {
		snprintf(err, errlen, "%s/trace_marker: %s", s->in.dir, strerror(errno));
		close(fd);
		return -1;
	}
	if (s->o->argv && sess_start_child(s, fd, child_tag, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	text = kt_instance_marker_close(&s->in, fd);
	if (!text) {
		snprintf(err, errlen, "%s/trace: %s", s->in.dir, strerror(errno));
		return -1;
	}
	if (kt_marker_pid(text, self_tag, &s->self_k) < 0 ||
	    (s->o->argv && kt_marker_pid(text, child_tag, &s->child_k) < 0)) {
		snprintf(err, errlen, "in a pid namespace, and the kernel's pid of %s is not in "
			 "%s/trace: the pid filter cannot be set", s->self_k ? "the command" :
			 "ktrail", s->in.dir);
		free(text);
		return -1;
	}
	free(text);
	/* /proc is this namespace's: its pids are not the kernel's. */
	s->proc_foreign = kt_proc_self_pid() != s->self_k;
	if (s->o->argv)
		return kt_instance_follow(&s->in, &s->f, &s->child_k, 1, err, errlen);
	/* The tasks that ran before: their tgids as the kernel saves them
	 * (kt_proc_set_kernel_maps), in place of /proc's. */
	if (s->proc_foreign && tracefs_option_enable(s->in.ti, TRACEFS_OPTION_RECORD_TGID) < 0)
		fprintf(stderr, "ktrail: cannot set options/record-tgid (%s): tasks that ran "
			"before the trace will have processId 0\n", strerror(errno));
	return kt_instance_notrace(&s->in, &s->f, s->self_k, err, errlen);
}

void sess_reap_child(struct session *s, bool block)
{
	int st;
	pid_t r;

	if (s->child <= 0 || s->child_done)
		return;
	do {
		r = waitpid(s->child, &st, block ? 0 : WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == s->child) {
		s->child_done = true;
		s->child_status = st;
	}
}

bool sess_attached_alive(const struct session *s)
{
	for (unsigned int i = 0; i < s->o->npids; i++)
		if (kill(s->o->pids[i], 0) == 0 || errno == EPERM)
			return true;
	return false;
}
