// SPDX-License-Identifier: GPL-2.0-or-later
/* The process table; see proc.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/proc.h"
#include "ktrail/util.h"

/* uapi <linux/sched.h>, the same on every arch */
#define CLONE_THREAD_FLAG 0x00010000ull
#define CLONE_PARENT_FLAG 0x00008000ull
#define CLONE_NEWNS_FLAG 0x00020000ull
#define CLONE_NEWPID_FLAG 0x20000000ull
#define CLONE_NEWUSER_FLAG 0x10000000ull
#define CLONE_NEWUTS_FLAG 0x04000000ull
#define CGROUP2_MAGIC 0x63677270
#define SWEEP_DEAD 4096

struct kt_proc {
	struct kt_imap map;	/* tid -> struct kt_task */
	char procfs[64];	/* "" : no /proc look-ups */
	int kmap_fd[2];		/* saved_tgids, saved_cmdlines (root's, opened
				 * before the drop), -1: none */
	unsigned int ndead;
	struct kt_abi_source src;	/* src.abi NULL: procfs/TGID/exe here */
	uint64_t boot_epoch;	/* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	long hz;		/* /proc's clock ticks per second */
	char cgroot[32];	/* the cgroup2 mount, "" none (not /proc) */
	/* The programs' paths, each once (kt_task.exe is index + 1). */
	char **paths;
	uint32_t npaths, cappaths;
};

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Where cgroup v2 is mounted, for the cgroup ids: only with the real
 * /proc, whose cgroup paths are this machine's. */
static void find_cgroot(struct kt_proc *t)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	if (strcmp(t->procfs, "/proc"))
		return;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (!statfs(roots[i], &sf) && sf.f_type == CGROUP2_MAGIC) {
			snprintf(t->cgroot, sizeof(t->cgroot), "%s", roots[i]);
			return;
		}
}

/* @path's index + 1 in the table's pool, added if new; 0 if none or out
 * of memory. */
static uint32_t path_intern(struct kt_proc *t, const char *path, size_t len)
{
	char **np;

	if (!len)
		return 0;
	for (uint32_t i = t->npaths; i-- > 0;)
		if (!strncmp(t->paths[i], path, len) && !t->paths[i][len])
			return i + 1;
	if (t->npaths == t->cappaths) {
		uint32_t cap = t->cappaths ? 2 * t->cappaths : 64;

		np = realloc(t->paths, cap * sizeof(*np));
		if (!np)
			return 0;
		t->paths = np;
		t->cappaths = cap;
	}
	t->paths[t->npaths] = strndup(path, len);
	if (!t->paths[t->npaths])
		return 0;
	return ++t->npaths;
}

const char *kt_proc_exe(const struct kt_proc *t, const struct kt_task *k)
{
	return k->exe && k->exe <= t->npaths ? t->paths[k->exe - 1] : "";
}

void kt_container_id(const char *cg, char out[65])
{
	out[0] = '\0';
	for (const char *p = cg; *p;) {
		size_t run = strspn(p, "0123456789abcdef");

		if (run == 64 && (p == cg || !isxdigit((unsigned char)p[-1]))) {
			memcpy(out, p, 64);
			out[64] = '\0';
			return;
		}
		p += run ? run : 1;
	}
}

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
	t->kmap_fd[0] = t->kmap_fd[1] = -1;
	t->boot_epoch = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	t->hz = sysconf(_SC_CLK_TCK);
	if (t->hz <= 0)
		t->hz = 100;
	find_cgroot(t);
	return t;
}

void kt_proc_free(struct kt_proc *t)
{
	if (!t)
		return;
	if (t->src.release)
		t->src.release(t->src.arg);
	for (int i = 0; i < 2; i++)
		if (t->kmap_fd[i] >= 0)
			close(t->kmap_fd[i]);
	for (uint32_t i = 0; i < t->npaths; i++)
		free(t->paths[i]);
	free(t->paths);
	kt_imap_free(&t->map);
	free(t);
}

