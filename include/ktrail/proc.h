/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process table: thread id -> process id, name and syscall ABI.  Fed by
 * the task and sched tracepoints (newtask, rename, exec, exit) as they are
 * decoded, and by /proc only the first time an unknown thread shows up:
 * never a /proc read per event.
 */
#ifndef KTRAIL_PROC_H
#define KTRAIL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ktrail/catalog.h"

struct kt_task {
	int tgid;		/* 0: unknown */
	char comm[17];		/* raw bytes, NUL-terminated */
	char prev_comm[17];	/* the name before the last rename (exec's) */
	signed char abi;	/* enum kt_abi; KT_ABI_NONE: not known yet */
	bool abi_checked;
	bool dead;
	/* Process context: inherited at fork, read from /proc when a task
	 * is first seen or its credentials or namespaces changed. */
	bool has_ctx;
	bool ctx_stale;		/* re-read at the next look-up */
	bool kids_stale;	/* its children's too (unshare/setns of a pid
				 * namespace applies to the children only) */
	bool born;		/* created while ktrail traced (pid=new) */
	bool followed;		/* --scope follow: a descendant of a match */
	bool late;		/* found by kt_proc_scan_new() */
	unsigned char kmap_tries;	/* kt_proc_set_kernel_maps look-ups */
	int ppid;		/* the parent process's id */
	uint32_t uid;		/* real uid */
	uint32_t mntns, pidns;	/* namespace inodes, 0: unknown */
	uint32_t utsns;		/* UTS namespace inode, 0: unknown */
	/*
	 * Tracee's ids (JSON): the thread, process and parent ids in the
	 * task's own pid namespace, the innermost of NSpid/NStgid in
	 * /proc/TID/status (ns_ppid 0 when the parent is outside it).
	 * ns_known false: not read (yet); ns_tried: a look-up was made.
	 */
	bool ns_known, ns_tried;
	unsigned char ns_level;	/* how deep below /proc's pid namespace */
	int ns_tid, ns_tgid, ns_ppid;
	uint64_t start_ns;	/* thread start, ns since the epoch, 0: unknown */
	uint64_t cgroup_id;	/* cgroup v2 directory inode, 0: unknown */
	char container[65];	/* container id from the cgroup path, "" none */
	uint32_t exe;		/* the program's path: kt_proc_exe(), 0 none */
	/* How it ends (sched_process_exit): its own exit(2), or (kept on
	 * the group leader) the group's exit_group(2) or fatal signal. */
	bool has_exit, g_has_exit;
	int exit_code, g_exit_code;	/* exit status 0..255 */
	int g_exit_signal;	/* the signal that killed the group, 0: none */
	int fatal_pending;	/* a default-fatal signal sent to the group */
};

struct kt_proc;

/* @procfs: "/proc" (tests pass a directory of their own, or NULL for none). */
struct kt_proc *kt_proc_new(const char *procfs);
void kt_proc_free(struct kt_proc *t);

/* The task of @tid, looked up in /proc the first time.  Never NULL unless
 * out of memory; fields are zero/empty when nothing is known. */
const struct kt_task *kt_proc_get(struct kt_proc *t, int tid);

void kt_proc_newtask(struct kt_proc *t, int parent_tid, int child_tid,
		     uint64_t clone_flags, const char comm[16]);
void kt_proc_exec(struct kt_proc *t, int tid, int old_tid, const char *filename,
		  unsigned int len);
void kt_proc_rename(struct kt_proc *t, int tid, const char comm[16]);
void kt_proc_exit(struct kt_proc *t, int tid);
/*
 * Record the threads of process @pid (or of every process, pid 0) as they
 * are now, so that tasks that exit before their records are written keep
 * their process id and name.  Returns the number of threads recorded.
 */
int kt_proc_scan(struct kt_proc *t, int pid);
/* The threads of every process that are not in the table yet (marked
 * late), leaving known ones alone.  Returns how many were added. */
int kt_proc_scan_new(struct kt_proc *t);
/* A task known before it runs (a command ktrail starts). */
void kt_proc_add(struct kt_proc *t, int tid, int tgid, const char *comm);
/* Without /proc: a task first seen gets its tgid and name from what the
 * kernel saved in @tracefs/saved_tgids and saved_cmdlines, if anything.
 * The files (root's) are opened here, to be read after the drop: 0, or
 * -1 with errno. */
