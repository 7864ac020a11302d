// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scope and event filters: the accepted forms, the exact messages for bad
 * ones, matching against hand-built records, and the kernel expressions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/filter.h"

static const struct kt_event_def *ev(const char *name)
{
	const struct kt_event_def *e = kt_event_by_name(name);

	assert_non_null(e);
	return e;
}

static void scope_ok(struct kt_filter *f, const char *expr)
{
	char err[512] = "";
	int rc = kt_filter_add_scope(f, expr, err, sizeof(err));

	if (rc)
		fail_msg("scope %s: %s", expr, err);
}

static void event_ok(struct kt_filter *f, const char *expr)
{
	char err[512] = "";
	int rc = kt_filter_add_event(f, expr, err, sizeof(err));

	if (rc)
		fail_msg("filter %s: %s", expr, err);
}

/* @expr fails with @msg, the caret under byte @pos. */
static void expect_err(bool event, const char *expr, const char *msg, size_t pos)
{
	struct kt_filter *f = kt_filter_new();
	char err[512], want[512];

	assert_non_null(f);
	errno = 0;
	if ((event ? kt_filter_add_event(f, expr, err, sizeof(err)) :
		     kt_filter_add_scope(f, expr, err, sizeof(err))) != -1)
		fail_msg("%s was accepted", expr);
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s \"%s\": %s\n  %s\n  %*s^",
		 event ? "filter" : "scope", expr, msg, expr, (int)pos, "");
	assert_string_equal(err, want);
	assert_true(kt_filter_empty(f));
	kt_filter_free(f);
}

/* ------------------------------------------------------------ parsing */

static void test_scope_forms(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char buf[1024];

	assert_true(kt_filter_empty(f));
	scope_ok(f, "pid=1,2,3");
	scope_ok(f, "p!=7");
	scope_ok(f, "processId<1000");
	scope_ok(f, "tid>=10");
	scope_ok(f, "threadId<=99999");
	scope_ok(f, "ppid>1");
	scope_ok(f, "parentProcessId!=0");
	scope_ok(f, "uid>=1000");
	scope_ok(f, "userId<60000");
	scope_ok(f, "processorId>=0");
	scope_ok(f, "mntns=4026531840");
	scope_ok(f, "mountNamespace!=1");
	scope_ok(f, "pidns=4026531836,0x10");
	scope_ok(f, "pidNamespace!=2");
	scope_ok(f, "comm=bash,ba*,*sh,*as*");
	scope_ok(f, "processName!=Web Content");
	assert_false(kt_filter_follow(f));
	assert_false(kt_filter_new_only(f));
	scope_ok(f, "follow");
	scope_ok(f, "pid=new");
	assert_true(kt_filter_follow(f));
	assert_true(kt_filter_new_only(f));
	assert_false(kt_filter_empty(f));
	assert_false(kt_filter_has_event(f, ev("msgsnd")));

	kt_filter_describe(f, buf, sizeof(buf));
	assert_non_null(strstr(buf, "scope: pid=1,2,3\nscope: p!=7\n"));
	assert_non_null(strstr(buf, "scope: follow\nscope: pid=new\n"));
	kt_filter_free(f);
}