void kt_proc_set_abi_source(struct kt_proc *t, const struct kt_abi_source *src)
{
	if (t->src.release)
		t->src.release(t->src.arg);
	t->src = *src;
}

/*
 * The ABI of process @tgid's program: the exec being decoded (@exec) or
 * the program it runs now.  From the table's source, else from
 * procfs/TGID/exe, the very file the process runs (no path looked up).
 */
static enum kt_abi task_abi(struct kt_proc *t, int tgid, bool exec)
{
	char path[128];

	if (t->src.abi)
		return t->src.abi(t->src.arg, tgid, exec);
	if (!t->procfs[0] || tgid <= 0)
		return KT_ABI_NONE;
	snprintf(path, sizeof(path), "%s/%d/exe", t->procfs, tgid);
	return kt_elf_file_abi(path);
}

static void comm_set(struct kt_task *k, const char *s, size_t max)
{
	/* The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of a name. */
	size_t n = strnlen(s, max < 15 ? max : 15);

	memcpy(k->comm, s, n);
	k->comm[n] = '\0';
}

/* A number after @key in a /proc status text, -1 if absent. */
static long status_field(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The last number of a status line ("\nNSpid:\t4242\t7") and, in
 * @levels, how many numbers follow the first; -1 if absent. */
static long status_last(const char *s, const char *key, int *levels)
{
	const char *p = strstr(s, key);
	long v = -1;
	int n = -1;

	if (!p)
		return -1;
	p += strlen(key);
	for (;;) {
		char *end;
		long x = strtol(p, &end, 10);

		if (end == p || *p == '\n')
			break;
		v = x;
		n++;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
	}
	if (levels)
		*levels = n;
	return v;
}

/* The inode of a namespace link ("mnt:[4026531841]"), 0 if unreadable. */
static uint32_t ns_inode(const struct kt_proc *t, int tid, const char *ns)
{
	char path[128], link[64];
	ssize_t n;
	const char *p;

	snprintf(path, sizeof(path), "%s/%d/ns/%s", t->procfs, tid, ns);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	p = strchr(link, '[');
	return p ? (uint32_t)strtoul(p + 1, NULL, 10) : 0;
}

/*
 * The ids in the task's own pid namespace from its status text @s: the
 * innermost NSpid and NStgid; the parent's id there is its NStgid's
 * innermost when the parent is as deep (in the same namespace: a pid
 * namespace's first task has its parent outside, 0), or @ppid itself
 * when the task is in /proc's namespace.
 */
static void read_nsids(const struct kt_proc *t, const char *s, struct kt_task *k, long ppid)
{
	int lt = -1, lg = -1, lp = -1;
	long nstid = status_last(s, "\nNSpid:", &lt);
	long nstgid = status_last(s, "\nNStgid:", &lg);

	k->ns_tried = true;
	if (nstid <= 0 || nstgid <= 0 || lt != lg || lt < 0 || lt > 32)
		return;
	k->ns_tid = (int)nstid;
	k->ns_tgid = (int)nstgid;
	k->ns_level = (unsigned char)lt;
	k->ns_ppid = 0;
	if (!lt) {
		k->ns_ppid = ppid > 0 ? (int)ppid : 0;
	} else if (ppid > 0) {
		char path[128], *ps;

		snprintf(path, sizeof(path), "%s/%ld/status", t->procfs, ppid);
		if ((ps = kt_read_file(path, NULL))) {
			long v = status_last(ps, "\nNStgid:", &lp);

			if (lp == lt && v > 0)
				k->ns_ppid = (int)v;
			free(ps);
		}
	}
	k->ns_known = true;
}

/* What a task's first sight reads besides its status: its start time
 * (/proc/TID/stat), cgroup id and container (/proc/TID/cgroup) and, for
 * a process, its program (/proc/TGID/exe, closed to ktrail for another
 * user's process after the privilege drop). */
static void read_extra(struct kt_proc *t, int tid, struct kt_task *k)
{
	char path[160], *s, *p;

	snprintf(path, sizeof(path), "%s/%d/stat", t->procfs, tid);
	if ((s = kt_read_file(path, NULL))) {
		/* starttime is field 22; fields 3.. follow the last ')' */
		p = strrchr(s, ')');
		if (p) {
			unsigned long long ticks = 0;

			/* the tokens after ')' are fields 3, 4, ... */
			p++;
			for (int field = 3; field <= 22; field++) {
				while (*p == ' ')
					p++;
				if (!*p)
					break;
				if (field == 22)
					ticks = strtoull(p, NULL, 10);
				p += strcspn(p, " ");
			}
			if (ticks)
				k->start_ns = t->boot_epoch +
					      ticks * (1000000000ull / (unsigned long)t->hz);
		}
		free(s);
	}
	snprintf(path, sizeof(path), "%s/%d/cgroup", t->procfs, tid);
	if ((s = kt_read_file(path, NULL))) {
		kt_container_id(s, k->container);
		p = strstr(s, "0::");
		if (p && (p == s || p[-1] == '\n') && t->cgroot[0]) {
			char cpath[PATH_MAX];
			struct stat st;

			p += 3;
			p[strcspn(p, "\n")] = '\0';
			if ((size_t)snprintf(cpath, sizeof(cpath), "%s%s", t->cgroot, p) < sizeof(cpath) &&
			    !stat(cpath, &st))
				k->cgroup_id = st.st_ino;
		}
		free(s);
	}
	if (k->tgid > 0 && !k->exe) {
		char link[PATH_MAX];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%d/exe", t->procfs, k->tgid);
		n = readlink(path, link, sizeof(link));
		if (n > 0 && (size_t)n < sizeof(link))
			k->exe = path_intern(t, link, (size_t)n);
	}
}

/*
 * /proc/<tid>/status: the Tgid (returned, 0 if unreadable) and, into @k
 * when not NULL, the context: PPid, real Uid and the namespaces.
 */
static int read_status(const struct kt_proc *t, int tid, struct kt_task *k)
{
	char path[128];
	char *s;
	long tgid, ppid, uid;

	snprintf(path, sizeof(path), "%s/%d/status", t->procfs, tid);
	s = kt_read_file(path, NULL);
	if (!s)
		return 0;
	tgid = status_field(s, "\nTgid:");
	ppid = status_field(s, "\nPPid:");
	uid = status_field(s, "\nUid:");
	if (k)
		read_nsids(t, s, k, ppid);
	free(s);
	if (tgid <= 0)
		return 0;
	if (k && ppid >= 0 && uid >= 0) {
		k->ppid = (int)ppid;
		k->uid = (uint32_t)uid;
		uint32_t mnt = ns_inode(t, tid, "mnt"), pid = ns_inode(t, tid, "pid");
		uint32_t uts = ns_inode(t, tid, "uts");

		/* After the privilege drop another user's links are closed to
		 * ktrail: a value read before stays. */
		if (mnt || !k->has_ctx)
			k->mntns = mnt;
		if (pid || !k->has_ctx)
			k->pidns = pid;
		if (uts || !k->has_ctx)
			k->utsns = uts;
		k->has_ctx = true;
		k->ctx_stale = false;
	}
	return (int)tgid;
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
	k->tgid = read_status(t, tid, k);
	snprintf(path, sizeof(path), "%s/%d/comm", t->procfs, tid);
	read_comm(k, path);
	read_extra(t, tid, k);
}

/* The whole of a tracefs text file, read again from its start. */
static char *fd_text(int fd)
{
	size_t len = 0, cap = 0;
	char *s = NULL;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *ns = realloc(s, cap + 65536);

			if (!ns) {
				free(s);
				return NULL;
			}
			s = ns;
			cap += 65536;
		}
		n = read(fd, s + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(s);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > (64u << 20))
			break;	/* no saved map is that long */
	}
	s[len] = '\0';
	return s;
}

