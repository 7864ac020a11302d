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

static void test_select(void **state)
{
	struct kt_selection sel;
	char bad[64];
	const struct kt_event_def *msgctl = kt_event_by_name("msgctl");

	assert_int_equal(kt_select("ipc_msgq", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 12);
	/* Tracee's ipc (26 events) and our two _time32 queue calls. */
	assert_int_equal(kt_select("ipc", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 28);
	assert_true(sel.on[kt_event_by_name("futex") - kt_events]);
	/* A set wins over the event of the same name; a pattern names it. */
	assert_false(sel.on[kt_event_by_name("ipc") - kt_events]);
	assert_int_equal(kt_select("[i]pc", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 1);
	assert_true(sel.named[kt_event_by_name("ipc") - kt_events]);
	/* Patterns over event names, and exclusions of patterns. */
	assert_int_equal(kt_select("open*", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 5);
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
	assert_int_equal(sel.count, 446);
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
	assert_int_equal(sel.count, 450 - 20);
	assert_int_equal(kt_select("all", &sel, bad, sizeof(bad)), 0);
	assert_int_equal(sel.count, 450);	/* 446 syscalls, 3 lifecycle events, security_file_open */
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
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_select),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
