// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel filter on a set of syscall numbers (idfilter.h): what
 * raw_syscalls/sys_enter and sys_exit take for 32-bit tasks and, where
 * raw_syscalls is their recipe, for native ones: one pair serves both
 * ABIs, its filter has the numbers of both (the task's ABI picks the
 * table in user space).
 *
 * The kernel's limits (kernel/trace/):
 *  - the text: event_filter_write() (trace_events.c) returns EINVAL for a
 *    write of PAGE_SIZE bytes or more, so the text must be shorter than a
 *    page, KT_KFILTER_MAX bytes with its NUL on every arch;
 *  - the terms: kernels before 4.17 refuse MAX_FILTER_PRED (16384 in
 *    trace.h) comparisons and operators or more with ENOSPC
 *    (replace_preds(), trace_events_filter.c); since the parser's rewrite
 *    in 4.17, calc_stack() counts them and predicate_parse() allocates as
 *    many, with no limit.  A comparison takes 5 bytes or more ("id==0")
 *    and an operator 2, so a text under a page has fewer than 1200 terms:
 *    the page is the limit that binds.
 * A long set of numbers is therefore written as ranges of consecutive
 * numbers, or as its complement between its lowest and highest number
 * when that is what fits; when neither fits there is no filter on the
 * number, and user space drops the calls it did not select.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktrail/catalog.h"
#include "ktrail/idfilter.h"
#include "ktrail/kernel.h"
#include "ktrail/util.h"

/* Numbers of both ABIs, and the feeds. */
#define KT_MAX_IDS (2 * KT_MAX_EVENTS + 16)

/* Text being written into a caller's buffer; @over once it did not fit. */
struct idbuf {
	struct kt_fixbuf f;
	bool first;	/* no run written yet */
};

#define put(b, ...) kt_fixbuf_printf(&(b)->f, __VA_ARGS__)

/* One run of consecutive numbers, @lo to @hi, in the set: two
 * equalities are shorter than a range. */
static void put_run(struct idbuf *b, int lo, int hi)
{
	const char *join = b->first ? "" : " || ";

	b->first = false;
	if (lo == hi)
		put(b, "%sid == %d", join, lo);
	else if (hi == lo + 1)
		put(b, "%sid == %d || id == %d", join, lo, hi);
	else
		put(b, "%s(id >= %d && id <= %d)", join, lo, hi);
}

/* The runs of @v (sorted, unique). */
static void put_ranges(struct idbuf *b, const int *v, unsigned int n)
{
	for (unsigned int i = 0; i < n;) {
		unsigned int j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		put_run(b, v[i], v[j]);
		i = j + 1;
	}
}

/* One run of numbers, @lo to @hi, left out. */
static void put_hole(struct idbuf *b, int lo, int hi)
{
	if (lo == hi)
		put(b, " && id != %d", lo);
	else if (hi == lo + 1)
		put(b, " && id != %d && id != %d", lo, hi);
	else
		put(b, " && (id < %d || id > %d)", lo, hi);
}

/*
 * From v[0] to v[n - 1] but the numbers between that are not in @v.
 * With no '!', which kernels before the parser's rewrite do not know;
 * in the kernel's grammar '&&' binds before '||'.
 */
static void put_complement(struct idbuf *b, const int *v, unsigned int n)
{
	put(b, "id >= %d && id <= %d", v[0], v[n - 1]);
	for (unsigned int i = 0; i + 1 < n; i++)
		if (v[i + 1] > v[i] + 1)
			put_hole(b, v[i] + 1, v[i + 1] - 1);
}

static void start(struct idbuf *b, char *buf, size_t len)
{
	*b = (struct idbuf){ .f = { .p = buf, .len = len, .over = !len }, .first = true };
	if (len)
		buf[0] = '\0';
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int kt_idfilter_text(int *ids, unsigned int n, char *buf, size_t len,
		     enum kt_idfilter_form *form)
{
	enum kt_idfilter_form f = KT_IDF_RANGES;
	struct idbuf b;
	unsigned int m = 0;
	bool gaps = false;

	qsort(ids, n, sizeof(*ids), cmp_int);
	for (unsigned int i = 0; i < n; i++)
		if (!m || ids[i] != ids[m - 1])
			ids[m++] = ids[i];
	for (unsigned int i = 0; i + 1 < m; i++)
		gaps |= ids[i + 1] > ids[i] + 1;
	start(&b, buf, len);
	if (!m) {
		f = KT_IDF_EMPTY;
		goto done;
	}
	put_ranges(&b, ids, m);
	if (b.f.over && gaps) {
		f = KT_IDF_COMPLEMENT;
		start(&b, buf, len);
		put_complement(&b, ids, m);
	}
	if (b.f.over) {
		if (len)
			buf[0] = '\0';
		if (form)
			*form = KT_IDF_NONE;
		errno = E2BIG;
		return -1;
	}
done:
	if (form)
		*form = f;
	return (int)b.f.used;
}

static void add_nr(int *ids, unsigned int *n, const struct kt_event_def *ev, int abi)
{
	if (ev && abi >= 0 && abi < KT_ABI_MAX && ev->nr[abi] >= 0 && *n < KT_MAX_IDS)
		ids[(*n)++] = ev->nr[abi];
}

int kt_idfilter_plan(const struct kt_plan *plan, char *buf, size_t len,
		     enum kt_idfilter_form *form)
{
	int ids[KT_MAX_IDS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < plan->n; i++) {
		const struct kt_plan_entry *e = &plan->e[i];

		if (e->compat)
			add_nr(ids, &n, e->ev, plan->compat_abi);
		if (e->recipe == KT_R_RAW_SYSCALLS)
			add_nr(ids, &n, e->ev, plan->native);
	}
	/*
	 * Native tasks' calls through raw_syscalls on a kernel without
	 * syscall tracepoints: the process table's feeds (kt_plan_feeds)
	 * have no tracepoint of their own, raw_syscalls brings them too.
	 */
	if (plan->raw_native && !plan->have_syscall_tps) {
		add_nr(ids, &n, kt_event_by_name("exit"), plan->native);
		add_nr(ids, &n, kt_event_by_name("exit_group"), plan->native);
		for (unsigned int i = 0; i < kt_nctx_calls; i++)
			add_nr(ids, &n, kt_event_by_name(kt_ctx_calls[i]), plan->native);
	}
	return kt_idfilter_text(ids, n, buf, len, form);
}

const char *kt_idfilter_form_name(enum kt_idfilter_form form)
{
	switch (form) {
	case KT_IDF_EMPTY:
		return "empty";
	case KT_IDF_RANGES:
		return "ranges";
	case KT_IDF_COMPLEMENT:
		return "complement";
	case KT_IDF_NONE:
		return "none";
	}
	return "?";
}
