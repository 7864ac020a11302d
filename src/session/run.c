// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A trace from start to end, for the modes that trace (trace, record):
 * set up, start the command, read until it ends or a signal comes, drain
 * what the kernel holds, and remove every kernel object on every exit
 * path (normal end, the command exiting, SIGINT, SIGTERM, SIGHUP, errors
 * during setup).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/filter.h"
#include "ktrail/hooks.h"
#include "ktrail/util.h"
#include "session-local.h"

#define DEFAULT_BUFFER_KB 4096
#define POLL_MS 100

/* What the stale cleanup did: one that stays is a warning, not an error. */
static void report_stale(const char *name, int e, void *arg)
{
	const struct session *s = arg;

	if (s->o->quiet && !e)
		return;
	const char *what = strncmp(name, "probe ", 6) ? "instance " : "";

	if (e)
		fprintf(stderr, "ktrail: warning: cannot remove stale %s%s: %s (left as it is)\n",
			what, name, strerror(e));
	else
		fprintf(stderr, "ktrail: removed %s%s left by a ktrail that died\n", what, name);
}

/*
 * The process table's ABI source: the helper, and for the command's
 * first exec, when the helper cannot tell (the kernel dropped its
 * notification on a busy machine and the program has ended), the ABI of
 * the program ktrail started, read before it ran (not a path read
 * after the traced user could change it).
 */
static enum kt_abi sess_abi_ask(void *arg, int tgid, bool exec)
{
	struct session *s = arg;
	enum kt_abi abi = kt_abi_helper_ask(s->abi, tgid, exec);

	if (exec && tgid == s->child_k && s->child_k > 0 && !s->child_abi_asked) {
		s->child_abi_asked = true;
		if (abi == KT_ABI_NONE)
			abi = s->cmd_abi;
	}
	return abi;
}

static void sess_abi_release(void *arg)
{
	struct session *s = arg;

	kt_abi_helper_stop(s->abi);
	s->abi = NULL;
}

static struct kt_abi_helper *abi_helper_attach(struct session *s)
{
	struct kt_abi_source src = { sess_abi_ask, sess_abi_release, s };

	/* Read now, as root and before the command runs. */
	s->cmd_abi = s->o->argv ? sess_command_abi(s) : KT_ABI_NONE;
	s->abi = kt_abi_helper_start();
	if (s->abi)
		kt_proc_set_abi_source(s->proc, &src);
	return s->abi;
}

static int session_loop(struct session *s)
{
	struct pollfd *pfd = calloc(s->ncpus + 1, sizeof(*pfd));
	int n = 0;
	bool any;

	if (!pfd)
		return -1;
	pfd[n].fd = sess_signal_fd();
	pfd[n++].events = POLLIN;
	for (int i = 0; i < s->ncpus; i++) {
		if (!s->cpus[i].ring)
			continue;
		pfd[n].fd = kt_ring_fd(s->cpus[i].ring);
		pfd[n++].events = POLLIN;
	}
	while (!sess_stop && !s->write_err) {
		char drain[64];

		if (poll(pfd, n, POLL_MS) < 0 && errno != EINTR)
			break;
		while (read(sess_signal_fd(), drain, sizeof(drain)) > 0)
			;
		if (s->mode->round(s, &any) < 0) {
			free(pfd);
			return -1;
		}
		while (any && !sess_stop && !s->write_err) {
			/* More may be waiting: keep reading before sleeping. */
			if (s->mode->round(s, &any) < 0) {
				free(pfd);
				return -1;
			}
		}
		sess_outputs_flush(s);
		sess_reap_child(s, false);
		if (s->child > 0 && s->child_done)
			break;
		if (s->o->npids && !sess_attached_alive(s))
			break;
	}
	free(pfd);
	return 0;
}

