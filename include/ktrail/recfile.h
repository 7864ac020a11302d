/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktrail's recording file (doc/recording.md): a file header, then chunks.
 * Each chunk has a 24-byte header (little-endian: sync word, type, CPU,
 * payload length, aux, lost) and its payload.  Descriptions (META,
 * HEADER_PAGE, FORMAT, PROBES, TASKS) come first, then the raw per-CPU
 * sub-buffers (PAGE) in the order they were read, then STATS and END.
 * Pages are the kernel's bytes, untouched: their word size and byte
 * order are the traced kernel's, which META describes.  A recording cut
 * anywhere decodes up to the cut.
 */
#ifndef KTRAIL_RECFILE_H
#define KTRAIL_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ktrail/catalog.h"

#define KT_REC_MAGIC "\x89KTRAIL\n"	/* 8 bytes */
#define KT_REC_VERSION 2		/* the highest this build reads and writes */
#define KT_REC_VERSION_PLAIN 1		/* no ZPAGES chunk: older ktrail reads it */
#define KT_REC_FILE_HDR 16		/* magic, u16 version, u16 header size, u32 0 */
#define KT_REC_CHUNK_HDR 24
#define KT_REC_SYNC 0x6b43744bu		/* "KtCk" */
#define KT_REC_MAX_META (16u << 20)	/* a description chunk's size limit */
#define KT_REC_MAX_PAGE (1u << 20)	/* a sub-buffer's (the kernel's limit) */
#define KT_REC_MAX_FORMAT (64u << 10)	/* an event format's */
#define KT_REC_ZFRAME (1u << 20)	/* a ZPAGES chunk's content, at most (written) */
#define KT_REC_MAX_ZFRAME (4u << 20)	/* and as read: PAGE chunks of up to 1 MiB */
#define KT_REC_MAX_ZCHUNK (KT_REC_MAX_ZFRAME + (64u << 10))	/* compressed */
#define KT_REC_ZSTD_LEVEL 1		/* --compress zstd: the fastest, and smallest here */

enum kt_rec_type {
	KT_REC_META = 1,	/* key=value lines */
	KT_REC_HEADER_PAGE,	/* events/header_page */
	KT_REC_FORMAT,		/* "system\0" then events/system/name/format */
	KT_REC_PROBES,		/* the kprobe definitions used, one per line */
	KT_REC_TASKS,		/* the process table at the start */
	KT_REC_PAGE,		/* a sub-buffer: cpu, aux = skip, lost */
	KT_REC_STATS,		/* per-CPU counts at the end, key=value lines */
	KT_REC_END,		/* the recording ended cleanly */
	KT_REC_ZPAGES,		/* a zstd frame of PAGE chunks of one CPU (cpu) */
	KT_REC_ROUND,		/* u64: every event older is in the chunks before */
	KT_REC_EXECS,		/* the ABIs of execs seen while recording */
	KT_REC_NTYPES
};

const char *kt_rec_type_name(unsigned int type);

/* CRC-32 (IEEE 802.3) of description chunks' payloads. */
uint32_t kt_crc32(uint32_t crc, const void *buf, size_t len);

/* ---------------------------------------------------------- writing */

struct kt_recw {
	int fd;
	unsigned char *buf;	/* chunks not written yet */
	size_t cap, len;
	off_t off;		/* bytes handed to the writer */
	off_t good;		/* end of the last chunk known to be written */
	int err;		/* errno of the first failure */
	/* Compression (level > 0): PAGE chunks of one CPU gather in zin,
	 * then go out as one ZPAGES chunk. */
	int level;
	void *zctx;		/* ZSTD_CCtx */
	unsigned char *zin;
	size_t zlen, zcap;
	int zcpu;
	unsigned int zpages;	/* PAGE chunks in zin */
	unsigned long long zraw, zout;	/* bytes in, out (all ZPAGES chunks) */
};

/*
 * Write the file header to @fp's descriptor: the writer buffers itself
 * and writes the descriptor directly (stdio's buffer would be one more
 * copy of every sub-buffer).  Returns 0, or -1 with errno.  Free with
 * kt_recw_end() (which writes nothing).
 */
int kt_recw_begin(struct kt_recw *w, FILE *fp);
/* The same with sub-buffers compressed at zstd @level (1..19; 0: none;
 * version 2 when compressed, else 1). */
