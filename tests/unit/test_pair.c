// SPDX-License-Identifier: GPL-2.0-or-later
/* Enter/exit pairing: complete, lost exit, lost enter, unfinished, compat. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ktrail/pair.h"

#define MAXREC 16

struct sink {
	struct kt_record r[MAXREC];
	int n;
};

static int collect(struct kt_record *r, void *arg)
{
	struct sink *s = arg;

	assert_true(s->n < MAXREC);
	s->r[s->n++] = *r;
	return 0;
}

static struct kt_raw enter(int tid, uint64_t ts, int cpu, uint64_t a0, uint64_t a1,
			   uint64_t a2, uint64_t a3)
{
	struct kt_raw r = { .kind = KT_RAW_ENTER, .tid = tid, .ts = ts, .cpu = cpu,
			    .args = { a0, a1, a2, a3 } };

	return r;
}

static struct kt_raw leave(int tid, uint64_t ts, int cpu, int64_t ret)
{
	struct kt_raw r = { .kind = KT_RAW_EXIT, .tid = tid, .ts = ts, .cpu = cpu, .ret = ret };

	return r;
}

static void test_complete(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(1000, collect, &s);
	const struct kt_event_def *msgsnd = kt_event_by_name("msgsnd");
	struct kt_raw e = enter(42, 100, 0, 7, 0x7ffd0000ull, 13, 04000);
	struct kt_raw x = leave(42, 150, 1, 0);

	assert_int_equal(kt_pair_enter(p, &e, msgsnd, false), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(kt_pair_pending(p), 1);
	assert_int_equal(kt_pair_exit(p, &x, msgsnd, false), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(kt_pair_pending(p), 0);
	assert_ptr_equal(s.r[0].ev, msgsnd);
	assert_int_equal(s.r[0].state, KT_ST_COMPLETE);
	assert_int_equal(s.r[0].tid, 42);
	assert_int_equal(s.r[0].cpu, 0);	/* the CPU of the entry */
	assert_int_equal(s.r[0].ts, 1100);	/* entry time + epoch */
	assert_int_equal(s.r[0].ts_exit, 1150);
	assert_true(s.r[0].has_ret);
	assert_int_equal(s.r[0].ret, 0);
	assert_true(s.r[0].args[0].set);
	assert_int_equal(s.r[0].args[0].i, 7);
	assert_int_equal(s.r[0].args[1].u, 0x7ffd0000ull);
	assert_int_equal(s.r[0].args[2].u, 13);
	assert_int_equal(s.r[0].args[3].i, 04000);
	kt_pairer_free(p);
}

/* Threads interleave; a negative int arg and a -errno return survive. */
/* exit_group never returns: emitted at once, complete, no returnValue;
 * a thread that dies in a call: no_exit; a reused tid starts clean. */
static void test_noreturn_and_thread_gone(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *eg = kt_event_by_name("exit_group");
	const struct kt_event_def *rd = kt_event_by_name("read");
	const struct kt_event_def *clone = kt_event_by_name("clone");
	struct kt_raw e = enter(7, 10, 0, 3, 0, 0, 0);
	struct kt_raw x = leave(7, 30, 0, 0);

	(void)state;
	assert_int_equal(kt_pair_enter(p, &e, eg, false), 0);
	assert_true(kt_pair_in_call(p, 7));
	assert_int_equal(kt_pair_noreturn(p, 7), 0);
	assert_int_equal(s.n, 1);
	assert_ptr_equal(s.r[0].ev, eg);
	assert_int_equal(s.r[0].state, KT_ST_COMPLETE);
	assert_false(s.r[0].has_ret);
	assert_int_equal(s.r[0].args[0].i, 3);
	assert_false(kt_pair_in_call(p, 7));
	/* Nothing pending: nothing more. */
	assert_int_equal(kt_pair_noreturn(p, 7), 0);
	assert_int_equal(kt_pair_thread_gone(p, 7), 0);
	assert_int_equal(s.n, 1);
	/* A read the thread never returned from. */
	e = enter(8, 20, 1, 5, 0x1000, 64, 0);
	assert_int_equal(kt_pair_enter(p, &e, rd, false), 0);
	assert_int_equal(kt_pair_thread_gone(p, 8), 0);
	assert_int_equal(s.n, 2);
	assert_ptr_equal(s.r[1].ev, rd);
	assert_int_equal(s.r[1].state, KT_ST_NO_EXIT);
	assert_false(kt_pair_in_call(p, 8));
	/* tid 8 reused by a new thread: its clone return is not paired with
	 * the dead thread's read. */
	x = leave(8, 40, 1, 0);
	assert_int_equal(kt_pair_exit(p, &x, clone, false), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[2].tid, 8);
	assert_ptr_equal(s.r[2].ev, clone);
	assert_int_equal(s.r[2].state, KT_ST_NO_ENTER);
	assert_int_equal(kt_pair_pending(p), 0);
	kt_pairer_free(p);
}

