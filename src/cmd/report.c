// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail report FILE: a recording through the live pipeline on any
 * machine.  The recording's index gives each CPU's sub-buffers in place
 * of a ring; the decoder takes the recorded word size and byte order,
 * the process table the recorded one; then merge, decode, pairing,
 * filters and writers as live.  A trace-cmd trace.dat goes to
 * tracedat.c.
 *
 * A report needs no privilege (priv.h): root opens the recording and the
 * outputs, reads the recording's index and description (its own code,
 * which the recording fuzzer runs) to know the columns, and drops; the
 * formats (libtraceevent), filters, process table and sub-buffers are
 * read as nobody or --user.  With no output file, it drops before it
 * reads anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktrail/buf.h"
#include "ktrail/filter.h"
#include "ktrail/recfile.h"
#include "ktrail/util.h"
#include "session/session-local.h"

#define REPORT_MAX_BUFFERS (1ull << 30)	/* sub-buffer memory a report may hold */

struct reporter {
	struct session s;	/* first */
	struct kt_recr rd;	/* the recording */
	bool stream;		/* read as it arrives (report -, not a regular file) */
	struct kt_recs rs;	/* then its reader */
	unsigned int *rd_next;	/* the next page of each CPU */
	unsigned long long rd_bad;	/* sub-buffers that failed the check */
	int rd_bad_cpu;
	off_t rd_bad_off;
	bool rd_read_err;
	struct kt_selection sel;	/* what of it is reported */
	bool compat[KT_MAX_EVENTS];	/* recorded for 32-bit tasks too */
	bool raw[KT_MAX_EVENTS];	/* native tasks' calls via raw_syscalls */
	enum kt_abi command_abi;	/* of the recorded command's program */
	bool command_execd;	/* its exec was decoded */
	struct kt_filter *own_filter;	/* the user's and the recording's */
};

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
/*
 * What a recording says, as text a terminal shows and does not obey: its
 * control characters (ESC, CR, the C1 ones) escaped as the table does
 * (kt_esc_table).  @b holds it until its next use; "?" out of memory.
 */
static const char *term_safe(struct kt_buf *b, const char *s, size_t len)
{
	b->len = 0;
	if (kt_esc_table(b, s, len) < 0 || !b->p)
		return b->p && !b->len ? b->p : "?";
	return b->p;
}

#define SAFE(b, s) term_safe(b, s, strlen(s))

/* Lines of recorded text, each made safe, each ending in a newline. */
static void print_lines(FILE *fp, const char *text)
{
	struct kt_buf b = { 0 };

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);

		fprintf(fp, "%s\n", l ? term_safe(&b, p, l) : "");
		p += l + (eol ? 1 : 0);
	}
	kt_buf_free(&b);
}

static int report_info(FILE *fp, const struct kt_recr *rd, const char *path)
{
	unsigned long long bytes = 0;
	struct kt_buf b1 = { 0 }, b2 = { 0 };

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
			fprintf(fp, "  %s: %s\n", SAFE(&b1, key), SAFE(&b2, val));
		p += l + (eol ? 1 : 0);
	}
	fprintf(fp, "event formats: %u\n", rd->nfmts);
	for (unsigned int i = 0; i < rd->nfmts; i++) {
		const char *name = strstr(rd->fmts[i].text, "name: ");

		fprintf(fp, "  %s/%s\n", SAFE(&b1, rd->fmts[i].sys),
			name ? term_safe(&b2, name + 6, strcspn(name + 6, "\n")) : "?");
	}
	if (rd->probes) {
		fprintf(fp, "kprobes:\n");
		print_lines(fp, rd->probes);
	}
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
	fprintf(fp, "%s; %llu in all (%llu bytes)", rd->ncpus ? "" : " none", rd->total_pages,
		bytes);
	if (rd->zchunks)
		fprintf(fp, " in %llu zstd chunks (%llu bytes)", rd->zchunks, rd->zbytes);
	fputc('\n', fp);
	if (rd->stats) {
		fprintf(fp, "at the end:\n");
		print_lines(fp, rd->stats);
	}
	kt_buf_free(&b1);
	kt_buf_free(&b2);
	return rd->damaged || !rd->ended ? KT_EXIT_ERROR : KT_EXIT_OK;
}

