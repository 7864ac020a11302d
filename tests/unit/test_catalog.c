// SPDX-License-Identifier: GPL-2.0-or-later
/* Catalog integrity: names, numbers, sets and selections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "ktrail/catalog.h"

static const char *const ipc_events[] = {
	"msgsnd", "msgrcv", "msgget", "msgctl", "mq_open", "mq_unlink",
	"mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
	"mq_timedsend_time32", "mq_timedreceive_time32",
};

static const char *const net_events[] = {
	"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "sendto", "recvfrom",
};

static void test_names_unique_and_wellformed(void **state)
{
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];

		assert_non_null(ev->name);
		assert_non_null(ev->doc);
		assert_true(ev->nargs <= KT_MAX_ARGS);
		for (unsigned int j = i + 1; j < kt_nevents; j++)
			assert_string_not_equal(ev->name, kt_events[j].name);
		for (unsigned int a = 0; a < ev->nargs; a++) {
			assert_non_null(ev->args[a].name);
			assert_non_null(ev->args[a].ctype);
			assert_true(ev->args[a].type < KT_T_NTYPES);
			assert_true(ev->args[a].origin != 0);
			for (unsigned int b = a + 1; b < ev->nargs; b++)
				assert_string_not_equal(ev->args[a].name, ev->args[b].name);
		}
		if (ev->kind == KT_EV_SYSCALL) {
			/* At most 6 syscall arguments; a tracepoint name. */
			assert_true(ev->npos <= 6);
			assert_non_null(ev->tp);
			/* ktrail's own arguments come after the syscall's, and
			 * are read through one of its pointer arguments. */
			for (unsigned int a = 0; a < ev->nargs; a++) {
				int g;

				assert_int_equal(ev->args[a].extra, a >= ev->npos);
				if (!ev->args[a].extra)
					continue;
				g = kt_arg_index(ev, ev->args[a].guard);
				assert_true(g >= 0 && (unsigned int)g < ev->npos);
				assert_int_equal(ev->args[g].type, KT_T_PTR);
			}
		}
	}
	assert_ptr_equal(kt_lost_event(), kt_event_by_name("lost_events"));
}

/* Tracee's ids and the kernels' syscall numbers for a few rows. */
static void test_numbers(void **state)
{
	const struct kt_event_def *ev;

	ev = kt_event_by_name("msgsnd");
	assert_int_equal(ev->id_x86_64, 69);
	assert_int_equal(ev->id_arm64, 189);
	assert_int_equal(ev->nr[KT_ABI_X86_64], 69);
	assert_int_equal(ev->nr[KT_ABI_I386], 400);
	assert_int_equal(ev->nr[KT_ABI_ARM], 301);
	ev = kt_event_by_name("mq_timedreceive_time32");
	assert_int_equal(ev->id_x86_64, 531);
	assert_int_equal(ev->id_arm64, 9137);
	assert_int_equal(ev->nr[KT_ABI_X86_64], -1);
	assert_int_equal(ev->nr[KT_ABI_I386], 280);
	assert_int_equal(ev->nr[KT_ABI_ARM], 277);
	/* i386 mq_timedsend 418 is the time64 call: Tracee's mq_timedsend. */
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 418), kt_event_by_name("mq_timedsend"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 279), kt_event_by_name("mq_timedsend_time32"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_X86_64, 46), kt_event_by_name("sendmsg"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_X86_64, 279), kt_event_by_name("move_pages"));
	/* Generated rows: the 32-bit numbers of the 64-bit calls. */
	assert_int_equal(kt_event_by_name("openat")->nr[KT_ABI_I386], 295);
	assert_int_equal(kt_event_by_name("openat")->nr[KT_ABI_ARM], 322);
	assert_int_equal(kt_event_by_name("openat")->nr[KT_ABI_ARM64], 56);
	/* i386 chown (182) is the 16-bit call; chown32 (212) is chown. */
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 212), kt_event_by_name("chown"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 182), kt_event_by_name("chown16"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 192), kt_event_by_name("mmap2"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 142), kt_event_by_name("select"));
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 82), kt_event_by_name("old_select"));
	assert_int_equal(kt_event_by_name("mmap")->nr[KT_ABI_I386], -1);
	/* Tracepoint bases that are not the event's name. */
	assert_string_equal(kt_event_by_name("stat")->tp, "newstat");
	assert_string_equal(kt_event_by_name("umount2")->tp, "umount");
	assert_string_equal(kt_event_by_name("sendfile")->tp, "sendfile64");
	assert_null(kt_event_by_nr(KT_ABI_X86_64, -1));
	/* Within one ABI, no two events share a number. */
	for (int abi = 0; abi < KT_ABI_MAX; abi++)
		for (unsigned int i = 0; i < kt_nevents; i++)
			for (unsigned int j = i + 1; j < kt_nevents; j++)
				if (kt_events[i].nr[abi] >= 0)
					assert_int_not_equal(kt_events[i].nr[abi], kt_events[j].nr[abi]);
}

