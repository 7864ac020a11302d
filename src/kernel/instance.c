// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The private tracefs instance ktrail_<pid>_<token> (runlock.c): named and
 * locked, created and configured,
 * events enabled, tracing switched, the files a trace needs after the
 * privilege drop held open, per-CPU losses read, and removed on every
 * exit path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/kernel.h"
#include "ktrail/util.h"

#define NAME_TRIES 8

static void set_err(char *err, size_t errlen, struct kt_instance *in, const char *what)
{
	int saved = errno;	/* before the error_log's read, which may clear it */
	char *klog = in && in->ti ? tracefs_error_last(in->ti) : NULL;

	if (klog && *klog) {
		klog[strcspn(klog, "\n")] = '\0';
		snprintf(err, errlen, "%s: %s (kernel: %s)", what, strerror(saved), klog);
	} else {
		snprintf(err, errlen, "%s: %s", what, strerror(saved));
	}
	free(klog);
	errno = saved;
}

static int write_pids(struct kt_instance *in, const char *file, const pid_t *pids,
		      unsigned int n, bool append)
{
	char buf[32];

	for (unsigned int i = 0; i < n; i++) {
		int r;

		snprintf(buf, sizeof(buf), "%d", (int)pids[i]);
		if (!append && i == 0)
			r = tracefs_instance_file_write(in->ti, file, buf);
		else
			r = tracefs_instance_file_append(in->ti, file, buf);
		if (r < 0)
			return -1;
	}
	return 0;
}

int kt_instance_add_pids(struct kt_instance *in, const pid_t *pids, unsigned int n)
{
	return write_pids(in, "set_event_pid", pids, n, true);
}

int kt_instance_follow(struct kt_instance *in, const struct kt_features *f, const pid_t *pids,
		       unsigned int n, char *err, size_t errlen)
{
	if (!f->event_pid) {
		errno = ENOTSUP;
		set_err(err, errlen, in, "set_event_pid (kernel < 4.4)");
		return -1;
	}
	/* Children forked later join the pid list by themselves. */
	if (tracefs_option_enable(in->ti, TRACEFS_OPTION_EVENT_FORK) < 0) {
		set_err(err, errlen, in, "options/event-fork");
		return -1;
	}
	if (write_pids(in, "set_event_pid", pids, n, false) < 0) {
		set_err(err, errlen, in, "set_event_pid");
		return -1;
	}
	return 0;
}

int kt_instance_notrace(struct kt_instance *in, const struct kt_features *f, pid_t self,
			char *err, size_t errlen)
{
	/* Whole system: leave ktrail itself out. */
	if (f->notrace_pid && write_pids(in, "set_event_notrace_pid", &self, 1, false) < 0) {
		set_err(err, errlen, in, "set_event_notrace_pid");
		return -1;
	}
	return 0;
}