/* The kernel's counts at the end of the recording, against the stream's. */
static void report_summary(struct reporter *rp, const char *path, struct kt_session_result *res)
{
	struct session *s = &rp->s;
	unsigned long long total = 0;
	char line[2048], host[256] = "", rel[256] = "", mach[64] = "", ver[64] = "";
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < s->ncpus; i++) {
		struct sess_cpu *c = &s->cpus[i];
		unsigned long long k = 0, lost;
		char key[32], v[256];

		if (rp->rd.stats) {
			/* the STATS chunk is key=value lines too */
			struct kt_recr tmp = { .meta = rp->rd.stats };

			snprintf(key, sizeof(key), "cpu%d", i);
			if (kt_recr_meta(&tmp, key, v, sizeof(v)))
				sscanf(v, "kernel_lost=%llu", &k);
		}
		lost = k > c->ps.src.lost_stream ? k : c->ps.src.lost_stream;
		if (k > c->ps.src.lost_stream)
			sess_emit_lost(s, i, s->last_ts, k - c->ps.src.lost_stream);
		total += lost;
		if (used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%scpu%d %llu%s",
					 used ? ", " : "", i, lost, c->ps.src.lost_unknown ? "+" : "");
	}
	/* kprobes that missed hits while recording */
	for (const char *p = rp->rd.stats; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		char name[160];
		unsigned long long hits, missed;

		/* As live: only the misses that left a hole in the calls. */
		if (sscanf(p, "kprobe.%159[^=]=hits=%llu missed=%llu", name, &hits, &missed) == 3 &&
		    (missed = sess_probe_owned(s, name, missed))) {
			total += missed;
			struct kt_buf b = { 0 };

			fprintf(stderr, "ktrail: kprobe %s missed %llu hits while recording: those "
				"calls are incomplete or missing\n", SAFE(&b, name), missed);
			kt_buf_free(&b);
		}
		p += l + (eol ? 1 : 0);
	}
	res->lost = total;
	kt_recr_meta(&rp->rd, "hostname", host, sizeof(host));
	kt_recr_meta(&rp->rd, "kernel_release", rel, sizeof(rel));
	kt_recr_meta(&rp->rd, "machine", mach, sizeof(mach));
	kt_recr_meta(&rp->rd, "ktrail_version", ver, sizeof(ver));
	if (!s->o->quiet || total) {
		/* The recording's words, made safe for the terminal. */
		struct kt_buf b[4] = { { 0 } };

		fprintf(stderr, "ktrail: %llu records %s from %s (recorded on %s, Linux %s %s, "
			"ktrail %s), %llu events lost (%s)\n", s->records,
			s->write_err ? "decoded" : "written", path,
			host[0] ? SAFE(&b[0], host) : "?", rel[0] ? SAFE(&b[1], rel) : "?",
			mach[0] ? SAFE(&b[2], mach) : "?", ver[0] ? SAFE(&b[3], ver) : "?", total,
			line);
		for (int i = 0; i < 4; i++)
			kt_buf_free(&b[i]);
	}
	if (s->unattributed && !s->o->quiet)
		fprintf(stderr,
			"ktrail: %llu raw_syscalls events of tasks whose ABI the recording does not "
			"tell were left out\n", s->unattributed);
	sess_report_late(s, true);
}

/*
 * The filters that hold: the report's own (-e, --scope), and the
 * recording's again (the kernel applied only part of them), ANDed.  With
 * none recorded, the user's filter as it is; else a filter of its own,
 * the user's expressions first.  Returns 0, or -1 out of memory.
 */
/*
 * The recorded execs' ABIs as the process table's ABI source.  A stream
 * brings its EXECS chunks as it goes (each before the ROUND that lets
 * their execs be decoded): the text is read again when it has grown.
 */
struct rep_execs {
	struct reporter *rp;
	const struct kt_recr *rd;
	struct kt_rec_execs *x;
	size_t had;		/* the length of rd->execs read */
	const char *path;
	bool quiet, said_skip;
};