int kt_proc_set_kernel_maps(struct kt_proc *t, const char *tracefs);
/* Give task @tid (added before) the context of process @here in @procfs
 * (a /proc whose pids are not the events', so never looked up by tid),
 * and the parent process @ppid. */
void kt_proc_adopt(struct kt_proc *t, int tid, const char *procfs, int here, int ppid);

/* The path of the program @k runs: the exec'd filename as the kernel
 * gave it, else the /proc/TGID/exe link read when first seen; "" when
 * unknown. */
const char *kt_proc_exe(const struct kt_proc *t, const struct kt_task *k);
/* Task @tid started at @ns (ns since the epoch: its task_newtask). */
void kt_proc_set_start(struct kt_proc *t, int tid, uint64_t ns);
/*
 * The container id in a /proc/PID/cgroup text or one cgroup path: the
 * first path component holding a run of exactly 64 hex digits
 * ("docker-<id>.scope", "/docker/<id>", "cri-containerd-<id>.scope",
 * "libpod-<id>.scope") gives those digits.  @out gets "" when none.
 */
void kt_container_id(const char *cgroup, char out[65]);

/* --scope follow took @tid in. */
void kt_proc_set_followed(struct kt_proc *t, int tid);

/* Credentials or namespaces of @tid changed (setuid, unshare, setns
 * returned 0): read them again when next needed. */
void kt_proc_ctx_stale(struct kt_proc *t, int tid);

/*
 * Exit causes.  @code of exit(2) (@group false) or exit_group(2) (@group
 * true) as the syscall got it; a signal delivered with its default action
 * (@handler 0) that kills; a signal generated for a process (the kernel
 * kills a whole group at once when the action is the default, and its
 * threads then report SIGKILL).  kt_proc_exit_cause() gives the status and
 * signal of a thread that exits now (false if unknown).
 */
void kt_proc_exit_call(struct kt_proc *t, int tid, long code, bool group);
void kt_proc_signal_deliver(struct kt_proc *t, int tid, int sig, uint64_t handler);
void kt_proc_signal_generate(struct kt_proc *t, int pid, int sig, bool group);
bool kt_proc_exit_cause(struct kt_proc *t, int tid, int *status, int *sig);

/*
 * The table as text, one task per line (a recording's TASKS chunk), and
 * back.  kt_proc_load() returns the tasks read, or -1 with errno EINVAL
 * at a malformed line (those before it are kept).  With @abi, each
 * process's executable is looked at first (raw_syscalls need the ABI);
 * with @late_only, only the tasks kt_proc_scan_new() added.
 */
void kt_proc_dump(struct kt_proc *t, FILE *fp, bool abi, bool late_only);
int kt_proc_load(struct kt_proc *t, const char *text);

/* The ABI of the task's executable (KT_ABI_NONE if it cannot be told). */
enum kt_abi kt_proc_abi(struct kt_proc *t, int tid);

/*
 * Where a table learns the ABI of process @tgid: abi(@arg, @tgid, @exec)
 * gives the ABI of the program of the exec being decoded (@exec; it may
 * have been seen when it happened) or of the program @tgid runs now,
 * KT_ABI_NONE when it cannot tell.  release(@arg), if set, runs when the
 * source is replaced or the table freed.  A table without one reads
 * <procfs>/TGID/exe itself (none without procfs).  Never a path the
 * traced user controls: the exec'd filename is only a name.
 */
struct kt_abi_source {
	enum kt_abi (*abi)(void *arg, int tgid, bool exec);
	void (*release)(void *arg);
	void *arg;
};
void kt_proc_set_abi_source(struct kt_proc *t, const struct kt_abi_source *src);

/* The ABI of an ELF file's header (first 20 bytes), or KT_ABI_NONE (x32,
 * a class or byte order the machine does not run, not ELF). */
enum kt_abi kt_elf_abi(const unsigned char *hdr, unsigned int len);
/* The ABI of open file @fd's ELF header; KT_ABI_NONE for anything but a
 * regular file (never a read that could block). */
enum kt_abi kt_elf_fd_abi(int fd);
/* The same for @path, opened O_RDONLY|O_NONBLOCK (a FIFO does not block). */
enum kt_abi kt_elf_file_abi(const char *path);

#endif
