// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CSV (RFC 4180) with a header row, one column scheme for all events:
 *
 *   timestamp,processorId,processId,threadId,processName,
 *   parentProcessId,userId,mountNamespace,pidNamespace,eventId,
 *   eventName,isCompat,state,returnValue,duration,<arg columns>
 *
 * duration is the call's, entry to exit, in nanoseconds, empty when the
 * record has none (kt_record_duration: not complete, not a call).
 * The process context columns are empty when the process table does not
 * know the task (and a namespace when it could not be read).  The argument
 * columns are the distinct argument names over w->events, in the order the
 * events and their arguments come; events that share an argument name
 * share its column.  A flag or enum argument holds its text
 * (O_RDWR|O_CREAT, IPC_CREAT|0600, AT_FDCWD: flags.h), or its number when
 * w->raw; pointers are 0x hex, other integers decimal, a bool true or
 * false.  Every row has as many fields as the header, so the file loads
 * as it is into sqlite3 .import, DuckDB and pandas.  The layout is
 * computed once in begin(); a row is built in one reused buffer and
 * written with a single fwrite.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktrail/util.h"
#include "ktrail/writer.h"

#define PUT_LIT(b, s) kt_buf_put((b), (s), sizeof(s) - 1)

static const char *const fixed_cols[] = {
	"timestamp", "processorId", "processId", "threadId", "processName",
	"parentProcessId", "userId", "mountNamespace", "pidNamespace",
	"eventId", "eventName", "isCompat", "state", "returnValue",
	"duration",
};

static const char header_fixed[] =
	"timestamp,processorId,processId,threadId,processName,"
	"parentProcessId,userId,mountNamespace,pidNamespace,"
	"eventId,eventName,isCompat,state,returnValue,duration";

struct csv_priv {
	struct kt_buf row;
	unsigned int ncols;		/* argument columns */
	int *slot;			/* kt_events index -> w->events index */
	/* [event]: its argument columns in order, each with the number of
	 * commas before its value (the empty columns since the last one, and
	 * its own), and the commas after the last. */
	struct csv_run {
		unsigned char n;
		struct {
			unsigned short commas;
			signed char arg;
			unsigned char fmt;	/* enum kt_fmt (without w->raw) */
		} col[KT_MAX_ARGS];
		unsigned short tail;
		/* "<eventId>,<eventName>", the same in each of its rows */
		char head[80];
		unsigned char headlen;
	} *runs;
	/* The last row's process columns, "pid,tid,comm,ppid,uid,mntns,
	 * pidns," as written, and what they were written from: a task's rows
	 * mostly follow one another. */
	struct {
		bool valid, pseudo, has_ctx;
		int pid, tid, ppid;
		uint32_t uid, mntns, pidns;
		char comm[32];
		struct kt_buf text;
	} task;
};

static void csv_free(struct csv_priv *c)
{
	if (!c)
		return;
	kt_buf_free(&c->row);
	free(c->slot);
	free(c->runs);
	kt_buf_free(&c->task.text);
	free(c);
}

static unsigned int nargs_of(const struct kt_event_def *ev)
{
	return ev->nargs < KT_MAX_ARGS ? ev->nargs : KT_MAX_ARGS;
}

/* An argument column named like a fixed one (sqlite ignores case). */
static bool clashes(const char *name)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(fixed_cols); i++)
		if (!strcasecmp(name, fixed_cols[i]))
			return true;
	return false;
}

static int csv_header(struct kt_writer *w, struct csv_priv *c,
		      const char *const *names)
{
	struct kt_buf *b = &c->row;
	int err = 0;

	b->len = 0;
	err |= PUT_LIT(b, header_fixed);
	for (unsigned int i = 0; i < c->ncols; i++) {
		err |= kt_buf_putc(b, ',');
		if (clashes(names[i]))
			err |= PUT_LIT(b, "arg_");
		err |= kt_esc_csv(b, names[i], strlen(names[i]));
	}
	err |= kt_buf_putc(b, '\n');
	if (err)
		return -1;
	return kt_writer_put(w, b);
}

/* "<eventId>,<eventName>" of @ev into @run, when it fits (else the
 * row writes it each time). */
static int run_head(struct csv_run *run, const struct kt_event_def *ev)
{
	struct kt_buf h = { 0 };
	int rc = 0;

	if (kt_buf_i64(&h, kt_event_id(ev)) < 0 || kt_buf_putc(&h, ',') < 0 ||
	    kt_esc_csv(&h, ev->name, strlen(ev->name)) < 0)
		rc = -1;
	else if (h.len < sizeof(run->head)) {
		memcpy(run->head, h.p, h.len);
		run->headlen = (unsigned char)h.len;
	}
	kt_buf_free(&h);
	return rc;
}