static void test_scope_pids(void **state)
{
	struct kt_filter *f = kt_filter_new();
	const int *pids;
	unsigned int n;

	assert_null(kt_filter_pids(f, &n));
	assert_int_equal(n, 0);
	scope_ok(f, "pid!=5");		/* not a set */
	scope_ok(f, "pid>2");
	scope_ok(f, "tid=9");
	assert_null(kt_filter_pids(f, &n));
	scope_ok(f, "pid=30,10,20,10");
	pids = kt_filter_pids(f, &n);
	assert_non_null(pids);
	assert_int_equal(n, 3);
	assert_int_equal(pids[0], 10);
	assert_int_equal(pids[1], 20);
	assert_int_equal(pids[2], 30);
	scope_ok(f, "processId=20,30,40");	/* AND: the intersection */
	pids = kt_filter_pids(f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(pids[0], 20);
	assert_int_equal(pids[1], 30);
	scope_ok(f, "p=1");
	pids = kt_filter_pids(f, &n);
	assert_non_null(pids);		/* no process can match */
	assert_int_equal(n, 0);
	kt_filter_free(f);

	/* An event's own scope is not the process set. */
	f = kt_filter_new();
	event_ok(f, "msgsnd.scope.pid=5");
	assert_null(kt_filter_pids(f, &n));
	kt_filter_free(f);
}

static void test_event_forms(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char buf[1024];

	event_ok(f, "msgsnd.data.msqid=5");
	event_ok(f, "msgsnd.args.msqid!=-1,0x10");
	event_ok(f, "msgsnd.data.msgsz>=18446744073709551615");
	event_ok(f, "msgsnd.data.mtype<-9223372036854775808,9223372036854775807");
	event_ok(f, "msgsnd.data.mtext=*hello*");
	event_ok(f, "msgsnd.data.msgp=0");
	event_ok(f, "mq_open.data.name=/jobs");
	event_ok(f, "mq_open.data.mode<=0xffff");
	event_ok(f, "sendto.retval<0");
	event_ok(f, "sendto.data.dest_addr=127.0.0.1,/run/*");
	event_ok(f, "mq_timedsend.data.abs_timeout>1.5");
	event_ok(f, "mq_timedsend.data.msg_prio<=4294967295");
	event_ok(f, "msgrcv.scope.comm=worker*");
	event_ok(f, "msgrcv.scope.uid>0");
	event_ok(f, "openat.data.pathname=/etc/*");
	event_ok(f, "openat.args.flags!=0");
	event_ok(f, "sched_process_exit.data.process_group_exit=true");
	event_ok(f, "sched_process_exec.data.cmdpath=*/sh");
	assert_true(kt_filter_has_event(f, ev("openat")));
	assert_true(kt_filter_has_event(f, ev("sched_process_exit")));
	assert_true(kt_filter_has_event(f, ev("msgsnd")));
	assert_true(kt_filter_has_event(f, ev("mq_open")));
	assert_true(kt_filter_has_event(f, ev("sendto")));
	assert_true(kt_filter_has_event(f, ev("mq_timedsend")));
	assert_true(kt_filter_has_event(f, ev("msgrcv")));
	assert_false(kt_filter_has_event(f, ev("msgget")));
	assert_true(kt_filter_on_args(f, ev("msgsnd")));
	assert_false(kt_filter_on_retval(f, ev("msgsnd")));
	assert_true(kt_filter_on_retval(f, ev("sendto")));
	assert_false(kt_filter_on_args(f, ev("msgrcv")));	/* scope only */
	assert_false(kt_filter_on_retval(f, ev("msgrcv")));
	/* An event filter is not a scope. */
	assert_null(kt_filter_pids(f, &(unsigned int){ 0 }));
	assert_false(kt_filter_follow(f));

	kt_filter_describe(f, buf, sizeof(buf));
	assert_non_null(strstr(buf, "event msgsnd: msgsnd.data.msqid=5\n"));
	assert_non_null(strstr(buf, "event msgrcv: msgrcv.scope.uid>0\n"));
	kt_filter_free(f);
}

static void test_errors(void **state)
{
	expect_err(true, "mq_open.data.nme=/x", "mq_open has no argument \"nme\"", 13);
	expect_err(true, "opnat.data.pathname=/etc/*", "unknown event \"opnat\"", 0);
	expect_err(true, "openat.data.pathnme=/etc/*", "openat has no argument \"pathnme\"", 12);
	expect_err(true, "openat.data.pathname</etc",
		   "operator \"<\" is not allowed on string argument \"pathname\" (only = and !=)", 20);
	expect_err(true, "sched_process_exit.retval<0", "sched_process_exit has no return value", 19);
	expect_err(true, "sched_process_exit.data.process_group_exit=yes",
		   "bad value \"yes\" for process_group_exit (true or false)", 43);
	expect_err(true, "sched_process_exit.data.process_group_exit>0",
		   "operator \">\" is not allowed on bool argument \"process_group_exit\" (only = and !=)",
		   42);
	expect_err(true, "mq_open.data.name</x",
		   "operator \"<\" is not allowed on string argument \"name\" (only = and !=)", 17);
	expect_err(true, "msgsnd.data.msqid=12x", "bad number \"12x\" for msqid", 18);
	expect_err(true, "msgsnd.data.msqid=1,,2", "empty value for msqid", 20);
	expect_err(true, "msgsnd.data.msqid=", "empty value for msqid", 18);
	expect_err(true, "msgsnd.data.msqid=5,", "empty value for msqid", 20);
	expect_err(true, "msgsnd.data.msqid=2147483648",
		   "number \"2147483648\" is out of range for msqid (int32)", 18);
	expect_err(true, "msgsnd.data.msgsz=-1",
		   "number \"-1\" is out of range for msgsz (uint64)", 18);
	expect_err(true, "msgsnd.data.msgsz=18446744073709551616",
		   "number \"18446744073709551616\" is out of range for msgsz (uint64)", 18);
	expect_err(true, "mq_open.data.mode=65536",
		   "number \"65536\" is out of range for mode (uint16)", 18);
	expect_err(true, "msgsnd.data.msqid",
		   "no operator after \"msqid\" (one of =, !=, <, >, <=, >=)", 17);
	expect_err(true, "msgsnd.data.msqid!5",
		   "no operator after \"msqid\" (one of =, !=, <, >, <=, >=)", 17);
	expect_err(true, "msgsnd.data.=5", "no argument name after \"msgsnd.data.\"", 12);
	expect_err(true, "mq_open.data.name=/a*b",
		   "wildcard \"*\" inside \"/a*b\" (only prefix*, *suffix and *contains*)", 20);
	expect_err(true, "msgsnd.msqid=5",
		   "expected \"data.\", \"args.\", \"retval\", \"duration\" or \"scope.\" after \"msgsnd.\"", 7);
	expect_err(true, "msgsnd.retvalue=5",
		   "expected \"data.\", \"args.\", \"retval\", \"duration\" or \"scope.\" after \"msgsnd.\"", 7);
	expect_err(true, "msgsnd.retval", "no operator after \"retval\" (one of =, !=, <, >, <=, >=)",
		   13);
	expect_err(true, "sendto.retval>x", "bad number \"x\" for retval", 14);
	expect_err(true, "msgsnd", "expected EVENT.data.ARG, EVENT.retval, EVENT.duration or EVENT.scope.KEY", 6);
	expect_err(true, ".data.x=1", "no event name before \".\"", 0);
	expect_err(true, "lost_events.data.lost>1",
		   "lost_events is ktrail's own event and cannot be filtered", 0);
	expect_err(true, "mq_timedsend.data.abs_timeout>1.5s",
		   "bad number \"1.5s\" for abs_timeout", 30);
	expect_err(true, "msgsnd.scope.follow",
		   "\"follow\" is a global scope (--scope follow)", 13);
	expect_err(true, "msgsnd.scope.pid=new",
		   "\"pid=new\" is a global scope (--scope pid=new)", 13);
	expect_err(true, "msgsnd.scope.container=x",
		   "unknown scope \"container\" (one of pid, tid, ppid, uid, mntns, pidns, comm, processorId)",
		   13);
	expect_err(true, "msgsnd.scope.", "empty scope", 13);
	expect_err(true, "msgsnd.scope.uid=x", "bad number \"x\" for uid", 17);

	expect_err(false, "tree=1",
		   "unknown scope \"tree\" (one of pid, tid, ppid, uid, mntns, pidns, comm, processorId, follow)",
		   0);
	expect_err(false, "pid", "no operator after \"pid\" (one of =, !=, <, >, <=, >=)", 3);
	expect_err(false, "", "empty scope", 0);
	expect_err(false, "=5", "no scope name before \"=5\"", 0);
	expect_err(false, "follow=1", "\"follow\" takes no value", 6);
	expect_err(false, "pid=new,5", "\"new\" goes only in \"pid=new\"", 4);
	expect_err(false, "p!=new", "\"new\" goes only in \"p=new\"", 3);
	expect_err(false, "pid=abc", "bad number \"abc\" for pid", 4);
	expect_err(false, "p=", "empty value for p", 2);
	expect_err(false, "uid=-1", "number \"-1\" is out of range for uid (uint32)", 4);
	expect_err(false, "uid=0x100000000",
		   "number \"0x100000000\" is out of range for uid (uint32)", 4);
	expect_err(false, "mntns<5", "operator \"<\" is not allowed on mntns (only = and !=)", 5);
	expect_err(false, "pidNamespace>=5",
		   "operator \">=\" is not allowed on pidNamespace (only = and !=)", 12);
	expect_err(false, "comm>a", "operator \">\" is not allowed on comm (only = and !=)", 4);
	expect_err(false, "comm=a*b*", "wildcard \"*\" inside \"a*b*\" (only prefix*, *suffix and *contains*)",
		   6);
	expect_err(false, "uid=0x", "bad number \"0x\" for uid", 4);
	expect_err(false, "uid=+1", "bad number \"+1\" for uid", 4);
	expect_err(false, "uid=1 ", "bad number \"1 \" for uid", 4);
	expect_err(false, "uid==1", "bad number \"=1\" for uid", 4);
}

/* A failed add leaves the filter as it was. */
static void test_error_keeps_filter(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char err[512], buf[512];
	unsigned int n;

	scope_ok(f, "pid=4");
	event_ok(f, "msgsnd.data.msqid=1");
	assert_int_equal(kt_filter_add_scope(f, "pid=4,x", err, sizeof(err)), -1);
	assert_int_equal(kt_filter_add_event(f, "msgget.data.key=x", err, sizeof(err)), -1);
	assert_false(kt_filter_has_event(f, ev("msgget")));
	assert_int_equal(kt_filter_pids(f, &n)[0], 4);
	assert_int_equal(n, 1);
	kt_filter_describe(f, buf, sizeof(buf));
	assert_string_equal(buf, "scope: pid=4\nevent msgsnd: msgsnd.data.msqid=1\n");
	kt_filter_free(f);
	kt_filter_free(NULL);
}

/* ------------------------------------------------------------ matching */

static struct kt_record rec(const char *evname)
{
	struct kt_record r = {
		.pid = 100, .tid = 101, .cpu = 2, .comm = "bash",
		.has_ctx = true, .ppid = 1, .uid = 1000,
		.mntns = 4026531840u, .pidns = 4026531836u,
		.ev = ev(evname), .state = KT_ST_COMPLETE,
	};

	return r;
}

static bool m(const char *scope, const char *event, const struct kt_record *r)
{
	struct kt_filter *f = kt_filter_new();
	bool ok;

	if (scope)
		scope_ok(f, scope);
	if (event)
		event_ok(f, event);
	ok = kt_filter_match(f, r, 0);
	kt_filter_free(f);
	return ok;
}

#define S(expr, r) m(expr, NULL, r)
#define E(expr, r) m(NULL, expr, r)

static void test_match_scope(void **state)
{
	struct kt_record r = rec("msgget");

	assert_true(kt_filter_match(NULL, &r, 0));
	assert_true(S("pid=100", &r));
	assert_true(S("pid=5,100,7", &r));
	assert_false(S("pid=101", &r));	/* the thread id is not the pid */
	assert_true(S("tid=101", &r));
	assert_false(S("pid!=100", &r));
	assert_true(S("pid!=5,6", &r));
	assert_false(S("pid!=5,100", &r));	/* none of */
	assert_true(S("pid>99", &r));
	assert_false(S("pid>100", &r));
	assert_true(S("pid>=100", &r));
	assert_true(S("pid<=100", &r));
	assert_false(S("pid<100", &r));
	assert_true(S("pid>50,60", &r));	/* every value */
	assert_false(S("pid>50,160", &r));
	assert_true(S("ppid=1", &r));
	assert_true(S("uid>=1000", &r));
	assert_false(S("uid<1000", &r));
	assert_true(S("userId!=0", &r));
	assert_true(S("mntns=4026531840", &r));
	assert_false(S("mntns!=4026531840", &r));
	assert_true(S("pidns=4026531836", &r));
	assert_true(S("processorId=2", &r));
	assert_true(S("comm=bash", &r));
	assert_true(S("comm=ba*", &r));
	assert_true(S("comm=*sh", &r));
	assert_true(S("comm=*as*", &r));
	assert_true(S("comm=*", &r));
	assert_true(S("comm=**", &r));
	assert_true(S("comm=zsh,bash", &r));
	assert_false(S("comm=bas", &r));
	assert_false(S("comm=bashx", &r));
	assert_false(S("comm=*x*", &r));
	assert_false(S("comm!=bash", &r));
	assert_false(S("comm!=b*", &r));
	assert_true(S("comm!=zsh,*ksh", &r));
	assert_true(S("processName=bash", &r));

	/* Negative and large values. */
	r.pid = -5;
	assert_true(S("pid<0", &r));
	assert_true(S("pid=-5", &r));
	r.pid = 100;
	r.uid = 4294967295u;
	assert_true(S("uid>0", &r));
	assert_true(S("uid=0xffffffff", &r));
	assert_false(S("uid<5", &r));
}

static void test_match_unknown_context(void **state)
{
	struct kt_record r = rec("msgget");

	/* Unknown values match no filter, whatever the operator. */
	r.has_ctx = false;
	assert_false(S("uid=1000", &r));
	assert_false(S("uid!=5", &r));
	assert_false(S("ppid>0", &r));
	assert_false(S("mntns!=1", &r));
	assert_false(S("pidns!=1", &r));
	assert_true(S("pid=100", &r));	/* not part of the context */
	assert_true(S("comm=bash", &r));
	r.has_ctx = true;
	r.mntns = 0;
	assert_false(S("mntns!=1", &r));
	assert_true(S("pidns!=1", &r));
	r.pid = 0;
	assert_false(S("pid!=5", &r));
	assert_true(S("tid=101", &r));
	r.comm = "";
	assert_false(S("comm!=bash", &r));
	assert_false(S("comm=*", &r));
	r.comm = NULL;
	assert_false(S("comm!=bash", &r));
}

static void test_match_and(void **state)
{
	struct kt_record r = rec("msgget");
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "uid=1000");
	scope_ok(f, "comm=bash,zsh");
	assert_true(kt_filter_match(f, &r, 0));
	scope_ok(f, "pid!=100");
	assert_false(kt_filter_match(f, &r, 0));
	kt_filter_free(f);
}

