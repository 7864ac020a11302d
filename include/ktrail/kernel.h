/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel side: tracefs discovery, the features of the running kernel,
 * the plan (which tracepoints produce each selected event here), and a
 * private instance that records everything it creates so that every exit
 * path removes it.
 */
#ifndef KTRAIL_KERNEL_H
#define KTRAIL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ktrail/catalog.h"
#include "ktrail/modes.h"
#include "ktrail/probe.h"

struct kt_features {
	char tracefs[256];	/* mount point in use */
	bool syscalls;		/* events/syscalls exists */
	bool raw_syscalls;	/* events/raw_syscalls exists */
	bool task_events;	/* task/task_newtask and task_rename */
	bool sched_exec;	/* sched/sched_process_exec */
	bool sched_exit;	/* sched/sched_process_exit */
	bool event_pid;		/* set_event_pid */
	bool notrace_pid;	/* set_event_notrace_pid */
	bool kprobe_events;	/* kprobe_events exists */
	struct kt_probe_feats probe;	/* from the README */
	char clock[16];		/* best synchronised trace clock */
	int compat_tasks;	/* 1: the kernel runs 32-bit tasks, 0: it cannot,
				 * -1: unknown (then assumed it can) */
	char compat_why[160];	/* why not, or how it was found */
	int ncpus;		/* CPUs with a per_cpu directory (max id + 1) */
	unsigned char online[128];	/* bitmap of online CPUs (1024) */
};

/*
 * Find tracefs (mounting it at /sys/kernel/tracing if it is not mounted)
 * and read the features.  Returns 0, or -1 with errno: ENOENT when the
 * kernel has no tracefs, EACCES/EPERM without the privilege.
 */
int kt_features_probe(struct kt_features *f);
/*
 * Can the kernel run 32-bit (compat) tasks?  1 yes, 0 no, -1 cannot tell;
 * @why says how.  Runs a tiny 32-bit program (x86_64).
 */
int kt_compat_probe(char *why, size_t len);

/* Was CPU @cpu online when the features were read?  A CPU that never
 * came online has a per_cpu directory but no buffer. */
bool kt_features_cpu_online(const struct kt_features *f, int cpu);

/* Is events/<sys>/<event> present? */
bool kt_features_has_event(const struct kt_features *f, const char *sys, const char *ev);
/* Does trace_clock list @clock?  @list (if not NULL) gets the names. */
bool kt_features_has_clock(const struct kt_features *f, const char *clock, char *list,
			   size_t listlen);

/* How one event is produced on this kernel. */
enum kt_recipe {
	KT_R_NONE,		/* cannot be produced here */
	KT_R_SYSCALL_TP,	/* syscalls/sys_enter_X + sys_exit_X */
	KT_R_KPROBE,		/* kprobe + kretprobe on the entry function */
	KT_R_TASK_TP,		/* a task or sched tracepoint (KT_EV_TASK) */
	KT_R_RAW_SYSCALLS,	/* raw_syscalls/sys_enter + sys_exit, filtered by
				 * the native number (the same pair as 32-bit
				 * tasks': the task's ABI picks the number table) */
};

struct kt_plan_entry {
	const struct kt_event_def *ev;
	enum kt_recipe recipe;	/* native tasks */
	bool compat;		/* 32-bit tasks via raw_syscalls */
	bool compat_wanted;	/* 32-bit tasks are to be traced */
	bool compat_kprobe;	/* 32-bit tasks via kprobes on the compat entry */
	char why[256];		/* reason when something is unavailable */
	struct kt_probe_def *probes;	/* the probes to create */
	unsigned int nprobes;
	char notes[768];	/* what the kprobe planner chose or why not */
};

struct kt_plan {
	struct kt_plan_entry *e;
	unsigned int n;
	bool compat;		/* raw_syscalls needed for 32-bit tasks */
	bool raw_native;	/* raw_syscalls needed for native tasks: some
				 * entry's recipe is KT_R_RAW_SYSCALLS */
	bool have_raw;		/* the kernel has raw_syscalls */
	bool have_syscall_tps;	/* ... and events/syscalls */
	enum kt_abi native, compat_abi;
};

/* A tracepoint that ktrail enables for what it tells the process table
 * or a lifecycle record, not for an event of its own. */
