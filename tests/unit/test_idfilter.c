// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel filter on syscall numbers (idfilter.h): the exact text of
 * each form, the choice between them at the kernel's limit, and E2BIG
 * when nothing fits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/catalog.h"
#include "ktrail/idfilter.h"
#include "ktrail/kernel.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* @ids in a buffer of @len bytes give @want, in @form. */
static void expect(int *ids, unsigned int n, size_t len, enum kt_idfilter_form form,
		   const char *want)
{
	char buf[KT_KFILTER_MAX + 1];
	enum kt_idfilter_form got = KT_IDF_NONE;
	int r;

	assert_true(len <= sizeof(buf));
	memset(buf, 'x', sizeof(buf));
	r = kt_idfilter_text(ids, n, buf, len, &got);
	assert_int_equal(r, (int)strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(got, form);
}

/* Nothing fits in @len bytes. */
static void expect_e2big(int *ids, unsigned int n, size_t len)
{
	char buf[KT_KFILTER_MAX + 1];
	enum kt_idfilter_form got = KT_IDF_RANGES;

	memset(buf, 'x', sizeof(buf));
	errno = 0;
	assert_int_equal(kt_idfilter_text(ids, n, buf, len, &got), -1);
	assert_int_equal(errno, E2BIG);
	assert_string_equal(buf, "");
	assert_int_equal(got, KT_IDF_NONE);
}

static void test_empty(void **state)
{
	int none[1] = { 7 };

	(void)state;
	expect(none, 0, KT_KFILTER_MAX, KT_IDF_EMPTY, "");
	assert_int_equal(none[0], 7);
}

static void test_one(void **state)
{
	int one[] = { 400 };

	(void)state;
	expect(one, 1, KT_KFILTER_MAX, KT_IDF_RANGES, "id == 400");
	/* The text and its NUL: 10 bytes fit, 9 do not. */
	expect(one, 1, 10, KT_IDF_RANGES, "id == 400");
	expect_e2big(one, 1, 9);
}

static void test_runs(void **state)
{
	/* Unsorted, with a repeat: sorted and deduplicated in place. */
	int ids[] = { 21, 7, 12, 5, 3, 20, 4, 6, 12, 30, 31, 32 };
	int neg[] = { 1, -1, 0 };

	(void)state;
	expect(ids, N(ids), KT_KFILTER_MAX, KT_IDF_RANGES,
	       "(id >= 3 && id <= 7) || id == 12 || id == 20 || id == 21 || "
	       "(id >= 30 && id <= 32)");
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[10], 32);
	expect(neg, N(neg), KT_KFILTER_MAX, KT_IDF_RANGES, "(id >= -1 && id <= 1)");
}

static void test_complement_small(void **state)
{
	int ids[] = { 1, 2, 3, 5, 6, 7, 9, 10, 11, 20, 21, 22, 23, 24, 25 };
	int pair[] = { 1, 2, 3, 6, 7, 8 };

	(void)state;
	/* Ranges: 95 bytes, complement: 65. */
	expect(ids, N(ids), 96, KT_IDF_RANGES,
	       "(id >= 1 && id <= 3) || (id >= 5 && id <= 7) || (id >= 9 && id <= 11) || "
	       "(id >= 20 && id <= 25)");
	expect(ids, N(ids), 95, KT_IDF_COMPLEMENT,
	       "id >= 1 && id <= 25 && id != 4 && id != 8 && (id < 12 || id > 19)");
	/* Two numbers left out: two comparisons (ranges: 44 bytes). */
	expect(pair, N(pair), 41, KT_IDF_COMPLEMENT,
	       "id >= 1 && id <= 8 && id != 4 && id != 5");
	expect_e2big(pair, N(pair), 40);
}

static void test_neither_small(void **state)
{
	int ids[] = { 1, 3, 5 };

	(void)state;
	/* 29 bytes of ranges, 40 of complement. */
	expect(ids, N(ids), 30, KT_IDF_RANGES, "id == 1 || id == 3 || id == 5");
	expect_e2big(ids, N(ids), 29);
	/* One run has no complement: it is its own range. */
	expect_e2big((int[]){ 1, 2, 3, 4 }, 4, 20);
}

