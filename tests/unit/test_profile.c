// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kprobes' counts at the end of a trace (src/kernel/kprobe.c): the
 * kprobe_profile text parsed, the counts since tracing started, and the
 * misses that belong to the trace.  The numbers are those of Debian 11's
 * 5.10 kernel under QEMU (tests/kernels, IPC workload with --fork): it
 * counts each fault of a probe's read through a NULL pointer as a miss of
 * every probe on the function, though the record is written; and a miss
 * that hits a call of the trace leaves a hole in it.  Also the pairer's
 * kt_pair_call_of, which the session counts detail records with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/catalog.h"
#include "ktrail/decode.h"
#include "ktrail/kernel.h"
#include "ktrail/pair.h"

struct seen {
	char ev[8][64];
	unsigned long long hits[8], missed[8];
	int n;
};

static void collect(const char *event, unsigned long long hits, unsigned long long missed,
		    void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	snprintf(s->ev[s->n], sizeof(s->ev[0]), "%s", event);
	s->hits[s->n] = hits;
	s->missed[s->n++] = missed;
}

/* The group's lines only; another group's skipped; an old kernel's
 * "<event>" without its group kept. */
static void test_parse(void **state)
{
	char text[] =
		"  ktrail_121/sendto_d                                      16              24\n"
		"  ktrail_121/mq_open_d                                      4               8\n"
		"  ktrail_99/sendto_d                                        7               3\n"
		"  kprobes/other                                             1               0\n"
		"  oldstyle                                                  5               2\n"
		"garbage line\n";
	struct seen s = { .n = 0 };

	(void)state;
	kt_profile_parse(text, "ktrail_121", collect, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ev[0], "sendto_d");
	assert_int_equal(s.hits[0], 16);
	assert_int_equal(s.missed[0], 24);
	assert_string_equal(s.ev[1], "mq_open_d");
	assert_int_equal(s.hits[1], 4);
	assert_int_equal(s.missed[1], 8);
	assert_string_equal(s.ev[2], "oldstyle");
	assert_int_equal(s.missed[2], 2);
}

static void test_since(void **state)
{
	(void)state;
	assert_int_equal(kt_count_since(0, 24), 24);
	assert_int_equal(kt_count_since(612, 636), 24);
	assert_int_equal(kt_count_since(5, 5), 0);
	/* A counter smaller than at the start (reset): nothing since. */
	assert_int_equal(kt_count_since(9, 3), 0);
}

/*
 * 5.10, native_auto: sendto_d on __sys_sendto counted 24 misses for 8
 * sendto calls, every one with its detail record (2 of them without
 * dest_addr: 12 faults each); mq_open_d 8 for 4 calls (2 without attr);
 * the calls' records complete.  No hole: none of the misses is this
 * trace's.
 */
static void test_owned_510(void **state)
{
	(void)state;
	assert_int_equal(kt_detail_holes(8, 0, 8), 0);
	assert_int_equal(kt_probe_misses_owned(24, kt_detail_holes(8, 0, 8)), 0);
	assert_int_equal(kt_probe_misses_owned(8, kt_detail_holes(4, 0, 4)), 0);
	/* native_kprobe: sendmsg_e and sendmsg_x on __x64_sys_sendmsg, 24
	 * each (the aggregate's count), no call without enter or exit. */
	assert_int_equal(kt_probe_misses_owned(24, 0 + 0), 0);
}

/* Real misses: a call of the trace without its detail values, or without
 * its exit; the misses other tasks made are not the trace's. */
static void test_owned_holes(void **state)
{
	(void)state;
	/* 8 calls, 6 detailed: 2 holes; the kernel counted 3 misses. */
	assert_int_equal(kt_detail_holes(8, 0, 6), 2);
	assert_int_equal(kt_probe_misses_owned(3, kt_detail_holes(8, 0, 6)), 2);
	/* As many misses as holes, or fewer: all of them. */
	assert_int_equal(kt_probe_misses_owned(2, 2), 2);
	assert_int_equal(kt_probe_misses_owned(1, 5), 1);
	/* A call without its enter has no detail to miss. */
	assert_int_equal(kt_detail_holes(8, 1, 6), 1);
	/* More detail records than calls with an enter: no hole. */
	assert_int_equal(kt_detail_holes(3, 1, 4), 0);
	assert_int_equal(kt_detail_holes(0, 0, 0), 0);
	assert_int_equal(kt_detail_holes(2, 5, 0), 0);
	/* No miss: nothing lost, whatever the holes (a ring-buffer loss). */
	assert_int_equal(kt_probe_misses_owned(0, 4), 0);
}

static int nothing(struct kt_record *r, void *arg)
{
	(void)r;
	(void)arg;
	return 0;
}

static void test_call_of(void **state)
{
	const struct kt_event_def *sendto = kt_event_by_name("sendto"), *ev = NULL;
	struct kt_pairer *p = kt_pairer_new(0, nothing, NULL);
	struct kt_raw e = { .kind = KT_RAW_ENTER, .tid = 42, .ev = sendto, .ts = 10 };
	bool compat = true;

	(void)state;
	assert_non_null(sendto);
	assert_non_null(p);
	assert_false(kt_pair_call_of(p, 42, &ev, &compat));
	assert_int_equal(kt_pair_enter(p, &e, sendto, false), 0);
	assert_true(kt_pair_call_of(p, 42, &ev, &compat));
	assert_ptr_equal(ev, sendto);
	assert_false(compat);
	assert_false(kt_pair_call_of(p, 43, &ev, &compat));
	kt_pairer_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_owned_510),
		cmocka_unit_test(test_owned_holes),
		cmocka_unit_test(test_call_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
