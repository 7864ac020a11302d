// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kprobe recipes (see probe.h): the entry kprobe and exit kretprobe of a
 * syscall on its entry function, the detail probes of probes.def (and the
 * generic one), the kernel-function hooks of hooks.def, and the symbols
 * they may use.  Pure functions of (probe features, symbol set, arch,
 * task ABIs).
 */
#include <stdio.h>
#include <string.h>

#include "ktrail/probe.h"
#include "ktrail/util.h"
#include "kernel-local.h"

enum scope { S_ANY, S_BOTH, S_NAT, S_CMP };

struct detail {
	const char *event;
	enum scope scope;
	const char *symbol;	/* "@": the entry function */
	const char *tmpl;
};

static const struct detail details[] = {
#define DETAIL(ev, sc, sym, t) { #ev, S_##sc, sym, t },
#include "probes.def"
#undef DETAIL
};

static const struct hook {
	const char *event;
	const char *symbol;
	const char *fetch;
} hooks[] = {
#define HOOK(ev, sym, f) { #ev, sym, f },
#include "hooks.def"
#undef HOOK
};

/* The entry function of @ev: its wrap, symbol in @sym. */
static const struct kt_wrap *find_entry(const struct kt_probe_env *env, const struct kt_event_def *ev,
				     bool compat, char *sym, size_t symlen, char *why, size_t whylen)
{
	size_t n;
	const struct kt_wrap *w = kt_entry_wraps(env->arch, compat, &n);
	size_t tried = 0;
	char list[256] = "";

	for (size_t i = 0; w && i < n && w[i].fmt; i++) {
		kt_wrap_symbol(sym, symlen, &w[i], kt_entry_name(env->arch, compat, ev->tp));
		if (kt_symset_has(env->syms, sym))
			return &w[i];
		if (tried < sizeof(list))
			tried += snprintf(list + tried, sizeof(list) - tried, "%s%s",
					  tried ? ", " : "", sym);
	}
	if (!w || !n || !w[0].fmt)
		snprintf(why, whylen, "no %s entry functions known for %s",
			 compat ? "32-bit" : "syscall", kt_abi_name(env->arch));
	else
		snprintf(why, whylen, "no entry function in the kernel's symbols (tried %s)", list);
	return NULL;
}

static bool kprobes_usable(const struct kt_probe_env *env, char *why, size_t whylen)
{
	if (!env->pf->kprobe_events) {
		snprintf(why, whylen, "the kernel has no kprobe events (CONFIG_KPROBE_EVENTS)");
		return false;
	}
	return true;
}

static bool abi_ok(const struct kt_probe_env *env, const struct kt_event_def *ev, bool compat)
{
	return kt_event_nr(ev, compat ? env->compat : env->native) >= 0;
}

/* The fetch of every syscall argument, by the catalog's types. */
static int entry_fetch(const struct kt_probe_env *env, const struct kt_event_def *ev, bool compat,
		       enum kt_wrap_style style, char *out, size_t outlen, char *why, size_t whylen)
{
	char tmpl[512];
	size_t n = 0;

	tmpl[0] = '\0';
	for (unsigned int i = 0; i < ev->npos && i < 6; i++) {
		const char *t, *sfx = "";

		switch (ev->args[i].type) {
		case KT_T_INT:
			t = "s32";
			break;
		case KT_T_UINT:
			t = "u32";
			break;
		case KT_T_LONG:
			t = "{L}";
			break;
		case KT_T_ULONG:
			t = "{UL}";
			break;
		case KT_T_U16:
			t = "u16";
			break;
		case KT_T_PTR:
			t = "{P}";
			break;
		default:
			/* The address of user memory; the value itself, when a
			 * detail reads it, takes the argument's name. */
			t = "{P}";
			sfx = "__ptr";
			break;
		}
		n += snprintf(tmpl + n, sizeof(tmpl) - n, "%s%s%s={s%u}:%s",
			      n ? " " : "", ev->args[i].name, sfx, i + 1, t);
	}
	return kt_expand_style(env, compat, style, tmpl, out, outlen, why, whylen);
}

int kt_probe_entry(const struct kt_probe_env *env, const struct kt_event_def *ev,
		   bool compat, struct kt_probe_def *def, char *why, size_t whylen)
{
	const struct kt_wrap *w;

	memset(def, 0, sizeof(*def));
	if (!kprobes_usable(env, why, whylen))
		return -1;
	if (!abi_ok(env, ev, compat)) {
		snprintf(why, whylen, "no %s syscall", compat ? "32-bit" : "native");
		return -1;
	}
	if (!env->pf->kretprobe) {
		snprintf(why, whylen, "the kernel has no kretprobe events for the return value");
		return -1;
	}
	w = find_entry(env, ev, compat, def->symbol, sizeof(def->symbol), why, whylen);
	if (!w)
		return -1;
	def->ev = ev;
	def->role = KT_PR_ENTER;
	def->compat = compat;
	kt_probe_event_name(ev, KT_PR_ENTER, compat, def->event, sizeof(def->event));
	if (entry_fetch(env, ev, compat, w->style, def->fetch, sizeof(def->fetch), why, whylen) < 0)
		return -1;
	return 0;
}

