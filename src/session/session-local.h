/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the modes that trace (src/cmd/trace.c, record.c) and the report
 * (src/cmd/report.c, tracedat.c) share: one session's state and the
 * stages it runs.  Private to src/session/ and src/cmd/.
 *
 *   setup.c      privilege check, features, clock, plan, decoder, drop
 *   enable.c     events, kprobes, kernel filters, the rings
 *   target.c     the command, -p and the forks that follow
 *   signals.c    SIGINT/TERM/HUP stop, SIGCHLD wakes
 *   dispatch.c   one decoded event to pairing, the process table, records
 *   lifecycle.c  the process lifecycle records; the catalog rows used
 *   sink.c       outputs: open safely, write, flush, cut back on failure
 *   run.c        the trace: set up, loop, drain, tear down on every path
 *   select.c     what a report selects of what was recorded
 */
#ifndef KTRAIL_SESSION_LOCAL_H
#define KTRAIL_SESSION_LOCAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ktrail/cli.h"
#include "ktrail/cmd.h"
#include "ktrail/decode.h"
#include "ktrail/kernel.h"
#include "ktrail/merge.h"
#include "ktrail/pair.h"
#include "ktrail/priv.h"
#include "ktrail/proc.h"
#include "ktrail/ring.h"
#include "ktrail/writer.h"

#define SESS_PAGES_PER_ROUND 64		/* per CPU, bounds memory */

/* One CPU: its merge source and, live, its ring. */
struct sess_cpu {
	struct kt_page_src ps;
	struct kt_ring *ring;		/* NULL: no buffer here, or a report */
	bool capped;			/* data left in the kernel this round */
	uint64_t capped_ts;		/* base time of the last page read */
};

struct sess_output {
	struct kt_writer w;
	FILE *fp;
	bool is_std;
	bool seekable;		/* a regular file: cut back to whole rows on failure */
	bool failed;
	char *buf;		/* stdio buffer of a file output */
	off_t good;		/* file size at the last flush that succeeded:
				 * always the end of a whole row */
	const char *name;
};

struct session;

/*
 * What a mode that traces does differently (src/cmd/trace.c, record.c);
 * run.c does the rest.  Every hook may be NULL.
 */
struct sess_mode {
	const char *name;
	bool decodes;		/* events are decoded and written live */
	enum kt_reader reader;	/* what --reader auto means for this mode */
	/* Keep an event's format text (@buf, @len bytes) read during setup:
	 * 1 taken over, 0 not, -1 out of memory (@buf freed). */
	int (*keep_format)(struct session *s, const char *sys, char *buf, size_t len);
	/* Keep the header page: true when taken over. */
	bool (*keep_header_page)(struct session *s, char *buf, size_t len);
	/* Before the drop: open what the mode writes. */
	int (*open)(struct session *s, char *err, size_t errlen);
	/* Tracing runs, the command started. */
	void (*started)(struct session *s);
	/* One round of reading (*more: read again before sleeping). */
	int (*round)(struct session *s, bool *more);
	/* Tracing stopped: drain, summarize, close.  Returns 0, or -1 with
	 * @err set. */
	int (*finish)(struct session *s, struct kt_session_result *res, char *err,
		      size_t errlen);
	/* The first summary line, with the events lost in all and per CPU. */
	void (*summary)(struct session *s, unsigned long long lost, const char *per_cpu);
	/* Every exit path: release what open() made. */
	void (*close)(struct session *s);
};

