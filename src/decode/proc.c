// SPDX-License-Identifier: GPL-2.0-or-later
/* The process table; see proc.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/proc.h"
#include "ktrail/util.h"

#define CLONE_THREAD_FLAG 0x00010000ull	/* CLONE_THREAD, uapi sched.h */
#define SWEEP_DEAD 4096

struct kt_proc {
	struct kt_imap map;	/* tid -> struct kt_task */
	char procfs[64];	/* "" : no /proc look-ups */
	unsigned int ndead;
};

struct kt_proc *kt_proc_new(const char *procfs)
{
	struct kt_proc *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (kt_imap_init(&t->map, sizeof(struct kt_task)) < 0) {
		free(t);
		return NULL;
	}
	snprintf(t->procfs, sizeof(t->procfs), "%s", procfs ? procfs : "");
	return t;
}

void kt_proc_free(struct kt_proc *t)
{
	if (!t)
		return;
	kt_imap_free(&t->map);
	free(t);
}

enum kt_abi kt_elf_abi(const unsigned char *h, unsigned int len)
{
	unsigned int machine;

	if (len < 20 || memcmp(h, "\177ELF", 4))
		return KT_ABI_NONE;
	/* e_machine is in the file's byte order (EI_DATA: 1 LE, 2 BE). */
	machine = h[5] == 2 ? (h[18] << 8 | h[19]) : (h[19] << 8 | h[18]);
	switch (machine) {
	case 62:	/* EM_X86_64 */
		return h[4] == 2 ? KT_ABI_X86_64 : KT_ABI_NONE;	/* x32: ELFCLASS32 */
	case 3:		/* EM_386 */
		return KT_ABI_I386;
	case 183:	/* EM_AARCH64 */
		return h[4] == 2 ? KT_ABI_ARM64 : KT_ABI_NONE;
	case 40:	/* EM_ARM */
		return KT_ABI_ARM;
	default:
		return KT_ABI_NONE;
	}
}

static enum kt_abi file_abi(const char *path)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return KT_ABI_NONE;
	n = read(fd, h, sizeof(h));
	close(fd);
	return n == (ssize_t)sizeof(h) ? kt_elf_abi(h, n) : KT_ABI_NONE;
}

static void comm_set(struct kt_task *k, const char *s, size_t max)
{
	/* The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of a name. */
	size_t n = strnlen(s, max < 15 ? max : 15);

	memcpy(k->comm, s, n);
	k->comm[n] = '\0';
}

/* The Tgid line of /proc/<tid>/status, 0 if unreadable. */
static int read_tgid(const struct kt_proc *t, int tid)
{
	char path[128];
	char *s, *p;
	int tgid = 0;

	snprintf(path, sizeof(path), "%s/%d/status", t->procfs, tid);
	s = kt_read_file(path, NULL);
	if (s && (p = strstr(s, "\nTgid:")))
		tgid = atoi(p + 6);
	free(s);
	return tgid;
}

/* A comm file: the name and a newline. */
static void read_comm(struct kt_task *k, const char *path)
{
	size_t len;
	char *s = kt_read_file(path, &len);

	if (!s)
		return;
	if (len && s[len - 1] == '\n')
		s[--len] = '\0';
	comm_set(k, s, len);
	free(s);
}

/* First sight of a thread: its Tgid and name from /proc. */
static void from_procfs(struct kt_proc *t, int tid, struct kt_task *k)
{
	char path[128];

	if (!t->procfs[0])
		return;
	k->tgid = read_tgid(t, tid);
	snprintf(path, sizeof(path), "%s/%d/comm", t->procfs, tid);
	read_comm(k, path);
}

static void sweep(struct kt_proc *t)
{
	for (size_t i = 0; i < t->map.cap;) {
		struct kt_task *k = kt_imap_val(&t->map, i);

		/* Deletion shifts entries back into slot i: look at it again. */
		if (t->map.keys[i] != KT_IMAP_EMPTY && k->dead)
			kt_imap_del(&t->map, t->map.keys[i]);
		else
			i++;
	}
	t->ndead = 0;
}

static struct kt_task *task_put(struct kt_proc *t, int tid, int *isnew)
{
	struct kt_task *k = kt_imap_put(&t->map, tid, isnew);

	if (k && *isnew)
		k->abi = KT_ABI_NONE;
	return k;
}

const struct kt_task *kt_proc_get(struct kt_proc *t, int tid)
{
	struct kt_task *k = kt_imap_get(&t->map, tid);
	int isnew;

	if (k)
		return k;
	if (t->ndead >= SWEEP_DEAD)
		sweep(t);
	k = task_put(t, tid, &isnew);
	if (!k)
		return NULL;
	from_procfs(t, tid, k);
	return k;
}

