/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege.  ktrail needs root only to set up (create its tracefs
 * instance and kprobes, open the per-CPU buffers) and to clean up.  Once
 * set up it:
 *  - forks a guard: a process that keeps root, does nothing but wait for
 *    ktrail's end (the close of a pipe: a normal end, a crash or SIGKILL
 *    alike) and then removes the instance and the kprobes;
 *  - drops to an unprivileged user (--user NAME, else nobody) with no
 *    capability left, except CAP_SYS_PTRACE when 32-bit tasks are
 *    recognised by their executable (/proc/PID/exe of other users).
 * Decoding and writing then run with what an ordinary user has: the open
 * buffers and output files, and /proc.
 */
#ifndef KTRAIL_PRIV_H
#define KTRAIL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Before setup: the capabilities this run needs, from the process's own
 * sets.  Returns 0, or -1 with @err naming what is missing and why.
 * @mount: tracefs is not mounted yet (mounting needs CAP_SYS_ADMIN).
 */
int kt_priv_check(bool mount, char *err, size_t errlen);

/* The uid and gid of user @name (a name or a number).  0, or -1 + @err. */
int kt_priv_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen);

struct kt_guard {
	pid_t pid;		/* 0: no guard */
	int fd;			/* the pipe's write end */
};

/*
 * Start the guard: @cleanup(@arg) runs in it when this process closes its
 * end of the pipe or dies.  Returns 0, or -1 with errno.
 */
int kt_guard_start(struct kt_guard *g, int (*cleanup)(void *arg), void *arg);
/*
 * Let the guard clean up now and wait for it.  Returns its verdict: 0
 * cleaned, -1 it failed (or died).
 */
int kt_guard_finish(struct kt_guard *g);

/*
 * Become @uid/@gid for good, with no capability left but CAP_SYS_PTRACE
 * if @keep_ptrace.  Returns 0, or -1 with @err.
 */
int kt_priv_drop(uid_t uid, gid_t gid, bool keep_ptrace, char *err, size_t errlen);

/*
 * Open output file @path with the file-system identity of @uid/@gid (its
 * permission checks and ownership), as open(2) does; ktrail keeps root.
 */
int kt_priv_open_as(uid_t uid, gid_t gid, const char *path, int flags, mode_t mode);

#endif
