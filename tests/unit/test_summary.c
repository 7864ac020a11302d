// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Summaries (src/output/summary.c): the log-linear buckets (exact below
 * 128 ns, at most 1/128 wide above), nearest-rank percentiles within
 * 0.4 % of the exact ones over many distributions, human units, and the
 * summary-csv writer's exact figures (calls, errors and their errnos,
 * incomplete calls, total, min, avg, max, the order by total time, per
 * event and per process), the lost events said, and the text table with
 * its histogram.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/catalog.h"
#include "ktrail/writer.h"

#define NB (128 + 57 * 128)

static void test_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 128; v++)
		assert_int_equal(kt_sum_bucket(v), v);
	/* 128 .. 255: still one value a bucket. */
	assert_int_equal(kt_sum_bucket(128), 128);
	assert_int_equal(kt_sum_bucket(129), 129);
	assert_int_equal(kt_sum_bucket(255), 255);
	assert_int_equal(kt_sum_bucket(256), 256);	/* [256, 258) */
	assert_int_equal(kt_sum_bucket(257), 256);
	assert_int_equal(kt_sum_bucket(258), 257);
	assert_int_equal(kt_sum_bucket(UINT64_MAX), NB - 1);
	/* Monotonic, and never wider than 1/128 of its values. */
	for (uint64_t v = 1; v < (1ull << 40); v = v * 3 / 2 + 1) {
		assert_true(kt_sum_bucket(v) <= kt_sum_bucket(v + 1));
		assert_true(kt_sum_bucket(v + v / 128 + 1) > kt_sum_bucket(v) || v < 128);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t exact(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank = (pct * n + 99) / 100;

	return sorted[(rank ? rank : 1) - 1];
}

static void test_percentiles(void **state)
{
	static uint64_t bucket[NB];
	static uint64_t v[20000];
	const unsigned int pcts[] = { 1, 50, 90, 99, 100 };

	(void)state;
	srand(42);
	for (int dist = 0; dist < 6; dist++) {
		size_t n = dist == 0 ? 1 : dist == 1 ? 7 : 20000;
		uint64_t min = UINT64_MAX, max = 0;

		memset(bucket, 0, sizeof(bucket));
		for (size_t i = 0; i < n; i++) {
			switch (dist) {
			case 0: case 1: v[i] = 100 + i * 37; break;
			case 2: v[i] = (uint64_t)rand() % 100; break;			/* exact range */
			case 3: v[i] = 1000 + (uint64_t)rand() % 1000000; break;	/* uniform */
			case 4: v[i] = 1ull << (rand() % 40); break;			/* powers */
			default: v[i] = (uint64_t)rand() * (uint64_t)rand(); break;	/* wide */
			}
			bucket[kt_sum_bucket(v[i])]++;
			min = v[i] < min ? v[i] : min;
			max = v[i] > max ? v[i] : max;
		}
		qsort(v, n, sizeof(v[0]), cmp_u64);
		for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
			uint64_t want = exact(v, n, pcts[k]);
			uint64_t got = kt_sum_percentile(bucket, n, min, max, pcts[k]);
			uint64_t diff = got > want ? got - want : want - got;

			if (want < 256 || pcts[k] == 100 || (pcts[k] * n + 99) / 100 <= 1)
				assert_int_equal(got, want);
			else if (diff * 256 > want)
				fail_msg("dist %d p%u: %llu, exact %llu", dist, pcts[k],
					 (unsigned long long)got, (unsigned long long)want);
			assert_true(got >= min && got <= max);
		}
	}
	assert_int_equal(kt_sum_percentile(bucket, 0, 0, 0, 50), 0);
}

static void test_human(void **state)
{
	char b[24];

	(void)state;
	assert_string_equal(kt_sum_human(b, sizeof(b), 0), "0ns");
	assert_string_equal(kt_sum_human(b, sizeof(b), 999), "999ns");
	assert_string_equal(kt_sum_human(b, sizeof(b), 1000), "1.00us");
	assert_string_equal(kt_sum_human(b, sizeof(b), 12345), "12.3us");
	assert_string_equal(kt_sum_human(b, sizeof(b), 4560000), "4.56ms");
	assert_string_equal(kt_sum_human(b, sizeof(b), 250000000), "250ms");
	assert_string_equal(kt_sum_human(b, sizeof(b), 1200000000), "1.20s");
}

struct out {
	struct kt_writer w;
	const struct kt_event_def *evs[4];
	FILE *fp;
	char *buf;
	size_t len;
};