static void execs_update(struct rep_execs *e)
{
	size_t len = e->rd->execs ? e->rd->execs_len : 0, bad;

	if (len == e->had)
		return;
	e->had = len;
	if (kt_rec_execs_add(e->x, e->rd->execs, &bad) < 0)
		return;	/* out of memory: these ABIs stay unknown */
	if (bad)
		fprintf(stderr, "ktrail: %s: the recorded execs are malformed at line %zu: the "
			"ABIs of the execs after it are unknown\n", e->path, bad);
	if (kt_rec_execs_skipped(e->x) && !e->quiet && !e->said_skip) {
		e->said_skip = true;
		fprintf(stderr, "ktrail: %s: execs came too fast for the ABI helper while "
			"recording (%llu of them): their ABIs are unknown\n", e->path,
			kt_rec_execs_skipped(e->x));
	}
}

static enum kt_abi execs_abi(void *arg, int tgid, bool exec)
{
	struct rep_execs *e = arg;

	struct reporter *rp = e->rp;
	enum kt_abi abi;

	if (!exec)
		return KT_ABI_NONE;
	execs_update(e);
	abi = kt_rec_execs_take(e->x, tgid);
	/* The recorded command's first exec: its program's ABI is in the
	 * description too (command_abi), for a recording without EXECS. */
	if (tgid == rp->s.child_k && rp->s.child_k > 0 && !rp->command_execd) {
		rp->command_execd = true;
		if (abi == KT_ABI_NONE && rp->command_abi >= 0 && rp->command_abi < KT_ABI_MAX)
			abi = rp->command_abi;
	}
	return abi;
}

static void execs_release(void *arg)
{
	struct rep_execs *e = arg;

	kt_rec_execs_free(e->x);
	free(e);
}

static int report_execs(struct reporter *rp)
{
	struct kt_abi_source src = { execs_abi, execs_release, NULL };
	struct rep_execs *e = calloc(1, sizeof(*e));
	size_t bad;

	if (!e || !(e->x = kt_rec_execs_parse("", &bad))) {
		free(e);
		return -1;
	}
	e->rp = rp;
	e->rd = &rp->rd;
	e->path = rp->s.o->report_path;
	e->quiet = rp->s.o->quiet;
	src.arg = e;
	kt_proc_set_abi_source(rp->s.proc, &src);
	return 0;
}

static int report_filters(struct reporter *rp)
{
	const struct kt_opts *o = rp->s.o;
	const struct kt_recr *rd = &rp->rd;
	size_t elen = strlen(rd->meta) + 1;
	char *expr = malloc(elen);
	char ferr[512];

	rp->s.filter = o->filter;
	if (!expr)
		return -1;
	static const struct {
		const char *key;
		enum kt_fkind kind;
	} kinds[] = {
		{ "scope", KT_FK_SCOPE }, { "filter", KT_FK_EVENT }, { "duration", KT_FK_DURATION },
	};

	for (unsigned int i = 0; i < KT_MAX_FEXPRS; i++) {
		enum kt_fkind kind = KT_FK_EVENT;
		bool found = false;
		char key[32];
		int r;

		for (size_t k = 0; k < KT_ARRAY_SIZE(kinds) && !found; k++) {
			snprintf(key, sizeof(key), "%s.%u", kinds[k].key, i);
			found = kt_recr_meta(rd, key, expr, elen);
			kind = kinds[k].kind;
		}
		if (!found)
			continue;
		if (!rp->own_filter) {
			if (!(rp->own_filter = kt_filter_new())) {
				free(expr);
				return -1;
			}
			for (unsigned int j = 0; j < o->nfexprs; j++) {
				if (kt_filter_add(rp->own_filter, o->fkind[j], o->fexprs[j], ferr,
						  sizeof(ferr)) < 0)
					fprintf(stderr, "ktrail: filter '%s': %s\n", o->fexprs[j], ferr);
			}
			rp->s.filter = rp->own_filter;
		}
		r = kt_filter_add(rp->own_filter, kind, expr, ferr, sizeof(ferr));
		if (r < 0)
			fprintf(stderr, "ktrail: the recording's filter '%s' does not parse here (%s): "
				"not applied\n", expr, ferr);
	}
	free(expr);
	return 0;
}

