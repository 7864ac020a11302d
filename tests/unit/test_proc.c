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
#include <fcntl.h>
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

static void put(const char *dir, const char *rel, const char *text);
static void mk(const char *dir, const char *rel);

/* A 20-byte ELF header: class, byte order and machine (in that order). */
static void elf_hdr(unsigned char h[20], int cls, int data, unsigned int machine)
{
	memset(h, 0, 20);
	memcpy(h, "\177ELF", 4);
	h[4] = cls;
	h[5] = data;
	h[6] = 1;	/* EV_CURRENT */
	if (data == 2) {
		h[18] = machine >> 8;
		h[19] = machine & 0xff;
	} else {
		h[18] = machine & 0xff;
		h[19] = machine >> 8;
	}
}

static void test_elf_classes(void **state)
{
	static const struct {
		int cls, data;
		unsigned int machine;
		int abi;
	} c[] = {
		{ 2, 1, 62, KT_ABI_X86_64 },
		{ 1, 1, 62, KT_ABI_NONE },	/* x32 */
		{ 2, 2, 62, KT_ABI_NONE },	/* x86-64 is little-endian */
		{ 1, 1, 3, KT_ABI_I386 },
		{ 2, 1, 3, KT_ABI_NONE },	/* EM_386 in a 64-bit file */
		{ 1, 2, 3, KT_ABI_NONE },
		{ 2, 1, 183, KT_ABI_ARM64 },
		{ 2, 2, 183, KT_ABI_ARM64 },	/* aarch64_be */
		{ 1, 1, 183, KT_ABI_NONE },	/* ILP32 */
		{ 1, 1, 40, KT_ABI_ARM },
		{ 1, 2, 40, KT_ABI_ARM },	/* armeb */
		{ 2, 1, 40, KT_ABI_NONE },
		{ 0, 1, 62, KT_ABI_NONE },	/* ELFCLASSNONE */
		{ 2, 1, 8, KT_ABI_NONE },	/* EM_MIPS */
		{ 2, 1, 243, KT_ABI_NONE },	/* EM_RISCV */
	};
	unsigned char h[20];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		elf_hdr(h, c[i].cls, c[i].data, c[i].machine);
		assert_int_equal(kt_elf_abi(h, 20), c[i].abi);
		assert_int_equal(kt_elf_abi(h, 19), KT_ABI_NONE);	/* short */
	}
	elf_hdr(h, 2, 1, 62);
	h[0] = '#';	/* "#!/bin/sh" is no ELF */
	assert_int_equal(kt_elf_abi(h, 20), KT_ABI_NONE);
}

static void put_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void test_elf_files(void **state)
{
	char dir[] = "/tmp/ktrail-elfXXXXXX", path[600], cmd[600];
	unsigned char h[64] = { 0 };
	int fd;

	assert_non_null(mkdtemp(dir));
	elf_hdr(h, 1, 1, 3);
	snprintf(path, sizeof(path), "%s/i386", dir);
	put_bytes(path, h, sizeof(h));
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_I386);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(kt_elf_fd_abi(fd), KT_ABI_I386);
	assert_int_equal(kt_elf_fd_abi(fd), KT_ABI_I386);	/* pread: no offset kept */
	close(fd);
	elf_hdr(h, 2, 1, 62);
	snprintf(path, sizeof(path), "%s/x86_64", dir);
	put_bytes(path, h, sizeof(h));
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_X86_64);
	/* The header cut short: 19 of its 20 bytes. */
	snprintf(path, sizeof(path), "%s/short", dir);
	put_bytes(path, h, 19);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);
	snprintf(path, sizeof(path), "%s/empty", dir);
	put_bytes(path, h, 0);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);
	snprintf(path, sizeof(path), "%s/script", dir);
	put_bytes(path, "#!/bin/sh\necho an ELF header's length\n", 38);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);
	/* A FIFO with no writer: not read, and no open that blocks. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);
	snprintf(path, sizeof(path), "%s", dir);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);	/* a directory */
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(kt_elf_file_abi(path), KT_ABI_NONE);
	assert_int_equal(kt_elf_fd_abi(-1), KT_ABI_NONE);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A fake ABI source: what it was asked, and its answers. */