/* "<pid> <value>" lines: @tid's value, NULL if none (free it). */
static char *kmap_value(int fd, int tid)
{
	char key[16], *s, *v = NULL;
	size_t kl;

	if (fd < 0 || !(s = fd_text(fd)))
		return NULL;
	kl = (size_t)snprintf(key, sizeof(key), "%d ", tid);
	for (char *l = s; l && *l;) {
		char *nl = strchr(l, '\n');

		if (nl)
			*nl = '\0';
		if (!strncmp(l, key, kl)) {
			v = strdup(l + kl);
			break;
		}
		l = nl ? nl + 1 : NULL;
	}
	free(s);
	return v;
}

/* First sight of a thread without /proc: what the kernel saved of it
 * when its events were recorded (record-tgid, record-cmd). */
static void from_kmaps(struct kt_proc *t, int tid, struct kt_task *k)
{
	char *tg, *comm;

	if ((tg = kmap_value(t->kmap_fd[0], tid))) {
		long v = strtol(tg, NULL, 10);

		if (v > 0 && v <= 0x7fffffffL)
			k->tgid = (int)v;
		free(tg);
	}
	if ((comm = kmap_value(t->kmap_fd[1], tid))) {
		/* "<...>" is the kernel's "not saved". */
		if (strcmp(comm, "<...>"))
			comm_set(k, comm, strlen(comm));
		free(comm);
	}
}

