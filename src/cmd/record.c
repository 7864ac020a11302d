// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail record: the setup of a trace, then every sub-buffer goes to the
 * file as the kernel wrote it, after the descriptions a report needs
 * (doc/recording.md): no event is decoded here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/filter.h"
#include "ktrail/recfile.h"
#include "ktrail/util.h"
#include "session/session-local.h"

#define HOST_BE (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

struct recorder {
	struct session s;	/* first: a session is a recorder here */
	/* The descriptions kept during setup, the file. */
	char *header_page;
	size_t header_page_len;
	struct rec_format { char sys[64]; char *text; size_t len; } *fmts;
	unsigned int nfmts;
	struct kt_recw rec;
	FILE *rec_fp;		/* written through its descriptor only */
	int out_fd;		/* -o -: the standard output ktrail was given, or -1 */
	unsigned long long rec_pages, rec_bytes;
	/* The ABI helper's execs written so far (EXECS chunks), when. */
	uint32_t execs_since;
	unsigned long long execs_skipped;
	struct timespec execs_at;
	/* ROUND chunks: the latest sub-buffer time before this round, and
	 * the last ROUND written. */
	uint64_t prev_max, round_sent;
};

#define REC(s) ((struct recorder *)(s))

/* Kept for the recording (once per event). */
static int rec_keep_format(struct session *s, const char *sys, char *buf, size_t len)
{
	struct recorder *r = REC(s);
	struct rec_format *f;

	for (unsigned int i = 0; i < r->nfmts; i++) {
		if (!strcmp(r->fmts[i].sys, sys) && r->fmts[i].len == len &&
		    !memcmp(r->fmts[i].text, buf, len)) {
			free(buf);
			return 1;
		}
	}
	f = realloc(r->fmts, (r->nfmts + 1) * sizeof(*f));
	if (!f) {
		free(buf);
		return -1;
	}
	r->fmts = f;
	f = &r->fmts[r->nfmts++];
	snprintf(f->sys, sizeof(f->sys), "%s", sys);
	f->text = buf;
	f->len = len;
	return 1;
}

static bool rec_keep_header_page(struct session *s, char *buf, size_t len)
{
	REC(s)->header_page = buf;
	REC(s)->header_page_len = len;
	return true;
}

static void rec_failed(struct session *s)
{
	if (!s->write_err) {
		s->write_err = REC(s)->rec.err ? REC(s)->rec.err : EIO;
		snprintf(s->write_err_name, sizeof(s->write_err_name), "%s", s->o->record_path);
	}
}

/*
 * ktrail record: every sub-buffer goes to the file as the kernel wrote
 * it, with no decoding and no per-event work: only its header is read
 * (its length, and the loss flags for the summary).  Returns the pages
 * written, or -1; *@more: a CPU had more than a round's worth.
 */
static void rec_execs(struct session *s, bool now);

static int rec_round(struct session *s, bool *more)
{
	int long_size = kt_decoder_long_size(s->dec);
	struct recorder *rc = REC(s);
	/* What a reader of the stream may merge after this round (see
	 * doc/recording.md, ROUND): every event older than the sub-buffers
	 * read before the round, and than the last one read of each CPU
	 * that still had more. */
	uint64_t limit = rc->prev_max, round_max = rc->prev_max;
	int total = 0;

	*more = false;
	for (int i = 0; i < s->ncpus && !s->write_err; i++) {
		struct sess_cpu *c = &s->cpus[i];
		uint64_t last_ts = 0;
		int n = 0;

		if (!c->ring)
			continue;
		while (n < SESS_PAGES_PER_ROUND) {
			unsigned int skip;
			uint64_t lost;
			size_t used;
			long long missed;
			/* Straight into the writer's buffer: one copy. */
			void *pb = kt_recw_page_buf(&REC(s)->rec, s->pool.subbuf_size);
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
			/* Streaming: the time of its last event (a few ns an
			 * event), so that a reader merges everything up to it
			 * at the next round; a file: the header's time, its
			 * first event's (no work an event). */
			if (s->o->record_stdout)
				last_ts = kt_subbuf_last_ts(pb, s->pool.subbuf_size, long_size,
							    HOST_BE);
			else
				memcpy(&last_ts, pb, sizeof(last_ts));
			if (last_ts > round_max)
				round_max = last_ts;
			/* The kernel recorded is this machine: its byte order. */
			used = kt_subbuf_used(pb, s->pool.subbuf_size, long_size, HOST_BE);
			missed = lost ? (long long)lost :
				 kt_subbuf_missed(pb, s->pool.subbuf_size, long_size, HOST_BE);
			if (missed > 0)
				c->ps.src.lost_stream += missed;
			else if (missed < 0)
				c->ps.src.lost_unknown = true;
			if (kt_recw_page_commit(&REC(s)->rec, i, skip, lost, used) < 0) {
				rec_failed(s);
				break;
			}
			REC(s)->rec_pages++;
			REC(s)->rec_bytes += KT_REC_CHUNK_HDR + used;
			n++;
		}
		/* This CPU's frame of compressed sub-buffers. */
		if (!s->write_err && kt_recw_pages_end(&rc->rec) < 0)
			rec_failed(s);
		total += n;
		if (n == SESS_PAGES_PER_ROUND) {
			*more = true;
			if (last_ts < limit)
				limit = last_ts;
		}
	}
	/* The execs before what this ROUND lets a stream's reader decode:
	 * every round when streaming, else every 100 ms. */
	rec_execs(s, s->o->record_stdout);
	if (!s->write_err && limit > rc->round_sent) {
		if (kt_recw_round(&rc->rec, limit) < 0)
			rec_failed(s);
		rc->round_sent = limit;
	}
	rc->prev_max = round_max;
	if (!s->write_err && kt_recw_flush(&REC(s)->rec) < 0)
		rec_failed(s);
	return total;
}

