// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mmap reader of trace_pipe_raw (Linux >= 6.10, trace_mmap.h).
 *
 * The kernel maps a meta page and the sub-buffers of the CPU's ring.
 * TRACE_MMAP_IOCTL_GET_READER hands the reader a sub-buffer (meta->reader.id).
 * The kernel may still be appending to that sub-buffer, and it marks it
 * consumed before the ioctl returns, so the reader keeps its own position:
 * a newly swapped-in sub-buffer starts at 0, the same one resumes where the
 * last call stopped.  The committed part is copied out before decoding so
 * the decoder never races with the writer.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring-local.h"

static int open_mmap(struct kt_ring *r, const char *dir)
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

static void close_mmap(struct kt_ring *r)
{
	if (r->data)
		munmap(r->data, r->data_len);
	if (r->meta)
		munmap(r->meta, r->meta_len);
}

const struct kt_ring_ops kt_ring_mmap_ops = {
	.name = "mmap",
	.kind = KT_READER_MMAP,
	.open = open_mmap,
	.next = next_mmap,
	.close = close_mmap,
};
