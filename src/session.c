// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live pipeline: plan -> kernel setup -> per-CPU rings -> merge by
 * time -> decode -> pair/enrich -> writers, and removal of every kernel
 * object on every exit path (normal end, the command exiting, SIGINT,
 * SIGTERM, SIGHUP, errors during setup).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kbuffer.h>
#include <tracefs.h>
#ifdef HAVE_LIBTRACECMD
#include <trace-cmd.h>
#endif

#include "ktrail/decode.h"
#include "ktrail/filter.h"
#include "ktrail/pair.h"
#include "ktrail/proc.h"
#include "ktrail/recfile.h"
#include "ktrail/ring.h"
#include "ktrail/priv.h"
#include "ktrail/session.h"
#include "ktrail/util.h"
#include "ktrail/writer.h"

#define DEFAULT_BUFFER_KB 4096
#define POLL_MS 100
#define OUT_BUF (256 * 1024)
#define PAGES_PER_ROUND 64	/* per CPU, bounds memory */
#define MERGE_SLACK_NS 2000000ull	/* events this recent wait a round */
#define HOST_BE (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define REPORT_MAX_BUFFERS (1ull << 30)	/* sub-buffer memory a report may hold */

struct page {
	struct page *next;
	off_t off;		/* report: its place in the recording */
	unsigned int skip;
	uint64_t lost;
	unsigned char data[];
};

struct cpu_state {
	struct kt_ring *ring;
	int cpu;
	struct page *head, *tail;	/* copied sub-buffers, oldest first */
	struct kbuffer *kb;
	void *ev;			/* current event in head, or NULL */
	unsigned long long ev_ts;
	bool capped;			/* data left in the kernel this round */
	uint64_t capped_ts;		/* base time of the last page read */
	unsigned long long lost_stream;	/* losses the stream reported */
	long long loss;			/* to report before c->ev (-1: unknown) */
	uint64_t loss_ts;
	bool lost_unknown;
};

struct output {
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

struct session {
	const struct kt_opts *o;
	struct kt_features f;
	struct kt_plan plan;
	struct kt_instance in;
	struct kt_probes probes;
	struct kt_guard guard;	/* cleans up once this process gave up root */
	bool dropped;		/* root given up: cleanup is the guard's */
	uid_t uid;		/* who ktrail becomes after setup */
	gid_t gid;
	struct kt_decoder *dec;
	struct kt_pairer *pair;
	struct kt_proc *proc;
	struct cpu_state *cpus;
	int ncpus;
	size_t subbuf_size;
	struct page *free_pages;
	struct output outs[KT_MAX_OUTPUTS];
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
	bool compat_on[KT_MAX_EVENTS];
	unsigned long long traced[KT_MAX_EVENTS][2];	/* complete records: native, 32-bit */
	int64_t epoch;
	clockid_t clock_id;
	bool clock_known;
	/* command */
	pid_t child;
	int go_fd;
	bool child_done;
	int child_status;
	/* -p */
	pid_t *attach;
	unsigned int nattach;
	/* state */
	int write_err;		/* errno of the first output failure */
	char write_err_name[256];
	unsigned long long records, unattributed;
	char hostname[256];
	/* ktrail record: the descriptions kept during setup, the file. */
	bool recording;
	char *header_page;
	size_t header_page_len;
	struct rec_format { char sys[64]; char *text; size_t len; } *fmts;
	unsigned int nfmts;
	struct kt_recw rec;
	FILE *rec_fp;		/* written through its descriptor only */
	unsigned long long rec_pages, rec_bytes;
	/* ktrail report: the recording, the next page of each CPU. */
	struct kt_recr *rd;
	unsigned int *rd_next;
	unsigned long long rd_bad;	/* sub-buffers that failed the check */
	int rd_bad_cpu;
	off_t rd_bad_off;
	bool rd_read_err;
	uint64_t last_ts;	/* of the last event merged */
	bool reporting;		/* ktrail report (of either kind of file) */
	unsigned long long bad_pages;	/* live sub-buffers that failed the check */
};

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig != SIGCHLD)
		stop_signal = sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* full pipe: a wakeup is pending anyway */
	}
	errno = saved;
}

static const int handled_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };
static struct sigaction saved_sigs[KT_ARRAY_SIZE(handled_sigs)];

/*
 * Stop on INT, TERM and HUP (unless HUP was ignored, as under nohup), wake
 * on CHLD, and see EPIPE instead of dying of SIGPIPE.
 * The dispositions found are kept for the traced command.
 */
static int signals_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < KT_ARRAY_SIZE(handled_sigs); i++) {
		struct sigaction ign = { .sa_handler = SIG_IGN };

		if (sigaction(handled_sigs[i], NULL, &saved_sigs[i]) < 0)
			return -1;
		if (handled_sigs[i] == SIGPIPE) {
			sigemptyset(&ign.sa_mask);
			if (sigaction(SIGPIPE, &ign, NULL) < 0)
				return -1;
			continue;
		}
		/* nohup: an ignored SIGHUP stays ignored.  INT and TERM always
		 * stop a trace: shells start background jobs with SIGINT
		 * ignored, and those must still be stoppable. */
		if (handled_sigs[i] == SIGHUP && saved_sigs[i].sa_handler == SIG_IGN)
			continue;
		if (sigaction(handled_sigs[i], &sa, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Put back what ktrail found (also in the command before it runs). */
static void signals_restore(void)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(handled_sigs); i++)
		sigaction(handled_sigs[i], &saved_sigs[i], NULL);
}

/* ------------------------------------------------------------ outputs */

static void output_failed(struct session *s, struct output *out)
{
	out->failed = true;
	if (!s->write_err) {
		s->write_err = errno ? errno : EIO;
		snprintf(s->write_err_name, sizeof(s->write_err_name), "%s", out->name);
	}
}

static int emit_to_outputs(struct session *s, struct kt_record *r)
{
	if (s->write_err)
		return -1;
	for (unsigned int i = 0; i < s->nouts; i++) {
		if (kt_writer_event(&s->outs[i].w, r) < 0) {
			output_failed(s, &s->outs[i]);
			return -1;
		}
	}
	s->records++;
	return 0;
}

/* The process id, name and context of a record's task. */
static void record_task(struct kt_record *r, const struct kt_task *t)
{
	r->pid = t->tgid;
	r->comm = t->comm;
	r->has_ctx = t->has_ctx;
	r->ppid = t->ppid;
	r->uid = t->uid;
	r->mntns = t->mntns;
	r->pidns = t->pidns;
}

/* Pairer callback: add the process context and write. */
static int emit_record(struct kt_record *r, void *arg)
{
	struct session *s = arg;
	const struct kt_task *t;

	/* The command's child before its exec is ktrail's own code (the wait
	 * for tracing to start, execvp's search of PATH): not the command. */
	if (s->child > 0 && r->tid == s->child && !s->child_execd && s->f.sched_exec)
		return 0;
	t = kt_proc_get(s->proc, r->tid);

	if (t)
		record_task(r, t);
	else
		r->comm = "";
	if (s->o->filter) {
		unsigned int fl = (t && t->born ? KT_FM_NEW : 0) | (t && t->followed ? KT_FM_FOLLOWED : 0);

		if (!kt_filter_match(s->o->filter, r, fl)) {
			s->filtered++;
			return 0;
		}
	}
	if (r->state == KT_ST_COMPLETE)
		s->traced[r->ev - kt_events][r->compat]++;
	return emit_to_outputs(s, r);
}

static int emit_lost(struct session *s, int cpu, uint64_t ts, long long count)
{
	/* The command's exec may be among the lost: show its records rather
	 * than hide them all. */
	s->child_execd = true;
	struct kt_record r = {
		.ts = ts + s->epoch,
		.cpu = cpu,
		.comm = "",
		.ev = kt_lost_event(),
		.state = KT_ST_COMPLETE,
	};

	if (count > 0) {
		r.args[0].set = true;
		r.args[0].u = count;
	}
	return emit_to_outputs(s, &r);
}

/*
 * Create an output file safely: never through a symbolic link (one planted
 * in a shared directory would redirect root's writes), never over an
 * existing regular file unless --overwrite; an existing FIFO or device
 * (a pipe, /dev/stderr) is written as it is.  Returns the stream, or NULL
 * with @err set.
 */
static FILE *open_output(const struct session *s, const char *path, bool *seekable,
			 char *err, size_t errlen)
{
	/* With --user the file is opened as that user would (its checks,
	 * its ownership); otherwise as root. */
	uid_t u = s->o->user ? s->uid : 0;
	gid_t g = s->o->user ? s->gid : 0;
	bool overwrite = s->o->overwrite;
	int fd = kt_priv_open_as(u, g, path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				 0644);
	struct stat st;
	FILE *fp;

	*seekable = true;
	if (fd < 0 && errno == EEXIST && lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen, "output %s is a symbolic link: ktrail does not write "
				 "through one (give the path it points to)", path);
			return NULL;
		}
		if (S_ISREG(st.st_mode) && !overwrite) {
			snprintf(err, errlen, "output %s exists: ktrail does not replace a file "
				 "unless --overwrite is given", path);
			return NULL;
		}
		if (S_ISREG(st.st_mode)) {
			fd = kt_priv_open_as(u, g, path, O_RDWR | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0);
		} else if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
		} else {
			fd = kt_priv_open_as(u, g, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
			*seekable = false;
		}
	}
	if (fd < 0 || !(fp = fdopen(fd, *seekable ? "w+" : "w"))) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

static int outputs_open(struct session *s, char *err, size_t errlen)
{
	unsigned int n = 0;

	s->cols = calloc(kt_nevents, sizeof(*s->cols));
	if (!s->cols)
		return -1;
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (s->o->sel.on[i])
			s->cols[n++] = &kt_events[i];
	s->cols[n++] = kt_lost_event();
	/* A report names the recorded machine. */
	if (!s->reporting && gethostname(s->hostname, sizeof(s->hostname)) < 0)
		s->hostname[0] = '\0';
	for (unsigned int i = 0; i < s->o->noutputs; i++) {
		const struct kt_output *ko = &s->o->outputs[i];
		struct output *out = &s->outs[i];

		out->w.ops = kt_writer_find(ko->format);
		if (ko->path) {
			out->fp = open_output(s, ko->path, &out->seekable, err, errlen);
			if (!out->fp)
				return -1;
			/* glibc ignores the size unless it gets the buffer. */
			out->buf = malloc(OUT_BUF);
			if (out->buf)
				setvbuf(out->fp, out->buf, _IOFBF, OUT_BUF);
			out->name = ko->path;
		} else {
			out->fp = stdout;
			out->is_std = true;
			out->name = "standard output";
		}
		out->w.fp = out->fp;
		out->w.events = s->cols;
		out->w.nevents = n;
		out->w.hostname = s->hostname[0] ? s->hostname : NULL;
		out->w.raw = s->o->raw;
		s->nouts++;
		if (kt_writer_begin(&out->w) < 0 || fflush(out->fp) == EOF) {
			snprintf(err, errlen, "cannot write to %s: %s", out->name, strerror(errno));
			return -1;
		}
		if (out->seekable)
			out->good = ftello(out->fp);
	}
	return 0;
}

/*
 * After a failed write: the end of the last whole row in the file.  stdio
 * wrote full buffers by itself since the last flush that ktrail saw
 * succeed (out->good, a row boundary); from there, a row ends at a newline
 * outside a quoted CSV field (JSON and table rows hold no raw newline).
 */
static off_t last_whole_row(const struct output *out)
{
	bool csv = !strcmp(out->w.ops->name, "csv"), quoted = false;
	off_t end = out->good, pos = out->good;
	char buf[65536];
	ssize_t n;
	int fd = fileno(out->fp);

	while ((n = pread(fd, buf, sizeof(buf), pos)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (csv && buf[i] == '"')
				quoted = !quoted;
			else if (buf[i] == '\n' && !quoted)
				end = pos + i + 1;
		}
		pos += n;
	}
	return end;
}

static void outputs_flush(struct session *s)
{
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct output *out = &s->outs[i];

		if (out->failed)
			continue;
		if (fflush(out->fp) == EOF) {
			output_failed(s, out);
			continue;
		}
		if (out->seekable)
			out->good = ftello(out->fp);
	}
}

static void outputs_close(struct session *s)
{
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct output *out = &s->outs[i];

		if (!out->failed && kt_writer_end(&out->w) < 0) {
			output_failed(s, out);
		} else if (out->failed && out->w.priv) {
			/* Free the format's state; what it still writes goes
			 * nowhere (LeakSanitizer: a closed pipe's CSV state). */
			__fpurge(out->fp);
			kt_writer_end(&out->w);
		}
		if (!out->failed && out->seekable)
			out->good = ftello(out->fp);
		if (out->failed && out->seekable) {
			/* Drop the buffered part and cut the file back to the
			 * end of the last row that is whole on disk. */
			__fpurge(out->fp);
			if (ftruncate(fileno(out->fp), last_whole_row(out)) < 0) {
				/* the message already names the write error */
			}
		}
		if (!out->is_std) {
			if (fclose(out->fp) == EOF && !out->failed)
				output_failed(s, out);
			free(out->buf);
			out->buf = NULL;
		} else if (!out->failed && fflush(out->fp) == EOF) {
			output_failed(s, out);
		}
	}
	s->nouts = 0;
	free(s->cols);
	s->cols = NULL;
}

/* Close the outputs at the end of a run: -1 with @err naming the first
 * write failure, else the records written go to @res. */
static int outputs_finish(struct session *s, struct kt_session_result *res, char *err,
			  size_t errlen)
{
	outputs_close(s);
	if (s->write_err) {
		snprintf(err, errlen, "writing %s: %s", s->write_err_name, strerror(s->write_err));
		return -1;
	}
	res->records = s->records;
	return 0;
}

/* ------------------------------------------------------------- decode */

/*
 * What a syscall tells the process table, whatever recipe saw it and
 * whether or not it was selected: the status exit(2)/exit_group(2) end
 * with, a task's credentials or namespaces changing, the command's exec.
 */