/* The next sub-buffer of @ps's CPU from the recording (a refill). */
static void rd_fill(void *arg, struct kt_page_src *ps)
{
	struct reporter *rp = arg;
	struct session *s = &rp->s;
	int cpu = ps->src.cpu;
	unsigned int i = rp->rd_next[cpu];
	const struct kt_rec_page *pg;
	struct kt_page *p;

again:
	if (cpu >= rp->rd.ncpus || i >= rp->rd.npages[cpu])
		return;
	p = kt_page_get(&s->pool);
	if (!p)
		return;
	pg = &rp->rd.pages[cpu][i];
	rp->rd_next[cpu]++;
	if (kt_recr_page(&rp->rd, cpu, i, p->data, s->pool.subbuf_size) < 0) {
		rp->rd_read_err = true;
		if (!rp->rd_bad++) {
			rp->rd_bad_cpu = cpu;
			rp->rd_bad_off = pg->off;
		}
		kt_page_put(&s->pool, p);
		i++;
		goto again;
	}
	p->off = pg->off;
	p->skip = pg->skip;
	p->lost = pg->lost;
	kt_page_src_append(ps, p);
}

/* A sub-buffer that fails kt_subbuf_valid() is skipped, counted and
 * named at the end. */
static void rd_bad_page(void *arg, struct kt_page_src *ps, const struct kt_page *p)
{
	struct reporter *rp = arg;

	if (!rp->rd_bad++) {
		rp->rd_bad_cpu = ps->src.cpu;
		rp->rd_bad_off = p->off;
	}
}

/*
 * The recording's description: layout, selection (the columns), the
 * decoder's header page; everything that may refuse the file before an
 * output is written.
 */
static int report_describe(struct reporter *rp, char *err, size_t errlen)
{
	struct session *s = &rp->s;
	const struct kt_opts *o = s->o;
	struct kt_recr *rd = &rp->rd;
	bool recorded[KT_MAX_EVENTS] = { false };
	long long long_size, big_endian, subbuf;
	/* Each CPU with sub-buffers holds one or two of subbuf_size bytes: a
	 * description that makes that absurd is refused. */
	unsigned long long with = 0;
	uint32_t longest = 0;

	if (!rd->meta || !rd->header_page) {
		snprintf(err, errlen, "%s: no %s chunk%s%s", o->report_path,
			 rd->meta ? "HEADER_PAGE" : "META", rd->damaged ? " before the damage: " : "",
			 rd->damaged ? rd->damage : "");
		return KT_EXIT_ERROR;
	}
	long_size = meta_num(rd, "long_size", 0);
	big_endian = meta_num(rd, "big_endian", -1);
	subbuf = meta_num(rd, "subbuf_size", 0);
	if ((long_size != 4 && long_size != 8) || (big_endian != 0 && big_endian != 1) ||
	    subbuf < 16 || subbuf > KT_REC_MAX_PAGE) {
		snprintf(err, errlen, "%s: the description is unusable (long_size %lld, "
			 "big_endian %lld, subbuf_size %lld)", o->report_path, long_size,
			 big_endian, subbuf);
		return KT_EXIT_ERROR;
	}
	s->pool.subbuf_size = subbuf;
	s->pool.long_size = (int)long_size;
	s->pool.big_endian = big_endian == 1;
	s->epoch = meta_num(rd, "epoch_ns", 0);
	/* Event ids and flag values as the recorded machine has them. */
	if (kt_recr_meta(rd, "machine", s->machine, sizeof(s->machine)))
		kt_catalog_machine(s->machine);
	kt_recr_meta(rd, "hostname", s->hostname, sizeof(s->hostname));

	/* What was recorded, and what of it is reported. */
	meta_events(rd, "events", recorded, o->quiet);
	meta_events(rd, "compat_events", rp->compat, true);
	meta_events(rd, "raw_events", rp->raw, true);
	if (sess_report_select(o, recorded, &rp->sel, err, errlen) < 0)
		return KT_EXIT_USAGE;
	s->sel = &rp->sel;
	for (int i = 0; i < rd->ncpus; i++) {
		with += rd->npages[i] > 0;
		for (unsigned int j = 0; j < rd->npages[i]; j++)
			if (rd->pages[i][j].len > longest)
				longest = rd->pages[i][j].len;
	}
	if (longest > s->pool.subbuf_size || 2 * with * s->pool.subbuf_size > REPORT_MAX_BUFFERS) {
		snprintf(err, errlen, "%s: the description is unusable (%llu CPUs with "
			 "sub-buffers of %zu bytes, the longest stored %u bytes)",
			 o->report_path, with, s->pool.subbuf_size, longest);
		return KT_EXIT_ERROR;
	}
	s->dec = kt_decoder_new((int)long_size, big_endian == 1);
	if (!s->dec) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	if (kt_decoder_header_page(s->dec, rd->header_page, rd->header_page_len) < 0) {
		snprintf(err, errlen, "%s: the recorded events/header_page does not parse",
			 o->report_path);
		return KT_EXIT_ERROR;
	}
	return 0;
}

