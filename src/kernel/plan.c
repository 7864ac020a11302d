// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan: which tracepoints produce each selected event on this kernel
 * (kt_plan_make), then the kprobes the recipes add (kt_plan_probes).
 * Pure but for the tracefs event files kt_plan_make looks for.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/kernel.h"

const char *const kt_ctx_calls[] = { "setuid", "setreuid", "setresuid", "unshare", "setns",
				     "setfsuid", "capset" };
const unsigned int kt_nctx_calls = sizeof(kt_ctx_calls) / sizeof(kt_ctx_calls[0]);

/* Does @p trace @name with @recipe? */
static bool planned(const struct kt_plan *p, const char *name, enum kt_recipe recipe)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].ev->name, name))
			return p->e[i].recipe == recipe;
	return false;
}

/* Does @p see every native call of @name through a tracepoint of its own
 * (its syscall pair, or raw_syscalls, whose filter has its number)? */
static bool seen(const struct kt_plan *p, const char *name)
{
	return planned(p, name, KT_R_SYSCALL_TP) || planned(p, name, KT_R_RAW_SYSCALLS);
}

static void feed(const struct kt_features *f, const char *sys, const char *name,
		 struct kt_plan_feed *out, unsigned int max, unsigned int *n)
{
	if (*n >= max || !kt_features_has_event(f, sys, name))
		return;
	out[*n].system = sys;
	snprintf(out[*n].name, sizeof(out[*n].name), "%s", name);
	(*n)++;
}

unsigned int kt_plan_feeds(const struct kt_plan *p, const struct kt_features *f,
			   struct kt_plan_feed *out, unsigned int max)
{
	static const char *const causes[][2] = {
		{ "syscalls", "exit" },
		{ "syscalls", "exit_group" },
		{ "signal", "signal_deliver" },
		{ "signal", "signal_generate" },
	};
	unsigned int n = 0;

	if (f->task_events) {
		feed(f, "task", "task_newtask", out, max, &n);
		feed(f, "task", "task_rename", out, max, &n);
	}
	if (f->sched_exec)
		feed(f, "sched", "sched_process_exec", out, max, &n);
	if (f->sched_exit)
		feed(f, "sched", "sched_process_exit", out, max, &n);
	if (planned(p, "sched_process_exit", KT_R_TASK_TP)) {
		for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
			char name[64];

			if (strcmp(causes[i][0], "syscalls")) {
				feed(f, causes[i][0], causes[i][1], out, max, &n);
				continue;
			}
			if (seen(p, causes[i][1]))
				continue;
			snprintf(name, sizeof(name), "sys_enter_%s", causes[i][1]);
			feed(f, "syscalls", name, out, max, &n);
		}
	}
	for (unsigned int i = 0; i < kt_nctx_calls; i++) {
		const struct kt_event_def *ev = kt_event_by_name(kt_ctx_calls[i]);
		char name[64];

		if (!ev || !ev->tp || seen(p, ev->name))
			continue;
		snprintf(name, sizeof(name), "sys_exit_%s", ev->tp);
		feed(f, "syscalls", name, out, max, &n);
	}
	return n;
}

int kt_plan_make(const struct kt_features *f, const struct kt_selection *sel,
		 enum kt_compat_mode mode, struct kt_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->native = kt_abi_native();
	p->compat_abi = kt_abi_compat();
	p->have_raw = f->raw_syscalls;
	p->have_syscall_tps = f->syscalls;
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
			/* A kernel without syscall tracepoints: raw_syscalls
			 * has every call (the reason stays: what is not
			 * used).  Not for the odd call a kernel with them
			 * lacks one for (uselib, kexec_load...): it would
			 * turn raw_syscalls on for every call of the trace. */
			if (e->recipe == KT_R_NONE && !f->syscalls && f->raw_syscalls) {
				e->recipe = KT_R_RAW_SYSCALLS;
				p->raw_native = true;
			}
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
	/* --probes raw_syscalls: no kprobe for a syscall's entry or exit. */
	bool entry_kprobes = mode != KT_PROBES_TRACEPOINT && mode != KT_PROBES_RAW;

	p->compat = false;
	p->raw_native = false;
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
		if (mode == KT_PROBES_RAW && native_nr) {
			if (!p->have_raw) {
				snprintf(err, errlen, "--probes raw_syscalls: the kernel has no "
					 "raw_syscalls tracepoints (raw_syscalls/sys_enter, sys_exit)");
				errno = EOPNOTSUPP;
				return -1;
			}
			e->recipe = KT_R_RAW_SYSCALLS;
		}
		/* Kprobes do better than raw_syscalls: only the call's own
		 * function fires, and it can read user memory. */
		if (entry_kprobes && native_nr &&
		    (mode == KT_PROBES_KPROBE || e->recipe == KT_R_NONE ||
		     e->recipe == KT_R_RAW_SYSCALLS)) {
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
		if (entry_kprobes && e->compat_wanted) {
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
		if (e->recipe == KT_R_RAW_SYSCALLS)
			p->raw_native = true;
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
