// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-CPU readers of trace_pipe_raw.
 *
 * mmap: the kernel maps a meta page and the sub-buffers of the CPU's ring.
 * TRACE_MMAP_IOCTL_GET_READER hands the reader a sub-buffer (meta->reader.id).
 * The kernel may still be appending to that sub-buffer, and it marks it
 * consumed before the ioctl returns, so the reader keeps its own position:
 * a newly swapped-in sub-buffer starts at 0, the same one resumes where the
 * last call stopped.  The committed part is copied out before decoding so
 * the decoder never races with the writer.
 *
 * read: read() of trace_pipe_raw returns one whole sub-buffer in the same
 * layout, with the lost-event flags and count in its header.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktrail/ring.h"
#include "ktrail/trace_mmap.h"
#include "ktrail/util.h"

/* The commit word's flag bits (kernel ring_buffer.c): data size is below. */
#define KT_RB_COMMIT_MASK ((1u << 27) - 1)
#define KT_RB_MISSED_EVENTS (1ull << 31)
#define KT_RB_MISSED_STORED (1ull << 30)

struct kt_ring {
	int cpu;
	int fd;
	enum kt_reader kind;
	size_t subbuf_size;
	size_t header_size;	/* timestamp + commit */
	/* mmap only */
	struct kt_trace_buffer_meta *meta;
	size_t meta_len;
	unsigned char *data;
	size_t data_len;
	int last_id;
	unsigned int pos;	/* data bytes of last_id already delivered */
	unsigned long torn;	/* copies made again (kt_ring_torn) */
};

static const char *const reader_names[] = {
	[KT_READER_AUTO] = "auto",
	[KT_READER_MMAP] = "mmap",
	[KT_READER_READ] = "read",
};

const char *kt_reader_name(enum kt_reader r)
{
	return r < KT_ARRAY_SIZE(reader_names) ? reader_names[r] : "?";
}

int kt_reader_parse(const char *s, enum kt_reader *r)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(reader_names); i++)
		if (!strcmp(s, reader_names[i])) {
			*r = i;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

/* Size of the sub-buffer header: u64 timestamp + the kernel's local_t
 * commit, as events/header_page describes it. */
static size_t header_page_size(const char *dir)
{
	char path[4096];
	char *s;
	size_t sz;

	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	s = kt_read_file(path, NULL);
	sz = 8 + kt_header_page_long_size(s);
	free(s);
	return sz;
}

/* The instance's sub-buffer size (buffer_subbuf_size_kb, 6.8+) or a page. */
static size_t instance_subbuf_size(const char *dir)
{
	char path[4096];
	char *s;
	size_t sz = sysconf(_SC_PAGESIZE);

	snprintf(path, sizeof(path), "%s/buffer_subbuf_size_kb", dir);
	s = kt_read_file(path, NULL);
	if (s) {
		long kb = atol(s);

		if (kb > 0)
			sz = (size_t)kb * 1024;
		free(s);
	}
	return sz;
}

static int ring_map(struct kt_ring *r)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *m;

	m = mmap(NULL, pg, PROT_READ, MAP_SHARED, r->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	r->meta = m;
	r->meta_len = pg;
	if (r->meta->meta_page_size > (uint32_t)pg) {
		/* A meta area larger than a page: map it whole. */
		size_t len = r->meta->meta_page_size;

		munmap(m, pg);
		m = mmap(NULL, len, PROT_READ, MAP_SHARED, r->fd, 0);
		if (m == MAP_FAILED) {
			r->meta = NULL;
			return -1;
		}
		r->meta = m;
		r->meta_len = len;
	}
	r->subbuf_size = r->meta->subbuf_size;
	r->data_len = (size_t)r->meta->subbuf_size * r->meta->nr_subbufs;
	m = mmap(NULL, r->data_len, PROT_READ, MAP_SHARED, r->fd,
		 r->meta->meta_page_size);
	if (m == MAP_FAILED) {
		int saved = errno;

		munmap(r->meta, r->meta_len);
		r->meta = NULL;
		errno = saved;
		return -1;
	}
	r->data = m;
	r->last_id = r->meta->reader.id;
	r->pos = r->meta->reader.read;
	return 0;
}

struct kt_ring *kt_ring_open(const char *dir, int cpu, enum kt_reader want)
{
	char path[4096];
	struct kt_ring *r = calloc(1, sizeof(*r));
	int saved;

	if (!r)
		return NULL;
	r->cpu = cpu;
	r->header_size = header_page_size(dir);
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", dir, cpu);
	r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0)
		goto fail;
	if (want != KT_READER_READ) {
		if (ring_map(r) == 0) {
			r->kind = KT_READER_MMAP;
			return r;
		}
		if (want == KT_READER_MMAP)
			goto fail;
	}
	r->kind = KT_READER_READ;
	r->subbuf_size = instance_subbuf_size(dir);
	return r;
fail:
	saved = errno;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	errno = saved;
	return NULL;
}

