// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sink: records get their process context, pass the filters and go
 * to every output.  Outputs are opened safely, each row is written whole,
 * and a file whose write failed is cut back to its last whole row.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktrail/filter.h"
#include "ktrail/outfile.h"
#include "ktrail/util.h"
#include "session-local.h"

#define OUT_BUF (256 * 1024)

static void output_failed(struct session *s, struct sess_output *out)
{
	out->failed = true;
	if (!s->write_err) {
		s->write_err = errno ? errno : EIO;
		snprintf(s->write_err_name, sizeof(s->write_err_name), "%s", out->name);
	}
}

int sess_write_record(struct session *s, const struct kt_record *r)
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

static int emit_to_outputs(struct session *s, struct kt_record *r)
{
	if (s->write_err)
		return -1;
	return s->sorter ? sess_sort_push(s, r) : sess_write_record(s, r);
}

/* The process id, name and context of a record's task. */
void sess_record_task(struct kt_record *r, struct kt_proc *proc, const struct kt_task *t)
{
	r->pid = t->tgid;
	r->comm = t->comm;
	r->has_ctx = t->has_ctx;
	r->ppid = t->ppid;
	r->uid = t->uid;
	r->mntns = t->mntns;
	r->pidns = t->pidns;
	r->utsns = t->utsns;
	r->has_nsids = t->ns_known;
	r->ns_pid = t->ns_tgid;
	r->ns_tid = t->ns_tid;
	r->ns_ppid = t->ns_ppid;
	r->start_ns = t->start_ns;
	r->cgroup_id = t->cgroup_id;
	r->container = t->container;
	r->exe = kt_proc_exe(proc, t);
}

/* Pairer callback: add the process context and write. */
int sess_emit_record(struct kt_record *r, void *arg)
{
	struct session *s = arg;
	const struct kt_task *t;

	/* The command's child before its exec is ktrail's own code (the wait
	 * for tracing to start, execvp's search of PATH): not the command. */
	if (s->child > 0 && r->tid == s->child && !s->child_execd && s->f.sched_exec)
		return 0;
	if (r->ev >= kt_events && r->ev < kt_events + KT_MAX_EVENTS) {
		size_t i = r->ev - kt_events;

		s->calls[i][r->compat]++;
		if (r->state == KT_ST_NO_ENTER)
			s->no_enter[i][r->compat]++;
		else if (r->state == KT_ST_NO_EXIT)
			s->no_exit[i][r->compat]++;
	}
	t = kt_proc_get(s->proc, r->tid);

	if (t)
		sess_record_task(r, s->proc, t);
	else
		r->comm = "";
	if (s->filter) {
		unsigned int fl = (t && t->born ? KT_FM_NEW : 0) | (t && t->followed ? KT_FM_FOLLOWED : 0);

		if (!kt_filter_match(s->filter, r, fl)) {
			s->filtered++;
			return 0;
		}
	}
	if (r->state == KT_ST_COMPLETE)
		s->traced[r->ev - kt_events][r->compat]++;
	return emit_to_outputs(s, r);
}

int sess_emit_lost(struct session *s, int cpu, uint64_t ts, long long count)
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
 * 32-bit task @tgid's calls are traced from @ts on, not before (the ABI
 * helper turned raw_syscalls on at its exec): a lost_events row of the
 * task (its ids and name; like every lost_events row, no process
 * context), with no count.
 */
int sess_emit_late(struct session *s, int cpu, uint64_t ts, int tgid)
{
	const struct kt_task *t = kt_proc_get(s->proc, tgid);
	struct kt_record r = {
		.ts = ts + s->epoch,
		.cpu = cpu,
		.tid = tgid,
		.pid = tgid,
		.comm = "",
		.ev = kt_lost_event(),
		.compat = true,
		.state = KT_ST_COMPLETE,
	};

	if (t) {
		r.pid = t->tgid;
		r.comm = t->comm;
	}
	return emit_to_outputs(s, &r);
}

/* Who writes the outputs: --user, else ktrail as it was started (root
 * for a trace; whoever runs a report). */
