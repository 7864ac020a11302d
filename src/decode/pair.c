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
	/* Values read by kprobes (set == false: none); strings in @heap. */
	bool has_vals;
	struct kt_value vals[KT_MAX_ARGS];
	struct kt_sockaddr sa;
	char *heap;
};

static void pending_release(struct pending *pe)
{
	free(pe->heap);
	pe->heap = NULL;
	pe->has_vals = false;
}

struct kt_pairer {
	struct kt_imap map;	/* tid -> struct pending */
	int64_t epoch;
	kt_emit_fn emit;
	void *arg;
	unsigned long unmatched;	/* details without their enter */
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
	for (size_t i = 0; i < p->map.cap; i++)
		if (p->map.keys[i] != KT_IMAP_EMPTY)
			pending_release(kt_imap_val(&p->map, i));
	kt_imap_free(&p->map);
	free(p);
}

unsigned int kt_pair_pending(const struct kt_pairer *p)
{
	return p->map.count;
}

bool kt_pair_oldest(const struct kt_pairer *p, uint64_t *ts)
{
	bool any = false;

	for (size_t i = 0; i < p->map.cap; i++) {
		const struct pending *pe = kt_imap_val(&p->map, i);

		if (p->map.keys[i] == KT_IMAP_EMPTY)
			continue;
		if (!any || pe->ts + p->epoch < *ts)
			*ts = pe->ts + p->epoch;
		any = true;
	}
	return any;
}