static void syscall_feeds(struct session *s, const struct kt_raw *raw,
			  const struct kt_event_def *ev)
{
	if (!ev)
		return;
	if (raw->kind == KT_RAW_ENTER && (ev == s->ev_exit || ev == s->ev_exit_group)) {
		kt_proc_exit_call(s->proc, raw->tid, (long)raw->args[0], ev == s->ev_exit_group);
		return;
	}
	if (raw->kind != KT_RAW_EXIT || raw->ret != 0)
		return;
	for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_ctx); i++)
		if (ev == s->ev_ctx[i])
			kt_proc_ctx_stale(s->proc, raw->tid);
	/* The command's exec succeeded (also when its sched_process_exec
	 * was lost). */
	if (raw->tid == s->child && (ev == s->ev_execve || ev == s->ev_execveat))
		s->child_execd = true;
}

/* Pair one syscall event of @ev; exit and exit_group never return. */
static void pair_syscall(struct session *s, const struct kt_raw *raw,
			 const struct kt_event_def *ev, bool compat)
{
	if (raw->kind == KT_RAW_ENTER) {
		kt_pair_enter(s->pair, raw, ev, compat);
		if (ev == s->ev_exit || ev == s->ev_exit_group)
			kt_pair_noreturn(s->pair, raw->tid);
	} else {
		kt_pair_exit(s->pair, raw, ev, compat);
	}
}

static void handle_syscall(struct session *s, const struct kt_raw *raw)
{
	const struct kt_event_def *ev = raw->ev;
	bool compat = false;

	if (raw->raw) {
		/* raw_syscalls: only 32-bit tasks' calls, known by their ABI. */
		enum kt_abi abi = kt_proc_abi(s->proc, raw->tid);

		if (abi != s->plan.compat_abi) {
			if (abi == KT_ABI_NONE)
				s->unattributed++;
			return;
		}
		ev = kt_event_by_nr(s->plan.compat_abi, raw->nr);
		syscall_feeds(s, raw, ev);
		if (!ev || !s->compat_on[ev - kt_events])
			return;
		compat = true;
	} else {
		syscall_feeds(s, raw, ev);
		if (!ev || !s->selected[ev - kt_events])
			return;
	}
	/* A new task's first return, from the clone that made it: the call
	 * is its parent's (Tracee shows it once). */
	if (raw->kind == KT_RAW_EXIT && raw->ret == 0 && !kt_pair_in_call(s->pair, raw->tid)) {
		for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_forks); i++)
			if (s->ev_forks[i] && ev == s->ev_forks[i])
				return;
	}
	pair_syscall(s, raw, ev, compat);
}

/* A string value pointing at @len bytes of @p. */
static void str_val(struct kt_value *v, const char *p, size_t len)
{
	v->set = true;
	v->str = p;
	v->len = (uint32_t)len;
}

static void int_val(struct kt_value *v, int64_t i)
{
	v->set = true;
	v->i = i;
}

/* Process lifecycle records: made in the task's context at the time of
 * the tracepoint (the process table is already up to date). */
static void emit_fork(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->tid,
		.ev = s->ev_fork, .state = KT_ST_COMPLETE,
	};
	const struct kt_task *parent = kt_proc_get(s->proc, raw->tid);
	int ppid = parent ? parent->tgid : 0;
	const struct kt_task *child = kt_proc_get(s->proc, raw->pid);

	int_val(&r.args[0], raw->tid);
	if (ppid)
		int_val(&r.args[1], ppid);
	int_val(&r.args[2], raw->pid);
	if (child && child->tgid)
		int_val(&r.args[3], child->tgid);
	r.args[4].set = true;
	r.args[4].u = raw->clone_flags;
	str_val(&r.args[5], raw->comm, strnlen(raw->comm, sizeof(raw->comm)));
	emit_record(&r, s);
}

static void emit_exec(struct session *s, const struct kt_raw *raw, const char *prev_comm)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->pid,
		.ev = s->ev_exec, .state = KT_ST_COMPLETE,
	};

	str_val(&r.args[0], raw->filename, raw->filename_len);
	str_val(&r.args[1], prev_comm, strlen(prev_comm));
	int_val(&r.args[2], raw->old_pid);
	emit_record(&r, s);
}

static void emit_exit(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->pid,
		.ev = s->ev_exit_task, .state = KT_ST_COMPLETE,
	};
	int status, sig;

	if (kt_proc_exit_cause(s->proc, raw->pid, &status, &sig)) {
		int_val(&r.args[0], status);
		int_val(&r.args[1], sig);
	}
	if (raw->group_dead >= 0) {
		r.args[2].set = true;
		r.args[2].u = (uint64_t)raw->group_dead;
	}
	emit_record(&r, s);
}

/* A kernel-function event (security_file_open): its kprobe's values, and
 * the path the thread's pending open call was given. */
static void emit_hook(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->tid,
		.ev = raw->ev, .state = KT_ST_COMPLETE,
	};
	int sp = kt_arg_index(raw->ev, "syscall_pathname");

	for (unsigned int i = 0; i < raw->ev->nargs && i < KT_MAX_ARGS; i++)
		r.args[i] = raw->vals[i];
	if (sp >= 0 && !r.args[sp].set) {
		const struct kt_event_def *pev = NULL;
		const struct kt_value *v = kt_pair_pending_val(s->pair, raw->tid, "pathname", &pev);
		bool open_call = false;

		for (size_t i = 0; pev && i < KT_ARRAY_SIZE(s->ev_opens); i++)
			open_call |= pev == s->ev_opens[i];
		if (v && v->str && open_call)
			r.args[sp] = *v;
	}
	emit_record(&r, s);
}

/* --scope follow: a child is followed when its parent matched the scope
 * or was followed itself. */
static void follow_fork(struct session *s, const struct kt_raw *raw)
{
	const struct kt_task *p = kt_proc_get(s->proc, raw->tid);
	struct kt_record r = { .tid = raw->tid, .ev = s->ev_fork, .state = KT_ST_COMPLETE };

	if (!p)
		return;
	if (!p->followed) {
		record_task(&r, p);
		if (!kt_filter_scope_match(s->o->filter, &r, p->born ? KT_FM_NEW : 0))
			return;
	}
	kt_proc_set_followed(s->proc, raw->pid);
}

static void handle_event(struct session *s, int cpu, void *data, unsigned int size,
			 unsigned long long ts)
{
	struct kt_raw raw;

	if (kt_decode(s->dec, data, size, ts, cpu, &raw) < 0)
		return;
	switch (raw.kind) {
	case KT_RAW_ENTER:
	case KT_RAW_EXIT:
		if (raw.kprobe && raw.ev && raw.ev->kind == KT_EV_KPROBE) {
			emit_hook(s, &raw);
			break;
		}
		if (!raw.kprobe) {
			handle_syscall(s, &raw);
		} else {
			syscall_feeds(s, &raw, raw.ev);
			pair_syscall(s, &raw, raw.ev, raw.compat);
		}
		break;
	case KT_RAW_DETAIL:
		kt_pair_detail(s->pair, &raw, raw.ev, raw.compat, raw.any_abi);
		break;
	case KT_RAW_NEWTASK:
		kt_proc_newtask(s->proc, raw.tid, raw.pid, raw.clone_flags, raw.comm);
		if (s->o->filter && kt_filter_follow(s->o->filter))
			follow_fork(s, &raw);
		if (s->want_fork)
			emit_fork(s, &raw);
		break;
	case KT_RAW_RENAME:
		kt_proc_rename(s->proc, raw.pid, raw.comm);
		break;
	case KT_RAW_EXEC: {
		char prev[17] = "";
		const struct kt_task *t;

		/* exec renamed the task (task_rename) before this tracepoint. */
		if (s->want_exec && (t = kt_proc_get(s->proc, raw.pid)))
			memcpy(prev, t->prev_comm[0] ? t->prev_comm : t->comm, sizeof(prev));
		kt_proc_exec(s->proc, raw.pid, raw.old_pid, raw.filename, raw.filename_len);
		if (raw.pid == s->child)
			s->child_execd = true;
		if (s->want_exec)
			emit_exec(s, &raw, prev);
		break;
	}
	case KT_RAW_TASK_EXIT:
		if (s->want_exit)
			emit_exit(s, &raw);
		/* A call the thread is still in never returns (its exit was
		 * lost or filtered out in the kernel). */
		kt_pair_thread_gone(s->pair, raw.pid);
		kt_proc_exit(s->proc, raw.pid);
		break;
	case KT_RAW_SIG_DELIVER:
		kt_proc_signal_deliver(s->proc, raw.tid, raw.sig, raw.handler);
		break;
	case KT_RAW_SIG_GENERATE:
		if (raw.result == 0)
			kt_proc_signal_generate(s->proc, raw.pid, raw.sig, raw.group);
		break;
	default:
		break;
	}
}

/* -------------------------------------------------------------- merge */

static struct page *page_get(struct session *s)
{
	struct page *p = s->free_pages;

	if (p) {
		s->free_pages = p->next;
		return p;
	}
	return malloc(sizeof(*p) + s->subbuf_size);
}

static void page_put(struct session *s, struct page *p)
{
	p->next = s->free_pages;
	s->free_pages = p;
}

/*
 * Events were lost on @cpu before @ts: write the marker, and give up on
 * the syscalls entered before it whose exit has not been seen: their
 * exit may be among the lost, and pairing them with a later exit of the
 * same syscall would make a record that never happened.  They are
 * written as no_exit; an exit that does come later is written no_enter.
 */
static void loss_report(struct session *s, int cpu, uint64_t ts, long long count)
{
	emit_lost(s, cpu, ts, count);
	kt_pair_abandon(s->pair, ts);
}

/* report: the next sub-buffer of @c's CPU from the recording. */
static void rd_fill(struct session *s, struct cpu_state *c)
{
	unsigned int i = s->rd_next[c->cpu];
	const struct kt_rec_page *rp;
	struct page *p;

again:
	if (c->cpu >= s->rd->ncpus || i >= s->rd->npages[c->cpu])
		return;
	p = page_get(s);
	if (!p)
		return;
	rp = &s->rd->pages[c->cpu][i];
	s->rd_next[c->cpu]++;
	if (kt_recr_page(s->rd, c->cpu, i, p->data, s->subbuf_size) < 0) {
		s->rd_read_err = true;
		if (!s->rd_bad++) {
			s->rd_bad_cpu = c->cpu;
			s->rd_bad_off = rp->off;
		}
		page_put(s, p);
		i++;
		goto again;
	}
	p->off = rp->off;
	p->skip = rp->skip;
	p->lost = rp->lost;
	p->next = NULL;
	if (c->tail)
		c->tail->next = p;
	else
		c->head = p;
	c->tail = p;
}

/* report: a sub-buffer that fails kt_subbuf_valid() is skipped, counted
 * and named at the end. */
static void rd_bad_page(struct session *s, struct cpu_state *c, const struct page *p)
{
	if (!s->rd_bad++) {
		s->rd_bad_cpu = c->cpu;
		s->rd_bad_off = p->off;
	}
}

/*
 * A CPU's cursor: when c->ev is set, the head page is loaded in c->kb and
 * c->ev is its next event; when it is NULL, no page is loaded.  Load pages
 * until there is an event or no page left.
 */
static void cursor_load(struct session *s, struct cpu_state *c)
{
	int long_size = kt_decoder_long_size(s->dec);
	bool be = kt_decoder_big_endian(s->dec);

	if (!c->head && s->rd)
		rd_fill(s, c);
	while (!c->ev && c->head) {
		struct page *p = c->head;

		/* A commit length past the sub-buffer is not walked. */
		if (kt_subbuf_valid(p->data, s->subbuf_size, long_size, be) &&
		    kbuffer_load_subbuffer(c->kb, p->data) == 0) {
			long long missed = kt_subbuf_missed(p->data, s->subbuf_size, long_size, be);
			uint64_t base = kbuffer_subbuf_timestamp(c->kb, p->data);

			/* The mapping's count, or the header's flags (and
			 * maybe a count): -1 lost, count unknown. */
			long long lost = p->lost ? (long long)p->lost : missed;

			if (lost > 0)
				c->lost_stream += lost;
			else if (lost < 0)
				c->lost_unknown = true;
			c->ev = kbuffer_read_event(c->kb, &c->ev_ts);
			while (c->ev && (unsigned int)kbuffer_curr_index(c->kb) < p->skip)
				c->ev = kbuffer_next_event(c->kb, &c->ev_ts);
			if (lost && c->ev) {
				/* Reported by merge() in time order. */
				c->loss = lost;
				c->loss_ts = base;
			} else if (lost) {
				loss_report(s, c->cpu, base, lost);
			}
		} else if (s->rd) {
			rd_bad_page(s, c, p);
		} else {
			s->bad_pages++;	/* live: said in the summary */
		}
		if (!c->ev) {
			c->head = p->next;
			if (!c->head)
				c->tail = NULL;
			page_put(s, p);
			if (!c->head && s->rd)
				rd_fill(s, c);
		}
	}
}

/* Step past the current event. */
static void cursor_next(struct session *s, struct cpu_state *c)
{
	c->ev = kbuffer_next_event(c->kb, &c->ev_ts);
	if (!c->ev) {
		struct page *p = c->head;

		c->head = p->next;
		if (!c->head)
			c->tail = NULL;
		page_put(s, p);
		cursor_load(s, c);
	}
}

/* Read up to PAGES_PER_ROUND sub-buffers of one CPU.  Returns pages read
 * or -1. */
static int cpu_fill(struct session *s, struct cpu_state *c)
{
	int n = 0;

	c->capped = false;
	while (n < PAGES_PER_ROUND) {
		struct page *p = page_get(s);
		unsigned int skip;
		uint64_t lost;
		int r;

		if (!p)
			return -1;
		r = kt_ring_next(c->ring, p->data, &skip, &lost);
		if (r <= 0) {
			page_put(s, p);
			if (r < 0)
				return -1;
			return n;
		}
		p->skip = skip;
		p->lost = lost;
		p->next = NULL;
		c->capped_ts = *(uint64_t *)p->data;
		if (c->tail)
			c->tail->next = p;
		else
			c->head = p;
		c->tail = p;
		if (!c->ev)
			cursor_load(s, c);
		n++;
	}
	c->capped = true;
	return n;
}

