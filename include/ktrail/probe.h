/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kprobe recipes: what the running kernel's probe events can do (read from
 * its tracefs README, never from its version number), which kernel symbols
 * exist, and the kprobe/kretprobe definitions that produce an event there.
 *
 * Everything here is a pure function of (README text, symbol list, arch):
 * it is unit-tested against READMEs and symbol lists of several kernels
 * without any kernel.  Creating the probes is the session's job.
 *
 * An event gets up to three probes per ABI (native, 32-bit compat):
 *   enter   kprobe on the syscall's entry function, with every syscall
 *           argument (used when the syscall tracepoints are absent, or
 *           --probes kprobe, and for 32-bit tasks: the compat entry is
 *           reached by 32-bit tasks only);
 *   exit    kretprobe on the same function: the return value;
 *   detail  kprobe reading what tracepoints cannot: user memory (queue
 *           names, message text, socket addresses, msghdr fields) and
 *           kernel copies.  Its fields fill the pending enter of the same
 *           thread.  When it sits on the enter probe's function, its
 *           fields are read by the enter probe itself.
 */
#ifndef KTRAIL_PROBE_H
#define KTRAIL_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "ktrail/catalog.h"
#include "ktrail/probename.h"

/* What the kernel's probe events support, from tracefs' README. */
struct kt_probe_feats {
	bool kprobe_events;	/* kprobe_events (or dynamic_events) exists */
	bool kretprobe;		/* r: probes */
	bool argn;		/* $arg<N> (4.20+) */
	bool ustring;		/* ustring type (5.5+) */
	bool uderef;		/* +u<offset>(...) user-memory dereference (5.5+) */
	bool comm;		/* $comm */
	bool array;		/* <type>[N] (4.20+) */
	bool symstr;		/* symstr type (6.1+) */
	bool eprobe;		/* e: event probes (5.15+) */
	bool fprobe;		/* f: fprobes (6.4+) */
	bool retargs;		/* $arg<N> in return probes (6.10+) */
	bool btfargs;		/* <argname>[->field] from BTF (6.6+) */
};

/* Parse README text; @kprobe_events: the kprobe_events file exists. */
void kt_probe_feats_parse(const char *readme, bool kprobe_events, struct kt_probe_feats *pf);
/* One line such as "ustring $arg<N> array ..." (for ktrail check). */
void kt_probe_feats_format(const struct kt_probe_feats *pf, char *buf, size_t len);

/* A set of kernel symbol names. */
struct kt_symset;
struct kt_symset *kt_symset_new(void);
void kt_symset_free(struct kt_symset *s);
int kt_symset_add(struct kt_symset *s, const char *name, size_t len);
bool kt_symset_has(const struct kt_symset *s, const char *name);
unsigned int kt_symset_count(const struct kt_symset *s);
/*
 * Read symbol lines ("addr type name [module]" as /proc/kallsyms, or
 * "type name", or "name") from @text; keep the function symbols (t, T,
 * w, W) whose names are in @wanted (NULL: keep every one).
 */
int kt_symset_parse(struct kt_symset *s, const char *text, size_t len,
		    const struct kt_symset *wanted);
/* Every symbol a recipe on @arch may use (to filter kallsyms). */
struct kt_symset *kt_probe_wanted_symbols(enum kt_abi arch);

struct kt_probe_def {
	const struct kt_event_def *ev;
	enum kt_probe_role role;
	bool compat;		/* a 32-bit task's probe (compat entry) */
	bool any_abi;		/* DETAIL on a function both ABIs reach */
	bool ret;		/* kretprobe */
	bool reads_user;	/* an ENTER that also reads a detail's fields */
	char event[64];		/* the probe event's name: <event>_e ... */
	char symbol[96];
	char fetch[1024];	/* the fetch arguments */
};

/* Where the kernel and its symbols stand, for the planner. */
struct kt_probe_env {
	enum kt_abi arch;	/* the kernel's arch: its registers, entry functions */
	enum kt_abi native, compat;	/* task ABIs (compat KT_ABI_NONE: none) */
	const struct kt_probe_feats *pf;
	const struct kt_symset *syms;
};

/*
 * The entry function of @ev for @compat tasks: the first candidate that
 * exists.  0 with @def filled (role ENTER, all syscall arguments, plus the
 * detail fields of candidates on the same function when @with_detail), or
 * -1 with the reason in @why.
 */
int kt_probe_entry(const struct kt_probe_env *env, const struct kt_event_def *ev,
		   bool compat, struct kt_probe_def *def, char *why, size_t whylen);
/* The kretprobe on the entry function @entry found. */
int kt_probe_exit(const struct kt_probe_env *env, const struct kt_probe_def *entry,
		  struct kt_probe_def *def, char *why, size_t whylen);
/*
 * The best detail probe of @ev for @compat tasks.  Returns 1 with @def
 * filled, 0 if @ev has no detail recipe, -1 if none can be used here
 * (@why says why).  @any_abi is set when the probe also serves the other
 * ABI (an inner kernel function).
 */
int kt_probe_detail(const struct kt_probe_env *env, const struct kt_event_def *ev,
		    bool compat, struct kt_probe_def *def, char *why, size_t whylen);

/*
 * The kprobe of a kernel-function event (KT_EV_KPROBE, hooks.def): 0 with
 * @def filled (role ENTER), or -1 with the reason in @why.
 */
int kt_probe_hook(const struct kt_probe_env *env, const struct kt_event_def *ev,
		  struct kt_probe_def *def, char *why, size_t whylen);

/* The functions the detail recipes of @ev use, best first ("@": the
 * syscall's entry function); returns how many (at most @max). */
unsigned int kt_probe_detail_functions(const struct kt_event_def *ev, const char **fn,
				       unsigned int max);

/*
 * Expand one fetch template for @ev (exposed for the unit tests).  Returns
 * 0, or -1 with the reason in @why.
 */
int kt_probe_expand(const struct kt_probe_env *env, bool compat, bool ptregs,
		    const char *tmpl, char *out, size_t outlen, char *why, size_t whylen);

#endif