int kt_proc_set_kernel_maps(struct kt_proc *t, const char *tracefs)
{
	static const char *const files[2] = { "saved_tgids", "saved_cmdlines" };

	for (int i = 0; i < 2; i++) {
		char path[320];

		snprintf(path, sizeof(path), "%s/%s", tracefs, files[i]);
		if (t->kmap_fd[i] < 0)
			t->kmap_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (t->kmap_fd[i] < 0)
			return -1;
	}
	return 0;
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

	if (k) {
		/* The kernel saves a task's tgid at its next context switch
		 * after its first event: asked again a few times. */
		if (!k->tgid && !t->procfs[0] && t->kmap_fd[0] >= 0 && k->kmap_tries < 8) {
			k->kmap_tries++;
			from_kmaps(t, tid, k);
		}
		if (k->ctx_stale) {
			k->ctx_stale = false;
			if (t->procfs[0])
				read_status(t, tid, k);
		} else if (!k->ns_known && !k->ns_tried && t->procfs[0]) {
			/* a task born in a pid namespace below /proc's: its
			 * ids there, once */
			struct kt_task tmp = *k;

			if (read_status(t, tid, &tmp) > 0) {
				k->ns_known = tmp.ns_known;
				k->ns_level = tmp.ns_level;
				k->ns_tid = tmp.ns_tid;
				k->ns_tgid = tmp.ns_tgid;
				k->ns_ppid = tmp.ns_ppid;
			}
			k->ns_tried = true;
		}
		return k;
	}
	if (t->ndead >= SWEEP_DEAD)
		sweep(t);
	k = task_put(t, tid, &isnew);
	if (!k)
		return NULL;
	if (t->procfs[0])
		from_procfs(t, tid, k);
	else if (t->kmap_fd[0] >= 0)
		from_kmaps(t, tid, k);
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
	/* The command ktrail starts is new (pid=new). */
	k->born = true;
	if (t->procfs[0]) {
		read_status(t, tid, k);
		read_extra(t, tid, k);
	}
}

void kt_proc_adopt(struct kt_proc *t, int tid, const char *procfs, int here, int ppid)
{
	struct kt_proc view = { 0 };
	struct kt_task *k = (struct kt_task *)kt_proc_get(t, tid);

	if (!k || !procfs)
		return;
	snprintf(view.procfs, sizeof(view.procfs), "%s", procfs);
	if (read_status(&view, here, k) > 0)
		k->ppid = ppid;
	/* that /proc's namespace is not the events' (whose ids are the
	 * kernel's): no ids in the task's namespace from it */
	k->ns_known = false;
	k->ns_tried = true;
}