int kt_instance_create(struct kt_instance *in, const struct kt_features *f,
		       const struct kt_instance_opts *o, char *err, size_t errlen)
{
	char *dir;
	pid_t self = getpid();
	int saved, lock_fd;

	memset(in, 0, sizeof(*in));
	in->on_fd = -1;
	in->lock_fd = -1;
	/* The lock first: from then on the name is this run's, and no other
	 * run's cleanup touches what is made under it. */
	for (int i = 0; i < NAME_TRIES; i++) {
		kt_run_name_new(in->name, sizeof(in->name));
		in->lock_fd = kt_run_lock(in->name);
		if (in->lock_fd >= 0 || errno != EEXIST)
			break;
	}
	if (in->lock_fd < 0)
		in->lock_err = errno;
	in->ti = tracefs_instance_create(in->name);
	if (!in->ti) {
		set_err(err, errlen, NULL, "cannot create tracefs instance");
		goto unlock;
	}
	if (!tracefs_instance_is_new(in->ti)) {
		/* Another's (the token is random: never by chance). */
		tracefs_instance_free(in->ti);
		in->ti = NULL;
		errno = EEXIST;
		set_err(err, errlen, NULL, "cannot create tracefs instance");
		goto unlock;
	}
	in->created = true;
	dir = tracefs_instance_get_dir(in->ti);
	if (!dir) {
		set_err(err, errlen, in, "tracefs instance directory");
		goto fail;
	}
	snprintf(in->dir, sizeof(in->dir), "%s", dir);
	free(dir);
	if (tracefs_instance_file_write(in->ti, "tracing_on", "0") < 0) {
		set_err(err, errlen, in, "tracing_on");
		goto fail;
	}
	if (o->clock && tracefs_instance_file_write(in->ti, "trace_clock", o->clock) < 0) {
		set_err(err, errlen, in, "trace_clock");
		goto fail;
	}
	if (o->buffer_kb && tracefs_instance_set_buffer_size(in->ti, o->buffer_kb, -1) < 0) {
		set_err(err, errlen, in, "buffer_size_kb");
		goto fail;
	}
	if (o->pids_later)
		return 0;
	if (o->pids) {
		if (kt_instance_follow(in, f, o->pids, o->npids, err, errlen) < 0)
			goto fail;
	} else if (kt_instance_notrace(in, f, self, err, errlen) < 0) {
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	lock_fd = in->lock_fd;
	in->lock_fd = -1;
	/* Nothing left under the name: it needs no lock file. */
	if (kt_instance_destroy(in) == 0 && lock_fd >= 0)
		kt_run_unlink(in->name);
	if (lock_fd >= 0)
		close(lock_fd);
	errno = saved;
	return -1;
unlock:
	saved = errno;
	if (in->lock_fd >= 0) {
		kt_run_unlink(in->name);
		close(in->lock_fd);
		in->lock_fd = -1;
	}
	errno = saved;
	return -1;
}

int kt_instance_enable(struct kt_instance *in, const char *sys, const char *ev,
		       const char *filter, char *err, size_t errlen)
{
	char what[256];

	/* errno as the failure left it, not an earlier one: set_err() names
	 * it (and what the kernel's error_log says). */
	errno = 0;
	if (filter && tracefs_event_file_write(in->ti, sys, ev, "filter", filter) < 0) {
		if (!errno)
			errno = EIO;	/* no reason given */
		snprintf(what, sizeof(what), "filter of %s/%s", sys, ev);
		set_err(err, errlen, in, what);
		return -1;
	}
	errno = 0;
	if (tracefs_event_enable(in->ti, sys, ev) < 0) {
		if (!errno)
			errno = ENOENT;
		snprintf(what, sizeof(what), "enable %s/%s", sys, ev);
		set_err(err, errlen, in, what);
		return -1;
	}
	return 0;
}

int kt_instance_tracing(struct kt_instance *in, bool on)
{
	if (in->on_fd >= 0)
		return pwrite(in->on_fd, on ? "1" : "0", 1, 0) == 1 ? 0 : -1;
	return tracefs_instance_file_write(in->ti, "tracing_on", on ? "1" : "0") < 0 ? -1 : 0;
}

int kt_instance_hold(struct kt_instance *in, int ncpus)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tracing_on", in->dir);
	in->on_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (in->on_fd < 0)
		return -1;
	in->stats_fd = malloc(ncpus * sizeof(*in->stats_fd));
	if (!in->stats_fd)
		return -1;
	in->nstats = ncpus;
	for (int c = 0; c < ncpus; c++) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", in->dir, c);
		in->stats_fd[c] = open(path, O_RDONLY | O_CLOEXEC);
	}
	return 0;
}

void kt_instance_release(struct kt_instance *in)
{
	if (in->on_fd >= 0)
		close(in->on_fd);
	in->on_fd = -1;
	for (int c = 0; c < in->nstats; c++)
		if (in->stats_fd[c] >= 0)
			close(in->stats_fd[c]);
	free(in->stats_fd);
	in->stats_fd = NULL;
	in->nstats = 0;
}

static unsigned long long stat_field(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int kt_instance_cpu_lost(struct kt_instance *in, int cpu, unsigned long long *lost)
{
	char path[1024];
	char *s;

	if (cpu < in->nstats && in->stats_fd[cpu] >= 0) {
		char buf[1024];
		ssize_t n = pread(in->stats_fd[cpu], buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return -1;
		buf[n] = '\0';
		s = strdup(buf);
	} else {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", in->dir, cpu);
		s = kt_read_file(path, NULL);
	}
	if (!s)
		return -1;
	*lost = stat_field(s, "\noverrun: ") + stat_field(s, "commit overrun: ") +
		stat_field(s, "dropped events: ");
	if (!strncmp(s, "overrun: ", 9))
		*lost += strtoull(s + 9, NULL, 10);
	free(s);
	return 0;
}

int kt_instance_destroy(struct kt_instance *in)
{
	int ret = 0;

	kt_instance_release(in);
	if (!in->ti)
		return 0;
	/* The lock file stays for the guard (kt_remove_run) to remove. */
	if (in->lock_fd >= 0)
		close(in->lock_fd);
	in->lock_fd = -1;
	if (in->created) {
		/* Stop and disable first, so nothing fires while it goes. */
		tracefs_instance_file_write(in->ti, "tracing_on", "0");
		tracefs_event_disable(in->ti, NULL, NULL);
		if (tracefs_instance_destroy(in->ti) < 0)
			ret = -1;
	}
	tracefs_instance_free(in->ti);
	in->ti = NULL;
	in->created = false;
	return ret;
}