static void test_match_new_follow(void **state)
{
	struct kt_record r = rec("msgget");
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "pid=new");
	assert_false(kt_filter_match(f, &r, 0));
	assert_true(kt_filter_match(f, &r, KT_FM_NEW));
	assert_true(kt_filter_match(f, &r, true));
	assert_false(kt_filter_scope_match(f, &r, 0));
	kt_filter_free(f);

	/* FOLLOWED passes the scope only with follow. */
	f = kt_filter_new();
	scope_ok(f, "comm=make");
	event_ok(f, "msgget.data.key=5");
	r.args[0] = (struct kt_value){ .set = true, .i = 5 };
	assert_false(kt_filter_match(f, &r, KT_FM_FOLLOWED));
	scope_ok(f, "follow");
	assert_false(kt_filter_match(f, &r, 0));
	assert_false(kt_filter_scope_match(f, &r, KT_FM_FOLLOWED));
	assert_true(kt_filter_match(f, &r, KT_FM_FOLLOWED));
	/* The event's own filters still apply to followed processes. */
	r.args[0].i = 6;
	assert_false(kt_filter_match(f, &r, KT_FM_FOLLOWED));
	r.comm = "make";
	r.args[0].i = 5;
	assert_true(kt_filter_scope_match(f, &r, 0));
	assert_true(kt_filter_match(f, &r, 0));
	kt_filter_free(f);
}