void sess_report_lost(struct session *s, struct kt_session_result *res)
{
	unsigned long long total = 0;
	char line[2048];
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < s->ncpus; i++) {
		struct sess_cpu *c = &s->cpus[i];
		unsigned long long k = 0, lost;

		if (!c->ring)
			continue;
		if (kt_instance_cpu_lost(&s->in, i, &k) < 0)
			k = 0;
		lost = k > c->ps.src.lost_stream ? k : c->ps.src.lost_stream;
		if (k > c->ps.src.lost_stream && s->mode->decodes) {
			unsigned long long now = sess_clock_now(s);

			sess_emit_lost(s, i, now == ~0ull ? 0 : now, k - c->ps.src.lost_stream);
		}
		total += lost;
		if (used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%scpu%d %llu%s",
					 used ? ", " : "", i, lost,
					 c->ps.src.lost_unknown ? "+" : "");
	}
	res->lost = total;
	if (!s->o->quiet || total)
		s->mode->summary(s, total, line);
	if (s->filter && !s->o->quiet && s->mode->decodes) {
		char desc[512];

		kt_filter_describe(s->filter, desc, sizeof(desc));
		for (char *p = desc; (p = strchr(p, '\n'));)
			*p = ';';
		fprintf(stderr, "ktrail: filters (%s): %u tracepoints filtered in the kernel, "
			"%llu records dropped in user space\n", desc, s->kfilters, s->filtered);
	}
	if (s->unattributed && !s->o->quiet)
		fprintf(stderr,
			"ktrail: %llu raw_syscalls events of tasks whose ABI could not be told "
			"were left out%s\n", s->unattributed,
			s->abi_nl_lost ? " (the kernel dropped process notifications to the ABI "
			"helper: a machine too busy for it)" : "");
	sess_report_late(s, s->mode->decodes);
	if (s->bad_pages)
		fprintf(stderr, "ktrail: %llu sub-buffers failed the check (a commit length or an "
			"event past its end) and were skipped: their events are lost\n",
			s->bad_pages);
	if (kt_hooks.debug_ring)
		for (int i = 0; i < s->ncpus; i++)
			if (s->cpus[i].ring)
				fprintf(stderr, "ktrail: cpu%d: %lu torn copies made again\n", i,
					kt_ring_torn(s->cpus[i].ring));
}

/*
 * The 32-bit tasks whose exec turned raw_syscalls on: their first calls
 * are not traced.  Live, the helper's count; in a report (@decoded and no
 * helper), the markers decoded.
 */
void sess_report_late(const struct session *s, bool decoded)
{
	unsigned long long n = s->compat_lazy ? s->compat_late : s->late_marks;

	if (decoded && s->late_marks > n)
		n = s->late_marks;
	if (n)
		fprintf(stderr, "ktrail: %llu 32-bit task%s: raw_syscalls was enabled at %s exec; "
			"%s first syscalls before that are not traced (a lost_events row of %s "
			"marks where tracing began)\n", n, n == 1 ? "" : "s",
			n == 1 ? "its" : "their", n == 1 ? "its" : "their",
			n == 1 ? "the task" : "each task");
	else if (s->compat_lazy && !s->compat_went_on && !s->o->quiet)
		fprintf(stderr, "ktrail: no 32-bit task ran: raw_syscalls stayed off\n");
}

struct profile_ctx {
	struct session *s;
	struct kt_session_result *res;
};

/* The probe definition of @event in the plan, or NULL. */
static const struct kt_probe_def *planned_probe(const struct session *s, const char *event)
{
	for (unsigned int i = 0; i < s->plan.n; i++)
		for (unsigned int j = 0; j < s->plan.e[i].nprobes; j++)
			if (!strcmp(s->plan.e[i].probes[j].event, event))
				return &s->plan.e[i].probes[j];
	return NULL;
}

/*
 * The holes in this trace's calls that a miss of probe @event would make:
 * calls without their detail values (a detail probe), calls without their
 * enter or exit (an enter or exit probe).  The calls come from the trace's
 * own records, before the filters.
 */
