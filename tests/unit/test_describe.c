// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Documentation from the catalog: ktrail-events(7) lists exactly the
 * catalog's events, in its order, each with all its arguments; the card of
 * `ktrail describe` has the facts of events.def.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrail/describe.h"

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, arg);
	fclose(fp);
	return buf;
}

static void man(FILE *fp, const void *arg)
{
	(void)arg;
	kt_describe_man(fp, "9.9", "2026-11-23");
}

static void card(FILE *fp, const void *arg)
{
	kt_describe(fp, arg);
}

static void test_man_lists_the_catalog(void **state)
{
	char *page = capture(man, NULL), *save = NULL;
	unsigned int want = 0, got = 0;
	const struct kt_event_def *cur = NULL;
	unsigned int rows = 0;

	(void)state;
	assert_non_null(strstr(page, ".TH KTRAIL-EVENTS 7 \"2026-11-23\" \"ktrail 9.9\""));
	for (unsigned int e = 0; e < kt_nevents; e++)
		want += kt_events[e].kind != KT_EV_PSEUDO;
	/* Every ".SS name" in catalog order; between it and ".TE", one table
	 * row per argument, starting with the argument's name. */
	for (char *l = strtok_r(page, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, ".SS ", 4)) {
			while (kt_events[got].kind == KT_EV_PSEUDO)
				got++;
			assert_string_equal(l + 4, kt_events[got].name);
			cur = &kt_events[got++];
			rows = 0;
		} else if (cur && !strcmp(l, ".TE")) {
			assert_int_equal(rows, cur->nargs + 1);	/* and the heading */
			cur = NULL;
		} else if (cur && strchr(l, '\t')) {
			if (rows > 0) {
				size_t n = strcspn(l, "\t");

				assert_true(n == strlen(cur->args[rows - 1].name));
				assert_memory_equal(l, cur->args[rows - 1].name, n);
			}
			rows++;
		}
	}
	while (got < kt_nevents && kt_events[got].kind != KT_EV_SYSCALL)
		got++;
	assert_int_equal(got, kt_nevents);
	(void)want;
	free(page);
}

static void test_card(void **state)
{
	char *c = capture(card, kt_event_by_name("mq_open"));

	(void)state;
	assert_true(!strncmp(c, "mq_open\n  open a POSIX message queue\n", 36));
	assert_non_null(strstr(c, "id:       240 (x86_64), 180 (arm64)\n"));
	assert_non_null(strstr(c, "sets:     syscalls,ipc,ipc_msgq\n"));
	assert_non_null(strstr(c, "number x86_64 240, i386 277, arm64 180, arm 274"));
	assert_non_null(strstr(c, "  name             const char*                string         U,TOCTOU\n"));
	assert_non_null(strstr(c, "  mq_maxmsg        long                       int64          "
			       "K (ktrail's own, read through attr)\n"));
	assert_non_null(strstr(c, "syscalls/sys_enter_mq_open and sys_exit_mq_open"));
	assert_non_null(strstr(c, "detail kprobe for the user-memory arguments on do_mq_open\n"));
	free(c);
	/* A 32-bit-only event has no syscall tracepoint recipe. */
	c = capture(card, kt_event_by_name("mq_timedreceive_time32"));
	assert_null(strstr(c, "syscall tracepoints"));
	assert_non_null(strstr(c, "raw_syscalls filtered by the 32-bit syscall number"));
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man_lists_the_catalog),
		cmocka_unit_test(test_card),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
