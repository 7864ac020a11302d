// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The merge on its own (merge.h): sources of hand-made events, and the
 * sub-buffer source over hand-built kernel sub-buffers (64-bit, little
 * endian, as this kernel writes them), with no kernel and no decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <kbuffer.h>

#include "ktrail/merge.h"
#include "ktrail/subbuf.h"

/* ----------------------------------------------------- what the sink saw */

#define MAX_SEEN 64

struct seen {
	char what;		/* 'e' an event, 'l' a loss */
	int cpu;
	unsigned long long ts;
	long long count;	/* loss */
	uint32_t mark;		/* event: its first payload word */
	unsigned int size;
};

struct sink_state {
	struct seen s[MAX_SEEN];
	unsigned int n;
	unsigned int stop_after;	/* 0: never */
};

static void on_event(void *arg, int cpu, const void *data, unsigned int size,
		     unsigned long long ts)
{
	struct sink_state *st = arg;
	struct seen *e = &st->s[st->n++];

	assert_true(st->n <= MAX_SEEN);
	*e = (struct seen){ .what = 'e', .cpu = cpu, .ts = ts, .size = size };
	if (size >= 4)
		memcpy(&e->mark, data, 4);
}

static void on_loss(void *arg, int cpu, uint64_t ts, long long count)
{
	struct sink_state *st = arg;

	st->s[st->n++] = (struct seen){ .what = 'l', .cpu = cpu, .ts = ts, .count = count };
	assert_true(st->n <= MAX_SEEN);
}

static bool on_stop(void *arg)
{
	struct sink_state *st = arg;

	return st->stop_after && st->n >= st->stop_after;
}

/* --------------------------------------------- a source of plain events */

struct array_src {
	struct kt_evsrc src;
	const unsigned long long *ts;
	unsigned int n, i;
	uint32_t payload;
};

static void array_set(struct array_src *a)
{
	a->src.has_ev = a->i < a->n;
	if (a->src.has_ev) {
		a->payload = (uint32_t)(a->src.cpu * 1000 + a->i);
		a->src.ev = &a->payload;
		a->src.size = sizeof(a->payload);
		a->src.ts = a->ts[a->i];
	}
}

static void array_next(struct kt_evsrc *src)
{
	struct array_src *a = (struct array_src *)src;

	a->i++;
	array_set(a);
}

static const struct kt_evsrc_ops array_ops = { .next = array_next };

static void array_init(struct array_src *a, int cpu, const unsigned long long *ts,
		       unsigned int n)
{
	*a = (struct array_src){ .src = { .ops = &array_ops, .cpu = cpu }, .ts = ts, .n = n };
	array_set(a);
}

static void expect(const struct sink_state *st, unsigned int i, char what, int cpu,
		   unsigned long long ts)
{
	assert_true(i < st->n);
	assert_int_equal(st->s[i].what, what);
	assert_int_equal(st->s[i].cpu, cpu);
	assert_int_equal(st->s[i].ts, ts);
}

/* Three CPUs interleaved: one stream in time order, each event once. */
static void test_order(void **state)
{
	static const unsigned long long t0[] = { 10, 40, 70 }, t1[] = { 20, 50 },
					t2[] = { 5, 30, 60, 90 };
	struct array_src a0, a1, a2;
	struct kt_evsrc *src[4];
	struct sink_state st = { 0 };
	struct kt_merge_sink sink = { on_event, on_loss, on_stop, &st };
	static const struct { int cpu; unsigned long long ts; } want[] = {
		{ 2, 5 }, { 0, 10 }, { 1, 20 }, { 2, 30 }, { 0, 40 },
		{ 1, 50 }, { 2, 60 }, { 0, 70 }, { 2, 90 },
	};
	unsigned long long last = 0;

	(void)state;
	array_init(&a0, 0, t0, 3);
	array_init(&a1, 1, t1, 2);
	array_init(&a2, 2, t2, 4);
	src[0] = &a0.src;
	src[1] = NULL;		/* a CPU without a source is skipped */
	src[2] = &a1.src;
	src[3] = &a2.src;
	kt_merge(src, 4, ~0ull, &sink, &last);
	assert_int_equal(st.n, 9);
	for (unsigned int i = 0; i < 9; i++) {
		expect(&st, i, 'e', want[i].cpu, want[i].ts);
		assert_int_equal(st.s[i].size, 4);
	}
	assert_int_equal(st.s[2].mark, 1000);	/* cpu1's first event */
	assert_int_equal(last, 90);
	for (int i = 0; i < 4; i++)
		assert_true(!src[i] || !src[i]->has_ev);
}