static void test_match_numeric_args(void **state)
{
	struct kt_record r = rec("msgsnd");

	/* msqid int, msgp ptr, msgsz size_t, msgflg int, mtype long, mtext */
	r.args[0] = (struct kt_value){ .set = true, .i = -1 };
	r.args[1] = (struct kt_value){ .set = true, .u = 0x7ffd0000 };
	r.args[2] = (struct kt_value){ .set = true, .u = UINT64_MAX };
	r.args[3] = (struct kt_value){ .set = true, .i = 2048 };
	r.args[4] = (struct kt_value){ .set = true, .i = INT64_MIN };
	assert_true(E("msgsnd.data.msqid=-1", &r));
	assert_true(E("msgsnd.data.msqid<0", &r));
	assert_false(E("msgsnd.data.msqid>0", &r));	/* signed */
	assert_true(E("msgsnd.data.msqid!=0,1", &r));
	assert_true(E("msgsnd.data.msgsz=18446744073709551615", &r));
	assert_true(E("msgsnd.data.msgsz>0", &r));	/* unsigned */
	assert_true(E("msgsnd.data.msgsz=0xffffffffffffffff", &r));
	assert_true(E("msgsnd.data.msgp=0x7ffd0000", &r));
	assert_true(E("msgsnd.data.msgp!=0", &r));
	assert_true(E("msgsnd.args.msgflg>=2048", &r));
	assert_false(E("msgsnd.args.msgflg>2048", &r));
	assert_true(E("msgsnd.data.mtype=-9223372036854775808", &r));
	assert_true(E("msgsnd.data.mtype<-9223372036854775807", &r));
	assert_false(E("msgsnd.data.mtype>=0", &r));

	/* Two filters on one event AND. */
	struct kt_filter *f = kt_filter_new();

	event_ok(f, "msgsnd.data.msqid=-1");
	event_ok(f, "msgsnd.data.msgflg=2048");
	assert_true(kt_filter_match(f, &r, 0));
	event_ok(f, "msgsnd.data.msgsz<10");
	assert_false(kt_filter_match(f, &r, 0));
	kt_filter_free(f);

	/* Unknown arguments match nothing. */
	r.args[0].set = false;
	assert_false(E("msgsnd.data.msqid=-1", &r));
	assert_false(E("msgsnd.data.msqid!=5", &r));
	/* An extra argument the recipe did not read. */
	assert_false(E("msgsnd.data.mtext!=x", &r));

	/* U16 and UINT */
	r = rec("mq_open");
	r.args[2] = (struct kt_value){ .set = true, .u = 0644 };
	assert_true(E("mq_open.data.mode=420", &r));
	assert_true(E("mq_open.data.mode<0x1ff", &r));
	r = rec("mq_timedsend");
	r.args[3] = (struct kt_value){ .set = true, .u = 4294967295u };
	assert_true(E("mq_timedsend.data.msg_prio>2147483647", &r));
	/* timespec seconds */
	r.args[4] = (struct kt_value){ .set = true, .d = 2.5 };
	assert_true(E("mq_timedsend.data.abs_timeout>1.5", &r));
	assert_true(E("mq_timedsend.data.abs_timeout=2.5", &r));
	assert_false(E("mq_timedsend.data.abs_timeout<=2", &r));
}

static void test_match_strings(void **state)
{
	/* Not NUL-terminated: the bytes after len must not count. */
	static const char raw[] = "/jobsXXXX";
	struct kt_record r = rec("mq_open");

	r.args[0] = (struct kt_value){ .set = true, .str = raw, .len = 5 };
	assert_true(E("mq_open.data.name=/jobs", &r));
	assert_false(E("mq_open.data.name=/jobsX", &r));
	assert_false(E("mq_open.data.name=/job", &r));
	assert_true(E("mq_open.data.name=/jo*", &r));
	assert_true(E("mq_open.data.name=/jobs*", &r));
	assert_false(E("mq_open.data.name=/jobsX*", &r));
	assert_true(E("mq_open.data.name=*obs", &r));
	assert_false(E("mq_open.data.name=*sX", &r));
	assert_true(E("mq_open.data.name=*ob*", &r));
	assert_false(E("mq_open.data.name=*sX*", &r));
	assert_true(E("mq_open.data.name=/x,/jobs", &r));
	assert_false(E("mq_open.data.name!=/x,/jobs", &r));
	assert_true(E("mq_open.data.name!=/x,*y", &r));
	assert_false(E("mq_open.data.name!=/j*", &r));

	/* Embedded NUL bytes are bytes. */
	r.args[0] = (struct kt_value){ .set = true, .str = "a\0b", .len = 3 };
	assert_true(E("mq_open.data.name=*b", &r));
	assert_false(E("mq_open.data.name=a", &r));

	/* Empty, unknown. */
	r.args[0] = (struct kt_value){ .set = true, .str = "", .len = 0 };
	assert_true(E("mq_open.data.name=*", &r));
	assert_true(E("mq_open.data.name!=/x", &r));
	r.args[0] = (struct kt_value){ .set = false };
	assert_false(E("mq_open.data.name=*", &r));
	assert_false(E("mq_open.data.name!=/x", &r));

	/* A sockaddr compares its printed address. */
	static const struct kt_sockaddr sa = { .family = 1, .addr = "/run/app.sock" };

	r = rec("sendto");
	r.args[4] = (struct kt_value){ .set = true, .sa = &sa };
	assert_true(E("sendto.data.dest_addr=/run/*", &r));
	assert_true(E("sendto.data.dest_addr=*.sock", &r));
	assert_false(E("sendto.data.dest_addr=127.0.0.1", &r));
	r.args[4] = (struct kt_value){ .set = true };
	assert_false(E("sendto.data.dest_addr!=x", &r));
}

static void test_match_openat_and_task(void **state)
{
	struct kt_record r = rec("openat");

	r.args[1] = (struct kt_value){ .set = true, .str = "/etc/passwd", .len = 11 };
	assert_true(E("openat.data.pathname=/etc/*", &r));
	assert_false(E("openat.data.pathname=/tmp/*", &r));
	assert_true(E("openat.data.pathname=*wd", &r));
	assert_true(E("openat.data.pathname=*/pass*", &r));

	r = rec("sched_process_exit");
	r.args[2] = (struct kt_value){ .set = true, .u = 1 };
	assert_true(E("sched_process_exit.data.process_group_exit=true", &r));
	assert_true(E("sched_process_exit.data.process_group_exit=1", &r));
	assert_false(E("sched_process_exit.data.process_group_exit=false", &r));
	assert_true(E("sched_process_exit.data.process_group_exit!=0", &r));
	r.args[2].set = false;
	assert_false(E("sched_process_exit.data.process_group_exit!=0", &r));
}

static void test_match_retval_and_events(void **state)
{
	struct kt_record r = rec("sendto"), other = rec("recvfrom");
	struct kt_filter *f = kt_filter_new();

	r.has_ret = true;
	r.ret = -11;
	assert_true(E("sendto.retval<0", &r));
	assert_true(E("sendto.retval=-11,-4", &r));
	assert_false(E("sendto.retval>=0", &r));
	r.has_ret = false;
	r.state = KT_ST_UNFINISHED;
	assert_false(E("sendto.retval<0", &r));
	assert_false(E("sendto.retval!=0", &r));

	/* Filters of one event leave the others alone. */
	event_ok(f, "sendto.retval<0");
	event_ok(f, "sendto.scope.comm=curl");
	assert_true(kt_filter_match(f, &other, 0));
	assert_false(kt_filter_match(f, &r, 0));
	r.has_ret = true;
	assert_false(kt_filter_match(f, &r, 0));	/* comm is bash */
	r.comm = "curl";
	assert_true(kt_filter_match(f, &r, 0));
	/* The scope applies to every event. */
	scope_ok(f, "uid=0");
	assert_false(kt_filter_match(f, &other, 0));
	assert_false(kt_filter_match(f, &r, 0));
	kt_filter_free(f);
}

static void test_match_pseudo(void **state)
{
	struct kt_record r = { .ev = kt_lost_event(), .has_ctx = false };
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "uid=0");
	scope_ok(f, "pid=new");
	scope_ok(f, "comm=x");
	assert_true(kt_filter_match(f, &r, 0));
	kt_filter_free(f);
}

/* ------------------------------------------------------------ kernel */

/* sys_enter_msgsnd and sys_exit_msgsnd as the kernel describes them. */
static const struct kt_kfield msgsnd_enter[] = {
	{ .arg = 0, .name = "msqid", .size = 8 },
	{ .arg = 1, .name = "msgp", .size = 8 },
	{ .arg = 2, .name = "msgsz", .size = 8 },
	{ .arg = 3, .name = "msgflg", .size = 8 },
};
static const struct kt_kfield sys_exit[] = {
	{ .arg = KT_KF_RET, .name = "ret", .size = 8, .is_signed = true },
};

