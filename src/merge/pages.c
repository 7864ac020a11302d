// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A merge source over copies of kernel sub-buffers (merge.h): the pages a
 * live ring hands out, or the pages of a recording.  kbuffer walks the
 * head page; losses come from the page's header (kt_subbuf_missed, since
 * kbuffer hides them behind a leading time extend) or from the reader.
 */
#include <stdlib.h>

#include <kbuffer.h>

#include "ktrail/merge.h"
#include "ktrail/ring.h"

static void page_src_next(struct kt_evsrc *src);

static const struct kt_evsrc_ops page_src_ops = {
	.next = page_src_next,
};

void kt_page_src_init(struct kt_page_src *ps, struct kt_page_pool *pool, int cpu,
		      struct kbuffer *kb)
{
	*ps = (struct kt_page_src){
		.src = { .ops = &page_src_ops, .cpu = cpu },
		.pool = pool,
		.kb = kb,
	};
}

struct kt_page *kt_page_get(struct kt_page_pool *pool)
{
	struct kt_page *p = pool->free;

	if (p) {
		pool->free = p->next;
		return p;
	}
	return malloc(sizeof(*p) + pool->subbuf_size);
}

void kt_page_put(struct kt_page_pool *pool, struct kt_page *p)
{
	p->next = pool->free;
	pool->free = p;
}

/* The current event of the loaded head page, c->src.has_ev false at its end. */
static void set_current(struct kt_page_src *ps, void *ev, unsigned long long ts)
{
	struct kt_evsrc *e = &ps->src;

	e->has_ev = ev != NULL;
	if (!ev)
		return;
	e->ts = ts;
	e->size = kbuffer_event_size(ps->kb);
	/* Defensive: an event past its sub-buffer is merged, not decoded. */
	e->ev = kt_event_in_subbuf(ps->head->data, ps->pool->subbuf_size, ev, e->size) ? ev : NULL;
}

static void drop_head(struct kt_page_src *ps)
{
	struct kt_page *p = ps->head;

	ps->head = p->next;
	if (!ps->head)
		ps->tail = NULL;
	kt_page_put(ps->pool, p);
}

void kt_page_src_load(struct kt_page_src *ps)
{
	struct kt_page_pool *pool = ps->pool;
	struct kt_evsrc *e = &ps->src;

	if (!ps->head && pool->refill)
		pool->refill(pool->arg, ps);
	while (!e->has_ev && ps->head) {
		struct kt_page *p = ps->head;

		/* A commit length past the sub-buffer is not walked. */
		if (kt_subbuf_valid(p->data, pool->subbuf_size, pool->long_size, pool->big_endian) &&
		    kbuffer_load_subbuffer(ps->kb, p->data) == 0) {
			long long missed = kt_subbuf_missed(p->data, pool->subbuf_size,
							    pool->long_size, pool->big_endian);
			uint64_t base = kbuffer_subbuf_timestamp(ps->kb, p->data);
			/* The mapping's count, or the header's flags (and
			 * maybe a count): -1 lost, count unknown. */
			long long lost = p->lost ? (long long)p->lost : missed;
			unsigned long long ts;
			void *ev;

			if (lost > 0)
				e->lost_stream += lost;
			else if (lost < 0)
				e->lost_unknown = true;
			ev = kbuffer_read_event(ps->kb, &ts);
			while (ev && (unsigned int)kbuffer_curr_index(ps->kb) < p->skip)
				ev = kbuffer_next_event(ps->kb, &ts);
			set_current(ps, ev, ts);
			if (lost && ev) {
				/* Reported by the merge, in time order. */
				e->loss = lost;
				e->loss_ts = base;
			} else if (lost) {
				pool->sink->loss(pool->sink->arg, e->cpu, base, lost);
			}
		} else if (pool->bad) {
			pool->bad(pool->arg, ps, p);
		}
		if (!e->has_ev) {
			drop_head(ps);
			if (!ps->head && pool->refill)
				pool->refill(pool->arg, ps);
		}
	}
}

static void page_src_next(struct kt_evsrc *src)
{
	struct kt_page_src *ps = (struct kt_page_src *)src;
	unsigned long long ts;
	void *ev = kbuffer_next_event(ps->kb, &ts);

	set_current(ps, ev, ts);
	if (!ev) {
		drop_head(ps);
		kt_page_src_load(ps);
	}
}

void kt_page_src_append(struct kt_page_src *ps, struct kt_page *p)
{
	p->next = NULL;
	if (ps->tail)
		ps->tail->next = p;
	else
		ps->head = p;
	ps->tail = p;
}

void kt_page_src_push(struct kt_page_src *ps, struct kt_page *p)
{
	kt_page_src_append(ps, p);
	if (!ps->src.has_ev)
		kt_page_src_load(ps);
}

void kt_page_src_free(struct kt_page_src *ps)
{
	struct kt_page *p;

	while ((p = ps->head)) {
		ps->head = p->next;
		free(p);
	}
	ps->tail = NULL;
	ps->src.has_ev = false;
	if (ps->kb)
		kbuffer_free(ps->kb);
	ps->kb = NULL;
}

void kt_page_pool_free(struct kt_page_pool *pool)
{
	struct kt_page *p;

	while ((p = pool->free)) {
		pool->free = p->next;
		free(p);
	}
}