struct fake_src {
	int asked[8], exec[8], n, released;
	enum kt_abi answer;
};

static enum kt_abi fake_abi(void *arg, int tgid, bool exec)
{
	struct fake_src *f = arg;

	if (f->n < 8) {
		f->asked[f->n] = tgid;
		f->exec[f->n] = exec;
	}
	f->n++;
	return f->answer;
}

static void fake_release(void *arg)
{
	((struct fake_src *)arg)->released++;
}

static void test_abi_source(void **state)
{
	char dir[] = "/tmp/ktrail-abisrcXXXXXX", path[600], cmd[600];
	unsigned char h[20];
	struct fake_src f = { .answer = KT_ABI_I386 };
	struct kt_abi_source src = { fake_abi, fake_release, &f };
	struct kt_proc *t;

	assert_non_null(mkdtemp(dir));
	/* The exec'd path is a 64-bit program: it is only the task's name. */
	elf_hdr(h, 2, 1, 62);
	snprintf(path, sizeof(path), "%s/prog", dir);
	put_bytes(path, h, sizeof(h));
	mk(dir, "70");
	put(dir, "70/status", "Name:\tprog\nTgid:\t70\nPid:\t70\n");

	t = kt_proc_new(dir);
	kt_proc_set_abi_source(t, &src);
	kt_proc_exec(t, 70, 70, path, strlen(path));
	assert_int_equal(kt_proc_abi(t, 70), KT_ABI_I386);
	assert_string_equal(kt_proc_get(t, 70)->comm, "prog");
	assert_int_equal(f.n, 1);	/* asked once, at the exec */
	assert_int_equal(f.asked[0], 70);
	assert_int_equal(f.exec[0], 1);
	/* A fork runs its parent's program: nothing asked. */
	kt_proc_newtask(t, 70, 71, 0x11, "prog\0\0\0\0\0\0\0\0\0\0\0");
	assert_int_equal(kt_proc_abi(t, 71), KT_ABI_I386);
	assert_int_equal(f.n, 1);
	/* It execs again: looked up again; the source cannot tell now. */
	f.answer = KT_ABI_NONE;
	kt_proc_exec(t, 71, 71, path, strlen(path));
	assert_int_equal(kt_proc_abi(t, 71), KT_ABI_NONE);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.asked[1], 71);
	assert_int_equal(f.exec[1], 1);
	/* A thread first seen: its process's program now. */
	f.answer = KT_ABI_X86_64;
	kt_proc_add(t, 80, 80, "old");
	assert_int_equal(kt_proc_abi(t, 80), KT_ABI_X86_64);
	assert_int_equal(f.asked[2], 80);
	assert_int_equal(f.exec[2], 0);
	assert_int_equal(f.released, 0);
	kt_proc_free(t);
	assert_int_equal(f.released, 1);

	/* No source: <procfs>/TGID/exe, never the exec'd path.  A FIFO
	 * there is not waited for. */
	t = kt_proc_new(dir);
	assert_int_equal(symlink(path, (snprintf(cmd, sizeof(cmd), "%s/70/exe", dir), cmd)), 0);
	kt_proc_exec(t, 70, 70, "/nonexistent/prog", 17);
	assert_int_equal(kt_proc_abi(t, 70), KT_ABI_X86_64);
	mk(dir, "72");
	snprintf(cmd, sizeof(cmd), "%s/72/exe", dir);
	assert_int_equal(mkfifo(cmd, 0600), 0);
	kt_proc_exec(t, 72, 72, path, strlen(path));	/* the path is 64-bit */
	assert_int_equal(kt_proc_abi(t, 72), KT_ABI_NONE);
	kt_proc_free(t);
	/* A report's table (no procfs, no source): only what is recorded. */
	t = kt_proc_new(NULL);
	kt_proc_exec(t, 70, 70, path, strlen(path));
	assert_int_equal(kt_proc_abi(t, 70), KT_ABI_NONE);
	assert_int_equal(kt_proc_load(t, "90 90 1 0 0 0 1 4 6f6c64\n"), 1);
	assert_int_equal(kt_proc_abi(t, 90), KT_ABI_I386);
	kt_proc_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
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