static void sess_writer(const struct session *s, uid_t *u, gid_t *g, unsigned int *flags)
{
	*u = s->o->user ? s->uid : geteuid();
	*g = s->o->user ? s->gid : getegid();
	*flags = (s->o->overwrite ? KT_OUTFILE_OVERWRITE : 0) |
		 (s->o->output_device ? KT_OUTFILE_DEVICE : 0) |
		 (*u == 0 ? KT_OUTFILE_NO_SYMLINKS : 0);
}

/*
 * Open the file outputs safely (outfile.h) into @files, all or none: each
 * is checked against the input being reported, standard output when an
 * output writes there, and the outputs before it; nothing is truncated
 * before every one passed, and the files created are removed on failure.
 */
static int open_files(struct session *s, const char *const *paths, unsigned int n,
		      struct kt_outfile *files, char *err, size_t errlen)
{
	struct kt_fileid avoid[KT_MAX_OUTPUTS + 2];
	char what[KT_MAX_OUTPUTS + 2][320];
	unsigned int navoid = 0, flags, opened = 0;
	bool to_stdout = false;
	struct stat st;
	uid_t u;
	gid_t g;

	sess_writer(s, &u, &g, &flags);
	for (unsigned int i = 0; i < n; i++)
		to_stdout |= !paths[i];
	if (s->o->cmd == KT_CMD_REPORT && s->o->report_path &&
	    (s->o->report_stdin ? fstat(STDIN_FILENO, &st) : stat(s->o->report_path, &st)) == 0) {
		snprintf(what[navoid], sizeof(what[navoid]), "the recording being reported, %s",
			 s->o->report_path);
		avoid[navoid] = (struct kt_fileid){ st.st_dev, st.st_ino, what[navoid] };
		navoid++;
	}
	if (to_stdout && fstat(STDOUT_FILENO, &st) == 0) {
		if (navoid && avoid[0].dev == st.st_dev && avoid[0].ino == st.st_ino) {
			snprintf(err, errlen, "standard output is %s", avoid[0].what);
			return -1;
		}
		snprintf(what[navoid], sizeof(what[navoid]), "the same file as standard output");
		avoid[navoid] = (struct kt_fileid){ st.st_dev, st.st_ino, what[navoid] };
		navoid++;
	}
	for (unsigned int i = 0; i < n; i++) {
		files[i] = (struct kt_outfile){ .fd = -1, .dirfd = -1 };
		if (!paths[i])
			continue;
		if (kt_outfile_open(&files[i], paths[i], u, g, flags, KT_OUTFILE_MODE, avoid,
				    navoid, err, errlen) < 0)
			goto fail;
		opened = i + 1;
		snprintf(what[navoid], sizeof(what[navoid]), "the same file as output %s",
			 paths[i]);
		avoid[navoid] = (struct kt_fileid){ files[i].dev, files[i].ino, what[navoid] };
		navoid++;
	}
	for (unsigned int i = 0; i < n; i++)
		if (paths[i] && kt_outfile_commit(&files[i], paths[i], err, errlen) < 0) {
			opened = n;
			goto fail;
		}
	return 0;
fail:
	for (unsigned int i = 0; i < opened; i++)
		kt_outfile_abort(&files[i]);
	return -1;
}

static FILE *stream(int fd, bool seekable, const char *path, char *err, size_t errlen)
{
	FILE *fp = fdopen(fd, seekable ? "w+" : "w");

	if (!fp) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		close(fd);
	}
	return fp;
}

/* One output file (a recording), opened as the outputs are.  Returns the
 * stream, or NULL with @err set. */
FILE *sess_open_output(struct session *s, const char *path, bool *seekable,
			 char *err, size_t errlen)
{
	struct kt_outfile f;

	if (open_files(s, &path, 1, &f, err, errlen) < 0)
		return NULL;
	*seekable = f.seekable;
	return stream(f.fd, f.seekable, path, err, errlen);
}

