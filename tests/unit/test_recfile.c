// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The recording file: what is written reads back; a recording cut at
 * every byte, or with a damaged chunk, is indexed up to the damage with
 * the exact reason and offset, never a crash; sub-buffer checks in a
 * big-endian and a 32-bit kernel's layout; the process table as text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/proc.h"
#include "ktrail/recfile.h"
#include "ktrail/ring.h"

#include <zstd.h>

static unsigned char page0[100], page1[60];

/* A small recording in a temporary file; its size in *@size. */
static FILE *make_recording(long *size, long *page_off)
{
	FILE *fp = tmpfile();
	struct kt_recw w;
	static const char meta[] = "long_size=4\nbig_endian=1\nhostname=a%0Ab%25c\n";

	assert_non_null(fp);
	for (size_t i = 0; i < sizeof(page0); i++)
		page0[i] = (unsigned char)i;
	memset(page1, 0xab, sizeof(page1));
	assert_int_equal(kt_recw_begin(&w, fp), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_META, meta, strlen(meta), NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_HEADER_PAGE, "hp", 2, NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_FORMAT, "syscalls", 9, "name: x\n", 8), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_TASKS, "1 1 0 0 0 0 0 1 696e6974\n", 25, NULL, 0), 0);
	*page_off = w.off;
	assert_int_equal(kt_recw_page(&w, 0, 0, 0, page0, sizeof(page0)), 0);
	assert_int_equal(kt_recw_page(&w, 3, 2, 5, page1, sizeof(page1)), 0);
	assert_int_equal(kt_recw_page(&w, 0, 7, 0, page1, 8), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_TASKS, "7 7 1 0 0 0 0 0 6b\n", 19, NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_STATS, "cpu0=x\n", 7, NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(kt_recw_flush(&w), 0);
	kt_recw_end(&w);
	assert_int_equal(w.good, w.off);
	*size = w.off;
	return fp;
}