/* Every i386 number of the catalog: ten ranges. */
static void test_catalog_i386(void **state)
{
	int ids[KT_MAX_EVENTS];
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (kt_events[i].nr[KT_ABI_I386] >= 0)
			ids[n++] = kt_events[i].nr[KT_ABI_I386];
	assert_int_equal(n, 450);	/* Tracee's 430, and ktrail's own rows */
	expect(ids, n, KT_KFILTER_MAX, KT_IDF_RANGES,
	       "(id >= 0 && id <= 89) || (id >= 91 && id <= 148) || (id >= 150 && id <= 221) || "
	       "(id >= 224 && id <= 250) || (id >= 252 && id <= 284) || (id >= 286 && id <= 386) || "
	       "(id >= 393 && id <= 402) || (id >= 405 && id <= 407) || (id >= 412 && id <= 414) || "
	       "(id >= 416 && id <= 452) || (id >= 454 && id <= 469)");
}

/*
 * At the kernel's limit: 1000 to 1799 but every fourth number, 200 runs
 * of three, are over 4095 bytes of ranges; their complement is 200
 * numbers left out.
 */
static void test_complement_at_limit(void **state)
{
	static char want[8192];
	int ids[600];
	unsigned int n = 0;
	size_t used;

	(void)state;
	for (int v = 1000; v < 1800; v++)
		if (v % 4)
			ids[n++] = v;
	assert_int_equal(n, 600);
	used = snprintf(want, sizeof(want), "id >= 1001 && id <= 1799");
	for (int v = 1004; v < 1800; v += 4)
		used += snprintf(want + used, sizeof(want) - used, " && id != %d", v);
	assert_true(used < KT_KFILTER_MAX);
	expect(ids, n, KT_KFILTER_MAX, KT_IDF_COMPLEMENT, want);

	/* The ranges are what they would be in a bigger buffer. */
	{
		static char big[8192];
		enum kt_idfilter_form form;
		int r = kt_idfilter_text(ids, n, big, sizeof(big), &form);

		assert_int_equal(form, KT_IDF_RANGES);
		assert_true(r >= KT_KFILTER_MAX);
		assert_memory_equal(big, "(id >= 1001 && id <= 1003) || (id >= 1005 && id <= 1007)",
				    56);
	}
}

/* Pairs in and pairs out, 1000 to 2999: neither form fits a page. */
static void test_neither_at_limit(void **state)
{
	int ids[1000];
	unsigned int n = 0;

	(void)state;
	for (int v = 1000; v < 3000; v++)
		if (v % 4 < 2)
			ids[n++] = v;
	expect_e2big(ids, n, KT_KFILTER_MAX);
}

/* The plan's numbers: entries with compat, in the plan's compat ABI. */
static void test_plan(void **state)
{
	struct kt_plan_entry e[3] = {
		{ .ev = kt_event_by_name("msgsnd"), .compat = true },
		{ .ev = kt_event_by_name("msgrcv"), .compat = false },
		{ .ev = kt_event_by_name("msgget"), .compat = true },
	};
	struct kt_plan plan = { .e = e, .n = 3, .compat = true, .compat_abi = KT_ABI_I386 };
	char buf[KT_KFILTER_MAX];
	enum kt_idfilter_form form;

	(void)state;
	for (unsigned int i = 0; i < N(e); i++)
		assert_non_null(e[i].ev);
	assert_int_equal(kt_idfilter_plan(&plan, buf, sizeof(buf), &form), 22);
	assert_string_equal(buf, "id == 399 || id == 400");
	assert_int_equal(form, KT_IDF_RANGES);
	e[1].compat = true;
	assert_int_equal(kt_idfilter_plan(&plan, buf, sizeof(buf), &form), 24);
	assert_string_equal(buf, "(id >= 399 && id <= 401)");
	plan.compat_abi = KT_ABI_NONE;
	assert_int_equal(kt_idfilter_plan(&plan, buf, sizeof(buf), &form), 0);
	assert_string_equal(buf, "");
	assert_int_equal(form, KT_IDF_EMPTY);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(kt_idfilter_form_name(KT_IDF_EMPTY), "empty");
	assert_string_equal(kt_idfilter_form_name(KT_IDF_RANGES), "ranges");
	assert_string_equal(kt_idfilter_form_name(KT_IDF_COMPLEMENT), "complement");
	assert_string_equal(kt_idfilter_form_name(KT_IDF_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_complement_small),
		cmocka_unit_test(test_neither_small),
		cmocka_unit_test(test_catalog_i386),
		cmocka_unit_test(test_complement_at_limit),
		cmocka_unit_test(test_neither_at_limit),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