/* The kernel filter of @f for @evname on one side. */
static const char *kx(const struct kt_filter *f, const char *evname,
		      const struct kt_kfield *fields, unsigned int n, bool exit_side)
{
	static char out[4096];
	int len = kt_filter_kernel(f, evname ? ev(evname) : NULL, fields, n, exit_side,
				   out, sizeof(out));

	assert_int_equal(len, (int)strlen(out));
	return out;
}

#define ENTER(f) kx(f, "msgsnd", msgsnd_enter, 4, false)
#define EXIT(f) kx(f, "msgsnd", sys_exit, 1, true)

/* The kernel filter of one event filter on msgsnd's enter. */
static const char *kone(const char *expr)
{
	struct kt_filter *f = kt_filter_new();
	const char *s;

	event_ok(f, expr);
	s = ENTER(f);
	kt_filter_free(f);
	return s;
}

static void test_kernel_scope(void **state)
{
	struct kt_filter *f = kt_filter_new();

	assert_string_equal(ENTER(f), "");
	assert_string_equal(ENTER(NULL), "");
	scope_ok(f, "pid=5");		/* set_event_pid's */
	scope_ok(f, "uid=0");		/* user space only */
	scope_ok(f, "ppid=1");
	scope_ok(f, "mntns=4026531840");
	scope_ok(f, "processorId=1");
	scope_ok(f, "pid=new");
	assert_string_equal(ENTER(f), "");
	scope_ok(f, "tid=1234,1240");
	assert_string_equal(ENTER(f), "(common_pid == 1234 || common_pid == 1240)");
	scope_ok(f, "threadId!=7");
	scope_ok(f, "tid>=-1");
	scope_ok(f, "comm=bash");
	const char *want = "(common_pid == 1234 || common_pid == 1240) && common_pid != 7 && "
			   "common_pid >= -1 && comm == \"bash\"";
	assert_string_equal(ENTER(f), want);
	/* Both sides; nothing for a tracepoint shared by all events. */
	assert_string_equal(EXIT(f), want);
	assert_string_equal(kx(f, NULL, NULL, 0, false), "");
	assert_string_equal(kx(f, NULL, NULL, 0, true), "");
	kt_filter_free(f);
}

static void test_kernel_comm(void **state)
{
	static const struct {
		const char *scope, *kernel;
	} cases[] = {
		{ "comm=bash,zsh", "(comm == \"bash\" || comm == \"zsh\")" },
		{ "comm!=bash,zsh", "(comm != \"bash\" && comm != \"zsh\")" },
		{ "comm=ba*", "comm ~ \"ba*\"" },
		{ "comm=*as*", "comm ~ \"*as*\"" },
		{ "comm=bash,ba*,*as*", "(comm == \"bash\" || comm ~ \"ba*\" || comm ~ \"*as*\")" },
		{ "processName=Web Content", "comm == \"Web Content\"" },
		{ "comm=say \"hi\"", "comm == 'say \"hi\"'" },
		{ "comm=a[1]?\\", "comm == \"a[1]?\\\"" },	/* no glob with == */
		/* The kernel's *suffix tests a fixed-size field's tail. */
		{ "comm=*sh", "" },
		{ "comm=bash,*sh", "" },	/* an '=' list goes whole */
		{ "comm!=bash,*sh", "comm != \"bash\"" },	/* a '!=' list in part */
		{ "comm!=ba*", "" },
		{ "comm!=*as*", "" },
		{ "comm=*", "" },
		{ "comm=**", "" },
		/* What "~" would read as glob, negation or an index. */
		{ "comm=a?*", "" },
		{ "comm=*[x]*", "" },
		{ "comm=!x*", "" },
		{ "comm=1x*", "" },
		{ "comm=*1x*", "comm ~ \"*1x*\"" },
		{ "comm=say \"'hi'\"", "" },	/* both quotes */
		{ "comm=a\tb", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kt_filter *f = kt_filter_new();

		scope_ok(f, cases[i].scope);
		if (strcmp(ENTER(f), cases[i].kernel))
			fail_msg("%s: got '%s', want '%s'", cases[i].scope, ENTER(f),
				 cases[i].kernel);
		kt_filter_free(f);
	}

	/* A probe field named comm hides the task's. */
	static const struct kt_kfield probe[] = {
		{ .arg = 0, .name = "comm", .size = 16, .is_string = true },
	};
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "comm=bash");
	scope_ok(f, "tid=1");
	assert_string_equal(kx(f, "msgsnd", probe, 1, false), "common_pid == 1");
	kt_filter_free(f);
}

static void test_kernel_follow(void **state)
{
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "comm=make");
	scope_ok(f, "tid=5");
	event_ok(f, "msgsnd.scope.comm=cc");
	event_ok(f, "msgsnd.data.msqid=3");
	assert_string_equal(ENTER(f),
			    "comm == \"make\" && common_pid == 5 && comm == \"cc\" && msqid == 3");
	scope_ok(f, "follow");
	/* Followed descendants pass the global scope: it stays in user space. */
	assert_string_equal(ENTER(f), "comm == \"cc\" && msqid == 3");
	assert_string_equal(EXIT(f), "comm == \"cc\"");
	assert_string_equal(kx(f, NULL, NULL, 0, false), "");
	kt_filter_free(f);
}

static void test_kernel_args(void **state)
{
	/* int in the 8-byte unsigned slot */
	assert_string_equal(kone("msgsnd.data.msqid=5"), "msqid == 5");
	assert_string_equal(kone("msgsnd.data.msqid=5,6"), "(msqid == 5 || msqid == 6)");
	assert_string_equal(kone("msgsnd.data.msqid=-1"),
			    "(msqid == 0xffffffff || msqid == 0xffffffffffffffff)");
	assert_string_equal(kone("msgsnd.data.msqid=-2147483648"),
			    "(msqid == 0x80000000 || msqid == 0xffffffff80000000)");
	assert_string_equal(kone("msgsnd.data.msgflg!=1,-2"),
			    "(msgflg != 1 && msgflg != 0xfffffffe && msgflg != 0xfffffffffffffffe)");
	assert_string_equal(kone("msgsnd.data.msqid<5"), "");
	assert_string_equal(kone("msgsnd.data.msqid>=0"), "");
	/* size_t and pointers: as wide and as unsigned as the slot */
	assert_string_equal(kone("msgsnd.data.msgsz>100"), "msgsz > 100");
	assert_string_equal(kone("msgsnd.data.msgsz<=0xffffffffffffffff"),
			    "msgsz <= 0xffffffffffffffff");
	assert_string_equal(kone("msgsnd.data.msgsz>1,2"), "(msgsz > 1 && msgsz > 2)");
	assert_string_equal(kone("msgsnd.data.msgp=0"), "msgp == 0");
	assert_string_equal(kone("msgsnd.data.msgp!=0x7ffd00000000"), "msgp != 0x7ffd00000000");
	/* ktrail's own arguments have no tracepoint field */
	assert_string_equal(kone("msgsnd.data.mtype=1"), "");
	assert_string_equal(kone("msgsnd.data.mtext=hi"), "");
	/* A scope of the event goes to both sides; a pid does not. */
	assert_string_equal(kone("msgsnd.scope.tid=9"), "common_pid == 9");
	assert_string_equal(kone("msgsnd.scope.pid=9"), "");
	assert_string_equal(kone("msgsnd.scope.uid=0"), "");

	/* Filters of other events stay out. */
	struct kt_filter *f = kt_filter_new();

	event_ok(f, "msgrcv.data.msqid=1");
	event_ok(f, "msgrcv.retval=0");
	assert_string_equal(ENTER(f), "");
	assert_string_equal(EXIT(f), "");
	/* Arguments never on the exit side. */
	event_ok(f, "msgsnd.data.msqid=2");
	event_ok(f, "msgsnd.data.msgsz<8");
	assert_string_equal(ENTER(f), "msqid == 2 && msgsz < 8");
	assert_string_equal(EXIT(f), "");
	/* With argument filters, the return value stays in user space. */
	event_ok(f, "msgsnd.retval=0");
	assert_string_equal(ENTER(f), "msqid == 2 && msgsz < 8");
	assert_string_equal(EXIT(f), "");
	kt_filter_free(f);
}

