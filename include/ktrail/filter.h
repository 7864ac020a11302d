/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracee-syntax scope and event filters (--scope, and the filter words of
 * -e/--events).  A filter is parsed once; every record is then matched in
 * user space (kt_filter_match), and the parts the kernel's event filter
 * language evaluates with the same result are also written into the
 * tracepoints' `filter` files (kt_filter_kernel), so that fewer events
 * reach the ring buffers.  The user-space pass always runs as well: the
 * kernel part only ever drops events that user space would drop too.
 *
 * Scope (kt_filter_add_scope, one --scope argument each; several AND):
 *
 *   KEY OP V1,V2,...     '=' matches any value, other operators all
 *   follow               also trace the descendants of what matches
 *   pid=new              only processes started after tracing began
 *
 *   KEY                                  values   operators
 *   pid, p, processId                    int32    = != < > <= >=
 *   tid, threadId                        int32    = != < > <= >=
 *   ppid, parentProcessId                int32    = != < > <= >=
 *   uid, userId                          uint32   = != < > <= >=
 *   processorId                          int32    = != < > <= >=
 *   mntns, mountNamespace                uint32   = !=
 *   pidns, pidNamespace                  uint32   = !=
 *   comm, processName                    string   = !=
 *
 * Event filters (kt_filter_add_event, one -e word that holds a '.'):
 *
 *   EVENT.data.ARG OP V1,...    (EVENT.args.ARG is the same)
 *   EVENT.retval OP V1,...      int64, = != < > <= >= (syscalls only)
 *   EVENT.duration OP D1,...    the call's duration, = != < > <= >=
 *                               (syscalls that return only)
 *   EVENT.scope.KEY OP V1,...   a scope limited to EVENT's records
 *
 * EVENT is a catalog event, ARG one of its arguments (ktrail's own extra
 * ones included).  Integer arguments take = != < > <= >= and decimal,
 * 0x hex or negative values within their type's range; string arguments
 * (and a sockaddr, compared as its printed address: "127.0.0.1", a unix
 * path or "@abstract") take = and != with "exact", "prefix*", "*suffix"
 * and "*contains*"; a timespec compares its seconds as a decimal number;
 * a bool takes = and != with true, false, 1 or 0.
 * A duration (kt_duration_parse) is a whole or decimal number and a unit,
 * ns, us, ms or s; a bare number is nanoseconds: 10ms, 1.5us, 250.
 * Values are separated by ',' (a value cannot hold one).  Filters on one
 * event AND together; filters on different events are independent; the
 * scope applies to every event.  A filter names its event, so the CLI
 * selects every event kt_filter_has_event() reports.
 *
 * Duration filters (kt_filter_add_duration, one --duration argument
 * each; several AND): OP DURATION, one of = != < > <= >= and one value
 * ("'>10ms'").  They keep only the records with a duration that matches
 * (kt_record_duration: complete calls) of every event; they are no scope:
 * followed tasks do not bypass them and they do not decide what is
 * followed.  No duration filter goes to the kernel: a call's duration is
 * known at its exit, when its enter is already in the ring buffer.
 *
 * A filter on a value a record does not have (an argument its recipe
 * could not read, the return value of a call without an exit, the process
 * context when has_ctx is false, the duration of a record that is not a
 * complete call, pid 0, an empty comm, a namespace of 0)
 * does not match, whatever its operator.  Records of the pseudo event
 * lost_events always pass.
 */
#ifndef KTRAIL_FILTER_H
#define KTRAIL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktrail/catalog.h"
#include "ktrail/decode.h"	/* struct kt_kfield */
#include "ktrail/event.h"

struct kt_filter;

/* An empty filter (matches everything), or NULL with errno = ENOMEM. */
struct kt_filter *kt_filter_new(void);
void kt_filter_free(struct kt_filter *f);

/*
 * Add one --scope expression, or one event filter word.  Returns 0, or -1
 * with errno (EINVAL, ENOMEM) and a message in @err naming the expression
 * and the offending part, with the expression and a caret under that part
 * on two more lines:
 *
 *   filter "msgsnd.data.msqid=12x": bad number "12x" for msqid
 *     msgsnd.data.msqid=12x
 *                       ^
 *
 * The filter is unchanged on error.  Pass a whole option argument for an
 * event filter: its values may hold commas.
 */
int kt_filter_add_scope(struct kt_filter *f, const char *expr, char *err, size_t errlen);
int kt_filter_add_event(struct kt_filter *f, const char *expr, char *err, size_t errlen);
/*
 * One --duration expression; its messages name the option and the value
 * and say why, on one line:
 *
 *   --duration: '>10xs': unknown unit (use ns, us, ms or s)
 */
int kt_filter_add_duration(struct kt_filter *f, const char *expr, char *err, size_t errlen);

/* What an expression is: an -e filter word, a --scope, a --duration. */
enum kt_fkind { KT_FK_EVENT, KT_FK_SCOPE, KT_FK_DURATION };
/* kt_filter_add_event, _scope or _duration, by @kind. */
int kt_filter_add(struct kt_filter *f, enum kt_fkind kind, const char *expr, char *err,
		  size_t errlen);

/*
 * The duration in the @n bytes at @s, in nanoseconds: digits, optionally
 * '.' and more digits, then ns, us, ms, s or nothing (ns).  Returns 0, or
 * -1 with errno = EINVAL and *why saying what is wrong ("unknown unit
 * (use ns, us, ms or s)", "finer than a nanosecond", ...).
 */
int kt_duration_parse(const char *s, size_t n, uint64_t *ns, const char **why);