static unsigned long long probe_holes(const struct session *s, const char *event,
				      const struct kt_event_def *ev, enum kt_probe_role role,
				      bool compat)
{
	const struct kt_probe_def *d = planned_probe(s, event);
	size_t i = ev - kt_events;
	unsigned long long n = 0;

	if (role != KT_PR_DETAIL)
		return s->no_enter[i][compat] + s->no_exit[i][compat];
	for (int abi = 0; abi < 2; abi++)
		if ((d && d->any_abi) || abi == (int)compat)
			n += kt_detail_holes(s->calls[i][abi], s->no_enter[i][abi],
					     s->detailed[i][abi]);
	return n;
}

unsigned long long sess_probe_owned(const struct session *s, const char *event,
				    unsigned long long missed)
{
	const struct kt_event_def *ev;
	enum kt_probe_role role;
	bool compat;

	if (!missed || kt_probe_event_parse(event, &ev, &role, &compat) < 0)
		return missed;
	return kt_probe_misses_owned(missed, probe_holes(s, event, ev, role, compat));
}

/*
 * A kprobe's hits and misses since tracing started.  The kernel counts
 * the misses of every task, and before 5.14 a fault in the handler (its
 * read through a NULL pointer: a sendto without dest_addr, a msghdr
 * without msg_name) as a miss of every probe on the function, though
 * the record was written.  Only the misses that left a hole in this
 * trace's calls are lost events; a mode that does not decode cannot
 * tell, and counts them all.  A detail probe on an inner function that
 * never fired while calls of its event were traced sits on a function
 * the compiler inlined (kallsyms still lists it): say so, its values are
 * empty.
 */
static void report_profile(const char *event, unsigned long long hits,
			   unsigned long long missed, void *arg)
{
	struct profile_ctx *c = arg;
	const struct kt_event_def *ev;
	enum kt_probe_role role;
	bool compat, known;

	known = kt_probe_event_parse(event, &ev, &role, &compat) == 0;
	if (kt_hooks.debug_profile)
		fprintf(stderr, "ktrail: kprobe %s: %llu hits, %llu missed since tracing "
			"started; %llu holes in this trace's calls\n", event, hits, missed,
			known && c->s->mode->decodes ? probe_holes(c->s, event, ev, role, compat) : 0);
	if (missed && known && c->s->mode->decodes)
		missed = kt_probe_misses_owned(missed, probe_holes(c->s, event, ev, role, compat));
	if (missed) {
		c->res->lost += missed;
		fprintf(stderr, "ktrail: kprobe %s missed %llu hits: those calls are incomplete or "
			"missing\n", event, missed);
	}
	if (hits || !known || role != KT_PR_DETAIL)
		return;
	for (unsigned int i = 0; i < c->s->plan.n; i++) {
		const struct kt_plan_entry *e = &c->s->plan.e[i];

		for (unsigned int j = 0; e->ev == ev && j < e->nprobes; j++) {
			const struct kt_probe_def *d = &e->probes[j];
			const unsigned long long *t = c->s->traced[ev - kt_events];
			unsigned long long n = d->any_abi ? t[0] + t[1] : t[d->compat];

			if (!strcmp(d->event, event) && n)
				fprintf(stderr, "ktrail: kprobe %s on %s never fired although %llu %s "
					"calls were traced: the function is probably inlined; their "
					"user-memory arguments are empty\n", event, d->symbol, n,
					ev->name);
		}
	}
}

/* The kprobes' hits and misses, at the end. */
void sess_report_profile(struct session *s, struct kt_session_result *res)
{
	struct profile_ctx pc = { s, res };

	if (s->probes.n)
		kt_probes_profile(&s->f, &s->probes, report_profile, &pc);
}