int sess_outputs_open(struct session *s, char *err, size_t errlen)
{
	struct kt_outfile files[KT_MAX_OUTPUTS];
	const char *paths[KT_MAX_OUTPUTS];
	unsigned int n = 0;
	uint32_t own_uts = 0;

	for (unsigned int i = 0; i < s->o->noutputs; i++)
		paths[i] = s->o->outputs[i].path;
	if (open_files(s, paths, s->o->noutputs, files, err, errlen) < 0)
		return -1;
	s->cols = calloc(kt_nevents, sizeof(*s->cols));
	if (!s->cols) {
		for (unsigned int i = 0; i < s->o->noutputs; i++)
			if (paths[i])
				close(files[i].fd);
		return -1;
	}
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (s->sel->on[i])
			s->cols[n++] = &kt_events[i];
	s->cols[n++] = kt_lost_event();
	/* A report (no mode) names the recorded machine. */
	if (s->mode && gethostname(s->hostname, sizeof(s->hostname)) < 0)
		s->hostname[0] = '\0';
	/* ... of this UTS namespace (JSON's hostName of a task in another
	 * is ""); a report cannot tell */
	if (s->mode) {
		char link[64];
		ssize_t ln = readlink("/proc/self/ns/uts", link, sizeof(link) - 1);
		const char *br;

		if (ln > 0) {
			link[ln] = '\0';
			if ((br = strchr(link, '[')))
				own_uts = (uint32_t)strtoul(br + 1, NULL, 10);
		}
	}
	for (unsigned int i = 0; i < s->o->noutputs; i++) {
		const struct kt_output *ko = &s->o->outputs[i];
		struct sess_output *out = &s->outs[i];

		out->w.ops = kt_writer_find(ko->format);
		if (ko->path) {
			out->seekable = files[i].seekable;
			out->fp = stream(files[i].fd, out->seekable, ko->path, err, errlen);
			if (!out->fp) {
				for (unsigned int j = i + 1; j < s->o->noutputs; j++)
					if (paths[j])
						close(files[j].fd);
				return -1;
			}
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
		out->w.own_utsns = own_uts;
		out->w.machine = s->machine[0] ? s->machine : NULL;	/* NULL: this one */
		out->w.raw = s->o->raw;
		out->w.summary_by = (enum kt_sum_by)s->o->summary_by;
		out->w.interval_ns = s->o->interval_ns;
		s->nouts++;
	}
	if (s->o->sort && !s->sorter && sess_sort_init(s) < 0) {
		snprintf(err, errlen, "--sort: %s", strerror(errno));
		return -1;
	}
	/* Every output open: now the first bytes. */
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct sess_output *out = &s->outs[i];

		if (kt_writer_begin(&out->w) < 0 || fflush(out->fp) == EOF) {
			output_failed(s, out);
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
static off_t last_whole_row(const struct sess_output *out)
{
	bool csv = out->w.ops->quoted_newlines, quoted = false;
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

void sess_outputs_tick(struct session *s, uint64_t now)
{
	if (!s->o->interval_ns)
		return;
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct sess_output *out = &s->outs[i];

		if (!out->failed && kt_writer_tick(&out->w, now) < 0)
			output_failed(s, out);
	}
}

void sess_outputs_flush(struct session *s)
{
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct sess_output *out = &s->outs[i];

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

void sess_outputs_close(struct session *s)
{
	sess_sort_flush(s);
	for (unsigned int i = 0; i < s->nouts; i++) {
		struct sess_output *out = &s->outs[i];

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

/*
 * The message of the first write failure.  EPIPE is no fault: the
 * reader of a pipe (| head) or FIFO had what it wanted and closed it;
 * ktrail stopped there, and each other output ends with a whole row.
 */
void sess_write_error(const struct session *s, unsigned int nouts, char *err, size_t errlen)
{
	if (s->write_err == EPIPE)
		snprintf(err, errlen, "writing %s: %s (its reader closed it): stopped there%s",
			 s->write_err_name, strerror(EPIPE),
			 nouts > 1 ? ", the other outputs end with a whole row" : "");
	else
		snprintf(err, errlen, "writing %s: %s", s->write_err_name, strerror(s->write_err));
}

int sess_fail_status(const struct session *s)
{
	return s->write_err == EPIPE ? KT_EXIT_PIPE : KT_EXIT_ERROR;
}

/* Close the outputs at the end of a run: -1 with @err naming the first
 * write failure, else the records written go to @res. */
int sess_outputs_finish(struct session *s, struct kt_session_result *res, char *err,
			  size_t errlen)
{
	unsigned int n = s->nouts;

	sess_outputs_close(s);
	if (s->write_err) {
		sess_write_error(s, n, err, errlen);
		return -1;
	}
	res->records = s->records;
	return 0;
}
