// SPDX-License-Identifier: GPL-2.0-or-later
/* Enter/exit pairing per thread; see pair.h for the semantics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/pair.h"
#include "ktrail/util.h"

struct pending {
	const struct kt_event_def *ev;
	uint64_t ts;
	int cpu;
	bool compat;
	uint64_t regs[6];
};

struct kt_pairer {
	struct kt_imap map;	/* tid -> struct pending */
	int64_t epoch;
	kt_emit_fn emit;
	void *arg;
};

struct kt_pairer *kt_pairer_new(int64_t epoch_offset, kt_emit_fn emit, void *arg)
{
	struct kt_pairer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (kt_imap_init(&p->map, sizeof(struct pending)) < 0) {
		free(p);
		return NULL;
	}
	p->epoch = epoch_offset;
	p->emit = emit;
	p->arg = arg;
	return p;
}

void kt_pairer_free(struct kt_pairer *p)
{
	if (!p)
		return;
	kt_imap_free(&p->map);
	free(p);
}

unsigned int kt_pair_pending(const struct kt_pairer *p)
{
	return p->map.count;
}

void kt_args_from_regs(struct kt_record *r, const uint64_t *regs, bool compat)
{
	const struct kt_event_def *ev = r->ev;

	for (unsigned int i = 0; i < ev->nargs && i < KT_MAX_ARGS; i++) {
		struct kt_value *v = &r->args[i];
		uint64_t x = i < 6 ? regs[i] : 0;

		memset(v, 0, sizeof(*v));
		v->set = true;
		switch (ev->args[i].type) {
		case KT_T_INT:
			v->i = (int32_t)x;
			break;
		case KT_T_UINT:
			v->u = (uint32_t)x;
			break;
		case KT_T_LONG:
			v->i = compat ? (int64_t)(int32_t)x : (int64_t)x;
			break;
		case KT_T_ULONG:
		case KT_T_PTR:
			v->u = compat ? (uint32_t)x : x;
			break;
		case KT_T_U16:
			v->u = (uint16_t)x;
			break;
		default:
			/* User memory: syscall tracepoints cannot read it. */
			v->set = false;
			break;
		}
	}
}

static void record_init(struct kt_pairer *p, struct kt_record *r, const struct kt_event_def *ev,
			int tid, bool compat)
{
	memset(r, 0, sizeof(*r));
	r->ev = ev;
	r->tid = tid;
	r->compat = compat;
	(void)p;
}

static int emit_pending(struct kt_pairer *p, int tid, const struct pending *pe,
			enum kt_state st, const struct kt_raw *x)
{
	struct kt_record r;

	record_init(p, &r, pe->ev, tid, pe->compat);
	r.ts = pe->ts + p->epoch;
	r.cpu = pe->cpu;
	r.state = st;
	kt_args_from_regs(&r, pe->regs, pe->compat);
	if (x) {
		r.ts_exit = x->ts + p->epoch;
		r.has_ret = true;
		r.ret = x->ret;
	}
	return p->emit(&r, p->arg);
}

int kt_pair_enter(struct kt_pairer *p, const struct kt_raw *e,
		  const struct kt_event_def *ev, bool compat)
{
	struct pending *pe;
	int isnew, rc = 0;

	pe = kt_imap_put(&p->map, e->tid, &isnew);
	if (!pe)
		return -1;
	if (!isnew) {
		/* The previous enter never saw its exit. */
		struct pending old = *pe;

		rc = emit_pending(p, e->tid, &old, KT_ST_NO_EXIT, NULL);
		pe = kt_imap_get(&p->map, e->tid);
	}
	pe->ev = ev;
	pe->ts = e->ts;
	pe->cpu = e->cpu;
	pe->compat = compat;
	memcpy(pe->regs, e->args, sizeof(pe->regs));
	return rc;
}

int kt_pair_exit(struct kt_pairer *p, const struct kt_raw *x,
		 const struct kt_event_def *ev, bool compat)
{
	struct pending *pe = kt_imap_get(&p->map, x->tid);
	struct kt_record r;
	int rc = 0;

	if (pe) {
		struct pending cur = *pe;

		kt_imap_del(&p->map, x->tid);
		if (cur.ev == ev && cur.compat == compat)
			return emit_pending(p, x->tid, &cur, KT_ST_COMPLETE, x);
		rc = emit_pending(p, x->tid, &cur, KT_ST_NO_EXIT, NULL);
		if (rc)
			return rc;
	}
	record_init(p, &r, ev, x->tid, compat);
	r.ts = r.ts_exit = x->ts + p->epoch;
	r.cpu = x->cpu;
	r.state = KT_ST_NO_ENTER;
	r.has_ret = true;
	r.ret = x->ret;
	/* Arguments unknown: all empty. */
	return p->emit(&r, p->arg);
}

struct flush_item {
	int tid;
	struct pending pe;
};

static int cmp_flush(const void *a, const void *b)
{
	const struct flush_item *x = a, *y = b;

	if (x->pe.ts != y->pe.ts)
		return x->pe.ts < y->pe.ts ? -1 : 1;
	return x->tid - y->tid;
}

static int flush_before(struct kt_pairer *p, uint64_t before, enum kt_state st)
{
	struct flush_item *items;
	size_t n = 0;
	int rc = 0;

	if (!p->map.count)
		return 0;
	items = malloc(p->map.count * sizeof(*items));
	if (!items)
		return -1;
	for (size_t i = 0; i < p->map.cap; i++) {
		const struct pending *pe = kt_imap_val(&p->map, i);

		if (p->map.keys[i] == KT_IMAP_EMPTY || pe->ts >= before)
			continue;
		items[n].tid = p->map.keys[i];
		items[n].pe = *pe;
		n++;
	}
	qsort(items, n, sizeof(*items), cmp_flush);
	for (size_t i = 0; i < n && !rc; i++)
		rc = emit_pending(p, items[i].tid, &items[i].pe, st, NULL);
	for (size_t i = 0; i < n; i++)
		kt_imap_del(&p->map, items[i].tid);
	free(items);
	return rc;
}

int kt_pair_flush(struct kt_pairer *p)
{
	return flush_before(p, UINT64_MAX, KT_ST_UNFINISHED);
}

int kt_pair_abandon(struct kt_pairer *p, uint64_t ts)
{
	return flush_before(p, ts, KT_ST_NO_EXIT);
}
