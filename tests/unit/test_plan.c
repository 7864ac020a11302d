// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan's feeds (kt_plan_feeds): which tracepoints ktrail enables for
 * the process table and the lifecycle records, on kernels made of a
 * directory tree of format files (no kernel, no root); the native
 * raw_syscalls recipe (KT_R_RAW_SYSCALLS): where it is chosen, forced,
 * and the id filter of its numbers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktrail/idfilter.h"
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
	add_event("raw_syscalls", "sys_enter");
	add_event("raw_syscalls", "sys_exit");
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

static const struct kt_plan_entry *entry(const struct kt_plan *p, const char *name)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].ev->name, name))
			return &p->e[i];
	fail_msg("%s is not planned", name);
	return NULL;
}

/* The plan of @events, its kprobes (none: the kernel has no kprobe
 * events) with @mode; the return of kt_plan_probes. */
static int plan_of(const struct kt_features *f, const char *events, enum kt_probes_mode mode,
		   struct kt_plan *plan, char *err, size_t errlen)
{
	struct kt_selection sel;
	struct kt_probe_env env;
	char bad[128];

	assert_int_equal(kt_select(events, &sel, bad, sizeof(bad)), 0);
	assert_int_equal(kt_plan_make(f, &sel, KT_COMPAT_OFF, plan), 0);
	/* x86_64's numbers, on any machine. */
	plan->native = KT_ABI_X86_64;
	plan->compat_abi = KT_ABI_I386;
	env = (struct kt_probe_env){ KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &f->probe, NULL };
	return kt_plan_probes(plan, &env, mode, err, errlen);
}

/*
 * A kernel without CONFIG_FTRACE_SYSCALLS but with raw_syscalls, and no
 * kprobes: every native call through raw_syscalls, its filter on their
 * numbers and on those of the calls the process table needs; no feed of
 * events/syscalls, which is not there.
 */
static void test_raw_native_auto(void **state)
{
	struct kt_features f;
	struct kt_plan plan;
	const struct kt_plan_entry *e;
	struct kt_plan_feed feeds[KT_PLAN_MAX_FEEDS];
	char err[256] = "", buf[KT_KFILTER_MAX];
	enum kt_idfilter_form form;
	unsigned int n;

	(void)state;
	features(&f);
	f.syscalls = false;
	f.raw_syscalls = true;
	assert_int_equal(plan_of(&f, "msgsnd,msgrcv,sched_process_exit", KT_PROBES_AUTO, &plan,
				 err, sizeof(err)), 0);
	assert_true(plan.raw_native);
	assert_false(plan.compat);
	e = entry(&plan, "msgsnd");
	assert_int_equal(e->recipe, KT_R_RAW_SYSCALLS);
	assert_string_equal(e->why, "kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)");
	assert_int_equal(entry(&plan, "msgrcv")->recipe, KT_R_RAW_SYSCALLS);
	assert_int_equal(entry(&plan, "sched_process_exit")->recipe, KT_R_TASK_TP);
	n = kt_plan_feeds(&plan, &f, feeds, KT_PLAN_MAX_FEEDS);
	for (unsigned int i = 0; i < n; i++)
		assert_string_not_equal(feeds[i].system, "syscalls");
	/* msgsnd 69, msgrcv 70; exit 60, exit_group 231; setuid 105,
	 * setreuid 113, setresuid 117, setfsuid 122, capset 126, unshare
	 * 272, setns 308. */
	assert_int_equal(kt_idfilter_plan(&plan, buf, sizeof(buf), &form), 136);
	assert_string_equal(buf, "id == 60 || id == 69 || id == 70 || id == 105 || id == 113 || "
			    "id == 117 || id == 122 || id == 126 || id == 231 || id == 272 || "
			    "id == 308");
	assert_int_equal(form, KT_IDF_RANGES);
	kt_plan_free(&plan);

	/* No raw_syscalls either: nothing for native tasks. */
	f.raw_syscalls = false;
	assert_int_equal(plan_of(&f, "msgsnd", KT_PROBES_AUTO, &plan, err, sizeof(err)), 0);
	assert_false(plan.raw_native);
	assert_int_equal(entry(&plan, "msgsnd")->recipe, KT_R_NONE);
	kt_plan_free(&plan);
}