struct session {
	const struct kt_opts *o;	/* as parsed: never written */
	const struct sess_mode *mode;	/* NULL in a report */
	const struct kt_selection *sel;	/* what is traced or reported */
	struct kt_filter *filter;	/* the filters that hold, or NULL */
	struct kt_features f;
	struct kt_plan plan;
	struct kt_instance in;
	struct kt_probes probes;
	struct kt_guard guard;	/* cleans up once this process gave up root */
	bool dropped;		/* root given up: cleanup is the guard's */
	bool signals_set;
	uid_t uid;		/* who ktrail becomes after setup */
	gid_t gid;
	unsigned int usable, unusable;	/* planned events that can be traced, not */
	struct kt_decoder *dec;
	struct kt_pairer *pair;
	struct kt_proc *proc;
	struct sess_cpu *cpus;
	int ncpus;
	struct kt_page_pool pool;	/* sub-buffer size, page copies */
	struct kt_evsrc **srcs;		/* the merge's view of cpus[] */
	struct kt_merge_sink sink;
	struct sess_output outs[KT_MAX_OUTPUTS];
	unsigned int nouts;
	const struct kt_event_def **cols;
	bool selected[KT_MAX_EVENTS];
	/* Process lifecycle events wanted, and the catalog rows involved. */
	bool want_fork, want_exec, want_exit;
	bool child_execd;	/* the command's child has exec'd it */
	unsigned int kfilters;	/* tracepoints given a kernel filter */
	unsigned long long filtered;	/* records the filters dropped in user space */
	const struct kt_event_def *ev_fork, *ev_exec, *ev_exit_task;
	const struct kt_event_def *ev_exit, *ev_exit_group;
	const struct kt_event_def *ev_ctx[7];	/* setuid ... unshare, setns */
	const struct kt_event_def *ev_forks[4];	/* clone, clone3, fork, vfork */
	const struct kt_event_def *ev_execve, *ev_execveat;
	const struct kt_event_def *ev_opens[7];	/* the calls that open a file by path */
	bool compat_on[KT_MAX_EVENTS];	/* 32-bit tasks' calls via raw_syscalls */
	bool raw_on[KT_MAX_EVENTS];	/* native tasks' calls via raw_syscalls */
	/* A task of unknown ABI in raw_syscalls is native: the kernel runs
	 * no 32-bit task, or no ABI can be told (a foreign /proc). */
	bool raw_assume_native;
	/* 32-bit tasks through raw_syscalls: the ABI helper (the process
	 * table's, or NULL) turns it on once one is known (enable.c). */
	struct kt_abi_helper *abi;
	bool compat_lazy;	/* raw_syscalls was off when tracing started */
	bool compat_released;	/* the helper gave its files back */
	bool compat_went_on;	/* ... and raw_syscalls had gone on */
	unsigned int compat_late;	/* tasks whose exec turned it on */
	unsigned int abi_nl_lost;	/* the helper's notifications dropped */
	unsigned long long late_marks;	/* their markers decoded */
	unsigned long long traced[KT_MAX_EVENTS][2];	/* complete records: native, 32-bit */
	/* The trace's own records, before the filters, for the kprobes'
	 * misses (sess_report_profile): calls of every state, those without
	 * their enter or exit, those a detail record filled. */
	unsigned long long calls[KT_MAX_EVENTS][2];
	unsigned long long no_enter[KT_MAX_EVENTS][2];
	unsigned long long no_exit[KT_MAX_EVENTS][2];
	unsigned long long detailed[KT_MAX_EVENTS][2];
	int64_t epoch;
	clockid_t clock_id;
	bool clock_known;
	/* command */
	pid_t child;		/* its pid here (waitpid) */
	pid_t child_k;		/* as the kernel's events hold it */
	bool child_abi_asked;	/* the ABI of its first exec was asked */
	enum kt_abi cmd_abi;	/* of the command's program, read at the start */
	int go_fd;
	bool child_done;
	int child_status;
	/* A pid namespace other than the initial one (kt_pidns_is_init):
	 * the kernel's pids are learnt from the instance (sess_pidns);
	 * with proc_foreign, /proc shows this namespace's pids, not the
	 * kernel's, and is not read at all. */
	bool pidns, proc_foreign;
	pid_t self_k;
	/* -p */
	pid_t *attach;
	unsigned int nattach;
	/* state */
	int write_err;		/* errno of the first output failure */
	char write_err_name[256];
	unsigned long long records, unattributed;
	char hostname[256];
	char machine[64];	/* a report: the recorded uname -m (flag values) */
	unsigned long long last_ts;	/* of the last event merged */
	struct sess_sorter *sorter;	/* --sort (sort.c), NULL: none */
	unsigned long long bad_pages;	/* live sub-buffers that failed the check */
};

/* signals.c */
extern volatile sig_atomic_t sess_stop;	/* the signal that stops the trace, or 0 */
int sess_signals_setup(void);
void sess_signals_restore(void);
int sess_signal_fd(void);		/* readable when a signal came */

/* sort.c: --sort holds records until nothing older can come */
int sess_sort_init(struct session *s);
int sess_sort_push(struct session *s, const struct kt_record *r);
int sess_sort_flush(struct session *s);	/* writes the rest, frees */

