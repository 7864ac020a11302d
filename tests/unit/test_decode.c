// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoding without a kernel: format files of several kernel generations
 * (kept here as text, as the kernels print them) with hand-built records
 * and sub-buffers, and raw sub-buffers captured from a real kernel
 * (tests/data/<kernel>/) checked against the values the workload printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kbuffer.h>

#include "ktrail/decode.h"
#include "ktrail/pair.h"
#include "ktrail/proc.h"
#include "ktrail/ring.h"
#include "ktrail/util.h"

/* ------------------------------------------------------------ formats */

#define COMMON64 \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

/* Linux 6.x, x86_64 (as captured on 6.18). */
static const char fmt_enter_msgsnd_6x[] =
	"name: sys_enter_msgsnd\nID: 2034\nformat:\n" COMMON64
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int msqid;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:struct msgbuf * msgp;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t msgsz;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:int msgflg;\toffset:40;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"msqid: 0x%08lx, msgp: 0x%08lx, msgsz: 0x%08lx, msgflg: 0x%08lx\", "
	"((unsigned long)(REC->msqid)), ((unsigned long)(REC->msgp)), "
	"((unsigned long)(REC->msgsz)), ((unsigned long)(REC->msgflg))\n";

static const char fmt_exit_msgsnd_6x[] =
	"name: sys_exit_msgsnd\nID: 2033\nformat:\n" COMMON64
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\n"
	"print fmt: \"0x%lx\", REC->ret\n";

/* Linux 4.x on a 32-bit ARM board: "nr", 4-byte longs and pointers. */
static const char fmt_enter_msgrcv_4x_arm[] =
	"name: sys_enter_msgrcv\nID: 612\nformat:\n" COMMON64
	"\tfield:int nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int msqid;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:struct msgbuf __user * msgp;\toffset:16;\tsize:4;\tsigned:0;\n"
	"\tfield:size_t msgsz;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\tfield:long msgtyp;\toffset:24;\tsize:4;\tsigned:0;\n"
	"\tfield:int msgflg;\toffset:28;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"msqid: 0x%08lx, msgp: 0x%08lx, msgsz: 0x%08lx, msgtyp: 0x%08lx, "
	"msgflg: 0x%08lx\", ((unsigned long)(REC->msqid)), ((unsigned long)(REC->msgp)), "
	"((unsigned long)(REC->msgsz)), ((unsigned long)(REC->msgtyp)), "
	"((unsigned long)(REC->msgflg))\n";

static const char fmt_exit_msgrcv_4x_arm[] =
	"name: sys_exit_msgrcv\nID: 611\nformat:\n" COMMON64
	"\tfield:int nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long ret;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"0x%lx\", REC->ret\n";

/* Linux 2.6.32 (RHEL 6 era): common_lock_depth before the number. */
static const char fmt_enter_mq_open_2632[] =
	"name: sys_enter_mq_open\nID: 77\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\tfield:int common_lock_depth;\toffset:8;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int nr;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:const char __user * u_name;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:int oflag;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:mode_t mode;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:struct mq_attr __user * u_attr;\toffset:40;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"u_name: 0x%08lx, oflag: 0x%08lx, mode: 0x%08lx, u_attr: 0x%08lx\", "
	"((unsigned long)(REC->u_name)), ((unsigned long)(REC->oflag)), "
	"((unsigned long)(REC->mode)), ((unsigned long)(REC->u_attr))\n";

static const char fmt_raw_enter_6x[] =
	"name: sys_enter\nID: 443\nformat:\n" COMMON64
	"\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n\n"
	"print fmt: \"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], "
	"REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]\n";

static const char fmt_raw_exit_6x[] =
	"name: sys_exit\nID: 442\nformat:\n" COMMON64
	"\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\n"
	"print fmt: \"NR %ld = %ld\", REC->id, REC->ret\n";

/* A 32-bit ARM kernel's raw_syscalls: 4-byte words. */
static const char fmt_raw_enter_arm[] =
	"name: sys_enter\nID: 21\nformat:\n" COMMON64
	"\tfield:long id;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long args[6];\toffset:12;\tsize:24;\tsigned:0;\n\n"
	"print fmt: \"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], "
	"REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]\n";

static const char fmt_exec_6x[] =
	"name: sched_process_exec\nID: 321\nformat:\n" COMMON64
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
	"REC->old_pid\n";