static int csv_begin(struct kt_writer *w)
{
	unsigned int ne = w->nevents, maxcols = ne * KT_MAX_ARGS;
	unsigned short *colof = NULL;	/* [event][arg]: column */
	signed char *argof = NULL;	/* [event][column]: arg index or -1 */
	const char **names = NULL;
	struct csv_priv *c;
	int saved;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	names = calloc(maxcols + 1, sizeof(*names));
	colof = calloc((size_t)ne * KT_MAX_ARGS + 1, sizeof(*colof));
	c->slot = malloc(kt_nevents * sizeof(*c->slot));
	if (!names || !colof || !c->slot)
		goto fail;
	for (unsigned int i = 0; i < kt_nevents; i++)
		c->slot[i] = -1;

	for (unsigned int e = 0; e < ne; e++) {
		const struct kt_event_def *ev = w->events[e];
		ptrdiff_t idx = ev - kt_events;

		if (idx >= 0 && idx < (ptrdiff_t)kt_nevents && c->slot[idx] < 0)
			c->slot[idx] = e;
		for (unsigned int a = 0; a < nargs_of(ev); a++) {
			const char *name = ev->args[a].name;
			unsigned int col = 0;

			while (col < c->ncols && strcmp(names[col], name))
				col++;
			if (col == c->ncols)
				names[c->ncols++] = name;
			colof[e * KT_MAX_ARGS + a] = col;
		}
	}

	argof = malloc((size_t)ne * c->ncols + 1);
	if (!argof)
		goto fail;
	memset(argof, -1, (size_t)ne * c->ncols);
	for (unsigned int e = 0; e < ne; e++)
		for (unsigned int a = 0; a < nargs_of(w->events[e]); a++)
			argof[e * c->ncols + colof[e * KT_MAX_ARGS + a]] = a;
	c->runs = calloc((size_t)ne + 1, sizeof(*c->runs));
	if (!c->runs)
		goto fail;
	for (unsigned int e = 0; e < ne; e++) {
		struct csv_run *run = &c->runs[e];
		unsigned int commas = 0;

		for (unsigned int col = 0; col < c->ncols; col++) {
			signed char a = argof[e * c->ncols + col];

			commas++;
			if (a < 0)
				continue;
			run->col[run->n].commas = (unsigned short)commas;
			run->col[run->n].arg = a;
			run->col[run->n].fmt = (unsigned char)kt_arg_fmt(w->events[e], a);
			run->n++;
			commas = 0;
		}
		run->tail = (unsigned short)commas;
		if (run_head(run, w->events[e]) < 0)
			goto fail;
	}

	if (csv_header(w, c, names) < 0)
		goto fail;
	free(names);
	free(colof);
	free(argof);
	w->priv = c;
	return 0;
fail:
	saved = errno;
	free(names);
	free(colof);
	free(argof);
	csv_free(c);
	errno = saved;
	return -1;
}

/* The position of @ev in w->events, or -1. */
static int csv_slot(const struct kt_writer *w, const struct csv_priv *c,
		    const struct kt_event_def *ev)
{
	ptrdiff_t idx = ev - kt_events;

	if (idx >= 0 && idx < (ptrdiff_t)kt_nevents)
		return c->slot[idx];
	for (unsigned int e = 0; e < w->nevents; e++)
		if (w->events[e] == ev)
			return e;
	return -1;
}

/* @n commas (the empty columns of a row). */
static int put_commas(struct kt_buf *b, unsigned int n)
{
	/* 64 commas, and the literal's NUL, which is never written. */
	static const char commas[] = ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
				     ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,";
	const unsigned int max = sizeof(commas) - 1;

	while (n > max) {
		if (kt_buf_put(b, commas, max) < 0)
			return -1;
		n -= max;
	}
	return kt_buf_put(b, commas, n);
}

static const struct kt_value_style csv_style = {
	.str = kt_esc_csv,
	.none = "",
	.quote = "",
};

