// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the kernel is asked to produce: the plan's kprobes, the syscall
 * tracepoints with the kernel filters they can take, the process table's
 * feeds, raw_syscalls (32-bit tasks, and native ones where it is the
 * recipe); then one ring per CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kbuffer.h>

#include "ktrail/filter.h"
#include "ktrail/idfilter.h"
#include "ktrail/proc.h"
#include "ktrail/hooks.h"
#include "ktrail/util.h"
#include "session-local.h"

static int add_format(struct session *s, const char *sys, const char *ev, char *err, size_t errlen)
{
	char path[1024];
	size_t len;
	char *buf;
	int r;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", s->in.dir, sys, ev);
	buf = kt_read_file(path, &len);
	if (!buf) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	r = kt_decoder_add_format(s->dec, sys, buf, len);
	if (r < 0) {
		snprintf(err, errlen, "cannot parse the format of %s/%s", sys, ev);
		free(buf);
		return r;
	}
	/* ktrail record keeps it for the recording. */
	if (s->mode->keep_format) {
		int k = s->mode->keep_format(s, sys, buf, len);

		if (k < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (k)
			return 0;
	}
	free(buf);
	return r;
}

static int enable(struct session *s, const char *sys, const char *ev, const char *filter,
		  char *err, size_t errlen)
{
	if (kt_instance_enable(&s->in, sys, ev, filter, err, errlen) < 0)
		return -1;
	return add_format(s, sys, ev, err, errlen);
}

/* A syscall whose every call the process table needs (exit causes,
 * context changes): its tracepoints get no kernel filter. */
static bool is_feed(const struct session *s, const struct kt_event_def *ev)
{
	if (ev == s->ev_exit || ev == s->ev_exit_group)
		return s->want_exit;
	for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_ctx); i++)
		if (ev == s->ev_ctx[i])
			return true;
	return false;
}

/*
 * A syscall tracepoint of @ev, with the part of the filters the kernel
 * can evaluate (filter.h).  A filter the kernel refuses is left to user
 * space, with a warning.
 */
static int enable_syscall(struct session *s, const char *name, const struct kt_event_def *ev,
			  char *err, size_t errlen)
{
	char filter[2048] = "";
	struct kt_kfield kf[8];
	unsigned int n;
	bool exit_side = !strncmp(name, "sys_exit_", 9);

	/* KTRAIL_TEST_NO_KFILTER (tests/live/filters.sh): user space only,
	 * to show that both give the same records. */
	if (!s->filter || KT_TEST(no_kfilter) || is_feed(s, ev))
		return enable(s, "syscalls", name, NULL, err, errlen);
	if (add_format(s, "syscalls", name, err, errlen) < 0)
		return -1;
	n = kt_decoder_kfields(s->dec, "syscalls", name, kf, KT_ARRAY_SIZE(kf));
	/* Arguments only where the kernel's fields are the catalog's. */
	if (!exit_side && n != ev->npos)
		n = 0;
	if (kt_filter_kernel(s->filter, ev, kf, n, exit_side, filter, sizeof(filter)) <= 0)
		filter[0] = '\0';
	if (filter[0]) {
		if (kt_instance_enable(&s->in, "syscalls", name, filter, err, errlen) == 0) {
			s->kfilters++;
			if (kt_hooks.debug_filters)
				fprintf(stderr, "ktrail: filter syscalls/%s: %s\n", name, filter);
			return 0;
		}
		fprintf(stderr, "ktrail: the kernel refused the filter '%s' on syscalls/%s (%s); "
			"it is applied in user space only\n", filter, name, err);
	}
	return kt_instance_enable(&s->in, "syscalls", name, NULL, err, errlen);
}

/* Forget the probes of one role pair: they will not be enabled. */
static void drop_probes(struct kt_plan_entry *e, bool compat, bool base)
{
	for (unsigned int j = 0; j < e->nprobes; j++) {
		struct kt_probe_def *d = &e->probes[j];

		if (d->compat == compat && (base ? d->role != KT_PR_DETAIL : d->role == KT_PR_DETAIL))
			d->event[0] = '\0';
	}
}

