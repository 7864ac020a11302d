// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tracefs: discovery, features, the plan, and the private instance.
 * Everything is read from the kernel's own files, never from its version.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

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
	f->syscalls = path_exists(f->tracefs, "events/syscalls");
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

int kt_plan_make(const struct kt_features *f, const struct kt_selection *sel,
		 enum kt_compat_mode mode, struct kt_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->native = kt_abi_native();
	p->compat_abi = kt_abi_compat();
	p->e = calloc(kt_nevents, sizeof(*p->e));
	if (!p->e)
		return -1;
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];
		struct kt_plan_entry *e;
		char enter[128], exit_[128];
		bool native_nr, compat_nr;

		if (ev->kind == KT_EV_PSEUDO)
			continue;
		if (sel && !sel->on[i])
			continue;
		e = &p->e[p->n++];
		e->ev = ev;
		if (ev->kind == KT_EV_KPROBE) {
			snprintf(e->why, sizeof(e->why), "only a kprobe on %s gives it", ev->tp + 7);
			continue;
		}
		if (ev->kind == KT_EV_TASK) {
			char sys[32];
			const char *slash = strchr(ev->tp, '/');

			snprintf(sys, sizeof(sys), "%.*s", (int)(slash - ev->tp), ev->tp);
			if (kt_features_has_event(f, sys, slash + 1))
				e->recipe = KT_R_TASK_TP;
			else
				snprintf(e->why, sizeof(e->why), "no %s tracepoint on this kernel", ev->tp);
			continue;
		}
		native_nr = kt_event_nr(ev, p->native) >= 0;
		compat_nr = kt_event_nr(ev, p->compat_abi) >= 0;
		snprintf(enter, sizeof(enter), "sys_enter_%s", ev->tp);
		snprintf(exit_, sizeof(exit_), "sys_exit_%s", ev->tp);
		if (native_nr) {
			if (!f->syscalls)
				snprintf(e->why, sizeof(e->why),
					 "kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)");
			else if (!kt_features_has_event(f, "syscalls", enter) ||
				 !kt_features_has_event(f, "syscalls", exit_))
				snprintf(e->why, sizeof(e->why),
					 "no syscalls/%.64s tracepoint on this kernel", enter);
			else
				e->recipe = KT_R_SYSCALL_TP;
		} else {
			snprintf(e->why, sizeof(e->why), "no %s syscall: only 32-bit (%s) tasks make it",
				 kt_abi_name(p->native), kt_abi_name(p->compat_abi));
		}
		if (compat_nr && mode == KT_COMPAT_OFF) {
			if (e->recipe == KT_R_NONE)
				snprintf(e->why + strlen(e->why), sizeof(e->why) - strlen(e->why),
					 "; --compat off");
		} else if (compat_nr && mode == KT_COMPAT_AUTO && f->compat_tasks == 0) {
			if (e->recipe == KT_R_NONE)
				snprintf(e->why, sizeof(e->why), "%s", f->compat_why);
		} else if (compat_nr) {
			e->compat_wanted = true;
			if (f->raw_syscalls) {
				e->compat = true;
				p->compat = true;
			} else if (e->recipe == KT_R_NONE) {
				snprintf(e->why + strlen(e->why), sizeof(e->why) - strlen(e->why),
					 "%sno raw_syscalls tracepoints to see 32-bit tasks",
					 e->why[0] ? "; " : "");
			}
		} else if (e->recipe == KT_R_NONE && !native_nr) {
			snprintf(e->why, sizeof(e->why), "no syscall number on %s",
				 kt_abi_name(p->native));
		}
	}
	return 0;
}

static int add_probe(struct kt_plan_entry *e, const struct kt_probe_def *d)
{
	struct kt_probe_def *n = realloc(e->probes, (e->nprobes + 1) * sizeof(*n));

	if (!n)
		return -1;
	e->probes = n;
	e->probes[e->nprobes++] = *d;
	return 0;
}

static void note(struct kt_plan_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct kt_plan_entry *e, const char *fmt, ...)
{
	size_t n = strlen(e->notes);
	va_list ap;

	if (n + 3 >= sizeof(e->notes))
		return;
	if (n)
		n += snprintf(e->notes + n, sizeof(e->notes) - n, "; ");
	va_start(ap, fmt);
	vsnprintf(e->notes + n, sizeof(e->notes) - n, fmt, ap);
	va_end(ap);
}

