/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks of a ring-buffer sub-buffer as the kernel writes it: header
 * (u64 timestamp, then the commit word, a long of the traced kernel), then
 * events.  Pure: the per-CPU readers, recordings and fuzzers use them on
 * copies, never on the kernel's live pages.
 */
#ifndef KTRAIL_SUBBUF_H
#define KTRAIL_SUBBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The commit word's flag bits (kernel ring_buffer.c): data size is below. */
#define KT_RB_COMMIT_MASK ((1u << 27) - 1)
#define KT_RB_MISSED_EVENTS (1ull << 31)
#define KT_RB_MISSED_STORED (1ull << 30)

/*
 * Is @subbuf (@subbuf_size bytes: header, then data, in the byte order of
 * a kernel whose long is @long_size bytes) one kbuffer may walk:
 * its commit length within the sub-buffer, every event within it and of a
 * length the kernel can write (a multiple of 4)?  Readers and recordings
 * are checked with it before kbuffer_load_subbuffer().
 */
bool kt_subbuf_valid(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian);
/* Does the event @ev of @size bytes lie within the sub-buffer? */
bool kt_event_in_subbuf(const void *subbuf, size_t subbuf_size, const void *ev, int size);

/*
 * Events the kernel lost before a sub-buffer, from its header's commit
 * word (@long_size: 4 or 8): 0 none, -1 some but the count was not stored,
 * else the count.  libtraceevent's kbuffer hides it when the sub-buffer
 * starts with a time extend, so ktrail reads it itself.
 */
long long kt_subbuf_missed(const void *subbuf, size_t subbuf_size, int long_size,
			   bool big_endian);

/*
 * The part of a sub-buffer worth keeping: its header, the committed data
 * and the lost-event count the kernel may store after it; at most
 * @subbuf_size.
 */
size_t kt_subbuf_used(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian);

/*
 * The time of the last event of @subbuf (its header's time plus every
 * delta, as kbuffer counts them); 0 for a sub-buffer too short to hold a
 * header.  Walks the event headers only.
 */
uint64_t kt_subbuf_last_ts(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian);

#endif