/* Emit every event older than @limit, in time order across CPUs. */
static void merge(struct session *s, unsigned long long limit)
{
	for (;;) {
		struct cpu_state *best = NULL;

		for (int i = 0; i < s->ncpus; i++) {
			struct cpu_state *c = &s->cpus[i];

			if (!c->ring && !s->rd)
				continue;
			if (c->ev && (!best || c->ev_ts < best->ev_ts))
				best = c;
		}
		if (!best || best->ev_ts >= limit || s->write_err)
			return;
		if (best->loss) {
			/* Before the first event after a loss. */
			loss_report(s, best->cpu, best->loss_ts, best->loss);
			best->loss = 0;
		}
		s->last_ts = best->ev_ts;
		if (kt_event_in_subbuf(best->head->data, s->subbuf_size, best->ev,
				       kbuffer_event_size(best->kb)))
			handle_event(s, best->cpu, best->ev, kbuffer_event_size(best->kb),
				     best->ev_ts);
		cursor_next(s, best);
	}
}

static unsigned long long clock_now(struct session *s)
{
	struct timespec ts;

	if (!s->clock_known || clock_gettime(s->clock_id, &ts) < 0)
		return ~0ull;
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * One round: read what is there on every CPU, emit what is safely old.
 * *more: a CPU had more than a round's worth (read again before sleeping);
 * in the final drain, anything was read at all.
 */
static int round_once(struct session *s, bool final, bool *more)
{
	unsigned long long limit = ~0ull;
	unsigned long long now = final ? ~0ull : clock_now(s);
	bool capped = false;
	int total = 0;

	for (int i = 0; i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];
		int n;

		if (!c->ring)
			continue;
		n = cpu_fill(s, c);
		if (n < 0)
			return -1;
		total += n;
		capped |= c->capped;
	}
	if (!final && now != ~0ull)
		limit = now > MERGE_SLACK_NS ? now - MERGE_SLACK_NS : 0;
	/* A CPU with more in the kernel holds everyone back to where it is,
	 * in the final drain too: its older events are still to come. */
	for (int i = 0; i < s->ncpus; i++)
		if (s->cpus[i].capped && s->cpus[i].capped_ts < limit)
			limit = s->cpus[i].capped_ts;
	merge(s, limit);
	/* Partial sub-buffers are not worth a tight loop: sleep in poll()
	 * until the kernel's watermark (buffer_percent) or the timeout. */
	*more = final ? total > 0 : capped;
	return 0;
}

/* ----------------------------------------------------------- record */

static void rec_failed(struct session *s)
{
	if (!s->write_err) {
		s->write_err = s->rec.err ? s->rec.err : EIO;
		snprintf(s->write_err_name, sizeof(s->write_err_name), "%s", s->o->record_path);
	}
}

/*
 * ktrail record: every sub-buffer goes to the file as the kernel wrote
 * it, with no decoding and no per-event work: only its header is read
 * (its length, and the loss flags for the summary).  Returns the pages
 * written, or -1; *@more: a CPU had more than a round's worth.
 */
static int rec_round(struct session *s, bool *more)
{
	int long_size = kt_decoder_long_size(s->dec);
	int total = 0;

	*more = false;
	for (int i = 0; i < s->ncpus && !s->write_err; i++) {
		struct cpu_state *c = &s->cpus[i];
		int n = 0;

		if (!c->ring)
			continue;
		while (n < PAGES_PER_ROUND) {
			unsigned int skip;
			uint64_t lost;
			size_t used;
			long long missed;
			/* Straight into the writer's buffer: one copy. */
			void *pb = kt_recw_page_buf(&s->rec, s->subbuf_size);
			int r;

			if (!pb) {
				rec_failed(s);
				break;
			}
			r = kt_ring_next(c->ring, pb, &skip, &lost);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
			/* The kernel recorded is this machine: its byte order. */
			used = kt_subbuf_used(pb, s->subbuf_size, long_size, HOST_BE);
			missed = lost ? (long long)lost :
				 kt_subbuf_missed(pb, s->subbuf_size, long_size, HOST_BE);
			if (missed > 0)
				c->lost_stream += missed;
			else if (missed < 0)
				c->lost_unknown = true;
			if (kt_recw_page_commit(&s->rec, i, skip, lost, used) < 0) {
				rec_failed(s);
				break;
			}
			s->rec_pages++;
			s->rec_bytes += KT_REC_CHUNK_HDR + used;
			n++;
		}
		total += n;
		*more |= n == PAGES_PER_ROUND;
	}
	if (!s->write_err && kt_recw_flush(&s->rec) < 0)
		rec_failed(s);
	return total;
}

static void meta_list(FILE *m, const char *key, const bool *on)
{
	char *text = NULL;
	size_t len = 0;
	FILE *l = open_memstream(&text, &len);

	if (!l)
		return;
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (on[i])
			fprintf(l, "%s%s", ftell(l) ? "," : "", kt_events[i].name);
	fclose(l);
	kt_rec_meta_put(m, key, text ? text : "");
	free(text);
}

/* What the reader needs to decode and present the pages as ktrail would
 * have live: the kernel, the layout, the clock, the selection. */
static int rec_meta(struct session *s)
{
	char *text = NULL, v[256];
	size_t len = 0;
	struct utsname u;
	FILE *m = open_memstream(&text, &len);
	int r;

	if (!m)
		return -1;
	kt_rec_meta_put(m, "ktrail_version", KT_VERSION);
	if (uname(&u) == 0) {
		kt_rec_meta_put(m, "kernel_release", u.release);
		kt_rec_meta_put(m, "kernel_version", u.version);
		kt_rec_meta_put(m, "machine", u.machine);
	}
	kt_rec_meta_put(m, "hostname", s->hostname);
	snprintf(v, sizeof(v), "%d", kt_decoder_long_size(s->dec));
	kt_rec_meta_put(m, "long_size", v);
	kt_rec_meta_put(m, "big_endian", __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? "1" : "0");
	snprintf(v, sizeof(v), "%ld", sysconf(_SC_PAGESIZE));
	kt_rec_meta_put(m, "page_size", v);
	snprintf(v, sizeof(v), "%zu", s->subbuf_size);
	kt_rec_meta_put(m, "subbuf_size", v);
	snprintf(v, sizeof(v), "%d", s->ncpus);
	kt_rec_meta_put(m, "ncpus", v);
	kt_rec_meta_put(m, "clock", s->f.clock);
	snprintf(v, sizeof(v), "%lld", (long long)s->epoch);
	kt_rec_meta_put(m, "epoch_ns", v);
	{
		enum kt_reader kind = KT_READER_READ;

		for (int i = 0; i < s->ncpus; i++)
			if (s->cpus[i].ring)
				kind = kt_ring_kind(s->cpus[i].ring);
		kt_rec_meta_put(m, "reader", kt_reader_name(kind));
	}
	kt_rec_meta_put(m, "instance", s->in.name);
	meta_list(m, "events", s->o->sel.on);
	meta_list(m, "named", s->o->sel.named);
	meta_list(m, "compat_events", s->compat_on);
	snprintf(v, sizeof(v), "%d", (int)s->plan.compat_abi);
	kt_rec_meta_put(m, "compat_abi", v);
	snprintf(v, sizeof(v), "%s%s%s", s->want_fork ? "fork," : "", s->want_exec ? "exec," : "",
		 s->want_exit ? "exit," : "");
	kt_rec_meta_put(m, "lifecycle", v);
	kt_rec_meta_put(m, "sched_exec", s->f.sched_exec ? "1" : "0");
	snprintf(v, sizeof(v), "%d", (int)(s->child > 0 ? s->child : 0));
	kt_rec_meta_put(m, "command_pid", v);
	if (s->o->argv) {
		char *cmd = NULL;
		size_t cl = 0;
		FILE *c = open_memstream(&cmd, &cl);

		if (c) {
			for (char **a = s->o->argv; *a; a++)
				fprintf(c, "%s%s", a == s->o->argv ? "" : " ", *a);
			fclose(c);
			kt_rec_meta_put(m, "command", cmd ? cmd : "");
			free(cmd);
		}
	}
	for (unsigned int i = 0; i < s->o->npids; i++) {
		snprintf(v, sizeof(v), "pid.%u", i);
		{
			char n[32];

			snprintf(n, sizeof(n), "%d", (int)s->o->pids[i]);
			kt_rec_meta_put(m, v, n);
		}
	}
	for (unsigned int i = 0; i < s->o->nfexprs; i++) {
		snprintf(v, sizeof(v), "%s.%u", s->o->fscope[i] ? "scope" : "filter", i);
		kt_rec_meta_put(m, v, s->o->fexprs[i]);
	}
	{
		time_t now = time(NULL);
		struct tm tm;

		if (gmtime_r(&now, &tm) && strftime(v, sizeof(v), "%Y-%m-%dT%H:%M:%SZ", &tm))
			kt_rec_meta_put(m, "started", v);
	}
	fclose(m);
	r = kt_recw_chunk(&s->rec, KT_REC_META, text, len, NULL, 0);
	free(text);
	if (r < 0)
		rec_failed(s);
	return r;
}

/* The descriptions known at setup: header page, formats, probes, tasks. */
static int rec_open(struct session *s, char *err, size_t errlen)
{
	bool seekable;
	char *text = NULL;
	size_t tlen = 0;
	FILE *m;

	if (gethostname(s->hostname, sizeof(s->hostname)) < 0)
		s->hostname[0] = '\0';
	s->rec_fp = open_output(s, s->o->record_path, &seekable, err, errlen);
	if (!s->rec_fp)
		return -1;
	if (kt_recw_begin(&s->rec, s->rec_fp) < 0 || rec_meta(s) < 0 ||
	    kt_recw_chunk(&s->rec, KT_REC_HEADER_PAGE, s->header_page, s->header_page_len,
			  NULL, 0) < 0)
		goto fail;
	for (unsigned int i = 0; i < s->nfmts; i++)
		if (kt_recw_chunk(&s->rec, KT_REC_FORMAT, s->fmts[i].sys, strlen(s->fmts[i].sys) + 1,
				  s->fmts[i].text, s->fmts[i].len) < 0)
			goto fail;
	/* The kprobes as they were created, for the reader's information. */
	m = open_memstream(&text, &tlen);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < s->probes.n; i++) {
		char *sys = NULL, *ev = NULL, *prefix = NULL, *addr = NULL, *fmt = NULL;

		if (tracefs_dynevent_info(s->probes.ev[i], &sys, &ev, &prefix, &addr, &fmt) !=
		    TRACEFS_DYNEVENT_UNKNOWN)
			fprintf(m, "%s:%s/%s %s%s%s\n", prefix ? prefix : "?", sys ? sys : "",
				ev ? ev : "", addr ? addr : "", fmt && *fmt ? " " : "", fmt ? fmt : "");
		free(sys);
		free(ev);
		free(prefix);
		free(addr);
		free(fmt);
	}
	fclose(m);
	if (tlen && kt_recw_chunk(&s->rec, KT_REC_PROBES, text, tlen, NULL, 0) < 0) {
		free(text);
		goto fail;
	}
	free(text);
	text = NULL;
	/* The process table as ktrail found it at the start. */
	m = open_memstream(&text, &tlen);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	kt_proc_dump(s->proc, m, s->plan.compat, false);
	fclose(m);
	if (kt_recw_chunk(&s->rec, KT_REC_TASKS, text, tlen, NULL, 0) < 0) {
		free(text);
		goto fail;
	}
	free(text);
	if (kt_recw_flush(&s->rec) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", s->o->record_path,
		 strerror(s->rec.err ? s->rec.err : s->write_err ? s->write_err : ENOMEM));
	return -1;
}

static void stats_profile(const char *event, unsigned long long hits,
			  unsigned long long missed, void *arg)
{
	char key[160], v[96];

	snprintf(key, sizeof(key), "kprobe.%s", event);
	snprintf(v, sizeof(v), "hits=%llu missed=%llu", hits, missed);
	kt_rec_meta_put(arg, key, v);
}

/* The end: the kernel's per-CPU loss counts and the kprobes' misses,
 * then END. */
static void rec_finish(struct session *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (s->write_err)
		return;
	m = open_memstream(&text, &len);
	if (!m)
		return;
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];
		unsigned long long k = 0;
		char key[32], v[64];

		if (!c->ring)
			continue;
		if (kt_instance_cpu_lost(&s->in, i, &k) < 0)
			k = 0;
		snprintf(key, sizeof(key), "cpu%d", i);
		snprintf(v, sizeof(v), "kernel_lost=%llu stream_lost=%llu%s", k, c->lost_stream,
			 c->lost_unknown ? " unknown=1" : "");
		kt_rec_meta_put(m, key, v);
	}
	if (s->probes.n)
		kt_probes_profile(&s->f, &s->probes, stats_profile, m);
	fclose(m);
	if (kt_recw_chunk(&s->rec, KT_REC_STATS, text, len, NULL, 0) < 0 ||
	    kt_recw_chunk(&s->rec, KT_REC_END, NULL, 0, NULL, 0) < 0 ||
	    kt_recw_flush(&s->rec) < 0)
		rec_failed(s);
	free(text);
}

/* Close the recording; after a failed write, cut it back to its last
 * whole chunk (the reader reports it as incomplete). */
static void rec_close(struct session *s)
{
	if (!s->rec_fp)
		return;
	if (s->write_err) {
		if (ftruncate(fileno(s->rec_fp), s->rec.good) < 0) {
			/* the message already names the write error */
		}
	}
	if (fclose(s->rec_fp) == EOF && !s->write_err) {
		s->rec.err = errno;
		rec_failed(s);
	}
	s->rec_fp = NULL;
	kt_recw_end(&s->rec);
}

/* ------------------------------------------------------------- setup */

static int clock_setup(struct session *s)
{
	struct timespec rt, ck;

	if (!strcmp(s->f.clock, "boot"))
		s->clock_id = CLOCK_BOOTTIME;
	else if (!strcmp(s->f.clock, "mono"))
		s->clock_id = CLOCK_MONOTONIC;
	else
		s->clock_id = CLOCK_MONOTONIC;	/* local/global: close to it */
	s->clock_known = !strcmp(s->f.clock, "boot") || !strcmp(s->f.clock, "mono");
	if (clock_gettime(CLOCK_REALTIME, &rt) < 0 || clock_gettime(s->clock_id, &ck) < 0)
		return -1;
	s->epoch = ((int64_t)rt.tv_sec - ck.tv_sec) * 1000000000ll + (rt.tv_nsec - ck.tv_nsec);
	return 0;
}