/*
 * Create the plan's kprobes.  One the kernel rejects is named with the
 * kernel's error_log text; the event falls back to what tracepoints give
 * (with --probes kprobe: an error).  Returns 0, -1, or -2 (unsupported).
 */
int sess_probes_setup(struct session *s, char *err, size_t errlen)
{
	/* Test hooks (tests/kernels): a fetch argument no kernel accepts, on
	 * the probe named, to see the kernel's rejection handled; and
	 * EVENT=SYMBOL, to put a probe on a function the compiler inlined. */
	const char *bad = KT_TEST(bad_fetch);
	const char *move = KT_TEST(probe_event), *sym = KT_TEST(probe_symbol);

	snprintf(s->probes.group, sizeof(s->probes.group), "%s", s->in.name);
	s->probes.profile_fd = -1;
	for (unsigned int i = 0; i < s->plan.n; i++) {
		struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int j = 0; j < e->nprobes; j++) {
			struct kt_probe_def *d = &e->probes[j];
			char msg[1024], tp[128];

			if (!d->event[0])
				continue;	/* its entry or exit was rejected */
			if (sess_stop)
				return 0;
			if (bad && !strcmp(bad, d->event)) {
				size_t n = strlen(d->fetch);

				snprintf(d->fetch + n, sizeof(d->fetch) - n, " bad=+0(%%nosuchreg):u32");
			}
			if (move && !strncmp(move, d->event, strlen(d->event)) &&
			    move[strlen(d->event)] == '=')
				snprintf(d->symbol, sizeof(d->symbol), "%s", sym);
			if (kt_probe_create(&s->probes, d, msg, sizeof(msg)) == 0)
				continue;
			if (s->o->probes == KT_PROBES_KPROBE && d->role != KT_PR_DETAIL) {
				snprintf(err, errlen, "--probes kprobe: %s: %s", e->ev->name, msg);
				return -2;
			}
			if (d->role == KT_PR_DETAIL) {
				fprintf(stderr, "ktrail: %s: %s; its user-memory arguments stay empty\n",
					e->ev->name, msg);
				d->event[0] = '\0';
				continue;
			}
			drop_probes(e, d->compat, true);
			if (d->compat) {
				e->compat_kprobe = false;
				e->compat = s->f.raw_syscalls;
				s->plan.compat |= e->compat;
				fprintf(stderr, "ktrail: %s: %s; 32-bit tasks %s\n", e->ev->name, msg,
					e->compat ? "through raw_syscalls instead" : "are not traced");
			} else {
				snprintf(tp, sizeof(tp), "sys_enter_%s", e->ev->tp);
				e->recipe = kt_features_has_event(&s->f, "syscalls", tp) ?
					    KT_R_SYSCALL_TP : s->f.raw_syscalls && !s->f.syscalls ?
					    KT_R_RAW_SYSCALLS : KT_R_NONE;
				s->plan.raw_native |= e->recipe == KT_R_RAW_SYSCALLS;
				fprintf(stderr, "ktrail: %s: %s; %s\n", e->ev->name, msg,
					e->recipe == KT_R_SYSCALL_TP ? "syscall tracepoints instead" :
					e->recipe ? "raw_syscalls instead" : "it is not traced");
			}
		}
	}
	return 0;
}

/* A filter on a value no recipe reads here (a string without kprobes)
 * can match nothing: say so before tracing. */