static const char header_page_64[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

/* ------------------------------------------------------------ helpers */

static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static struct kt_decoder *dec_with(int long_size, const char *sys, const char *const *fmts)
{
	struct kt_decoder *d = kt_decoder_new(long_size, false);

	assert_non_null(d);
	for (; *fmts; fmts++)
		assert_int_equal(kt_decoder_add_format(d, sys, *fmts, strlen(*fmts)), 0);
	return d;
}

/* ------------------------------------------------------- format tests */

static void test_enter_exit_6x(void **state)
{
	const char *const fmts[] = { fmt_enter_msgsnd_6x, fmt_exit_msgsnd_6x, NULL };
	struct kt_decoder *d = dec_with(8, "syscalls", fmts);
	unsigned char rec[48] = { 0 };
	struct kt_raw raw;

	put16(rec, 2034);
	put32(rec + 4, 4242);
	put32(rec + 8, 69);
	put64(rec + 16, 3);			/* msqid */
	put64(rec + 24, 0x7ffc12345678ull);	/* msgp */
	put64(rec + 32, 13);			/* msgsz */
	put64(rec + 40, 04000);			/* IPC_NOWAIT */
	assert_int_equal(kt_decode(d, rec, sizeof(rec), 777, 1, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_string_equal(raw.ev->name, "msgsnd");
	assert_false(raw.raw);
	assert_int_equal(raw.tid, 4242);
	assert_int_equal(raw.cpu, 1);
	assert_int_equal(raw.ts, 777);
	assert_int_equal(raw.nr, 69);
	assert_int_equal(raw.args[0], 3);
	assert_int_equal(raw.args[1], 0x7ffc12345678ull);
	assert_int_equal(raw.args[2], 13);
	assert_int_equal(raw.args[3], 04000);

	memset(rec, 0, sizeof(rec));
	put16(rec, 2033);
	put32(rec + 4, 4242);
	put32(rec + 8, 69);
	put64(rec + 16, (uint64_t)-11);		/* -EAGAIN */
	assert_int_equal(kt_decode(d, rec, 24, 800, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_EXIT);
	assert_string_equal(raw.ev->name, "msgsnd");
	assert_int_equal(raw.ret, -11);

	/* A record too short for its fields is refused, not read past. */
	assert_int_equal(kt_decode(d, rec, 20, 800, 0, &raw), -1);
	/* An event id ktrail did not ask for decodes as nothing. */
	put16(rec, 9999);
	assert_int_equal(kt_decode(d, rec, 24, 800, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_NONE);
	kt_decoder_free(d);
}

struct sink1 {
	struct kt_record *out;
	int *n;
};

static int collect1(struct kt_record *r, void *arg)
{
	struct sink1 *sk = arg;

	sk->out[(*sk->n)++] = *r;
	return 0;
}

static void test_32bit_arm_4x(void **state)
{
	const char *const fmts[] = { fmt_enter_msgrcv_4x_arm, fmt_exit_msgrcv_4x_arm, NULL };
	struct kt_decoder *d = dec_with(4, "syscalls", fmts);
	unsigned char rec[32] = { 0 };
	struct kt_raw raw;
	struct kt_record out[2];
	int n = 0;

	put16(rec, 612);
	put32(rec + 4, 77);
	put32(rec + 8, 302);
	put32(rec + 12, 5);
	put32(rec + 16, 0xbeef0010);
	put32(rec + 20, 64);
	put32(rec + 24, 0xfffffffe);	/* msgtyp -2 */
	put32(rec + 28, 010000);	/* MSG_EXCEPT */
	assert_int_equal(kt_decode(d, rec, sizeof(rec), 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_string_equal(raw.ev->name, "msgrcv");
	assert_int_equal(raw.nr, 302);
	assert_int_equal(raw.args[1], 0xbeef0010u);
	/* long msgtyp, a 4-byte field (marked unsigned by old kernels):
	 * sign-extended as a 64-bit kernel's register would be. */
	assert_int_equal((int64_t)raw.args[3], -2);

	/* A 32-bit kernel's native task (armhf): not compat, msgtyp -2
	 * (it was 4294967294). */
	{
		struct kt_pairer *p;
		struct sink1 sk = { .out = out, .n = &n };

		p = kt_pairer_new(0, collect1, &sk);
		kt_pair_enter(p, &raw, raw.ev, false);
		kt_pair_flush(p);
		assert_int_equal(n, 1);
		assert_false(out[0].compat);
		assert_int_equal(out[0].args[3].i, -2);
		assert_int_equal(out[0].args[2].u, 64);
		assert_int_equal(out[0].args[1].u, 0xbeef0010u);
		kt_pairer_free(p);
		n = 0;
	}

	/* Through the pairer as a compat task: the same 32-bit values. */
	{
		struct kt_pairer *p;
		struct kt_raw x;
		unsigned char xr[16] = { 0 };
		struct sink1 sk = { .out = out, .n = &n };

		p = kt_pairer_new(0, collect1, &sk);
		kt_pair_enter(p, &raw, raw.ev, true);
		put16(xr, 611);
		put32(xr + 4, 77);
		put32(xr + 8, 302);
		put32(xr + 12, 0xffffffda);	/* -38 ENOSYS */
		assert_int_equal(kt_decode(d, xr, sizeof(xr), 2, 0, &x), 0);
		assert_int_equal(x.ret, -38);
		kt_pair_exit(p, &x, x.ev, true);
		assert_int_equal(n, 1);
		assert_int_equal(out[0].args[3].i, -2);
		assert_int_equal(out[0].args[4].i, 010000);
		assert_int_equal(out[0].ret, -38);
		kt_pairer_free(p);
	}
	kt_decoder_free(d);
}

static void test_2632_lock_depth(void **state)
{
	const char *const fmts[] = { fmt_enter_mq_open_2632, NULL };
	struct kt_decoder *d = dec_with(8, "syscalls", fmts);
	unsigned char rec[48] = { 0 };
	struct kt_raw raw;

	put16(rec, 77);
	put32(rec + 4, 1000);
	put32(rec + 8, -1);		/* lock depth */
	put32(rec + 12, 240);
	put64(rec + 16, 0x601010);
	put64(rec + 24, 0102);	/* O_RDWR|O_CREAT */
	put64(rec + 32, 0600);
	put64(rec + 40, 0);
	assert_int_equal(kt_decode(d, rec, sizeof(rec), 5, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_string_equal(raw.ev->name, "mq_open");
	assert_int_equal(raw.nr, 240);
	assert_int_equal(raw.args[0], 0x601010);
	assert_int_equal(raw.args[1], 0102);
	assert_int_equal(raw.args[2], 0600);
	assert_int_equal(raw.args[3], 0);
	kt_decoder_free(d);
}

static void test_raw_syscalls_and_exec(void **state)
{
	struct kt_decoder *d = kt_decoder_new(8, false);
	unsigned char rec[64] = { 0 };
	unsigned char ex[40] = { 0 };
	struct kt_raw raw;

	assert_int_equal(kt_decoder_add_format(d, "raw_syscalls", fmt_raw_enter_6x,
					       strlen(fmt_raw_enter_6x)), 0);
	assert_int_equal(kt_decoder_add_format(d, "sched", fmt_exec_6x, strlen(fmt_exec_6x)), 0);
	put16(rec, 443);
	put32(rec + 4, 31);
	put64(rec + 8, 279);	/* i386 mq_timedsend (time32) */
	for (int i = 0; i < 6; i++)
		put64(rec + 16 + 8 * i, 0x100 + i);
	assert_int_equal(kt_decode(d, rec, sizeof(rec), 9, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_true(raw.raw);
	assert_null(raw.ev);
	assert_int_equal(raw.nr, 279);
	assert_int_equal(raw.args[0], 0x100);
	assert_int_equal(raw.args[5], 0x105);

	put16(ex, 321);
	put32(ex + 4, 50);
	put32(ex + 8, (11u << 16) | 20);	/* __data_loc: len 11 at 20 */
	put32(ex + 12, 50);
	put32(ex + 16, 52);
	memcpy(ex + 20, "/bin/ipc32", 11);
	assert_int_equal(kt_decode(d, ex, 31, 10, 1, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_EXEC);
	assert_int_equal(raw.pid, 50);
	assert_int_equal(raw.old_pid, 52);
	assert_int_equal(raw.filename_len, 10);
	assert_memory_equal(raw.filename, "/bin/ipc32", 10);
	/* A __data_loc pointing outside the record is refused. */
	put32(ex + 8, (200u << 16) | 20);
	assert_int_equal(kt_decode(d, ex, 31, 10, 1, &raw), -1);
	kt_decoder_free(d);
}

/*
 * A native task's call through raw_syscalls (the KT_R_RAW_SYSCALLS
 * recipe, session/dispatch.c): the number picks the event in the native
 * table, the pairer joins enter and exit of the thread, and the catalog's
 * types give the same values as the call's syscall tracepoints.
 */
static void test_raw_syscalls_native(void **state)
{
	struct kt_decoder *d = kt_decoder_new(8, false);
	unsigned char en[64] = { 0 }, ex[24] = { 0 };
	struct kt_record out[2];
	int n = 0;
	struct sink1 sk = { .out = out, .n = &n };
	const struct kt_event_def *ev;
	struct kt_pairer *p;
	struct kt_raw raw, x;

	(void)state;
	assert_int_equal(kt_decoder_add_format(d, "raw_syscalls", fmt_raw_enter_6x,
					       strlen(fmt_raw_enter_6x)), 0);
	assert_int_equal(kt_decoder_add_format(d, "raw_syscalls", fmt_raw_exit_6x,
					       strlen(fmt_raw_exit_6x)), 0);
	/* msgrcv(7, 0x7ffd0010, 64, -5, IPC_NOWAIT) = -42 on x86_64 (70). */
	put16(en, 443);
	put32(en + 4, 31);
	put64(en + 8, 70);
	put64(en + 16, 7);
	put64(en + 24, 0x7ffd0010);
	put64(en + 32, 64);
	put64(en + 40, (uint64_t)-5);
	put64(en + 48, 04000);
	put64(en + 56, 0x5555);		/* a register the call does not use */
	assert_int_equal(kt_decode(d, en, sizeof(en), 100, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_true(raw.raw);
	assert_null(raw.ev);
	ev = kt_event_by_nr(KT_ABI_X86_64, raw.nr);
	assert_non_null(ev);
	assert_string_equal(ev->name, "msgrcv");
	put16(ex, 442);
	put32(ex + 4, 31);
	put64(ex + 8, 70);
	put64(ex + 16, (uint64_t)-42);
	assert_int_equal(kt_decode(d, ex, sizeof(ex), 250, 0, &x), 0);
	assert_int_equal(x.kind, KT_RAW_EXIT);
	assert_int_equal(x.nr, 70);
	assert_int_equal(x.ret, -42);

	p = kt_pairer_new(0, collect1, &sk);
	assert_int_equal(kt_pair_syscall(p, &raw, ev, false), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kt_pair_syscall(p, &x, ev, false), 0);
	assert_int_equal(n, 1);
	assert_ptr_equal(out[0].ev, ev);
	assert_false(out[0].compat);
	assert_int_equal(out[0].state, KT_ST_COMPLETE);
	assert_int_equal(out[0].tid, 31);
	assert_int_equal(out[0].ts, 100);
	assert_int_equal(out[0].ts_exit, 250);
	assert_int_equal(out[0].ret, -42);
	assert_int_equal(out[0].args[0].i, 7);
	assert_int_equal(out[0].args[1].u, 0x7ffd0010);
	assert_int_equal(out[0].args[2].u, 64);
	assert_int_equal(out[0].args[3].i, -5);
	assert_int_equal(out[0].args[4].i, 04000);

	/* The same thread's 32-bit call through the same pair (i386
	 * msgsnd, 400) is not this call's exit: the pairer tells them apart
	 * by the event and the ABI. */
	n = 0;
	assert_int_equal(kt_pair_syscall(p, &raw, ev, false), 0);
	put64(ex + 8, 400);
	assert_int_equal(kt_decode(d, ex, sizeof(ex), 300, 0, &x), 0);
	assert_int_equal(kt_pair_syscall(p, &x, kt_event_by_nr(KT_ABI_I386, x.nr), true), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].state, KT_ST_NO_EXIT);
	assert_string_equal(out[0].ev->name, "msgrcv");
	assert_int_equal(out[1].state, KT_ST_NO_ENTER);
	assert_string_equal(out[1].ev->name, "msgsnd");
	assert_true(out[1].compat);
	kt_pairer_free(p);
	kt_decoder_free(d);

	/* A 32-bit kernel's native task: 4-byte words, msgtyp -5 is
	 * 0xfffffffb until kt_args_extend32, as its tracepoint would give. */
	d = kt_decoder_new(4, false);
	assert_int_equal(kt_decoder_add_format(d, "raw_syscalls", fmt_raw_enter_arm,
					       strlen(fmt_raw_enter_arm)), 0);
	memset(en, 0, sizeof(en));
	put16(en, 21);
	put32(en + 4, 40);
	put32(en + 8, 302);		/* arm msgrcv */
	put32(en + 12, 7);
	put32(en + 16, 0xbeef0010);
	put32(en + 20, 64);
	put32(en + 24, 0xfffffffb);
	put32(en + 28, 04000);
	assert_int_equal(kt_decode(d, en, 36, 5, 0, &raw), 0);
	ev = kt_event_by_nr(KT_ABI_ARM, raw.nr);
	assert_non_null(ev);
	assert_string_equal(ev->name, "msgrcv");
	assert_int_equal(raw.args[3], 0xfffffffbu);
	kt_args_extend32(raw.args, ev);
	assert_int_equal((int64_t)raw.args[3], -5);
	assert_int_equal(raw.args[1], 0xbeef0010u);	/* a pointer stays */
	n = 0;
	p = kt_pairer_new(0, collect1, &sk);
	kt_pair_enter(p, &raw, ev, false);
	kt_pair_flush(p);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].args[3].i, -5);
	assert_int_equal(out[0].args[1].u, 0xbeef0010u);
	assert_int_equal(out[0].args[2].u, 64);
	kt_pairer_free(p);
	kt_decoder_free(d);
}

static void add_captured(struct kt_decoder *d, const char *sys, const char *name)
{
	char path[512];
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/linux-6.18-x86_64/formats/%s/%s.format", KT_TEST_DATA,
		 sys, name);
	buf = kt_read_file(path, &len);
	assert_non_null(buf);
	assert_int_equal(kt_decoder_add_format(d, sys, buf, len), 0);
	free(buf);
}

/* The exit causes' feeds: signal_deliver, signal_generate (captured on
 * 6.18), and sched_process_exit with group_dead (6.16+) and without. */
static void test_signals_and_exit(void **state)
{
	static const char fmt_exit_6_1[] =
		"name: sched_process_exit\nID: 300\nformat:\n" COMMON64
		"\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		"\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		"\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n\n"
		"print fmt: \"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio\n";
	struct kt_decoder *d = kt_decoder_new(8, false);
	unsigned char rec[48] = { 0 };
	struct kt_raw raw;

	(void)state;
	add_captured(d, "signal", "signal_deliver");
	add_captured(d, "signal", "signal_generate");
	add_captured(d, "sched", "sched_process_exit");
	assert_int_equal(kt_decoder_add_format(d, "sched", fmt_exit_6_1, strlen(fmt_exit_6_1)), 0);

	/* signal_deliver: sig 15 at 8, sa_handler at 24 (SIG_DFL). */
	put16(rec, 260);
	put32(rec + 4, 77);
	put32(rec + 8, 15);
	put64(rec + 24, 0);
	assert_int_equal(kt_decode(d, rec, 40, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_SIG_DELIVER);
	assert_int_equal(raw.tid, 77);
	assert_int_equal(raw.sig, 15);
	assert_int_equal(raw.handler, 0);
	put64(rec + 24, 0x401000);
	assert_int_equal(kt_decode(d, rec, 40, 1, 0, &raw), 0);
	assert_int_equal(raw.handler, 0x401000);

	/* signal_generate: sig 9, comm at 20, pid 36, group 40, result 44. */
	memset(rec, 0, sizeof(rec));
	put16(rec, 261);
	put32(rec + 4, 1);
	put32(rec + 8, 9);
	put32(rec + 36, 4242);
	put32(rec + 40, 1);
	put32(rec + 44, 0);
	assert_int_equal(kt_decode(d, rec, 48, 2, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_SIG_GENERATE);
	assert_int_equal(raw.sig, 9);
	assert_int_equal(raw.pid, 4242);
	assert_int_equal(raw.group, 1);
	assert_int_equal(raw.result, 0);
	/* Cut short: refused. */
	assert_int_equal(kt_decode(d, rec, 40, 2, 0, &raw), -1);

	/* sched_process_exit of 6.18: pid 24, group_dead 32. */
	memset(rec, 0, sizeof(rec));
	put16(rec, 369);
	put32(rec + 4, 90);
	put32(rec + 24, 90);
	rec[32] = 1;
	assert_int_equal(kt_decode(d, rec, 40, 3, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_TASK_EXIT);
	assert_int_equal(raw.pid, 90);
	assert_int_equal(raw.group_dead, 1);
	rec[32] = 0;
	assert_int_equal(kt_decode(d, rec, 40, 3, 0, &raw), 0);
	assert_int_equal(raw.group_dead, 0);
	/* 6.1 has no group_dead: -1 (unknown). */
	put16(rec, 300);
	assert_int_equal(kt_decode(d, rec, 32, 3, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_TASK_EXIT);
	assert_int_equal(raw.group_dead, -1);
	kt_decoder_free(d);
}

/* Sub-buffers kbuffer may walk: commit within, events of lengths the
 * kernel writes (multiples of 4: a corrupt one would make kbuffer read
 * unaligned, a bus error on 32-bit ARM). */
static void test_subbuf_valid(void **state)
{
	unsigned char sb[256];

	(void)state;
	memset(sb, 0, sizeof(sb));
	/* header: timestamp (8), commit (8); data from 16 */
	put64(sb + 8, 28);
	put32(sb + 16, 2);		/* type_len 2: 4 + 8 bytes */
	put32(sb + 28, 0);		/* type_len 0, array[0] = 12: 16 bytes */
	put32(sb + 32, 12);
	assert_true(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	put32(sb + 32, 13);		/* not a multiple of 4 */
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	put32(sb + 32, 400);		/* beyond the data */
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	put32(sb + 32, 12);
	put64(sb + 8, 300);		/* commit beyond the sub-buffer */
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	/* A time extend (8 bytes), then the null padding that ends the data. */
	put64(sb + 8, 40);
	put32(sb + 16, 30);
	put32(sb + 24, 29);
	assert_true(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	/* A discarded event (padding with a time delta): its length counts
	 * (the data: the time extend, then 4 + 8 bytes). */
	put64(sb + 8, 20);
	put32(sb + 24, 29 | 1u << 5);
	put32(sb + 28, 7);
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	put32(sb + 28, 8);
	assert_true(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	/* A commit length that is not a multiple of 4: kbuffer would read a
	 * stored lost-event count after it unaligned (fuzzing, under
	 * qemu-arm: a bus error). */
	put64(sb + 8, 22 | 3ull << 30);
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	put64(sb + 8, 22);
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
	/* A lost-event count flagged as stored but with no room for it. */
	put64(sb + 8, (sizeof(sb) - 16 - 4) | 3ull << 30);
	assert_false(kt_subbuf_valid(sb, sizeof(sb), 8, false));
}

static void test_bad_formats(void **state)
{
	struct kt_decoder *d = kt_decoder_new(8, false);
	const char garbage[] = "name: x\nID: zz\nformat:\n\tfield:";
	/* A sys_enter without a syscall-number field cannot be decoded. */
	const char nonr[] = "name: sys_enter_msgget\nID: 12\nformat:\n" COMMON64
			    "\tfield:int key;\toffset:8;\tsize:8;\tsigned:0;\n\n"
			    "print fmt: \"%d\", REC->key\n";

	assert_int_equal(kt_decoder_add_format(d, "syscalls", garbage, strlen(garbage)), -1);
	assert_int_equal(kt_decoder_add_format(d, "syscalls", nonr, strlen(nonr)), -1);
	assert_int_equal(kt_decoder_header_page(d, header_page_64, strlen(header_page_64)), 0);
	kt_decoder_free(d);
}

/* A sub-buffer laid out by hand: time extend, two events, lost flag. */
static void test_hand_built_subbuffer(void **state)
{
	const char *const fmts[] = { fmt_enter_msgsnd_6x, fmt_exit_msgsnd_6x, NULL };
	struct kt_decoder *d = dec_with(8, "syscalls", fmts);
	unsigned char page[4096] = { 0 };
	unsigned char *p = page + 16;
	struct kbuffer *kb;
	unsigned long long ts;
	struct kt_raw raw;
	void *ev;
	size_t used;

	assert_int_equal(kt_decoder_header_page(d, header_page_64, strlen(header_page_64)), 0);
	put64(page, 1000000);			/* sub-buffer base time */
	/* time extend by 1 << 27 + 5 */
	put32(p, 30 | (5u << 5));
	put32(p + 4, 1);
	p += 8;
	/* enter: 48 bytes of data -> type_len 12, delta 100 */
	put32(p, 12 | (100u << 5));
	put16(p + 4, 2034);
	put32(p + 8, 9);
	put32(p + 12, 69);
	put64(p + 20, 1);
	put64(p + 28, 0x1000);
	put64(p + 36, 64);
	put64(p + 44, 0);
	p += 4 + 48;
	/* exit: 24 bytes -> type_len 6, delta 50 */
	put32(p, 6 | (50u << 5));
	put16(p + 4, 2033);
	put32(p + 8, 9);
	put32(p + 12, 69);
	put64(p + 20, 0);
	p += 4 + 24;
	used = p - (page + 16);
	/* commit with RB_MISSED_EVENTS | RB_MISSED_STORED and the count after
	 * the data. */
	put64(page + 8, used | (1ull << 31) | (1ull << 30));
	put64(p, 17);
	kb = kt_decoder_kbuffer_new(d);
	assert_int_equal(kbuffer_load_subbuffer(kb, page), 0);
	assert_int_equal(kt_subbuf_missed(page, sizeof(page), 8, false), 17);
	put64(page + 8, used | (1ull << 31));
	assert_int_equal(kt_subbuf_missed(page, sizeof(page), 8, false), -1);
	put64(page + 8, used);
	assert_int_equal(kt_subbuf_missed(page, sizeof(page), 8, false), 0);
	ev = kbuffer_read_event(kb, &ts);
	assert_non_null(ev);
	assert_int_equal(ts, 1000000 + (1ull << 27) + 5 + 100);
	assert_int_equal(kt_decode(d, ev, kbuffer_event_size(kb), ts, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_int_equal(raw.tid, 9);
	assert_int_equal(raw.args[2], 64);
	ev = kbuffer_next_event(kb, &ts);
	assert_non_null(ev);
	assert_int_equal(ts, 1000000 + (1ull << 27) + 5 + 150);
	assert_int_equal(kt_decode(d, ev, kbuffer_event_size(kb), ts, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_EXIT);
	assert_int_equal(raw.ret, 0);
	assert_null(kbuffer_next_event(kb, &ts));
	kbuffer_free(kb);
	kt_decoder_free(d);
}

/* ------------------------------------------- captured from a real kernel */

struct expect {
	char event[64];
	int tid;
	long long ret;
	char args[8][2][40];
	int nargs;
	bool matched;
};

struct capture {
	struct expect *exp;
	int nexp;
	struct kt_record *got;
	int ngot, capgot;
	struct kt_proc *proc;
};

static int cap_collect(struct kt_record *r, void *arg)
{
	struct capture *c = arg;

	if (c->ngot == c->capgot) {
		c->capgot = c->capgot ? c->capgot * 2 : 256;
		c->got = realloc(c->got, c->capgot * sizeof(*c->got));
		assert_non_null(c->got);
	}
	c->got[c->ngot++] = *r;
	return 0;
}

static int read_expect(const char *path, struct capture *c)
{
	char *s = kt_read_file(path, NULL), *line, *save = NULL;
	int cap = 0;

	if (!s)
		return -1;
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct expect e = { 0 };
		char *tok, *ts = NULL;
		int i = 0;

		if (strncmp(line, "@@ ", 3) || !strncmp(line, "@@ start", 8))
			continue;
		for (tok = strtok_r(line + 3, " ", &ts); tok; tok = strtok_r(NULL, " ", &ts), i++) {
			char *eq = strchr(tok, '=');

			if (i == 0) {
				snprintf(e.event, sizeof(e.event), "%s", tok);
				continue;
			}
			if (!eq)
				continue;
			*eq = '\0';
			if (!strcmp(tok, "tid"))
				e.tid = atoi(eq + 1);
			else if (!strcmp(tok, "ret"))
				e.ret = atoll(eq + 1);
			else if (e.nargs < 8) {
				snprintf(e.args[e.nargs][0], 40, "%s", tok);
				snprintf(e.args[e.nargs][1], 40, "%s", eq + 1);
				e.nargs++;
			}
		}
		if (c->nexp == cap) {
			cap = cap ? cap * 2 : 64;
			c->exp = realloc(c->exp, cap * sizeof(*c->exp));
		}
		c->exp[c->nexp++] = e;
	}
	free(s);
	return 0;
}

static void value_text(const struct kt_value *v, enum kt_type t, char *buf, size_t len)
{
	if (!v->set)
		buf[0] = '\0';
	else if (t == KT_T_INT || t == KT_T_LONG)
		snprintf(buf, len, "%lld", (long long)v->i);
	else if (t == KT_T_PTR)
		snprintf(buf, len, "0x%llx", (unsigned long long)v->u);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v->u);
}

/* Decode every cpuN.raw of @dir through kbuffer, decoder and pairer. */
static void decode_capture(const char *dir, struct capture *c)
{
	char path[2048];
	struct kt_decoder *d = kt_decoder_new(8, false);
	struct kt_pairer *p = kt_pairer_new(0, cap_collect, c);
	DIR *dd;
	struct dirent *de;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/formats/header_page", dir);
	buf = kt_read_file(path, &len);
	assert_non_null(buf);
	assert_int_equal(kt_decoder_header_page(d, buf, len), 0);
	free(buf);
	for (int s = 0; s < 3; s++) {
		const char *sys = (const char *[]){ "syscalls", "task", "sched" }[s];

		snprintf(path, sizeof(path), "%s/formats/%s", dir, sys);
		dd = opendir(path);
		assert_non_null(dd);
		while ((de = readdir(dd))) {
			char fp[2400];

			if (de->d_name[0] == '.')
				continue;
			snprintf(fp, sizeof(fp), "%s/%s", path, de->d_name);
			buf = kt_read_file(fp, &len);
			assert_non_null(buf);
			assert_int_equal(kt_decoder_add_format(d, sys, buf, len), 0);
			free(buf);
		}
		closedir(dd);
	}
	/* One stream per CPU; the workload is single-CPU-bound enough that
	 * a thread's enter and exit may still sit on different CPUs, so merge
	 * by time exactly as the session does: collect, sort, feed. */
	{
		struct ev { unsigned long long ts; int cpu; unsigned int size; unsigned char data[256]; } *evs = NULL;
		int nev = 0, cap = 0;

		for (int cpu = 0; cpu < 64; cpu++) {
			struct kbuffer *kb = kt_decoder_kbuffer_new(d);
			char *raw;
			size_t rlen;

			snprintf(path, sizeof(path), "%s/cpu%d.raw", dir, cpu);
			raw = kt_read_file(path, &rlen);
			if (!raw) {
				kbuffer_free(kb);
				continue;
			}
			assert_int_equal(rlen % 4096, 0);
			for (size_t off = 0; off < rlen; off += 4096) {
				unsigned long long ts;
				void *e;

				assert_int_equal(kbuffer_load_subbuffer(kb, raw + off), 0);
				assert_int_equal(kt_subbuf_missed(raw + off, 4096, 8, false), 0);
				for (e = kbuffer_read_event(kb, &ts); e; e = kbuffer_next_event(kb, &ts)) {
					int sz = kbuffer_event_size(kb);

					assert_true(sz <= 256);
					if (nev == cap) {
						cap = cap ? cap * 2 : 1024;
						evs = realloc(evs, cap * sizeof(*evs));
					}
					evs[nev].ts = ts;
					evs[nev].cpu = cpu;
					evs[nev].size = sz;
					memcpy(evs[nev].data, e, sz);
					nev++;
				}
			}
			free(raw);
			kbuffer_free(kb);
		}
		assert_true(nev > 0);
		for (int i = 1; i < nev; i++) {	/* insertion sort: stable, small */
			struct ev tmp = evs[i];
			int j = i - 1;

			while (j >= 0 && evs[j].ts > tmp.ts) {
				evs[j + 1] = evs[j];
				j--;
			}
			evs[j + 1] = tmp;
		}
		for (int i = 0; i < nev; i++) {
			struct kt_raw r;

			assert_int_equal(kt_decode(d, evs[i].data, evs[i].size, evs[i].ts, evs[i].cpu, &r), 0);
			if (r.kind == KT_RAW_ENTER)
				kt_pair_enter(p, &r, r.ev, false);
			else if (r.kind == KT_RAW_EXIT)
				kt_pair_exit(p, &r, r.ev, false);
			else if (r.kind == KT_RAW_NEWTASK)
				kt_proc_newtask(c->proc, r.tid, r.pid, r.clone_flags, r.comm);
		}
		free(evs);
	}
	kt_pair_flush(p);
	kt_pairer_free(p);
	kt_decoder_free(d);
}

static void check_capture(const char *name)
{
	char dir[1024], path[1200];
	struct capture c = { 0 };
	int complete = 0;
	bool *used;

	snprintf(dir, sizeof(dir), "%s/%s", KT_TEST_DATA, name);
	snprintf(path, sizeof(path), "%s/workload.txt", dir);
	if (read_expect(path, &c) < 0) {
		print_message("no captured data in %s\n", dir);
		fail();
	}
	assert_true(c.nexp >= 10);
	c.proc = kt_proc_new(NULL);
	decode_capture(dir, &c);
	/* Every call the workload made is there, with its exact values, in
	 * the order it made them (per thread), and nothing else. */
	for (int i = 0; i < c.ngot; i++) {
		const struct kt_record *r = &c.got[i];

		assert_int_equal(r->state, KT_ST_COMPLETE);
		complete++;
	}
	assert_int_equal(c.ngot, c.nexp);
	used = calloc(c.ngot, sizeof(*used));
	for (int i = 0; i < c.nexp; i++) {
		const struct expect *e = &c.exp[i];
		const struct kt_record *r = NULL;

		/* The first record of this thread and event not matched yet. */
		for (int j = 0; j < c.ngot && !r; j++) {
			if (used[j] || c.got[j].tid != e->tid || strcmp(c.got[j].ev->name, e->event))
				continue;
			used[j] = true;
			r = &c.got[j];
		}
		if (!r) {
			print_message("missing: %s tid=%d\n", e->event, e->tid);
			fail();
		}
		assert_int_equal(r->ret, e->ret);
		for (int a = 0; a < e->nargs; a++) {
			bool found = false;

			for (unsigned int k = 0; k < r->ev->nargs; k++) {
				char txt[64];

				if (strcmp(r->ev->args[k].name, e->args[a][0]))
					continue;
				value_text(&r->args[k], r->ev->args[k].type, txt, sizeof(txt));
				if (strcmp(txt, e->args[a][1]))
					print_message("%s tid=%d %s: got %s, want %s\n", e->event,
						      e->tid, e->args[a][0], txt, e->args[a][1]);
				assert_string_equal(txt, e->args[a][1]);
				found = true;
			}
			assert_true(found);
		}
	}
	assert_int_equal(complete, c.nexp);
	free(used);
	kt_proc_free(c.proc);
	free(c.exp);
	free(c.got);
}

static void test_captured_6_18(void **state)
{
	check_capture("linux-6.18-x86_64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enter_exit_6x),
		cmocka_unit_test(test_32bit_arm_4x),
		cmocka_unit_test(test_2632_lock_depth),
		cmocka_unit_test(test_raw_syscalls_and_exec),
		cmocka_unit_test(test_raw_syscalls_native),
		cmocka_unit_test(test_bad_formats),
		cmocka_unit_test(test_subbuf_valid),
		cmocka_unit_test(test_signals_and_exit),
		cmocka_unit_test(test_hand_built_subbuffer),
		cmocka_unit_test(test_captured_6_18),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