/*
 * The ABIs of the execs the helper saw since the last time (at most
 * every 100 ms unless @now): a report cannot ask it, and without them a
 * 32-bit task that exec'd while recording would have no ABI there.  One
 * EXECS chunk of "tgid abi" lines, in the order of the execs.
 */
static void rec_execs(struct session *s, bool now)
{
	struct recorder *r = REC(s);
	struct kt_abi_exec e[KT_ABI_EXECS_BATCH];
	struct timespec ts;
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int n;

	if (!s->abi || s->write_err)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!now && (ts.tv_sec - r->execs_at.tv_sec) * 1000000000ll +
		    (ts.tv_nsec - r->execs_at.tv_nsec) < 100000000ll)
		return;
	r->execs_at = ts;
	m = open_memstream(&text, &len);
	if (!m)
		return;
	do {
		uint32_t skipped;

		n = kt_abi_helper_execs(s->abi, &r->execs_since, e, KT_ABI_EXECS_BATCH, &skipped);
		/* Overwritten before they were asked for: a gap, said once. */
		if (skipped)
			fprintf(m, "skipped %u\n", skipped);
		r->execs_skipped += skipped;
		for (int i = 0; i < n; i++)
			fprintf(m, "%d %d\n", (int)e[i].tgid, (int)e[i].abi);
	} while (n == KT_ABI_EXECS_BATCH);
	fclose(m);
	if (len && kt_recw_chunk(&r->rec, KT_REC_EXECS, text, len, NULL, 0) < 0)
		rec_failed(s);
	free(text);
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
	snprintf(v, sizeof(v), "%zu", s->pool.subbuf_size);
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
	meta_list(m, "events", s->sel->on);
	meta_list(m, "named", s->sel->named);
	meta_list(m, "compat_events", s->compat_on);
	snprintf(v, sizeof(v), "%d", (int)s->plan.compat_abi);
	kt_rec_meta_put(m, "compat_abi", v);
	/* Native tasks' calls through raw_syscalls (KT_R_RAW_SYSCALLS), and
	 * whether a task whose ABI the recording does not tell is native:
	 * no 32-bit task's call is recorded there. */
	meta_list(m, "raw_events", s->raw_on);
	snprintf(v, sizeof(v), "%d", (int)s->plan.native);
	kt_rec_meta_put(m, "native_abi", v);
	kt_rec_meta_put(m, "raw_assume_native",
			s->raw_assume_native || !s->plan.compat ? "1" : "0");
	/* The ABI of the command's program: its exec is in the recording,
	 * its ABI would not be. */
	snprintf(v, sizeof(v), "%d", s->o->argv ? (int)sess_command_abi(s) : -1);
	kt_rec_meta_put(m, "command_abi", v);
	snprintf(v, sizeof(v), "%s%s%s", s->want_fork ? "fork," : "", s->want_exec ? "exec," : "",
		 s->want_exit ? "exit," : "");
	kt_rec_meta_put(m, "lifecycle", v);
	kt_rec_meta_put(m, "sched_exec", s->f.sched_exec ? "1" : "0");
	snprintf(v, sizeof(v), "%d", (int)(s->child_k > 0 ? s->child_k : 0));
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
		snprintf(v, sizeof(v), "%s.%u", s->o->fkind[i] == KT_FK_SCOPE ? "scope" :
			 s->o->fkind[i] == KT_FK_DURATION ? "duration" : "filter", i);
		kt_rec_meta_put(m, v, s->o->fexprs[i]);
	}
	{
		time_t now = time(NULL);
		struct tm tm;

		if (gmtime_r(&now, &tm) && strftime(v, sizeof(v), "%Y-%m-%dT%H:%M:%SZ", &tm))
			kt_rec_meta_put(m, "started", v);
	}
	fclose(m);
	r = kt_recw_chunk(&REC(s)->rec, KT_REC_META, text, len, NULL, 0);
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
	if (REC(s)->out_fd >= 0) {
		REC(s)->rec_fp = fdopen(REC(s)->out_fd, "w");
		if (!REC(s)->rec_fp) {
			snprintf(err, errlen, "cannot write standard output: %s", strerror(errno));
			return -1;
		}
		REC(s)->out_fd = -1;	/* the stream's now */
	} else {
		REC(s)->rec_fp = sess_open_output(s, s->o->record_path, &seekable, err, errlen);
		if (!REC(s)->rec_fp)
			return -1;
	}
	if (kt_recw_begin_z(&REC(s)->rec, REC(s)->rec_fp, s->o->compress) < 0 || rec_meta(s) < 0 ||
	    kt_recw_chunk(&REC(s)->rec, KT_REC_HEADER_PAGE, REC(s)->header_page, REC(s)->header_page_len,
			  NULL, 0) < 0)
		goto fail;
	for (unsigned int i = 0; i < REC(s)->nfmts; i++)
		if (kt_recw_chunk(&REC(s)->rec, KT_REC_FORMAT, REC(s)->fmts[i].sys, strlen(REC(s)->fmts[i].sys) + 1,
				  REC(s)->fmts[i].text, REC(s)->fmts[i].len) < 0)
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
	if (tlen && kt_recw_chunk(&REC(s)->rec, KT_REC_PROBES, text, tlen, NULL, 0) < 0) {
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
	kt_proc_dump(s->proc, m, s->plan.compat || s->plan.raw_native, false);
	fclose(m);
	if (kt_recw_chunk(&REC(s)->rec, KT_REC_TASKS, text, tlen, NULL, 0) < 0) {
		free(text);
		goto fail;
	}
	free(text);
	if (kt_recw_flush(&REC(s)->rec) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", s->o->record_path,
		 strerror(REC(s)->rec.err ? REC(s)->rec.err : s->write_err ? s->write_err : ENOMEM));
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
		struct sess_cpu *c = &s->cpus[i];
		unsigned long long k = 0;
		char key[32], v[64];

		if (!c->ring)
			continue;
		if (kt_instance_cpu_lost(&s->in, i, &k) < 0)
			k = 0;
		snprintf(key, sizeof(key), "cpu%d", i);
		snprintf(v, sizeof(v), "kernel_lost=%llu stream_lost=%llu%s", k, c->ps.src.lost_stream,
			 c->ps.src.lost_unknown ? " unknown=1" : "");
		kt_rec_meta_put(m, key, v);
	}
	if (s->probes.n)
		kt_probes_profile(&s->f, &s->probes, stats_profile, m);
	fclose(m);
	if (kt_recw_chunk(&REC(s)->rec, KT_REC_STATS, text, len, NULL, 0) < 0 ||
	    kt_recw_chunk(&REC(s)->rec, KT_REC_END, NULL, 0, NULL, 0) < 0 ||
	    kt_recw_flush(&REC(s)->rec) < 0)
		rec_failed(s);
	free(text);
}