int kt_probe_exit(const struct kt_probe_env *env, const struct kt_probe_def *entry,
		  struct kt_probe_def *def, char *why, size_t whylen)
{
	memset(def, 0, sizeof(*def));
	def->ev = entry->ev;
	def->role = KT_PR_EXIT;
	def->compat = entry->compat;
	def->ret = true;
	snprintf(def->symbol, sizeof(def->symbol), "%s", entry->symbol);
	kt_probe_event_name(entry->ev, KT_PR_EXIT, entry->compat, def->event, sizeof(def->event));
	return kt_expand_style(env, entry->compat, KT_WRAP_DIRECT, "ret=$retval:{L}",
			    def->fetch, sizeof(def->fetch), why, whylen);
}

/*
 * The generic detail recipe of an event probes.def does not list: the
 * entry function reading each user-memory argument (a string, a socket
 * address; a timespec for native tasks, whose layout is the kernel's).
 * Returns false when the event has none.
 */
/* Arguments the kernel fills (outputs): at the entry they hold whatever
 * the caller left there, so the generic recipe does not read them. */
static const char *const generic_outputs[] = {
	"recvfrom.src_addr", "accept.addr", "accept4.addr", "getsockname.addr",
	"getpeername.addr", "nanosleep.rem", "clock_nanosleep.remain", "clock_gettime.tp",
	"clock_getres.res", "sched_rr_get_interval.tp", "getcwd.buf", "readlink.buf",
	"readlinkat.buf", "syslog.bufp", "listxattr.list", "llistxattr.list",
	"flistxattr.list", "lookup_dcookie.buffer", "mq_timedreceive_time32.u_msg_ptr",
};

static bool is_output(const struct kt_event_def *ev, const char *arg)
{
	size_t n = strlen(ev->name);

	for (size_t i = 0; i < KT_ARRAY_SIZE(generic_outputs); i++)
		if (!strncmp(generic_outputs[i], ev->name, n) && generic_outputs[i][n] == '.' &&
		    !strcmp(generic_outputs[i] + n + 1, arg))
			return true;
	return false;
}

static bool generic_template(const struct kt_event_def *ev, bool compat, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < ev->npos && i < 6; i++) {
		const struct kt_arg_def *a = &ev->args[i];
		int w = 0;

		if (is_output(ev, a->name))
			continue;
		switch (a->type) {
		case KT_T_STR:
			w = snprintf(out + n, len - n, "%s%s=+{u}0({s%u}):string", n ? " " : "",
				     a->name, i + 1);
			break;
		case KT_T_SOCKADDR:
			w = snprintf(out + n, len - n, "%s%%SA(%s,{s%u})", n ? " " : "", a->name, i + 1);
			break;
		case KT_T_TIMESPEC:
			if (compat)
				continue;
			w = snprintf(out + n, len - n, "%s%s__sec=+{u}0({s%u}):s64 "
				     "%s__nsec=+{u}8({s%u}):s64", n ? " " : "", a->name, i + 1,
				     a->name, i + 1);
			break;
		default:
			continue;
		}
		if (w < 0 || (size_t)w >= len - n) {
			out[0] = '\0';
			return false;
		}
		n += w;
	}
	return n > 0;
}