/*
 * --probes raw_syscalls on a kernel with syscall tracepoints: every
 * syscall event through raw_syscalls, both ABIs in one filter, and the
 * feeds of events/syscalls only for the calls it does not trace; refused
 * without raw_syscalls.
 */
static void test_raw_native_forced(void **state)
{
	struct kt_features f;
	struct kt_plan plan;
	struct kt_plan_entry *e;
	struct kt_plan_feed feeds[KT_PLAN_MAX_FEEDS];
	char err[256] = "", buf[KT_KFILTER_MAX];
	unsigned int n;
	bool setuid_feed = false, setreuid_feed = false;

	(void)state;
	features(&f);
	f.raw_syscalls = true;
	/* A kernel with syscall tracepoints but none for msgrcv: not
	 * raw_syscalls by itself (it would be on for every call). */
	assert_int_equal(plan_of(&f, "msgrcv", KT_PROBES_AUTO, &plan, err, sizeof(err)), 0);
	assert_int_equal(entry(&plan, "msgrcv")->recipe, KT_R_NONE);
	/* (then "; --compat off" where the machine has a 32-bit ABI) */
	assert_int_equal(strncmp(entry(&plan, "msgrcv")->why,
				 "no syscalls/sys_enter_msgrcv tracepoint on this kernel", 54), 0);
	assert_false(plan.raw_native);
	kt_plan_free(&plan);
	assert_int_equal(plan_of(&f, "msgrcv", KT_PROBES_RAW, &plan, err, sizeof(err)), 0);
	assert_int_equal(entry(&plan, "msgrcv")->recipe, KT_R_RAW_SYSCALLS);
	kt_plan_free(&plan);

	assert_int_equal(plan_of(&f, "msgsnd,setuid", KT_PROBES_RAW, &plan, err, sizeof(err)), 0);
	assert_true(plan.raw_native);
	assert_int_equal(entry(&plan, "msgsnd")->recipe, KT_R_RAW_SYSCALLS);
	assert_string_equal(entry(&plan, "msgsnd")->why, "");
	assert_int_equal(entry(&plan, "setuid")->recipe, KT_R_RAW_SYSCALLS);
	n = kt_plan_feeds(&plan, &f, feeds, KT_PLAN_MAX_FEEDS);
	for (unsigned int i = 0; i < n; i++) {
		setuid_feed |= !strcmp(feeds[i].name, "sys_exit_setuid");
		setreuid_feed |= !strcmp(feeds[i].name, "sys_exit_setreuid");
	}
	assert_false(setuid_feed);	/* raw_syscalls brings it */
	assert_true(setreuid_feed);
	/* A 32-bit task's msgsnd (i386 400) through the same pair: one
	 * filter, the numbers of both ABIs. */
	e = (struct kt_plan_entry *)entry(&plan, "msgsnd");
	e->compat = true;
	plan.compat = true;
	kt_idfilter_plan(&plan, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "id == 69 || id == 105 || id == 400");
	kt_plan_free(&plan);

	f.raw_syscalls = false;
	errno = 0;
	assert_int_equal(plan_of(&f, "msgsnd", KT_PROBES_RAW, &plan, err, sizeof(err)), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_string_equal(err, "--probes raw_syscalls: the kernel has no raw_syscalls "
			    "tracepoints (raw_syscalls/sys_enter, sys_exit)");
	kt_plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feeds_plain),
		cmocka_unit_test(test_feeds_exit_causes),
		cmocka_unit_test(test_feeds_traced_calls),
		cmocka_unit_test(test_feeds_missing),
		cmocka_unit_test(test_raw_native_auto),
		cmocka_unit_test(test_raw_native_forced),
	};

	return cmocka_run_group_tests(tests, make_kernel, remove_kernel);
}
