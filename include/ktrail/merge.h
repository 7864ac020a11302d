/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The merge: per-CPU event sources, each in time order, handed on as one
 * stream in time order across CPUs.
 *
 * The seam is an event: a source says what its current event is (data,
 * size, timestamp) and any loss to report before it, and steps past it
 * when asked.  A source of kernel sub-buffers (a live ring, or the pages
 * of a recording) is one kind (struct kt_page_src below); a reader that
 * yields single samples (perf_event rings) sets ev/size/ts itself.
 */
#ifndef KTRAIL_MERGE_H
#define KTRAIL_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kt_evsrc;

struct kt_evsrc_ops {
	/* Step past the current event: make the next one current, or
	 * clear has_ev when the source has none now. */
	void (*next)(struct kt_evsrc *src);
};

struct kt_evsrc {
	const struct kt_evsrc_ops *ops;
	int cpu;
	bool has_ev;			/* ev, size and ts are the current event */
	const void *ev;			/* NULL: an event not to decode (it is
					 * merged, for its time, but not handed on) */
	unsigned int size;
	unsigned long long ts;
	long long loss;			/* events lost before ev (-1: count unknown),
					 * reported just before it */
	uint64_t loss_ts;
	unsigned long long lost_stream;	/* losses the stream reported, in all */
	bool lost_unknown;		/* and some whose count it did not know */
};

/* Where merged events and losses go. */
struct kt_merge_sink {
	void (*event)(void *arg, int cpu, const void *data, unsigned int size,
		      unsigned long long ts);
	void (*loss)(void *arg, int cpu, uint64_t ts, long long count);
	bool (*stop)(void *arg);	/* may be NULL: true stops the merge */
	void *arg;
};

/*
 * Hand every current event of @src[0..n) (NULL entries are skipped) older
 * than @limit to @sink, oldest first; a source's pending loss goes just
 * before its next event.  *@last_ts (may be NULL) is the time of the last
 * event merged.
 */
void kt_merge(struct kt_evsrc *const *src, int n, unsigned long long limit,
	      const struct kt_merge_sink *sink, unsigned long long *last_ts);

/* ------------------------------------------------ sub-buffer sources */

struct kbuffer;

/* A copy of one kernel sub-buffer. */
struct kt_page {
	struct kt_page *next;
	off_t off;		/* report: its place in the recording */
	unsigned int skip;	/* data offset of the first event not yet delivered */
	uint64_t lost;		/* losses the reader reported before it (0: see the header) */
	unsigned char data[];
};

struct kt_page_src;

/* What the sub-buffer sources of one trace share: the layout of the
 * kernel's sub-buffers, a pool of page copies, and the callbacks. */
struct kt_page_pool {
	size_t subbuf_size;
	int long_size;		/* of the kernel that wrote the pages */
	bool big_endian;
	struct kt_page *free;
	const struct kt_merge_sink *sink;	/* a loss with no event after it
						 * in its page is reported at once */
	/* A page that fails kt_subbuf_valid() (counted by the caller). */
	void (*bad)(void *arg, struct kt_page_src *src, const struct kt_page *p);
	/* May be NULL: called when a source runs out of pages (a
	 * recording's next page). */
	void (*refill)(void *arg, struct kt_page_src *src);
	void *arg;
};

struct kt_page_src {
	struct kt_evsrc src;		/* first: a struct kt_evsrc * is this */
	struct kt_page_pool *pool;
	struct kt_page *head, *tail;	/* copies, oldest first */
	struct kbuffer *kb;		/* walks head while src.has_ev */
};

void kt_page_src_init(struct kt_page_src *ps, struct kt_page_pool *pool, int cpu,
		      struct kbuffer *kb);
/* A page of pool->subbuf_size bytes, or NULL with errno set. */
struct kt_page *kt_page_get(struct kt_page_pool *pool);
void kt_page_put(struct kt_page_pool *pool, struct kt_page *p);
/* Queue @p (a refill callback's way). */
void kt_page_src_append(struct kt_page_src *ps, struct kt_page *p);
/* Queue @p; without a current event, load pages until there is one. */
void kt_page_src_push(struct kt_page_src *ps, struct kt_page *p);
/* Load pages until there is a current event or no page left. */
void kt_page_src_load(struct kt_page_src *ps);
/* Free the queued pages and the kbuffer (not @ps itself). */
void kt_page_src_free(struct kt_page_src *ps);
void kt_page_pool_free(struct kt_page_pool *pool);

#endif