static int scan_process(struct kt_proc *t, int pid, bool only_new)
{
	char path[128];
	DIR *d;
	struct dirent *de;
	int n = 0;

	struct kt_task ctx = { 0 };

	if (read_status(t, pid, &ctx) != pid)
		return 0;
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
		if (only_new && kt_imap_get(&t->map, tid))
			continue;
		k = task_put(t, tid, &isnew);
		if (!k)
			break;
		k->late = only_new;
		k->tgid = pid;
		k->has_ctx = ctx.has_ctx;
		k->ppid = ctx.ppid;
		k->uid = ctx.uid;
		k->mntns = ctx.mntns;
		k->pidns = ctx.pidns;
		k->utsns = ctx.utsns;
		k->ns_known = ctx.ns_known;
		k->ns_tried = ctx.ns_tried;
		k->ns_level = ctx.ns_level;
		k->ns_tgid = ctx.ns_tgid;
		k->ns_ppid = ctx.ns_ppid;
		/* a thread's own id there: its own status, unless the
		 * namespace is /proc's */
		k->ns_tid = tid;
		if (ctx.ns_known && ctx.ns_level) {
			k->ns_known = k->ns_tried = false;
			k->ns_tid = 0;
		}
		snprintf(cpath, sizeof(cpath), "%s/%d/task/%d/comm", t->procfs, pid, tid);
		read_comm(k, cpath);
		read_extra(t, tid, k);
		n++;
	}
	closedir(d);
	return n;
}

static int scan(struct kt_proc *t, int pid, bool only_new);

int kt_proc_scan(struct kt_proc *t, int pid)
{
	return scan(t, pid, false);
}

int kt_proc_scan_new(struct kt_proc *t)
{
	return scan(t, 0, true);
}

static int scan(struct kt_proc *t, int pid, bool only_new)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (!t->procfs[0])
		return 0;
	/* Threads are found through their group leader only. */
	if (pid > 0)
		return scan_process(t, pid, only_new);
	d = opendir(t->procfs);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			n += scan_process(t, atoi(de->d_name), only_new);
	closedir(d);
	return n;
}

/*
 * A child below /proc's pid namespace (or in a new one): its ids there
 * from its status now, while it may still run.  When it is gone, what
 * the parent tells: a thread's process id and parent are the parent's,
 * a process's parent is the parent (none in a new namespace), and the
 * ids that cannot be known are 0, never the host's.
 */
static void nsids_of_child(struct kt_proc *t, struct kt_task *k, int child_tid,
			   const struct kt_task *p, uint64_t flags)
{
	struct kt_task tmp = *k;
	bool newns = (flags & CLONE_NEWPID_FLAG) || p->kids_stale;

	if (read_status(t, child_tid, &tmp) > 0 && tmp.ns_known) {
		k->ns_known = true;
		k->ns_level = tmp.ns_level;
		k->ns_tid = tmp.ns_tid;
		k->ns_tgid = tmp.ns_tgid;
		k->ns_ppid = tmp.ns_ppid;
	} else {
		k->ns_known = true;
		k->ns_level = (unsigned char)(p->ns_level + (newns ? 1 : 0));
		k->ns_tid = 0;
		if (flags & CLONE_THREAD_FLAG) {
			k->ns_tgid = p->ns_tgid;
			k->ns_ppid = p->ns_ppid;
		} else {
			k->ns_tgid = 0;
			k->ns_ppid = newns ? 0 : (flags & CLONE_PARENT_FLAG) ? p->ns_ppid : p->ns_tgid;
		}
	}
	k->ns_tried = true;
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
	k->born = true;
	/* The context is the parent's: a thread or CLONE_PARENT child has
	 * its parent's parent; new namespaces are read when first needed. */
	k->has_ctx = pcopy.has_ctx;
	k->ppid = clone_flags & (CLONE_THREAD_FLAG | CLONE_PARENT_FLAG) ? pcopy.ppid : pcopy.tgid;
	k->uid = pcopy.uid;
	k->mntns = pcopy.mntns;
	k->pidns = pcopy.pidns;
	k->utsns = pcopy.utsns;
	k->cgroup_id = pcopy.cgroup_id;
	memcpy(k->container, pcopy.container, sizeof(k->container));
	k->exe = pcopy.exe;
	/* In /proc's pid namespace (the parent's ids there are its host
	 * ids) a child that makes no new one has its host ids there too;
	 * elsewhere they are read from its status when first needed. */
	if (pcopy.ns_known && !pcopy.ns_level && !(clone_flags & CLONE_NEWPID_FLAG) &&
	    !pcopy.kids_stale) {
		k->ns_known = k->ns_tried = true;
		k->ns_tid = child_tid;
		k->ns_tgid = k->tgid;
		k->ns_ppid = k->ppid;
	} else if (pcopy.ns_known && t->procfs[0]) {
		nsids_of_child(t, k, child_tid, &pcopy, clone_flags);
	}
	if ((clone_flags & (CLONE_NEWNS_FLAG | CLONE_NEWPID_FLAG | CLONE_NEWUSER_FLAG |
			    CLONE_NEWUTS_FLAG)) ||
	    pcopy.kids_stale)
		k->ctx_stale = true;
	/* A child runs its parent's program until it execs. */
	k->abi = pcopy.abi;
	k->abi_checked = pcopy.abi_checked;
}