/*
 * The calls the kernel never writes an exit for (KT_EVF_NORETURN):
 * kt_pair_syscall writes them at entry, complete, with no return value,
 * 32-bit ones too; a stray exit of one is dropped; other calls pair
 * as with kt_pair_enter/kt_pair_exit.
 */
static void test_pair_syscall_noreturn(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(1000, collect, &s);
	const struct kt_event_def *rts = kt_event_by_name("rt_sigreturn");
	const struct kt_event_def *sr = kt_event_by_name("sigreturn");
	const struct kt_event_def *ex = kt_event_by_name("exit");
	const struct kt_event_def *rd = kt_event_by_name("read");
	struct kt_raw e = enter(9, 100, 1, 0, 0, 0, 0);
	struct kt_raw x;

	(void)state;
	assert_true(rts->flags & KT_EVF_NORETURN);
	assert_false(rd->flags & KT_EVF_NORETURN);
	assert_int_equal(kt_pair_syscall(p, &e, rts, false), 0);
	assert_int_equal(s.n, 1);
	assert_ptr_equal(s.r[0].ev, rts);
	assert_int_equal(s.r[0].state, KT_ST_COMPLETE);
	assert_false(s.r[0].has_ret);
	assert_int_equal(s.r[0].ts, 1100);
	assert_int_equal(s.r[0].cpu, 1);
	assert_false(kt_pair_in_call(p, 9));
	/* An exit of it all the same: nothing, not a no_enter. */
	x = leave(9, 110, 1, 0);
	assert_int_equal(kt_pair_syscall(p, &x, rts, false), 0);
	assert_int_equal(s.n, 1);
	/* A 32-bit task's sigreturn (raw_syscalls). */
	e = enter(10, 120, 0, 0, 0, 0, 0);
	assert_int_equal(kt_pair_syscall(p, &e, sr, true), 0);
	assert_int_equal(s.n, 2);
	assert_ptr_equal(s.r[1].ev, sr);
	assert_true(s.r[1].compat);
	assert_int_equal(s.r[1].state, KT_ST_COMPLETE);
	assert_false(s.r[1].has_ret);
	/* exit(3) in the middle of nothing else. */
	e = enter(11, 130, 0, 3, 0, 0, 0);
	assert_int_equal(kt_pair_syscall(p, &e, ex, false), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[2].state, KT_ST_COMPLETE);
	assert_int_equal(s.r[2].args[0].i, 3);
	assert_false(s.r[2].has_ret);
	/* A read pairs as before: enter pending, exit completes it. */
	e = enter(12, 140, 0, 5, 0x1000, 64, 0);
	assert_int_equal(kt_pair_syscall(p, &e, rd, false), 0);
	assert_int_equal(s.n, 3);
	assert_true(kt_pair_in_call(p, 12));
	x = leave(12, 150, 0, 64);
	assert_int_equal(kt_pair_syscall(p, &x, rd, false), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.r[3].state, KT_ST_COMPLETE);
	assert_true(s.r[3].has_ret);
	assert_int_equal(s.r[3].ret, 64);
	/* A stray rt_sigreturn exit leaves another pending call alone. */
	e = enter(13, 160, 0, 5, 0x1000, 64, 0);
	assert_int_equal(kt_pair_syscall(p, &e, rd, false), 0);
	x = leave(13, 170, 0, 0);
	assert_int_equal(kt_pair_syscall(p, &x, rts, false), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(kt_pair_pending(p), 1);
	assert_int_equal(kt_pair_flush(p), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.r[4].state, KT_ST_UNFINISHED);
	assert_ptr_equal(s.r[4].ev, rd);
	kt_pairer_free(p);
}

static void test_interleaved_threads(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *msgctl = kt_event_by_name("msgctl");
	const struct kt_event_def *sendto = kt_event_by_name("sendto");
	struct kt_raw e1 = enter(1, 10, 0, (uint64_t)-1, 0, 0, 0);
	struct kt_raw e2 = enter(2, 11, 1, 5, 0x1000, 64, 0x40);
	struct kt_raw x2 = leave(2, 12, 1, 64);
	struct kt_raw x1 = leave(1, 13, 0, -22);

	kt_pair_enter(p, &e1, msgctl, false);
	kt_pair_enter(p, &e2, sendto, false);
	kt_pair_exit(p, &x2, sendto, false);
	kt_pair_exit(p, &x1, msgctl, false);
	assert_int_equal(s.n, 2);
	assert_ptr_equal(s.r[0].ev, sendto);
	assert_int_equal(s.r[0].ret, 64);
	assert_int_equal(s.r[0].args[3].i, 0x40);
	/* sendto's dest_addr is user memory: not available from tracepoints. */
	assert_false(s.r[0].args[4].set);
	assert_true(s.r[0].args[5].set);
	assert_ptr_equal(s.r[1].ev, msgctl);
	assert_int_equal(s.r[1].args[0].i, -1);
	assert_int_equal(s.r[1].ret, -22);
	kt_pairer_free(p);
}

/* Two enters in a row: the first lost its exit. */
static void test_lost_exit(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *a = kt_event_by_name("msgget");
	const struct kt_event_def *b = kt_event_by_name("msgrcv");
	struct kt_raw e1 = enter(9, 10, 0, 1234, 01600, 0, 0);
	struct kt_raw e2 = enter(9, 20, 0, 3, 0, 64, 0);
	struct kt_raw x2 = leave(9, 30, 0, 64);

	kt_pair_enter(p, &e1, a, false);
	kt_pair_enter(p, &e2, b, false);
	assert_int_equal(s.n, 1);
	assert_ptr_equal(s.r[0].ev, a);
	assert_int_equal(s.r[0].state, KT_ST_NO_EXIT);
	assert_false(s.r[0].has_ret);
	assert_int_equal(s.r[0].args[0].i, 1234);
	kt_pair_exit(p, &x2, b, false);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[1].state, KT_ST_COMPLETE);
	assert_int_equal(s.r[1].ret, 64);
	kt_pairer_free(p);
}