static int add_format(struct session *s, const char *sys, const char *ev, char *err, size_t errlen)
{
	char path[1024];
	size_t len;
	char *buf;
	int r;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", s->in.dir, sys, ev);
	buf = kt_read_file(path, &len);
	if (!buf) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	r = kt_decoder_add_format(s->dec, sys, buf, len);
	if (r < 0) {
		snprintf(err, errlen, "cannot parse the format of %s/%s", sys, ev);
		free(buf);
		return r;
	}
	if (s->recording) {
		/* Kept for the recording (once per event). */
		struct rec_format *f;

		for (unsigned int i = 0; i < s->nfmts; i++) {
			if (!strcmp(s->fmts[i].sys, sys) && s->fmts[i].len == len &&
			    !memcmp(s->fmts[i].text, buf, len)) {
				free(buf);
				return 0;
			}
		}
		f = realloc(s->fmts, (s->nfmts + 1) * sizeof(*f));
		if (!f) {
			free(buf);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->fmts = f;
		f = &s->fmts[s->nfmts++];
		snprintf(f->sys, sizeof(f->sys), "%s", sys);
		f->text = buf;
		f->len = len;
		return 0;
	}
	free(buf);
	return r;
}

static int enable(struct session *s, const char *sys, const char *ev, const char *filter,
		  char *err, size_t errlen)
{
	if (kt_instance_enable(&s->in, sys, ev, filter, err, errlen) < 0)
		return -1;
	return add_format(s, sys, ev, err, errlen);
}

/* A syscall whose every call the process table needs (exit causes,
 * context changes): its tracepoints get no kernel filter. */
static bool is_feed(const struct session *s, const struct kt_event_def *ev)
{
	if (ev == s->ev_exit || ev == s->ev_exit_group)
		return s->want_exit;
	for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_ctx); i++)
		if (ev == s->ev_ctx[i])
			return true;
	return false;
}

/*
 * A syscall tracepoint of @ev, with the part of the filters the kernel
 * can evaluate (filter.h).  A filter the kernel refuses is left to user
 * space, with a warning.
 */
static int enable_syscall(struct session *s, const char *name, const struct kt_event_def *ev,
			  char *err, size_t errlen)
{
	char filter[2048] = "";
	struct kt_kfield kf[8];
	unsigned int n;
	bool exit_side = !strncmp(name, "sys_exit_", 9);

	/* KTRAIL_TEST_NO_KFILTER (tests/live/filters.sh): user space only,
	 * to show that both give the same records. */
	if (!s->o->filter || getenv("KTRAIL_TEST_NO_KFILTER") || is_feed(s, ev))
		return enable(s, "syscalls", name, NULL, err, errlen);
	if (add_format(s, "syscalls", name, err, errlen) < 0)
		return -1;
	n = kt_decoder_kfields(s->dec, "syscalls", name, kf, KT_ARRAY_SIZE(kf));
	/* Arguments only where the kernel's fields are the catalog's. */
	if (!exit_side && n != ev->npos)
		n = 0;
	if (kt_filter_kernel(s->o->filter, ev, kf, n, exit_side, filter, sizeof(filter)) <= 0)
		filter[0] = '\0';
	if (filter[0]) {
		if (kt_instance_enable(&s->in, "syscalls", name, filter, err, errlen) == 0) {
			s->kfilters++;
			if (getenv("KTRAIL_DEBUG_FILTERS"))
				fprintf(stderr, "ktrail: filter syscalls/%s: %s\n", name, filter);
			return 0;
		}
		fprintf(stderr, "ktrail: the kernel refused the filter '%s' on syscalls/%s (%s); "
			"it is applied in user space only\n", filter, name, err);
	}
	return kt_instance_enable(&s->in, "syscalls", name, NULL, err, errlen);
}

/* Forget the probes of one role pair: they will not be enabled. */
static void drop_probes(struct kt_plan_entry *e, bool compat, bool base)
{
	for (unsigned int j = 0; j < e->nprobes; j++) {
		struct kt_probe_def *d = &e->probes[j];

		if (d->compat == compat && (base ? d->role != KT_PR_DETAIL : d->role == KT_PR_DETAIL))
			d->event[0] = '\0';
	}
}

/*
 * Create the plan's kprobes.  One the kernel rejects is named with the
 * kernel's error_log text; the event falls back to what tracepoints give
 * (with --probes kprobe: an error).  Returns 0, -1, or -2 (unsupported).
 */
static int probes_setup(struct session *s, char *err, size_t errlen)
{
	/* Test hooks (tests/kernels): a fetch argument no kernel accepts, on
	 * the probe named, to see the kernel's rejection handled; and
	 * EVENT=SYMBOL, to put a probe on a function the compiler inlined. */
	const char *bad = getenv("KTRAIL_TEST_BAD_FETCH");
	const char *move = getenv("KTRAIL_TEST_PROBE_SYMBOL");

	snprintf(s->probes.group, sizeof(s->probes.group), "%s", s->in.name);
	s->probes.profile_fd = -1;
	for (unsigned int i = 0; i < s->plan.n; i++) {
		struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int j = 0; j < e->nprobes; j++) {
			struct kt_probe_def *d = &e->probes[j];
			char msg[1024], tp[128];

			if (!d->event[0])
				continue;	/* its entry or exit was rejected */
			if (stop_signal)
				return 0;
			if (bad && !strcmp(bad, d->event)) {
				size_t n = strlen(d->fetch);

				snprintf(d->fetch + n, sizeof(d->fetch) - n, " bad=+0(%%nosuchreg):u32");
			}
			if (move && !strncmp(move, d->event, strlen(d->event)) &&
			    move[strlen(d->event)] == '=')
				snprintf(d->symbol, sizeof(d->symbol), "%s", move + strlen(d->event) + 1);
			if (kt_probe_create(&s->probes, d, msg, sizeof(msg)) == 0)
				continue;
			if (s->o->probes == KT_PROBES_KPROBE && d->role != KT_PR_DETAIL) {
				snprintf(err, errlen, "--probes kprobe: %s: %s", e->ev->name, msg);
				return -2;
			}
			if (d->role == KT_PR_DETAIL) {
				fprintf(stderr, "ktrail: %s: %s; its user-memory arguments stay empty\n",
					e->ev->name, msg);
				d->event[0] = '\0';
				continue;
			}
			drop_probes(e, d->compat, true);
			if (d->compat) {
				e->compat_kprobe = false;
				e->compat = s->f.raw_syscalls;
				s->plan.compat |= e->compat;
				fprintf(stderr, "ktrail: %s: %s; 32-bit tasks %s\n", e->ev->name, msg,
					e->compat ? "through raw_syscalls instead" : "are not traced");
			} else {
				snprintf(tp, sizeof(tp), "sys_enter_%s", e->ev->tp);
				e->recipe = kt_features_has_event(&s->f, "syscalls", tp) ?
					    KT_R_SYSCALL_TP : KT_R_NONE;
				fprintf(stderr, "ktrail: %s: %s; %s\n", e->ev->name, msg,
					e->recipe ? "syscall tracepoints instead" : "it is not traced");
			}
		}
	}
	return 0;
}

/* A filter on a value no recipe reads here (a string without kprobes)
 * can match nothing: say so before tracing. */
static void warn_unreadable_filters(struct session *s)
{
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int a = 0; a < e->ev->nargs; a++) {
			const struct kt_arg_def *ad = &e->ev->args[a];
			bool user = ad->extra || ad->type == KT_T_STR || ad->type == KT_T_SOCKADDR ||
				    ad->type == KT_T_TIMESPEC;
			bool read = false;

			if (e->ev->kind != KT_EV_SYSCALL || !user ||
			    !kt_filter_on_arg(s->o->filter, e->ev, a))
				continue;
			for (unsigned int j = 0; j < e->nprobes; j++) {
				const struct kt_probe_def *d = &e->probes[j];
				const char *p = d->event[0] ? strstr(d->fetch, ad->name) : NULL;

				if (p && (p == d->fetch || p[-1] == ' ' || p[-1] == '(') &&
				    (p[strlen(ad->name)] == '=' || p[strlen(ad->name)] == '_' ||
				     p[strlen(ad->name)] == ','))
					read = true;
			}
			if (!read)
				fprintf(stderr, "ktrail: %s.data.%s: this kernel gives no %s (only a "
					"kprobe reads it: see 'ktrail check -e %s'); the filter matches "
					"no %s record\n", e->ev->name, ad->name, ad->name, e->ev->name,
					e->ev->name);
		}
	}
}

static int enable_events(struct session *s, char *err, size_t errlen)
{
	char *filter = NULL;
	size_t flen = 0;
	FILE *fm;

	/* The process table's feeds. */
	if (s->f.task_events) {
		if (enable(s, "task", "task_newtask", NULL, err, errlen) < 0 ||
		    enable(s, "task", "task_rename", NULL, err, errlen) < 0)
			return -1;
	}
	if (s->f.sched_exec && enable(s, "sched", "sched_process_exec", NULL, err, errlen) < 0)
		return -1;
	if (s->f.sched_exit && enable(s, "sched", "sched_process_exit", NULL, err, errlen) < 0)
		return -1;

	fm = open_memstream(&filter, &flen);
	if (!fm) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];
		char enter[128], exit_[128];

		if (e->recipe == KT_R_SYSCALL_TP) {
			snprintf(enter, sizeof(enter), "sys_enter_%s", e->ev->tp);
			snprintf(exit_, sizeof(exit_), "sys_exit_%s", e->ev->tp);
			if (enable_syscall(s, enter, e->ev, err, errlen) < 0 ||
			    enable_syscall(s, exit_, e->ev, err, errlen) < 0) {
				fclose(fm);
				free(filter);
				return -1;
			}
			s->selected[e->ev - kt_events] = true;
		}
		if (e->compat) {
			fprintf(fm, "%sid == %d", ftell(fm) ? " || " : "",
				e->ev->nr[s->plan.compat_abi]);
			s->compat_on[e->ev - kt_events] = true;
		}
	}
	fclose(fm);
	/* sched_process_exit's causes: exit(2), exit_group(2) and signals. */
	if (s->want_exit) {
		static const char *const feeds[][2] = {
			{ "syscalls", "sys_enter_exit" },
			{ "syscalls", "sys_enter_exit_group" },
			{ "signal", "signal_deliver" },
			{ "signal", "signal_generate" },
		};

		for (size_t i = 0; i < KT_ARRAY_SIZE(feeds); i++) {
			const struct kt_event_def *ev = i == 0 ? s->ev_exit : i == 1 ? s->ev_exit_group : NULL;

			if ((ev && s->selected[ev - kt_events]) ||
			    !kt_features_has_event(&s->f, feeds[i][0], feeds[i][1]))
				continue;
			if (enable(s, feeds[i][0], feeds[i][1], NULL, err, errlen) < 0) {
				free(filter);
				return -1;
			}
		}
	}
	/* The process context's changes: a task's uid or namespaces (read
	 * again from /proc when the call succeeded). */
	for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_ctx); i++) {
		char name[64];

		if (!s->ev_ctx[i] || s->selected[s->ev_ctx[i] - kt_events])
			continue;
		snprintf(name, sizeof(name), "sys_exit_%s", s->ev_ctx[i]->tp);
		if (!kt_features_has_event(&s->f, "syscalls", name))
			continue;
		if (enable(s, "syscalls", name, NULL, err, errlen) < 0) {
			free(filter);
			return -1;
		}
	}
	/* ktrail's kprobes (those the kernel accepted). */
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		for (unsigned int j = 0; j < e->nprobes; j++) {
			if (!e->probes[j].event[0])
				continue;
			if (enable(s, s->probes.group, e->probes[j].event, NULL, err, errlen) < 0) {
				free(filter);
				return -1;
			}
		}
	}
	if (flen) {
		/* 32-bit tasks: raw_syscalls, filtered in the kernel by number. */
		if (enable(s, "raw_syscalls", "sys_enter", filter, err, errlen) < 0 ||
		    enable(s, "raw_syscalls", "sys_exit", filter, err, errlen) < 0) {
			free(filter);
			return -1;
		}
	}
	free(filter);
	return 0;
}

static int rings_open(struct session *s, char *err, size_t errlen)
{
	s->cpus = calloc(s->f.ncpus, sizeof(*s->cpus));
	if (!s->cpus)
		return -1;
	s->ncpus = s->f.ncpus;
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];
		char path[1024];

		c->cpu = i;
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d", s->in.dir, i);
		if (access(path, F_OK) < 0 || !kt_features_cpu_online(&s->f, i))
			continue;	/* absent, or never online: no buffer */
		c->ring = kt_ring_open(s->in.dir, i, s->o->reader);
		if (!c->ring) {
			if (s->o->reader == KT_READER_MMAP) {
				snprintf(err, errlen,
					 "--reader mmap: this kernel cannot map trace_pipe_raw (cpu%d: %s); "
					 "the ring-buffer mapping needs Linux 6.10 or later, "
					 "use --reader read or auto", i, strerror(errno));
				return -2;
			}
			snprintf(err, errlen, "cannot open %s/trace_pipe_raw: %s", path,
				 strerror(errno));
			return -1;
		}
		if (kt_ring_subbuf_size(c->ring) > s->subbuf_size)
			s->subbuf_size = kt_ring_subbuf_size(c->ring);
		c->kb = kt_decoder_kbuffer_new(s->dec);
		if (!c->kb)
			return -1;
	}
	return 0;
}

static void rings_close(struct session *s)
{
	struct page *p;

	for (int i = 0; s->cpus && i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];

		while ((p = c->head)) {
			c->head = p->next;
			free(p);
		}
		if (c->kb)
			kbuffer_free(c->kb);
		kt_ring_close(c->ring);
	}
	free(s->cpus);
	s->cpus = NULL;
	while ((p = s->free_pages)) {
		s->free_pages = p->next;
		free(p);
	}
}

