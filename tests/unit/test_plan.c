// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan's feeds (kt_plan_feeds): which tracepoints ktrail enables for
 * the process table and the lifecycle records, on kernels made of a
 * directory tree of format files (no kernel, no root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktrail/kernel.h"

static char root[256];

/* events/SYS/NAME/format, as a tracefs has it. */
static void add_event(const char *sys, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/events", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s", root, sys);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s", root, sys, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, sys, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "name: %s\n", name);
	fclose(f);
}

static void add_syscall(const char *tp)
{
	char n[64];

	snprintf(n, sizeof(n), "sys_enter_%s", tp);
	add_event("syscalls", n);
	snprintf(n, sizeof(n), "sys_exit_%s", tp);
	add_event("syscalls", n);
}

static int make_kernel(void **state)
{
	static const char *const calls[] = { "msgsnd", "exit", "exit_group", "setuid",
					     "setreuid", "setresuid", "unshare", "setns",
					     "setfsuid", "capset" };

	(void)state;
	snprintf(root, sizeof(root), "/tmp/kt-test-plan-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		add_syscall(calls[i]);
	add_event("task", "task_newtask");
	add_event("task", "task_rename");
	add_event("sched", "sched_process_exec");
	add_event("sched", "sched_process_exit");
	return 0;
}

static int remove_kernel(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void features(struct kt_features *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->tracefs, sizeof(f->tracefs), "%s", root);
	f->syscalls = true;
	f->task_events = true;
	f->sched_exec = true;
	f->sched_exit = true;
	f->compat_tasks = 0;
	snprintf(f->compat_why, sizeof(f->compat_why), "test: no 32-bit tasks");
}

/* The feeds of a plan for @events, as "sys/name ..." */
static void feeds_of(const struct kt_features *f, const char *events, char *out, size_t len)
{
	struct kt_selection sel;
	struct kt_plan plan;
	struct kt_plan_feed feeds[KT_PLAN_MAX_FEEDS];
	char bad[128];
	unsigned int n;
	size_t used = 0;

	assert_int_equal(kt_select(events, &sel, bad, sizeof(bad)), 0);
	assert_int_equal(kt_plan_make(f, &sel, KT_COMPAT_OFF, &plan), 0);
	n = kt_plan_feeds(&plan, f, feeds, KT_PLAN_MAX_FEEDS);
	out[0] = '\0';
	for (unsigned int i = 0; i < n; i++)
		used += snprintf(out + used, len - used, "%s%s/%s", i ? " " : "",
				 feeds[i].system, feeds[i].name);
	kt_plan_free(&plan);
}

#define TABLE_FEEDS "task/task_newtask task/task_rename sched/sched_process_exec " \
	"sched/sched_process_exit"
#define CTX_FEEDS "syscalls/sys_exit_setuid syscalls/sys_exit_setreuid " \
	"syscalls/sys_exit_setresuid syscalls/sys_exit_unshare syscalls/sys_exit_setns " \
	"syscalls/sys_exit_setfsuid syscalls/sys_exit_capset"

/* An event that needs nothing more: the process table's feeds and the
 * context calls' exits. */
static void test_feeds_plain(void **state)
{
	struct kt_features f;
	char got[2048];

	(void)state;
	features(&f);
	feeds_of(&f, "msgsnd", got, sizeof(got));
	assert_string_equal(got, TABLE_FEEDS " " CTX_FEEDS);
}

/* sched_process_exit planned: its causes too, the signals only where the
 * kernel has them. */
static void test_feeds_exit_causes(void **state)
{
	struct kt_features f;
	char got[2048];

	(void)state;
	features(&f);
	feeds_of(&f, "sched_process_exit", got, sizeof(got));
	assert_string_equal(got, TABLE_FEEDS " syscalls/sys_enter_exit syscalls/sys_enter_exit_group "
			    CTX_FEEDS);
	add_event("signal", "signal_deliver");
	add_event("signal", "signal_generate");
	feeds_of(&f, "sched_process_exit", got, sizeof(got));
	assert_string_equal(got, TABLE_FEEDS " syscalls/sys_enter_exit syscalls/sys_enter_exit_group "
			    "signal/signal_deliver signal/signal_generate " CTX_FEEDS);
}

/* A call traced as an event is no feed: its own tracepoints are on. */
static void test_feeds_traced_calls(void **state)
{
	struct kt_features f;
	char got[2048];

	(void)state;
	features(&f);
	feeds_of(&f, "sched_process_exit,exit_group,setuid,capset", got, sizeof(got));
	assert_null(strstr(got, "sys_enter_exit_group"));
	assert_null(strstr(got, "sys_exit_setuid"));
	assert_null(strstr(got, "sys_exit_capset"));
	assert_non_null(strstr(got, "syscalls/sys_enter_exit "));
	assert_non_null(strstr(got, "syscalls/sys_exit_setreuid"));
}

/* A kernel without the task or sched tracepoints: none of theirs. */
static void test_feeds_missing(void **state)
{
	struct kt_features f;
	char got[2048];

	(void)state;
	features(&f);
	f.task_events = false;
	f.sched_exec = false;
	feeds_of(&f, "msgsnd", got, sizeof(got));
	assert_string_equal(got, "sched/sched_process_exit " CTX_FEEDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feeds_plain),
		cmocka_unit_test(test_feeds_exit_causes),
		cmocka_unit_test(test_feeds_traced_calls),
		cmocka_unit_test(test_feeds_missing),
	};

	return cmocka_run_group_tests(tests, make_kernel, remove_kernel);
}