/* An exit with no enter, and an exit that does not match its enter. */
static void test_lost_enter(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(5, collect, &s);
	const struct kt_event_def *a = kt_event_by_name("msgrcv");
	const struct kt_event_def *b = kt_event_by_name("mq_notify");
	struct kt_raw x = leave(3, 40, 1, -4);
	struct kt_raw e = enter(3, 50, 1, 4, 0, 0, 0);
	struct kt_raw xb = leave(3, 60, 0, 0);

	kt_pair_exit(p, &x, a, false);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].state, KT_ST_NO_ENTER);
	assert_int_equal(s.r[0].ret, -4);
	assert_int_equal(s.r[0].ts, 45);
	assert_int_equal(s.r[0].cpu, 1);
	for (unsigned int i = 0; i < a->nargs; i++)
		assert_false(s.r[0].args[i].set);
	kt_pair_enter(p, &e, a, false);
	kt_pair_exit(p, &xb, b, false);
	assert_int_equal(s.n, 3);
	assert_ptr_equal(s.r[1].ev, a);
	assert_int_equal(s.r[1].state, KT_ST_NO_EXIT);
	assert_ptr_equal(s.r[2].ev, b);
	assert_int_equal(s.r[2].state, KT_ST_NO_ENTER);
	kt_pairer_free(p);
}