/* Every thread of @pid and every descendant, for set_event_pid. */
static int collect_tree(pid_t root, pid_t **out, unsigned int *n, unsigned int *cap)
{
	char path[128];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)root);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char cpath[256];
		char *kids, *p;
		pid_t tid;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		tid = atoi(de->d_name);
		if (*n == *cap) {
			pid_t *nb = realloc(*out, (*cap ? *cap * 2 : 64) * sizeof(**out));

			if (!nb) {
				closedir(d);
				return -1;
			}
			*out = nb;
			*cap = *cap ? *cap * 2 : 64;
		}
		(*out)[(*n)++] = tid;
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%d/children", (int)root, (int)tid);
		kids = kt_read_file(cpath, NULL);
		for (p = kids; p && *p;) {
			char *end;
			long k = strtol(p, &end, 10);

			if (end == p)
				break;
			collect_tree(k, out, n, cap);
			p = end;
		}
		free(kids);
	}
	closedir(d);
	return 0;
}

/*
 * Threads and children forked between the /proc walk and the pid filter
 * taking effect are not in the filter, nor will their children be: walk
 * again and add them until a walk finds nothing new.
 */
static int attach_late_forks(struct session *s)
{
	for (int round = 0; round < 16; round++) {
		pid_t *now = NULL;
		unsigned int n = 0, cap = 0, added = 0;

		for (unsigned int i = 0; i < s->o->npids; i++)
			collect_tree(s->o->pids[i], &now, &n, &cap);
		for (unsigned int i = 0; i < n; i++) {
			bool known = false;

			for (unsigned int j = 0; j < s->nattach && !known; j++)
				known = s->attach[j] == now[i];
			if (known)
				continue;
			if (kt_instance_add_pids(&s->in, &now[i], 1) < 0) {
				free(now);
				return -1;
			}
			kt_proc_scan(s->proc, now[i]);
			added++;
		}
		free(s->attach);
		s->attach = now;
		s->nattach = n;
		if (!added)
			return 0;
	}
	return 0;
}

static pid_t start_child(struct session *s, char *err, size_t errlen)
{
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		signals_restore();
		/* Wait until ktrail traces this pid (or gives up: EOF). */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(s->o->argv[0], s->o->argv);
		fprintf(stderr, "ktrail: cannot run '%s': %s\n", s->o->argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	s->go_fd = go[1];
	s->child = pid;
	return pid;
}

static void reap_child(struct session *s, bool block)
{
	int st;
	pid_t r;

	if (s->child <= 0 || s->child_done)
		return;
	do {
		r = waitpid(s->child, &st, block ? 0 : WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == s->child) {
		s->child_done = true;
		s->child_status = st;
	}
}

static bool attached_alive(struct session *s)
{
	for (unsigned int i = 0; i < s->o->npids; i++)
		if (kill(s->o->pids[i], 0) == 0 || errno == EPERM)
			return true;
	return false;
}

static void report_stale(const char *name, int e, void *arg)
{
	const struct session *s = arg;

	if (s->o->quiet && !e)
		return;
	const char *what = strncmp(name, "probe ", 6) ? "instance " : "";

	if (e)
		fprintf(stderr, "ktrail: cannot remove stale %s%s: %s\n", what, name, strerror(e));
	else
		fprintf(stderr, "ktrail: removed %s%s left by a ktrail that died\n", what, name);
}

static int features_error(char *err, size_t errlen)
{
	if (errno == ENOENT) {
		snprintf(err, errlen,
			 "no tracefs: this kernel has no tracing support (CONFIG_FTRACE) "
			 "or it cannot be mounted at /sys/kernel/tracing");
		return KT_EXIT_UNSUPPORTED;
	}
	if (errno == EACCES || errno == EPERM) {
		snprintf(err, errlen,
			 "permission denied on tracefs: ktrail needs root "
			 "(CAP_SYS_ADMIN and access to /sys/kernel/tracing)");
		return KT_EXIT_ERROR;
	}
	snprintf(err, errlen, "tracefs: %s", strerror(errno));
	return KT_EXIT_ERROR;
}

/* --------------------------------------------------------------- run */

static int session_round(struct session *s, bool *more)
{
	if (s->recording)
		return rec_round(s, more) < 0 ? -1 : 0;
	return round_once(s, false, more);
}

static int session_loop(struct session *s)
{
	struct pollfd *pfd = calloc(s->ncpus + 1, sizeof(*pfd));
	int n = 0;
	bool any;

	if (!pfd)
		return -1;
	pfd[n].fd = sig_pipe[0];
	pfd[n++].events = POLLIN;
	for (int i = 0; i < s->ncpus; i++) {
		if (!s->cpus[i].ring)
			continue;
		pfd[n].fd = kt_ring_fd(s->cpus[i].ring);
		pfd[n++].events = POLLIN;
	}
	while (!stop_signal && !s->write_err) {
		char drain[64];

		if (poll(pfd, n, POLL_MS) < 0 && errno != EINTR)
			break;
		while (read(sig_pipe[0], drain, sizeof(drain)) > 0)
			;
		if (session_round(s, &any) < 0) {
			free(pfd);
			return -1;
		}
		while (any && !stop_signal && !s->write_err) {
			/* More may be waiting: keep reading before sleeping. */
			if (session_round(s, &any) < 0) {
				free(pfd);
				return -1;
			}
		}
		outputs_flush(s);
		reap_child(s, false);
		if (s->child > 0 && s->child_done)
			break;
		if (s->o->npids && !attached_alive(s))
			break;
	}
	free(pfd);
	return 0;
}

static void report_lost(struct session *s, struct kt_session_result *res)
{
	unsigned long long total = 0;
	char line[2048];
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];
		unsigned long long k = 0, lost;

		if (!c->ring)
			continue;
		if (kt_instance_cpu_lost(&s->in, i, &k) < 0)
			k = 0;
		lost = k > c->lost_stream ? k : c->lost_stream;
		if (k > c->lost_stream && !s->recording) {
			unsigned long long now = clock_now(s);

			emit_lost(s, i, now == ~0ull ? 0 : now, k - c->lost_stream);
		}
		total += lost;
		if (used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%scpu%d %llu%s",
					 used ? ", " : "", i, lost,
					 c->lost_unknown ? "+" : "");
	}
	res->lost = total;
	if (s->recording && (!s->o->quiet || total))
		fprintf(stderr, "ktrail: %llu sub-buffers (%.1f MiB) %s %s, %llu events lost (%s)\n",
			s->rec_pages, s->rec_bytes / 1048576.0,
			s->write_err ? "recorded before the failure in" : "recorded in",
			s->o->record_path, total, line);
	else if (!s->o->quiet || total)
		fprintf(stderr, "ktrail: %llu records %s, %llu events lost (%s)\n",
			s->records, s->write_err ? "decoded" : "written", total, line);
	if (s->o->filter && !s->o->quiet && !s->recording) {
		char desc[512];

		kt_filter_describe(s->o->filter, desc, sizeof(desc));
		for (char *p = desc; (p = strchr(p, '\n'));)
			*p = ';';
		fprintf(stderr, "ktrail: filters (%s): %u tracepoints filtered in the kernel, "
			"%llu records dropped in user space\n", desc, s->kfilters, s->filtered);
	}
	if (s->unattributed && !s->o->quiet)
		fprintf(stderr,
			"ktrail: %llu raw_syscalls events of tasks whose ABI could not be told "
			"were left out\n", s->unattributed);
	if (s->bad_pages)
		fprintf(stderr, "ktrail: %llu sub-buffers failed the check (a commit length or an "
			"event past its end) and were skipped: their events are lost\n",
			s->bad_pages);
	if (getenv("KTRAIL_DEBUG_RING"))
		for (int i = 0; i < s->ncpus; i++)
			if (s->cpus[i].ring)
				fprintf(stderr, "ktrail: cpu%d: %lu torn copies made again\n", i,
					kt_ring_torn(s->cpus[i].ring));
}

/*
 * In the guard, once ktrail is gone: remove its instance and kprobes by
 * name.  The guard is forked right after the instance is made, before any
 * buffer or output is open: it holds nothing that keeps the instance busy.
 */
static int guard_cleanup(void *arg)
{
	struct session *s = arg;

	return kt_remove_run(&s->f, s->in.name);
}

/*
 * Setup is done: keep open what the trace still needs, leave the cleanup
 * to the guard, and give up root (priv.h).
 */