/* Who is traced: -p's processes and their threads, or the command. */
static int target(struct session *s, struct kt_instance_opts *io, char *err, size_t errlen)
{
	const struct kt_opts *o = s->o;
	unsigned int cap = 0;

	if (s->pidns && o->npids) {
		snprintf(err, errlen, "-p: ktrail runs in a pid namespace (pid %d here), where "
			 "no pid can be mapped to the kernel's, which its pid filter wants: run "
			 "ktrail -p on the host, or let ktrail start the command (-- CMD)",
			 (int)getpid());
		errno = ENOTSUP;
		return -1;
	}
	io->pids_later = s->pidns;
	if (s->pidns) {
		/* The command is started by sess_pidns(). */
	} else if (o->npids) {
		for (unsigned int i = 0; i < o->npids; i++) {
			if (kill(o->pids[i], 0) < 0 && errno == ESRCH) {
				snprintf(err, errlen, "no such process: %d", (int)o->pids[i]);
				return -1;
			}
			if (sess_collect_tree(o->pids[i], &s->attach, &s->nattach, &cap) < 0) {
				snprintf(err, errlen, "cannot read /proc/%d/task: %s",
					 (int)o->pids[i], strerror(errno));
				return -1;
			}
		}
		io->pids = s->attach;
		io->npids = s->nattach;
	} else if (o->argv) {
		if (sess_start_child(s, -1, NULL, err, errlen) < 0)
			return -1;
		io->pids = &s->child;
		io->npids = 1;
	}
	return 0;
}

static bool compat_planned(const struct session *s)
{
	if (s->plan.compat)
		return true;
	for (unsigned int i = 0; i < s->plan.n && s->f.raw_syscalls; i++)
		if (s->plan.e[i].compat_kprobe)
			return true;
	return false;
}

/*
 * Native tasks' calls through raw_syscalls (or a native kprobe the kernel
 * may reject, which falls back to it where no syscall tracepoint is): a
 * 32-bit task's calls come through the same pair, with its own numbers,
 * so every task's ABI must be known, unless the kernel runs none.
 */
static bool raw_native_planned(const struct session *s)
{
	if (s->plan.raw_native)
		return true;
	for (unsigned int i = 0; i < s->plan.n && s->f.raw_syscalls && !s->f.syscalls; i++)
		if (s->plan.e[i].recipe == KT_R_KPROBE)
			return true;
	return false;
}

/* The process table as it starts: what runs now, so that a task that
 * ends before its records are written keeps its process id and name. */
static int proc_start(struct session *s)
{
	const struct kt_opts *o = s->o;

	/* /proc of another namespace than the kernel's: its pids would name
	 * other tasks than the events' (and their exe files too). */
	s->proc = kt_proc_new(s->proc_foreign ? NULL : "/proc");
	if (!s->proc)
		return -1;
	s->raw_assume_native = s->f.compat_tasks == 0;
	if (s->proc_foreign && raw_native_planned(s) && !s->raw_assume_native) {
		s->raw_assume_native = true;
		fprintf(stderr, "ktrail: in a pid namespace whose /proc shows other pids than "
			"the kernel's, no task's ABI can be told: every task's raw_syscalls "
			"events are read as native calls\n");
	}
	if (s->proc_foreign && s->plan.compat) {
		/* raw_syscalls' calls would all be unattributed: not traced. */
		for (unsigned int i = 0; i < s->plan.n; i++)
			s->plan.e[i].compat = false;
		s->plan.compat = false;
		fprintf(stderr, "ktrail: in a pid namespace whose /proc shows other pids than "
			"the kernel's, no task's ABI can be told: 32-bit tasks' calls are not "
			"traced through raw_syscalls%s\n", compat_planned(s) ?
			" (the kprobes on the 32-bit entry points still trace them)" : "");
	}
	/* raw_syscalls' calls are kept by the task's ABI: a root helper
	 * tells it (priv.h); kt_proc_free() ends it.  Also where 32-bit
	 * tasks get kprobes, which fall back to raw_syscalls if the kernel
	 * rejects them (sess_probes_setup).  Not with a foreign /proc: the
	 * helper would read other tasks' exe files. */
	if (s->proc_foreign) {
		if (!o->argv && kt_proc_set_kernel_maps(s->proc, s->f.tracefs) < 0)
			fprintf(stderr, "ktrail: cannot read %s/saved_tgids or saved_cmdlines "
				"(%s): tasks that ran before the trace will have processId 0\n",
				s->f.tracefs, strerror(errno));
	} else if ((compat_planned(s) || (raw_native_planned(s) && !s->raw_assume_native)) &&
		   !(s->abi = abi_helper_attach(s))) {
		fprintf(stderr, "ktrail: cannot start the ABI helper (%s): the raw_syscalls "
			"events of tasks whose ABI cannot be told will be counted as "
			"unattributed\n", strerror(errno));
	}
	if (o->npids) {
		for (unsigned int i = 0; i < s->nattach; i++)
			if (kill(s->attach[i], 0) == 0)
				kt_proc_scan(s->proc, s->attach[i]);
	} else if (o->argv) {
		const char *base = strrchr(o->argv[0], '/');

		kt_proc_add(s->proc, s->child_k, s->child_k, base ? base + 1 : o->argv[0]);
		if (s->proc_foreign)
			kt_proc_adopt(s->proc, s->child_k, "/proc", s->child, s->self_k);
	} else if (!s->proc_foreign) {
		kt_proc_scan(s->proc, 0);
	}
	return 0;
}