void kt_proc_exec(struct kt_proc *t, int tid, int old_tid, const char *filename,
		  unsigned int len)
{
	struct kt_task *k;
	const char *base;
	int isnew;

	if (old_tid != tid)
		kt_imap_del(&t->map, old_tid);
	k = task_put(t, tid, &isnew);
	if (!k)
		return;
	if (isnew)
		from_procfs(t, tid, k);
	k->tgid = tid;	/* after exec the thread is the group leader */
	if (k->ns_known)
		k->ns_tid = k->ns_tgid;
	/* Threads killed by the exec (de_thread) do not end the process. */
	k->has_exit = k->g_has_exit = false;
	k->exit_code = k->g_exit_code = k->g_exit_signal = k->fatal_pending = 0;
	if (len > PATH_MAX)
		len = PATH_MAX;
	len = (unsigned int)strnlen(filename, len);
	k->exe = 0;
	if ((!len || filename[0] != '/') && t->procfs[0]) {
		/* a relative name: the program's own path, if it can be read */
		char path[128], link[PATH_MAX];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%d/exe", t->procfs, tid);
		n = readlink(path, link, sizeof(link));
		if (n > 0 && (size_t)n < sizeof(link))
			k->exe = path_intern(t, link, (size_t)n);
	}
	if (!k->exe)
		k->exe = path_intern(t, filename, len);
	base = memrchr(filename, '/', len);
	base = base ? base + 1 : filename;
	comm_set(k, base, filename + len - base);
	k->dead = false;
	/* The ABI of the new program, looked up again: never from
	 * @filename, a path the traced user may have changed since. */
	k->abi = task_abi(t, tid, true);
	k->abi_checked = true;
}

void kt_proc_set_start(struct kt_proc *t, int tid, uint64_t ns)
{
	struct kt_task *k = kt_imap_get(&t->map, tid);

	if (k)
		k->start_ns = ns;
}

void kt_proc_rename(struct kt_proc *t, int tid, const char comm[16])
{
	struct kt_task *k;
	int isnew;

	if (!kt_proc_get(t, tid))
		return;
	k = task_put(t, tid, &isnew);
	if (k) {
		memcpy(k->prev_comm, k->comm, sizeof(k->prev_comm));
		comm_set(k, comm, 16);
	}
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

	if (!kt_proc_get(t, tid))
		return KT_ABI_NONE;
	k = kt_imap_get(&t->map, tid);
	if (!k->abi_checked && (t->procfs[0] || t->src.abi)) {
		k->abi = task_abi(t, k->tgid ? k->tgid : tid, false);
		k->abi_checked = true;
	}
	return k->abi;
}

void kt_proc_ctx_stale(struct kt_proc *t, int tid)
{
	struct kt_task *k = kt_imap_get(&t->map, tid);

	if (k)
		k->ctx_stale = k->kids_stale = true;
}

/* Signals whose default action ends the process (signal(7)): all but
 * the ignored SIGCHLD, SIGCONT, SIGURG, SIGWINCH and the stop signals. */