/* The detail probe of one ABI: merged into @enter when it sits on the
 * same function, skipped when an ABI-independent one is there already. */
static int plan_detail(struct kt_plan_entry *e, const struct kt_probe_env *env, bool compat,
		       struct kt_probe_def *enter)
{
	struct kt_probe_def d;
	char why[512];
	int r = kt_probe_detail(env, e->ev, compat, &d, why, sizeof(why));

	if (r == 0)
		return 0;
	if (r < 0) {
		note(e, "%s user-memory arguments: none (%s)", compat ? "32-bit" : "native", why);
		return 0;
	}
	for (unsigned int i = 0; i < e->nprobes; i++)
		if (e->probes[i].role == KT_PR_DETAIL && e->probes[i].any_abi && d.any_abi)
			return 0;	/* one probe serves both ABIs */
	if (enter && !strcmp(enter->symbol, d.symbol)) {
		size_t n = strlen(enter->fetch), dl = strlen(d.fetch);

		if (n + 1 + dl < sizeof(enter->fetch)) {
			enter->fetch[n] = ' ';
			memcpy(enter->fetch + n + 1, d.fetch, dl + 1);
			enter->reads_user = true;
			return 0;
		}
	}
	return add_probe(e, &d);
}

/* Entry and exit kprobes of one ABI into @e; 0, or -1 with @why. */
static int plan_entry(struct kt_plan_entry *e, const struct kt_probe_env *env, bool compat,
		      char *why, size_t whylen)
{
	struct kt_probe_def en, ex;

	if (kt_probe_entry(env, e->ev, compat, &en, why, whylen) < 0 ||
	    kt_probe_exit(env, &en, &ex, why, whylen) < 0)
		return -1;
	if (add_probe(e, &en) < 0 || add_probe(e, &ex) < 0)
		return -1;
	return 0;
}

static struct kt_probe_def *find_role(struct kt_plan_entry *e, enum kt_probe_role role, bool compat)
{
	for (unsigned int i = 0; i < e->nprobes; i++)
		if (e->probes[i].role == role && e->probes[i].compat == compat)
			return &e->probes[i];
	return NULL;
}

int kt_plan_probes(struct kt_plan *p, const struct kt_probe_env *env,
		   enum kt_probes_mode mode, char *err, size_t errlen)
{
	p->compat = false;
	for (unsigned int i = 0; i < p->n; i++) {
		struct kt_plan_entry *e = &p->e[i];
		bool native_nr = kt_event_nr(e->ev, env->native) >= 0;
		char why[512];

		if (e->ev->kind == KT_EV_KPROBE) {
			struct kt_probe_def d;

			if (mode == KT_PROBES_TRACEPOINT) {
				snprintf(e->why, sizeof(e->why), "only a kprobe gives it (--probes tracepoint)");
			} else if (kt_probe_hook(env, e->ev, &d, why, sizeof(why)) < 0) {
				snprintf(e->why, sizeof(e->why), "%.200s", why);
				if (mode == KT_PROBES_KPROBE) {
					snprintf(err, errlen, "--probes kprobe: %s: %s", e->ev->name, why);
					errno = EOPNOTSUPP;
					return -1;
				}
			} else if (add_probe(e, &d) < 0) {
				return -1;
			} else {
				e->recipe = KT_R_KPROBE;
				e->why[0] = '\0';
			}
			continue;
		}
		if (e->ev->kind != KT_EV_SYSCALL)
			continue;
		if (mode != KT_PROBES_TRACEPOINT && native_nr &&
		    (mode == KT_PROBES_KPROBE || e->recipe == KT_R_NONE)) {
			if (plan_entry(e, env, false, why, sizeof(why)) == 0) {
				e->recipe = KT_R_KPROBE;
				e->why[0] = '\0';
			} else if (mode == KT_PROBES_KPROBE) {
				snprintf(err, errlen, "--probes kprobe: %s: %s", e->ev->name, why);
				errno = EOPNOTSUPP;
				return -1;
			} else {
				note(e, "kprobes: %s", why);
			}
		}
		if (mode != KT_PROBES_TRACEPOINT && e->compat_wanted) {
			if (plan_entry(e, env, true, why, sizeof(why)) == 0) {
				e->compat_kprobe = true;
				e->compat = false;
			} else if (mode == KT_PROBES_KPROBE) {
				snprintf(err, errlen, "--probes kprobe: %s of 32-bit tasks: %s",
					 e->ev->name, why);
				errno = EOPNOTSUPP;
				return -1;
			} else {
				note(e, "32-bit kprobes: %s", why);
			}
		}
		if (mode != KT_PROBES_TRACEPOINT) {
			if (e->recipe != KT_R_NONE &&
			    plan_detail(e, env, false, find_role(e, KT_PR_ENTER, false)) < 0)
				return -1;
			if (e->compat_wanted && (e->compat_kprobe || e->compat) &&
			    plan_detail(e, env, true, find_role(e, KT_PR_ENTER, true)) < 0)
				return -1;
		}
		if (e->compat)
			p->compat = true;
	}
	return 0;
}