void kt_args_from_regs(struct kt_record *r, const uint64_t *regs, bool compat)
{
	const struct kt_event_def *ev = r->ev;

	for (unsigned int i = 0; i < ev->nargs && i < KT_MAX_ARGS; i++) {
		struct kt_value *v = &r->args[i];
		uint64_t x = i < 6 ? regs[i] : 0;

		memset(v, 0, sizeof(*v));
		if (i >= ev->npos)
			continue;	/* ktrail's own: only a kprobe reads it */
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

void kt_args_extend32(uint64_t *regs, const struct kt_event_def *ev)
{
	for (unsigned int i = 0; i < ev->npos && i < 6; i++)
		if (ev->args[i].type == KT_T_INT || ev->args[i].type == KT_T_LONG)
			regs[i] = (uint64_t)(int64_t)(int32_t)regs[i];
}

/* The longest prefix of a message body a record carries. */
#define KT_MSG_PREFIX 64

/*
 * The values kprobes read, over the register ones: those read through a
 * NULL pointer are dropped (a probe reading address 0 leaves its field
 * as it was), and message bodies are cut to the length the syscall was
 * given and to KT_MSG_PREFIX.
 */
static void apply_vals(struct kt_record *r, const struct pending *pe)
{
	const struct kt_event_def *ev = pe->ev;

	for (unsigned int i = 0; i < ev->nargs && i < KT_MAX_ARGS; i++) {
		const struct kt_value *v = &pe->vals[i];
		int g = kt_arg_guard(ev, i), b;

		if (!v->set || (g >= 0 && g < 6 && !pe->regs[g]))
			continue;
		r->args[i] = *v;
		/* The pending entry moves (map growth, copies): its own. */
		if (v->sa)
			r->args[i].sa = &pe->sa;
		if (ev->args[i].type == KT_T_STR) {
			b = kt_arg_bound(ev, i);
			if (b >= 0 && b < 6 && r->args[i].len > pe->regs[b])
				r->args[i].len = (uint32_t)pe->regs[b];
			if (b >= 0 && r->args[i].len > KT_MSG_PREFIX)
				r->args[i].len = KT_MSG_PREFIX;
		}
	}
}

/* Copy the values of @x into @pe (strings into its own heap block). */
static int take_vals(struct pending *pe, const struct kt_raw *x)
{
	size_t need = 0, off = 0;
	char *heap;

	for (unsigned int i = 0; i < KT_MAX_ARGS; i++)
		if (x->vals[i].set && x->vals[i].str)
			need += x->vals[i].len;
	for (unsigned int i = 0; i < KT_MAX_ARGS; i++)
		if (pe->vals[i].set && pe->vals[i].str && !x->vals[i].set)
			need += pe->vals[i].len;
	heap = malloc(need ? need : 1);
	if (!heap)
		return -1;
	for (unsigned int i = 0; i < KT_MAX_ARGS; i++) {
		const struct kt_value *src = x->vals[i].set ? &x->vals[i] :
					     pe->vals[i].set ? &pe->vals[i] : NULL;
		struct kt_value *dst = &pe->vals[i];

		if (!src)
			continue;
		*dst = *src;
		if (src->str) {
			memcpy(heap + off, src->str, src->len);
			dst->str = heap + off;
			off += src->len;
		}
		if (src->sa) {
			if (src == &x->vals[i])
				pe->sa = *src->sa;
			dst->sa = &pe->sa;
		}
	}
	free(pe->heap);
	pe->heap = heap;
	pe->has_vals = true;
	return 0;
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
	if (pe->has_vals)
		apply_vals(&r, pe);
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
		pending_release(&old);
		pe = kt_imap_get(&p->map, e->tid);
	}
	memset(pe, 0, sizeof(*pe));
	pe->ev = ev;
	pe->ts = e->ts;
	pe->cpu = e->cpu;
	pe->compat = compat;
	memcpy(pe->regs, e->args, sizeof(pe->regs));
	if (e->kprobe && take_vals(pe, e) < 0 && !rc)
		rc = -1;
	return rc;
}

const struct kt_value *kt_pair_pending_val(struct kt_pairer *p, int tid, const char *arg,
					   const struct kt_event_def **ev)
{
	struct pending *pe = kt_imap_get(&p->map, tid);
	int i;

	if (!pe || !pe->has_vals || (i = kt_arg_index(pe->ev, arg)) < 0 || !pe->vals[i].set)
		return NULL;
	if (ev)
		*ev = pe->ev;
	return &pe->vals[i];
}

bool kt_pair_in_call(const struct kt_pairer *p, int tid)
{
	return kt_imap_get((struct kt_imap *)&p->map, tid) != NULL;
}

bool kt_pair_call_of(const struct kt_pairer *p, int tid, const struct kt_event_def **ev,
		     bool *compat)
{
	const struct pending *pe = kt_imap_get((struct kt_imap *)&p->map, tid);

	if (!pe)
		return false;
	*ev = pe->ev;
	*compat = pe->compat;
	return true;
}

/* Emit the pending call of @tid (if any) as @st, without a return
 * value, and forget it. */
static int emit_and_forget(struct kt_pairer *p, int tid, enum kt_state st)
{
	struct pending *pe = kt_imap_get(&p->map, tid);
	struct pending cur;
	int rc;

	if (!pe)
		return 0;
	cur = *pe;
	kt_imap_del(&p->map, tid);
	rc = emit_pending(p, tid, &cur, st, NULL);
	pending_release(&cur);
	return rc;
}

int kt_pair_noreturn(struct kt_pairer *p, int tid)
{
	return emit_and_forget(p, tid, KT_ST_COMPLETE);
}

int kt_pair_syscall(struct kt_pairer *p, const struct kt_raw *raw,
		    const struct kt_event_def *ev, bool compat)
{
	int rc;

	if (!(ev->flags & KT_EVF_NORETURN))
		return raw->kind == KT_RAW_ENTER ? kt_pair_enter(p, raw, ev, compat) :
						   kt_pair_exit(p, raw, ev, compat);
	/* Its record was written at entry: an exit (a sigreturn whose
	 * frame was bad) adds nothing. */
	if (raw->kind != KT_RAW_ENTER)
		return 0;
	rc = kt_pair_enter(p, raw, ev, compat);
	if (rc)
		return rc;
	return kt_pair_noreturn(p, raw->tid);
}

int kt_pair_thread_gone(struct kt_pairer *p, int tid)
{
	return emit_and_forget(p, tid, KT_ST_NO_EXIT);
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
		if (cur.ev == ev && cur.compat == compat) {
			rc = emit_pending(p, x->tid, &cur, KT_ST_COMPLETE, x);
			pending_release(&cur);
			return rc;
		}
		rc = emit_pending(p, x->tid, &cur, KT_ST_NO_EXIT, NULL);
		pending_release(&cur);
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
	return (x->tid > y->tid) - (x->tid < y->tid);
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
	for (size_t i = 0; i < n; i++) {
		pending_release(&items[i].pe);
		kt_imap_del(&p->map, items[i].tid);
	}
	free(items);
	return rc;
}

int kt_pair_detail(struct kt_pairer *p, const struct kt_raw *d,
		   const struct kt_event_def *ev, bool compat, bool any_abi)
{
	struct pending *pe = kt_imap_get(&p->map, d->tid);

	if (!pe) {
		p->unmatched++;
		return 0;
	}
	/* The thread is in another call that reaches the same kernel
	 * function (mq_timedsend_time32 calls do_mq_timedsend): not ours. */
	if (pe->ev != ev || (!any_abi && pe->compat != compat))
		return 0;
	return take_vals(pe, d);
}

unsigned long kt_pair_unmatched(const struct kt_pairer *p)
{
	return p->unmatched;
}

int kt_pair_flush(struct kt_pairer *p)
{
	return flush_before(p, UINT64_MAX, KT_ST_UNFINISHED);
}

int kt_pair_abandon(struct kt_pairer *p, uint64_t ts)
{
	return flush_before(p, ts, KT_ST_NO_EXIT);
}