static void test_args_match_tracee(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("sendto");
	char buf[64];

	assert_int_equal(ev->nargs, 6);
	assert_string_equal(ev->args[4].name, "dest_addr");
	assert_string_equal(ev->args[4].ctype, "struct sockaddr*");
	assert_int_equal(ev->args[4].type, KT_T_SOCKADDR);
	kt_origin_format(ev->args[4].origin, buf, sizeof(buf));
	assert_string_equal(buf, "U,TOCTOU,OPT");
	kt_origin_format(ev->args[0].origin, buf, sizeof(buf));
	assert_string_equal(buf, "K");
	ev = kt_event_by_name("mq_open");
	assert_string_equal(ev->args[0].name, "name");
	assert_string_equal(ev->args[2].ctype, "umode_t");
	assert_int_equal(ev->args[2].type, KT_T_U16);
	assert_string_equal(kt_type_name(ev->args[0].type), "string");
}

/* JSON's argument types: the catalog's type column by Tracee 0.24's Go
 * names, and for the C types Tracee's own definitions map one way, the
 * same name (a char** ktrail keeps as the pointer: trace.Pointer, not
 * Tracee's []string, since ktrail does not read the array). */
static void test_go_type_names(void **state)
{
	static const char *const want[KT_T_NTYPES] = {
		[KT_T_INT] = "int32", [KT_T_UINT] = "uint32", [KT_T_LONG] = "int64",
		[KT_T_ULONG] = "uint64", [KT_T_U16] = "uint16", [KT_T_PTR] = "trace.Pointer",
		[KT_T_STR] = "string", [KT_T_SOCKADDR] = "SockAddr", [KT_T_TIMESPEC] = "float64",
		[KT_T_BOOL] = "bool",
	};
	static const struct { const char *ctype, *go; } by_c[] = {
		{ "int", "int32" }, { "pid_t", "int32" }, { "mqd_t", "int32" }, { "key_t", "int32" },
		{ "unsigned int", "uint32" }, { "u32", "uint32" }, { "dev_t", "uint32" },
		{ "long", "int64" }, { "size_t", "uint64" }, { "unsigned long", "uint64" },
		{ "u64", "uint64" }, { "umode_t", "uint16" }, { "old_uid_t", "uint16" },
		{ "const char*", "string" }, { "char*", "string" },
		{ "struct sockaddr*", "SockAddr" }, { "const struct timespec*", "float64" },
		{ "void*", "trace.Pointer" }, { "int*", "trace.Pointer" },
		{ "const char*const*", "trace.Pointer" }, { "bool", "bool" },
	};
	unsigned int checked = 0;

	(void)state;
	for (int t = 0; t < KT_T_NTYPES; t++)
		assert_string_equal(kt_type_name((enum kt_type)t), want[t]);
	assert_string_equal(kt_type_name(KT_T_NTYPES), "?");
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];

		for (unsigned int j = 0; j < ev->nargs; j++) {
			const struct kt_arg_def *a = &ev->args[j];

			for (size_t k = 0; k < sizeof(by_c) / sizeof(by_c[0]); k++) {
				if (strcmp(a->ctype, by_c[k].ctype))
					continue;
				if (strcmp(kt_type_name(a->type), by_c[k].go))
					fail_msg("%s %s: C type %s is %s, want %s", ev->name, a->name,
						 a->ctype, kt_type_name(a->type), by_c[k].go);
				checked++;
				break;
			}
			/* any other pointer but a string's is trace.Pointer */
			if (strchr(a->ctype, '*') && a->type != KT_T_STR && a->type != KT_T_SOCKADDR &&
			    a->type != KT_T_TIMESPEC && a->type != KT_T_PTR)
				fail_msg("%s %s: pointer type %s is %s", ev->name, a->name, a->ctype,
					 kt_type_name(a->type));
		}
	}
	assert_true(checked > 500);
}