static int drop_privileges(struct session *s, char *err, size_t errlen)
{
	if (kt_instance_hold(&s->in, s->f.ncpus) < 0) {
		snprintf(err, errlen, "cannot hold %s/tracing_on open: %s", s->in.dir,
			 strerror(errno));
		return -1;
	}
	if (s->probes.n && kt_probes_hold(&s->probes, &s->f) < 0) {
		snprintf(err, errlen, "cannot hold kprobe_profile open: %s", strerror(errno));
		return -1;
	}
	if (kt_priv_drop(s->uid, s->gid, err, errlen) < 0)
		return -1;
	s->dropped = true;
	/* Test hook (tests/live/privileges.sh): try to open a file now. */
	if (getenv("KTRAIL_TEST_OPEN_AFTER_DROP")) {
		const char *path = getenv("KTRAIL_TEST_OPEN_AFTER_DROP");
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		fprintf(stderr, "ktrail: test: open %s after the drop: %s\n", path,
			fd < 0 ? strerror(errno) : "opened");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/*
 * The plan for @o on this kernel, kprobes included.  Returns 0, or an
 * exit status with @err set.
 */
static int plan_all(const struct kt_features *f, const struct kt_selection *sel,
		    enum kt_compat_mode compat, enum kt_probes_mode probes, struct kt_plan *plan,
		    unsigned int *nsyms, char *err, size_t errlen)
{
	struct kt_symset *syms = NULL;
	struct kt_probe_env env;
	int r;

	if (kt_plan_make(f, sel, compat, plan) < 0) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	if (probes != KT_PROBES_TRACEPOINT && f->probe.kprobe_events)
		syms = kt_kallsyms_load(kt_arch_native());
	if (nsyms)
		*nsyms = kt_symset_count(syms);
	env = (struct kt_probe_env){ kt_arch_native(), plan->native, plan->compat_abi,
				     &f->probe, syms };
	r = kt_plan_probes(plan, &env, probes, err, errlen);
	kt_symset_free(syms);
	if (r < 0) {
		kt_plan_free(plan);
		return errno == EOPNOTSUPP ? KT_EXIT_UNSUPPORTED : KT_EXIT_ERROR;
	}
	return 0;
}

struct profile_ctx {
	struct session *s;
	struct kt_session_result *res;
};

/*
 * A kprobe's hits and misses at the end.  Misses are lost events.  A
 * detail probe on an inner function that never fired while calls of its
 * event were traced sits on a function the compiler inlined (kallsyms
 * still lists it): say so, its values are empty.
 */
static void report_profile(const char *event, unsigned long long hits,
			   unsigned long long missed, void *arg)
{
	struct profile_ctx *c = arg;
	const struct kt_event_def *ev;
	enum kt_probe_role role;
	bool compat;

	if (missed) {
		c->res->lost += missed;
		fprintf(stderr, "ktrail: kprobe %s missed %llu hits: those calls are incomplete or "
			"missing\n", event, missed);
	}
	if (hits || kt_probe_event_parse(event, &ev, &role, &compat) < 0 || role != KT_PR_DETAIL)
		return;
	for (unsigned int i = 0; i < c->s->plan.n; i++) {
		const struct kt_plan_entry *e = &c->s->plan.e[i];

		for (unsigned int j = 0; e->ev == ev && j < e->nprobes; j++) {
			const struct kt_probe_def *d = &e->probes[j];
			const unsigned long long *t = c->s->traced[ev - kt_events];
			unsigned long long n = d->any_abi ? t[0] + t[1] : t[d->compat];

			if (!strcmp(d->event, event) && n)
				fprintf(stderr, "ktrail: kprobe %s on %s never fired although %llu %s "
					"calls were traced: the function is probably inlined; their "
					"user-memory arguments are empty\n", event, d->symbol, n,
					ev->name);
		}
	}
}

/* The catalog rows the session treats specially. */
static void lookup_events(struct session *s)
{
	s->ev_fork = kt_event_by_name("sched_process_fork");
	s->ev_exec = kt_event_by_name("sched_process_exec");
	s->ev_exit_task = kt_event_by_name("sched_process_exit");
	s->ev_exit = kt_event_by_name("exit");
	s->ev_exit_group = kt_event_by_name("exit_group");
	{
		static const char *const opens[] = { "open", "openat", "openat2", "creat",
						     "execve", "execveat", "uselib" };

		for (size_t i = 0; i < KT_ARRAY_SIZE(opens) && i < KT_ARRAY_SIZE(s->ev_opens); i++)
			s->ev_opens[i] = kt_event_by_name(opens[i]);
	}
	s->ev_execve = kt_event_by_name("execve");
	s->ev_execveat = kt_event_by_name("execveat");
	s->ev_forks[0] = kt_event_by_name("clone");
	s->ev_forks[1] = kt_event_by_name("clone3");
	s->ev_forks[2] = kt_event_by_name("fork");
	s->ev_forks[3] = kt_event_by_name("vfork");
	{
		static const char *const ctx[] = { "setuid", "setreuid", "setresuid", "unshare",
						   "setns", "setfsuid", "capset" };

		for (size_t i = 0; i < KT_ARRAY_SIZE(ctx) && i < KT_ARRAY_SIZE(s->ev_ctx); i++)
			s->ev_ctx[i] = kt_event_by_name(ctx[i]);
	}
}

int kt_session_run(const struct kt_opts *o, struct kt_session_result *res,
		   char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	struct kt_instance_opts io = { 0 };
	unsigned int usable = 0, unusable = 0, cap = 0;
	int ret = KT_EXIT_ERROR;
	bool any;

	memset(res, 0, sizeof(*res));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	s->o = o;
	s->recording = o->cmd == KT_CMD_RECORD;
	s->go_fd = -1;
	s->in.on_fd = -1;		/* nothing held yet */
	s->probes.profile_fd = -1;
	stop_signal = 0;
	if (geteuid() != 0 && access("/sys/kernel/tracing/instances", W_OK) < 0) {
		snprintf(err, errlen,
			 "permission denied: ktrail needs root (CAP_SYS_ADMIN and write access "
			 "to /sys/kernel/tracing)");
		free(s);
		return KT_EXIT_ERROR;
	}
	{
		bool mounted = access("/sys/kernel/tracing/README", F_OK) == 0 ||
			       access("/sys/kernel/debug/tracing/README", F_OK) == 0;
		char why[600];

		if (kt_priv_check(!mounted, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "ktrail cannot run with this process's privileges: %s",
				 why);
			free(s);
			return KT_EXIT_ERROR;
		}
		if (kt_priv_user(o->user ? o->user : "nobody", &s->uid, &s->gid, why,
				 sizeof(why)) < 0) {
			if (o->user) {
				snprintf(err, errlen, "--user: %s", why);
				free(s);
				return KT_EXIT_ERROR;
			}
			s->uid = s->gid = 65534;	/* no "nobody": its usual ids */
		}
	}
	if (kt_features_probe(&s->f) < 0) {
		ret = features_error(err, errlen);
		free(s);
		return ret;
	}
	/*
	 * The trace clock: trace's default is the best synchronised one
	 * (rows in wall-clock time, exact across CPUs); record's is local,
	 * the cheapest to read per event (trace-cmd's default: on this
	 * project's VM the boot clock costs the IPC workload 8% more).
	 */
	{
		const char *want = o->clock ? o->clock : s->recording ? "local" : NULL;
		char list[256] = "";

		if (want && !kt_features_has_clock(&s->f, want, list, sizeof(list))) {
			if (o->clock) {
				snprintf(err, errlen, "--clock %s: this kernel has no such trace clock "
					 "(it has: %s)", want, list[0] ? list : "none");
				free(s);
				return KT_EXIT_UNSUPPORTED;
			}
		} else if (want) {
			snprintf(s->f.clock, sizeof(s->f.clock), "%s", want);
		}
	}
	ret = plan_all(&s->f, &o->sel, o->compat, o->probes, &s->plan, NULL, err, errlen);
	if (ret) {
		free(s);
		return ret;
	}
	ret = KT_EXIT_ERROR;
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		if (e->recipe != KT_R_NONE || e->compat || e->compat_kprobe)
			usable++;
		else if (o->sel.named[e->ev - kt_events])
			fprintf(stderr, "ktrail: %s cannot be traced on this kernel: %s\n",
				e->ev->name, e->why);
		else
			unusable++;
	}
	if (!usable) {
		snprintf(err, errlen, "none of the events of -e %s can be traced on this kernel",
			 o->events);
		kt_plan_free(&s->plan);
		free(s);
		return KT_EXIT_UNSUPPORTED;
	}
	if (signals_setup() < 0) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		goto out;
	}
	kt_cleanup_stale(&s->f, report_stale, s);

	/* Who is traced. */
	if (o->npids) {
		for (unsigned int i = 0; i < o->npids; i++) {
			if (kill(o->pids[i], 0) < 0 && errno == ESRCH) {
				snprintf(err, errlen, "no such process: %d", (int)o->pids[i]);
				goto out;
			}
			if (collect_tree(o->pids[i], &s->attach, &s->nattach, &cap) < 0) {
				snprintf(err, errlen, "cannot read /proc/%d/task: %s",
					 (int)o->pids[i], strerror(errno));
				goto out;
			}
		}
		io.pids = s->attach;
		io.npids = s->nattach;
	} else if (o->argv) {
		if (start_child(s, err, errlen) < 0)
			goto out;
		io.pids = &s->child;
		io.npids = 1;
	}
	io.buffer_kb = o->buffer_kb ? o->buffer_kb : DEFAULT_BUFFER_KB;
	io.clock = s->f.clock;

	{
		/* The kernel's sub-buffer header, and its word size: a 32-bit
		 * ktrail may trace a 64-bit kernel. */
		char path[512];
		size_t len;
		char *hp;

		snprintf(path, sizeof(path), "%s/events/header_page", s->f.tracefs);
		hp = kt_read_file(path, &len);
		if (!hp) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		s->dec = kt_decoder_new(kt_header_page_long_size(hp), false);
		if (s->dec && kt_decoder_header_page(s->dec, hp, len) < 0) {
			snprintf(err, errlen, "cannot parse %s", path);
			free(hp);
			goto out;
		}
		if (s->recording) {
			s->header_page = hp;
			s->header_page_len = len;
		} else {
			free(hp);
		}
	}
	s->proc = kt_proc_new("/proc");
	if (!s->dec || !s->proc) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* raw_syscalls' calls are kept by the task's ABI: a root helper
	 * tells it (priv.h); kt_proc_free() ends it. */
	if (s->plan.compat && kt_abi_helper_attach(s->proc) < 0)
		fprintf(stderr, "ktrail: cannot start the ABI helper (%s): 32-bit tasks' "
			"raw_syscalls events will be counted as unattributed\n", strerror(errno));
	lookup_events(s);
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		if (e->recipe != KT_R_TASK_TP)
			continue;
		s->want_fork |= e->ev == s->ev_fork;
		s->want_exec |= e->ev == s->ev_exec;
		s->want_exit |= e->ev == s->ev_exit_task;
	}
	/* What runs now, so that a task that ends before its records are
	 * written keeps its process id and name. */
	if (o->npids) {
		for (unsigned int i = 0; i < s->nattach; i++)
			if (kill(s->attach[i], 0) == 0)
				kt_proc_scan(s->proc, s->attach[i]);
	} else if (o->argv) {
		const char *base = strrchr(o->argv[0], '/');

		kt_proc_add(s->proc, s->child, s->child, base ? base + 1 : o->argv[0]);
	} else {
		kt_proc_scan(s->proc, 0);
	}
	if (kt_instance_create(&s->in, &s->f, &io, err, errlen) < 0)
		goto out;
	/* The guard that keeps root for the cleanup (drop_privileges). */
	if (kt_guard_start(&s->guard, guard_cleanup, s) < 0) {
		snprintf(err, errlen, "cannot start the cleanup guard: %s", strerror(errno));
		goto out;
	}
	if (o->npids && attach_late_forks(s) < 0) {
		snprintf(err, errlen, "set_event_pid: %s", strerror(errno));
		goto out;
	}
	{
		int r = probes_setup(s, err, errlen);

		if (r < 0) {
			if (r == -2)
				ret = KT_EXIT_UNSUPPORTED;
			goto out;
		}
	}
	if (s->o->filter && !o->quiet)
		warn_unreadable_filters(s);
	if (enable_events(s, err, errlen) < 0)
		goto out;
	{
		int r = rings_open(s, err, errlen);

		if (r < 0) {
			if (r == -2)
				ret = KT_EXIT_UNSUPPORTED;
			else if (!err[0])
				snprintf(err, errlen, "%s", strerror(errno));
			goto out;
		}
	}
	if (clock_setup(s) < 0) {
		snprintf(err, errlen, "clock: %s", strerror(errno));
		goto out;
	}
	if ((s->recording ? rec_open(s, err, errlen) : outputs_open(s, err, errlen)) < 0 ||
	    drop_privileges(s, err, errlen) < 0)
		goto out;
	s->pair = kt_pairer_new(s->epoch, emit_record, s);
	if (!s->pair || kt_instance_tracing(&s->in, true) < 0) {
		snprintf(err, errlen, "cannot start tracing: %s", strerror(errno));
		goto out;
	}
	if (!o->quiet) {
		enum kt_reader kind = KT_READER_READ;

		for (int i = 0; i < s->ncpus; i++)
			if (s->cpus[i].ring)
				kind = kt_ring_kind(s->cpus[i].ring);
		unsigned int tp = 0, kp = 0, ckp = 0, raw = 0;

		for (unsigned int i = 0; i < s->plan.n; i++) {
			const struct kt_plan_entry *e = &s->plan.e[i];

			tp += e->recipe == KT_R_SYSCALL_TP;
			kp += e->recipe == KT_R_KPROBE;
			ckp += e->compat_kprobe;
			raw += e->compat;
		}
		fprintf(stderr, "ktrail: tracing %u events on %d CPUs (reader %s, clock %s, "
			"instance %s)%s%s%s\n", usable, s->ncpus, kt_reader_name(kind), s->f.clock,
			s->in.name, s->recording ? ", recording to " : "",
			s->recording ? o->record_path : "",
			o->argv || o->npids ? "" : "; Ctrl-C to stop");
		if (s->probes.n && !s->f.probe.uderef)
			fprintf(stderr, "ktrail: this kernel has no ustring or +u fetch: the kprobes "
				"read user memory as kernel memory, which works on x86 only\n");
		if (!o->quiet)
			fprintf(stderr, "ktrail: recipes: %u syscall tracepoints, %u kprobes, "
				"32-bit tasks: %u kprobes, %u raw_syscalls; %u kprobes in group %s\n",
				tp, kp, ckp, raw, s->probes.n, s->probes.group[0] ? s->probes.group : "-");
		if (unusable)
			fprintf(stderr, "ktrail: %u events of the selected sets cannot be produced "
				"on this kernel (see 'ktrail list')\n", unusable);
	}
	if (stop_signal) {
		/* Stopped during setup: the command never runs. */
		snprintf(err, errlen, "interrupted by signal %d before tracing started",
			 (int)stop_signal);
		ret = 128 + stop_signal;
		goto out;
	}
	if (s->go_fd >= 0) {
		if (write(s->go_fd, "g", 1) != 1) {
			snprintf(err, errlen, "cannot start the command: %s", strerror(errno));
			goto out;
		}
		close(s->go_fd);
		s->go_fd = -1;
		res->cmd_ran = true;
	}

	if (s->recording && !o->argv && !o->npids) {
		/* The tasks started while the kernel was being set up: live,
		 * they would be read from /proc when first seen; a report
		 * cannot, so they are recorded now that tracing runs. */
		char *text = NULL;
		size_t tlen = 0;
		FILE *m;

		if (kt_proc_scan_new(s->proc) > 0 && (m = open_memstream(&text, &tlen))) {
			kt_proc_dump(s->proc, m, s->plan.compat, true);
			fclose(m);
			if (tlen && kt_recw_chunk(&s->rec, KT_REC_TASKS, text, tlen, NULL, 0) < 0)
				rec_failed(s);
			free(text);
		}
	}
	if (session_loop(s) < 0) {
		snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
		goto out;
	}
	/* Stop, then read everything the kernel still holds. */
	kt_instance_tracing(&s->in, false);
	if (s->recording) {
		int n;

		while ((n = rec_round(s, &any)) > 0 && !s->write_err)
			;
		if (n < 0) {
			snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
			goto out;
		}
		rec_finish(s);
		report_lost(s, res);
		if (s->probes.n) {
			struct profile_ctx pc = { s, res };

			kt_probes_profile(&s->f, &s->probes, report_profile, &pc);
		}
		rec_close(s);
		if (s->write_err) {
			snprintf(err, errlen, "writing %s: %s (the recording is kept up to its last "
				 "whole chunk)", s->write_err_name, strerror(s->write_err));
			goto out;
		}
		ret = KT_EXIT_OK;
		goto out;
	}
	do {
		if (round_once(s, true, &any) < 0) {
			snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
			goto out;
		}
	} while (any && !s->write_err);
	merge(s, ~0ull);
	kt_pair_flush(s->pair);
	report_lost(s, res);
	if (s->probes.n) {
		struct profile_ctx pc = { s, res };

		kt_probes_profile(&s->f, &s->probes, report_profile, &pc);
	}
	if (kt_pair_unmatched(s->pair) && !o->quiet)
		fprintf(stderr, "ktrail: %lu kprobe detail records found no call to complete "
			"(its entry was lost, came before tracing began%s)\n",
			kt_pair_unmatched(s->pair),
			s->kfilters ? ", or was filtered out in the kernel" : "");
	if (outputs_finish(s, res, err, errlen) < 0)
		goto out;
	ret = KT_EXIT_OK;
out:
	if (s->nouts)
		outputs_close(s);
	rec_close(s);
	free(s->header_page);
	for (unsigned int i = 0; i < s->nfmts; i++)
		free(s->fmts[i].text);
	free(s->fmts);
	free(s->cols);
	s->cols = NULL;
	if (ret != KT_EXIT_OK && s->write_err && !err[0])
		snprintf(err, errlen, "writing %s: %s", s->write_err_name, strerror(s->write_err));
	rings_close(s);
	if (s->guard.pid && s->dropped) {
		/* Root is gone: the guard removes the instance and probes,
		 * once nothing here holds the instance open. */
		kt_instance_release(&s->in);
		if (kt_guard_finish(&s->guard) < 0 && ret == KT_EXIT_OK) {
			snprintf(err, errlen, "the cleanup guard could not remove instance %s or "
				 "its kprobes (see 'ktrail cleanup')", s->in.name);
			ret = KT_EXIT_ERROR;
		}
		s->in.created = false;		/* only free what describes it */
		kt_instance_destroy(&s->in);
		kt_probes_forget(&s->probes);
	} else {
		/* Still root (setup failed before the drop): clean up here,
		 * then let the guard go (it finds nothing left). */
		if (kt_instance_destroy(&s->in) < 0 && ret == KT_EXIT_OK) {
			snprintf(err, errlen, "cannot remove tracefs instance %s: %s", s->in.name,
				 strerror(errno));
			ret = KT_EXIT_ERROR;
		}
		/* The probes after the instance that enabled them. */
		if (kt_probes_destroy(&s->probes) < 0 && ret == KT_EXIT_OK) {
			snprintf(err, errlen, "cannot remove the kprobes of group %s: %s",
				 s->probes.group, strerror(errno));
			ret = KT_EXIT_ERROR;
		}
		kt_guard_finish(&s->guard);
	}
	if (s->go_fd >= 0)
		close(s->go_fd);	/* the command never started: it exits 127 */
	if (s->child > 0) {
		if (!res->cmd_ran || s->child_done || !stop_signal)
			reap_child(s, true);
		res->cmd_ran = res->cmd_ran && s->child_done;
		res->cmd_status = s->child_status;
	}
	signals_restore();
	kt_pairer_free(s->pair);
	kt_proc_free(s->proc);
	kt_decoder_free(s->dec);
	kt_plan_free(&s->plan);
	free(s->attach);
	free(s);
	return ret;
}

