/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege.  ktrail needs root only to set up (create its tracefs
 * instance and kprobes, open the per-CPU buffers) and to clean up.  Once
 * set up it:
 *  - forks a guard: a process that keeps root, does nothing but wait for
 *    ktrail's end (a pidfd of ktrail, Linux 5.3, and the close of a pipe
 *    only ktrail holds: a normal end, a crash or SIGKILL alike, whatever
 *    other process still runs) and then removes the instance and the
 *    kprobes.  It holds nothing else of ktrail's but the files it is told
 *    to keep (the run's lock, kernel.h);
 *  - drops to an unprivileged user (--user NAME, else nobody) with no
 *    capability left, in every mode.
 * ktrail report needs no privilege at all: started as root it drops the
 * same way (and its supplementary groups) once its input and outputs are
 * open, with no guard; started by anyone else it clears what
 * capabilities it has and sets no_new_privs (kt_priv_shed).
 * Decoding and writing then run with what an ordinary user has: the open
 * buffers and output files, and /proc.
 *
 * When 32-bit tasks are traced (raw_syscalls, whose calls are kept by the
 * task's ABI), an ABI helper forked before the drop tells a process's ABI
 * from its executable: ktrail sends a process id over a socketpair (never
 * a path), the helper opens /proc/TGID/exe (the file the process runs,
 * not a path looked up again; O_NONBLOCK, a regular file only) and
 * answers from its ELF header.  It learns of every exec when it happens
 * (the proc connector), so a program that ends before ktrail decodes its
 * exec is still told.  It stays root with CAP_SYS_PTRACE (another user's
 * /proc/PID/exe) and CAP_DAC_READ_SEARCH (an executable its owner may not
 * read) only, no_new_privs, not dumpable; it ends at the EOF of its
 * socket, and an answer that takes too long ends it (ktrail then counts
 * the ABIs it cannot tell as unattributed).  Since it hears every exec
 * first, it is also the one that turns raw_syscalls on once a 32-bit
 * task is known (kt_abi_helper_lazy): the enable files it writes to were
 * opened by ktrail before the drop and passed over the socket.
 */
#ifndef KTRAIL_PRIV_H
#define KTRAIL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ktrail/catalog.h"

struct kt_proc;

/*
 * Before setup: the capabilities this run needs, from the process's own
 * sets.  Returns 0, or -1 with @err naming what is missing and why.
 * @mount: tracefs is not mounted yet (mounting needs CAP_SYS_ADMIN).
 */
int kt_priv_check(bool mount, char *err, size_t errlen);

/* The uid and gid of user @name (a name or a number).  0, or -1 + @err. */
int kt_priv_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* Who ktrail becomes without --user: the system user KT_DROP_USER where
 * it exists (and is not root), else nobody, else 65534:65534. */
#define KT_DROP_USER "ktrail"
void kt_priv_default_user(uid_t *uid, gid_t *gid);

struct kt_guard {
	pid_t pid;		/* 0: no guard */
	int fd;			/* the pipe's write end */
};

/*
 * Start the guard: @cleanup(@arg) runs in it when this process closes its
 * end of the pipe or dies.  The guard closes every file it inherits but
 * 0, 1, 2 and the @nkeep of @keep.  Returns 0, or -1 with errno.
 */
int kt_guard_start(struct kt_guard *g, const int *keep, unsigned int nkeep,
		   int (*cleanup)(void *arg), void *arg);
/*
 * Let the guard clean up now and wait for it.  Returns its verdict: 0
 * cleaned, -1 it failed (or died).
 */
int kt_guard_finish(struct kt_guard *g);

/*
 * Become @uid/@gid for good, with no capability left.  Returns 0, or -1
 * with @err.
 */
int kt_priv_drop(uid_t uid, gid_t gid, char *err, size_t errlen);
/* The same with no supplementary group at all (ktrail report). */
int kt_priv_drop_all(uid_t uid, gid_t gid, char *err, size_t errlen);
/* Clear every capability this process has, and set no_new_privs (what
 * a process that is not root gives up).  0, or -1 with @err. */
int kt_priv_shed(char *err, size_t errlen);

/* The ABI helper (above).  Start it while root: NULL with errno. */
struct kt_abi_helper *kt_abi_helper_start(void);
/*
 * The ABI of process @tgid: of the program of its exec being decoded
 * (@exec: the oldest exec of @tgid not asked for yet, as seen when it
 * happened) or of the program it runs now.  KT_ABI_NONE when it cannot be
 * told, or the helper is gone: it died, or gave no answer within 3 s
 * (then it is asked nothing more).
 */
enum kt_abi kt_abi_helper_ask(struct kt_abi_helper *h, int tgid, bool exec);
/*
 * The execs the helper saw (every process's, as the proc connector tells
 * them), in order, from number *@since on: up to @max of them into @out,
 * *@since advanced past them.  *@skipped: execs from *@since on that
 * the helper no longer holds (more than it keeps came between two calls).
 * A recording keeps them (doc/recording.md, EXECS), so that its report
 * knows the ABI of each exec it decodes.  Returns how many were put, 0
 * when there are no more, or -1 with errno (the helper is gone).
 */
#define KT_ABI_EXECS_BATCH 128
struct kt_abi_exec {
	int32_t tgid;
	int8_t abi;		/* enum kt_abi; KT_ABI_NONE: could not be told */
};
int kt_abi_helper_execs(struct kt_abi_helper *h, uint32_t *since, struct kt_abi_exec *out,
			unsigned int max, uint32_t *skipped);
/* End the helper (the EOF of its socket), reap it (a bounded wait), free. */
void kt_abi_helper_stop(struct kt_abi_helper *h);
/* Start a helper as @t's ABI source (proc.h); kt_proc_free() ends it.
 * Returns it (still @t's), or NULL with errno. */
struct kt_abi_helper *kt_abi_helper_attach(struct kt_proc *t);

/*
 * Lazy raw_syscalls: hand the helper the instance's open enable files of
 * raw_syscalls/sys_enter and sys_exit (written "0", their filters set),
 * its trace_marker and, when only some tasks are traced, its
 * set_event_pid (else -1: every task is).  The helper writes "1" to both
 * as soon as a traced task of ABI @abi is known: one running now (the
 * helper looks through /proc at once), else at the first such exec it
 * hears, and then writes KT_ABI_MARKER followed by the process id of each
 * task whose exec turned it on to trace_marker: what that task did
 * between its exec and this marker is not traced.  The descriptors are
 * the helper's afterwards (the caller closes its own).  Returns 1 (on
 * now), 0 (armed), or -1 with errno (the helper is gone: the caller
 * enables raw_syscalls itself).
 */
int kt_abi_helper_lazy(struct kt_abi_helper *h, enum kt_abi abi, int enter_fd, int exit_fd,
		       int marker_fd, int pids_fd);
/* The text of the helper's trace_marker line, before the process id. */
#define KT_ABI_MARKER "ktrail-abi: raw_syscalls on at the exec of "
/*
 * The trace ends: the helper closes the files it was given (the
 * instance can then be removed).  *@on: raw_syscalls went on; *@late: the
 * tasks whose exec turned it on; *@nl_lost: the times the kernel dropped
 * process notifications to the helper (its queue was full).  0, or -1 with errno (gone).
 */
int kt_abi_helper_release(struct kt_abi_helper *h, bool *on, unsigned int *late,
			  unsigned int *nl_lost);

/*
 * Between begin and end, files are looked up, opened and created with the
 * file-system identity of @uid/@gid (their permission checks, their
 * ownership); ktrail keeps root.  Output files (outfile.h) are opened so.
 */
struct kt_priv_as {
	uid_t uid;
	gid_t gid;
};
void kt_priv_as_begin(struct kt_priv_as *as, uid_t uid, gid_t gid);
void kt_priv_as_end(const struct kt_priv_as *as);

#endif