static void test_roundtrip(void **state)
{
	long size, poff;
	FILE *fp = make_recording(&size, &poff);
	struct kt_recr r;
	char err[256], v[64];
	unsigned char buf[128];

	(void)state;
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_int_equal(r.size, size);
	assert_true(r.ended);
	assert_false(r.damaged);
	assert_string_equal(kt_recr_meta(&r, "long_size", v, sizeof(v)), "4");
	assert_string_equal(kt_recr_meta(&r, "hostname", v, sizeof(v)), "a\nb%c");
	assert_null(kt_recr_meta(&r, "long", v, sizeof(v)));
	assert_null(kt_recr_meta(&r, "nosuch", v, sizeof(v)));
	assert_string_equal(r.header_page, "hp");
	/* a second TASKS chunk (tasks found once tracing ran) adds to the first */
	assert_string_equal(r.tasks, "1 1 0 0 0 0 0 1 696e6974\n7 7 1 0 0 0 0 0 6b\n");
	assert_int_equal(r.nfmts, 1);
	assert_string_equal(r.fmts[0].sys, "syscalls");
	assert_string_equal(r.fmts[0].text, "name: x\n");
	assert_string_equal(r.stats, "cpu0=x\n");
	assert_int_equal(r.ncpus, 4);
	assert_int_equal(r.npages[0], 2);
	assert_int_equal(r.npages[1], 0);
	assert_int_equal(r.npages[3], 1);
	assert_int_equal(r.total_pages, 3);
	assert_int_equal(r.pages[0][0].off, poff + KT_REC_CHUNK_HDR);
	assert_int_equal(r.pages[3][0].skip, 2);
	assert_int_equal(r.pages[3][0].lost, 5);
	assert_int_equal(r.pages[0][1].skip, 7);
	/* A page comes back zero-filled to the sub-buffer size. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(kt_recr_page(&r, 0, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, page0, sizeof(page0));
	for (size_t i = sizeof(page0); i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(kt_recr_page(&r, 0, 1, buf, 16), 0);
	assert_memory_equal(buf, page1, 8);
	assert_int_equal(buf[8], 0);
	assert_int_equal(kt_recr_page(&r, 1, 0, buf, 16), -1);
	assert_int_equal(kt_recr_page(&r, 9, 0, buf, 16), -1);
	kt_recr_close(&r);
	fclose(fp);
}

/* A copy of the first @n bytes of @src in a new temporary file. */
static int cut(FILE *src, long n)
{
	FILE *dst = tmpfile();
	char *buf = malloc(n ? n : 1);
	int fd;

	assert_non_null(dst);
	assert_non_null(buf);
	assert_int_equal(pread(fileno(src), buf, n, 0), n);
	assert_int_equal(write(fileno(dst), buf, n), n);
	free(buf);
	fd = dup(fileno(dst));
	fclose(dst);
	return fd;
}

/* Cut anywhere: never a crash; the pages before the cut stay. */
static void test_truncated_everywhere(void **state)
{
	long size, poff;
	FILE *fp = make_recording(&size, &poff);
	long page1_end = poff + KT_REC_CHUNK_HDR + sizeof(page0);

	(void)state;
	for (long n = 0; n < size; n++) {
		struct kt_recr r;
		char err[256];
		int fd = cut(fp, n);

		if (n < KT_REC_FILE_HDR) {
			assert_int_equal(kt_recr_open_fd(&r, fd, err, sizeof(err)), -1);
			assert_string_equal(err, "not a ktrail recording (no \"\\x89KTRAIL\" header at "
					    "offset 0)");
			close(fd);
			continue;
		}
		assert_int_equal(kt_recr_open_fd(&r, fd, err, sizeof(err)), 0);
		assert_false(r.ended);
		assert_true(r.total_pages <= 3);
		if (n >= page1_end)
			assert_true(r.total_pages >= 1);
		if (n == page1_end + 10) {
			assert_true(r.damaged);
			assert_int_equal(r.damage_off, page1_end);
			assert_string_equal(r.damage, "truncated: 10 bytes at the end, less than a "
					    "chunk header (24)");
		}
		if (n == page1_end + KT_REC_CHUNK_HDR + 20) {
			assert_true(r.damaged);
			assert_string_equal(r.damage, "truncated: PAGE chunk of 60 bytes, 20 left in "
					    "the file");
			assert_int_equal(r.total_pages, 1);
		}
		kt_recr_close(&r);
	}
	fclose(fp);
}

static void patch(FILE *fp, long off, const void *b, size_t n)
{
	assert_int_equal(pwrite(fileno(fp), b, n, off), (ssize_t)n);
}

static void test_damaged(void **state)
{
	long size, poff;
	FILE *fp = make_recording(&size, &poff);
	struct kt_recr r;
	char err[256];
	unsigned char h[KT_REC_FILE_HDR];

	(void)state;
	/* A chunk header's sync word overwritten. */
	patch(fp, poff, "XXXX", 4);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_true(r.damaged);
	assert_int_equal(r.damage_off, poff);
	assert_string_equal(r.damage, "corrupt: no chunk header here (sync word 0x58585858)");
	assert_int_equal(r.total_pages, 0);
	assert_non_null(r.meta);	/* the descriptions before it */
	kt_recr_close(&r);
	fclose(fp);

	/* A description's byte flipped: its checksum fails. */
	fp = make_recording(&size, &poff);
	patch(fp, KT_REC_FILE_HDR + KT_REC_CHUNK_HDR + 3, "X", 1);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_true(r.damaged);
	assert_int_equal(r.damage_off, KT_REC_FILE_HDR);
	assert_non_null(strstr(r.damage, "corrupt: META chunk of 44 bytes fails its checksum"));
	assert_null(r.meta);
	kt_recr_close(&r);

	/* A page length beyond any sub-buffer. */
	{
		unsigned char len[4] = { 0, 0, 0x20, 0 };	/* 2 MiB */

		fclose(fp);
		fp = make_recording(&size, &poff);
		patch(fp, poff + 8, len, 4);
		assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
		char want[128];

		assert_true(r.damaged);
		snprintf(want, sizeof(want), "truncated: PAGE chunk of 2097152 bytes, %ld left in "
			 "the file", size - poff - KT_REC_CHUNK_HDR);
		assert_string_equal(r.damage, want);
		kt_recr_close(&r);
	}
	/* Another version of the format. */
	assert_int_equal(pread(fileno(fp), h, sizeof(h), 0), (ssize_t)sizeof(h));
	h[8] = 9;
	patch(fp, 0, h, sizeof(h));
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), -1);
	assert_string_equal(err, "recording format version 9 (header 16 bytes): this ktrail reads "
			    "versions 1 to 2");
	/* Not a recording at all. */
	patch(fp, 0, "\x17\x08\x44tracing", 10);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), -1);
	fclose(fp);
}

