// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run names (src/kernel/runlock.c): a new name is a valid event-system
 * name (letters, digits, underscore), short enough for a kprobe group
 * (the kernel's 64-byte limit), ktrail_<pid>_<16 hex digits>, new at each
 * call; and what the stale cleanup takes a name for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/kernel.h"

static void test_new(void **state)
{
	char a[64], b[64], want[32];
	pid_t pid = 0;

	(void)state;
	kt_run_name_new(a, sizeof(a));
	kt_run_name_new(b, sizeof(b));
	assert_string_not_equal(a, b);
	snprintf(want, sizeof(want), "ktrail_%d_", (int)getpid());
	assert_int_equal(strncmp(a, want, strlen(want)), 0);
	assert_int_equal(strlen(a), strlen(want) + KT_RUN_TOKEN_LEN);
	assert_true(strlen(a) < 64);
	for (const char *p = a; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
	assert_int_equal(kt_run_name_kind(a, &pid), KT_RUN_LOCKED);
	assert_int_equal(pid, getpid());
}

static void test_kind(void **state)
{
	static const struct {
		const char *name;
		enum kt_run_kind kind;
		int pid;
	} t[] = {
		{ "ktrail_1_0123456789abcdef", KT_RUN_LOCKED, 1 },
		{ "ktrail_4194304_ffffffffffffffff", KT_RUN_LOCKED, 4194304 },
		{ "ktrail_1234", KT_RUN_LEGACY, 1234 },
		{ "ktrail_1", KT_RUN_LEGACY, 1 },
		{ "ktrail_", KT_RUN_OTHER, 0 },
		{ "ktrail_0", KT_RUN_OTHER, 0 },
		{ "ktrail_notapid", KT_RUN_OTHER, 0 },
		{ "ktrail_12x", KT_RUN_OTHER, 0 },
		{ "ktrail_1_0123456789abcde", KT_RUN_OTHER, 0 },	/* 15 digits */
		{ "ktrail_1_0123456789abcdef0", KT_RUN_OTHER, 0 },	/* 17 */
		{ "ktrail_1_0123456789ABCDEF", KT_RUN_OTHER, 0 },
		{ "ktrail_1_0123456789abcdeg", KT_RUN_OTHER, 0 },
		{ "ktrail__0123456789abcdef", KT_RUN_OTHER, 0 },
		{ "ktrail_capture_123", KT_RUN_OTHER, 0 },
		{ "ktrail_99999999999999", KT_RUN_OTHER, 0 },
		{ "ktrailx_1", KT_RUN_OTHER, 0 },
		{ "other_1", KT_RUN_OTHER, 0 },
		{ "", KT_RUN_OTHER, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pid_t pid = 0;

		print_message("%s\n", t[i].name);
		assert_int_equal(kt_run_name_kind(t[i].name, &pid), t[i].kind);
		if (t[i].kind != KT_RUN_OTHER)
			assert_int_equal(pid, t[i].pid);
		assert_int_equal(kt_run_name_kind(t[i].name, NULL), t[i].kind);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