/* The process columns of @r, each followed by its comma. */
static int task_text(struct kt_buf *b, const struct kt_record *r, bool pseudo)
{
	const char *comm = r->comm ? r->comm : "";
	int err = 0;

	if (!pseudo || r->pid)
		err |= kt_buf_i64(b, r->pid);
	err |= kt_buf_putc(b, ',');
	if (!pseudo || r->tid)
		err |= kt_buf_i64(b, r->tid);
	err |= kt_buf_putc(b, ',');
	err |= kt_esc_csv(b, comm, strlen(comm));
	err |= kt_buf_putc(b, ',');
	if (r->has_ctx) {
		err |= kt_buf_i64(b, r->ppid);
		err |= kt_buf_putc(b, ',');
		err |= kt_buf_u64(b, r->uid);
		err |= kt_buf_putc(b, ',');
		if (r->mntns)
			err |= kt_buf_u64(b, r->mntns);
		err |= kt_buf_putc(b, ',');
		if (r->pidns)
			err |= kt_buf_u64(b, r->pidns);
		err |= kt_buf_putc(b, ',');
	} else {
		err |= PUT_LIT(b, ",,,,");
	}
	return err ? -1 : 0;
}

/* The process columns, from the last row's text when they are its. */
static int put_task(struct csv_priv *c, struct kt_buf *b, const struct kt_record *r,
		    bool pseudo)
{
	const char *comm = r->comm ? r->comm : "";
	size_t cl = strlen(comm);
	bool ctx = r->has_ctx;

	if (!c->task.valid || c->task.pseudo != pseudo || c->task.pid != r->pid ||
	    c->task.tid != r->tid || c->task.has_ctx != ctx ||
	    (ctx && (c->task.ppid != r->ppid || c->task.uid != r->uid ||
		     c->task.mntns != r->mntns || c->task.pidns != r->pidns)) ||
	    cl >= sizeof(c->task.comm) || memcmp(c->task.comm, comm, cl + 1)) {
		c->task.valid = false;
		c->task.text.len = 0;
		if (task_text(&c->task.text, r, pseudo) < 0)
			return -1;
		if (cl < sizeof(c->task.comm)) {
			memcpy(c->task.comm, comm, cl + 1);
			c->task.pseudo = pseudo;
			c->task.pid = r->pid;
			c->task.tid = r->tid;
			c->task.has_ctx = ctx;
			c->task.ppid = r->ppid;
			c->task.uid = r->uid;
			c->task.mntns = r->mntns;
			c->task.pidns = r->pidns;
			c->task.valid = true;
		}
	}
	return kt_buf_put(b, c->task.text.p, c->task.text.len);
}

static int csv_event(struct kt_writer *w, const struct kt_record *r)
{
	struct csv_priv *c = w->priv;
	struct kt_buf *b = &c->row;
	const struct kt_event_def *ev = r->ev;
	bool pseudo = ev->kind == KT_EV_PSEUDO;
	const struct csv_run *run;
	int e = csv_slot(w, c, ev), err = 0;
	uint64_t dur;

	if (e < 0) {
		/* not in the header's layout: a caller's bug */
		errno = EINVAL;
		return -1;
	}
	run = &c->runs[e];

	b->len = 0;
	err |= kt_buf_u64(b, r->ts);
	err |= kt_buf_putc(b, ',');
	err |= kt_buf_i64(b, r->cpu);
	err |= kt_buf_putc(b, ',');
	err |= put_task(c, b, r, pseudo);
	if (run->headlen) {
		err |= kt_buf_put(b, run->head, run->headlen);
	} else {
		err |= kt_buf_i64(b, kt_event_id(ev));
		err |= kt_buf_putc(b, ',');
		err |= kt_esc_csv(b, ev->name, strlen(ev->name));
	}
	err |= r->compat ? PUT_LIT(b, ",1,") : PUT_LIT(b, ",0,");
	if (!pseudo) {
		const char *st = kt_state_name(r->state);

		err |= kt_buf_put(b, st, strlen(st));
	}
	err |= kt_buf_putc(b, ',');
	if (r->has_ret)
		err |= kt_buf_i64(b, r->ret);
	err |= kt_buf_putc(b, ',');
	if (kt_record_duration(r, &dur))
		err |= kt_buf_u64(b, dur);
	for (unsigned int k = 0; k < run->n; k++) {
		err |= put_commas(b, run->col[k].commas);
		err |= kt_value_print_fmt(b, w, r, run->col[k].arg, &csv_style,
					  w->raw ? KT_FMT_NONE : (enum kt_fmt)run->col[k].fmt);
	}
	err |= put_commas(b, run->tail);
	err |= kt_buf_putc(b, '\n');
	if (err) {
		errno = ENOMEM;
		return -1;
	}
	return kt_writer_put(w, b);
}

static int csv_end(struct kt_writer *w)
{
	csv_free(w->priv);
	w->priv = NULL;
	return 0;
}

const struct kt_writer_ops kt_csv_ops = {
	.name = "csv",
	.quoted_newlines = true,
	.begin = csv_begin,
	.event = csv_event,
	.end = csv_end,
};