static void test_kernel_retval(void **state)
{
	struct kt_filter *f = kt_filter_new();

	event_ok(f, "msgsnd.retval<0");
	event_ok(f, "msgsnd.retval!=-4,-11");
	assert_string_equal(EXIT(f), "ret < 0 && (ret != -4 && ret != -11)");
	assert_string_equal(ENTER(f), "");	/* never on the enter */
	/* An exit without a ret field. */
	assert_string_equal(kx(f, "msgsnd", msgsnd_enter, 4, true), "");
	kt_filter_free(f);

	/* An unsigned 8-byte return field: the bit pattern for = and != only. */
	static const struct kt_kfield uret[] = {
		{ .arg = KT_KF_RET, .name = "ret", .size = 8 },
	};
	f = kt_filter_new();
	event_ok(f, "msgsnd.retval=-1");
	event_ok(f, "msgsnd.retval<0");
	assert_string_equal(kx(f, "msgsnd", uret, 1, true), "ret == 0xffffffffffffffff");
	kt_filter_free(f);
}

static void test_kernel_probe_fields(void **state)
{
	/* A kprobe's fields: as wide as the values, signed, strings. */
	static const struct kt_kfield probe[] = {
		{ .arg = 0, .name = "name", .size = 4, .is_string = true },
		{ .arg = 1, .name = "oflag", .size = 4, .is_signed = true },
		{ .arg = 2, .name = "mode", .size = 2 },
		{ .arg = 3, .name = "attr", .size = 4 },	/* narrower than the value */
	};
	static const struct {
		const char *filter, *kernel;
	} cases[] = {
		{ "mq_open.data.name=/jobs", "name == \"/jobs\"" },
		{ "mq_open.data.name=/jobs,/j2", "(name == \"/jobs\" || name == \"/j2\")" },
		{ "mq_open.data.name=/j*", "name ~ \"/j*\"" },
		{ "mq_open.data.name=*ob*", "name ~ \"*ob*\"" },
		{ "mq_open.data.name=*bs", "" },
		{ "mq_open.data.name!=/a,/b*", "name != \"/a\"" },
		{ "mq_open.data.oflag<-1", "oflag < -1" },
		{ "mq_open.data.oflag=-1", "oflag == -1" },
		{ "mq_open.data.oflag>=0x40", "oflag >= 64" },
		{ "mq_open.data.mode<=0777", "mode <= 777" },
		{ "mq_open.data.mode=0x8000", "mode == 32768" },
		{ "mq_open.data.attr=0", "" },
		{ "mq_open.scope.comm=x", "comm == \"x\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kt_filter *f = kt_filter_new();
		const char *got;

		event_ok(f, cases[i].filter);
		got = kx(f, "mq_open", probe, 4, false);
		if (strcmp(got, cases[i].kernel))
			fail_msg("%s: got '%s', want '%s'", cases[i].filter, got, cases[i].kernel);
		kt_filter_free(f);
	}

	/* A string argument without a string field (a pointer): nothing. */
	static const struct kt_kfield ptr[] = {
		{ .arg = 0, .name = "name", .size = 8 },
	};
	struct kt_filter *f = kt_filter_new();

	event_ok(f, "mq_open.data.name=/jobs");
	assert_string_equal(kx(f, "mq_open", ptr, 1, false), "");
	kt_filter_free(f);

	/* A message body with a string field: user space cuts it, so no. */
	static const struct kt_kfield body[] = {
		{ .arg = 5, .name = "mtext", .size = 4, .is_string = true },
	};
	f = kt_filter_new();
	event_ok(f, "msgsnd.data.mtext=hi");
	assert_string_equal(kx(f, "msgsnd", body, 1, false), "");
	kt_filter_free(f);
}

static void test_kernel_openat(void **state)
{
	/* The kernel's names: dfd, filename (a pointer), flags, mode. */
	static const struct kt_kfield enter[] = {
		{ .arg = 0, .name = "dfd", .size = 8 },
		{ .arg = 1, .name = "filename", .size = 8 },
		{ .arg = 2, .name = "flags", .size = 8 },
		{ .arg = 3, .name = "mode", .size = 8 },
	};
	struct kt_filter *f = kt_filter_new();

	event_ok(f, "openat.data.pathname=/etc/*");
	event_ok(f, "openat.data.dirfd=-100");
	event_ok(f, "openat.data.mode=0x1a4");
	event_ok(f, "openat.retval<0");
	assert_string_equal(kx(f, "openat", enter, 4, false),
			    "(dfd == 0xffffff9c || dfd == 0xffffffffffffff9c) && mode == 420");
	assert_string_equal(kx(f, "openat", sys_exit, 1, true), "");	/* one side only */
	kt_filter_free(f);
	f = kt_filter_new();
	scope_ok(f, "comm=cat");
	event_ok(f, "openat.retval<0");
	assert_string_equal(kx(f, "openat", enter, 4, false), "comm == \"cat\"");
	assert_string_equal(kx(f, "openat", sys_exit, 1, true), "comm == \"cat\" && ret < 0");
	/* Not for execve: its exit runs as the new program, maybe another tid. */
	scope_ok(f, "tid=7");
	event_ok(f, "execve.retval<0");
	assert_string_equal(kx(f, "execve", sys_exit, 1, true), "ret < 0");
	assert_string_equal(kx(f, "prctl", sys_exit, 1, true), "");
	assert_string_equal(kx(f, "openat", sys_exit, 1, true),
			    "comm == \"cat\" && ret < 0 && common_pid == 7");
	kt_filter_free(f);
}

static void test_kernel_task(void **state)
{
	static const struct kt_kfield exec[] = {
		{ .arg = 0, .name = "filename", .size = 4, .is_string = true },
		{ .arg = 2, .name = "old_pid", .size = 4, .is_signed = true },
	};
	struct kt_filter *f = kt_filter_new();

	scope_ok(f, "tid=5");
	event_ok(f, "sched_process_exec.data.cmdpath=/bin/*");
	assert_string_equal(kx(f, "sched_process_exec", exec, 2, false), "");
	kt_filter_free(f);
}

static void test_kernel_space(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char out[32];

	scope_ok(f, "tid=1234,1240");	/* too long for out: left out */
	scope_ok(f, "comm=bash");
	event_ok(f, "msgsnd.data.msqid=5");
	assert_int_equal(kt_filter_kernel(f, ev("msgsnd"), msgsnd_enter, 4, false, out,
					  sizeof(out)), 28);
	assert_string_equal(out, "comm == \"bash\" && msqid == 5");
	assert_int_equal(kt_filter_kernel(f, ev("msgsnd"), msgsnd_enter, 4, false, out, 5), 0);
	assert_string_equal(out, "");
	errno = 0;
	assert_int_equal(kt_filter_kernel(f, ev("msgsnd"), msgsnd_enter, 4, false, out, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(kt_filter_kernel(f, ev("msgsnd"), NULL, 4, false, out, sizeof(out)), -1);
	kt_filter_free(f);
}

/* ---------------------------------------------------------- durations */

static void dur_ok(const char *s, uint64_t want)
{
	const char *why = NULL;
	uint64_t ns = 1;

	if (kt_duration_parse(s, strlen(s), &ns, &why) < 0)
		fail_msg("duration %s: %s", s, why);
	if (ns != want)
		fail_msg("duration %s: %llu, not %llu", s, (unsigned long long)ns,
			 (unsigned long long)want);
}

static void dur_bad(const char *s, const char *why_want)
{
	const char *why = NULL;
	uint64_t ns = 7;

	errno = 0;
	if (kt_duration_parse(s, strlen(s), &ns, &why) != -1)
		fail_msg("duration %s was accepted", s);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(why, why_want);
	assert_int_equal(ns, 7);
}

static void test_duration_parse(void **state)
{
	(void)state;
	dur_ok("0", 0);
	dur_ok("250", 250);
	dur_ok("250ns", 250);
	dur_ok("12us", 12000);
	dur_ok("10ms", 10000000);
	dur_ok("2s", 2000000000);
	dur_ok("1.5us", 1500);
	dur_ok("0.25ms", 250000);
	dur_ok("1.000000001s", 1000000001);
	dur_ok("1.00000ns", 1);
	dur_ok("007ms", 7000000);
	dur_ok("18446744073709551615", UINT64_MAX);
	dur_ok("18446744073s", 18446744073000000000ull);
	dur_ok("18446744073.709551615s", UINT64_MAX);
	/* only the n bytes given */
	{
		uint64_t ns = 0;
		const char *why;

		assert_int_equal(kt_duration_parse("10msXYZ", 4, &ns, &why), 0);
		assert_int_equal(ns, 10000000);
	}
	dur_bad("", "no duration");
	dur_bad("10xs", "unknown unit (use ns, us, ms or s)");
	dur_bad("10 ms", "unknown unit (use ns, us, ms or s)");
	dur_bad("10MS", "unknown unit (use ns, us, ms or s)");
	dur_bad("10m", "unknown unit (use ns, us, ms or s)");
	dur_bad("1.2.3ms", "unknown unit (use ns, us, ms or s)");
	dur_bad("-1ms", "a duration cannot be negative");
	dur_bad("ms", "not a duration (a number and a unit: 10ms, 1.5us, 250ns)");
	dur_bad(".5ms", "not a duration (a number and a unit: 10ms, 1.5us, 250ns)");
	dur_bad("+5ms", "not a duration (a number and a unit: 10ms, 1.5us, 250ns)");
	dur_bad("5.ms", "no digit after the decimal point");
	dur_bad("1.5ns", "finer than a nanosecond");
	dur_bad("0.0001us", "finer than a nanosecond");
	dur_bad("1.0000000001s", "finer than a nanosecond");
	dur_bad("18446744073709551616", "out of range (at most 18446744073s)");
	dur_bad("18446744074s", "out of range (at most 18446744073s)");
	dur_bad("18446744073.709551616s", "out of range (at most 18446744073s)");
	dur_bad("99999999999999999999999s", "out of range (at most 18446744073s)");
}

/* --duration @expr fails with exactly @msg, and the filter stays empty. */
static void dur_opt_bad(const char *expr, const char *msg)
{
	struct kt_filter *f = kt_filter_new();
	char err[512];

	errno = 0;
	if (kt_filter_add_duration(f, expr, err, sizeof(err)) != -1)
		fail_msg("--duration %s was accepted", expr);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, msg);
	assert_true(kt_filter_empty(f));
	kt_filter_free(f);
}

static void test_duration_errors(void **state)
{
	(void)state;
	dur_opt_bad("10xs", "--duration: '10xs': no operator (one of >, >=, <, <=, =, != "
		    "before the duration: '>10ms')");
	dur_opt_bad(">10xs", "--duration: '>10xs': unknown unit (use ns, us, ms or s)");
	dur_opt_bad("", "--duration: '': empty (an operator and a duration: '>10ms')");
	dur_opt_bad(">", "--duration: '>': no duration");
	dur_opt_bad(">=-1ms", "--duration: '>=-1ms': a duration cannot be negative");
	dur_opt_bad("=>1ms", "--duration: '=>1ms': not a duration (a number and a unit: "
		    "10ms, 1.5us, 250ns)");
	dur_opt_bad("<1.5ns", "--duration: '<1.5ns': finer than a nanosecond");
	dur_opt_bad(">1ms,2ms", "--duration: '>1ms,2ms': one duration per --duration "
		    "(repeat the option: they all hold)");
	dur_opt_bad("> 1ms", "--duration: '> 1ms': not a duration (a number and a unit: "
		    "10ms, 1.5us, 250ns)");

	/* per event, in the filter syntax */
	expect_err(true, "msgrcv.duration>1xs",
		   "bad duration \"1xs\" for duration: unknown unit (use ns, us, ms or s)", 16);
	expect_err(true, "msgrcv.duration=1ms,x",
		   "bad duration \"x\" for duration: not a duration (a number and a unit: "
		   "10ms, 1.5us, 250ns)", 20);
	expect_err(true, "msgrcv.duration",
		   "no operator after \"duration\" (one of =, !=, <, >, <=, >=)", 15);
	expect_err(true, "msgrcv.durationx>1",
		   "expected \"data.\", \"args.\", \"retval\", \"duration\" or \"scope.\" after "
		   "\"msgrcv.\"", 7);
	expect_err(true, "sched_process_exec.duration>1ms",
		   "sched_process_exec is not a call: it has no duration", 19);
	expect_err(true, "exit_group.duration>1ms", "exit_group never returns: it has no duration",
		   11);
	/* --duration is no scope */
	expect_err(false, "duration>1ms", "unknown scope \"duration\" (one of pid, tid, ppid, "
		   "uid, mntns, pidns, comm, processorId, follow)", 0);
}

static void test_duration_forms(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char err[256], buf[512];

	(void)state;
	assert_int_equal(kt_filter_add_duration(f, ">10ms", err, sizeof(err)), 0);
	assert_int_equal(kt_filter_add(f, KT_FK_DURATION, "<=2s", err, sizeof(err)), 0);
	assert_int_equal(kt_filter_add(f, KT_FK_EVENT, "msgrcv.duration>=1.5us", err,
				       sizeof(err)), 0);
	assert_int_equal(kt_filter_add(f, KT_FK_SCOPE, "uid=0", err, sizeof(err)), 0);
	assert_false(kt_filter_empty(f));
	/* a duration alone selects no event; its own event filter does */
	assert_false(kt_filter_has_event(f, ev("msgsnd")));
	assert_true(kt_filter_has_event(f, ev("msgrcv")));
	assert_false(kt_filter_on_args(f, ev("msgrcv")));
	assert_false(kt_filter_on_retval(f, ev("msgrcv")));
	kt_filter_describe(f, buf, sizeof(buf));
	assert_string_equal(buf, "duration: >10ms\nduration: <=2s\n"
			    "event msgrcv: msgrcv.duration>=1.5us\nscope: uid=0\n");
	errno = 0;
	assert_int_equal(kt_filter_add(f, (enum kt_fkind)7, "x", err, sizeof(err)), -1);
	assert_int_equal(errno, EINVAL);
	kt_filter_free(f);
}

/* A complete call of @evname that took @ns. */
static struct kt_record timed(const char *evname, uint64_t ns)
{
	struct kt_record r = rec(evname);

	r.ts = 1000000000;
	r.ts_exit = r.ts + ns;
	r.has_ret = true;
	return r;
}

static bool d(const char *expr, const struct kt_record *r)
{
	struct kt_filter *f = kt_filter_new();
	char err[256];
	bool ok;

	if (kt_filter_add_duration(f, expr, err, sizeof(err)) < 0)
		fail_msg("--duration %s: %s", expr, err);
	ok = kt_filter_match(f, r, 0);
	kt_filter_free(f);
	return ok;
}

static void test_match_duration(void **state)
{
	struct kt_record r = timed("msgrcv", 10000000), t;
	struct kt_filter *f;

	(void)state;
	assert_true(d(">9999999", &r));
	assert_false(d(">10ms", &r));
	assert_true(d(">=10ms", &r));
	assert_true(d("=10ms", &r));
	assert_true(d("=0.01s", &r));
	assert_false(d("!=10000us", &r));
	assert_true(d("<10.000001ms", &r));
	assert_false(d("<10ms", &r));
	assert_true(d("<=10ms", &r));
	assert_true(E("msgrcv.duration>1ms", &r));
	assert_true(E("msgrcv.duration=1ms,10ms", &r));
	assert_false(E("msgrcv.duration>1ms,20ms", &r));	/* all of them */
	assert_false(E("msgrcv.duration<1ms", &r));
	/* another event's duration filter leaves it alone */
	assert_true(E("msgsnd.duration<1ms", &r));

	/* no duration: no match, whatever the operator */
	t = r;
	t.state = KT_ST_NO_EXIT;
	t.ts_exit = 0;
	assert_false(d(">=0", &t));
	assert_false(d("!=5s", &t));
	assert_false(E("msgrcv.duration>=0", &t));
	t = r;
	t.state = KT_ST_UNFINISHED;
	assert_false(d(">=0", &t));
	t.state = KT_ST_NO_ENTER;
	t.ts = t.ts_exit;
	assert_false(d(">=0", &t));
	/* NORETURN: complete at its entry, with no exit */
	t = rec("exit_group");
	assert_false(d(">=0", &t));
	/* a lifecycle event is no call */
	t = rec("sched_process_exec");
	t.ts_exit = t.ts + 5;
	assert_false(d(">=0", &t));
	/* lost_events always pass */
	t = (struct kt_record){ .ev = kt_lost_event() };
	assert_true(d(">10s", &t));
	/* an exit stamped before its entry (per-CPU clocks): 0 */
	t = r;
	t.ts_exit = t.ts - 3;
	assert_true(d("=0", &t));

	/* several --duration AND; they hold for followed tasks too, and are
	 * no scope: they do not decide what is followed */
	f = kt_filter_new();
	{
		char err[256];

		assert_int_equal(kt_filter_add_duration(f, ">1ms", err, sizeof(err)), 0);
		assert_int_equal(kt_filter_add_duration(f, "<1s", err, sizeof(err)), 0);
	}
	assert_true(kt_filter_match(f, &r, 0));
	t = timed("msgrcv", 2000000000);
	assert_false(kt_filter_match(f, &t, 0));
	t = timed("msgrcv", 999999);
	assert_false(kt_filter_match(f, &t, 0));
	t = rec("sched_process_fork");
	assert_true(kt_filter_scope_match(f, &t, 0));
	assert_false(kt_filter_match(f, &t, 0));
	scope_ok(f, "comm=make");
	scope_ok(f, "follow");
	assert_false(kt_filter_match(f, &r, 0));	/* comm is bash */
	assert_true(kt_filter_match(f, &r, KT_FM_FOLLOWED));
	t = timed("msgrcv", 5);
	assert_false(kt_filter_match(f, &t, KT_FM_FOLLOWED));
	t.comm = "make";
	assert_true(kt_filter_scope_match(f, &t, 0));
	assert_false(kt_filter_match(f, &t, 0));
	kt_filter_free(f);
}

/* Never to the kernel: the duration is known at the exit only. */
static void test_kernel_duration(void **state)
{
	struct kt_filter *f = kt_filter_new();
	char err[256];

	(void)state;
	assert_int_equal(kt_filter_add_duration(f, ">1ms", err, sizeof(err)), 0);
	event_ok(f, "msgsnd.duration<5s");
	event_ok(f, "msgsnd.duration=1ms,2ms");
	assert_string_equal(ENTER(f), "");
	assert_string_equal(EXIT(f), "");
	/* with the others, which still go */
	event_ok(f, "msgsnd.data.msqid=2");
	event_ok(f, "msgsnd.retval<0");
	scope_ok(f, "tid=7");
	assert_string_equal(ENTER(f), "msqid == 2 && common_pid == 7");
	assert_string_equal(EXIT(f), "common_pid == 7");
	kt_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_forms),
		cmocka_unit_test(test_scope_pids),
		cmocka_unit_test(test_event_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_keeps_filter),
		cmocka_unit_test(test_match_scope),
		cmocka_unit_test(test_match_unknown_context),
		cmocka_unit_test(test_match_and),
		cmocka_unit_test(test_match_new_follow),
		cmocka_unit_test(test_match_numeric_args),
		cmocka_unit_test(test_match_strings),
		cmocka_unit_test(test_match_openat_and_task),
		cmocka_unit_test(test_match_retval_and_events),
		cmocka_unit_test(test_match_pseudo),
		cmocka_unit_test(test_kernel_scope),
		cmocka_unit_test(test_kernel_comm),
		cmocka_unit_test(test_kernel_follow),
		cmocka_unit_test(test_kernel_args),
		cmocka_unit_test(test_kernel_retval),
		cmocka_unit_test(test_kernel_probe_fields),
		cmocka_unit_test(test_kernel_openat),
		cmocka_unit_test(test_kernel_task),
		cmocka_unit_test(test_kernel_space),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_duration_forms),
		cmocka_unit_test(test_match_duration),
		cmocka_unit_test(test_kernel_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