/* The lifecycle events the plan produces from the task and sched
 * tracepoints. */
static void want_lifecycle(struct session *s)
{
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		if (e->recipe != KT_R_TASK_TP)
			continue;
		s->want_fork |= e->ev == s->ev_fork;
		s->want_exec |= e->ev == s->ev_exec;
		s->want_exit |= e->ev == s->ev_exit_task;
	}
}

/* What is traced, and how, on standard error. */
static void banner(const struct session *s)
{
	const struct kt_opts *o = s->o;
	enum kt_reader kind = KT_READER_READ;
	unsigned int tp = 0, kp = 0, ckp = 0, raw = 0, nraw = 0;
	char nraw_text[48] = "";

	for (int i = 0; i < s->ncpus; i++)
		if (s->cpus[i].ring)
			kind = kt_ring_kind(s->cpus[i].ring);
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		tp += e->recipe == KT_R_SYSCALL_TP;
		kp += e->recipe == KT_R_KPROBE;
		ckp += e->compat_kprobe;
		raw += e->compat;
		nraw += e->recipe == KT_R_RAW_SYSCALLS;
	}
	if (nraw)
		snprintf(nraw_text, sizeof(nraw_text), "%u raw_syscalls, ", nraw);
	fprintf(stderr, "ktrail: tracing %u events on %d CPUs (reader %s, clock %s, "
		"instance %s)%s%s%s\n", s->usable, s->ncpus, kt_reader_name(kind), s->f.clock,
		s->in.name, !s->mode->decodes ? ", recording to " : "",
		!s->mode->decodes ? o->record_path : "",
		o->argv || o->npids ? "" : "; Ctrl-C to stop");
	if (s->probes.n && !s->f.probe.uderef)
		fprintf(stderr, "ktrail: this kernel has no ustring or +u fetch: the kprobes "
			"read user memory as kernel memory, which works on x86 only\n");
	fprintf(stderr, "ktrail: recipes: %u syscall tracepoints, %u kprobes, %s"
		"32-bit tasks: %u kprobes, %u raw_syscalls%s; %u kprobes in group %s\n",
		tp, kp, nraw_text, ckp, raw, s->compat_lazy ? " (off until a 32-bit task runs)" : "",
		s->probes.n, s->probes.group[0] ? s->probes.group : "-");
	if (s->pidns && s->proc_foreign) {
		char cmd[96] = "";

		if (o->argv)
			snprintf(cmd, sizeof(cmd), "; the command %d here, %d there",
				 (int)s->child, (int)s->child_k);
		fprintf(stderr, "ktrail: in a pid namespace: the output's process and thread "
			"ids are the kernel's (the initial namespace's): ktrail is %d here, %d "
			"there%s\n", (int)getpid(), (int)s->self_k, cmd);
	}
	if (s->unusable)
		fprintf(stderr, "ktrail: %u events of the selected sets cannot be produced "
			"on this kernel (see 'ktrail list')\n", s->unusable);
}

