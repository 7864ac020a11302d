// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kprobe recipes without a kernel: the probe features read from the tracefs
 * READMEs of several kernels (tests/data/readme: captured from 6.1, 6.12 and
 * 6.18, and from Debian's 32-bit arm 6.1, reconstructed for 4.19 and 5.4),
 * the symbols of the 6.1 and 6.12 x86_64 and the 6.1 armhf guests
 * (tests/data/symbols), and the exact probe definitions made from them for
 * each arch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ktrail/kernel.h"
#include "ktrail/probe.h"
#include "ktrail/util.h"

static void readme(const char *name, bool kprobe_events, struct kt_probe_feats *pf)
{
	char path[512];
	char *text;

	snprintf(path, sizeof(path), "%s/readme/%s.README", KT_TEST_DATA, name);
	text = kt_read_file(path, NULL);
	assert_non_null(text);
	kt_probe_feats_parse(text, kprobe_events, pf);
	free(text);
}

static struct kt_symset *symbols(const char *name)
{
	char path[512];
	size_t len;
	char *text;
	struct kt_symset *s = kt_symset_new();

	snprintf(path, sizeof(path), "%s/symbols/%s.syms", KT_TEST_DATA, name);
	text = kt_read_file(path, &len);
	assert_non_null(text);
	assert_int_equal(kt_symset_parse(s, text, len, NULL), 0);
	free(text);
	return s;
}

/* A symbol set from a list of names. */
static struct kt_symset *names(const char *first, ...)
{
	struct kt_symset *s = kt_symset_new();
	va_list ap;

	va_start(ap, first);
	for (const char *n = first; n; n = va_arg(ap, const char *))
		assert_int_equal(kt_symset_add(s, n, strlen(n)), 0);
	va_end(ap);
	return s;
}

static const struct kt_event_def *ev(const char *name)
{
	const struct kt_event_def *e = kt_event_by_name(name);

	assert_non_null(e);
	return e;
}

static void test_feats(void **state)
{
	struct kt_probe_feats pf;
	char buf[256];

	(void)state;
	readme("linux-4.19-x86_64", true, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "kprobe_events kretprobe $comm");

	readme("linux-5.4-x86_64", true, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "kprobe_events kretprobe $arg<N> ustring +u<offset> $comm arrays");

	readme("linux-6.1-x86_64", true, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "kprobe_events kretprobe $arg<N> ustring +u<offset> $comm arrays "
			    "symstr eprobes");

	readme("linux-6.12-x86_64", true, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "kprobe_events kretprobe $arg<N> ustring +u<offset> $comm arrays "
			    "symstr eprobes fprobes $arg<N>-at-return btf-args");

	/* This machine's kernel: no kprobe_events file, no kprobe lines. */
	readme("linux-6.18-x86_64-nokprobes", false, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	readme("linux-6.18-x86_64-nokprobes", true, &pf);
	assert_false(pf.kprobe_events);
}

static void test_symset(void **state)
{
	struct kt_symset *s = symbols("linux-6.12-x86_64");
	struct kt_symset *w = kt_symset_new(), *k = kt_symset_new();
	const char kallsyms[] =
		"ffffffff811d2e80 t do_msgsnd\n"
		"ffffffff811d2e90 T __x64_sys_msgsnd\n"
		"ffffffff82000000 d do_mq_open\n"	/* data: not a function */
		"0000000000000000 T __sys_sendto\t[somemod]\n"
		"garbage\n";

	(void)state;
	assert_true(kt_symset_has(s, "do_msgsnd"));
	assert_true(kt_symset_has(s, "__ia32_sys_mq_timedreceive_time32"));
	assert_true(kt_symset_has(s, "ksys_msgctl.constprop.0"));
	assert_false(kt_symset_has(s, "ksys_msgctl"));
	assert_int_equal(kt_symset_count(s), 83);

	kt_symset_add(w, "do_msgsnd", 9);
	kt_symset_add(w, "do_mq_open", 10);
	kt_symset_add(w, "__sys_sendto", 12);
	assert_int_equal(kt_symset_parse(k, kallsyms, sizeof(kallsyms) - 1, w), 0);
	assert_int_equal(kt_symset_count(k), 2);
	assert_true(kt_symset_has(k, "do_msgsnd"));
	assert_true(kt_symset_has(k, "__sys_sendto"));
	assert_false(kt_symset_has(k, "__x64_sys_msgsnd"));	/* not wanted */
	assert_false(kt_symset_has(k, "do_mq_open"));		/* data */
	kt_symset_free(s);
	kt_symset_free(w);
	kt_symset_free(k);
}

static void test_names(void **state)
{
	char buf[64];
	const struct kt_event_def *e;
	enum kt_probe_role role;
	bool compat;

	(void)state;
	kt_probe_event_name(ev("mq_timedreceive_time32"), KT_PR_EXIT, true, buf, sizeof(buf));
	assert_string_equal(buf, "mq_timedreceive_time32_cx");
	assert_int_equal(kt_probe_event_parse(buf, &e, &role, &compat), 0);
	assert_ptr_equal(e, ev("mq_timedreceive_time32"));
	assert_int_equal(role, KT_PR_EXIT);
	assert_true(compat);
	assert_int_equal(kt_probe_event_parse("msgsnd_d", &e, &role, &compat), 0);
	assert_int_equal(role, KT_PR_DETAIL);
	assert_false(compat);
	assert_int_equal(kt_probe_event_parse("nosuch_e", &e, &role, &compat), -1);
	assert_int_equal(kt_probe_event_parse("msgsnd_q", &e, &role, &compat), -1);
	assert_int_equal(kt_probe_event_parse("msgsnd", &e, &role, &compat), -1);
}

/* x86_64 on Debian 6.12: $arg<N>, +u, arrays. */
static void test_x86_64_612(void **state)
{
	struct kt_probe_feats pf;
	struct kt_symset *s = symbols("linux-6.12-x86_64");
	struct kt_probe_env env = { KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &pf, s };
	struct kt_probe_def d, x;
	char why[512];

	(void)state;
	readme("linux-6.12-x86_64", true, &pf);

	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__x64_sys_msgsnd");
	assert_string_equal(d.event, "msgsnd_e");
	assert_string_equal(d.fetch, "msqid=+112($arg1):s32 msgp=+104($arg1):x64 "
			    "msgsz=+96($arg1):u64 msgflg=+56($arg1):s32");
	assert_int_equal(kt_probe_exit(&env, &d, &x, why, sizeof(why)), 0);
	assert_true(x.ret);
	assert_string_equal(x.symbol, "__x64_sys_msgsnd");
	assert_string_equal(x.event, "msgsnd_x");
	assert_string_equal(x.fetch, "ret=$retval:s64");

	/* The inner function, for both ABIs. */
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "do_msgsnd");
	assert_string_equal(d.event, "msgsnd_d");
	assert_true(d.any_abi);
	assert_string_equal(d.fetch, "mtype=$arg2:s64 mtext=+u0($arg3):string");

	assert_int_equal(kt_probe_detail(&env, ev("mq_open"), true, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "do_mq_open");
	assert_string_equal(d.event, "mq_open_d");
	assert_string_equal(d.fetch, "name=+u0($arg1):string mq_maxmsg=+8($arg4):s64 "
			    "mq_msgsize=+16($arg4):s64");

	/* 32-bit tasks: the compat entries, ia32 registers in pt_regs. */
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedreceive_time32"), true, &d,
					why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__ia32_sys_mq_timedreceive_time32");
	assert_string_equal(d.event, "mq_timedreceive_time32_ce");
	assert_string_equal(d.fetch, "mqdes=+40($arg1):s32 u_msg_ptr__ptr=+88($arg1):x32 "
			    "msg_len=+96($arg1):u32 u_msg_prio=+104($arg1):x32 "
			    "u_abs_timeout=+112($arg1):x32");
	assert_int_equal(kt_probe_exit(&env, &d, &x, why, sizeof(why)), 0);
	assert_string_equal(x.event, "mq_timedreceive_time32_cx");
	assert_string_equal(x.fetch, "ret=$retval:s32");
	/* No 64-bit syscall. */
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedreceive_time32"), false, &d,
					why, sizeof(why)), -1);
	assert_string_equal(why, "no native syscall");

	assert_int_equal(kt_probe_entry(&env, ev("recvmmsg"), true, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__ia32_compat_sys_recvmmsg_time64");
	assert_int_equal(kt_probe_entry(&env, ev("sendmsg"), true, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__ia32_compat_sys_sendmsg");
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedsend"), true, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__ia32_sys_mq_timedsend");

	/* 32-bit msghdr: ILP32 offsets, no msg_name. */
	assert_int_equal(kt_probe_detail(&env, ev("sendmsg"), true, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__ia32_compat_sys_sendmsg");
	assert_string_equal(d.event, "sendmsg_cd");
	assert_string_equal(d.fetch, "msg_iovlen=+u12(+88($arg1)):u32 "
			    "msg_controllen=+u20(+88($arg1)):u32 msg_flags=+u24(+88($arg1)):u32");
	assert_int_equal(kt_probe_detail(&env, ev("sendmsg"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__x64_sys_sendmsg");
	assert_string_equal(d.fetch,
			    "msg_name__ptr=+u0(+104($arg1)):x64 "
			    "msg_name__fam=+u0(+u0(+104($arg1))):u16 "
			    "msg_name__port=+u2(+u0(+104($arg1))):u16 "
			    "msg_name__in4=+u4(+u0(+104($arg1))):u32 "
			    "msg_name__in6a=+u8(+u0(+104($arg1))):u64 "
			    "msg_name__in6b=+u16(+u0(+104($arg1))):u64 "
			    "msg_name__path=+u2(+u0(+104($arg1))):string "
			    "msg_name__abs=+u3(+u0(+104($arg1))):string "
			    "msg_iovlen=+u24(+104($arg1)):u64 msg_controllen=+u40(+104($arg1)):u64 "
			    "msg_flags=+u48(+104($arg1)):u32");
	assert_int_equal(kt_probe_detail(&env, ev("sendto"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__sys_sendto");
	assert_string_equal(d.fetch,
			    "dest_addr__fam=+u0($arg5):u16 dest_addr__port=+u2($arg5):u16 "
			    "dest_addr__in4=+u4($arg5):u32 dest_addr__in6a=+u8($arg5):u64 "
			    "dest_addr__in6b=+u16($arg5):u64 dest_addr__path=+u2($arg5):string "
			    "dest_addr__abs=+u3($arg5):string");

	/* No detail recipe for an event whose arguments are all numbers. */
	assert_int_equal(kt_probe_detail(&env, ev("msgget"), false, &d, why, sizeof(why)), 0);
	kt_symset_free(s);
}

/* 4.19: no $arg<N>, no +u, no arrays: registers and plain dereferences. */
static void test_x86_64_419(void **state)
{
	struct kt_probe_feats pf;
	struct kt_symset *s = symbols("linux-6.1-x86_64");
	struct kt_probe_env env = { KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &pf, s };
	struct kt_probe_def d;
	char why[512];

	(void)state;
	readme("linux-4.19-x86_64", true, &pf);
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch, "mtype=%si:s64 mtext=+0(%dx):string");
	assert_int_equal(kt_probe_detail(&env, ev("sendto"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch,
			    "dest_addr__fam=+0(%r8):u16 dest_addr__port=+2(%r8):u16 "
			    "dest_addr__in4=+4(%r8):u32 dest_addr__in6a=+8(%r8):u64 "
			    "dest_addr__in6b=+16(%r8):u64 dest_addr__path=+2(%r8):string "
			    "dest_addr__abs=+3(%r8):string");
	assert_int_equal(kt_probe_entry(&env, ev("mq_unlink"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "name__ptr=+112(%di):x64");
	kt_symset_free(s);
}

/* A kernel without kprobe events, and symbols that are missing. */
static void test_unavailable(void **state)
{
	struct kt_probe_feats pf, none;
	struct kt_symset *s = names("__x64_sys_msgsnd", NULL);
	struct kt_probe_env env = { KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &none, s };
	struct kt_probe_def d;
	char why[512];

	(void)state;
	readme("linux-6.18-x86_64-nokprobes", false, &none);
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), -1);
	assert_string_equal(why, "the kernel has no kprobe events (CONFIG_KPROBE_EVENTS)");

	readme("linux-6.12-x86_64", true, &pf);
	env.pf = &pf;
	/* do_msgsnd is missing: the entry function instead. */
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__x64_sys_msgsnd");
	assert_false(d.any_abi);
	assert_string_equal(d.fetch, "mtype=+u0(+104($arg1)):s64 mtext=+u8(+104($arg1)):string");
	/* An event probes.def does not list: the generic recipe reads its
	 * strings, socket addresses and (native) timespecs at the entry. */
	kt_symset_add(s, "__x64_sys_openat", strlen("__x64_sys_openat"));
	kt_symset_add(s, "__x64_sys_connect", strlen("__x64_sys_connect"));
	kt_symset_add(s, "__x64_sys_nanosleep", strlen("__x64_sys_nanosleep"));
	kt_symset_add(s, "__ia32_compat_sys_nanosleep_time32",
		      strlen("__ia32_compat_sys_nanosleep_time32"));
	assert_int_equal(kt_probe_detail(&env, ev("openat"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__x64_sys_openat");
	assert_string_equal(d.event, "openat_d");
	assert_string_equal(d.fetch, "pathname=+u0(+104($arg1)):string");
	assert_int_equal(kt_probe_detail(&env, ev("connect"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch,
			    "addr__fam=+u0(+104($arg1)):u16 addr__port=+u2(+104($arg1)):u16 "
			    "addr__in4=+u4(+104($arg1)):u32 addr__in6a=+u8(+104($arg1)):u64 "
			    "addr__in6b=+u16(+104($arg1)):u64 addr__path=+u2(+104($arg1)):string "
			    "addr__abs=+u3(+104($arg1)):string");
	assert_int_equal(kt_probe_detail(&env, ev("nanosleep"), false, &d, why, sizeof(why)), 1);
	/* req only: rem is an output the kernel fills. */
	assert_string_equal(d.fetch, "req__sec=+u0(+112($arg1)):s64 req__nsec=+u8(+112($arg1)):s64");
	/* No timespec for 32-bit tasks (old_timespec32): nothing to read. */
	assert_int_equal(kt_probe_detail(&env, ev("nanosleep"), true, &d, why, sizeof(why)), 0);
	/* An output (recvfrom's src_addr) holds garbage at the entry: not read. */
	assert_int_equal(kt_probe_detail(&env, ev("recvfrom"), false, &d, why, sizeof(why)), 0);
	assert_int_equal(kt_probe_detail(&env, ev("mq_timedreceive_time32"), true, &d, why,
					 sizeof(why)), 0);
	/* No user memory at all: no detail probe. */
	assert_int_equal(kt_probe_detail(&env, ev("close"), false, &d, why, sizeof(why)), 0);
	/* security_file_open: a kprobe through BTF argument names (6.12). */
	assert_true(pf.btfargs);
	assert_int_equal(kt_probe_hook(&env, ev("security_file_open"), &d, why, sizeof(why)), -1);
	assert_string_equal(why, "security_file_open: not in the kernel's symbols");
	kt_symset_add(s, "security_file_open", strlen("security_file_open"));
	assert_int_equal(kt_probe_hook(&env, ev("security_file_open"), &d, why, sizeof(why)), 0);
	assert_string_equal(d.event, "security_file_open_e");
	assert_string_equal(d.symbol, "security_file_open");
	assert_int_equal(d.role, KT_PR_ENTER);
	assert_string_equal(d.fetch, "flags=file->f_flags:s32 dev=file->f_inode->i_sb->s_dev:u32 "
			    "inode=file->f_inode->i_ino:u64 "
			    "name=file->f_path.dentry->d_name.name:string");
	/* 6.1 has kprobes but no BTF argument names. */
	{
		struct kt_probe_feats pf61;
		struct kt_probe_env env61 = env;

		readme("linux-6.1-x86_64", true, &pf61);
		env61.pf = &pf61;
		assert_false(pf61.btfargs);
		assert_int_equal(kt_probe_hook(&env61, ev("security_file_open"), &d, why,
					       sizeof(why)), -1);
		assert_string_equal(why, "the kernel's kprobe events have no BTF argument names "
				    "(<argname>->field: Linux 6.6+ with CONFIG_PROBE_EVENTS_BTF_ARGS)");
	}
	/* Nothing for mq_open at all. */
	assert_int_equal(kt_probe_detail(&env, ev("mq_open"), false, &d, why, sizeof(why)), -1);
	assert_string_equal(why, "do_mq_open: not in the kernel's symbols; no entry function in "
			    "the kernel's symbols (tried __x64_sys_mq_open, sys_mq_open)");
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), true, &d, why, sizeof(why)), -1);
	assert_string_equal(why, "no entry function in the kernel's symbols (tried "
			    "__ia32_compat_sys_msgsnd_time64, __ia32_compat_sys_msgsnd, "
			    "__ia32_sys_msgsnd, compat_sys_msgsnd_time64, compat_sys_msgsnd)");
	kt_symset_free(s);
}

/* The other arches' register tables and pt_regs layouts. */
static void test_other_arches(void **state)
{
	struct kt_probe_feats pf612, pf419;
	struct kt_symset *s = names("__arm64_sys_msgsnd", "__arm64_compat_sys_msgsnd",
				    "sys_msgsnd", "sys_sendto", "__riscv_sys_msgsnd",
				    "__ia32_sys_msgsnd", "do_msgsnd", NULL);
	struct kt_probe_env env = { KT_ABI_ARM64, KT_ABI_ARM64, KT_ABI_ARM, &pf612, s };
	struct kt_probe_def d;
	char why[512];

	(void)state;
	readme("linux-6.12-x86_64", true, &pf612);
	readme("linux-4.19-x86_64", true, &pf419);

	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__arm64_sys_msgsnd");
	assert_string_equal(d.fetch, "msqid=+0($arg1):s32 msgp=+8($arg1):x64 "
			    "msgsz=+16($arg1):u64 msgflg=+24($arg1):s32");
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), true, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__arm64_compat_sys_msgsnd");
	assert_string_equal(d.fetch, "msqid=+0($arg1):s32 msgp=+8($arg1):x32 "
			    "msgsz=+16($arg1):u32 msgflg=+24($arg1):s32");
	/* arm64 without $arg<N>: x0.. */
	env.pf = &pf419;
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch, "mtype=%x1:s64 mtext=+0(%x2):string");

	/* 32-bit arm: no wrapper; r0-r3, then the stack. */
	env = (struct kt_probe_env){ KT_ABI_ARM, KT_ABI_ARM, KT_ABI_NONE, &pf419, s };
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "sys_msgsnd");
	assert_string_equal(d.fetch, "msqid=%r0:s32 msgp=%r1:x32 msgsz=%r2:u32 msgflg=%r3:s32");
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch, "mtype=%r1:s32 mtext=+0(%r2):string");
	/* Arguments 5 and 6: where vector_swi pushed them (test_arm_61). */
	assert_int_equal(kt_probe_entry(&env, ev("sendto"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "sockfd=%r0:s32 buf=%r1:x32 len=%r2:u32 flags=%r3:s32 "
			    "dest_addr__ptr=$stack0:x32 addrlen=$stack1:s32");
	env.pf = &pf612;
	assert_int_equal(kt_probe_entry(&env, ev("sendto"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "sockfd=$arg1:s32 buf=$arg2:x32 len=$arg3:u32 flags=$arg4:s32 "
			    "dest_addr__ptr=$arg5:x32 addrlen=$arg6:s32");
	/* No 32-bit compat ABI on arm. */
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), true, &d, why, sizeof(why)), -1);

	env = (struct kt_probe_env){ KT_ABI_RISCV64, KT_ABI_NONE, KT_ABI_NONE, &pf612, s };
	/* arm64 without $arg<N> has x0-x5: nothing on the stack. */
	/* riscv64 has no syscall numbers in the catalog yet. */
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), -1);

	/* i386 kernel: pt_regs wrapper, or asmlinkage (stack) sys_X. */
	env = (struct kt_probe_env){ KT_ABI_I386, KT_ABI_I386, KT_ABI_NONE, &pf612, s };
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__ia32_sys_msgsnd");
	assert_string_equal(d.fetch, "msqid=+0($arg1):s32 msgp=+4($arg1):x32 "
			    "msgsz=+8($arg1):u32 msgflg=+12($arg1):s32");
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.fetch, "mtype=$arg2:s32 mtext=+u0($arg3):string");
	kt_symset_free(s);
	s = names("sys_msgsnd", NULL);
	env.syms = s;
	env.pf = &pf419;
	assert_int_equal(kt_probe_entry(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "msqid=$stack1:s32 msgp=$stack2:x32 msgsz=$stack3:u32 "
			    "msgflg=$stack4:s32");
	kt_symset_free(s);
}

/*
 * Debian's 32-bit arm kernel (6.1.0-50-armmp, captured under QEMU): no
 * $arg<N> at all (no HAVE_FUNCTION_ARG_ACCESS_API), entry functions sys_X
 * taking the arguments in r0-r3 and, pushed by vector_swi, on the stack;
 * do_mq_open and do_msgsnd inlined.  Every task is native, and its
 * mq_timedsend is mq_timedsend_time32.
 */
static void test_arm_61(void **state)
{
	struct kt_probe_feats pf;
	struct kt_symset *s = symbols("linux-6.1-armhf");
	struct kt_probe_env env = { KT_ABI_ARM, KT_ABI_ARM, KT_ABI_NONE, &pf, s };
	struct kt_probe_def d, x;
	struct kt_symset *w;
	char why[512], buf[256];

	(void)state;
	readme("linux-6.1-armhf", true, &pf);
	kt_probe_feats_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "kprobe_events kretprobe ustring +u<offset> $comm arrays "
			    "symstr eprobes");
	assert_true(kt_symset_has(s, "sys_mq_timedsend_time32"));
	assert_false(kt_symset_has(s, "do_mq_open"));
	assert_false(kt_symset_has(s, "do_msgsnd"));
	w = kt_probe_wanted_symbols(KT_ABI_ARM);
	assert_true(kt_symset_has(w, "sys_mq_timedsend_time32"));
	assert_true(kt_symset_has(w, "do_mq_timedsend"));
	kt_symset_free(w);

	/* The time32 calls: native here, the fifth argument on the stack. */
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedsend_time32"), false, &d,
					why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "sys_mq_timedsend_time32");
	assert_string_equal(d.event, "mq_timedsend_time32_e");
	assert_string_equal(d.fetch, "mqdes=%r0:s32 u_msg_ptr__ptr=%r1:x32 msg_len=%r2:u32 "
			    "msg_prio=%r3:u32 u_abs_timeout=$stack0:x32");
	assert_int_equal(kt_probe_exit(&env, &d, &x, why, sizeof(why)), 0);
	assert_string_equal(x.symbol, "sys_mq_timedsend_time32");
	assert_string_equal(x.fetch, "ret=$retval:s32");
	assert_int_equal(kt_probe_detail(&env, ev("mq_timedsend_time32"), false, &d,
					 why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "sys_mq_timedsend_time32");
	assert_string_equal(d.event, "mq_timedsend_time32_d");
	assert_string_equal(d.fetch, "u_msg_ptr=+u0(%r1):string");
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedreceive_time32"), false, &d,
					why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "sys_mq_timedreceive_time32");
	assert_string_equal(d.fetch, "mqdes=%r0:s32 u_msg_ptr__ptr=%r1:x32 msg_len=%r2:u32 "
			    "u_msg_prio=%r3:x32 u_abs_timeout=$stack0:x32");
	/* Its buffer is an output, its timeout a pointer: nothing to read. */
	assert_int_equal(kt_probe_detail(&env, ev("mq_timedreceive_time32"), false, &d,
					 why, sizeof(why)), 0);
	/* No compat ABI. */
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedsend_time32"), true, &d,
					why, sizeof(why)), -1);
	assert_string_equal(why, "no 32-bit syscall");

	/* The time64 calls: the kernel's timespec64 (8 + 4 bytes) through
	 * do_mq_timedsend's fifth argument. */
	assert_int_equal(kt_probe_detail(&env, ev("mq_timedsend"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "do_mq_timedsend");
	assert_true(d.any_abi);
	assert_string_equal(d.fetch, "msg_ptr=+u0(%r1):string abs_timeout__sec=+0($stack0):s64 "
			    "abs_timeout__nsec=+8($stack0):s32");
	assert_int_equal(kt_probe_detail(&env, ev("mq_timedreceive"), false, &d, why,
					 sizeof(why)), 1);
	assert_string_equal(d.symbol, "do_mq_timedreceive");
	assert_string_equal(d.fetch, "abs_timeout__sec=+0($stack0):s64 "
			    "abs_timeout__nsec=+8($stack0):s32");
	assert_int_equal(kt_probe_entry(&env, ev("mq_timedsend"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "sys_mq_timedsend");

	/* Inlined inner functions: the entry reads user memory. */
	assert_int_equal(kt_probe_detail(&env, ev("msgsnd"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "sys_msgsnd");
	assert_false(d.any_abi);
	assert_string_equal(d.fetch, "mtype=+u0(%r1):s32 mtext=+u4(%r1):string");
	assert_int_equal(kt_probe_detail(&env, ev("mq_open"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "sys_mq_open");
	assert_string_equal(d.event, "mq_open_d");
	assert_string_equal(d.fetch, "name=+u0(%r0):string mq_maxmsg=+u4(%r3):s32 "
			    "mq_msgsize=+u8(%r3):s32");

	/* A 32-bit kernel follows a 32-bit msghdr's msg_name. */
	assert_int_equal(kt_probe_detail(&env, ev("sendmsg"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "sys_sendmsg");
	assert_string_equal(d.fetch,
			    "msg_name__ptr=+u0(%r1):x32 "
			    "msg_name__fam=+u0(+u0(%r1)):u16 msg_name__port=+u2(+u0(%r1)):u16 "
			    "msg_name__in4=+u4(+u0(%r1)):u32 msg_name__in6a=+u8(+u0(%r1)):u64 "
			    "msg_name__in6b=+u16(+u0(%r1)):u64 msg_name__path=+u2(+u0(%r1)):string "
			    "msg_name__abs=+u3(+u0(%r1)):string "
			    "msg_iovlen=+u12(%r1):u32 msg_controllen=+u20(%r1):u32 "
			    "msg_flags=+u24(%r1):u32");
	assert_int_equal(kt_probe_detail(&env, ev("recvmsg"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "sys_recvmsg");
	assert_string_equal(d.fetch, "msg_iovlen=+u12(%r1):u32 msg_controllen=+u20(%r1):u32 "
			    "msg_flags=+u24(%r1):u32");
	assert_int_equal(kt_probe_entry(&env, ev("recvmsg"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "sockfd=%r0:s32 msg=%r1:x32 flags=%r2:s32");
	assert_int_equal(kt_probe_detail(&env, ev("sendto"), false, &d, why, sizeof(why)), 1);
	assert_string_equal(d.symbol, "__sys_sendto");
	assert_string_equal(d.fetch,
			    "dest_addr__fam=+u0($stack0):u16 dest_addr__port=+u2($stack0):u16 "
			    "dest_addr__in4=+u4($stack0):u32 dest_addr__in6a=+u8($stack0):u64 "
			    "dest_addr__in6b=+u16($stack0):u64 dest_addr__path=+u2($stack0):string "
			    "dest_addr__abs=+u3($stack0):string");
	assert_int_equal(kt_probe_entry(&env, ev("msgrcv"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.fetch, "msqid=%r0:s32 msgp=%r1:x32 msgsz=%r2:u32 msgtyp=%r3:s32 "
			    "msgflg=$stack0:s32");
	/* msgctl (304) is sys_old_msgctl in arm's table: sys_msgctl is
	 * never called (its rows were missing under QEMU). */
	assert_true(kt_symset_has(s, "sys_msgctl"));
	assert_int_equal(kt_probe_entry(&env, ev("msgctl"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "sys_old_msgctl");
	assert_string_equal(d.event, "msgctl_e");
	assert_string_equal(d.fetch, "msqid=%r0:s32 cmd=%r1:s32 buf=%r2:x32");
	w = kt_probe_wanted_symbols(KT_ABI_ARM);
	assert_true(kt_symset_has(w, "sys_old_msgctl"));
	assert_true(kt_symset_has(w, "sys_old_shmctl"));
	kt_symset_free(w);
	/* x86_64 keeps its own names. */
	env = (struct kt_probe_env){ KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &pf,
				     names("__x64_sys_msgctl", "__x64_sys_old_msgctl", NULL) };
	assert_int_equal(kt_probe_entry(&env, ev("msgctl"), false, &d, why, sizeof(why)), 0);
	assert_string_equal(d.symbol, "__x64_sys_msgctl");
	kt_symset_free((struct kt_symset *)env.syms);
	kt_symset_free(s);
}

static struct kt_plan_entry *plan_one(struct kt_plan *p, const char *name, enum kt_recipe r,
				      bool compat_wanted)
{
	struct kt_plan_entry *e = &p->e[p->n++];

	memset(e, 0, sizeof(*e));
	e->ev = ev(name);
	e->recipe = r;
	e->compat_wanted = compat_wanted;
	e->compat = compat_wanted;	/* raw_syscalls until kprobes take over */
	return e;
}

static const struct kt_probe_def *probe_named(const struct kt_plan_entry *e, const char *name)
{
	for (unsigned int i = 0; i < e->nprobes; i++)
		if (!strcmp(e->probes[i].event, name))
			return &e->probes[i];
	return NULL;
}

static void test_plan(void **state)
{
	struct kt_probe_feats pf;
	struct kt_symset *s = symbols("linux-6.12-x86_64");
	struct kt_probe_env env = { KT_ABI_X86_64, KT_ABI_X86_64, KT_ABI_I386, &pf, s };
	struct kt_plan p = { 0 };
	const struct kt_probe_def *d;
	char err[256];

	(void)state;
	readme("linux-6.12-x86_64", true, &pf);

	/* auto: tracepoints for native tasks, detail probes, 32-bit entries. */
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "msgsnd", KT_R_SYSCALL_TP, true);
	plan_one(&p, "mq_unlink", KT_R_SYSCALL_TP, false);
	plan_one(&p, "mq_timedsend_time32", KT_R_NONE, true);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_AUTO, err, sizeof(err)), 0);
	assert_false(p.compat);	/* no raw_syscalls needed */
	assert_int_equal(p.e[0].recipe, KT_R_SYSCALL_TP);
	assert_true(p.e[0].compat_kprobe);
	assert_int_equal(p.e[0].nprobes, 3);	/* _ce, _cx, and one _d for both */
	assert_non_null(probe_named(&p.e[0], "msgsnd_ce"));
	assert_non_null(probe_named(&p.e[0], "msgsnd_cx"));
	d = probe_named(&p.e[0], "msgsnd_d");
	assert_non_null(d);
	assert_string_equal(d->symbol, "do_msgsnd");
	assert_int_equal(p.e[1].nprobes, 1);
	assert_string_equal(p.e[1].probes[0].event, "mq_unlink_d");
	/* The 32-bit detail sits on the compat entry: one probe reads all. */
	assert_int_equal(p.e[2].nprobes, 2);
	d = probe_named(&p.e[2], "mq_timedsend_time32_ce");
	assert_non_null(d);
	assert_string_equal(d->fetch, "mqdes=+40($arg1):s32 u_msg_ptr__ptr=+88($arg1):x32 "
			    "msg_len=+96($arg1):u32 msg_prio=+104($arg1):u32 "
			    "u_abs_timeout=+112($arg1):x32 u_msg_ptr=+u0(+88($arg1)):string");
	kt_plan_free(&p);

	/* kprobe: entries for native tasks too. */
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "mq_unlink", KT_R_SYSCALL_TP, false);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_KPROBE, err, sizeof(err)), 0);
	assert_int_equal(p.e[0].recipe, KT_R_KPROBE);
	assert_int_equal(p.e[0].nprobes, 2);
	d = probe_named(&p.e[0], "mq_unlink_e");
	assert_string_equal(d->fetch, "name__ptr=+112($arg1):x64 name=+u0(+112($arg1)):string");
	kt_plan_free(&p);

	/* tracepoint: no probe at all; 32-bit tasks stay on raw_syscalls. */
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "msgsnd", KT_R_SYSCALL_TP, true);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_TRACEPOINT, err, sizeof(err)), 0);
	assert_int_equal(p.e[0].nprobes, 0);
	assert_true(p.compat);
	kt_plan_free(&p);

	/* kprobe asked for on a kernel without: an error naming the event. */
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "msgsnd", KT_R_SYSCALL_TP, false);
	readme("linux-6.18-x86_64-nokprobes", false, &pf);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_KPROBE, err, sizeof(err)), -1);
	assert_string_equal(err, "--probes kprobe: msgsnd: the kernel has no kprobe events "
			    "(CONFIG_KPROBE_EVENTS)");
	kt_plan_free(&p);
	kt_symset_free(s);

	/* 32-bit arm: the time32 call is native, its detail on sys_X, read
	 * by the entry probe itself under --probes kprobe. */
	s = symbols("linux-6.1-armhf");
	env = (struct kt_probe_env){ KT_ABI_ARM, KT_ABI_ARM, KT_ABI_NONE, &pf, s };
	readme("linux-6.1-armhf", true, &pf);
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "mq_timedsend_time32", KT_R_SYSCALL_TP, false);
	plan_one(&p, "mq_timedsend", KT_R_SYSCALL_TP, false);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_AUTO, err, sizeof(err)), 0);
	assert_int_equal(p.e[0].nprobes, 1);
	assert_string_equal(p.e[0].probes[0].event, "mq_timedsend_time32_d");
	assert_string_equal(p.e[0].probes[0].symbol, "sys_mq_timedsend_time32");
	assert_int_equal(p.e[1].nprobes, 1);
	assert_string_equal(p.e[1].probes[0].event, "mq_timedsend_d");
	assert_string_equal(p.e[1].probes[0].symbol, "do_mq_timedsend");
	kt_plan_free(&p);
	p.e = calloc(4, sizeof(*p.e));
	plan_one(&p, "mq_timedsend_time32", KT_R_SYSCALL_TP, false);
	assert_int_equal(kt_plan_probes(&p, &env, KT_PROBES_KPROBE, err, sizeof(err)), 0);
	assert_int_equal(p.e[0].recipe, KT_R_KPROBE);
	assert_int_equal(p.e[0].nprobes, 2);
	d = probe_named(&p.e[0], "mq_timedsend_time32_e");
	assert_non_null(d);
	assert_true(d->reads_user);
	assert_string_equal(d->fetch, "mqdes=%r0:s32 u_msg_ptr__ptr=%r1:x32 msg_len=%r2:u32 "
			    "msg_prio=%r3:u32 u_abs_timeout=$stack0:x32 u_msg_ptr=+u0(%r1):string");
	assert_non_null(probe_named(&p.e[0], "mq_timedsend_time32_x"));
	kt_plan_free(&p);
	kt_symset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feats),
		cmocka_unit_test(test_symset),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_x86_64_612),
		cmocka_unit_test(test_x86_64_419),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_arm_61),
		cmocka_unit_test(test_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