struct kt_plan_feed {
	const char *system;
	char name[64];
};
#define KT_PLAN_MAX_FEEDS 16

/* The calls whose success changes a task's context (uid, namespaces):
 * their exits are feeds. */
extern const char *const kt_ctx_calls[];
extern const unsigned int kt_nctx_calls;

/*
 * The feeds of plan @p on this kernel, once its recipes are final (after
 * the kprobes were created): the process table's (task_newtask,
 * task_rename, sched_process_exec, sched_process_exit), for a planned
 * sched_process_exit its causes (exit(2), exit_group(2), signal_deliver,
 * signal_generate), and the exits of the context calls; a syscall that
 * is traced as an event anyway is no feed.  Returns how many went to @out.
 */
unsigned int kt_plan_feeds(const struct kt_plan *p, const struct kt_features *f,
			   struct kt_plan_feed *out, unsigned int max);

/*
 * Plan every selected event (sel NULL: every catalog event): the syscall
 * tracepoints for native tasks, raw_syscalls where they are missing (a
 * kernel without CONFIG_FTRACE_SYSCALLS: kt_plan_probes puts kprobes
 * there instead where it can), raw_syscalls for 32-bit tasks.
 */
int kt_plan_make(const struct kt_features *f, const struct kt_selection *sel,
		 enum kt_compat_mode mode, struct kt_plan *p);
void kt_plan_free(struct kt_plan *p);
/*
 * Add the kprobe recipes to a plan: entry/exit kprobes where the syscall
 * tracepoints are missing (or for every event with KT_PROBES_KPROBE), on
 * the compat entry for 32-bit tasks, and the detail probes; with
 * KT_PROBES_RAW, raw_syscalls for every syscall event instead (detail
 * probes still read user memory).  Returns 0, or -1 with errno =
 * EOPNOTSUPP and @err set when KT_PROBES_KPROBE or KT_PROBES_RAW cannot be
 * honoured for an event.
 */
int kt_plan_probes(struct kt_plan *p, const struct kt_probe_env *env,
		   enum kt_probes_mode mode, char *err, size_t errlen);

struct tracefs_instance;

struct kt_instance {
	struct tracefs_instance *ti;
	char name[64];		/* ktrail_<pid>_<token> (kt_run_name_new) */
	char dir[512];
	bool created;
	int lock_fd;		/* the run's lock (kt_run_lock), -1: none */
	int lock_err;		/* why there is none (errno) */
	/* Held open by kt_instance_hold() for after privileges are dropped
	 * (-1: not held): tracing_on, and each CPU's stats. */
	int on_fd;
	int *stats_fd;
	int nstats;
};

struct kt_instance_opts {
	const pid_t *pids;	/* NULL: whole system */
	unsigned int npids;
	size_t buffer_kb;	/* per CPU, 0: kernel default */
	const char *clock;
	/* Neither pid list yet (a pid namespace: the kernel's pids are
	 * learnt from the instance first, kt_instance_follow/_notrace). */
	bool pids_later;
};

/*
 * Name the run (kt_run_name_new), take its lock (kt_run_lock: a run
 * without one, lock_fd -1 and lock_err set, still traces), create the
 * instance and configure it (tracing off).  On failure everything created
 * is removed.  Returns 0, or -1 with errno and a message in @err.
 */
int kt_instance_create(struct kt_instance *in, const struct kt_features *f,
		       const struct kt_instance_opts *o, char *err, size_t errlen);
/* Enable events/<sys>/<ev> with an optional filter. */
int kt_instance_enable(struct kt_instance *in, const char *sys, const char *ev,
		       const char *filter, char *err, size_t errlen);
int kt_instance_add_pids(struct kt_instance *in, const pid_t *pids, unsigned int n);
/* Trace only @pids (kernel pids) and their later children. */
int kt_instance_follow(struct kt_instance *in, const struct kt_features *f, const pid_t *pids,
		       unsigned int n, char *err, size_t errlen);
/* Trace every task but @self (a kernel pid), where the kernel can. */
int kt_instance_notrace(struct kt_instance *in, const struct kt_features *f, pid_t self,
			char *err, size_t errlen);

