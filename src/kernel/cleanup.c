// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Removing what runs left: one run's whole (the guard's cleanup), and the
 * objects of every run that is over (ktrail cleanup, every new run).  A
 * run's liveness is its lock (runlock.c), never its process name; what is
 * removed is only removed, never stopped or disabled first: the kernel
 * refuses to remove an instance in use (EBUSY) and it stays as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/kernel.h"

typedef void (*report_fn)(const char *name, int err, void *arg);

/* rmdir instances/@name: 1 removed, 0 not there, -1 with errno. */
static int rm_instance(const struct kt_features *f, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/instances/%s", f->tracefs, name);
	if (rmdir(path) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/*
 * Remove the kprobes of group @name (not while enabled anywhere).
 * Returns how many stay (errno of the last failure in *@e); with @last,
 * each removed is reported, and each that stays.
 */
static int rm_probes(const char *name, bool last, int *e, unsigned int *count, report_fn report,
		     void *arg)
{
	struct tracefs_dynevent **all =
		tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, name);
	int left = 0;

	for (size_t i = 0; all && all[i]; i++) {
		char *sys = NULL, *ev = NULL, what[160];
		int r, err;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		errno = 0;
		r = tracefs_dynevent_destroy(all[i], false);
		err = errno ? errno : EBUSY;
		snprintf(what, sizeof(what), "probe %s/%s", sys ? sys : name, ev ? ev : "?");
		if (r == 0) {
			if (count)
				(*count)++;
			if (report)
				report(what, 0, arg);
		} else {
			left++;
			*e = err;
			if (last && report)
				report(what, err, arg);
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return left;
}

/*
 * Remove run @name's instance, then its kprobes, then its lock file,
 * trying @tries times while something is busy.  0, or -1 with errno.
 */
static int remove_run(const struct kt_features *f, const char *name, int tries,
		      unsigned int *count, report_fn report, void *arg)
{
	bool inst_gone = false;
	int e = 0;

	for (int i = 0; i < tries; i++) {
		struct timespec pause = { 0, (i < 10 ? 10 : 100) * 1000000L };
		bool last = i + 1 == tries;

		e = 0;
		if (!inst_gone) {
			int r = rm_instance(f, name);

			if (r < 0) {
				e = errno;
			} else {
				inst_gone = true;
				if (r && count)
					(*count)++;
				if (r && report)
					report(name, 0, arg);
			}
		}
		/* The probes once no instance of the run enables them. */
		if (inst_gone && f->kprobe_events &&
		    rm_probes(name, last, &e, count, report, arg) == 0)
			e = 0;
		if (!e)
			break;
		if (e != EBUSY || last) {
			if (!inst_gone) {
				if (report)
					report(name, e, arg);
			} else if (!last && rm_probes(name, true, &e, count, report, arg) == 0) {
				break;	/* gone meanwhile */
			}
			errno = e;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	if (kt_run_unlink(name) < 0)
		return -1;
	return 0;
}

int kt_remove_run(const struct kt_features *f, const char *name)
{
	return remove_run(f, name, KT_REMOVE_TRIES, NULL, NULL, NULL);
}

/* The names of every ktrail run that left something. */
struct names {
	char (*v)[64];
	unsigned int n, cap;
};

static int names_add(const char *name, void *arg)
{
	struct names *ns = arg;

	if (kt_run_name_kind(name, NULL) == KT_RUN_OTHER || strlen(name) >= sizeof(ns->v[0]))
		return 0;
	for (unsigned int i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return 0;
	if (ns->n == ns->cap) {
		unsigned int cap = ns->cap ? 2 * ns->cap : 16;
		void *v = realloc(ns->v, cap * sizeof(ns->v[0]));

		if (!v)
			return -1;
		ns->v = v;
		ns->cap = cap;
	}
	snprintf(ns->v[ns->n++], sizeof(ns->v[0]), "%s", name);
	return 0;
}

static int collect(const struct kt_features *f, struct names *ns)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", f->tracefs);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (names_add(de->d_name, ns) < 0)
			break;
	closedir(d);
	if (f->kprobe_events) {
		struct tracefs_dynevent **all =
			tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE,
						 NULL);

		for (size_t i = 0; all && all[i]; i++) {
			char *sys = NULL;

			tracefs_dynevent_info(all[i], &sys, NULL, NULL, NULL, NULL);
			if (sys)
				names_add(sys, ns);
			free(sys);
		}
		tracefs_dynevent_list_free(all);
	}
	/* Lock files alone: a run that died before its instance was made. */
	kt_run_list_locks(names_add, ns);
	return 0;
}

int kt_cleanup_stale(const struct kt_features *f, report_fn report, void *arg)
{
	struct names ns = { 0 };
	unsigned int count = 0;

	if (collect(f, &ns) < 0) {
		free(ns.v);
		return -1;
	}
	for (unsigned int i = 0; i < ns.n; i++) {
		const char *name = ns.v[i];
		pid_t pid;
		int fd;

		switch (kt_run_name_kind(name, &pid)) {
		case KT_RUN_LEGACY:
			/* No lock: over only when no process has its pid; one
			 * try, as a busy one is in use. */
			if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
				break;
			remove_run(f, name, 1, &count, report, arg);
			break;
		case KT_RUN_LOCKED:
			if (kt_run_claim(name, &fd) != 1)
				break;	/* live, or not known */
			remove_run(f, name, KT_REMOVE_TRIES, &count, report, arg);
			close(fd);
			break;
		case KT_RUN_OTHER:
			break;
		}
	}
	free(ns.v);
	return (int)count;
}