void kt_plan_free(struct kt_plan *p)
{
	for (unsigned int i = 0; p->e && i < p->n; i++)
		free(p->e[i].probes);
	free(p->e);
	p->e = NULL;
	p->n = 0;
}

void kt_instance_name(pid_t pid, char *buf, size_t len)
{
	snprintf(buf, len, "ktrail_%d", (int)pid);
}

static void set_err(char *err, size_t errlen, struct kt_instance *in, const char *what)
{
	char *klog = in && in->ti ? tracefs_error_last(in->ti) : NULL;
	int saved = errno;

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

int kt_instance_create(struct kt_instance *in, const struct kt_features *f,
		       const struct kt_instance_opts *o, char *err, size_t errlen)
{
	char *dir;
	pid_t self = getpid();

	memset(in, 0, sizeof(*in));
	in->on_fd = -1;
	kt_instance_name(self, in->name, sizeof(in->name));
	if (tracefs_instance_exists(in->name)) {
		/* Left by an earlier process with our pid: not ours to keep. */
		struct tracefs_instance *old = tracefs_instance_alloc(NULL, in->name);

		if (old) {
			tracefs_instance_destroy(old);
			tracefs_instance_free(old);
		}
	}
	in->ti = tracefs_instance_create(in->name);
	if (!in->ti) {
		set_err(err, errlen, NULL, "cannot create tracefs instance");
		return -1;
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
	if (o->pids) {
		if (!f->event_pid) {
			errno = ENOTSUP;
			set_err(err, errlen, in, "set_event_pid (kernel < 4.4)");
			goto fail;
		}
		/* Children forked later join the pid list by themselves. */
		if (tracefs_option_enable(in->ti, TRACEFS_OPTION_EVENT_FORK) < 0) {
			set_err(err, errlen, in, "options/event-fork");
			goto fail;
		}
		if (write_pids(in, "set_event_pid", o->pids, o->npids, false) < 0) {
			set_err(err, errlen, in, "set_event_pid");
			goto fail;
		}
	} else if (f->notrace_pid) {
		/* Whole system: leave ktrail itself out. */
		if (write_pids(in, "set_event_notrace_pid", &self, 1, false) < 0) {
			set_err(err, errlen, in, "set_event_notrace_pid");
			goto fail;
		}
	}
	return 0;
fail:
	kt_instance_destroy(in);
	return -1;
}

int kt_instance_enable(struct kt_instance *in, const char *sys, const char *ev,
		       const char *filter, char *err, size_t errlen)
{
	char what[256];

	if (filter && tracefs_event_file_write(in->ti, sys, ev, "filter", filter) < 0) {
		snprintf(what, sizeof(what), "filter of %s/%s", sys, ev);
		set_err(err, errlen, in, what);
		return -1;
	}
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

/*
 * The kernel's last error_log entry on one line: its message, and the
 * word of the command its caret points at.
 *   [   18.78] trace_kprobe: error: String accepts only memory argument
 *     Command: p:ktrail_275/sendto_d __sys_sendto dest_addr__path=...
 *                                                 ^
 */
static void kernel_error(char *buf, size_t len)
{
	char *log = tracefs_error_last(NULL), *msg, *cmd, *caret, *nl;
	int col = -1;

	buf[0] = '\0';
	if (!log)
		return;
	msg = strstr(log, "] ");
	msg = msg ? msg + 2 : log;
	nl = strchr(msg, '\n');
	cmd = nl ? strstr(nl, "Command: ") : NULL;
	if (cmd) {
		char *line = cmd, *end = strchr(cmd, '\n');

		while (line > log && line[-1] != '\n')
			line--;
		if (end && (caret = strchr(end + 1, '^')))
			col = (int)(caret - end - 1) - (int)(cmd + 9 - line);
		cmd += 9;
		if (end)
			*end = '\0';
	}
	if (nl)
		*nl = '\0';
	if (cmd && col >= 0 && col < (int)strlen(cmd))
		snprintf(buf, len, "%s (at '%.*s')", msg, (int)strcspn(cmd + col, " "), cmd + col);
	else
		snprintf(buf, len, "%s", msg);
	free(log);
}

int kt_probe_create(struct kt_probes *ps, const struct kt_probe_def *d, char *err, size_t errlen)
{
	struct tracefs_dynevent *dev, **n;
	char klog[512];
	int saved;

	n = realloc(ps->ev, (ps->n + 1) * sizeof(*n));
	if (!n)
		return -1;
	ps->ev = n;
	/* maxactive: the kernel's default (libtracefs 1.6 writes a
	 * malformed "rN::group/event" when one is given). */
	dev = d->ret ? tracefs_kretprobe_alloc(ps->group, d->event, d->symbol, d->fetch, 0)
		     : tracefs_kprobe_alloc(ps->group, d->event, d->symbol, d->fetch);
	if (!dev) {
		snprintf(err, errlen, "%s: %s", d->event, strerror(errno));
		return -1;
	}
	if (tracefs_dynevent_create(dev) < 0) {
		saved = errno;
		kernel_error(klog, sizeof(klog));
		snprintf(err, errlen, "the kernel rejected %s:%s/%s %s %s: %s%s%s",
			 d->ret ? "r" : "p", ps->group, d->event, d->symbol, d->fetch,
			 strerror(saved), klog[0] ? "; error_log: " : "", klog);
		tracefs_dynevent_free(dev);
		errno = saved;
		return -1;
	}
	ps->ev[ps->n++] = dev;
	return 0;
}

void kt_probes_forget(struct kt_probes *ps)
{
	for (unsigned int i = 0; i < ps->n; i++)
		tracefs_dynevent_free(ps->ev[i]);
	free(ps->ev);
	ps->ev = NULL;
	ps->n = 0;
	if (ps->profile_fd >= 0)
		close(ps->profile_fd);
	ps->profile_fd = -1;
}

int kt_probes_destroy(struct kt_probes *ps)
{
	int ret = 0;

	for (unsigned int i = ps->n; i-- > 0;)
		if (tracefs_dynevent_destroy(ps->ev[i], true) < 0)
			ret = -1;
	kt_probes_forget(ps);
	return ret;
}

int kt_probes_hold(struct kt_probes *ps, const struct kt_features *f)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/kprobe_profile", f->tracefs);
	ps->profile_fd = open(path, O_RDONLY | O_CLOEXEC);
	return ps->profile_fd < 0 ? -1 : 0;
}

/* The whole of a held file, from its start. */
static char *read_fd(int fd)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

int kt_probes_profile(const struct kt_features *f, const struct kt_probes *ps,
		      void (*cb)(const char *event, unsigned long long hits,
				 unsigned long long missed, void *arg), void *arg)
{
	char path[512], *text, *save = NULL;
	const char *group = ps->group;
	size_t glen = strlen(group);

	snprintf(path, sizeof(path), "%s/kprobe_profile", f->tracefs);
	text = ps->profile_fd >= 0 ? read_fd(ps->profile_fd) : kt_read_file(path, NULL);
	if (!text)
		return -1;
	/* "  <group>/<event>   <hits>   <missed>" (older: "<event> ...") */
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[160];
		unsigned long long hits, missed;
		const char *ev;

		if (sscanf(line, " %159s %llu %llu", name, &hits, &missed) != 3)
			continue;
		ev = name;
		if (!strncmp(name, group, glen) && name[glen] == '/')
			ev = name + glen + 1;
		else if (strchr(name, '/'))
			continue;
		cb(ev, hits, missed, arg);
	}
	free(text);
	return 0;
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