static void open_sum(struct out *o, const char *fmt, enum kt_sum_by by)
{
	memset(o, 0, sizeof(*o));
	o->fp = open_memstream(&o->buf, &o->len);
	assert_non_null(o->fp);
	o->evs[0] = kt_event_by_name("msgrcv");
	o->evs[1] = kt_event_by_name("msgsnd");
	o->evs[2] = kt_lost_event();
	o->w.nevents = 3;
	o->w.events = o->evs;
	o->w.fp = o->fp;
	o->w.summary_by = by;
	o->w.ops = kt_writer_find(fmt);
	assert_non_null(o->w.ops);
	assert_int_equal(kt_writer_begin(&o->w), 0);
}

static void put(struct out *o, const char *ev, int pid, const char *comm, enum kt_state st,
		int64_t ret, uint64_t dur)
{
	struct kt_record r = {
		.ts = 1000, .ts_exit = st == KT_ST_COMPLETE ? 1000 + dur : 0, .pid = pid,
		.tid = pid, .comm = comm, .ev = kt_event_by_name(ev), .state = st,
		.has_ret = st == KT_ST_COMPLETE, .ret = ret,
	};

	assert_int_equal(kt_writer_event(&o->w, &r), 0);
}

static const char *end_sum(struct out *o)
{
	assert_int_equal(kt_writer_end(&o->w), 0);
	fflush(o->fp);
	return o->buf;
}

static void feed(struct out *o)
{
	struct kt_record lost = { .ts = 5, .comm = "", .ev = kt_lost_event(),
				  .args = { { .set = true, .u = 3 } } };

	put(o, "msgsnd", 10, "a", KT_ST_COMPLETE, 0, 100);
	put(o, "msgsnd", 10, "a", KT_ST_COMPLETE, -11, 300);	/* EAGAIN */
	put(o, "msgrcv", 10, "a", KT_ST_COMPLETE, 16, 5000);
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -4, 7000);	/* EINTR */
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -4, 9000);
	put(o, "msgrcv", 20, "b", KT_ST_COMPLETE, -11, 1000);
	put(o, "msgrcv", 20, "b", KT_ST_UNFINISHED, 0, 0);
	put(o, "msgsnd", 20, "b", KT_ST_COMPLETE, -9999, 200);	/* not an errno */
	assert_int_equal(kt_writer_event(&o->w, &lost), 0);
}

#define HDR "eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns,max_ns," \
	    "incomplete,processId,threadId,processName,errnos\n"

static void test_csv_by_event(void **state)
{
	struct out o;

	(void)state;
	open_sum(&o, "summary-csv", KT_SUM_BY_EVENT);
	feed(&o);
	assert_string_equal(end_sum(&o),
		HDR
		"msgrcv,5,3,22000,1000,5500,5008,9000,9000,9000,1,,,,EINTR:2|EAGAIN:1\n"
		"msgsnd,3,1,600,100,200,200,300,300,300,0,,,,EAGAIN:1\n");
	fclose(o.fp);
	free(o.buf);
}

static void test_csv_by_process(void **state)
{
	struct out o;

	(void)state;
	open_sum(&o, "summary-csv", KT_SUM_BY_PROCESS);
	feed(&o);
	assert_string_equal(end_sum(&o),
		HDR
		"msgrcv,4,3,17000,1000,5666,6992,9000,9000,9000,1,20,,b,EINTR:2|EAGAIN:1\n"
		"msgrcv,1,0,5000,5000,5000,5000,5000,5000,5000,0,10,,a,\n"
		"msgsnd,2,1,400,100,200,100,300,300,300,0,10,,a,EAGAIN:1\n"
		"msgsnd,1,0,200,200,200,200,200,200,200,0,20,,b,\n");
	fclose(o.fp);
	free(o.buf);
}

static void test_text(void **state)
{
	struct out o;
	const char *t;

	(void)state;
	open_sum(&o, "summary", KT_SUM_BY_EVENT);
	feed(&o);
	t = end_sum(&o);
	assert_non_null(strstr(t, "ktrail summary: 8 calls, 4 errors, 2 events; 3 events lost, "
				  "the figures may miss calls\n"));
	assert_non_null(strstr(t, "\nmsgrcv                            5        3     22.0us     "
				  "1.00us     5.50us     5.01us     9.00us     9.00us     9.00us\n"
				  "    incomplete: 1\n    errors: EINTR 2, EAGAIN 1\n"));
	/* Its histogram: 1000 in [512ns, 1.02us), 5000 and 7000 in
	 * [4.10us, 8.19us), 9000 in [8.19us, 16.4us); the longest bar 40. */
	assert_non_null(strstr(t, "    [512ns, 1.02us)               1 |" "@@@@@@@@@@@@@@@@@@@@"
				  "                    |\n"));
	assert_non_null(strstr(t, "    [4.10us, 8.19us)              2 |"
				  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"));
	assert_non_null(strstr(t, "msgsnd                            3        1      600ns      "
				  "100ns      200ns      200ns      300ns      300ns      300ns\n"));
	fclose(o.fp);
	free(o.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_csv_by_event),
		cmocka_unit_test(test_csv_by_process),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