void kt_proc_add(struct kt_proc *t, int tid, int tgid, const char *comm)
{
	struct kt_task *k;
	int isnew;

	k = task_put(t, tid, &isnew);
	if (!k)
		return;
	k->tgid = tgid;
	comm_set(k, comm, 16);
}

static int scan_process(struct kt_proc *t, int pid)
{
	char path[128];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%d/task", t->procfs, pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct kt_task *k;
		char cpath[256];
		int tid, isnew;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		tid = atoi(de->d_name);
		k = task_put(t, tid, &isnew);
		if (!k)
			break;
		k->tgid = pid;
		snprintf(cpath, sizeof(cpath), "%s/%d/task/%d/comm", t->procfs, pid, tid);
		read_comm(k, cpath);
		n++;
	}
	closedir(d);
	return n;
}

int kt_proc_scan(struct kt_proc *t, int pid)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (!t->procfs[0])
		return 0;
	/* Threads are found through their group leader only. */
	if (pid > 0)
		return read_tgid(t, pid) == pid ? scan_process(t, pid) : 0;
	d = opendir(t->procfs);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			n += scan_process(t, atoi(de->d_name));
	closedir(d);
	return n;
}

void kt_proc_newtask(struct kt_proc *t, int parent_tid, int child_tid,
		     uint64_t clone_flags, const char comm[16])
{
	const struct kt_task *parent = kt_proc_get(t, parent_tid);
	struct kt_task pcopy, *k;
	int isnew;

	if (!parent)
		return;
	pcopy = *parent;
	k = task_put(t, child_tid, &isnew);
	if (!k)
		return;
	memset(k, 0, sizeof(*k));
	k->tgid = (clone_flags & CLONE_THREAD_FLAG) ? pcopy.tgid : child_tid;
	comm_set(k, comm, 16);
	/* A child runs its parent's program until it execs. */
	k->abi = pcopy.abi;
	k->abi_checked = pcopy.abi_checked;
}

void kt_proc_exec(struct kt_proc *t, int tid, int old_tid, const char *filename,
		  unsigned int len)
{
	struct kt_task *k;
	const char *base;
	char path[PATH_MAX + 64];
	int isnew;

	if (old_tid != tid)
		kt_imap_del(&t->map, old_tid);
	k = task_put(t, tid, &isnew);
	if (!k)
		return;
	if (isnew)
		from_procfs(t, tid, k);
	k->tgid = tid;	/* after exec the thread is the group leader */
	if (len > PATH_MAX)
		len = PATH_MAX;
	base = memrchr(filename, '/', len);
	base = base ? base + 1 : filename;
	comm_set(k, base, filename + len - base);
	k->dead = false;
	/* The ABI of the new program: its file, as early as we can read it. */
	k->abi = KT_ABI_NONE;
	k->abi_checked = true;
	if (t->procfs[0]) {
		snprintf(path, sizeof(path), "%s/%d/exe", t->procfs, tid);
		k->abi = file_abi(path);
		if (k->abi == KT_ABI_NONE) {
			if (len && filename[0] == '/')
				snprintf(path, sizeof(path), "%.*s", (int)len, filename);
			else
				snprintf(path, sizeof(path), "%s/%d/cwd/%.*s", t->procfs, tid,
					 (int)len, filename);
			k->abi = file_abi(path);
		}
	}
}

void kt_proc_rename(struct kt_proc *t, int tid, const char comm[16])
{
	struct kt_task *k;
	int isnew;

	if (!kt_proc_get(t, tid))
		return;
	k = task_put(t, tid, &isnew);
	if (k)
		comm_set(k, comm, 16);
}

void kt_proc_exit(struct kt_proc *t, int tid)
{
	struct kt_task *k = kt_imap_get(&t->map, tid);

	if (k && !k->dead) {
		k->dead = true;
		t->ndead++;
	}
}

enum kt_abi kt_proc_abi(struct kt_proc *t, int tid)
{
	struct kt_task *k;
	char path[128];

	if (!kt_proc_get(t, tid))
		return KT_ABI_NONE;
	k = kt_imap_get(&t->map, tid);
	if (!k->abi_checked && t->procfs[0]) {
		snprintf(path, sizeof(path), "%s/%d/exe", t->procfs, k->tgid ? k->tgid : tid);
		k->abi = file_abi(path);
		k->abi_checked = true;
	}
	return k->abi;
}