/* The watermark: events at or after @limit wait for the next call. */
static void test_limit(void **state)
{
	static const unsigned long long t0[] = { 10, 40 }, t1[] = { 20, 50 };
	struct array_src a0, a1;
	struct kt_evsrc *src[2] = { &a0.src, &a1.src };
	struct sink_state st = { 0 };
	struct kt_merge_sink sink = { on_event, on_loss, NULL, &st };

	(void)state;
	array_init(&a0, 0, t0, 2);
	array_init(&a1, 1, t1, 2);
	kt_merge(src, 2, 40, &sink, NULL);
	assert_int_equal(st.n, 2);
	expect(&st, 0, 'e', 0, 10);
	expect(&st, 1, 'e', 1, 20);
	assert_true(a0.src.has_ev);
	assert_int_equal(a0.src.ts, 40);
	kt_merge(src, 2, ~0ull, &sink, NULL);
	assert_int_equal(st.n, 4);
	expect(&st, 2, 'e', 0, 40);
	expect(&st, 3, 'e', 1, 50);
}

/* A loss is reported just before the first event after it, in time order
 * with the other CPUs' events; an event without data (past its
 * sub-buffer) is merged but not handed on; stop() ends the merge. */
static void test_loss_and_stop(void **state)
{
	static const unsigned long long t0[] = { 10, 30, 50 }, t1[] = { 20, 40 };
	struct array_src a0, a1;
	struct kt_evsrc *src[2] = { &a0.src, &a1.src };
	struct sink_state st = { 0 };
	struct kt_merge_sink sink = { on_event, on_loss, on_stop, &st };
	unsigned long long last = 0;

	(void)state;
	array_init(&a0, 0, t0, 3);
	array_init(&a1, 1, t1, 2);
	a1.src.loss = 7;
	a1.src.loss_ts = 15;
	kt_merge(src, 2, 25, &sink, &last);
	assert_int_equal(st.n, 3);
	expect(&st, 0, 'e', 0, 10);
	expect(&st, 1, 'l', 1, 15);
	assert_int_equal(st.s[1].count, 7);
	expect(&st, 2, 'e', 1, 20);
	assert_int_equal(a1.src.loss, 0);	/* reported once */
	/* cpu0's event at 30 has no data to decode. */
	a0.src.ev = NULL;
	st.stop_after = 4;
	kt_merge(src, 2, ~0ull, &sink, &last);
	assert_int_equal(last, 40);		/* 30 was merged, not handed on */
	assert_int_equal(st.n, 4);
	expect(&st, 3, 'e', 1, 40);
	assert_true(a0.src.has_ev);		/* stopped before 50 */
	assert_int_equal(a0.src.ts, 50);
}

/* ------------------------------------------------ sub-buffer sources */

#define SUBBUF 256

/* A 64-bit little-endian sub-buffer: timestamp, commit word, then data
 * events of 8 bytes of payload (type_len 2) with these deltas and first
 * payload words. */
static void build_subbuf(unsigned char *p, uint64_t ts, const uint32_t *delta,
			 const uint32_t *mark, unsigned int n, uint64_t flags, int64_t stored)
{
	uint64_t commit;
	size_t off = 16;

	memset(p, 0, SUBBUF);
	memcpy(p, &ts, 8);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t h = 2 | (delta[i] << 5);
		uint32_t zero = 0;

		memcpy(p + off, &h, 4);
		memcpy(p + off + 4, &mark[i], 4);
		memcpy(p + off + 8, &zero, 4);
		off += 12;
	}
	commit = (off - 16) | flags;
	memcpy(p + 8, &commit, 8);
	if (stored >= 0)
		memcpy(p + off, &stored, 8);	/* the lost count, after the data */
}

struct pages_state {
	struct sink_state st;
	unsigned int bad;
};

static void on_bad(void *arg, struct kt_page_src *ps, const struct kt_page *p)
{
	struct pages_state *ps_state = arg;

	(void)ps;
	(void)p;
	ps_state->bad++;
}

static struct kt_page *page_of(struct kt_page_pool *pool, const unsigned char *sb,
			       unsigned int skip)
{
	struct kt_page *p = kt_page_get(pool);

	assert_non_null(p);
	memcpy(p->data, sb, SUBBUF);
	p->skip = skip;
	p->lost = 0;
	return p;
}

/*
 * Two CPUs of sub-buffers: events in time order across pages and CPUs,
 * the header's stored loss count reported before the first event of its
 * page, a delivered prefix (skip) not handed on again, a page that fails
 * the check skipped and counted.
 */
