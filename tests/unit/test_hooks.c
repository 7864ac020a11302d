// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KTRAIL_DEBUG_* and KTRAIL_TEST_* variables (src/hooks.c): the debug
 * flags in every build, 1 or 0 and nothing else; the test hooks only in a
 * build configured with --enable-test-hooks, each value checked (a probe
 * event of ktrail's, a symbol's name, an absolute path, printable filter
 * text, a number in range), unknown names refused; in any other build
 * every KTRAIL_TEST_* variable is ignored and counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/hooks.h"

#define PARSE(h, err, ...) \
	kt_hooks_parse((h), (char *const[]){ __VA_ARGS__, NULL }, (err), sizeof(err))

static void test_debug(void **state)
{
	struct kt_hooks h;
	char err[256] = "";

	(void)state;
	assert_int_equal(PARSE(&h, err, "PATH=/bin", "KTRAIL_ARMHF=x", "KTRAIL_DEBUG_RING=1",
			       "KTRAIL_DEBUG_FILTERS=0", "KTRAIL_DEBUG_PROFILE="), 0);
	assert_true(h.debug_ring);
	assert_false(h.debug_filters);
	assert_false(h.debug_profile);
	assert_int_equal(h.ignored, 0);
	assert_int_equal(PARSE(&h, err, "KTRAIL_DEBUG_PROFILE=1", "KTRAIL_DEBUG_FILTERS=1"), 0);
	assert_true(h.debug_profile && h.debug_filters && !h.debug_ring);

	assert_int_equal(PARSE(&h, err, "KTRAIL_DEBUG_RING=yes"), -1);
	assert_string_equal(err, "KTRAIL_DEBUG_RING=yes: want 1 (on) or 0 (off)");
	assert_int_equal(PARSE(&h, err, "KTRAIL_DEBUG_RING=1\n"), -1);
	assert_string_equal(err, "KTRAIL_DEBUG_RING=1?: want 1 (on) or 0 (off)");
	assert_int_equal(PARSE(&h, err, "KTRAIL_DEBUG_NOSUCH=1"), -1);
	assert_string_equal(err, "KTRAIL_DEBUG_NOSUCH: no such variable of ktrail's "
			    "(doc/test-hooks.md)");
	/* A flag is all clear after a refusal too. */
	assert_false(h.debug_ring);
}

#ifdef KT_TEST_HOOKS
static void test_values(void **state)
{
	struct kt_hooks h;
	char err[256] = "";

	(void)state;
	assert_true(kt_hooks_built);
	assert_int_equal(PARSE(&h, err, "KTRAIL_TEST_NO_KFILTER=1", "KTRAIL_TEST_COMPAT_LAZY=1",
			       "KTRAIL_TEST_NO_SYSCALL_TP=1",
			       "KTRAIL_TEST_BAD_FETCH=msgsnd_d",
			       "KTRAIL_TEST_PROBE_SYMBOL=mq_open_cx=do_mq_open.isra.0",
			       "KTRAIL_TEST_OPEN_AFTER_DROP=/tmp/x y",
			       "KTRAIL_TEST_RAW_FILTER=id == 400 || id == 401",
			       "KTRAIL_TEST_IDFILTER_MAX=4096"), 0);
	assert_true(h.test.no_kfilter && h.test.compat_lazy && h.test.no_syscall_tp);
	assert_string_equal(h.test.bad_fetch, "msgsnd_d");
	assert_string_equal(h.test.probe_event, "mq_open_cx=do_mq_open.isra.0");
	assert_string_equal(h.test.probe_symbol, "do_mq_open.isra.0");
	assert_string_equal(h.test.open_after_drop, "/tmp/x y");
	assert_string_equal(h.test.raw_filter, "id == 400 || id == 401");
	assert_int_equal(h.test.idfilter_max, 4096);
	assert_int_equal(h.ignored, 0);
	/* Empty: unset. */
	assert_int_equal(PARSE(&h, err, "KTRAIL_TEST_IDFILTER_MAX=", "KTRAIL_TEST_BAD_FETCH=",
			       "KTRAIL_TEST_RAW_FILTER=", "KTRAIL_TEST_PROBE_SYMBOL=",
			       "KTRAIL_TEST_OPEN_AFTER_DROP="), 0);
	assert_int_equal(h.test.idfilter_max, 0);
	assert_null(h.test.bad_fetch);
	assert_null(h.test.raw_filter);
	assert_null(h.test.probe_event);
	assert_null(h.test.open_after_drop);
	assert_int_equal(PARSE(&h, err, "KTRAIL_TEST_IDFILTER_MAX=1"), 0);
	assert_int_equal(h.test.idfilter_max, 1);
}