/* Close the recording; after a failed write, cut it back to its last
 * whole chunk (the reader reports it as incomplete). */
static void rec_close(struct session *s)
{
	if (!REC(s)->rec_fp)
		return;
	if (s->write_err && !s->o->record_stdout) {
		if (ftruncate(fileno(REC(s)->rec_fp), REC(s)->rec.good) < 0) {
			/* the message already names the write error */
		}
	}
	if (fclose(REC(s)->rec_fp) == EOF && !s->write_err) {
		REC(s)->rec.err = errno;
		rec_failed(s);
	}
	REC(s)->rec_fp = NULL;
	kt_recw_end(&REC(s)->rec);
}

static int record_round(struct session *s, bool *more)
{
	return rec_round(s, more) < 0 ? -1 : 0;
}

/*
 * A whole-system recording: the tasks started while the kernel was being
 * set up.  Live, they would be read from /proc when first seen; a report
 * cannot, so they are recorded now that tracing runs.
 */
static void record_started(struct session *s)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *m;

	if (s->o->argv || s->o->npids)
		return;
	if (kt_proc_scan_new(s->proc) > 0 && (m = open_memstream(&text, &tlen))) {
		kt_proc_dump(s->proc, m, s->plan.compat || s->plan.raw_native, true);
		fclose(m);
		if (tlen && kt_recw_chunk(&REC(s)->rec, KT_REC_TASKS, text, tlen, NULL, 0) < 0)
			rec_failed(s);
		free(text);
	}
}