int kt_recw_begin_z(struct kt_recw *w, FILE *fp, int level);
void kt_recw_end(struct kt_recw *w);
/* A description chunk (aux = CRC-32 of the payload, made of @a then @b). */
int kt_recw_chunk(struct kt_recw *w, unsigned int type, const void *a, size_t alen,
		  const void *b, size_t blen);
/* A sub-buffer of CPU @cpu: @len bytes of it (the committed part). */
int kt_recw_page(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost,
		 const void *page, size_t len);
/*
 * The same without a copy: kt_recw_page_buf() gives room for a sub-buffer
 * of @size bytes in the writer's buffer (the reader copies into it), then
 * kt_recw_page_commit() keeps its first @len bytes as a PAGE chunk.
 */
void *kt_recw_page_buf(struct kt_recw *w, size_t size);
int kt_recw_page_commit(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost, size_t len);
/* Compressed: the PAGE chunks gathered so far go out as one ZPAGES chunk
 * (also done by a page of another CPU, a full frame, and every flush;
 * a no-op when nothing is gathered or not compressing). */
int kt_recw_pages_end(struct kt_recw *w);
/* A ROUND chunk: every event older than @ts is in the chunks before it. */
int kt_recw_round(struct kt_recw *w, uint64_t ts);
/* Write out what is buffered; on success the file holds whole chunks up
 * to w->good. */
int kt_recw_flush(struct kt_recw *w);

/* ---------------------------------------------------------- reading */

/* A sub-buffer's place in the file. */
struct kt_rec_page {
	off_t off;		/* of the payload (compressed: of the ZPAGES payload) */
	uint32_t len;
	uint32_t skip;
	uint64_t lost;
	uint32_t zlen;		/* 0, or the ZPAGES payload's length */
	uint32_t zoff;		/* then the page's place in its content */
};

/* One CPU's last decompressed ZPAGES content (reading is per CPU, in order). */
struct kt_rec_zcache {
	off_t off;		/* of the ZPAGES payload; -1: none */
	unsigned char *buf;
	size_t len, cap;
};

struct kt_rec_format {
	char *sys;
	char *text;
	size_t len;
};

struct kt_recr {
	int fd;
	off_t size;
	unsigned int version;
	/* Descriptions, NUL-terminated copies. */
	char *meta, *header_page, *probes, *tasks, *stats, *execs;
	size_t tasks_len, tasks_cap, execs_len, execs_cap;	/* of tasks, execs */
	size_t header_page_len;
	struct kt_rec_format *fmts;
	unsigned int nfmts;
	/* Sub-buffers by CPU, in file order. */
	struct kt_rec_page **pages;
	unsigned int *npages;
	int ncpus;		/* slots in pages[] */
	struct kt_rec_zcache *zc;	/* [ncpus], allocated at the first need */
	void *zctx;		/* ZSTD_DCtx */
	unsigned long long zchunks, zbytes;	/* ZPAGES chunks and their payload */
	unsigned long long total_pages;
	bool ended;		/* an END chunk was found */
	/* The first damage: where the scan stopped, and why. */
	bool damaged;
	off_t damage_off;
	char damage[256];
};

/*
 * Open and index a recording: check the file header, read every chunk
 * header and every description, and note each sub-buffer's place.  A
 * damaged chunk stops the scan (r->damaged, r->damage says what and at
 * which offset); what came before it stays usable.  Returns 0; -1 with
 * @err set when the file cannot be used at all (not a recording, a
 * version this build does not read, unreadable).
 */
int kt_recr_open(struct kt_recr *r, const char *path, char *err, size_t errlen);
/* The same over an open descriptor (tests, fuzzing). */
int kt_recr_open_fd(struct kt_recr *r, int fd, char *err, size_t errlen);
void kt_recr_close(struct kt_recr *r);

/*
 * The value of @key in the META chunk (NUL-terminated, percent-decoded
 * into @buf of @len bytes), or NULL when absent.
 */
const char *kt_recr_meta(const struct kt_recr *r, const char *key, char *buf, size_t len);

/* Read page @i of @cpu into @buf (@size bytes, zero-filled past the
 * stored part).  Returns 0, or -1 with errno. */
int kt_recr_page(struct kt_recr *r, int cpu, unsigned int i, void *buf, size_t size);