/* No scope, no event filter, no flag: every record passes. */
bool kt_filter_empty(const struct kt_filter *f);
/* @ev has filters of its own (so the CLI selects it). */
bool kt_filter_has_event(const struct kt_filter *f, const struct kt_event_def *ev);
/* @ev has argument filters (enter side) / return value filters (exit side). */
bool kt_filter_on_args(const struct kt_filter *f, const struct kt_event_def *ev);
/* Whether a filter of @ev tests its argument @i. */
bool kt_filter_on_arg(const struct kt_filter *f, const struct kt_event_def *ev, unsigned int i);
bool kt_filter_on_retval(const struct kt_filter *f, const struct kt_event_def *ev);

/* --scope follow */
bool kt_filter_follow(const struct kt_filter *f);
/* --scope pid=new */
bool kt_filter_new_only(const struct kt_filter *f);
/*
 * The process ids the scope is limited to: the values of its "pid=" terms
 * (several pid= options intersect), for set_event_pid.  NULL (and *n = 0)
 * when no pid= term limits the scope; non-NULL with *n = 0 when the terms
 * leave no process.  pid!=, pid<, ... terms are user space only.
 */
const int *kt_filter_pids(const struct kt_filter *f, unsigned int *n);

/* What the session knows of a record's process, beyond the record. */
enum kt_filter_flags {
	KT_FM_NEW = 1u << 0,		/* started after tracing began */
	KT_FM_FOLLOWED = 1u << 1,	/* descends from a process the scope matched */
};

/*
 * Does @r pass?  @flags: KT_FM_* (so `true` works for "is new").  With
 * follow, a KT_FM_FOLLOWED record passes the scope whatever it is (its
 * event filters still apply).  The session decides what is followed:
 * a process is when its parent matched kt_filter_scope_match() or was
 * itself followed.  NULL @f matches everything.
 */
bool kt_filter_match(const struct kt_filter *f, const struct kt_record *r, unsigned int flags);
/* Only the global scope (with pid=new), not the event filters. */
bool kt_filter_scope_match(const struct kt_filter *f, const struct kt_record *r,
			   unsigned int flags);

/*
 * The kernel filter for one tracepoint of @ev: the parts of @f the kernel
 * evaluates as user space does, joined with "&&", into @out (at most
 * @outlen - 1 characters; the kernel takes less than a page).  Returns
 * its length, 0 (and "") when nothing can go to the kernel (then write no
 * filter, or "0" to clear one), or -1 with errno = EINVAL.  A part that
 * does not fit is left to user space.
 *
 * @fields: what the tracepoint holds (syscalls/sys_enter_X: one per
 * syscall argument, size 8, signed 0; sys_exit_X: "ret", size 8, signed).
 * @exit_side: the tracepoint is the syscall's exit (sys_exit_X, a
 * kretprobe): only return value and scope parts go there; otherwise only
 * argument and scope parts.  For the 32-bit compat probes, whose
 * registers are not the native ABI's, pass no argument field.  Nothing
 * goes to a tracepoint shared by every event (@ev NULL: raw_syscalls,
 * where execve passes too) nor to a task event's (KT_EV_TASK: they feed
 * the process table).
 *
 * What goes to the kernel:
 *  - tid (threadId): common_pid, every operator;
 *  - comm: == and != for exact names, ~ "x*" and ~ "*x*" for = (the kernel
 *    compares current->comm when the event fires, user space the record's
 *    comm from the process table: they differ only around a rename);
 *    neither tid nor comm for execve, execveat and prctl, whose exit runs
 *    as another comm or thread id than their enter;
 *  - integer arguments: the field as wide as the value and of the same
 *    sign: every operator; of the other sign: = and != on the bit
 *    pattern.  An argument narrower than its field (an int in the 8-byte
 *    sys_enter slot) gets = and != only, with both the zero- and the sign-
 *    extended pattern when they differ ("== 0xffffffff || == 0xff..ff"
 *    for -1): user space compares the low bits as the kernel's own
 *    syscall code does, so = assumes that the upper bits are zero or the
 *    sign (the C library passes them so), while != is exact;
 *  - string arguments with a string field, not message bodies (user space
 *    cuts those): as comm;
 *  - retval: every operator, on the exit side, like an integer argument,
 *    unless the event has argument filters: one side only, or the enter
 *    left pending by a dropped exit would be paired with the lone exit of
 *    a later call whose enter was dropped.
 * Never: pid (a process id, not common_pid: the session uses
 * set_event_pid, which holds thread ids: every thread of each pid, with
 * event-fork for follow), ppid, uid, mntns, pidns, processorId, pid=new,
 * "*suffix" (the kernel compares a fixed-size string's tail, not its
 * end), wildcards with !=, sockaddr, timespec and bool arguments, and, with
 * follow, any global scope (followed descendants pass whatever they are).
 * An '=' list goes whole or not at all; of a '!=', '<' ... list the parts
 * that can.
 *
 * What the session must handle: when a kernel filter drops one side of a
 * call, the other side arrives alone.  An enter dropped by an argument
 * filter leaves its exit alone (a KT_ST_NO_ENTER record, no arguments);
 * an exit dropped by a retval filter leaves its enter pending until the
 * thread's next call or the end (KT_ST_NO_EXIT / KT_ST_UNFINISHED, no
 * return value).  The user-space pass drops both (the filter's values
 * are unknown there), but they are not losses: see kt_filter_on_args()
 * and kt_filter_on_retval() before counting them as such.
 */
int kt_filter_kernel(const struct kt_filter *f, const struct kt_event_def *ev,
		     const struct kt_kfield *fields, unsigned int nfields,
		     bool exit_side, char *out, size_t outlen);

/* One line per expression, as given ("scope: uid>=1000"), for check/debug. */
void kt_filter_describe(const struct kt_filter *f, char *buf, size_t len);

#endif