/* Tracee's fields: ids in the task's pid namespace (NSpid/NStgid), the
 * start time (stat field 22), the container (cgroup path), the program
 * (exe, then exec's filename); children inherit them; dump and load
 * keep them, and a line without them (an older recording) still loads. */
static void test_tracee_fields(void **state)
{
	char dir[] = "/tmp/ktrail-procXXXXXX";
	char path[600], cmd[600], *text = NULL;
	const char comm[16] = "kid";
	struct kt_proc *t, *u;
	const struct kt_task *k;
	size_t len = 0;
	FILE *m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* 70 is 1 in a pid namespace one level down, its parent 60 outside;
	 * 71 is 2 there, child of 70 */
	mk(dir, "60");
	mk(dir, "70");
	mk(dir, "71");
	put(dir, "60/status", "Name:\tinit\nTgid:\t60\nPid:\t60\nPPid:\t1\nUid:\t0\t0\t0\t0\n"
	    "NStgid:\t60\nNSpid:\t60\n");
	put(dir, "70/status", "Name:\tsh\nTgid:\t70\nPid:\t70\nPPid:\t60\nUid:\t0\t0\t0\t0\n"
	    "NStgid:\t70\t1\nNSpid:\t70\t1\n");
	put(dir, "71/status", "Name:\tcat\nTgid:\t71\nPid:\t71\nPPid:\t70\nUid:\t0\t0\t0\t0\n"
	    "NStgid:\t71\t2\nNSpid:\t71\t2\n");
	put(dir, "70/comm", "sh\n");
	put(dir, "70/stat", "70 (a) b) S 60 70 70 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 "
	    "250 1 1 18446744073709551615\n");
	put(dir, "70/cgroup", "1:name=systemd:/x\n0::/system.slice/docker-"
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff.scope\n");
	snprintf(path, sizeof(path), "%s/70/exe", dir);
	assert_int_equal(symlink("/usr/bin/sh", path), 0);

	t = kt_proc_new(dir);
	k = kt_proc_get(t, 70);
	assert_true(k->ns_known);
	assert_int_equal(k->ns_tid, 1);
	assert_int_equal(k->ns_tgid, 1);
	assert_int_equal(k->ns_ppid, 0);	/* the parent is outside */
	assert_int_equal(k->ppid, 60);
	assert_true(k->start_ns > 0);
	assert_int_equal(k->cgroup_id, 0);	/* not /proc: no cgroup2 mount to ask */
	assert_string_equal(k->container,
			    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	assert_string_equal(kt_proc_exe(t, k), "/usr/bin/sh");
	k = kt_proc_get(t, 60);
	assert_int_equal(k->ns_tgid, 60);
	assert_int_equal(k->ns_ppid, 1);	/* /proc's own namespace */
	/* 71: a child below the namespace's top, read once when looked up */
	kt_proc_newtask(t, 70, 71, 0x11, comm);
	kt_proc_set_start(t, 71, 123456789);
	k = kt_proc_get(t, 71);
	assert_true(k->ns_known);
	assert_int_equal(k->ns_tid, 2);
	assert_int_equal(k->ns_ppid, 1);
	assert_int_equal(k->start_ns, 123456789);
	assert_string_equal(k->container, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	assert_string_equal(kt_proc_exe(t, k), "/usr/bin/sh");
	/* a child of 60 (in /proc's namespace): its host ids, no look-up */
	kt_proc_newtask(t, 60, 99, 0x11, comm);
	k = kt_proc_get(t, 99);
	assert_true(k->ns_known);
	assert_int_equal(k->ns_tid, 99);
	assert_int_equal(k->ns_ppid, 60);
	/* exec: the filename, absolute */
	kt_proc_exec(t, 71, 71, "/bin/cat", 8);
	assert_string_equal(kt_proc_exe(t, kt_proc_get(t, 71)), "/bin/cat");

	m = open_memstream(&text, &len);
	assert_non_null(m);
	kt_proc_dump(t, m, false, false);
	fclose(m);
	u = kt_proc_new(NULL);
	assert_int_equal(kt_proc_load(u, text), 4);	/* 60 70 71 99 */
	k = kt_proc_get(u, 71);
	assert_true(k->ns_known);
	assert_int_equal(k->ns_tid, 2);
	assert_int_equal(k->ns_tgid, 2);
	assert_int_equal(k->ns_ppid, 1);
	assert_int_equal(k->start_ns, 123456789);
	assert_string_equal(k->container, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	assert_string_equal(kt_proc_exe(u, k), "/bin/cat");
	assert_string_equal(k->comm, "cat");
	kt_proc_free(u);
	free(text);
	kt_proc_free(t);

	/* an older recording's line: the ids unknown, nothing else lost */
	u = kt_proc_new(NULL);
	assert_int_equal(kt_proc_load(u, "90 90 1 0 0 0 1 4 6f6c64\n"), 1);
	k = kt_proc_get(u, 90);
	assert_false(k->ns_known);
	assert_string_equal(k->comm, "old");
	assert_string_equal(kt_proc_exe(u, k), "");
	kt_proc_free(u);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_container_id(void **state)
{
	static const char id[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	/* the id goes between each prefix and suffix */
	static const char *const yes[][2] = {
		{ "0::/system.slice/docker-", ".scope\n" },
		{ "12:memory:/docker/", "\n" },
		{ "0::/kubepods/besteffort/pod1/cri-containerd-", ".scope\n" },
		{ "0::/machine.slice/libpod-", ".scope/container\n" },
	};
	static const char *const no[] = {
		"0::/\n",
		"0::/user.slice/user-1000.slice/session-2.scope\n",
		"0::/docker/0123456789abcdef\n",	/* too short */
		"0::/x/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeff\n",
	};
	char cg[256], out[65];

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(cg, sizeof(cg), "%s%s%s", yes[i][0], id, yes[i][1]);
		kt_container_id(cg, out);
		assert_string_equal(out, id);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		kt_container_id(no[i], out);
		assert_string_equal(out, "");
	}
}

/* Process context from /proc, inherited at fork; exit causes. */
static void test_context_and_exit(void **state)
{
	char dir[] = "/tmp/ktrail-procXXXXXX";
	char path[600], cmd[600];
	const char comm[16] = "child";
	struct kt_proc *t;
	const struct kt_task *k;
	int status, sig;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mk(dir, "50");
	mk(dir, "50/ns");
	put(dir, "50/status", "Name:\tsh\nTgid:\t50\nPid:\t50\nPPid:\t1\n"
	    "Uid:\t1000\t1000\t1000\t1000\n");
	put(dir, "50/comm", "sh\n");
	snprintf(path, sizeof(path), "%s/50/ns/mnt", dir);
	assert_int_equal(symlink("mnt:[4026531841]", path), 0);
	snprintf(path, sizeof(path), "%s/50/ns/pid", dir);
	assert_int_equal(symlink("pid:[4026531836]", path), 0);

	t = kt_proc_new(dir);
	k = kt_proc_get(t, 50);
	assert_true(k->has_ctx);
	assert_int_equal(k->ppid, 1);
	assert_int_equal(k->uid, 1000);
	assert_int_equal(k->mntns, 4026531841u);
	assert_int_equal(k->pidns, 4026531836u);
	assert_false(k->born);
	/* A child process: its parent is 50; a thread of it: 50's parent. */
	kt_proc_newtask(t, 50, 51, 0x11, comm);
	k = kt_proc_get(t, 51);
	assert_true(k->born);
	assert_int_equal(k->ppid, 50);
	assert_int_equal(k->uid, 1000);
	assert_int_equal(k->mntns, 4026531841u);
	kt_proc_newtask(t, 50, 52, 0x3d0f00, comm);
	assert_int_equal(kt_proc_get(t, 52)->ppid, 1);
	assert_int_equal(kt_proc_get(t, 52)->tgid, 50);
	/* CLONE_NEWNS: read again when next looked up (53 has no /proc entry:
	 * the inherited values stay). */
	kt_proc_newtask(t, 50, 53, 0x20011, comm);
	assert_int_equal(kt_proc_get(t, 53)->mntns, 4026531841u);

	/* exit_group(3) in thread 52: the whole group ends with 3; a
	 * SIGKILL delivered to the others afterwards changes nothing. */
	kt_proc_exit_call(t, 52, 0x103, true);
	kt_proc_signal_deliver(t, 50, 9, 0);
	assert_true(kt_proc_exit_cause(t, 50, &status, &sig));
	assert_int_equal(status, 3);
	assert_int_equal(sig, 0);
	/* exit(5) of one thread: its own status. */
	kt_proc_exit_call(t, 51, 5, false);
	assert_true(kt_proc_exit_cause(t, 51, &status, &sig));
	assert_int_equal(status, 5);
	/* SIGTERM sent to a process with the default action: the kernel kills
	 * it whole and each thread reports SIGKILL: the cause is SIGTERM. */
	kt_proc_add(t, 60, 60, "victim");
	kt_proc_signal_generate(t, 60, 15, true);
	kt_proc_signal_deliver(t, 60, 9, 0);
	assert_true(kt_proc_exit_cause(t, 60, &status, &sig));
	assert_int_equal(sig, 15);
	assert_int_equal(status, 0);
	/* A handled SIGTERM kills no one; a later SIGKILL does. */
	kt_proc_add(t, 61, 61, "handler");
	kt_proc_signal_generate(t, 61, 15, true);
	kt_proc_signal_deliver(t, 61, 15, 0x401000);
	assert_false(kt_proc_exit_cause(t, 61, &status, &sig));
	kt_proc_signal_generate(t, 61, 9, true);
	kt_proc_signal_deliver(t, 61, 9, 0);
	assert_true(kt_proc_exit_cause(t, 61, &status, &sig));
	assert_int_equal(sig, 9);
	/* A SIGKILL delivered with no signal seen sent (the sender is not
	 * traced): any default-fatal signal looks so; the cause is unknown. */
	kt_proc_add(t, 63, 63, "victim2");
	kt_proc_signal_deliver(t, 63, 9, 0);
	assert_false(kt_proc_exit_cause(t, 63, &status, &sig));
	/* A pid namespace's init ignores a default SIGTERM: its later
	 * exit_group(1) is the cause. */
	kt_proc_add(t, 64, 64, "init");
	kt_proc_signal_deliver(t, 64, 15, 0);
	kt_proc_exit_call(t, 64, 1, true);
	assert_true(kt_proc_exit_cause(t, 64, &status, &sig));
	assert_int_equal(status, 1);
	assert_int_equal(sig, 0);
	/* SIGCHLD's default is to ignore: no cause. */
	kt_proc_add(t, 62, 62, "parent");
	kt_proc_signal_deliver(t, 62, 17, 0);
	assert_false(kt_proc_exit_cause(t, 62, &status, &sig));
	/* An exec forgets what the threads it killed reported. */
	kt_proc_signal_deliver(t, 62, 9, 0);
	kt_proc_exec(t, 62, 62, "/bin/true", 9);
	assert_false(kt_proc_exit_cause(t, 62, &status, &sig));
	kt_proc_free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_abi),
		cmocka_unit_test(test_elf_classes),
		cmocka_unit_test(test_elf_files),
		cmocka_unit_test(test_abi_source),
		cmocka_unit_test(test_fork_thread_exec_rename),
		cmocka_unit_test(test_fake_procfs),
		cmocka_unit_test(test_context_and_exit),
		cmocka_unit_test(test_tracee_fields),
		cmocka_unit_test(test_container_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
