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
#define KT_REC_VERSION 1
#define KT_REC_FILE_HDR 16		/* magic, u16 version, u16 header size, u32 0 */
#define KT_REC_CHUNK_HDR 24
#define KT_REC_SYNC 0x6b43744bu		/* "KtCk" */
#define KT_REC_MAX_META (16u << 20)	/* a description chunk's size limit */
#define KT_REC_MAX_PAGE (1u << 20)	/* a sub-buffer's (the kernel's limit) */
#define KT_REC_MAX_FORMAT (64u << 10)	/* an event format's */

enum kt_rec_type {
	KT_REC_META = 1,	/* key=value lines */
	KT_REC_HEADER_PAGE,	/* events/header_page */
	KT_REC_FORMAT,		/* "system\0" then events/system/name/format */
	KT_REC_PROBES,		/* the kprobe definitions used, one per line */
	KT_REC_TASKS,		/* the process table at the start */
	KT_REC_PAGE,		/* a sub-buffer: cpu, aux = skip, lost */
	KT_REC_STATS,		/* per-CPU counts at the end, key=value lines */
	KT_REC_END,		/* the recording ended cleanly */
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
};

/*
 * Write the file header to @fp's descriptor: the writer buffers itself
 * and writes the descriptor directly (stdio's buffer would be one more
 * copy of every sub-buffer).  Returns 0, or -1 with errno.  Free with
 * kt_recw_end() (which writes nothing).
 */
int kt_recw_begin(struct kt_recw *w, FILE *fp);
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
/* Write out what is buffered; on success the file holds whole chunks up
 * to w->good. */
int kt_recw_flush(struct kt_recw *w);

/* ---------------------------------------------------------- reading */

/* A sub-buffer's place in the file. */
struct kt_rec_page {
	off_t off;		/* of the payload */
	uint32_t len;
	uint32_t skip;
	uint64_t lost;
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
	size_t header_page_len;
	struct kt_rec_format *fmts;
	unsigned int nfmts;
	/* Sub-buffers by CPU, in file order. */
	struct kt_rec_page **pages;
	unsigned int *npages;
	int ncpus;		/* slots in pages[] */
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
int kt_recr_page(const struct kt_recr *r, int cpu, unsigned int i, void *buf, size_t size);

/* key=value with the value percent-encoded (%, newline, NUL-free text). */
void kt_rec_meta_put(FILE *fp, const char *key, const char *value);

/*
 * The EXECS chunks of a recording (src/record/execs.c): "tgid abi" lines
 * in the order of the execs, and "skipped N" where the ABI helper had
 * lost N of them.  kt_rec_execs_parse() returns the table (NULL with
 * errno ENOMEM); *@bad_line is the first malformed line (1-based, the
 * lines before it are kept), or 0.  kt_rec_execs_take() gives the ABI of
 * the oldest exec of @tgid not taken yet, or KT_ABI_NONE when the list
 * has no more of them.
 */
struct kt_rec_execs;
struct kt_rec_execs *kt_rec_execs_parse(const char *text, size_t *bad_line);
enum kt_abi kt_rec_execs_take(struct kt_rec_execs *x, int tgid);
size_t kt_rec_execs_count(const struct kt_rec_execs *x);
unsigned long long kt_rec_execs_skipped(const struct kt_rec_execs *x);
void kt_rec_execs_free(struct kt_rec_execs *x);

#endif