static bool kills_by_default(int sig)
{
	switch (sig) {
	case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 28:
		/* SIGCHLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU SIGURG SIGWINCH */
		return false;
	default:
		return sig > 0 && sig < 65;
	}
}

static struct kt_task *leader_of(struct kt_proc *t, int tid)
{
	const struct kt_task *k = kt_proc_get(t, tid);

	if (!k)
		return NULL;
	return kt_imap_get(&t->map, k->tgid > 0 ? k->tgid : tid) ?:
	       kt_imap_get(&t->map, tid);
}

void kt_proc_exit_call(struct kt_proc *t, int tid, long code, bool group)
{
	struct kt_task *k, *l;

	if (!kt_proc_get(t, tid) || !(k = kt_imap_get(&t->map, tid)))
		return;
	if (!group) {
		k->has_exit = true;
		k->exit_code = (int)(code & 0xff);
	} else if ((l = leader_of(t, tid)) && (!l->g_has_exit || l->g_exit_signal)) {
		/* A signal seen before does not end a process that still
		 * calls exit_group (a pid namespace's init ignores them). */
		l->g_has_exit = true;
		l->g_exit_code = (int)(code & 0xff);
		l->g_exit_signal = 0;
	}
}

void kt_proc_signal_deliver(struct kt_proc *t, int tid, int sig, uint64_t handler)
{
	struct kt_task *l = leader_of(t, tid);

	if (!l)
		return;
	if (handler != 0) {
		/* A handler (or SIG_IGN) takes it: it kills no one. */
		if (l->fatal_pending == sig)
			l->fatal_pending = 0;
		return;
	}
	if (!kills_by_default(sig) || l->g_has_exit)
		return;
	/* A group killed at once reports SIGKILL in each thread, whatever
	 * signal killed it: the one generated for it is the cause; when
	 * ktrail did not see it (sent by a task it does not trace), the
	 * cause is unknown (-1). */
	if (sig == 9)
		sig = l->fatal_pending ? l->fatal_pending : -1;
	l->g_has_exit = true;
	l->g_exit_code = 0;
	l->g_exit_signal = sig;
}

void kt_proc_signal_generate(struct kt_proc *t, int pid, int sig, bool group)
{
	struct kt_task *l;

	(void)group;
	if (!kills_by_default(sig) || !(l = leader_of(t, pid)) || l->g_has_exit)
		return;
	/* A SIGKILL does not replace the default-fatal signal sent first. */
	if (sig != 9 || !l->fatal_pending)
		l->fatal_pending = sig;
}

bool kt_proc_exit_cause(struct kt_proc *t, int tid, int *status, int *sig)
{
	struct kt_task *k = kt_imap_get(&t->map, tid), *l;

	if (k && k->has_exit) {
		*status = k->exit_code;
		*sig = 0;
		return true;
	}
	l = leader_of(t, tid);
	if (l && l->g_has_exit && l->g_exit_signal >= 0) {
		*status = l->g_exit_code;
		*sig = l->g_exit_signal;
		return true;
	}
	return false;
}

void kt_proc_set_followed(struct kt_proc *t, int tid)
{
	struct kt_task *k = kt_imap_get(&t->map, tid);

	if (k)
		k->followed = true;
}