void sess_warn_unreadable_filters(struct session *s)
{
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int a = 0; a < e->ev->nargs; a++) {
			const struct kt_arg_def *ad = &e->ev->args[a];
			bool user = ad->extra || ad->type == KT_T_STR || ad->type == KT_T_SOCKADDR ||
				    ad->type == KT_T_TIMESPEC;
			bool read = false;

			if (e->ev->kind != KT_EV_SYSCALL || !user ||
			    !kt_filter_on_arg(s->filter, e->ev, a))
				continue;
			for (unsigned int j = 0; j < e->nprobes; j++) {
				const struct kt_probe_def *d = &e->probes[j];
				const char *p = d->event[0] ? strstr(d->fetch, ad->name) : NULL;

				if (p && (p == d->fetch || p[-1] == ' ' || p[-1] == '(') &&
				    (p[strlen(ad->name)] == '=' || p[strlen(ad->name)] == '_' ||
				     p[strlen(ad->name)] == ','))
					read = true;
			}
			if (!read)
				fprintf(stderr, "ktrail: %s.data.%s: this kernel gives no %s (only a "
					"kprobe reads it: see 'ktrail check -e %s'); the filter matches "
					"no %s record\n", e->ev->name, ad->name, ad->name, e->ev->name,
					e->ev->name);
		}
	}
}

static int open_instance_file(const struct session *s, const char *name, int flags)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", s->in.dir, name);
	return open(path, flags | O_CLOEXEC);
}

/*
 * The ABI of the program the command runs, before it runs: its path, or
 * the first executable of that name in PATH as execvp() looks (the
 * command is the user's own; kt_elf_file_abi() reads regular files only,
 * never blocking).  KT_ABI_NONE when it cannot be told.
 */
enum kt_abi sess_command_abi(const struct session *s)
{
	const char *name = s->o->argv[0];
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(name, '/'))
		return kt_elf_file_abi(name);
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, n ? p : ".", "/", name);
		if (n < 2048 && stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return kt_elf_file_abi(buf);
		p += n;
		if (*p == ':')
			p++;
	}
	return KT_ABI_NONE;
}

/*
 * raw_syscalls fires on every syscall of every traced task, native ones
 * too: by default it waits for a 32-bit task.  Its tracepoints were just
 * enabled with their filters while tracing is still off; they go off
 * again and the ABI helper, which hears every exec first, gets their
 * enable files (priv.h: kt_abi_helper_lazy) and turns them on when a
 * traced 32-bit task runs or exec's.  --compat on keeps them on from the
 * start (KTRAIL_TEST_COMPAT_LAZY, doc/test-hooks.md: lazy anyway), as
 * do a command whose program is 32-bit (it is known before it runs) and
 * a run with no helper.
 */