void kt_ring_close(struct kt_ring *r)
{
	if (!r)
		return;
	if (r->data)
		munmap(r->data, r->data_len);
	if (r->meta)
		munmap(r->meta, r->meta_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int kt_ring_fd(const struct kt_ring *r)
{
	return r->fd;
}

unsigned long kt_ring_torn(const struct kt_ring *r)
{
	return r->torn;
}

int kt_ring_cpu(const struct kt_ring *r)
{
	return r->cpu;
}

enum kt_reader kt_ring_kind(const struct kt_ring *r)
{
	return r->kind;
}

size_t kt_ring_subbuf_size(const struct kt_ring *r)
{
	return r->subbuf_size;
}

static int next_read(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost)
{
	ssize_t n;

	*skip = 0;
	*lost = 0;
	do {
		n = read(r->fd, buf, r->subbuf_size);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 0;
	if ((size_t)n < r->subbuf_size)
		memset((char *)buf + n, 0, r->subbuf_size - n);
	return 1;
}

static int next_mmap(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost)
{
	struct kt_trace_buffer_meta *m = r->meta;
	const unsigned char *sb;
	uint64_t commit;
	unsigned int size;
	int id;

	*lost = 0;
	if (ioctl(r->fd, KT_TRACE_MMAP_IOCTL_GET_READER) < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	id = __atomic_load_n(&m->reader.id, __ATOMIC_ACQUIRE);
	if ((uint32_t)id >= m->nr_subbufs) {
		errno = EIO;
		return -1;
	}
	if (id != r->last_id) {
		r->last_id = id;
		r->pos = 0;
		*lost = __atomic_load_n(&m->reader.lost_events, __ATOMIC_ACQUIRE);
	}
	sb = r->data + (size_t)r->subbuf_size * id;
	/*
	 * The kernel may still be writing this sub-buffer (the writer's page
	 * can be the one handed out).  Copy what is committed, then check
	 * the copy: a torn one (seen under load: a commit that ends inside
	 * an event) is copied again, a few times.
	 */
	for (int attempt = 0;; attempt++) {
		if (r->header_size == 16)
			commit = __atomic_load_n((const uint64_t *)(sb + 8), __ATOMIC_ACQUIRE);
		else
			commit = __atomic_load_n((const uint32_t *)(sb + 8), __ATOMIC_ACQUIRE);
		size = commit & KT_RB_COMMIT_MASK;
		if (size > r->subbuf_size - r->header_size) {
			errno = EIO;
			return -1;
		}
		if (size <= r->pos) {
			if (!*lost)
				return 0;
			/* Nothing new, but report the loss: an empty sub-buffer. */
			memcpy(buf, sb, 8);
			memset((char *)buf + 8, 0, r->subbuf_size - 8);
			*skip = 0;
			return 1;
		}
		/*
		 * Copy what is committed and clear the rest so nothing stale
		 * decodes.  A newly swapped-in sub-buffer keeps its commit
		 * flags and the lost-event count the kernel stored after the
		 * data (the kernel marks losses there as read() does, since
		 * 6.10); a sub-buffer handed out again keeps only its size, so
		 * a loss is reported once.  The copy's commit word is the one
		 * the copy was made for, not the kernel's newer one.
		 */
		{
			size_t keep = r->header_size + size;
			size_t lsz = r->header_size - 8;
			uint64_t word = r->pos == 0 ? commit : size;

			if (r->pos == 0 && (commit & KT_RB_MISSED_STORED) &&
			    keep + lsz <= r->subbuf_size)
				keep += lsz;
			memcpy(buf, sb, keep);
			memset((char *)buf + keep, 0, r->subbuf_size - keep);
			if (r->header_size == 16) {
				memcpy((char *)buf + 8, &word, 8);
			} else {
				uint32_t w32 = (uint32_t)word;

				memcpy((char *)buf + 8, &w32, 4);
			}
		}
		if (kt_subbuf_valid(buf, r->subbuf_size, (int)r->header_size - 8,
				    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ||
		    attempt == 3)
			break;
		r->torn++;
	}
	*skip = r->pos;
	r->pos = size;
	return 1;
}

/* A word of the traced kernel's, in its byte order. */
static uint64_t rd_word(const unsigned char *p, int size, bool big_endian)
{
	uint64_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * (big_endian ? size - 1 - i : i));
	return v;
}

/* The sub-buffer header's commit word: length and flag bits. */
static uint64_t subbuf_commit(const unsigned char *p, int long_size, bool big_endian)
{
	return rd_word(p + 8, long_size == 8 ? 8 : 4, big_endian);
}

/*
 * Every event of the kernel's ring buffer is a multiple of 4 bytes long
 * (RB_ALIGNMENT), so the next one starts 4-byte aligned.  Data that says
 * otherwise is corrupt, and kbuffer would read it unaligned: a bus error
 * on 32-bit ARM.  The event header (type_len:5, time_delta:27) is read in
 * the kernel's byte order, as kbuffer does (type_len in the low bits of a
 * little-endian kernel's word, in the high bits of a big-endian one's).
 */
static bool events_aligned(const unsigned char *data, size_t len, bool big_endian)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint32_t h, a;
		unsigned int type_len;
		size_t ev;

		h = (uint32_t)rd_word(data + off, 4, big_endian);
		type_len = big_endian ? h >> 27 : h & 0x1f;
		if (type_len == 29 && !(big_endian ? h & 0x7ffffff : h >> 5))
			return true;	/* the null padding ends the data */
		if (type_len == 0 || type_len == 29) {
			if (off + 8 > len)
				return false;
			a = (uint32_t)rd_word(data + off + 4, 4, big_endian);
			if (a % 4)
				return false;
			ev = 4 + (size_t)a;
		} else if (type_len >= 30) {
			ev = 8;		/* time extend, absolute time stamp */
		} else {
			ev = 4 + 4 * (size_t)type_len;
		}
		if (ev > len - off)
			return false;
		off += ev;
	}
	return true;
}

bool kt_subbuf_valid(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian)
{
	uint64_t commit;
	size_t hdr = 8 + (size_t)long_size, len;

	if (subbuf_size < hdr)
		return false;
	commit = subbuf_commit(subbuf, long_size, big_endian);
	len = commit & KT_RB_COMMIT_MASK;
	/* The kernel's commit is a multiple of 4 (RB_ALIGNMENT), and kbuffer
	 * reads a stored lost-event count, a long after the data, at it:
	 * unaligned or past the sub-buffer otherwise (a bus error on arm). */
	return len <= subbuf_size - hdr && len % 4 == 0 &&
	       (!(commit & KT_RB_MISSED_EVENTS) || !(commit & KT_RB_MISSED_STORED) ||
		(size_t)long_size <= subbuf_size - hdr - len) &&
	       events_aligned((const unsigned char *)subbuf + hdr, len, big_endian);
}

size_t kt_subbuf_used(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian)
{
	size_t hdr = 8 + (size_t)long_size, used;
	uint64_t commit;

	if (subbuf_size < hdr)
		return subbuf_size;
	commit = subbuf_commit(subbuf, long_size, big_endian);
	used = hdr + (commit & KT_RB_COMMIT_MASK);
	if (commit & KT_RB_MISSED_STORED)
		used += long_size;	/* the lost-event count after the data */
	return used < subbuf_size ? used : subbuf_size;
}

bool kt_event_in_subbuf(const void *subbuf, size_t subbuf_size, const void *ev, int size)
{
	const unsigned char *b = subbuf, *e = ev;

	return e >= b && size >= 0 && (size_t)(e - b) <= subbuf_size &&
	       (size_t)size <= subbuf_size - (size_t)(e - b);
}

long long kt_subbuf_missed(const void *subbuf, size_t subbuf_size, int long_size,
			   bool big_endian)
{
	const unsigned char *p = subbuf;
	uint64_t commit, count;
	size_t size;

	if (subbuf_size < 8 + (size_t)long_size)
		return 0;
	commit = subbuf_commit(p, long_size, big_endian);
	if (!(commit & KT_RB_MISSED_EVENTS))
		return 0;
	size = commit & KT_RB_COMMIT_MASK;
	if (!(commit & KT_RB_MISSED_STORED) || 8 + long_size + size + long_size > subbuf_size)
		return -1;
	count = rd_word(p + 8 + long_size + size, long_size == 8 ? 8 : 4, big_endian);
	return count ? (long long)count : -1;
}

int kt_ring_next(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost)
{
	if (r->kind == KT_READER_MMAP)
		return next_mmap(r, buf, skip, lost);
	return next_read(r, buf, skip, lost);
}