void kt_proc_dump(struct kt_proc *t, FILE *fp, bool abi, bool late_only)
{
	for (size_t i = 0; i < t->map.cap; i++) {
		struct kt_task *k = kt_imap_val(&t->map, i);

		if (t->map.keys[i] == KT_IMAP_EMPTY || k->dead || (late_only && !k->late))
			continue;
		if (abi && !k->abi_checked && (t->procfs[0] || t->src.abi)) {
			k->abi = task_abi(t, k->tgid ? k->tgid : (int)t->map.keys[i], false);
			k->abi_checked = true;
		}
		fprintf(fp, "%d %d %d %u %u %u %d %d ", (int)t->map.keys[i], k->tgid, k->ppid,
			(unsigned int)k->uid, (unsigned int)k->mntns, (unsigned int)k->pidns,
			(int)k->abi, (k->has_ctx ? 1 : 0) | (k->born ? 2 : 0) |
			(k->abi_checked ? 4 : 0));
		for (const unsigned char *c = (const unsigned char *)k->comm; *c; c++)
			fprintf(fp, "%02x", *c);
		if (!k->comm[0])
			fputc('-', fp);
		/* Tracee's fields (JSON), after what older readers read */
		fprintf(fp, " E %d %d %d %d %llu %llu %u %s ", k->ns_tid, k->ns_tgid, k->ns_ppid,
			k->ns_known ? k->ns_level : -1, (unsigned long long)k->start_ns,
			(unsigned long long)k->cgroup_id, (unsigned int)k->utsns,
			k->container[0] ? k->container : "-");
		{
			const char *exe = kt_proc_exe(t, k);

			for (const unsigned char *c = (const unsigned char *)exe; *c; c++)
				fprintf(fp, "%02x", *c);
			fputs(*exe ? "\n" : "-\n", fp);
		}
	}
}

/* The " E ..." part of a dumped task (none in older recordings). */
static void load_extra(struct kt_proc *t, struct kt_task *k, const char *c, const char *eol)
{
	int nstid, nstgid, nsppid, level, used = 0;
	unsigned long long start, cgid;
	unsigned int uts;
	char cont[66];

	if (strncmp(c, " E ", 3) ||
	    sscanf(c + 3, "%d %d %d %d %llu %llu %u %65s %n", &nstid, &nstgid, &nsppid, &level,
		   &start, &cgid, &uts, cont, &used) != 8 || !used)
		return;
	if (level >= 0 && level <= 32 && nstid > 0 && nstgid > 0) {
		k->ns_known = true;
		k->ns_level = (unsigned char)level;
		k->ns_tid = nstid;
		k->ns_tgid = nstgid;
		k->ns_ppid = nsppid > 0 ? nsppid : 0;
	}
	k->ns_tried = true;
	k->start_ns = start;
	k->cgroup_id = cgid;
	k->utsns = uts;
	if (strlen(cont) == 64)
		kt_container_id(cont, k->container);
	c += 3 + used;
	{
		char path[PATH_MAX];
		size_t o = 0;
		unsigned int b;

		while (o < sizeof(path) && (!eol || c < eol) && isxdigit((unsigned char)c[0]) &&
		       isxdigit((unsigned char)c[1]) && sscanf(c, "%2x", &b) == 1) {
			path[o++] = (char)b;
			c += 2;
		}
		if (o && o < sizeof(path))
			k->exe = path_intern(t, path, o);
	}
}

int kt_proc_load(struct kt_proc *t, const char *text)
{
	int n = 0;

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		int tid, tgid, ppid, abi, flags, used = 0;
		unsigned int uid, mntns, pidns;
		struct kt_task *k;
		int isnew;

		if (sscanf(p, "%d %d %d %u %u %u %d %d %n", &tid, &tgid, &ppid, &uid, &mntns,
			   &pidns, &abi, &flags, &used) != 8 || tid <= 0 || !used) {
			errno = EINVAL;
			return -1;
		}
		k = task_put(t, tid, &isnew);
		if (!k)
			return -1;
		k->tgid = tgid;
		k->ppid = ppid;
		k->uid = uid;
		k->mntns = mntns;
		k->pidns = pidns;
		k->abi = abi >= 0 && abi < KT_ABI_MAX ? abi : KT_ABI_NONE;
		k->has_ctx = flags & 1;
		k->born = flags & 2;
		k->abi_checked = flags & 4;
		{
			const char *c = p + used;
			size_t o = 0;
			unsigned int b;

			while (o < 15 && isxdigit((unsigned char)c[0]) && isxdigit((unsigned char)c[1]) &&
			       sscanf(c, "%2x", &b) == 1) {
				k->comm[o++] = (char)b;
				c += 2;
			}
			k->comm[o] = '\0';
			while (isxdigit((unsigned char)*c) || *c == '-')
				c++;
			load_extra(t, k, c, eol);
		}
		n++;
		p = eol ? eol + 1 : NULL;
	}
	return n;
}