/* sink.c */
/* Write @r to every output now (the sorter's way out). */
int sess_write_record(struct session *s, const struct kt_record *r);
void sess_record_task(struct kt_record *r, struct kt_proc *proc, const struct kt_task *t);
int sess_emit_record(struct kt_record *r, void *arg);	/* a kt_pairer callback */
int sess_emit_lost(struct session *s, int cpu, uint64_t ts, long long count);
int sess_emit_late(struct session *s, int cpu, uint64_t ts, int tgid);
FILE *sess_open_output(struct session *s, const char *path, bool *seekable,
		       char *err, size_t errlen);
int sess_outputs_open(struct session *s, char *err, size_t errlen);
/* The time is @now (ns since the epoch) and every record that ends
 * before it was written: the summaries' intervals (kt_writer_tick). */
void sess_outputs_tick(struct session *s, uint64_t now);
void sess_outputs_flush(struct session *s);
void sess_outputs_close(struct session *s);
int sess_outputs_finish(struct session *s, struct kt_session_result *res, char *err,
			size_t errlen);
/* The message of the first write failure (@nouts: how many outputs). */
void sess_write_error(const struct session *s, unsigned int nouts, char *err, size_t errlen);
/* KT_EXIT_PIPE when an output's reader closed it, else KT_EXIT_ERROR. */
int sess_fail_status(const struct session *s);

/* dispatch.c: one decoded event; a loss before @ts on @cpu. */
void sess_handle_event(struct session *s, int cpu, const void *data, unsigned int size,
		       unsigned long long ts);
void sess_loss(struct session *s, int cpu, uint64_t ts, long long count);
/* The merge's sink, to these two. */
void sess_sink_init(struct session *s);

/* lifecycle.c */
void sess_lookup_events(struct session *s);
void sess_emit_fork(struct session *s, const struct kt_raw *raw);
void sess_emit_exec(struct session *s, const struct kt_raw *raw, const char *prev_comm);
void sess_emit_exit(struct session *s, const struct kt_raw *raw);
void sess_emit_hook(struct session *s, const struct kt_raw *raw);

/* setup.c */
int sess_features_error(char *err, size_t errlen);
int sess_plan_all(const struct kt_features *f, const struct kt_selection *sel,
		  enum kt_compat_mode compat, enum kt_probes_mode probes, struct kt_plan *plan,
		  unsigned int *nsyms, char *err, size_t errlen);
int sess_setup(struct session *s, char *err, size_t errlen);
int sess_decoder(struct session *s, char *err, size_t errlen);
int sess_clock_setup(struct session *s);
unsigned long long sess_clock_now(const struct session *s);
int sess_guard_start(struct session *s);
int sess_drop_privileges(struct session *s, char *err, size_t errlen);
int sess_report_user(struct session *s, char *err, size_t errlen);
bool sess_report_files(const struct kt_opts *o);
int sess_report_drop(struct session *s, char *err, size_t errlen);

/* enable.c */
int sess_probes_setup(struct session *s, char *err, size_t errlen);
void sess_warn_unreadable_filters(struct session *s);
int sess_enable_events(struct session *s, char *err, size_t errlen);
int sess_rings_open(struct session *s, char *err, size_t errlen);
int sess_cpus_alloc(struct session *s, int ncpus);
void sess_compat_release(struct session *s);
/* The ABI of the program -- COMMAND runs, before it runs (KT_ABI_NONE:
 * not known). */
enum kt_abi sess_command_abi(const struct session *s);
void sess_rings_close(struct session *s);

/* target.c */
int sess_collect_tree(pid_t root, pid_t **out, unsigned int *n, unsigned int *cap);
int sess_attach_late_forks(struct session *s);
pid_t sess_start_child(struct session *s, int marker_fd, const char *tag, char *err,
			size_t errlen);
int sess_pidns(struct session *s, char *err, size_t errlen);
/* Of @missed misses of kprobe @event, those that left a hole in this
 * trace's calls (the 5.10 kernel counts a fault in a handler whose
 * record was written as a miss); all of them if @event is not ktrail's. */
unsigned long long sess_probe_owned(const struct session *s, const char *event,
				    unsigned long long missed);
void sess_reap_child(struct session *s, bool block);
bool sess_attached_alive(const struct session *s);

/* run.c */
int sess_run(struct session *s, struct kt_session_result *res, char *err, size_t errlen);
void sess_report_lost(struct session *s, struct kt_session_result *res);
void sess_report_profile(struct session *s, struct kt_session_result *res);
void sess_report_late(const struct session *s, bool decoded);

/* select.c: what a report selects of what was recorded. */
int sess_report_select(const struct kt_opts *o, const bool *recorded, struct kt_selection *sel,
		       char *err, size_t errlen);

#endif