static int lazy_raw_syscalls(struct session *s, char *err, size_t errlen)
{
	const char *files[] = { "events/raw_syscalls/sys_enter/enable",
				"events/raw_syscalls/sys_exit/enable", "trace_marker",
				"set_event_pid" };
	bool targets = s->o->npids || s->o->argv;
	int fds[4] = { -1, -1, -1, -1 };
	int r = -1;

	/* Native tasks' calls come through it too: on all along. */
	if (s->plan.raw_native)
		return 0;
	if (!s->abi || (s->o->compat == KT_COMPAT_ON && !KT_TEST(compat_lazy)))
		return 0;
	if (s->o->argv && sess_command_abi(s) == s->plan.compat_abi)
		return 0;
	/* The helper's markers are ftrace/print events. */
	if (add_format(s, "ftrace", "print", err, errlen) < 0)
		return -1;
	for (unsigned int i = 0; i < (targets ? 4u : 3u); i++) {
		fds[i] = open_instance_file(s, files[i], i == 3 ? O_RDONLY : O_WRONLY);
		if (fds[i] < 0) {
			snprintf(err, errlen, "cannot open %s/%s: %s", s->in.dir, files[i],
				 strerror(errno));
			goto out;
		}
	}
	if (write(fds[0], "0", 1) != 1 || write(fds[1], "0", 1) != 1) {
		snprintf(err, errlen, "cannot disable raw_syscalls until a 32-bit task appears: "
			 "%s", strerror(errno));
		goto out;
	}
	r = kt_abi_helper_lazy(s->abi, s->plan.compat_abi, fds[0], fds[1], fds[2], fds[3]);
	if (r < 0) {
		/* No helper to do it: on now, as before. */
		if (write(fds[0], "1", 1) != 1 || write(fds[1], "1", 1) != 1) {
			snprintf(err, errlen, "cannot enable raw_syscalls: %s", strerror(errno));
			goto out;
		}
		fprintf(stderr, "ktrail: the ABI helper is gone: raw_syscalls is on from the "
			"start\n");
	}
	s->compat_lazy = r == 0;
	r = 0;
out:
	for (unsigned int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

/*
 * The trace ends (or fails): the helper gives back the enable files, so
 * that the instance can go; what it did is kept for the summary, and
 * whether the kernel dropped process notifications to it.
 */
void sess_compat_release(struct session *s)
{
	bool on = false;
	unsigned int late = 0, lost = 0;

	if (!s->abi || s->compat_released)
		return;
	s->compat_released = true;
	if (kt_abi_helper_release(s->abi, &on, &late, &lost) == 0) {
		s->abi_nl_lost = lost;
		if (s->compat_lazy) {
			s->compat_went_on = on;
			s->compat_late = late;
		}
	}
}

/*
 * 32-bit tasks' calls of the plan's events with compat set, and native
 * tasks' calls of those whose recipe is KT_R_RAW_SYSCALLS: one
 * raw_syscalls pair, filtered in the kernel by number (idfilter.h: the
 * numbers of both ABIs) when the filter fits in what the kernel takes.
 * Without it every call of the traced tasks reaches user space, which
 * keeps only the selected numbers of each task's ABI (handle_syscall(),
 * dispatch.c).
 */
static int enable_raw_syscalls(struct session *s, char *err, size_t errlen)
{
	char filter[KT_KFILTER_MAX];
	enum kt_idfilter_form form;
	const char *f = filter;
	/* KTRAIL_TEST_IDFILTER_MAX (tests/live/idfilter-i386.sh): a smaller
	 * limit, to take the complement or no filter with a short list. */
	size_t max = KT_TEST(idfilter_max) ? KT_TEST(idfilter_max) : sizeof(filter);

	if (max > sizeof(filter))
		max = sizeof(filter);
	for (unsigned int i = 0; i < s->plan.n; i++) {
		if (s->plan.e[i].compat)
			s->compat_on[s->plan.e[i].ev - kt_events] = true;
		if (s->plan.e[i].recipe == KT_R_RAW_SYSCALLS)
			s->raw_on[s->plan.e[i].ev - kt_events] = true;
	}
	if (kt_idfilter_plan(&s->plan, filter, max, &form) < 0) {
		fprintf(stderr, "ktrail: the syscall numbers traced through raw_syscalls "
			"do not fit in a kernel filter (%zu bytes at most): every syscall of "
			"the traced tasks goes to user space, which drops the ones not "
			"selected\n", max ? max - 1 : 0);
		f = NULL;
	} else if (form == KT_IDF_EMPTY) {
		return 0;
	}
	/* KTRAIL_TEST_RAW_FILTER (tests/live/idfilter.sh): this text instead,
	 * to see the kernel's refusal named. */
	if (KT_TEST(raw_filter))
		f = KT_TEST(raw_filter);
	if (kt_hooks.debug_filters && f)
		fprintf(stderr, "ktrail: filter raw_syscalls (%s, %zu bytes): %s\n",
			kt_idfilter_form_name(form), strlen(f), f);
	if (enable(s, "raw_syscalls", "sys_enter", f, err, errlen) < 0 ||
	    enable(s, "raw_syscalls", "sys_exit", f, err, errlen) < 0)
		return -1;
	return lazy_raw_syscalls(s, err, errlen);
}

int sess_enable_events(struct session *s, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];
		char enter[128], exit_[128];

		if (e->recipe == KT_R_SYSCALL_TP) {
			snprintf(enter, sizeof(enter), "sys_enter_%s", e->ev->tp);
			snprintf(exit_, sizeof(exit_), "sys_exit_%s", e->ev->tp);
			if (enable_syscall(s, enter, e->ev, err, errlen) < 0 ||
			    enable_syscall(s, exit_, e->ev, err, errlen) < 0)
				return -1;
			s->selected[e->ev - kt_events] = true;
		}
	}
	/* What the process table and the lifecycle records need besides the
	 * events themselves: the plan's feeds. */
	{
		struct kt_plan_feed feeds[KT_PLAN_MAX_FEEDS];
		unsigned int n = kt_plan_feeds(&s->plan, &s->f, feeds, KT_ARRAY_SIZE(feeds));

		for (unsigned int i = 0; i < n; i++) {
			if (enable(s, feeds[i].system, feeds[i].name, NULL, err, errlen) < 0)
				return -1;
		}
	}
	/* ktrail's kprobes (those the kernel accepted). */
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int j = 0; j < e->nprobes; j++) {
			if (!e->probes[j].event[0])
				continue;
			if (enable(s, s->probes.group, e->probes[j].event, NULL, err, errlen) < 0)
				return -1;
		}
	}
	return enable_raw_syscalls(s, err, errlen);
}