/* The same recording compressed: two ZPAGES chunks (cpu 0's two pages,
 * then cpu 3's) and a ROUND; *@page_off: the first ZPAGES chunk. */
static FILE *make_zrecording(long *size, long *page_off)
{
	FILE *fp = tmpfile();
	struct kt_recw w;
	static const char meta[] = "long_size=4\nbig_endian=1\n";
	unsigned char *p;

	assert_non_null(fp);
	for (size_t i = 0; i < sizeof(page0); i++)
		page0[i] = (unsigned char)i;
	memset(page1, 0xab, sizeof(page1));
	assert_int_equal(kt_recw_begin_z(&w, fp, 1), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_META, meta, strlen(meta), NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_HEADER_PAGE, "hp", 2, NULL, 0), 0);
	*page_off = w.off;
	assert_int_equal(kt_recw_page(&w, 0, 0, 0, page0, sizeof(page0)), 0);
	assert_int_equal(kt_recw_page(&w, 0, 7, 0, page1, 8), 0);
	assert_int_equal(w.off, *page_off);	/* gathered, not written yet */
	/* Another CPU's page, filled in place: cpu 0's frame goes first. */
	p = kt_recw_page_buf(&w, sizeof(page1));
	assert_non_null(p);
	memcpy(p, page1, sizeof(page1));
	assert_int_equal(kt_recw_page_commit(&w, 3, 2, 5, sizeof(page1)), 0);
	assert_true(w.off > *page_off);
	assert_int_equal(kt_recw_round(&w, 1234), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_STATS, "cpu0=x\n", 7, NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(kt_recw_flush(&w), 0);
	assert_int_equal(w.zraw, 3 * KT_REC_CHUNK_HDR + sizeof(page0) + 8 + sizeof(page1));
	kt_recw_end(&w);
	*size = w.off;
	return fp;
}

static uint32_t chunk_len(FILE *fp, long off)
{
	unsigned char h[KT_REC_CHUNK_HDR];

	assert_int_equal(pread(fileno(fp), h, sizeof(h), off), (ssize_t)sizeof(h));
	return h[8] | h[9] << 8 | h[10] << 16 | (uint32_t)h[11] << 24;
}

