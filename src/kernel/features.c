// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the running kernel has, read from its own files, never from its
 * version: tracefs (found or mounted), its events, clocks and CPUs, the
 * probe features of its README, and the functions of /proc/kallsyms the
 * kprobe recipes may use.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/hooks.h"
#include "ktrail/kernel.h"
#include "ktrail/util.h"

static bool path_exists(const char *dir, const char *rel)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return stat(path, &st) == 0;
}

bool kt_features_has_event(const struct kt_features *f, const char *sys, const char *ev)
{
	char rel[512];

	/* No events/syscalls (or KTRAIL_TEST_NO_SYSCALL_TP hides it): none
	 * of its tracepoints. */
	if (!f->syscalls && !strcmp(sys, "syscalls"))
		return false;
	snprintf(rel, sizeof(rel), "events/%s/%s/format", sys, ev);
	return path_exists(f->tracefs, rel);
}

bool kt_features_has_clock(const struct kt_features *f, const char *clock, char *list,
			   size_t listlen)
{
	char path[512], *clocks;
	size_t n = strlen(clock);
	bool yes = false;

	snprintf(path, sizeof(path), "%s/trace_clock", f->tracefs);
	clocks = kt_read_file(path, NULL);
	if (!clocks)
		return false;
	if (list && listlen) {
		/* The names, without the brackets around the current one. */
		size_t o = 0;

		for (const char *p = clocks; *p && o + 1 < listlen; p++)
			if (*p != '[' && *p != ']' && *p != '\n')
				list[o++] = *p;
		list[o] = '\0';
	}
	for (char *p = clocks; n && (p = strstr(p, clock)); p += n) {
		bool start = p == clocks || p[-1] == ' ' || p[-1] == '[';
		bool end = p[n] == ' ' || p[n] == ']' || p[n] == '\n' || !p[n];

		if (start && end) {
			yes = true;
			break;
		}
	}
	free(clocks);
	return yes;
}

static void pick_clock(struct kt_features *f)
{
	static const char *const pref[] = { "boot", "mono", "global" };
	char path[512];
	char *clocks;

	snprintf(f->clock, sizeof(f->clock), "local");
	snprintf(path, sizeof(path), "%s/trace_clock", f->tracefs);
	clocks = kt_read_file(path, NULL);
	if (!clocks)
		return;
	for (size_t i = 0; i < KT_ARRAY_SIZE(pref); i++) {
		size_t n = strlen(pref[i]);

		for (char *p = clocks; (p = strstr(p, pref[i])); p += n) {
			bool start = p == clocks || p[-1] == ' ' || p[-1] == '[';
			bool end = p[n] == ' ' || p[n] == ']' || p[n] == '\n' || !p[n];

			if (start && end) {
				snprintf(f->clock, sizeof(f->clock), "%s", pref[i]);
				free(clocks);
				return;
			}
		}
	}
	free(clocks);
}

int kt_features_probe(struct kt_features *f)
{
	const char *dir;
	char path[512];
	DIR *d;
	struct dirent *de;
	char *online;

	memset(f, 0, sizeof(*f));
	/* Finds tracefs, mounting it if it is not mounted. */
	dir = tracefs_tracing_dir();
	if (!dir) {
		/* Not mounted and could not be mounted. */
		if (access("/sys/kernel/tracing", F_OK) && access("/sys/kernel/debug/tracing", F_OK))
			errno = ENOENT;
		else if (!errno)
			errno = EACCES;
		return -1;
	}
	snprintf(f->tracefs, sizeof(f->tracefs), "%s", dir);
	if (access(f->tracefs, R_OK | X_OK) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/instances", f->tracefs);
	if (access(path, W_OK) < 0)
		return -1;
	/* KTRAIL_TEST_NO_SYSCALL_TP (doc/test-hooks.md): a kernel without
	 * CONFIG_FTRACE_SYSCALLS, whose events/syscalls is missing. */
	f->syscalls = path_exists(f->tracefs, "events/syscalls") && !KT_TEST(no_syscall_tp);
	f->raw_syscalls = kt_features_has_event(f, "raw_syscalls", "sys_enter") &&
			  kt_features_has_event(f, "raw_syscalls", "sys_exit");
	f->task_events = kt_features_has_event(f, "task", "task_newtask") &&
			 kt_features_has_event(f, "task", "task_rename");
	f->sched_exec = kt_features_has_event(f, "sched", "sched_process_exec");
	f->sched_exit = kt_features_has_event(f, "sched", "sched_process_exit");
	f->event_pid = path_exists(f->tracefs, "set_event_pid");
	f->notrace_pid = path_exists(f->tracefs, "set_event_notrace_pid");
	f->kprobe_events = path_exists(f->tracefs, "kprobe_events");
	if (f->kprobe_events) {
		char *readme;

		snprintf(path, sizeof(path), "%s/README", f->tracefs);
		readme = kt_read_file(path, NULL);
		kt_probe_feats_parse(readme, true, &f->probe);
		free(readme);
	}
	pick_clock(f);
	f->compat_tasks = kt_compat_probe(f->compat_why, sizeof(f->compat_why));
	snprintf(path, sizeof(path), "%s/per_cpu", f->tracefs);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			if (!strncmp(de->d_name, "cpu", 3) && isdigit((unsigned char)de->d_name[3])) {
				int c = atoi(de->d_name + 3);

				if (c + 1 > f->ncpus)
					f->ncpus = c + 1;
			}
		}
		closedir(d);
	}
	if (!f->ncpus)
		f->ncpus = sysconf(_SC_NPROCESSORS_CONF);
	online = kt_read_file("/sys/devices/system/cpu/online", NULL);
	if (online) {
		/* "0-3,6,8-9" */
		for (char *p = online; *p && *p != '\n';) {
			char *end;
			long a = strtol(p, &end, 10), b = a;

			if (end == p)
				break;
			if (*end == '-')
				b = strtol(end + 1, &end, 10);
			for (long c = a; c <= b && c < (long)sizeof(f->online) * 8; c++)
				f->online[c / 8] |= 1u << (c % 8);
			p = *end == ',' ? end + 1 : end;
		}
		free(online);
	} else {
		memset(f->online, 0xff, sizeof(f->online));
	}
	return 0;
}