static void test_sets(void **state)
{
	char buf[128];
	unsigned int n = 0;

	for (size_t i = 0; i < sizeof(ipc_events) / sizeof(ipc_events[0]); i++) {
		const struct kt_event_def *ev = kt_event_by_name(ipc_events[i]);

		assert_non_null(ev);
		assert_true(ev->sets & KT_SET_IPC);
		assert_true(ev->sets & KT_SET_SYSCALLS);
		assert_false(ev->sets & KT_SET_NET);
	}
	for (size_t i = 0; i < sizeof(net_events) / sizeof(net_events[0]); i++) {
		const struct kt_event_def *ev = kt_event_by_name(net_events[i]);

		assert_non_null(ev);
		kt_sets_format(ev->sets, buf, sizeof(buf));
		assert_string_equal(buf, "syscalls,net,net_snd_rcv");
		n++;
	}
	assert_int_equal(n, 6);
	kt_sets_format(kt_event_by_name("mq_timedsend_time32")->sets, buf, sizeof(buf));
	assert_string_equal(buf, "syscalls,ipc,ipc_msgq,32bit_unique");
	assert_int_equal(kt_set_by_name("nope"), 0);
}

/*
 * The syscalls newer than Tracee's catalog: ktrail's own ids (20000 +
 * the syscall number, the same on both arches, unique, Tracee's below
 * 10000), arguments from the tracepoint format, a sibling's sets.
 */
static void test_own_rows(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("fchmodat2");
	unsigned int own = 0;
	char buf[128];

	(void)state;
	assert_non_null(ev);
	assert_true(kt_event_own_id(ev));
	assert_false(kt_event_own_id(kt_event_by_name("fchmodat")));
	assert_false(kt_event_own_id(kt_lost_event()));
	assert_int_equal(ev->id_x86_64, 20452);
	assert_int_equal(ev->id_arm64, 20452);
	assert_int_equal(ev->nr[KT_ABI_X86_64], 452);
	assert_int_equal(ev->nr[KT_ABI_I386], 452);
	assert_int_equal(ev->nr[KT_ABI_ARM64], 452);
	assert_int_equal(ev->nr[KT_ABI_ARM], 452);
	assert_string_equal(ev->tp, "fchmodat2");
	assert_int_equal(ev->nargs, 4);
	assert_int_equal(ev->npos, 4);
	assert_string_equal(ev->args[0].name, "dfd");
	assert_string_equal(ev->args[0].ctype, "int");
	assert_int_equal(ev->args[0].type, KT_T_INT);
	assert_string_equal(ev->args[1].name, "filename");
	assert_string_equal(ev->args[1].ctype, "const char*");
	assert_int_equal(ev->args[1].type, KT_T_STR);
	kt_origin_format(ev->args[1].origin, buf, sizeof(buf));
	assert_string_equal(buf, "U,TOCTOU");
	assert_string_equal(ev->args[2].name, "mode");
	assert_int_equal(ev->args[2].type, KT_T_U16);
	assert_string_equal(ev->args[3].name, "flags");
	assert_string_equal(ev->args[3].ctype, "unsigned int");
	assert_int_equal(ev->args[3].type, KT_T_UINT);
	kt_sets_format(ev->sets, buf, sizeof(buf));
	assert_string_equal(buf, "syscalls,fs,fs_file_attr");
	assert_ptr_equal(kt_event_by_nr(KT_ABI_X86_64, 452), ev);
	assert_ptr_equal(kt_event_by_nr(KT_ABI_I386, 452), ev);
	/* No obvious Tracee sibling: syscalls alone. */
	kt_sets_format(kt_event_by_name("cachestat")->sets, buf, sizeof(buf));
	assert_string_equal(buf, "syscalls");
	kt_sets_format(kt_event_by_name("futex_wake")->sets, buf, sizeof(buf));
	assert_string_equal(buf, "syscalls,ipc,ipc_futex");
	/* x86_64 only, no arguments. */
	ev = kt_event_by_name("uprobe");
	assert_int_equal(ev->id_x86_64, 20336);
	assert_int_equal(ev->nr[KT_ABI_X86_64], 336);
	assert_int_equal(ev->nr[KT_ABI_I386], -1);
	assert_int_equal(ev->nr[KT_ABI_ARM64], -1);
	assert_int_equal(ev->nr[KT_ABI_ARM], -1);
	assert_int_equal(ev->nargs, 0);
	ev = kt_event_by_name("mseal");
	assert_int_equal(ev->nargs, 3);
	assert_string_equal(ev->args[1].name, "len");
	assert_string_equal(ev->args[1].ctype, "size_t");
	assert_int_equal(ev->args[1].type, KT_T_ULONG);
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *a = &kt_events[i];

		if (!kt_event_own_id(a)) {
			/* Tracee's ids (and ktrail's lost_events). */
			assert_true(a->id_x86_64 < 10000 && a->id_arm64 < 10000);
			continue;
		}
		own++;
		assert_int_equal(a->kind, KT_EV_SYSCALL);
		assert_int_equal(a->id_x86_64, a->id_arm64);
		assert_true(a->id_x86_64 >= KT_ID_OWN_BASE && a->id_x86_64 <= KT_ID_OWN_MAX);
		for (unsigned int j = i + 1; j < kt_nevents; j++)
			assert_int_not_equal(a->id_x86_64, kt_events[j].id_x86_64);
	}
	assert_int_equal(own, 22);
}

