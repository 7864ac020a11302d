/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A decoded, paired record: what every writer receives.  Writers never know
 * an event by name; they walk ev->args and the typed values.
 */
#ifndef KTRAIL_EVENT_H
#define KTRAIL_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "ktrail/catalog.h"

/* How much of a syscall was seen. */
enum kt_state {
	KT_ST_COMPLETE,		/* enter and exit seen: args and returnValue */
	KT_ST_UNFINISHED,	/* enter seen, still running when tracing stopped */
	KT_ST_NO_EXIT,		/* enter seen, its exit was lost */
	KT_ST_NO_ENTER,		/* exit seen, its enter was lost or predates tracing */
	KT_ST_NSTATES
};

const char *kt_state_name(enum kt_state st);
/* The name of errno @e ("ENOENT"), or NULL when this libc cannot say
 * (src/output/writer.c). */
const char *kt_errno_name(int e);

/* A decoded struct sockaddr (kprobe recipes fill it; see issue #3). */
struct kt_sockaddr {
	int family;		/* AF_* */
	uint16_t port;		/* host order; AF_INET/AF_INET6 */
	char addr[112];		/* printable address, unix path, or "@" and an abstract name (up to 108 bytes) */
};

struct kt_value {
	bool set;		/* false: the recipe cannot provide it: empty */
	union {
		int64_t i;	/* KT_T_INT, KT_T_LONG */
		uint64_t u;	/* KT_T_UINT, KT_T_ULONG, KT_T_U16, KT_T_PTR */
		double d;	/* KT_T_TIMESPEC, seconds */
	};
	const char *str;	/* KT_T_STR: raw bytes, not NUL-terminated */
	uint32_t len;		/* KT_T_STR: byte count */
	const struct kt_sockaddr *sa;	/* KT_T_SOCKADDR */
};

struct kt_record {
	uint64_t ts;		/* ns since the Unix epoch: entry time */
	uint64_t ts_exit;	/* ns since the Unix epoch: exit time, 0 if none */
	int cpu;		/* CPU of the entry (of the exit if no entry) */
	int pid;		/* process (thread group) id, 0 if unknown */
	int tid;		/* thread id */
	const char *comm;	/* process name, NUL-terminated, may be "" */
	/* Process context (issue #4), from the process table: has_ctx false
	 * when the task is unknown (the fields are then 0). */
	bool has_ctx;
	int ppid;		/* parentProcessId: the parent's process id */
	uint32_t uid;		/* userId: real uid */
	uint32_t mntns;		/* mountNamespace: inode of /proc/PID/ns/mnt, 0 unknown */
	uint32_t pidns;		/* pidNamespace: inode of /proc/PID/ns/pid, 0 unknown */
	uint32_t utsns;		/* the task's UTS namespace inode, 0 unknown */
	/* Tracee's view (JSON): the ids in the task's own pid namespace
	 * (has_nsids false: not known, the writer uses the host ids), the
	 * thread's start (ns since the epoch, 0 unknown), its cgroup v2 id,
	 * container id ("" none) and program path ("" unknown). */
	bool has_nsids;
	int ns_pid, ns_tid, ns_ppid;
	uint64_t start_ns;
	uint64_t cgroup_id;
	const char *container;
	const char *exe;
	const struct kt_event_def *ev;
	bool compat;		/* 32-bit task through the compat syscall ABI */
	enum kt_state state;
	bool has_ret;
	int64_t ret;		/* returnValue when has_ret */
	struct kt_value args[KT_MAX_ARGS];	/* ev->nargs of them */
};

/*
 * The call's duration, entry to exit, in nanoseconds: only a complete
 * syscall record with both times has one (not a record whose entry or
 * exit was lost or never came, not a NORETURN call, not a lifecycle or
 * pseudo event).  An exit stamped before its entry (a per-CPU clock such
 * as "local" when the task moved between CPUs) counts as 0.
 */
static inline bool kt_record_duration(const struct kt_record *r, uint64_t *ns)
{
	if (!r->ev || r->ev->kind != KT_EV_SYSCALL || r->state != KT_ST_COMPLETE ||
	    !r->ts_exit)
		return false;
	*ns = r->ts_exit > r->ts ? r->ts_exit - r->ts : 0;
	return true;
}

#endif
