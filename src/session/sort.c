// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --sort: records written in time order (their entry's) across CPUs and
 * threads.  The merge hands events over in time order, but a call's
 * record is made at its exit with its entry's time, so a call that
 * blocked comes after calls that entered later.  Here records wait in a
 * heap until no record older than them can still come: none is older
 * than the oldest call still pending in the pairer, nor than the latest
 * time a record has shown (events are merged in time order, so every
 * later record ends after it).  At most SORT_MAX wait: beyond, the
 * oldest goes out (a call that stays in the kernel that long while
 * others run cannot hold the whole trace in memory).  Each record is
 * copied whole (its strings, name, socket address) since what it points
 * to is reused.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/pair.h"
#include "session-local.h"

#define SORT_MAX 32768u
#define SORT_CHECK 256u		/* records between looks at the pairer */

/* A record as it waits: its fixed part and its ev->nargs values only
 * (args is kt_record's last member), then its texts and addresses. */
struct held {
	uint64_t seq;		/* arrival: equal times keep their order */
	uint64_t ts;
	unsigned int nargs;
	size_t size;		/* of the record's bytes in @bytes */
	_Alignas(max_align_t) unsigned char bytes[];	/* its first @size bytes */
};

struct sess_sorter {
	struct held **heap;
	unsigned int n, cap, since_check;
	uint64_t seq;
	uint64_t seen_end;	/* latest entry or exit time of a record */
};

static bool before(const struct held *a, const struct held *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void sift_up(struct held **h, unsigned int i)
{
	while (i && before(h[i], h[(i - 1) / 2])) {
		struct held *t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void sift_down(struct held **h, unsigned int n, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, m = i;

		if (l < n && before(h[l], h[m]))
			m = l;
		if (l + 1 < n && before(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct held *t = h[i];

		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static char *put_text(char **p, const char *s, size_t len)
{
	char *at = *p;

	memcpy(at, s, len);
	at[len] = '\0';
	*p += len + 1;
	return at;
}

#define RSIZE(n) (offsetof(struct kt_record, args) + (n) * sizeof(struct kt_value))
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static struct held *clone(const struct kt_record *r, uint64_t seq)
{
	const struct kt_event_def *ev = r->ev;
	unsigned int nargs = ev ? (ev->nargs < KT_MAX_ARGS ? ev->nargs : KT_MAX_ARGS) : 0;
	const char *comm = r->comm ? r->comm : "";
	const char *cont = r->container ? r->container : "";
	const char *exe = r->exe ? r->exe : "";
	size_t rsize = RSIZE(nargs), nsa = 0;
	size_t extra = strlen(comm) + strlen(cont) + strlen(exe) + 3;
	struct kt_sockaddr *sa;
	struct kt_record c;
	struct held *h;
	char *p;

	for (unsigned int i = 0; i < nargs; i++) {
		if (!r->args[i].set)
			continue;
		if (ev->args[i].type == KT_T_STR && r->args[i].str)
			extra += r->args[i].len + 1;
		else if (ev->args[i].type == KT_T_SOCKADDR && r->args[i].sa)
			nsa++;
	}
	h = malloc(ALIGN8(sizeof(*h) + rsize) + nsa * sizeof(*sa) + extra);
	if (!h)
		return NULL;
	h->seq = seq;
	h->ts = r->ts;
	h->nargs = nargs;
	h->size = rsize;
	c = *r;
	sa = (struct kt_sockaddr *)((char *)h + ALIGN8(sizeof(*h) + rsize));
	p = (char *)(sa + nsa);
	c.comm = put_text(&p, comm, strlen(comm));
	c.container = put_text(&p, cont, strlen(cont));
	c.exe = put_text(&p, exe, strlen(exe));
	for (unsigned int i = 0; i < nargs; i++) {
		struct kt_value *v = &c.args[i];

		if (!v->set)
			continue;
		if (ev->args[i].type == KT_T_STR && v->str)
			v->str = put_text(&p, v->str, v->len);
		else if (ev->args[i].type == KT_T_SOCKADDR && v->sa)
			v->sa = memcpy(sa++, v->sa, sizeof(*sa));
	}
	memcpy(h->bytes, &c, rsize);
	return h;
}

int sess_sort_init(struct session *s)
{
	s->sorter = calloc(1, sizeof(*s->sorter));
	return s->sorter ? 0 : -1;
}

/* Write the oldest held record. */
static int pop_one(struct session *s)
{
	struct sess_sorter *o = s->sorter;
	struct held *h = o->heap[0];
	int rc;

	struct kt_record r;

	o->heap[0] = o->heap[--o->n];
	sift_down(o->heap, o->n, 0);
	memset(&r, 0, sizeof(r));
	memcpy(&r, h->bytes, h->size);
	rc = sess_write_record(s, &r);
	free(h);
	return rc;
}

/* Write what nothing older can follow any more. */
static int release(struct session *s)
{
	struct sess_sorter *o = s->sorter;
	uint64_t w = o->seen_end, old;

	if (s->pair && kt_pair_oldest(s->pair, &old) && old < w)
		w = old;
	while (o->n && o->heap[0]->ts < w)
		if (pop_one(s) < 0)
			return -1;
	return 0;
}

int sess_sort_push(struct session *s, const struct kt_record *r)
{
	struct sess_sorter *o = s->sorter;
	uint64_t end = r->ts_exit > r->ts ? r->ts_exit : r->ts;
	struct held *h;

	if (end > o->seen_end)
		o->seen_end = end;
	if (o->n == o->cap) {
		unsigned int cap = o->cap ? 2 * o->cap : 1024;
		struct held **nh = realloc(o->heap, cap * sizeof(*nh));

		if (!nh)
			return sess_write_record(s, r);	/* no memory: unsorted */
		o->heap = nh;
		o->cap = cap;
	}
	h = clone(r, o->seq++);
	if (!h)
		return sess_write_record(s, r);
	o->heap[o->n] = h;
	sift_up(o->heap, o->n++);
	if (o->n > SORT_MAX && pop_one(s) < 0)
		return -1;
	if (++o->since_check >= SORT_CHECK) {
		o->since_check = 0;
		return release(s);
	}
	return 0;
}

int sess_sort_flush(struct session *s)
{
	struct sess_sorter *o = s->sorter;
	int rc = 0;

	if (!o)
		return 0;
	while (o->n)
		if (pop_one(s) < 0)
			rc = -1;
	free(o->heap);
	free(o);
	s->sorter = NULL;
	return rc;
}