/* The calls whose exit the kernel never writes, and only they. */
static void test_noreturn_flag(void **state)
{
	static const char *const noreturn[] = { "exit", "exit_group", "rt_sigreturn",
						"sigreturn" };
	unsigned int n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(noreturn) / sizeof(noreturn[0]); i++)
		assert_true(kt_event_by_name(noreturn[i])->flags & KT_EVF_NORETURN);
	for (unsigned int i = 0; i < kt_nevents; i++)
		n += !!(kt_events[i].flags & KT_EVF_NORETURN);
	assert_int_equal(n, 4);
	assert_false(kt_event_by_name("execve")->flags & KT_EVF_NORETURN);
}

static void test_select(void **state)
{
	struct kt_selection sel;
	char bad[64];
	const struct kt_event_def *msgctl = kt_event_by_name("msgctl");

	assert_int_equal(kt_select("ipc_msgq", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 12);
	/* Tracee's ipc (26 events), our two _time32 queue calls and the
	 * four futex calls newer than Tracee's catalog. */
	assert_int_equal(kt_select("ipc", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 32);
	assert_true(sel.on[kt_event_by_name("futex_wake") - kt_events]);
	assert_true(sel.on[kt_event_by_name("futex") - kt_events]);
	/* A set wins over the event of the same name; a pattern names it. */
	assert_false(sel.on[kt_event_by_name("ipc") - kt_events]);
	assert_int_equal(kt_select("[i]pc", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 1);
	assert_true(sel.named[kt_event_by_name("ipc") - kt_events]);
	/* Patterns over event names, and exclusions of patterns. */
	assert_int_equal(kt_select("open*", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 6);	/* with ktrail's open_tree_attr */
	assert_true(sel.on[kt_event_by_name("open_tree") - kt_events]);
	assert_int_equal(kt_select("*_time32,-mq_*", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 10);
	assert_false(sel.on[kt_event_by_name("mq_timedsend_time32") - kt_events]);
	assert_int_equal(kt_select("lsm_hooks", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 1);
	assert_int_equal(kt_select("sched_process_*", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 3);
	assert_int_equal(kt_select("proc_life", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 11);
	assert_true(sel.on[kt_event_by_name("sched_process_exit") - kt_events]);
	assert_int_equal(kt_select("syscalls", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 468);	/* 446 of Tracee's, 22 of ktrail's */
	assert_int_equal(kt_select("nosuch*", &sel, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "nosuch*");
	assert_int_equal(kt_select("ipc_msgq,-msgctl,sendto", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 12);
	assert_false(sel.on[msgctl - kt_events]);
	assert_true(sel.on[kt_event_by_name("sendto") - kt_events]);
	/* Named by itself, or only through a set. */
	assert_true(sel.named[kt_event_by_name("sendto") - kt_events]);
	assert_false(sel.named[kt_event_by_name("msgsnd") - kt_events]);
	/* A list starting with an exclusion starts from everything. */
	assert_int_equal(kt_select("-net", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 472 - 20);
	assert_int_equal(kt_select("all", &sel, bad, sizeof(bad)), 0);
	/* 468 syscalls, 3 lifecycle events, security_file_open */
	assert_int_equal(sel.count, 472);
	assert_false(sel.on[kt_lost_event() - kt_events]);
	assert_int_equal(kt_select("ipc,nosuch", &sel, bad, sizeof(bad)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(bad, "nosuch");
	assert_int_equal(kt_select("ipc,,msgsnd", &sel, bad, sizeof(bad)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(kt_select("", &sel, bad, sizeof(bad)), -1);
	assert_int_equal(kt_select("lost_events", &sel, bad, sizeof(bad)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_wellformed),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_args_match_tracee),
		cmocka_unit_test(test_go_type_names),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_own_rows),
		cmocka_unit_test(test_noreturn_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