/* Tracing stopped: the rest of the rings, the end of the file. */
static int record_finish(struct session *s, struct kt_session_result *res, char *err,
			 size_t errlen)
{
	bool any;
	int n;

	while ((n = rec_round(s, &any)) > 0 && !s->write_err)
		;
	if (n < 0) {
		snprintf(err, errlen, "reading the trace buffers: %s", strerror(errno));
		return -1;
	}
	rec_execs(s, true);
	rec_finish(s);
	sess_report_lost(s, res);
	sess_report_profile(s, res);
	rec_close(s);
	if (s->write_err && s->o->record_stdout) {
		snprintf(err, errlen, "writing standard output: %s%s", strerror(s->write_err),
			 s->write_err == EPIPE ? " (its reader closed it): the recording stopped "
			 "there" : "");
		return -1;
	}
	if (s->write_err) {
		snprintf(err, errlen, "writing %s: %s (the recording is kept up to its last "
			 "whole chunk)", s->write_err_name, strerror(s->write_err));
		return -1;
	}
	return 0;
}

static void record_summary(struct session *s, unsigned long long lost, const char *per_cpu)
{
	struct recorder *r = REC(s);

	char z[64] = "";

	if (r->rec.level > 0)
		snprintf(z, sizeof(z), ", compressed to %.1f MiB", r->rec.zout / 1048576.0);
	fprintf(stderr, "ktrail: %llu sub-buffers (%.1f MiB%s) %s %s, %llu events lost (%s)\n",
		r->rec_pages, r->rec_bytes / 1048576.0, z,
		s->write_err ? "recorded before the failure in" :
		s->o->record_stdout ? "recorded to" : "recorded in",
		s->o->record_path, lost, per_cpu);
}

static void record_close(struct session *s)
{
	struct recorder *r = REC(s);

	rec_close(s);
	free(r->header_page);
	r->header_page = NULL;
	for (unsigned int i = 0; i < r->nfmts; i++)
		free(r->fmts[i].text);
	free(r->fmts);
	r->fmts = NULL;
	r->nfmts = 0;
}

static const struct sess_mode record_mode = {
	.name = "record",
	.decodes = false,
	/* read() of whole sub-buffers: on this project's 6.18 VM recording
	 * through the mapping cost the IPC benchmark 2.24x against 1.68x
	 * (154 ns of tracer CPU an event against 46; bench/RESULTS.md):
	 * copying out the sub-buffer the kernel is still filling costs the
	 * traced task, and a recording needs no low latency. */
	.reader = KT_READER_READ,
	.keep_format = rec_keep_format,
	.keep_header_page = rec_keep_header_page,
	.open = rec_open,
	.started = record_started,
	.round = record_round,
	.finish = record_finish,
	.summary = record_summary,
	.close = record_close,
};

int kt_cmd_record(const struct kt_opts *o, struct kt_session_result *res, char *err,
		  size_t errlen)
{
	struct recorder *r;
	int ret, saved = -1;

	memset(res, 0, sizeof(*res));
	if (o->record_stdout) {
		/* -o -: the recording takes standard output; ktrail's and the
		 * command's own standard output become standard error. */
		if (isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "record -o -: standard output is a terminal, and a "
				 "recording is binary: pipe it (ktrail record -o - ... | ktrail "
				 "report -) or give a file");
			return KT_EXIT_USAGE;
		}
		saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (saved < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
			snprintf(err, errlen, "record -o -: standard output: %s", strerror(errno));
			if (saved >= 0)
				close(saved);
			return KT_EXIT_ERROR;
		}
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		if (saved >= 0)
			close(saved);
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	r->out_fd = saved;
	r->s.o = o;
	r->s.mode = &record_mode;
	r->s.sel = &o->sel;
	ret = sess_run(&r->s, res, err, errlen);
	if (r->out_fd >= 0)
		close(r->out_fd);	/* never opened as the recording */
	free(r);
	return ret;
}
