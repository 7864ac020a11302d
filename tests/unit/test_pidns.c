// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's pid of a trace_marker line's writer, from an instance's
 * trace text (src/kernel/pidns.c): the formats of 5.10 to 6.18 (with and
 * without record-tgid's column, "<...>" or a name, names holding '-',
 * '[', spaces and the marker's own words), a tag matched whole, and
 * headers and damaged lines never taken for a pid.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "ktrail/kernel.h"

#define TAG "ktrail-pid ktrail_1_0123456789abcdef self"

static pid_t pid_in(const char *text, const char *tag)
{
	pid_t p = -7;

	errno = 0;
	if (kt_marker_pid(text, tag, &p) < 0) {
		assert_int_equal(errno, ENOENT);
		assert_int_equal(p, -7);
		return -1;
	}
	return p;
}

/* 6.18, record-tgid on: the tgid column, unknown. */
static const char trace_618[] =
	"# tracer: nop\n"
	"#\n"
	"# entries-in-buffer/entries-written: 3/3   #P:2\n"
	"#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |           |       |   |||||     |         |\n"
	"           <...>-30511   (-------) [001] ...1.   536.955950: tracing_mark_write: "
	TAG "\n"
	"           <...>-30515   (  30511) [000] ...1.   536.958894: tracing_mark_write: "
	"ktrail-pid ktrail_1_0123456789abcdef command\n";

/* 5.10, no tgid column, four flag columns, a name. */
static const char trace_510[] =
	"# tracer: nop\n"
	"#           TASK-PID     CPU#  ||||    TIMESTAMP  FUNCTION\n"
	"          ktrail-812     [003] ....    12.000001: tracing_mark_write: other\n"
	"          ktrail-813     [003] ....    12.000002: tracing_mark_write: " TAG "\n";

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(pid_in(trace_618, TAG), 30511);
	assert_int_equal(pid_in(trace_618, "ktrail-pid ktrail_1_0123456789abcdef command"), 30515);
	assert_int_equal(pid_in(trace_510, TAG), 813);
	assert_int_equal(pid_in(trace_510, "other"), 812);
}

static void test_hostile_names(void **state)
{
	/* A name with '-', digits, '[', spaces and the marker's words. */
	static const char t[] =
		"  a-1 [9] x: tracing_mark_write: -42  -4242   [000] ...1.   1.000000: "
		"tracing_mark_write: " TAG "\n";
	static const char last[] = "x-5 [1] . 1.0: tracing_mark_write: " TAG;	/* no newline */

	(void)state;
	assert_int_equal(pid_in(t, TAG), 4242);
	assert_int_equal(pid_in(last, TAG), 5);
}

static void test_not_found(void **state)
{
	(void)state;
	/* The tag whole only: neither a prefix nor a longer line. */
	assert_int_equal(pid_in(trace_618, "ktrail-pid ktrail_1_0123456789abcdef"), -1);
	assert_int_equal(pid_in(trace_618, "ktrail-pid ktrail_1_0123456789abcdef selfish"), -1);
	assert_int_equal(pid_in("", TAG), -1);
	/* Headers and damaged lines. */
	assert_int_equal(pid_in("# x-1 [000] ...: tracing_mark_write: " TAG "\n", TAG), -1);
	assert_int_equal(pid_in("ktrail [000] 1.0: tracing_mark_write: " TAG "\n", TAG), -1);
	assert_int_equal(pid_in("ktrail-0 [000] 1.0: tracing_mark_write: " TAG "\n", TAG), -1);
	assert_int_equal(pid_in("ktrail-12 000 1.0: tracing_mark_write: " TAG "\n", TAG), -1);
	assert_int_equal(pid_in("-99999999999 [000] 1.0: tracing_mark_write: " TAG "\n", TAG), -1);
	assert_int_equal(pid_in("x-12 (---- [000] 1.0: tracing_mark_write: " TAG "\n", TAG), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
