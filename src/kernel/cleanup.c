// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Removing what other runs left: the instances and kprobe groups
 * ktrail_<pid> of dead processes (ktrail cleanup, every new run), and one
 * run's whole (the guard's cleanup).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/kernel.h"
#include "ktrail/util.h"

static bool pid_is_ktrail(pid_t pid)
{
	char path[64];
	char *comm;
	bool yes;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = kt_read_file(path, NULL);
	if (!comm)
		return false;
	yes = !strncmp(comm, "ktrail", 6);
	free(comm);
	return yes;
}

/* Stop, disable and remove instance @name.  0, or -1 with errno. */
static int remove_instance(const char *name)
{
	struct tracefs_instance *ti = tracefs_instance_alloc(NULL, name);
	int r;

	if (!ti)
		return -1;
	tracefs_instance_file_write(ti, "tracing_on", "0");
	tracefs_event_disable(ti, NULL, NULL);
	errno = 0;
	r = tracefs_instance_destroy(ti);
	tracefs_instance_free(ti);
	return r < 0 ? -1 : 0;
}

int kt_cleanup_stale(const struct kt_features *f,
		     void (*report)(const char *name, int err, void *arg), void *arg)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	int count = 0;

	snprintf(path, sizeof(path), "%s/instances", f->tracefs);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(de->d_name, "ktrail_", 7))
			continue;
		pid = strtol(de->d_name + 7, &end, 10);
		if (*end || pid <= 0 || end == de->d_name + 7)
			continue;
		if (pid == getpid() || pid_is_ktrail(pid))
			continue;
		if (remove_instance(de->d_name) < 0) {
			if (report)
				report(de->d_name, errno ? errno : EBUSY, arg);
		} else {
			count++;
			if (report)
				report(de->d_name, 0, arg);
		}
	}
	closedir(d);
	/* Probes of dead runs: no instance enables them any more. */
	if (f->kprobe_events) {
		struct tracefs_dynevent **all =
			tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE,
						 NULL);

		for (size_t i = 0; all && all[i]; i++) {
			char *sys = NULL, *ev = NULL, *end, name[160];
			long pid;

			tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
			if (sys && !strncmp(sys, "ktrail_", 7)) {
				pid = strtol(sys + 7, &end, 10);
				if (!*end && pid > 0 && end != sys + 7 && pid != getpid() &&
				    !pid_is_ktrail(pid)) {
					int r = tracefs_dynevent_destroy(all[i], true);

					snprintf(name, sizeof(name), "probe %s/%s", sys, ev ? ev : "?");
					if (report)
						report(name, r < 0 ? (errno ? errno : EBUSY) : 0, arg);
					if (r == 0)
						count++;
				}
			}
			free(sys);
			free(ev);
		}
		tracefs_dynevent_list_free(all);
	}
	return count;
}

int kt_remove_run(const struct kt_features *f, const char *name)
{
	struct tracefs_dynevent **all;
	int ret = 0;

	if (tracefs_instance_exists(name) && remove_instance(name) < 0)
		ret = -1;
	if (!f->kprobe_events)
		return ret;
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, name);
	for (size_t i = 0; all && all[i]; i++)
		if (tracefs_dynevent_destroy(all[i], true) < 0)
			ret = -1;
	tracefs_dynevent_list_free(all);
	return ret;
}
