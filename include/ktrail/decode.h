/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoding raw ring-buffer events with libtraceevent.  Formats are parsed
 * once; each event's fields are resolved once when its format is added;
 * per record only offsets are read.
 */
#ifndef KTRAIL_DECODE_H
#define KTRAIL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktrail/catalog.h"
#include "ktrail/event.h"

enum kt_raw_kind {
	KT_RAW_NONE,		/* an event ktrail did not ask for */
	KT_RAW_ENTER,		/* syscalls/sys_enter_X or raw_syscalls/sys_enter */
	KT_RAW_EXIT,		/* syscalls/sys_exit_X or raw_syscalls/sys_exit */
	KT_RAW_NEWTASK,		/* task/task_newtask */
	KT_RAW_RENAME,		/* task/task_rename */
	KT_RAW_EXEC,		/* sched/sched_process_exec */
	KT_RAW_TASK_EXIT,	/* sched/sched_process_exit */
	KT_RAW_DETAIL,		/* a detail kprobe: values for the pending enter */
	KT_RAW_SIG_DELIVER,	/* signal/signal_deliver (exit causes) */
	KT_RAW_SIG_GENERATE,	/* signal/signal_generate (exit causes) */
	KT_RAW_MARKER,		/* ftrace/print: a trace_marker line */
};

/* One decoded kernel event, before pairing. */
struct kt_raw {
	enum kt_raw_kind kind;
	uint64_t ts;		/* trace clock, ns */
	int cpu;
	int tid;		/* common_pid: the thread */
	/* ENTER / EXIT */
	const struct kt_event_def *ev;	/* NULL for raw_syscalls: nr decides */
	bool raw;		/* from raw_syscalls (a 32-bit task candidate) */
	long nr;		/* syscall number (raw_syscalls and sys_enter_X) */
	uint64_t args[6];
	int64_t ret;
	/* ENTER / EXIT / DETAIL made by ktrail's kprobes */
	bool kprobe;
	bool compat;		/* the probe is on a 32-bit (compat) entry */
	bool any_abi;		/* DETAIL: on a function both ABIs reach */
	/* ENTER / DETAIL from a kprobe: values by argument index (set ==
	 * false: not read); strings point into the record. */
	struct kt_value vals[KT_MAX_ARGS];
	struct kt_sockaddr sa;	/* storage of the one sockaddr value */
	/* NEWTASK / RENAME / EXEC / TASK_EXIT */
	int pid;		/* the task concerned (child, renamed, exec'd) */
	int old_pid;		/* EXEC: the tid before exec (de_thread) */
	uint64_t clone_flags;
	char comm[16];		/* NEWTASK, RENAME: not NUL-terminated if 16 */
	const char *filename;	/* EXEC: points into the record */
	unsigned int filename_len;
	/* TASK_EXIT: group_dead (Linux 6.16+; -1 when the kernel lacks it) */
	int group_dead;
	/* SIG_DELIVER / SIG_GENERATE (pid: the target, group: to its
	 * process, result: 0 delivered) */
	int sig;
	uint64_t handler;	/* sa_handler: 0 SIG_DFL, 1 SIG_IGN */
	int group, result;
	/* MARKER: the text written (points into the record, not
	 * NUL-terminated; a final newline is left out) */
	const char *text;
	unsigned int text_len;
};

struct kt_decoder;

/* @long_size: the traced kernel's sizeof(long) (4 or 8); @big_endian. */
struct kt_decoder *kt_decoder_new(int long_size, bool big_endian);
void kt_decoder_free(struct kt_decoder *d);

/* The contents of events/header_page. */
int kt_decoder_header_page(struct kt_decoder *d, const char *buf, size_t len);
/*
 * Add one events/<sys>/<name>/format.  Events ktrail knows (syscall enter
 * and exit of catalog events, raw_syscalls, task and sched events) get a
 * role; others are parsed but decode as KT_RAW_NONE.  Returns 0, or -1
 * with errno = EINVAL when the format does not parse or lacks a field the
 * role needs.
 */
int kt_decoder_add_format(struct kt_decoder *d, const char *sys, const char *buf, size_t len);

/*
 * A decoder over events another library parsed (libtracecmd's handle of
 * a trace.dat): its word size and byte order, each event's role.  @tep
 * stays the caller's.
 */
struct tep_handle;
struct kt_decoder *kt_decoder_from_tep(struct tep_handle *tep);

/* Decode one event payload (as kbuffer_read_event returns it). */
int kt_decode(struct kt_decoder *d, const void *data, unsigned int size,
	      uint64_t ts, int cpu, struct kt_raw *out);

int kt_decoder_long_size(const struct kt_decoder *d);
bool kt_decoder_big_endian(const struct kt_decoder *d);

/* A field of a tracepoint or probe event, for kt_filter_kernel(). */
#define KT_KF_RET (-1)
struct kt_kfield {
	int arg;		/* catalog argument index, or KT_KF_RET */
	const char *name;	/* the event's field name (sys_enter_X: the kernel's name) */
	unsigned int size;	/* bytes: 1, 2, 4 or 8 */
	bool is_signed;		/* the format file's signed:1 */
	bool is_string;		/* a string the kernel compares: char[N], __data_loc
				 * char[], a probe's string/ustring; not a pointer */
};

/*
 * The fields a kernel filter of events/@sys/@name (added before) can use:
 * of a syscall enter, its arguments (arg = position); of an exit, "ret"
 * (arg = KT_KF_RET).  Returns how many were written to @out (at most
 * @max), 0 for other events or an unknown one.
 */
unsigned int kt_decoder_kfields(struct kt_decoder *d, const char *sys, const char *name,
				struct kt_kfield *out, unsigned int max);

/* A new kbuffer for this decoder's word size and endianness (one per
 * CPU cursor); free with kbuffer_free(). */
struct kbuffer;
struct kbuffer *kt_decoder_kbuffer_new(const struct kt_decoder *d);

#endif