static void test_refused(void **state)
{
	static const struct {
		const char *env, *err;
	} t[] = {
		{ "KTRAIL_TEST_NO_KFILTER=on", "KTRAIL_TEST_NO_KFILTER=on: want 1 (on) or 0 (off)" },
		{ "KTRAIL_TEST_BAD_FETCH=msgsnd", "KTRAIL_TEST_BAD_FETCH=msgsnd: want a probe event "
		  "of ktrail's (EVENT_e, _x, _d, _ce, _cx or _cd, e.g. msgsnd_d)" },
		{ "KTRAIL_TEST_BAD_FETCH=nosuch_d", "KTRAIL_TEST_BAD_FETCH=nosuch_d: want a probe "
		  "event of ktrail's (EVENT_e, _x, _d, _ce, _cx or _cd, e.g. msgsnd_d)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d", "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d: want "
		  "EVENT=SYMBOL, EVENT a probe event of ktrail's (e.g. msgsnd_d=ksys_msgsnd)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_z=ksys_msgsnd", "KTRAIL_TEST_PROBE_SYMBOL="
		  "msgsnd_z=ksys_msgsnd: want EVENT=SYMBOL, EVENT a probe event of ktrail's "
		  "(e.g. msgsnd_d=ksys_msgsnd)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd a=+0(%di):u32",
		  "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd a=+0(%di):u32: the symbol must "
		  "be a kernel symbol's name (letters, digits, '_' and '.', not a digit first, 95 "
		  "bytes at most)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd\n-:ktrail/x",
		  "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd?-:ktrail/x: the symbol must "
		  "be a kernel symbol's name (letters, digits, '_' and '.', not a digit first, 95 "
		  "bytes at most)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=", "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=: the "
		  "symbol must be a kernel symbol's name (letters, digits, '_' and '.', not a "
		  "digit first, 95 bytes at most)" },
		{ "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=0x1234", "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d="
		  "0x1234: the symbol must be a kernel symbol's name (letters, digits, '_' and "
		  "'.', not a digit first, 95 bytes at most)" },
		{ "KTRAIL_TEST_OPEN_AFTER_DROP=etc/shadow", "KTRAIL_TEST_OPEN_AFTER_DROP=etc/shadow: "
		  "want an absolute path (printable, shorter than 4096 bytes)" },
		{ "KTRAIL_TEST_RAW_FILTER=id == 1\n", "KTRAIL_TEST_RAW_FILTER=id == 1?: want a filter "
		  "of printable ASCII, 8191 bytes at most" },
		{ "KTRAIL_TEST_IDFILTER_MAX=0", "KTRAIL_TEST_IDFILTER_MAX=0: want a number of bytes "
		  "from 1 to 4096" },
		{ "KTRAIL_TEST_IDFILTER_MAX=4097", "KTRAIL_TEST_IDFILTER_MAX=4097: want a number of "
		  "bytes from 1 to 4096" },
		{ "KTRAIL_TEST_IDFILTER_MAX=-1", "KTRAIL_TEST_IDFILTER_MAX=-1: want a number of "
		  "bytes from 1 to 4096" },
		{ "KTRAIL_TEST_IDFILTER_MAX=99999999999999999999999", "KTRAIL_TEST_IDFILTER_MAX="
		  "99999999999999999999999: want a number of bytes from 1 to 4096" },
		{ "KTRAIL_TEST_NOSUCH=1", "KTRAIL_TEST_NOSUCH: no such test hook "
		  "(doc/test-hooks.md)" },
	};
	struct kt_hooks h;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("%s\n", t[i].env);
		err[0] = '\0';
		assert_int_equal(PARSE(&h, err, (char *)t[i].env), -1);
		assert_string_equal(err, t[i].err);
	}
}

/* The longest values taken, and one byte more. */
static void test_limits(void **state)
{
	struct kt_hooks h;
	char err[256], *sym = malloc(200), *flt = malloc(9000);

	(void)state;
	assert_non_null(sym);
	assert_non_null(flt);
	snprintf(sym, 200, "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=%095d", 0);
	sym[strlen("KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=")] = 'f';
	assert_int_equal(PARSE(&h, err, sym), 0);
	assert_int_equal(strlen(h.test.probe_symbol), 95);
	strcat(sym, "0");
	assert_int_equal(PARSE(&h, err, sym), -1);
	memset(flt, 'x', 9000);
	memcpy(flt, "KTRAIL_TEST_RAW_FILTER=", 23);
	flt[23 + 8191] = '\0';
	assert_int_equal(PARSE(&h, err, flt), 0);
	assert_int_equal(strlen(h.test.raw_filter), 8191);
	flt[23 + 8191] = 'x';
	flt[23 + 8192] = '\0';
	assert_int_equal(PARSE(&h, err, flt), -1);
	free(sym);
	free(flt);
}
#else
static void test_ignored(void **state)
{
	struct kt_hooks h;
	char err[256] = "";

	(void)state;
	assert_false(kt_hooks_built);
	assert_int_equal(PARSE(&h, err, "KTRAIL_DEBUG_RING=1", "KTRAIL_TEST_PROBE_SYMBOL=a b",
			       "KTRAIL_TEST_NO_KFILTER=1", "KTRAIL_TEST_NOSUCH=x"), 0);
	assert_int_equal(h.ignored, 3);
	assert_string_equal(h.ignored_name, "KTRAIL_TEST_PROBE_SYMBOL=a b");
	assert_false(h.test.no_kfilter);
	assert_null(h.test.probe_event);
	assert_true(h.debug_ring);
	/* What the session code sees: constants. */
	assert_false(KT_TEST(no_kfilter));
	assert_null(KT_TEST(raw_filter));
	assert_int_equal(KT_TEST(idfilter_max), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debug),
#ifdef KT_TEST_HOOKS
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limits),
#else
		cmocka_unit_test(test_ignored),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