/* One line: how @e is produced here. */
static void recipe_text(const struct kt_plan *plan, const struct kt_plan_entry *e,
			char *buf, size_t len)
{
	const char *native = e->recipe == KT_R_SYSCALL_TP ? "syscall tracepoints" :
			     e->recipe == KT_R_KPROBE ? "kprobes" :
			     e->recipe == KT_R_TASK_TP ? e->ev->tp : NULL;
	const char *compat = e->compat_kprobe ? "kprobes" : e->compat ? "raw_syscalls" : NULL;
	bool detail = false;

	for (unsigned int j = 0; j < e->nprobes; j++)
		if (e->probes[j].role == KT_PR_DETAIL || e->probes[j].reads_user)
			detail = true;
	if (native && compat)
		snprintf(buf, len, "yes: %s; %s tasks via %s%s", native,
			 kt_abi_name(plan->compat_abi), compat,
			 detail ? "; user memory via kprobes" : "");
	else if (native)
		snprintf(buf, len, "yes: %s%s", native, detail ? "; user memory via kprobes" : "");
	else if (compat)
		snprintf(buf, len, "yes: only from 32-bit %s tasks, via %s%s",
			 kt_abi_name(plan->compat_abi), compat,
			 detail ? "; user memory via kprobes" : "");
	else
		snprintf(buf, len, "no: %s", e->why);
}

int kt_session_check(FILE *fp, const struct kt_opts *o, char *err, size_t errlen)
{
	struct kt_features f;
	struct kt_plan plan = { 0 };
	unsigned int nsyms = 0;
	char feats[256], buf[512];
	int r;

	if (kt_features_probe(&f) < 0)
		return features_error(err, errlen);
	r = plan_all(&f, &o->sel, o->compat, o->probes, &plan, &nsyms, err, errlen);
	if (r)
		return r;
	kt_probe_feats_format(&f.probe, feats, sizeof(feats));
	fprintf(fp, "tracefs:        %s\n", f.tracefs);
	fprintf(fp, "arch:           %s (tasks: %s%s%s)\n", kt_arch_name(kt_arch_native()),
		kt_abi_name(plan.native), plan.compat_abi != KT_ABI_NONE ? ", 32-bit " : "",
		plan.compat_abi != KT_ABI_NONE ? kt_abi_name(plan.compat_abi) : "");
	fprintf(fp, "32-bit tasks:   %s\n", f.compat_why[0] ? f.compat_why : "-");
	fprintf(fp, "syscall tracepoints: %s; raw_syscalls: %s\n", f.syscalls ? "yes" : "no",
		f.raw_syscalls ? "yes" : "no");
	fprintf(fp, "probe features: %s\n", feats);
	if (f.probe.kprobe_events && o->probes != KT_PROBES_TRACEPOINT)
		fprintf(fp, "symbols:        %u of the recipes' functions in /proc/kallsyms\n", nsyms);
	if (f.probe.kprobe_events && !f.probe.uderef)
		fprintf(fp, "note:           no ustring/+u: user memory is read as kernel memory, "
			"which works on x86 only\n");
	for (unsigned int i = 0; i < plan.n; i++) {
		const struct kt_plan_entry *e = &plan.e[i];

		recipe_text(&plan, e, buf, sizeof(buf));
		fprintf(fp, "\n%s: %s\n", e->ev->name, buf);
		if (e->recipe == KT_R_SYSCALL_TP)
			fprintf(fp, "  tracepoints  syscalls/sys_enter_%s syscalls/sys_exit_%s\n",
				e->ev->tp, e->ev->tp);
		if (e->compat)
			fprintf(fp, "  tracepoints  raw_syscalls/sys_enter raw_syscalls/sys_exit "
				"(id == %d, 32-bit tasks)\n", e->ev->nr[plan.compat_abi]);
		for (unsigned int j = 0; j < e->nprobes; j++) {
			const struct kt_probe_def *d = &e->probes[j];

			fprintf(fp, "  %s:ktrail_PID/%s %s %s\n", d->ret ? "r" : "p", d->event,
				d->symbol, d->fetch);
		}
		if (e->notes[0])
			fprintf(fp, "  not used: %s\n", e->notes);
		if (e->why[0] && (e->recipe != KT_R_NONE || e->compat || e->compat_kprobe))
			fprintf(fp, "  not used: %s\n", e->why);
	}
	kt_plan_free(&plan);
	return KT_EXIT_OK;
}

void kt_session_list(FILE *fp, const struct kt_features *f)
{
	struct kt_plan plan = { 0 };
	char sets[256];

	char err[256];

	if (f && plan_all(f, NULL, KT_COMPAT_AUTO, KT_PROBES_AUTO, &plan, NULL, err, sizeof(err)))
		f = NULL;
	fprintf(fp, "%-28s %-5s %-44s %s\n", "EVENT", "ID", "SETS", f ? "ON THIS KERNEL" : "");
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];
		const char *how = "";
		char buf[512] = "";

		if (ev->kind == KT_EV_PSEUDO)
			continue;
		kt_sets_format(ev->sets, sets, sizeof(sets));
		for (unsigned int j = 0; j < plan.n; j++) {
			const struct kt_plan_entry *e = &plan.e[j];

			if (e->ev != ev)
				continue;
			recipe_text(&plan, e, buf, sizeof(buf));
			how = buf;
		}
		fprintf(fp, "%-28s %-5d %-44s %s\n", ev->name, kt_event_id(ev), sets, how);
	}
	fprintf(fp, "\nSETS (and 'all'; a word such as open* is a pattern over event names):\n");
	for (unsigned int i = 0; i < KT_NSETS; i++) {
		unsigned int n = 0;

		for (unsigned int j = 0; j < kt_nevents; j++)
			n += !!(kt_events[j].sets & (1ull << i));
		fprintf(fp, "  %-16s %4u  %s\n", kt_set_name_at(i), n, kt_set_doc_at(i));
	}
	if (!f)
		fprintf(fp, "(tracefs not readable: run as root to see what this kernel supports)\n");
	kt_plan_free(&plan);
}

/* ----------------------------------------------------------- report */

/* A recording's list of event names into @on (unknown names: warned). */
static void meta_events(const struct kt_recr *rd, const char *key, bool *on, bool quiet)
{
	size_t len = rd->meta ? strlen(rd->meta) + 1 : 1;
	char *buf = malloc(len), *save = NULL;

	if (!buf || !kt_recr_meta(rd, key, buf, len)) {
		free(buf);
		return;
	}
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct kt_event_def *ev = kt_event_by_name(name);

		if (ev)
			on[ev - kt_events] = true;
		else if (!quiet)
			fprintf(stderr, "ktrail: the recording's event %s is unknown to this "
				"ktrail: left out\n", name);
	}
	free(buf);
}

static long long meta_num(const struct kt_recr *rd, const char *key, long long dflt)
{
	char v[64], *end;
	long long n;

	if (!kt_recr_meta(rd, key, v, sizeof(v)))
		return dflt;
	errno = 0;
	n = strtoll(v, &end, 10);
	return errno || end == v || *end ? dflt : n;
}

/* ktrail report --info */
static int report_info(FILE *fp, const struct kt_recr *rd, const char *path)
{
	unsigned long long bytes = 0;

	fprintf(fp, "recording %s: %lld bytes, format version %u, %s\n", path,
		(long long)rd->size, rd->version,
		rd->damaged ? "DAMAGED" : rd->ended ? "complete" : "INCOMPLETE (no end)");
	if (rd->damaged)
		fprintf(fp, "  damage at offset %lld: %s\n", (long long)rd->damage_off, rd->damage);
	fprintf(fp, "description:\n");
	for (const char *p = rd->meta; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		char key[128], val[4096];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(p, "="), p);
		if (kt_recr_meta(rd, key, val, sizeof(val)))
			fprintf(fp, "  %s: %s\n", key, val);
		p += l + (eol ? 1 : 0);
	}
	fprintf(fp, "event formats: %u\n", rd->nfmts);
	for (unsigned int i = 0; i < rd->nfmts; i++) {
		const char *name = strstr(rd->fmts[i].text, "name: ");

		fprintf(fp, "  %s/%.*s\n", rd->fmts[i].sys,
			name ? (int)strcspn(name + 6, "\n") : 1, name ? name + 6 : "?");
	}
	if (rd->probes)
		fprintf(fp, "kprobes:\n%s", rd->probes);
	{
		unsigned int n = 0;

		for (const char *p = rd->tasks; p && *p; p++)
			n += *p == '\n';
		fprintf(fp, "tasks at the start: %u\n", n);
	}
	fprintf(fp, "sub-buffers:");
	for (int c = 0; c < rd->ncpus; c++) {
		unsigned long long b = 0;

		for (unsigned int i = 0; i < rd->npages[c]; i++)
			b += rd->pages[c][i].len;
		bytes += b;
		fprintf(fp, "%s cpu%d %u (%llu bytes)", c ? "," : "", c, rd->npages[c], b);
	}
	fprintf(fp, "%s; %llu in all (%llu bytes)\n", rd->ncpus ? "" : " none", rd->total_pages,
		bytes);
	if (rd->stats)
		fprintf(fp, "at the end:\n%s", rd->stats);
	return rd->damaged || !rd->ended ? KT_EXIT_ERROR : KT_EXIT_OK;
}

/* The kernel's counts at the end of the recording, against the stream's. */
static void report_summary(struct session *s, const char *path, struct kt_session_result *res)
{
	unsigned long long total = 0;
	char line[2048], host[256] = "", rel[256] = "", mach[64] = "", ver[64] = "";
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < s->ncpus; i++) {
		struct cpu_state *c = &s->cpus[i];
		unsigned long long k = 0, lost;
		char key[32], v[256];

		if (s->rd->stats) {
			/* the STATS chunk is key=value lines too */
			struct kt_recr tmp = { .meta = s->rd->stats };

			snprintf(key, sizeof(key), "cpu%d", i);
			if (kt_recr_meta(&tmp, key, v, sizeof(v)))
				sscanf(v, "kernel_lost=%llu", &k);
		}
		lost = k > c->lost_stream ? k : c->lost_stream;
		if (k > c->lost_stream)
			emit_lost(s, i, s->last_ts, k - c->lost_stream);
		total += lost;
		if (used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%scpu%d %llu%s",
					 used ? ", " : "", i, lost, c->lost_unknown ? "+" : "");
	}
	/* kprobes that missed hits while recording */
	for (const char *p = s->rd->stats; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		char name[160];
		unsigned long long hits, missed;

		if (sscanf(p, "kprobe.%159[^=]=hits=%llu missed=%llu", name, &hits, &missed) == 3 &&
		    missed) {
			total += missed;
			fprintf(stderr, "ktrail: kprobe %s missed %llu hits while recording: those "
				"calls are incomplete or missing\n", name, missed);
		}
		p += l + (eol ? 1 : 0);
	}
	res->lost = total;
	kt_recr_meta(s->rd, "hostname", host, sizeof(host));
	kt_recr_meta(s->rd, "kernel_release", rel, sizeof(rel));
	kt_recr_meta(s->rd, "machine", mach, sizeof(mach));
	kt_recr_meta(s->rd, "ktrail_version", ver, sizeof(ver));
	if (!s->o->quiet || total)
		fprintf(stderr, "ktrail: %llu records %s from %s (recorded on %s, Linux %s %s, "
			"ktrail %s), %llu events lost (%s)\n", s->records,
			s->write_err ? "decoded" : "written", path, host[0] ? host : "?",
			rel[0] ? rel : "?", mach[0] ? mach : "?", ver[0] ? ver : "?", total, line);
	if (s->unattributed && !s->o->quiet)
		fprintf(stderr,
			"ktrail: %llu raw_syscalls events of tasks whose ABI the recording does not "
			"tell were left out\n", s->unattributed);
}

/*
 * The report's selection: the recording's, or the events of -e that were
 * recorded (an event named on its own that was not is an error; events of
 * sets and patterns that were not are left out).
 */
static int report_select(struct kt_opts *ro, const bool *recorded, char *err, size_t errlen)
{
	if (ro->sel_default) {
		memset(&ro->sel, 0, sizeof(ro->sel));
		for (unsigned int i = 0; i < kt_nevents; i++)
			if (recorded[i]) {
				ro->sel.on[i] = true;
				ro->sel.count++;
			}
		return 0;
	}
	ro->sel.count = 0;
	for (unsigned int i = 0; i < kt_nevents; i++) {
		if (ro->sel.on[i] && !recorded[i]) {
			if (ro->sel.named[i]) {
				snprintf(err, errlen, "event %s was not recorded (see 'ktrail report "
					 "--info %s')", kt_events[i].name, ro->report_path);
				return -1;
			}
			ro->sel.on[i] = false;
		}
		ro->sel.count += ro->sel.on[i];
	}
	if (!ro->sel.count) {
		snprintf(err, errlen, "-e %s selects no recorded event (see 'ktrail report --info %s')",
			 ro->events, ro->report_path);
		return -1;
	}
	return 0;
}


/* ------------------------------------------------ report of trace.dat */

#define TRACEDAT_MAGIC "\x17\x08\x44tracing"

static bool is_tracedat(const char *path)
{
	char h[10];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && !memcmp(h, TRACEDAT_MAGIC, 10);
	close(fd);
	return yes;
}

#ifdef HAVE_LIBTRACECMD
static int tdat_event(struct tracecmd_input *h, struct tep_record *rec, int unused, void *arg)
{
	struct session *s = arg;
	int cpu = rec->cpu;

	(void)h;
	(void)unused;	/* not the CPU in the _multi iteration: rec->cpu is */
	if (cpu < 0 || cpu >= s->ncpus)
		return 0;
	if (rec->missed_events) {
		struct cpu_state *c = &s->cpus[cpu];

		if (rec->missed_events > 0)
			c->lost_stream += rec->missed_events;
		else
			c->lost_unknown = true;
		loss_report(s, cpu, rec->ts, rec->missed_events > 0 ? rec->missed_events : -1);
	}
	s->last_ts = rec->ts;
	handle_event(s, cpu, rec->data, rec->size, rec->ts);
	return s->write_err ? -1 : 0;
}

static bool tdat_has(struct tep_handle *tep, const char *sys, const char *prefix, const char *name)
{
	char full[128];

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	return tep_find_event_by_name(tep, sys, full) != NULL;
}

/*
 * ktrail report of a trace-cmd trace.dat: libtracecmd reads the file and
 * merges the CPUs; ktrail gives each event it knows its role (syscall
 * tracepoints, task and sched events) and decodes it as it would live.
 */