/*
 * Pid namespaces (pidns.c).  The kernel's events and pid filters hold
 * pids of the initial namespace.  kt_pidns_is_init(): is this process in
 * it (false when /proc cannot tell).  kt_proc_self_pid(): this process's
 * pid as /proc shows it (the namespace /proc was mounted in), -1 if none.
 * kt_instance_marker_open() turns tracing on, no event enabled yet, and
 * opens the trace_marker (each line written there is recorded with its
 * writer's kernel pid); kt_instance_marker_close() closes it, turns
 * tracing off, returns the instance's trace text (free it) and empties
 * the buffer; NULL with errno.  kt_marker_pid() finds in that text the
 * kernel pid of the task that wrote the line @tag: 0, or -1 (ENOENT).
 */
bool kt_pidns_is_init(void);
pid_t kt_proc_self_pid(void);
int kt_instance_marker_open(struct kt_instance *in);
char *kt_instance_marker_close(struct kt_instance *in, int fd);
int kt_marker_pid(const char *text, const char *tag, pid_t *pid);
int kt_instance_tracing(struct kt_instance *in, bool on);
/*
 * Open the files a trace still needs once ktrail has given up its
 * privileges (tracing_on, per_cpu/cpuN/stats): the two calls above and
 * below use them from then on.  Returns 0, or -1 with errno.
 */
int kt_instance_hold(struct kt_instance *in, int ncpus);
/* Close what kt_instance_hold() opened: an open file keeps the instance
 * busy, it cannot be removed while one is. */
void kt_instance_release(struct kt_instance *in);
/* Read the per-CPU "overrun" + "dropped events" statistics. */
int kt_instance_cpu_lost(struct kt_instance *in, int cpu, unsigned long long *lost);
/* Disable everything and remove the instance, close the lock (its file
 * stays: kt_remove_run, in the guard, removes it last).  Safe to call
 * twice. */
int kt_instance_destroy(struct kt_instance *in);

/* The kprobe events of one run, in the group named like its instance. */
struct tracefs_dynevent;
/* One probe's kprobe_profile counts. */
struct kt_probe_count {
	char event[64];
	unsigned long long hits, missed;
};
struct kt_probes {
	char group[64];
	struct tracefs_dynevent **ev;
	unsigned int n;
	int profile_fd;		/* kprobe_profile, held open; -1: not held */
	/* The counts when tracing started (kt_probes_mark): the profile's
	 * callback then gets what was counted since. */
	struct kt_probe_count *start;
	unsigned int nstart;
};

/*
 * Create @d (a kprobe, or a kretprobe) in ps->group.  Returns 0, or -1
 * with errno and, in @err, what the kernel's error_log says about it.
 */
int kt_probe_create(struct kt_probes *ps, const struct kt_probe_def *d, char *err, size_t errlen);
/* Remove every probe created (after the instance that enabled them).
 * Returns 0, or -1 if one could not be removed.  Safe to call twice. */
int kt_probes_destroy(struct kt_probes *ps);
/* Free the descriptions only (another process removed the probes). */
void kt_probes_forget(struct kt_probes *ps);
/* Hold kprobe_profile open (for kt_probes_profile after the drop). */
int kt_probes_hold(struct kt_probes *ps, const struct kt_features *f);
/*
 * Remember the group's counts now (tracing starts): kt_probes_profile
 * then reports what was counted since.  0, or -1 with errno.
 */
int kt_probes_mark(const struct kt_features *f, struct kt_probes *ps);
/*
 * The kprobe_profile line of each of the group's probes: @cb(event, hits,
 * missed), less the counts kt_probes_mark() saw (missed: a kretprobe out
 * of instances, a recursion; before 5.14 also a fault in the probe's
 * handler, such as its read through a NULL pointer, whose record is
 * written all the same).
 */
int kt_probes_profile(const struct kt_features *f, const struct kt_probes *ps,
		      void (*cb)(const char *event, unsigned long long hits,
				 unsigned long long missed, void *arg), void *arg);
/*
 * Parse kprobe_profile @text (modified): @cb for each probe of @group
 * ("<group>/<event> <hits> <missed>", or an older kernel's "<event> ...").
 */
void kt_profile_parse(char *text, const char *group,
		      void (*cb)(const char *event, unsigned long long hits,
				 unsigned long long missed, void *arg), void *arg);