/* @ncpus merge sources, none with a ring yet. */
int sess_cpus_alloc(struct session *s, int ncpus)
{
	s->cpus = calloc(ncpus ? ncpus : 1, sizeof(*s->cpus));
	s->srcs = calloc(ncpus ? ncpus : 1, sizeof(*s->srcs));
	if (!s->cpus || !s->srcs)
		return -1;
	s->ncpus = ncpus;
	for (int i = 0; i < ncpus; i++)
		kt_page_src_init(&s->cpus[i].ps, &s->pool, i, NULL);
	return 0;
}

static void live_bad_page(void *arg, struct kt_page_src *ps, const struct kt_page *p)
{
	struct session *s = arg;

	(void)ps;
	(void)p;
	s->bad_pages++;	/* said in the summary */
}

int sess_rings_open(struct session *s, char *err, size_t errlen)
{
	if (sess_cpus_alloc(s, s->f.ncpus) < 0)
		return -1;
	s->pool.long_size = kt_decoder_long_size(s->dec);
	s->pool.big_endian = kt_decoder_big_endian(s->dec);
	s->pool.bad = live_bad_page;
	s->pool.arg = s;
	sess_sink_init(s);
	for (int i = 0; i < s->ncpus; i++) {
		struct sess_cpu *c = &s->cpus[i];
		char path[1024];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d", s->in.dir, i);
		if (access(path, F_OK) < 0 || !kt_features_cpu_online(&s->f, i))
			continue;	/* absent, or never online: no buffer */
		c->ring = kt_ring_open(s->in.dir, i, s->o->reader == KT_READER_AUTO ?
					   s->mode->reader : s->o->reader);
		if (!c->ring) {
			if (s->o->reader == KT_READER_MMAP) {
				snprintf(err, errlen,
					 "--reader mmap: this kernel cannot map trace_pipe_raw (cpu%d: %s); "
					 "the ring-buffer mapping needs Linux 6.10 or later, "
					 "use --reader read or auto", i, strerror(errno));
				return -2;
			}
			snprintf(err, errlen, "cannot open %s/trace_pipe_raw: %s", path,
				 strerror(errno));
			return -1;
		}
		if (kt_ring_subbuf_size(c->ring) > s->pool.subbuf_size)
			s->pool.subbuf_size = kt_ring_subbuf_size(c->ring);
		c->ps.kb = kt_decoder_kbuffer_new(s->dec);
		if (!c->ps.kb)
			return -1;
		/* Only CPUs with a ring take part in the merge. */
		s->srcs[i] = &c->ps.src;
	}
	return 0;
}

/* The rings, the merge's sources and their pages (also a report's). */
void sess_rings_close(struct session *s)
{
	for (int i = 0; s->cpus && i < s->ncpus; i++) {
		kt_page_src_free(&s->cpus[i].ps);
		kt_ring_close(s->cpus[i].ring);
	}
	free(s->cpus);
	s->cpus = NULL;
	free(s->srcs);
	s->srcs = NULL;
	kt_page_pool_free(&s->pool);
}