/* Then, with no privilege: the recorded formats, filters, process table. */
static int report_decode(struct reporter *rp, char *err, size_t errlen)
{
	struct session *s = &rp->s;
	const struct kt_opts *o = s->o;
	struct kt_recr *rd = &rp->rd;
	char lifecycle[64] = "";

	if (report_filters(rp) < 0)
		goto nomem;
	s->proc = kt_proc_new(NULL);
	if (!s->proc)
		goto nomem;
	for (unsigned int i = 0; i < rd->nfmts; i++)
		if (kt_decoder_add_format(s->dec, rd->fmts[i].sys, rd->fmts[i].text,
					  rd->fmts[i].len) < 0)
			fprintf(stderr, "ktrail: %s: a recorded format of system %s does not parse: "
				"its events are left out\n", o->report_path, rd->fmts[i].sys);
	if (rd->tasks && kt_proc_load(s->proc, rd->tasks) < 0)
		fprintf(stderr, "ktrail: %s: the recorded process table is malformed: the tasks "
			"after the first bad line are unknown\n", o->report_path);
	if (report_execs(rp) < 0)
		goto nomem;

	sess_lookup_events(s);
	for (unsigned int i = 0; i < kt_nevents; i++) {
		s->selected[i] = s->sel->on[i];
		s->compat_on[i] = s->sel->on[i] && rp->compat[i];
		s->raw_on[i] = s->sel->on[i] && rp->raw[i];
		s->plan.raw_native |= s->raw_on[i];
	}
	s->plan.compat_abi = (enum kt_abi)meta_num(rd, "compat_abi", KT_ABI_NONE);
	s->plan.native = (enum kt_abi)meta_num(rd, "native_abi", KT_ABI_NONE);
	s->raw_assume_native = meta_num(rd, "raw_assume_native", 0) == 1;
	rp->command_abi = (enum kt_abi)meta_num(rd, "command_abi", KT_ABI_NONE);
	kt_recr_meta(rd, "lifecycle", lifecycle, sizeof(lifecycle));
	s->want_fork = strstr(lifecycle, "fork,") && s->sel->on[s->ev_fork - kt_events];
	s->want_exec = strstr(lifecycle, "exec,") && s->sel->on[s->ev_exec - kt_events];
	s->want_exit = strstr(lifecycle, "exit,") && s->sel->on[s->ev_exit_task - kt_events];
	s->f.sched_exec = meta_num(rd, "sched_exec", 0) == 1;
	s->child = (pid_t)meta_num(rd, "command_pid", 0);
	s->child_k = s->child;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return KT_EXIT_ERROR;
}

/* Every CPU that was recorded, also those that wrote nothing, as a
 * merge source fed from the recording. */
