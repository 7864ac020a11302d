// SPDX-License-Identifier: GPL-2.0-or-later
/* The process table: fork/thread/exec/rename rules, ELF ABIs, and /proc
 * look-ups against a fake procfs built in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktrail/proc.h"

static void test_elf_abi(void **state)
{
	unsigned char h[20] = { 0x7f, 'E', 'L', 'F' };

	h[4] = 1;	/* ELFCLASS32 */
	h[5] = 1;	/* little-endian */
	h[18] = 3;	/* EM_386 */
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_I386);
	h[18] = 40;	/* EM_ARM */
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_ARM);
	h[18] = 62;	/* EM_X86_64 in a 32-bit file: x32, not ours */
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_NONE);
	h[4] = 2;
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_X86_64);
	h[18] = 183;	/* EM_AARCH64 */
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_ARM64);
	/* big-endian ARM: e_machine in the file's byte order */
	h[4] = 1;
	h[5] = 2;
	h[18] = 0;
	h[19] = 40;
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_ARM);
	assert_int_equal(kt_elf_abi(h, 19), KT_ABI_NONE);
	h[1] = 'X';
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_NONE);
}

static void test_fork_thread_exec_rename(void **state)
{
	struct kt_proc *t = kt_proc_new(NULL);
	const struct kt_task *k;
	const char comm[16] = "parent";
	const char newname[16] = "a,b\"c";
	const char *long_path = "/usr/lib/x/averyveryverylongprogramname";

	kt_proc_add(t, 100, 100, "parent");
	/* A process (no CLONE_THREAD): its own group. */
	kt_proc_newtask(t, 100, 101, 0x11 /* SIGCHLD */, comm);
	k = kt_proc_get(t, 101);
	assert_int_equal(k->tgid, 101);
	assert_string_equal(k->comm, "parent");
	/* A thread (CLONE_VM|CLONE_THREAD|...): the parent's group. */
	kt_proc_newtask(t, 101, 102, 0x3d0f00, comm);
	assert_int_equal(kt_proc_get(t, 102)->tgid, 101);
	/* exec from the non-leader thread 102: it becomes 101. */
	kt_proc_exec(t, 101, 102, long_path, strlen(long_path));
	k = kt_proc_get(t, 101);
	assert_int_equal(k->tgid, 101);
	assert_string_equal(k->comm, "averyveryverylo");	/* 15 bytes */
	/* prctl(PR_SET_NAME) */
	kt_proc_rename(t, 101, newname);
	assert_string_equal(kt_proc_get(t, 101)->comm, "a,b\"c");
	/* The parent is unchanged by all this. */
	assert_string_equal(kt_proc_get(t, 100)->comm, "parent");
	/* Unknown, with no /proc: empty, not invented. */
	k = kt_proc_get(t, 999);
	assert_int_equal(k->tgid, 0);
	assert_string_equal(k->comm, "");
	kt_proc_exit(t, 101);
	assert_string_equal(kt_proc_get(t, 101)->comm, "a,b\"c");	/* kept for late rows */
	kt_proc_free(t);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void test_fake_procfs(void **state)
{
	char dir[] = "/tmp/ktrail-procXXXXXX";
	struct kt_proc *t;
	const struct kt_task *k;
	char cmd[600];

	assert_non_null(mkdtemp(dir));
	/* process 40 with threads 40 and 41; thread 41 seen first */
	mk(dir, "40");
	mk(dir, "41");
	put(dir, "40/status", "Name:\tsrv\nUmask:\t0022\nState:\tS\nTgid:\t40\nPid:\t40\n");
	put(dir, "41/status", "Name:\tworker\nUmask:\t0022\nState:\tS\nTgid:\t40\nPid:\t41\n");
	put(dir, "41/comm", "worker\n");
	mk(dir, "40/task");
	mk(dir, "40/task/40");
	mk(dir, "40/task/41");
	put(dir, "40/task/40/comm", "srv\n");
	put(dir, "40/task/41/comm", "worker\n");

	t = kt_proc_new(dir);
	k = kt_proc_get(t, 41);
	assert_int_equal(k->tgid, 40);
	assert_string_equal(k->comm, "worker");
	kt_proc_free(t);

	t = kt_proc_new(dir);
	assert_int_equal(kt_proc_scan(t, 41), 0);	/* not a group leader */
	assert_int_equal(kt_proc_scan(t, 40), 2);
	assert_string_equal(kt_proc_get(t, 40)->comm, "srv");
	assert_int_equal(kt_proc_get(t, 41)->tgid, 40);
	kt_proc_free(t);

	t = kt_proc_new(dir);
	assert_int_equal(kt_proc_scan(t, 0), 2);	/* every process */
	assert_int_equal(kt_proc_get(t, 41)->tgid, 40);
	kt_proc_free(t);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_abi),
		cmocka_unit_test(test_fork_thread_exec_rename),
		cmocka_unit_test(test_fake_procfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
