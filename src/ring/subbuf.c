// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks of a sub-buffer's header and events (subbuf.h), in the traced
 * kernel's word size and byte order.  Pure: they read only the copy they
 * are given, so readers, recordings and fuzzers share them.
 */
#include <stdint.h>

#include "ktrail/subbuf.h"

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

uint64_t kt_subbuf_last_ts(const void *subbuf, size_t subbuf_size, int long_size, bool big_endian)
{
	const unsigned char *p = subbuf;
	size_t hdr = 8 + (size_t)long_size, len, off = 0;
	uint64_t ts;

	if (subbuf_size < hdr)
		return 0;
	ts = rd_word(p, 8, big_endian);
	len = subbuf_commit(p, long_size, big_endian) & KT_RB_COMMIT_MASK;
	if (len > subbuf_size - hdr)
		len = subbuf_size - hdr;
	p += hdr;
	while (off + 4 <= len) {
		uint32_t h = (uint32_t)rd_word(p + off, 4, big_endian), a = 0;
		unsigned int type_len = big_endian ? h >> 27 : h & 0x1f;
		uint64_t delta = big_endian ? h & 0x7ffffff : h >> 5;
		size_t ev;

		if (type_len == 29 && !delta)
			break;		/* the null padding ends the data */
		if (type_len == 0 || type_len >= 29) {
			if (off + 8 > len)
				break;
			a = (uint32_t)rd_word(p + off + 4, 4, big_endian);
		}
		if (type_len == 0 || type_len == 29)
			ev = 4 + (size_t)a;
		else if (type_len >= 30)
			ev = 8;
		else
			ev = 4 + 4 * (size_t)type_len;
		if (type_len == 31)	/* absolute: 59 bits, the rest the page's */
			ts = ((uint64_t)a << 27 | delta) | (ts & ~((1ull << 59) - 1));
		else if (type_len == 30)
			ts += (uint64_t)a << 27 | delta;
		else
			ts += delta;
		if (ev < 4 || ev > len - off)
			break;
		off += ev;
	}
	return ts;
}