/*
 * Everything between the plan and the first event: the instance, the
 * guard, the probes and events, the rings, what the mode writes, the
 * drop of root, tracing on.  Returns 0 or an exit status, @err set.
 */
static int start(struct session *s, char *err, size_t errlen)
{
	const struct kt_opts *o = s->o;
	struct kt_instance_opts io = { 0 };
	int r;

	if (sess_signals_setup() < 0) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	s->signals_set = true;
	kt_cleanup_stale(&s->f, report_stale, s);
	s->pidns = !kt_pidns_is_init();
	if (target(s, &io, err, errlen) < 0)
		return errno == ENOTSUP ? KT_EXIT_USAGE : KT_EXIT_ERROR;
	io.buffer_kb = o->buffer_kb ? o->buffer_kb : DEFAULT_BUFFER_KB;
	io.clock = s->f.clock;
	if (sess_decoder(s, err, errlen) < 0)
		return KT_EXIT_ERROR;
	if (!s->pidns && proc_start(s) < 0) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	sess_lookup_events(s);
	want_lifecycle(s);
	if (kt_instance_create(&s->in, &s->f, &io, err, errlen) < 0)
		return KT_EXIT_ERROR;
	/* In a pid namespace the kernel's pids first, then what runs. */
	if (s->pidns && sess_pidns(s, err, errlen) < 0)
		return KT_EXIT_ERROR;
	if (s->pidns && proc_start(s) < 0) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	if (s->in.lock_fd < 0 && !o->quiet)
		fprintf(stderr, "ktrail: warning: no lock file %s/%s.lock (%s): should ktrail and "
			"its guard both be killed, no other ktrail will know %s is stale\n",
			KT_RUN_DIR, s->in.name, strerror(s->in.lock_err), s->in.name);
	if (sess_guard_start(s) < 0) {
		snprintf(err, errlen, "cannot start the cleanup guard: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	if (o->npids && sess_attach_late_forks(s) < 0) {
		snprintf(err, errlen, "set_event_pid: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	r = sess_probes_setup(s, err, errlen);
	if (r < 0)
		return r == -2 ? KT_EXIT_UNSUPPORTED : KT_EXIT_ERROR;
	if (s->filter && !o->quiet)
		sess_warn_unreadable_filters(s);
	if (sess_enable_events(s, err, errlen) < 0)
		return KT_EXIT_ERROR;
	r = sess_rings_open(s, err, errlen);
	if (r < 0) {
		if (r != -2 && !err[0])
			snprintf(err, errlen, "%s", strerror(errno));
		return r == -2 ? KT_EXIT_UNSUPPORTED : KT_EXIT_ERROR;
	}
	if (sess_clock_setup(s) < 0) {
		snprintf(err, errlen, "clock: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	if (s->mode->open(s, err, errlen) < 0)
		return sess_fail_status(s);
	if (sess_drop_privileges(s, err, errlen) < 0)
		return KT_EXIT_ERROR;
	s->pair = kt_pairer_new(s->epoch, sess_emit_record, s);
	/* The kprobes' counts from here on only (a failed read: all of them). */
	if (s->probes.n)
		kt_probes_mark(&s->f, &s->probes);
	/* The summaries' first interval starts here, before any event. */
	if (s->mode->decodes) {
		unsigned long long now = sess_clock_now(s);

		if (now != ~0ull)
			sess_outputs_tick(s, now + s->epoch);
	}
	if (!s->pair || kt_instance_tracing(&s->in, true) < 0) {
		snprintf(err, errlen, "cannot start tracing: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	if (!o->quiet)
		banner(s);
	return 0;
}

/* Let the command run, trace until the end, stop and drain. */
static int trace(struct session *s, struct kt_session_result *res, char *err, size_t errlen)
{
	if (sess_stop) {
		/* Stopped during setup: the command never runs. */
		snprintf(err, errlen, "interrupted by signal %d before tracing started",
			 (int)sess_stop);
		return 128 + sess_stop;
	}
	if (s->go_fd >= 0) {
		if (write(s->go_fd, "g", 1) != 1) {
			snprintf(err, errlen, "cannot start the command: %s", strerror(errno));
			return KT_EXIT_ERROR;
		}
		close(s->go_fd);
		s->go_fd = -1;
		res->cmd_ran = true;
	}
	if (s->mode->started)
		s->mode->started(s);
	if (session_loop(s) < 0) {
		snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
		return KT_EXIT_ERROR;
	}
	/* Stop, then read everything the kernel still holds. */
	kt_instance_tracing(&s->in, false);
	sess_compat_release(s);
	return s->mode->finish(s, res, err, errlen) < 0 ? sess_fail_status(s) : KT_EXIT_OK;
}

/* Every exit path: the guard or this process removes what was made. */
static void teardown(struct session *s, struct kt_session_result *res, int *ret, char *err,
		     size_t errlen)
{
	if (s->mode->close)
		s->mode->close(s);
	free(s->cols);
	s->cols = NULL;
	if (*ret != KT_EXIT_OK && s->write_err && !err[0])
		sess_write_error(s, s->o->noutputs, err, errlen);
	sess_rings_close(s);
	/* The ABI helper may hold raw_syscalls' enable files. */
	sess_compat_release(s);
	if (s->guard.pid && s->dropped) {
		/* Root is gone: the guard removes the instance and probes,
		 * once nothing here holds the instance open. */
		kt_instance_release(&s->in);
		if (kt_guard_finish(&s->guard) < 0 && *ret == KT_EXIT_OK) {
			snprintf(err, errlen, "the cleanup guard could not remove instance %s or "
				 "its kprobes (see 'ktrail cleanup')", s->in.name);
			*ret = KT_EXIT_ERROR;
		}
		s->in.created = false;		/* only free what describes it */
		kt_instance_destroy(&s->in);
		kt_probes_forget(&s->probes);
	} else {
		/* Still root (setup failed before the drop): clean up here,
		 * then let the guard go (it finds nothing left). */
		if (kt_instance_destroy(&s->in) < 0 && *ret == KT_EXIT_OK) {
			snprintf(err, errlen, "cannot remove tracefs instance %s: %s", s->in.name,
				 strerror(errno));
			*ret = KT_EXIT_ERROR;
		}
		/* The probes after the instance that enabled them. */
		if (kt_probes_destroy(&s->probes) < 0 && *ret == KT_EXIT_OK) {
			snprintf(err, errlen, "cannot remove the kprobes of group %s: %s",
				 s->probes.group, strerror(errno));
			*ret = KT_EXIT_ERROR;
		}
		kt_guard_finish(&s->guard);
	}
	if (s->go_fd >= 0)
		close(s->go_fd);	/* the command never started: it exits 127 */
	if (s->child > 0) {
		if (!res->cmd_ran || s->child_done || !sess_stop)
			sess_reap_child(s, true);
		res->cmd_ran = res->cmd_ran && s->child_done;
		res->cmd_status = s->child_status;
	}
	sess_signals_restore();
	kt_pairer_free(s->pair);
	kt_proc_free(s->proc);
	kt_decoder_free(s->dec);
	kt_plan_free(&s->plan);
	free(s->attach);
}

/*
 * Run a trace in @s (o, mode and sel set, the rest zero).  Returns a
 * KT_EXIT_* status; on failure @err holds the message.
 */
int sess_run(struct session *s, struct kt_session_result *res, char *err, size_t errlen)
{
	int ret;

	memset(res, 0, sizeof(*res));
	s->filter = s->o->filter;
	s->go_fd = -1;
	s->in.on_fd = -1;		/* nothing held yet */
	s->probes.profile_fd = -1;
	sess_stop = 0;
	ret = sess_setup(s, err, errlen);
	if (ret) {
		kt_plan_free(&s->plan);
		return ret;
	}
	ret = start(s, err, errlen);
	if (!ret)
		ret = trace(s, res, err, errlen);
	teardown(s, res, &ret, err, errlen);
	return ret;
}