static void test_page_sources(void **state)
{
	struct pages_state ps = { 0 };
	struct kt_merge_sink sink = { on_event, on_loss, NULL, &ps.st };
	struct kt_page_pool pool = {
		.subbuf_size = SUBBUF, .long_size = 8, .big_endian = false,
		.sink = &sink, .bad = on_bad, .arg = &ps,
	};
	struct kt_page_src c0, c1;
	struct kt_evsrc *src[2] = { &c0.src, &c1.src };
	unsigned char sb[SUBBUF];
	static const uint32_t d0[] = { 0, 10, 10 }, m0[] = { 100, 101, 102 };
	static const uint32_t d1[] = { 5, 20 }, m1[] = { 200, 201 };
	static const uint32_t d2[] = { 0, 7 }, m2[] = { 103, 104 };

	(void)state;
	kt_page_src_init(&c0, &pool, 0, kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE));
	kt_page_src_init(&c1, &pool, 1, kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE));
	assert_non_null(c0.kb);
	assert_non_null(c1.kb);

	/* cpu0: events at 1000, 1010, 1020; then a page at 1100 after 3
	 * lost events (count stored), events at 1100, 1107. */
	build_subbuf(sb, 1000, d0, m0, 3, 0, -1);
	assert_true(kt_subbuf_valid(sb, SUBBUF, 8, false));
	kt_page_src_push(&c0, page_of(&pool, sb, 0));
	assert_true(c0.src.has_ev);
	assert_int_equal(c0.src.ts, 1000);
	build_subbuf(sb, 1100, d2, m2, 2, KT_RB_MISSED_EVENTS | KT_RB_MISSED_STORED, 3);
	kt_page_src_push(&c0, page_of(&pool, sb, 0));
	/* A page whose commit runs past the sub-buffer: skipped. */
	memset(sb, 0xff, SUBBUF);
	kt_page_src_push(&c0, page_of(&pool, sb, 0));

	/* cpu1: events at 1005, 1025, of which the first was delivered
	 * before (skip: the second event's data offset). */
	build_subbuf(sb, 1000, d1, m1, 2, 0, -1);
	kt_page_src_push(&c1, page_of(&pool, sb, 12));
	assert_int_equal(c1.src.ts, 1025);

	kt_merge(src, 2, ~0ull, &sink, NULL);
	assert_int_equal(ps.st.n, 7);
	expect(&ps.st, 0, 'e', 0, 1000);
	assert_int_equal(ps.st.s[0].mark, 100);
	assert_int_equal(ps.st.s[0].size, 8);
	expect(&ps.st, 1, 'e', 0, 1010);
	expect(&ps.st, 2, 'e', 0, 1020);
	expect(&ps.st, 3, 'e', 1, 1025);
	assert_int_equal(ps.st.s[3].mark, 201);
	expect(&ps.st, 4, 'l', 0, 1100);
	assert_int_equal(ps.st.s[4].count, 3);
	expect(&ps.st, 5, 'e', 0, 1100);
	assert_int_equal(ps.st.s[5].mark, 103);
	expect(&ps.st, 6, 'e', 0, 1107);
	assert_int_equal(ps.st.s[6].mark, 104);
	assert_int_equal(ps.bad, 1);
	assert_int_equal(c0.src.lost_stream, 3);
	assert_false(c0.src.has_ev || c1.src.has_ev);
	assert_null(c0.head);

	kt_page_src_free(&c0);
	kt_page_src_free(&c1);
	kt_page_pool_free(&pool);
}

/* A loss with no event after it in its page is reported at once. */
static void test_page_loss_alone(void **state)
{
	struct pages_state ps = { 0 };
	struct kt_merge_sink sink = { on_event, on_loss, NULL, &ps.st };
	struct kt_page_pool pool = {
		.subbuf_size = SUBBUF, .long_size = 8, .sink = &sink, .bad = on_bad, .arg = &ps,
	};
	struct kt_page_src c0;
	unsigned char sb[SUBBUF];

	(void)state;
	kt_page_src_init(&c0, &pool, 0, kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE));
	build_subbuf(sb, 500, NULL, NULL, 0, KT_RB_MISSED_EVENTS, -1);
	kt_page_src_push(&c0, page_of(&pool, sb, 0));
	assert_int_equal(ps.st.n, 1);
	expect(&ps.st, 0, 'l', 0, 500);
	assert_int_equal(ps.st.s[0].count, -1);	/* the count was not stored */
	assert_true(c0.src.lost_unknown);
	assert_false(c0.src.has_ev);
	kt_page_src_free(&c0);
	kt_page_pool_free(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_loss_and_stop),
		cmocka_unit_test(test_page_sources),
		cmocka_unit_test(test_page_loss_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