static void test_unfinished_flush_in_entry_order(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *rcv = kt_event_by_name("msgrcv");
	struct kt_raw e[3] = {
		enter(300, 30, 0, 1, 0, 0, 0),
		enter(100, 10, 0, 2, 0, 0, 0),
		enter(200, 20, 1, 3, 0, 0, 0),
	};

	for (int i = 0; i < 3; i++)
		kt_pair_enter(p, &e[i], rcv, false);
	assert_int_equal(kt_pair_flush(p), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[0].tid, 100);
	assert_int_equal(s.r[1].tid, 200);
	assert_int_equal(s.r[2].tid, 300);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s.r[i].state, KT_ST_UNFINISHED);
		assert_false(s.r[i].has_ret);
	}
	assert_int_equal(kt_pair_pending(p), 0);
	kt_pairer_free(p);
}

/* Events lost before ts 20: enters older than that lose their claim to
 * an exit; a later one keeps it. */
static void test_abandon_after_loss(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *snd = kt_event_by_name("msgsnd");
	struct kt_raw e1 = enter(1, 10, 0, 1, 0, 0, 0);
	struct kt_raw e2 = enter(2, 30, 1, 2, 0, 0, 0);
	struct kt_raw x1 = leave(1, 40, 0, 0);
	struct kt_raw x2 = leave(2, 41, 1, 0);

	kt_pair_enter(p, &e1, snd, false);
	kt_pair_enter(p, &e2, snd, false);
	assert_int_equal(kt_pair_abandon(p, 20), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].tid, 1);
	assert_int_equal(s.r[0].state, KT_ST_NO_EXIT);
	kt_pair_exit(p, &x1, snd, false);
	kt_pair_exit(p, &x2, snd, false);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[1].state, KT_ST_NO_ENTER);
	assert_int_equal(s.r[2].state, KT_ST_COMPLETE);
	assert_int_equal(s.r[2].tid, 2);
	kt_pairer_free(p);
}

/* 32-bit task: registers hold 32-bit values; long/size_t/pointers too. */
static void test_compat_widths(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *rcv = kt_event_by_name("msgrcv");
	struct kt_raw e = enter(7, 1, 0, 5, 0xffd01234ull, 0xffffffffull, 0xfffffffeull);
	struct kt_raw x = leave(7, 2, 0, -42);

	e.args[4] = 0x800;
	kt_pair_enter(p, &e, rcv, true);
	/* A native exit does not close a compat enter. */
	kt_pair_exit(p, &x, rcv, true);
	assert_int_equal(s.n, 1);
	assert_true(s.r[0].compat);
	assert_int_equal(s.r[0].args[1].u, 0xffd01234ull);	/* pointer */
	assert_int_equal(s.r[0].args[2].u, 0xffffffffull);	/* size_t */
	assert_int_equal(s.r[0].args[3].i, -2);			/* long msgtyp */
	assert_int_equal(s.r[0].args[4].i, 0x800);
	assert_int_equal(s.r[0].ret, -42);
	kt_pairer_free(p);
}

/* Many threads: the table grows and deletes correctly. */
static void test_many_threads(void **state)
{
	struct sink s = { 0 };
	struct kt_pairer *p = kt_pairer_new(0, collect, &s);
	const struct kt_event_def *ev = kt_event_by_name("sendmsg");

	for (int t = 1; t <= 5000; t++) {
		struct kt_raw e = enter(t, t, 0, t, 0, 0, 0);

		kt_pair_enter(p, &e, ev, false);
	}
	assert_int_equal(kt_pair_pending(p), 5000);
	for (int t = 5000; t >= 1; t--) {
		struct kt_raw x = leave(t, 10000 + t, 0, t);

		s.n = 0;
		kt_pair_exit(p, &x, ev, false);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.r[0].state, KT_ST_COMPLETE);
		assert_int_equal(s.r[0].args[0].i, t);
		assert_int_equal(s.r[0].ret, t);
	}
	assert_int_equal(kt_pair_pending(p), 0);
	kt_pairer_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_noreturn_and_thread_gone),
		cmocka_unit_test(test_pair_syscall_noreturn),
		cmocka_unit_test(test_interleaved_threads),
		cmocka_unit_test(test_lost_exit),
		cmocka_unit_test(test_lost_enter),
		cmocka_unit_test(test_unfinished_flush_in_entry_order),
		cmocka_unit_test(test_abandon_after_loss),
		cmocka_unit_test(test_compat_widths),
		cmocka_unit_test(test_many_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