bool kt_features_cpu_online(const struct kt_features *f, int cpu)
{
	if (cpu < 0 || cpu >= (int)sizeof(f->online) * 8)
		return true;
	return f->online[cpu / 8] & (1u << (cpu % 8));
}

/* The probe features, from the README's text. */
static bool has(const char *text, const char *word)
{
	return text && strstr(text, word);
}

void kt_probe_feats_parse(const char *readme, bool kprobe_events, struct kt_probe_feats *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->kprobe_events = kprobe_events && has(readme, "kprobe_events");
	if (!pf->kprobe_events)
		return;
	pf->kretprobe = has(readme, "r[maxactive]") || has(readme, "%return");
	pf->argn = has(readme, "$arg<N>");
	pf->ustring = has(readme, "ustring");
	pf->uderef = has(readme, "[u]<offset>");
	pf->comm = has(readme, "$comm");
	pf->array = has(readme, "<array-size>");
	pf->symstr = has(readme, "symstr");
	pf->eprobe = has(readme, "e[:[<group>/]");
	pf->fprobe = has(readme, "f[:[<group>/]");
	pf->retargs = has(readme, "return probes support: $retval, $arg<N>");
	pf->btfargs = has(readme, "<argname>");
}

void kt_probe_feats_format(const struct kt_probe_feats *pf, char *buf, size_t len)
{
	static const struct {
		size_t off;
		const char *name;
	} list[] = {
		{ offsetof(struct kt_probe_feats, kprobe_events), "kprobe_events" },
		{ offsetof(struct kt_probe_feats, kretprobe), "kretprobe" },
		{ offsetof(struct kt_probe_feats, argn), "$arg<N>" },
		{ offsetof(struct kt_probe_feats, ustring), "ustring" },
		{ offsetof(struct kt_probe_feats, uderef), "+u<offset>" },
		{ offsetof(struct kt_probe_feats, comm), "$comm" },
		{ offsetof(struct kt_probe_feats, array), "arrays" },
		{ offsetof(struct kt_probe_feats, symstr), "symstr" },
		{ offsetof(struct kt_probe_feats, eprobe), "eprobes" },
		{ offsetof(struct kt_probe_feats, fprobe), "fprobes" },
		{ offsetof(struct kt_probe_feats, retargs), "$arg<N>-at-return" },
		{ offsetof(struct kt_probe_feats, btfargs), "btf-args" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < KT_ARRAY_SIZE(list); i++) {
		bool on = *(const bool *)((const char *)pf + list[i].off);

		if (on && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", list[i].name);
	}
	if (!n)
		snprintf(buf, len, "none");
}

struct kt_symset *kt_kallsyms_load(enum kt_abi arch)
{
	struct kt_symset *wanted = kt_probe_wanted_symbols(arch), *s = kt_symset_new();
	size_t len;
	char *text = kt_read_file("/proc/kallsyms", &len);

	if (!wanted || !s || !text || kt_symset_parse(s, text, len, wanted) < 0) {
		kt_symset_free(s);
		s = NULL;
	}
	free(text);
	kt_symset_free(wanted);
	return s;
}