/* @end less @start, 0 if @end is smaller (the counter was reset). */
unsigned long long kt_count_since(unsigned long long start, unsigned long long end);
/*
 * The misses of one probe that belong to this trace: the kernel counts
 * misses of every task, and (before 5.14) every fault in the handler as a
 * miss of each probe on the function, though the record was written.  A
 * miss of a call of this trace leaves a hole in it: a call without its
 * enter or exit, or without its detail values (@holes, counted from the
 * trace's own records).  The misses that made holes: the smaller of the
 * two.
 */
unsigned long long kt_probe_misses_owned(unsigned long long missed, unsigned long long holes);
/* The calls of an event without their detail values: @calls with an enter
 * less the @detailed ones (0 if more were detailed). */
unsigned long long kt_detail_holes(unsigned long long calls, unsigned long long no_enter,
				   unsigned long long detailed);
/* Read the symbols of /proc/kallsyms the recipes may use on @arch. */
struct kt_symset *kt_kallsyms_load(enum kt_abi arch);

/*
 * Runs: names and liveness (runlock.c).  A run is named
 * ktrail_<pid>_<token>: the pid as the run sees it (any pid namespace),
 * KT_RUN_TOKEN_LEN random hex digits.  Its instance and its kprobe group
 * bear that name (a valid event-system name, < 64 bytes).  The run and
 * its guard hold a lock on KT_RUN_DIR/<name>.lock all along: its objects
 * are stale exactly when nobody holds it.  Earlier ktrail builds named runs
 * ktrail_<pid> and had no lock (KT_RUN_LEGACY).
 */
#define KT_RUN_DIR "/run/ktrail"
#define KT_RUN_TOKEN_LEN 16

enum kt_run_kind {
	KT_RUN_OTHER,		/* not a ktrail run's name */
	KT_RUN_LEGACY,		/* ktrail_<pid> */
	KT_RUN_LOCKED,		/* ktrail_<pid>_<token> */
};

/* What @name is; @pid (if not NULL) gets its pid. */
enum kt_run_kind kt_run_name_kind(const char *name, pid_t *pid);
/* A new run's name for this process, in @buf (64 bytes are enough). */
void kt_run_name_new(char *buf, size_t len);
/*
 * Create KT_RUN_DIR/<name>.lock (and the directory) and lock it.  Returns
 * the file (O_CLOEXEC: a fork shares it, an exec does not), or -1 with
 * errno: EEXIST when the name is taken (take another).
 */
int kt_run_lock(const char *name);
/*
 * Is run @name over?  1: nobody holds its lock, *@fd now does (hold it
 * while its objects are removed, then kt_run_unlink and close); 0: a live
 * process holds it; -1 with errno: no lock file (ENOENT) or it cannot be
 * read: whether the run lives is not known.
 */
int kt_run_claim(const char *name, int *fd);
/* Remove KT_RUN_DIR/<name>.lock.  0 (also when it is not there), or -1. */
int kt_run_unlink(const char *name);
/* @cb(name) for each lock file of KT_RUN_DIR (a negative return stops). */
int kt_run_list_locks(int (*cb)(const char *name, void *arg), void *arg);

/* How long kt_remove_run tries while the objects are busy. */
#define KT_REMOVE_TRIES 40
#define KT_REMOVE_SECONDS 3

/*
 * Remove the instance @name, then the kprobes of group @name (never while
 * they are enabled: a busy one stays untouched), then the run's lock file;
 * whatever process made them.  While one is busy (the files of a process
 * that just died are still closing) try again, up to KT_REMOVE_TRIES times
 * in about KT_REMOVE_SECONDS.  Returns 0, or -1 with errno of what stays
 * (EBUSY: still busy); the lock file then stays too.
 */
int kt_remove_run(const struct kt_features *f, const char *name);

/*
 * Remove the objects of runs that are over: instances, kprobe groups and
 * lock files named ktrail_<pid>_<token> whose lock nobody holds; those of
 * older ktrails (ktrail_<pid>) only when no process has that pid, and only
 * if they are not in use (never stopped or disabled first).  What is live,
 * or whose liveness is not known (no lock file: a run of another mount
 * namespace's /run), is not touched.  @report is called with each object
 * removed (err 0) or that stays (errno): "ktrail_..." for an instance,
 * "probe GROUP/EVENT" for a kprobe.  Returns the count removed, or -1.
 */
int kt_cleanup_stale(const struct kt_features *f,
		     void (*report)(const char *name, int err, void *arg), void *arg);

#endif