static void test_zroundtrip(void **state)
{
	long size, poff;
	FILE *fp = make_zrecording(&size, &poff);
	struct kt_recr r;
	char err[256];
	unsigned char buf[128];

	(void)state;
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_int_equal(r.version, 2);
	assert_true(r.ended);
	assert_false(r.damaged);
	assert_string_equal(r.stats, "cpu0=x\n");
	assert_int_equal(r.zchunks, 2);
	assert_int_equal(r.ncpus, 4);
	assert_int_equal(r.npages[0], 2);
	assert_int_equal(r.npages[3], 1);
	assert_int_equal(r.pages[0][0].off, poff + KT_REC_CHUNK_HDR);
	assert_int_equal(r.pages[0][0].zlen, chunk_len(fp, poff));
	assert_int_equal(r.pages[0][1].skip, 7);
	assert_int_equal(r.pages[0][1].len, 8);
	assert_int_equal(r.pages[3][0].skip, 2);
	assert_int_equal(r.pages[3][0].lost, 5);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(kt_recr_page(&r, 0, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, page0, sizeof(page0));
	for (size_t i = sizeof(page0); i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(kt_recr_page(&r, 3, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, page1, sizeof(page1));
	assert_int_equal(kt_recr_page(&r, 0, 1, buf, 16), 0);
	assert_memory_equal(buf, page1, 8);
	assert_int_equal(buf[8], 0);
	kt_recr_close(&r);
	fclose(fp);
}

/* Compressed and cut anywhere: never a crash; whole ZPAGES chunks stay. */
static void test_ztruncated_everywhere(void **state)
{
	long size, poff;
	FILE *fp = make_zrecording(&size, &poff);
	long z1 = poff + KT_REC_CHUNK_HDR + chunk_len(fp, poff);
	long z2 = z1 + KT_REC_CHUNK_HDR + chunk_len(fp, z1);

	(void)state;
	for (long n = KT_REC_FILE_HDR; n < size; n++) {
		struct kt_recr r;
		char err[256], want[128];
		int fd = cut(fp, n);

		assert_int_equal(kt_recr_open_fd(&r, fd, err, sizeof(err)), 0);
		assert_false(r.ended);
		assert_int_equal(r.total_pages, n < z1 ? 0 : n < z2 ? 2 : 3);
		if (n == poff + KT_REC_CHUNK_HDR + 5) {
			assert_true(r.damaged);
			assert_int_equal(r.damage_off, poff);
			snprintf(want, sizeof(want), "truncated: ZPAGES chunk of %u bytes, 5 left in "
				 "the file", chunk_len(fp, poff));
			assert_string_equal(r.damage, want);
		}
		kt_recr_close(&r);
	}
	fclose(fp);
}

/* A damaged compressed payload: named with its offset, the rest before it kept. */
static void test_zdamaged(void **state)
{
	long size, poff;
	FILE *fp = make_zrecording(&size, &poff);
	struct kt_recr r;
	char err[256], want[160];
	unsigned char b, h[KT_REC_CHUNK_HDR], junk[512], z[128];
	uint32_t len = chunk_len(fp, poff), crc;
	size_t zn;

	(void)state;
	/* A byte of the compressed payload flipped: its checksum fails. */
	assert_int_equal(pread(fileno(fp), &b, 1, poff + KT_REC_CHUNK_HDR + 6), 1);
	b ^= 0x55;
	patch(fp, poff + KT_REC_CHUNK_HDR + 6, &b, 1);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_true(r.damaged);
	assert_false(r.ended);
	assert_int_equal(r.damage_off, poff);
	assert_int_equal(pread(fileno(fp), h, sizeof(h), poff), (ssize_t)sizeof(h));
	snprintf(want, sizeof(want), "corrupt: ZPAGES chunk of %u bytes fails its checksum "
		 "(0x%02x%02x%02x%02x)", len, h[15], h[14], h[13], h[12]);
	assert_string_equal(r.damage, want);
	assert_int_equal(r.total_pages, 0);
	assert_non_null(r.meta);
	kt_recr_close(&r);
	fclose(fp);

	/* A payload with a good checksum that is no zstd frame. */
	fp = make_zrecording(&size, &poff);
	memset(junk, 'J', sizeof(junk));
	patch(fp, poff + KT_REC_CHUNK_HDR, junk, len < sizeof(junk) ? len : sizeof(junk));
	crc = kt_crc32(0, junk, len < sizeof(junk) ? len : sizeof(junk));
	assert_true(len <= sizeof(junk));
	h[12] = crc;
	h[13] = crc >> 8;
	h[14] = crc >> 16;
	h[15] = crc >> 24;
	patch(fp, poff + 12, h + 12, 4);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_true(r.damaged);
	assert_int_equal(r.damage_off, poff);
	snprintf(want, sizeof(want), "corrupt: ZPAGES chunk of %u bytes does not decompress "
		 "(not a zstd frame)", len);
	assert_string_equal(r.damage, want);
	kt_recr_close(&r);
	fclose(fp);

	/* A good frame whose content is not PAGE chunks. */
	fp = make_zrecording(&size, &poff);
	zn = ZSTD_compress(z, sizeof(z), junk, 30, 1);
	assert_false(ZSTD_isError(zn));
	assert_true(zn <= len);
	memset(h, 0, sizeof(h));
	memcpy(h, "KtCk", 4);
	h[4] = KT_REC_ZPAGES;
	h[8] = zn;
	crc = kt_crc32(0, z, zn);
	for (int i = 0; i < 4; i++)
		h[12 + i] = crc >> (8 * i);
	h[16] = 30;
	patch(fp, poff, h, sizeof(h));
	patch(fp, poff + KT_REC_CHUNK_HDR, z, zn);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_true(r.damaged);
	assert_int_equal(r.damage_off, poff);
	snprintf(want, sizeof(want), "corrupt: ZPAGES chunk of %zu bytes: at byte 0 of its 30 "
		 "decompressed: no chunk header (sync word 0x4a4a4a4a)", zn);
	assert_string_equal(r.damage, want);
	kt_recr_close(&r);
	fclose(fp);
}

/* The compressed recording read as a stream: its items in order; cut at
 * every byte: never a crash, the items before the cut. */
static void test_zstream(void **state)
{
	long size, poff;
	FILE *fp = make_zrecording(&size, &poff);

	(void)state;
	for (long n = size; n >= KT_REC_FILE_HDR; n--) {
		struct kt_recr r;
		struct kt_recs s = { 0 };
		struct kt_recs_item it;
		char err[256];
		int fd = cut(fp, n), k, npages = 0, nrounds = 0;

		assert_int_equal(lseek(fd, 0, SEEK_SET), 0);	/* read from the start */
		if (kt_recs_open(&s, &r, fd, err, sizeof(err)) < 0)
			fail_msg("n=%ld: %s", n, err);
		while ((k = kt_recs_next(&s, &it)) > 0) {
			if (it.type == KT_REC_PAGE) {
				static const unsigned int cpus[] = { 0, 0, 3 };

				assert_true(npages < 3);
				assert_int_equal(it.cpu, cpus[npages]);
				if (npages == 0)
					assert_memory_equal(it.data, page0, sizeof(page0));
				if (npages == 1) {
					assert_int_equal(it.len, 8);
					assert_int_equal(it.skip, 7);
				}
				if (npages == 2) {
					assert_int_equal(it.lost, 5);
					assert_memory_equal(it.data, page1, sizeof(page1));
				}
				npages++;
			} else if (it.type == KT_REC_ROUND) {
				assert_int_equal(it.ts, 1234);
				assert_int_equal(npages, 3);
				nrounds++;
			}
		}
		assert_int_equal(k, 0);
		if (n == size) {
			assert_true(r.ended);
			assert_false(r.damaged);
			assert_int_equal(npages, 3);
			assert_int_equal(nrounds, 1);
			assert_string_equal(r.stats, "cpu0=x\n");
			assert_string_equal(r.header_page, "hp");
		} else {
			assert_false(r.ended);
		}
		if (n == poff + KT_REC_CHUNK_HDR + 5) {
			char want[128];

			assert_int_equal(r.damage_off, poff);
			snprintf(want, sizeof(want), "truncated: ZPAGES chunk of %u bytes, 5 left in "
				 "the stream", chunk_len(fp, poff));
			assert_string_equal(r.damage, want);
			assert_int_equal(npages, 0);
		}
		kt_recs_close(&s);
		kt_recr_close(&r);
	}
	fclose(fp);
}

/* The time of a sub-buffer's last event: the header's plus every delta. */
static void test_last_ts(void **state)
{
	unsigned char le[64] = { 0 };

	(void)state;
	le[0] = 100;		/* time stamp 100, 64-bit little-endian */
	le[8] = 28;		/* commit: 28 bytes */
	le[16] = 2 | 5 << 5;	/* data, 3 words, delta 5 */
	le[28] = 30;		/* time extend: delta 1 << 27 */
	le[32] = 1;
	le[36] = 1 | 3 << 5;	/* data, 2 words, delta 3 */
	assert_int_equal(kt_subbuf_last_ts(le, sizeof(le), 8, false), 100 + 5 + (1u << 27) + 3);
	le[8] = 12;		/* only the first event */
	assert_int_equal(kt_subbuf_last_ts(le, sizeof(le), 8, false), 105);
	assert_int_equal(kt_subbuf_last_ts(le, 8, 8, false), 0);
}

/* A sub-buffer as a big-endian 32-bit kernel writes it, and the same in
 * a little-endian 64-bit layout. */
static void test_subbuf_layouts(void **state)
{
	unsigned char be[64] = { 0 }, le[64] = { 0 };

	(void)state;
	/* header: timestamp (8), commit (4, big-endian): 20 bytes of data,
	 * lost events flagged and their count stored after the data */
	be[8] = 0xc0;
	be[11] = 20;
	/* event 1: type_len 2 in the top 5 bits, then 8 bytes */
	be[12] = 2 << 3;
	/* event 2: type_len 0, array[0] = 4: 8 bytes */
	be[31] = 4;
	be[35] = 9;	/* the lost count after the data (12 + 20) */
	assert_true(kt_subbuf_valid(be, sizeof(be), 4, true));
	assert_int_equal(kt_subbuf_missed(be, sizeof(be), 4, true), 9);
	assert_int_equal(kt_subbuf_used(be, sizeof(be), 4, true), 12 + 20 + 4);
	be[31] = 5;	/* an array length that is not a multiple of 4 */
	assert_false(kt_subbuf_valid(be, sizeof(be), 4, true));
	/* Read as little-endian, the same bytes say something else. */
	be[31] = 4;
	assert_false(kt_subbuf_valid(be, sizeof(be), 4, false));

	le[8] = 12;	/* commit 12, 64-bit */
	le[16] = 2;	/* type_len 2: 12 bytes */
	assert_true(kt_subbuf_valid(le, sizeof(le), 8, false));
	assert_int_equal(kt_subbuf_missed(le, sizeof(le), 8, false), 0);
	assert_int_equal(kt_subbuf_used(le, sizeof(le), 8, false), 16 + 12);
	le[8] = 200;	/* commit past the sub-buffer: the whole of it is kept */
	assert_int_equal(kt_subbuf_used(le, sizeof(le), 8, false), sizeof(le));
	assert_false(kt_subbuf_valid(le, sizeof(le), 8, false));
}

/* The process table as text and back. */
/* Many TASKS and EXECS chunks add up, each after the ones before, with
 * the lengths kept (the text is not scanned again for each chunk). */
static void test_many_chunks(void **state)
{
	FILE *fp = tmpfile();
	struct kt_recw w;
	struct kt_recr r;
	char err[256], line[32];
	size_t tl = 0, el = 0;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(kt_recw_begin(&w, fp), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_META, "long_size=8\n", 12, NULL, 0), 0);
	for (int i = 1; i <= 20000; i++) {
		int n = snprintf(line, sizeof(line), "%d %d 0 0 0 0 0 1 6b\n", i, i);

		assert_int_equal(kt_recw_chunk(&w, KT_REC_TASKS, line, (size_t)n, NULL, 0), 0);
		tl += (size_t)n;
		n = snprintf(line, sizeof(line), "%d %d\n", i, i % 2);
		assert_int_equal(kt_recw_chunk(&w, KT_REC_EXECS, line, (size_t)n, NULL, 0), 0);
		el += (size_t)n;
	}
	assert_int_equal(kt_recw_chunk(&w, KT_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(kt_recw_flush(&w), 0);
	kt_recw_end(&w);
	assert_int_equal(kt_recr_open_fd(&r, dup(fileno(fp)), err, sizeof(err)), 0);
	assert_int_equal(r.tasks_len, tl);
	assert_int_equal(strlen(r.tasks), tl);
	assert_int_equal(r.execs_len, el);
	assert_int_equal(strncmp(r.tasks, "1 1 0 0 0 0 0 1 6b\n2 2 ", 23), 0);
	assert_string_equal(r.execs + el - 8, "20000 0\n");
	kt_recr_close(&r);
	fclose(fp);
}

static enum kt_abi take_abi(void *arg, int tgid, bool exec)
{
	return exec ? kt_rec_execs_take(arg, tgid) : KT_ABI_NONE;
}

static void free_execs(void *arg)
{
	kt_rec_execs_free(arg);
}

static void test_tasks(void **state)
{
	struct kt_proc *t = kt_proc_new(NULL), *u = kt_proc_new(NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	const struct kt_task *k;

	(void)state;
	kt_proc_add(t, 100, 100, "a b,\"c\n");
	kt_proc_newtask(t, 100, 101, 0x00010000, "worker\0\0\0\0\0\0\0\0\0");
	kt_proc_dump(t, m, false, false);
	fclose(m);
	assert_int_equal(kt_proc_load(u, text), 2);
	k = kt_proc_get(u, 100);
	assert_int_equal(k->tgid, 100);
	assert_string_equal(k->comm, "a b,\"c\n");
	assert_true(k->born);
	k = kt_proc_get(u, 101);
	assert_int_equal(k->tgid, 100);
	assert_string_equal(k->comm, "worker");
	assert_int_equal(kt_proc_load(u, "1 2 3\n"), -1);
	free(text);
	kt_proc_free(t);
	kt_proc_free(u);
}

/* EXECS: the k-th exec of a process gets its k-th recorded ABI; an exec
 * ran by the table (kt_proc_exec) takes it from the source. */
static void test_execs(void **state)
{
	size_t bad;
	struct kt_rec_execs *x =
		kt_rec_execs_parse("7 1\n5 0\nskipped 3\n7 0\n9 -1\n7 1\n", &bad);
	struct kt_proc *t = kt_proc_new(NULL);
	struct kt_abi_source src;

	(void)state;
	assert_non_null(x);
	assert_int_equal(bad, 0);
	assert_int_equal(kt_rec_execs_count(x), 5);
	assert_int_equal(kt_rec_execs_skipped(x), 3);
	assert_int_equal(kt_rec_execs_take(x, 7), KT_ABI_I386);
	assert_int_equal(kt_rec_execs_take(x, 7), KT_ABI_X86_64);
	assert_int_equal(kt_rec_execs_take(x, 5), KT_ABI_X86_64);
	assert_int_equal(kt_rec_execs_take(x, 9), KT_ABI_NONE);
	assert_int_equal(kt_rec_execs_take(x, 6), KT_ABI_NONE);
	assert_int_equal(kt_rec_execs_take(x, 1), KT_ABI_NONE);
	assert_int_equal(kt_rec_execs_take(x, 100), KT_ABI_NONE);
	/* The last of 7's, then none left. */
	src = (struct kt_abi_source){ take_abi, free_execs, x };
	kt_proc_set_abi_source(t, &src);
	kt_proc_exec(t, 7, 7, "/bin/x", 6);
	assert_int_equal(kt_proc_abi(t, 7), KT_ABI_I386);
	kt_proc_exec(t, 7, 7, "/bin/y", 6);
	assert_int_equal(kt_proc_abi(t, 7), KT_ABI_NONE);
	kt_proc_free(t);	/* frees @x */

	/* Malformed: the lines before the bad one hold. */
	x = kt_rec_execs_parse("3 1\n4 x\n5 1\n", &bad);
	assert_int_equal(bad, 2);
	assert_int_equal(kt_rec_execs_count(x), 1);
	kt_rec_execs_free(x);
	for (unsigned int i = 0; i < 6; i++) {
		static const char *const b[] = { "0 1\n", "-3 1\n", "3 9\n", "3 1 \n",
						 "skipped -1\n", "3\n" };

		x = kt_rec_execs_parse(b[i], &bad);
		assert_int_equal(bad, 1);
		assert_int_equal(kt_rec_execs_count(x), 0);
		kt_rec_execs_free(x);
	}
	x = kt_rec_execs_parse("", &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(kt_rec_execs_take(x, 1), KT_ABI_NONE);
	/* A stream: the text grows; a line without its newline waits. */
	assert_int_equal(kt_rec_execs_add(x, "4 1\n4 0", &bad), 0);
	assert_int_equal(kt_rec_execs_count(x), 1);
	assert_int_equal(kt_rec_execs_add(x, "4 1\n4 0\n2 1\nbad\n", &bad), 0);
	assert_int_equal(bad, 4);
	assert_int_equal(kt_rec_execs_count(x), 3);
	assert_int_equal(kt_rec_execs_take(x, 4), KT_ABI_I386);
	assert_int_equal(kt_rec_execs_take(x, 4), KT_ABI_X86_64);
	assert_int_equal(kt_rec_execs_take(x, 2), KT_ABI_I386);
	/* Nothing after a malformed line. */
	assert_int_equal(kt_rec_execs_add(x, "4 1\n4 0\n2 1\nbad\n5 1\n", &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(kt_rec_execs_count(x), 3);
	kt_rec_execs_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_zroundtrip),
		cmocka_unit_test(test_ztruncated_everywhere),
		cmocka_unit_test(test_zdamaged),
		cmocka_unit_test(test_zstream),
		cmocka_unit_test(test_last_ts),
		cmocka_unit_test(test_subbuf_layouts),
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_execs),
		cmocka_unit_test(test_many_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