static int report_tracedat(struct session *s, struct kt_opts *ro, struct kt_session_result *res,
			   char *err, size_t errlen)
{
	struct tracecmd_input *h = tracecmd_open(ro->report_path, TRACECMD_FL_LOAD_NO_PLUGINS);
	bool recorded[KT_MAX_EVENTS] = { false };
	struct tep_handle *tep;
	unsigned long long total = 0;
	int ret = KT_EXIT_ERROR;

	if (!h) {
		snprintf(err, errlen, "%s: libtracecmd cannot read this trace.dat (truncated, "
			 "corrupt, or a version it does not know)", ro->report_path);
		return KT_EXIT_ERROR;
	}
	tep = tracecmd_get_tep(h);
	s->dec = tep ? kt_decoder_from_tep(tep) : NULL;
	s->proc = kt_proc_new(NULL);
	if (!s->dec || !s->proc) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	lookup_events(s);
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];

		if (ev->kind == KT_EV_SYSCALL && ev->tp &&
		    tdat_has(tep, "syscalls", "sys_enter_", ev->tp) &&
		    tdat_has(tep, "syscalls", "sys_exit_", ev->tp))
			recorded[i] = true;
	}
	recorded[s->ev_fork - kt_events] = tdat_has(tep, "task", "", "task_newtask");
	recorded[s->ev_exec - kt_events] = tdat_has(tep, "sched", "", "sched_process_exec");
	recorded[s->ev_exit_task - kt_events] = tdat_has(tep, "sched", "", "sched_process_exit");
	if (ro->info) {
		printf("trace.dat %s (trace-cmd): %d CPUs, %d-bit %s-endian kernel; events ktrail "
		       "reports from it:\n", ro->report_path, tep_get_cpus(tep),
		       8 * tep_get_long_size(tep), tep_is_file_bigendian(tep) ? "big" : "little");
		for (unsigned int i = 0; i < kt_nevents; i++)
			if (recorded[i])
				printf("  %s\n", kt_events[i].name);
		ret = KT_EXIT_OK;
		goto out;
	}
	if (report_select(ro, recorded, err, errlen) < 0) {
		ret = KT_EXIT_USAGE;
		goto out;
	}
	for (unsigned int i = 0; i < kt_nevents; i++)
		s->selected[i] = ro->sel.on[i];
	s->want_fork = ro->sel.on[s->ev_fork - kt_events];
	s->want_exec = ro->sel.on[s->ev_exec - kt_events];
	s->want_exit = ro->sel.on[s->ev_exit_task - kt_events];
	s->f.sched_exec = recorded[s->ev_exec - kt_events];
	s->plan.compat_abi = KT_ABI_NONE;
	s->ncpus = tep_get_cpus(tep) > 0 ? tep_get_cpus(tep) : 1;
	s->cpus = calloc(s->ncpus, sizeof(*s->cpus));
	if (!s->cpus) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (outputs_open(s, err, errlen) < 0)
		goto out;
	s->pair = kt_pairer_new(0, emit_record, s);
	if (!s->pair) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	{
		/* trace-cmd record -B puts the events in an instance's buffer:
		 * every buffer, merged by time. */
		int nb = tracecmd_buffer_instances(h), n = 0;
		struct tracecmd_input **hs = calloc(nb + 1, sizeof(*hs));

		if (!hs) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		hs[n++] = h;
		for (int i = 0; i < nb; i++)
			if ((hs[n] = tracecmd_buffer_instance_handle(h, i)))
				n++;
		int rc = tracecmd_iterate_events_multi(hs, n, tdat_event, s);

		for (int i = 1; i < n; i++)
			tracecmd_close(hs[i]);
		free(hs);
		if (rc < 0 && !s->write_err) {
			snprintf(err, errlen, "%s: libtracecmd could not read all of this trace.dat "
				 "(truncated or corrupt): the rows before are written", ro->report_path);
			kt_pair_flush(s->pair);
			outputs_close(s);
			goto out;
		}
	}
	kt_pair_flush(s->pair);
	for (int i = 0; i < s->ncpus; i++)
		total += s->cpus[i].lost_stream;
	res->lost = total;
	if (!ro->quiet || total)
		fprintf(stderr, "ktrail: %llu records %s from %s (a trace-cmd trace.dat: its "
			"timestamps are the trace clock's), %llu events lost\n", s->records,
			s->write_err ? "decoded" : "written", ro->report_path, total);
	if (outputs_finish(s, res, err, errlen) < 0)
		goto out;
	ret = KT_EXIT_OK;
out:
	tracecmd_close(h);
	return ret;
}
#endif

int kt_session_report(const struct kt_opts *o, struct kt_session_result *res,
		      char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	struct kt_opts *ro = malloc(sizeof(*ro));
	static struct kt_recr rd;
	bool recorded[KT_MAX_EVENTS] = { false }, compat[KT_MAX_EVENTS] = { false };
	bool own_filter = false;
	int ret = KT_EXIT_ERROR;
	long long long_size, big_endian, subbuf;
	char lifecycle[64] = "";

	memset(res, 0, sizeof(*res));
	if (!s || !ro) {
		free(s);
		free(ro);
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	*ro = *o;
	s->o = ro;
	s->reporting = true;
	if (is_tracedat(o->report_path)) {
#ifdef HAVE_LIBTRACECMD
		ret = report_tracedat(s, ro, res, err, errlen);
#else
		snprintf(err, errlen, "%s is a trace-cmd trace.dat: this ktrail was built without "
			 "libtracecmd, which reads it (configure --with-libtracecmd)", o->report_path);
		ret = KT_EXIT_ERROR;
#endif
		rd.fd = -1;
		goto out;
	}
	if (kt_recr_open(&rd, o->report_path, err, errlen) < 0) {
		free(s);
		free(ro);
		return KT_EXIT_ERROR;
	}
	s->rd = &rd;
	if (o->info) {
		ret = report_info(stdout, &rd, o->report_path);
		goto out;
	}
	if (!rd.meta || !rd.header_page) {
		snprintf(err, errlen, "%s: no %s chunk%s%s", o->report_path,
			 rd.meta ? "HEADER_PAGE" : "META", rd.damaged ? " before the damage: " : "",
			 rd.damaged ? rd.damage : "");
		goto out;
	}
	long_size = meta_num(&rd, "long_size", 0);
	big_endian = meta_num(&rd, "big_endian", -1);
	subbuf = meta_num(&rd, "subbuf_size", 0);
	if ((long_size != 4 && long_size != 8) || (big_endian != 0 && big_endian != 1) ||
	    subbuf < 16 || subbuf > KT_REC_MAX_PAGE) {
		snprintf(err, errlen, "%s: the description is unusable (long_size %lld, "
			 "big_endian %lld, subbuf_size %lld)", o->report_path, long_size,
			 big_endian, subbuf);
		goto out;
	}
	s->subbuf_size = subbuf;
	s->epoch = meta_num(&rd, "epoch_ns", 0);
	{
		/* Event ids as the recorded machine numbers them. */
		char mach[64];

		if (kt_recr_meta(&rd, "machine", mach, sizeof(mach)))
			kt_catalog_machine(mach);
	}
	kt_recr_meta(&rd, "hostname", s->hostname, sizeof(s->hostname));

	/* What was recorded, and what of it is reported. */
	meta_events(&rd, "events", recorded, o->quiet);
	meta_events(&rd, "compat_events", compat, true);
	if (report_select(ro, recorded, err, errlen) < 0) {
		ret = KT_EXIT_USAGE;
		goto out;
	}
	/* The recording's own filters hold again (the kernel applied only
	 * part of them), and the report's on top. */
	for (unsigned int i = 0; i < KT_MAX_FEXPRS; i++) {
		char key[32], ferr[512];
		size_t elen = strlen(rd.meta) + 1;
		char *expr = malloc(elen);
		int r;

		if (!expr)
			goto nomem;

		snprintf(key, sizeof(key), "scope.%u", i);
		if (kt_recr_meta(&rd, key, expr, elen)) {
			if (!ro->filter && !(ro->filter = kt_filter_new())) {
				free(expr);
				goto nomem;
			}
			own_filter = !o->filter;
			r = kt_filter_add_scope(ro->filter, expr, ferr, sizeof(ferr));
		} else {
			snprintf(key, sizeof(key), "filter.%u", i);
			if (!kt_recr_meta(&rd, key, expr, elen)) {
				free(expr);
				continue;
			}
			if (!ro->filter && !(ro->filter = kt_filter_new())) {
				free(expr);
				goto nomem;
			}
			own_filter = !o->filter;
			r = kt_filter_add_event(ro->filter, expr, ferr, sizeof(ferr));
		}
		if (r < 0)
			fprintf(stderr, "ktrail: the recording's filter '%s' does not parse here (%s): "
				"not applied\n", expr, ferr);
		free(expr);
	}

	s->dec = kt_decoder_new((int)long_size, big_endian == 1);
	s->proc = kt_proc_new(NULL);
	if (!s->dec || !s->proc)
		goto nomem;
	if (kt_decoder_header_page(s->dec, rd.header_page, rd.header_page_len) < 0) {
		snprintf(err, errlen, "%s: the recorded events/header_page does not parse",
			 o->report_path);
		goto out;
	}
	for (unsigned int i = 0; i < rd.nfmts; i++)
		if (kt_decoder_add_format(s->dec, rd.fmts[i].sys, rd.fmts[i].text, rd.fmts[i].len) < 0)
			fprintf(stderr, "ktrail: %s: a recorded format of system %s does not parse: "
				"its events are left out\n", o->report_path, rd.fmts[i].sys);
	if (rd.tasks && kt_proc_load(s->proc, rd.tasks) < 0)
		fprintf(stderr, "ktrail: %s: the recorded process table is malformed: the tasks "
			"after the first bad line are unknown\n", o->report_path);

	lookup_events(s);
	for (unsigned int i = 0; i < kt_nevents; i++) {
		s->selected[i] = ro->sel.on[i];
		s->compat_on[i] = ro->sel.on[i] && compat[i];
	}
	s->plan.compat_abi = (enum kt_abi)meta_num(&rd, "compat_abi", KT_ABI_NONE);
	kt_recr_meta(&rd, "lifecycle", lifecycle, sizeof(lifecycle));
	s->want_fork = strstr(lifecycle, "fork,") && ro->sel.on[s->ev_fork - kt_events];
	s->want_exec = strstr(lifecycle, "exec,") && ro->sel.on[s->ev_exec - kt_events];
	s->want_exit = strstr(lifecycle, "exit,") && ro->sel.on[s->ev_exit_task - kt_events];
	s->f.sched_exec = meta_num(&rd, "sched_exec", 0) == 1;
	s->child = (pid_t)meta_num(&rd, "command_pid", 0);

	/* Every CPU that was recorded, also those that wrote nothing. */
	s->ncpus = rd.ncpus;
	{
		long long n = meta_num(&rd, "ncpus", 0);

		if (n > s->ncpus && n <= 4096)
			s->ncpus = (int)n;
	}
	{
		/* Each CPU with sub-buffers holds one or two of subbuf_size
		 * bytes: a description that makes that absurd is refused. */
		unsigned long long with = 0;
		uint32_t longest = 0;

		for (int i = 0; i < rd.ncpus; i++) {
			with += rd.npages[i] > 0;
			for (unsigned int j = 0; j < rd.npages[i]; j++)
				if (rd.pages[i][j].len > longest)
					longest = rd.pages[i][j].len;
		}
		if (longest > s->subbuf_size || 2 * with * s->subbuf_size > REPORT_MAX_BUFFERS) {
			snprintf(err, errlen, "%s: the description is unusable (%llu CPUs with "
				 "sub-buffers of %zu bytes, the longest stored %u bytes)",
				 o->report_path, with, s->subbuf_size, longest);
			goto out;
		}
	}
	s->cpus = calloc(s->ncpus ? s->ncpus : 1, sizeof(*s->cpus));
	s->rd_next = calloc(s->ncpus ? s->ncpus : 1, sizeof(*s->rd_next));
	if (!s->cpus || !s->rd_next)
		goto nomem;
	for (int i = 0; i < s->ncpus; i++) {
		s->cpus[i].cpu = i;
		if (i < rd.ncpus && rd.npages[i] && !(s->cpus[i].kb = kt_decoder_kbuffer_new(s->dec)))
			goto nomem;
	}
	if (outputs_open(s, err, errlen) < 0)
		goto out;
	s->pair = kt_pairer_new(s->epoch, emit_record, s);
	if (!s->pair)
		goto nomem;
	for (int i = 0; i < s->ncpus; i++)
		if (s->cpus[i].kb)
			cursor_load(s, &s->cpus[i]);
	merge(s, ~0ull);
	kt_pair_flush(s->pair);
	report_summary(s, o->report_path, res);
	if (outputs_finish(s, res, err, errlen) < 0)
		goto out;
	if (rd.damaged) {
		snprintf(err, errlen, "%s: offset %lld: %s; everything before it was decoded",
			 o->report_path, (long long)rd.damage_off, rd.damage);
		goto out;
	}
	if (s->rd_bad) {
		snprintf(err, errlen, "%s: %llu sub-buffer%s %s and %s skipped (the first: cpu %d at "
			 "offset %lld)", o->report_path, s->rd_bad, s->rd_bad > 1 ? "s" : "",
			 s->rd_read_err ? "could not be read or failed the check" :
			 "failed the check (a commit length or an event past its end)",
			 s->rd_bad > 1 ? "were" : "was", s->rd_bad_cpu, (long long)s->rd_bad_off);
		goto out;
	}
	if (!rd.ended) {
		snprintf(err, errlen, "%s: the recording has no end (ktrail record was killed, or "
			 "its disk filled): everything in its %lld bytes was decoded", o->report_path,
			 (long long)rd.size);
		goto out;
	}
	ret = KT_EXIT_OK;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	if (s->nouts)
		outputs_close(s);
	free(s->cols);
	rings_close(s);		/* the cursors' pages and kbuffers (no ring) */
	free(s->rd_next);
	kt_pairer_free(s->pair);
	kt_proc_free(s->proc);
	kt_decoder_free(s->dec);
	kt_recr_close(&rd);
	kt_catalog_machine(NULL);
	if (own_filter)
		kt_filter_free(ro->filter);
	free(ro);
	free(s);
	return ret;
}