int kt_probe_detail(const struct kt_probe_env *env, const struct kt_event_def *ev,
		    bool compat, struct kt_probe_def *def, char *why, size_t whylen)
{
	bool any = false;
	size_t n = 0;
	char generic[512];
	struct detail gen = { .event = ev->name, .scope = S_BOTH, .symbol = "@", .tmpl = generic };
	bool listed = false;

	memset(def, 0, sizeof(*def));
	why[0] = '\0';
	for (size_t i = 0; i < KT_ARRAY_SIZE(details); i++)
		listed |= !strcmp(details[i].event, ev->name);
	for (size_t i = 0; i <= KT_ARRAY_SIZE(details); i++) {
		const struct detail *d = i < KT_ARRAY_SIZE(details) ? &details[i] : &gen;
		char sym[96], r[200];
		enum kt_wrap_style style = KT_WRAP_DIRECT;

		if (d == &gen) {
			if (listed || ev->kind != KT_EV_SYSCALL ||
			    !generic_template(ev, compat, generic, sizeof(generic)))
				continue;
		} else if (strcmp(d->event, ev->name)) {
			continue;
		}
		if ((d->scope == S_NAT && compat) || (d->scope == S_CMP && !compat))
			continue;
		any = true;
		if (!kprobes_usable(env, why, whylen))
			return -1;
		if (!abi_ok(env, ev, compat)) {
			snprintf(why, whylen, "no %s syscall", compat ? "32-bit" : "native");
			return -1;
		}
		if (!strcmp(d->symbol, "@")) {
			const struct kt_wrap *w = find_entry(env, ev, compat, sym, sizeof(sym),
							  r, sizeof(r));

			if (!w)
				goto next;
			style = w->style;
		} else {
			snprintf(sym, sizeof(sym), "%s", d->symbol);
			if (!kt_symset_has(env->syms, sym)) {
				snprintf(r, sizeof(r), "%s: not in the kernel's symbols", sym);
				goto next;
			}
		}
		if (kt_expand_style(env, compat, style, d->tmpl, def->fetch, sizeof(def->fetch),
				 r, sizeof(r)) < 0)
			goto next;
		def->ev = ev;
		def->role = KT_PR_DETAIL;
		def->compat = compat;
		def->any_abi = d->scope == S_ANY;
		snprintf(def->symbol, sizeof(def->symbol), "%s", sym);
		kt_probe_event_name(ev, KT_PR_DETAIL, compat && !def->any_abi,
				    def->event, sizeof(def->event));
		return 1;
next:
		if (n < whylen)
			n += snprintf(why + n, whylen - n, "%s%s", n ? "; " : "", r);
	}
	if (!any) {
		snprintf(why, whylen, "no detail recipe: the tracepoint has every argument");
		return 0;
	}
	return -1;
}

int kt_probe_hook(const struct kt_probe_env *env, const struct kt_event_def *ev,
		  struct kt_probe_def *def, char *why, size_t whylen)
{
	memset(def, 0, sizeof(*def));
	for (size_t i = 0; i < KT_ARRAY_SIZE(hooks); i++) {
		if (strcmp(hooks[i].event, ev->name))
			continue;
		if (!kprobes_usable(env, why, whylen))
			return -1;
		if (!env->pf->btfargs) {
			snprintf(why, whylen, "the kernel's kprobe events have no BTF argument names "
				 "(<argname>->field: Linux 6.6+ with CONFIG_PROBE_EVENTS_BTF_ARGS)");
			return -1;
		}
		if (!kt_symset_has(env->syms, hooks[i].symbol)) {
			snprintf(why, whylen, "%s: not in the kernel's symbols", hooks[i].symbol);
			return -1;
		}
		def->ev = ev;
		def->role = KT_PR_ENTER;
		snprintf(def->symbol, sizeof(def->symbol), "%s", hooks[i].symbol);
		snprintf(def->fetch, sizeof(def->fetch), "%s", hooks[i].fetch);
		kt_probe_event_name(ev, KT_PR_ENTER, false, def->event, sizeof(def->event));
		return 0;
	}
	snprintf(why, whylen, "no kprobe recipe for %s", ev->name);
	return -1;
}

struct kt_symset *kt_probe_wanted_symbols(enum kt_abi arch)
{
	struct kt_symset *s = kt_symset_new();

	if (!s)
		return NULL;
	for (unsigned int e = 0; e < kt_nevents; e++) {
		const struct kt_event_def *ev = &kt_events[e];
		char sym[128];

		if (ev->kind != KT_EV_SYSCALL)
			continue;
		for (int c = 0; c < 2; c++) {
			size_t n;
			const struct kt_wrap *w = kt_entry_wraps(arch, c, &n);

			for (size_t i = 0; w && i < n && w[i].fmt; i++) {
				kt_wrap_symbol(sym, sizeof(sym), &w[i], kt_entry_name(arch, c, ev->tp));
				if (kt_symset_add(s, sym, strlen(sym)) < 0)
					goto fail;
			}
		}
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(details); i++)
		if (strcmp(details[i].symbol, "@") &&
		    kt_symset_add(s, details[i].symbol, strlen(details[i].symbol)) < 0)
			goto fail;
	for (size_t i = 0; i < KT_ARRAY_SIZE(hooks); i++)
		if (kt_symset_add(s, hooks[i].symbol, strlen(hooks[i].symbol)) < 0)
			goto fail;
	return s;
fail:
	kt_symset_free(s);
	return NULL;
}

unsigned int kt_probe_detail_functions(const struct kt_event_def *ev, const char **fn,
				       unsigned int max)
{
	unsigned int n = 0;

	for (size_t i = 0; i < KT_ARRAY_SIZE(details) && n < max; i++) {
		bool dup = false;

		if (strcmp(details[i].event, ev->name))
			continue;
		for (unsigned int j = 0; j < n; j++)
			dup |= !strcmp(fn[j], details[i].symbol);
		if (!dup)
			fn[n++] = details[i].symbol;
	}
	if (n == 0 && n < max && ev->kind == KT_EV_SYSCALL) {
		char t[512];

		if (generic_template(ev, false, t, sizeof(t)))
			fn[n++] = "@";
	}
	return n;
}