static int report_sources(struct reporter *rp, char *err, size_t errlen)
{
	struct session *s = &rp->s;
	const struct kt_recr *rd = &rp->rd;
	int ncpus = rd->ncpus;
	long long n = meta_num(rd, "ncpus", 0);

	if (n > ncpus && n <= 4096)
		ncpus = (int)n;
	rp->rd_next = calloc(ncpus ? ncpus : 1, sizeof(*rp->rd_next));
	if (!rp->rd_next || sess_cpus_alloc(s, ncpus) < 0)
		goto nomem;
	sess_sink_init(s);
	s->pool.refill = rd_fill;
	s->pool.bad = rd_bad_page;
	s->pool.arg = rp;
	if (rp->stream)
		s->pool.refill = NULL;	/* pages are pushed as they arrive */
	for (int i = 0; i < s->ncpus; i++) {
		s->srcs[i] = &s->cpus[i].ps.src;
		if ((rp->stream || (i < rd->ncpus && rd->npages[i])) &&
		    !(s->cpus[i].ps.kb = kt_decoder_kbuffer_new(s->dec)))
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return KT_EXIT_ERROR;
}

/* After the last row: what was wrong with the file, if anything. */
static int report_verdict(const struct reporter *rp, char *err, size_t errlen)
{
	const struct kt_recr *rd = &rp->rd;
	const char *path = rp->s.o->report_path;

	if (rd->damaged) {
		snprintf(err, errlen, "%s: offset %lld: %s; everything before it was decoded",
			 path, (long long)rd->damage_off, rd->damage);
		return KT_EXIT_ERROR;
	}
	if (rp->rd_bad) {
		snprintf(err, errlen, "%s: %llu sub-buffer%s %s and %s skipped (the first: cpu %d at "
			 "offset %lld)", path, rp->rd_bad, rp->rd_bad > 1 ? "s" : "",
			 rp->rd_read_err ? "could not be read or failed the check" :
			 "failed the check (a commit length or an event past its end)",
			 rp->rd_bad > 1 ? "were" : "was", rp->rd_bad_cpu, (long long)rp->rd_bad_off);
		return KT_EXIT_ERROR;
	}
	if (!rd->ended) {
		snprintf(err, errlen, "%s: the recording has no end (ktrail record was killed, or "
			 "its disk filled): everything in its %lld bytes was decoded", path,
			 (long long)rd->size);
		return KT_EXIT_ERROR;
	}
	return KT_EXIT_OK;
}

/* The sub-buffers a stream may hold before they are merged anyway. */
#define REPORT_MAX_STREAM (256ull << 20)

/*
 * A stream: each sub-buffer goes to its CPU's source as it arrives; at
 * each ROUND, every event older than its time is merged and written (all
 * of them are in the stream by then), and the outputs are flushed.  A
 * stream without ROUND chunks (version 1) is merged when its end comes,
 * or when it holds REPORT_MAX_STREAM of sub-buffers.  Returns 0, or -1
 * out of memory.
 */
static int report_stream(struct reporter *rp)
{
	struct session *s = &rp->s;
	struct kt_recs_item it;
	unsigned long long held = 0;
	int k = 0;

	while (!s->write_err && !sess_stop && (k = kt_recs_next(&rp->rs, &it)) > 0) {
		struct kt_page *p;

		if (it.type == KT_REC_TASKS) {
			char *text = strndup((const char *)it.data, it.len);

			if (!text)
				return -1;
			if (kt_proc_load(s->proc, text) < 0)
				fprintf(stderr, "ktrail: %s: a recorded process table is malformed\n",
					s->o->report_path);
			free(text);
			continue;
		}
		if (it.type == KT_REC_ROUND) {
			kt_merge(s->srcs, s->ncpus, it.ts, &s->sink, &s->last_ts);
			sess_outputs_flush(s);
			held = 0;
			for (int i = 0; i < s->ncpus; i++)
				for (struct kt_page *q = s->cpus[i].ps.head; q; q = q->next)
					held += s->pool.subbuf_size;
			continue;
		}
		if (it.cpu >= (unsigned int)s->ncpus || it.len > s->pool.subbuf_size) {
			/* A sub-buffer no CPU of the description has, or too long. */
			if (!rp->rd_bad++) {
				rp->rd_bad_cpu = (int)it.cpu;
				rp->rd_bad_off = it.off;
			}
			continue;
		}
		p = kt_page_get(&s->pool);
		if (!p)
			return -1;
		memcpy(p->data, it.data, it.len);
		memset(p->data + it.len, 0, s->pool.subbuf_size - it.len);
		p->off = it.off;
		p->skip = it.skip;
		p->lost = it.lost;
		kt_page_src_push(&s->cpus[it.cpu].ps, p);
		held += s->pool.subbuf_size;
		if (held > REPORT_MAX_STREAM) {
			kt_merge(s->srcs, s->ncpus, ~0ull, &s->sink, &s->last_ts);
			sess_outputs_flush(s);
			held = 0;
		}
	}
	return k < 0 ? -1 : 0;
}

static int report(struct reporter *rp, struct kt_session_result *res, char *err, size_t errlen)
{
	struct session *s = &rp->s;
	int ret;

	if (s->o->info) {
		if (rp->stream) {
			struct kt_recs_item it;
			int k;

			while ((k = kt_recs_next(&rp->rs, &it)) > 0)
				;
			if (k < 0) {
				snprintf(err, errlen, "out of memory");
				return KT_EXIT_ERROR;
			}
		}
		return report_info(stdout, &rp->rd, s->o->report_path);
	}
	ret = report_describe(rp, err, errlen);
	if (ret)
		return ret;
	if (sess_outputs_open(s, err, errlen) < 0)
		return sess_fail_status(s);
	if (sess_report_drop(s, err, errlen) < 0)
		return KT_EXIT_ERROR;
	ret = report_decode(rp, err, errlen);
	if (!ret)
		ret = report_sources(rp, err, errlen);
	if (ret)
		return ret;
	s->pair = kt_pairer_new(s->epoch, sess_emit_record, s);
	if (!s->pair) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	if (rp->stream) {
		if (report_stream(rp) < 0) {
			snprintf(err, errlen, "out of memory");
			return KT_EXIT_ERROR;
		}
	} else {
		for (int i = 0; i < s->ncpus; i++)
			if (s->cpus[i].ps.kb)
				kt_page_src_load(&s->cpus[i].ps);
	}
	kt_merge(s->srcs, s->ncpus, ~0ull, &s->sink, &s->last_ts);
	kt_pair_flush(s->pair);
	sess_sort_flush(s);	/* --sort: the rest, before any count */
	report_summary(rp, s->o->report_path, res);
	if (sess_outputs_finish(s, res, err, errlen) < 0)
		return sess_fail_status(s);
	return report_verdict(rp, err, errlen);
}

int kt_cmd_report(const struct kt_opts *o, struct kt_session_result *res, char *err,
		  size_t errlen)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	struct reporter *rp;
	struct session *s;
	struct stat st;
	bool stream;
	int ret, fd;

	memset(res, 0, sizeof(*res));
	if (o->report_stdin) {
		/* report -: standard input, a pipe read as it arrives (a
		 * regular file there is read as any file). */
		if (isatty(STDIN_FILENO)) {
			snprintf(err, errlen, "report -: standard input is a terminal: pipe a "
				 "recording into it (ktrail record -o - ... | ktrail report -)");
			return KT_EXIT_USAGE;
		}
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			snprintf(err, errlen, "report -: standard input: %s", strerror(errno));
			return KT_EXIT_ERROR;
		}
	} else {
		/* Not blocking on a FIFO: only a regular file is read here. */
		fd = open(o->report_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open %s: %s", o->report_path, strerror(errno));
			return KT_EXIT_ERROR;
		}
	}
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !o->report_stdin)) {
		snprintf(err, errlen, "%s is not a regular file (a pipe is read as standard "
			 "input: ktrail report - < PIPE)", o->report_path);
		close(fd);
		return KT_EXIT_ERROR;
	}
	stream = !S_ISREG(st.st_mode);
	/* A closed pipe is EPIPE, not death (sess_write_error). */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	if (!stream && kt_is_tracedat(fd)) {
		ret = kt_cmd_report_tracedat(o, fd, res, err, errlen);
		sigaction(SIGPIPE, &old_pipe, NULL);
		return ret;
	}
	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		close(fd);
		sigaction(SIGPIPE, &old_pipe, NULL);
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	s = &rp->s;
	rp->stream = stream;
	rp->rs.index = o->info;
	s->o = o;
	s->sel = &o->sel;
	s->filter = o->filter;
	/* No output file to open: nothing of the file is read as root. */
	if (sess_report_user(s, err, errlen) < 0 ||
	    (!sess_report_files(o) && sess_report_drop(s, err, errlen) < 0) ||
	    (stream ? kt_recs_open(&rp->rs, &rp->rd, fd, err, errlen) :
		      kt_recr_open_fd(&rp->rd, fd, err, errlen)) < 0) {
		close(fd);
		free(rp);
		sigaction(SIGPIPE, &old_pipe, NULL);
		return KT_EXIT_ERROR;
	}
	ret = report(rp, res, err, errlen);
	if (s->nouts)
		sess_outputs_close(s);
	free(s->cols);
	sess_rings_close(s);	/* the cursors' pages and kbuffers (no ring) */
	free(rp->rd_next);
	kt_pairer_free(s->pair);
	kt_proc_free(s->proc);
	kt_decoder_free(s->dec);
	kt_recs_close(&rp->rs);
	kt_recr_close(&rp->rd);
	kt_catalog_machine(NULL);
	kt_filter_free(rp->own_filter);
	free(rp);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return ret;
}