/*
 * Check a decompressed ZPAGES content (@buf, @len) for CPU @cpu and call
 * @page for each PAGE chunk in it (its header fields and payload).
 * Returns 0; -1 with the damage in @err (the offset inside the content
 * in *@at); or @page's non-zero return.
 */
int kt_rec_zwalk(const unsigned char *buf, size_t len, unsigned int cpu,
		 int (*page)(void *arg, uint32_t off, uint32_t len, uint32_t skip,
			     uint64_t lost),
		 void *arg, size_t *at, char *err, size_t errlen);
/* Decompress @src (@slen) into *@dst (grown as needed, *@cap); returns the
 * content's length or -1 with a reason in @err.  @dctx: a ZSTD_DCtx made
 * on first use. */
long kt_rec_unzstd(void **dctx, const void *src, size_t slen, unsigned char **dst, size_t *cap,
		   char *err, size_t errlen);
/* The u64 of a ROUND chunk's payload. */
uint64_t kt_rec_get64(const unsigned char *p);

/* ------------------------------------------------ reading a stream */

/*
 * A recording read in one pass, as it arrives (ktrail report -, a pipe):
 * no seeking.  The descriptions go into a struct kt_recr as
 * kt_recr_open_fd() would put them, damage too; the sub-buffers and
 * ROUND marks are handed out one by one.
 */
struct kt_recs_item {
	unsigned int type;	/* KT_REC_PAGE, KT_REC_ROUND or KT_REC_TASKS */
	unsigned int cpu;
	uint32_t skip;
	uint64_t lost;
	const unsigned char *data;	/* PAGE: the stored part; TASKS: the new lines */
	uint32_t len;
	off_t off;		/* of the chunk (compressed: of its ZPAGES chunk) */
	uint64_t ts;		/* ROUND */
};

struct kt_recs {
	struct kt_recr *r;
	bool index;		/* note every sub-buffer in r->pages (--info) */
	unsigned char *buf;	/* the current chunk's payload */
	size_t cap;
	off_t off;		/* bytes read */
	bool done;		/* END, EOF or damage */
	/* The PAGE chunks of the current ZPAGES chunk, handed out in turn. */
	unsigned char *z;
	size_t zcap, zlen;
	struct { uint32_t off, len, skip; uint64_t lost; } *zp;
	unsigned int nzp, zpcap, zi;
	unsigned int zcpu;
	off_t zoff;
	bool held;		/* item is the first after the descriptions */
	struct kt_recs_item item;
};

/*
 * Read the file header and the descriptions, up to the first sub-buffer
 * (kept for kt_recs_next()).  Returns 0 (damage: r->damaged), or -1 with
 * @err when the stream is no recording this build reads.
 */
int kt_recs_open(struct kt_recs *s, struct kt_recr *r, int fd, char *err, size_t errlen);
/* The next item: 1; 0 at the end (r->ended, or r->damaged); -1 out of
 * memory. */
int kt_recs_next(struct kt_recs *s, struct kt_recs_item *it);
void kt_recs_close(struct kt_recs *s);

/* key=value with the value percent-encoded (%, newline, NUL-free text). */
void kt_rec_meta_put(FILE *fp, const char *key, const char *value);

/*
 * The EXECS chunks of a recording (src/record/execs.c): "tgid abi" lines
 * in the order of the execs, each ending in a newline, and "skipped N"
 * where the ABI helper had lost N of them.  kt_rec_execs_parse() returns the table (NULL with
 * errno ENOMEM); *@bad_line is the first malformed line (1-based, the
 * lines before it are kept), or 0.  kt_rec_execs_take() gives the ABI of
 * the oldest exec of @tgid not taken yet, or KT_ABI_NONE when the list
 * has no more of them.
 */
struct kt_rec_execs;
struct kt_rec_execs *kt_rec_execs_parse(const char *text, size_t *bad_line);
/* The lines @text holds past those parsed already (the same text grown:
 * a stream's later EXECS chunks); a last line without its newline waits.
 * 0, or -1 with errno ENOMEM; *@bad_line as above, 0 for none new. */
int kt_rec_execs_add(struct kt_rec_execs *x, const char *text, size_t *bad_line);
enum kt_abi kt_rec_execs_take(struct kt_rec_execs *x, int tgid);
size_t kt_rec_execs_count(const struct kt_rec_execs *x);
unsigned long long kt_rec_execs_skipped(const struct kt_rec_execs *x);
void kt_rec_execs_free(struct kt_rec_execs *x);

#endif
