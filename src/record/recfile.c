// SPDX-License-Identifier: GPL-2.0-or-later
/* The recording file: writing and indexing; see recfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "ktrail/recfile.h"

static const char *const type_names[KT_REC_NTYPES] = {
	[KT_REC_META] = "META",
	[KT_REC_HEADER_PAGE] = "HEADER_PAGE",
	[KT_REC_FORMAT] = "FORMAT",
	[KT_REC_PROBES] = "PROBES",
	[KT_REC_TASKS] = "TASKS",
	[KT_REC_PAGE] = "PAGE",
	[KT_REC_STATS] = "STATS",
	[KT_REC_EXECS] = "EXECS",
	[KT_REC_END] = "END",
	[KT_REC_ZPAGES] = "ZPAGES",
	[KT_REC_ROUND] = "ROUND",
};

const char *kt_rec_type_name(unsigned int type)
{
	return type < KT_REC_NTYPES && type_names[type] ? type_names[type] : "unknown";
}

uint32_t kt_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Little-endian framing, whatever this machine is. */
static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint16_t get16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint64_t kt_rec_get64(const unsigned char *p)
{
	return get64(p);
}

/* ---------------------------------------------------------- writing */

#define W_BUF (1024 * 1024)

/* Write the buffer out (whole, through EINTR and short writes). */
static int w_drain(struct kt_recw *w)
{
	size_t done = 0;

	while (done < w->len && !w->err) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->err = n < 0 ? errno : EIO;
		else
			done += n;
	}
	w->len = 0;
	return w->err ? -1 : 0;
}

/* Room for @n more bytes in the buffer, or -1. */
static int w_room(struct kt_recw *w, size_t n)
{
	if (w->err)
		return -1;
	if (w->len + n > w->cap && w_drain(w) < 0)
		return -1;
	if (n > w->cap) {
		w->err = EFBIG;
		return -1;
	}
	return 0;
}

static int w_put(struct kt_recw *w, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n) {
		size_t k = n < w->cap ? n : w->cap;

		if (w_room(w, k) < 0)
			return -1;
		memcpy(w->buf + w->len, b, k);
		w->len += k;
		w->off += k;
		b += k;
		n -= k;
	}
	return 0;
}

int kt_recw_begin(struct kt_recw *w, FILE *fp)
{
	return kt_recw_begin_z(w, fp, 0);
}

int kt_recw_begin_z(struct kt_recw *w, FILE *fp, int level)
{
	unsigned char h[KT_REC_FILE_HDR] = { 0 };

	memset(w, 0, sizeof(*w));
	w->fd = fileno(fp);
	w->cap = W_BUF;
	w->buf = malloc(w->cap);
	w->level = level;
	if (level > 0 && w->buf) {
		w->zctx = ZSTD_createCCtx();
		if (w->zctx && ZSTD_isError(ZSTD_CCtx_setParameter(w->zctx, ZSTD_c_compressionLevel,
								    level))) {
			ZSTD_freeCCtx(w->zctx);
			w->zctx = NULL;
		}
	}
	if (!w->buf || (level > 0 && !w->zctx)) {
		free(w->buf);
		w->buf = NULL;
		w->err = ENOMEM;
		errno = ENOMEM;
		return -1;
	}
	memcpy(h, KT_REC_MAGIC, 8);
	put16(h + 8, level > 0 ? KT_REC_VERSION : KT_REC_VERSION_PLAIN);
	put16(h + 10, KT_REC_FILE_HDR);
	if (w_put(w, h, sizeof(h)) < 0) {
		errno = w->err;
		return -1;
	}
	return 0;
}

void kt_recw_end(struct kt_recw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = w->len = 0;
	free(w->zin);
	w->zin = NULL;
	w->zlen = w->zcap = 0;
	w->zpages = 0;
	ZSTD_freeCCtx(w->zctx);
	w->zctx = NULL;
}

static void chunk_hdr_at(unsigned char *h, unsigned int type, int cpu, size_t len, uint32_t aux,
			 uint64_t lost)
{
	put32(h, KT_REC_SYNC);
	put16(h + 4, type);
	put16(h + 6, (uint16_t)cpu);
	put32(h + 8, (uint32_t)len);
	put32(h + 12, aux);
	put64(h + 16, lost);
}

int kt_recw_chunk(struct kt_recw *w, unsigned int type, const void *a, size_t alen,
		  const void *b, size_t blen)
{
	unsigned char h[KT_REC_CHUNK_HDR];
	uint32_t crc = kt_crc32(0, a, alen);

	crc = kt_crc32(crc, b, blen);
	/* Gathered sub-buffers stay before what follows them. */
	if (kt_recw_pages_end(w) < 0)
		return -1;
	if (alen + blen > UINT32_MAX) {
		w->err = w->err ? w->err : EFBIG;
		errno = w->err;
		return -1;
	}
	chunk_hdr_at(h, type, 0, alen + blen, crc, 0);
	if (w_put(w, h, sizeof(h)) < 0 || w_put(w, a, alen) < 0 || w_put(w, b, blen) < 0) {
		errno = w->err;
		return -1;
	}
	return 0;
}

/* Room for @n bytes at w->buf + w->len, growing the buffer past W_BUF
 * when one chunk needs it (a compressed frame of big sub-buffers). */
static int w_reserve(struct kt_recw *w, size_t n)
{
	unsigned char *nb;

	if (w->err)
		return -1;
	if (w->len + n > w->cap && w_drain(w) < 0)
		return -1;
	if (n <= w->cap)
		return 0;
	nb = realloc(w->buf, n);
	if (!nb) {
		w->err = ENOMEM;
		return -1;
	}
	w->buf = nb;
	w->cap = n;
	return 0;
}

/* The gathered PAGE chunks (zin[0, @len)) as one ZPAGES chunk. */
static int z_out(struct kt_recw *w, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;
	unsigned char *out;

	if (w_reserve(w, KT_REC_CHUNK_HDR + bound) < 0)
		return -1;
	out = w->buf + w->len + KT_REC_CHUNK_HDR;
	n = ZSTD_compress2(w->zctx, out, bound, w->zin, len);
	if (ZSTD_isError(n)) {
		w->err = ENOMEM;	/* zstd fails only for want of memory here */
		return -1;
	}
	chunk_hdr_at(w->buf + w->len, KT_REC_ZPAGES, w->zcpu, n, kt_crc32(0, out, n), len);
	w->len += KT_REC_CHUNK_HDR + n;
	w->off += KT_REC_CHUNK_HDR + n;
	w->zraw += len;
	w->zout += KT_REC_CHUNK_HDR + n;
	return 0;
}

int kt_recw_pages_end(struct kt_recw *w)
{
	if (w->err) {
		errno = w->err;
		return -1;
	}
	if (w->level <= 0 || !w->zpages)
		return 0;
	if (z_out(w, w->zlen) < 0) {
		errno = w->err;
		return -1;
	}
	w->zlen = 0;
	w->zpages = 0;
	return 0;
}

/* Compressing: room for a PAGE chunk of @size in zin, after those
 * gathered (sent first when the frame would pass KT_REC_ZFRAME). */
static void *z_page_buf(struct kt_recw *w, size_t size)
{
	size_t need = KT_REC_CHUNK_HDR + size;

	if (w->zpages && w->zlen + need > KT_REC_ZFRAME && kt_recw_pages_end(w) < 0)
		return NULL;
	if (w->zlen + need > w->zcap) {
		size_t cap = w->zlen + need > KT_REC_ZFRAME ? w->zlen + need : KT_REC_ZFRAME;
		unsigned char *nz = realloc(w->zin, cap);

		if (!nz) {
			w->err = ENOMEM;
			errno = ENOMEM;
			return NULL;
		}
		w->zin = nz;
		w->zcap = cap;
	}
	return w->zin + w->zlen + KT_REC_CHUNK_HDR;
}

void *kt_recw_page_buf(struct kt_recw *w, size_t size)
{
	if (w->level > 0)
		return w->err ? (errno = w->err, NULL) : z_page_buf(w, size);
	if (w_room(w, KT_REC_CHUNK_HDR + size) < 0) {
		errno = w->err;
		return NULL;
	}
	return w->buf + w->len + KT_REC_CHUNK_HDR;
}

static int z_page_commit(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost,
			 size_t len)
{
	if (w->zpages && cpu != w->zcpu) {
		/* Another CPU's page: the gathered ones go out first, then
		 * the new one moves to the start of the frame. */
		size_t at = w->zlen;

		if (z_out(w, w->zlen) < 0) {
			errno = w->err;
			return -1;
		}
		memmove(w->zin + KT_REC_CHUNK_HDR, w->zin + at + KT_REC_CHUNK_HDR, len);
		w->zlen = 0;
		w->zpages = 0;
	}
	w->zcpu = cpu;
	chunk_hdr_at(w->zin + w->zlen, KT_REC_PAGE, cpu, len, skip, lost);
	w->zlen += KT_REC_CHUNK_HDR + len;
	w->zpages++;
	return 0;
}

int kt_recw_page_commit(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost, size_t len)
{
	if (w->level > 0 && !w->err)
		return z_page_commit(w, cpu, skip, lost, len);
	if (w->err || w->len + KT_REC_CHUNK_HDR + len > w->cap) {
		errno = w->err ? w->err : EINVAL;
		return -1;
	}
	chunk_hdr_at(w->buf + w->len, KT_REC_PAGE, cpu, len, skip, lost);
	w->len += KT_REC_CHUNK_HDR + len;
	w->off += KT_REC_CHUNK_HDR + len;
	return 0;
}

int kt_recw_page(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost,
		 const void *page, size_t len)
{
	void *p = kt_recw_page_buf(w, len);

	if (!p)
		return -1;
	memcpy(p, page, len);
	return kt_recw_page_commit(w, cpu, skip, lost, len);
}

int kt_recw_round(struct kt_recw *w, uint64_t ts)
{
	unsigned char v[8];

	put64(v, ts);
	if (kt_recw_pages_end(w) < 0)
		return -1;
	return kt_recw_chunk(w, KT_REC_ROUND, v, sizeof(v), NULL, 0);
}

int kt_recw_flush(struct kt_recw *w)
{
	if (kt_recw_pages_end(w) < 0 || w_drain(w) < 0) {
		errno = w->err;
		return -1;
	}
	w->good = w->off;
	return 0;
}

void kt_rec_meta_put(FILE *fp, const char *key, const char *value)
{
	fprintf(fp, "%s=", key);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p == '%' || *p < 0x20 || *p == 0x7f)
			fprintf(fp, "%%%02X", *p);
		else
			fputc(*p, fp);
	}
	fputc('\n', fp);
}

/* ---------------------------------------------------------- reading */

static void __attribute__((format(printf, 3, 4)))
damage(struct kt_recr *r, off_t off, const char *fmt, ...)
{
	va_list ap;

	r->damaged = true;
	r->damage_off = off;
	va_start(ap, fmt);
	vsnprintf(r->damage, sizeof(r->damage), fmt, ap);
	va_end(ap);
}

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = pread(fd, (char *)buf + done, n - done, off + done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			errno = EIO;	/* the file shrank under us */
			return -1;
		}
		done += k;
	}
	return 0;
}

long kt_rec_unzstd(void **dctx, const void *src, size_t slen, unsigned char **dst, size_t *cap,
		   char *err, size_t errlen)
{
	unsigned long long size = ZSTD_getFrameContentSize(src, slen);
	size_t n;

	if (size == ZSTD_CONTENTSIZE_ERROR) {
		snprintf(err, errlen, "not a zstd frame");
		return -1;
	}
	if (size == ZSTD_CONTENTSIZE_UNKNOWN || size > KT_REC_MAX_ZFRAME) {
		snprintf(err, errlen, "a zstd frame of %s bytes (at most %u)",
			 size == ZSTD_CONTENTSIZE_UNKNOWN ? "unknown" : "too many", KT_REC_MAX_ZFRAME);
		return -1;
	}
	if (!*dctx && !(*dctx = ZSTD_createDCtx())) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (size > *cap || !*dst) {
		unsigned char *nb = realloc(*dst, size ? size : 1);

		if (!nb) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		*dst = nb;
		*cap = size;
	}
	n = ZSTD_decompressDCtx(*dctx, *dst, size, src, slen);
	if (ZSTD_isError(n)) {
		snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(n));
		return -1;
	}
	if (n != size) {
		snprintf(err, errlen, "zstd: %zu bytes out of a frame of %llu", n, size);
		return -1;
	}
	return (long)n;
}

int kt_rec_zwalk(const unsigned char *buf, size_t len, unsigned int cpu,
		 int (*page)(void *arg, uint32_t off, uint32_t len, uint32_t skip,
			     uint64_t lost),
		 void *arg, size_t *at, char *err, size_t errlen)
{
	for (*at = 0; *at < len;) {
		const unsigned char *h = buf + *at;
		uint32_t plen;
		int r;

		if (len - *at < KT_REC_CHUNK_HDR) {
			snprintf(err, errlen, "%zu bytes at its end, less than a chunk header",
				 len - *at);
			return -1;
		}
		plen = get32(h + 8);
		if (get32(h) != KT_REC_SYNC) {
			snprintf(err, errlen, "no chunk header (sync word 0x%08x)",
				 (unsigned int)get32(h));
			return -1;
		}
		if (get16(h + 4) != KT_REC_PAGE || get16(h + 6) != cpu) {
			snprintf(err, errlen, "a %s chunk of cpu %u (only PAGE chunks of cpu %u)",
				 kt_rec_type_name(get16(h + 4)), get16(h + 6), cpu);
			return -1;
		}
		if (plen > KT_REC_MAX_PAGE || plen > len - *at - KT_REC_CHUNK_HDR) {
			snprintf(err, errlen, "a PAGE chunk of %u bytes, %zu left", (unsigned int)plen,
				 len - *at - KT_REC_CHUNK_HDR);
			return -1;
		}
		r = page(arg, (uint32_t)(*at + KT_REC_CHUNK_HDR), plen, get32(h + 12), get64(h + 16));
		if (r)
			return r;
		*at += KT_REC_CHUNK_HDR + plen;
	}
	return 0;
}

static int add_page(struct kt_recr *r, int cpu, off_t off, uint32_t len, uint32_t skip,
		    uint64_t lost)
{
	struct kt_rec_page *p;

	if (cpu >= r->ncpus) {
		struct kt_rec_page **np = realloc(r->pages, (cpu + 1) * sizeof(*np));
		unsigned int *nn;

		if (!np)
			return -1;
		r->pages = np;
		nn = realloc(r->npages, (cpu + 1) * sizeof(*nn));
		if (!nn)
			return -1;
		r->npages = nn;
		for (int i = r->ncpus; i <= cpu; i++) {
			r->pages[i] = NULL;
			r->npages[i] = 0;
		}
		r->ncpus = cpu + 1;
	}
	/* Grow by doubling from 64: full when the count is 64 << k. */
	if (r->npages[cpu] == 0 || (r->npages[cpu] >= 64 &&
				    !(r->npages[cpu] & (r->npages[cpu] - 1)))) {
		unsigned int cap = r->npages[cpu] ? r->npages[cpu] * 2 : 64;

		if (cap <= r->npages[cpu])
			return -1;
		p = realloc(r->pages[cpu], cap * sizeof(*p));
		if (!p)
			return -1;
		r->pages[cpu] = p;
	}
	p = &r->pages[cpu][r->npages[cpu]++];
	p->off = off;
	p->len = len;
	p->skip = skip;
	p->lost = lost;
	p->zlen = 0;
	p->zoff = 0;
	r->total_pages++;
	return 0;
}

/* The pages of a ZPAGES chunk being indexed. */
struct zindex {
	struct kt_recr *r;
	int cpu;
	off_t off;		/* of the ZPAGES payload */
	uint32_t zlen;
};

static int zindex_page(void *arg, uint32_t off, uint32_t len, uint32_t skip, uint64_t lost)
{
	struct zindex *z = arg;
	struct kt_rec_page *p;

	if (add_page(z->r, z->cpu, z->off, len, skip, lost) < 0)
		return -2;
	p = &z->r->pages[z->cpu][z->r->npages[z->cpu] - 1];
	p->zlen = z->zlen;
	p->zoff = off;
	return 0;
}

/*
 * Check a ZPAGES chunk's payload @src (@len bytes; the header's @crc and
 * content length @clen), decompress it into *@zbuf and walk its PAGE
 * chunks with @page.  Returns 0; 1 for damage (noted at @off: the pages
 * before it were handed to @page); -1 out of memory.
 */
static int zcheck(struct kt_recr *r, off_t off, unsigned int cpu, uint32_t len, uint32_t crc,
		  uint64_t clen, const unsigned char *src, unsigned char **zbuf, size_t *zcap,
		  int (*page)(void *arg, uint32_t off, uint32_t len, uint32_t skip, uint64_t lost),
		  void *arg)
{
	char why[160];
	long n;
	size_t at;
	int k;

	if (kt_crc32(0, src, len) != crc) {
		damage(r, off, "corrupt: ZPAGES chunk of %u bytes fails its checksum (0x%08x)",
		       (unsigned int)len, (unsigned int)crc);
		return 1;
	}
	n = kt_rec_unzstd(&r->zctx, src, len, zbuf, zcap, why, sizeof(why));
	if (n >= 0 && (uint64_t)n != clen)
		snprintf(why, sizeof(why), "%ld bytes decompressed, the header says %llu", n,
			 (unsigned long long)clen);
	if (n < 0 || (uint64_t)n != clen) {
		damage(r, off, "corrupt: ZPAGES chunk of %u bytes does not decompress (%s)",
		       (unsigned int)len, why);
		return 1;
	}
	k = kt_rec_zwalk(*zbuf, n, cpu, page, arg, &at, why, sizeof(why));
	if (k == -2)
		return -1;
	if (k) {
		damage(r, off, "corrupt: ZPAGES chunk of %u bytes: at byte %zu of its %ld "
		       "decompressed: %s", (unsigned int)len, at, n, why);
		return 1;
	}
	r->zchunks++;
	r->zbytes += len;
	return 0;
}

/* A ZPAGES chunk's limits, else damage (1). */
static int zlimits(struct kt_recr *r, off_t off, unsigned int cpu, uint32_t len, uint64_t clen)
{
	if (len > KT_REC_MAX_ZCHUNK || cpu >= 4096 || clen > KT_REC_MAX_ZFRAME) {
		damage(r, off, "corrupt: ZPAGES chunk of %u bytes (%llu decompressed) for cpu %u",
		       (unsigned int)len, (unsigned long long)clen, cpu);
		return 1;
	}
	return 0;
}

/* Index a ZPAGES chunk (@len bytes of payload after the header at @off):
 * 0, 1 for damage (noted), -1 out of memory. */
static int index_zpages(struct kt_recr *r, off_t off, unsigned int cpu, uint32_t len,
			uint32_t crc, uint64_t clen, unsigned char **zbuf, size_t *zcap)
{
	struct zindex z = { .r = r, .cpu = (int)cpu, .off = off + KT_REC_CHUNK_HDR, .zlen = len };
	unsigned char *src;
	int k;

	if (zlimits(r, off, cpu, len, clen))
		return 1;
	src = malloc(len ? len : 1);
	if (!src)
		return -1;
	if (read_at(r->fd, src, len, off + KT_REC_CHUNK_HDR) < 0) {
		free(src);
		damage(r, off, "unreadable: %s", strerror(errno));
		return 1;
	}
	k = zcheck(r, off, cpu, len, crc, clen, src, zbuf, zcap, zindex_page, &z);
	free(src);
	return k;
}

/* Keep a description chunk's payload, NUL-terminated. */
static char *keep(const unsigned char *buf, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, buf, len);
		s[len] = '\0';
	}
	return s;
}

static int describe(struct kt_recr *r, unsigned int type, unsigned char *buf, size_t len)
{
	char **slot = NULL;

	switch (type) {
	case KT_REC_META:
		slot = &r->meta;
		break;
	case KT_REC_HEADER_PAGE:
		slot = &r->header_page;
		r->header_page_len = len;
		break;
	case KT_REC_PROBES:
		slot = &r->probes;
		break;
	case KT_REC_TASKS:
		slot = &r->tasks;
		break;
	case KT_REC_STATS:
		slot = &r->stats;
		break;
	case KT_REC_EXECS:
		slot = &r->execs;
		break;
	case KT_REC_FORMAT: {
		size_t sl = strnlen((char *)buf, len);
		struct kt_rec_format *f;

		if (sl == len || sl == 0)
			return 1;	/* no system name */
		f = realloc(r->fmts, (r->nfmts + 1) * sizeof(*f));
		if (!f)
			return -1;
		r->fmts = f;
		f = &r->fmts[r->nfmts];
		f->sys = keep(buf, sl);
		f->len = len - sl - 1;
		f->text = keep(buf + sl + 1, f->len);
		if (!f->sys || !f->text) {
			free(f->sys);
			free(f->text);
			return -1;
		}
		r->nfmts++;
		return 0;
	}
	default:
		return 0;	/* a later version's description: skipped */
	}
	if (type == KT_REC_TASKS || type == KT_REC_EXECS) {
		/* A second TASKS chunk adds the tasks found once tracing ran;
		 * each EXECS chunk the execs since the one before.  Kept with
		 * their length and room to grow: many chunks cost linear
		 * time, not quadratic. */
		size_t *have = type == KT_REC_TASKS ? &r->tasks_len : &r->execs_len;
		size_t *cap = type == KT_REC_TASKS ? &r->tasks_cap : &r->execs_cap;
		size_t need = *have + len + 1;

		if (!*slot)
			*have = *cap = 0, need = len + 1;
		if (need > *cap) {
			size_t ncap = *cap ? *cap : 256;
			char *n;

			while (ncap < need)
				ncap *= 2;
			n = realloc(*slot, ncap);
			if (!n)
				return -1;
			*slot = n;
			*cap = ncap;
		}
		memcpy(*slot + *have, buf, len);
		*have += len;
		(*slot)[*have] = '\0';
		return 0;
	}
	free(*slot);
	*slot = keep(buf, len);
	return *slot ? 0 : -1;
}

/* The file header's version and size (its magic checked already):
 * 0, or -1 with @err and errno ENOTSUP for a version this ktrail does not
 * read.  The file reader and the stream reader share it. */
static int file_header(struct kt_recr *r, const unsigned char *h, unsigned int *hsize,
		       char *err, size_t errlen)
{
	r->version = get16(h + 8);
	*hsize = get16(h + 10);
	if (r->version < KT_REC_VERSION_PLAIN || r->version > KT_REC_VERSION ||
	    *hsize < KT_REC_FILE_HDR) {
		snprintf(err, errlen, "recording format version %u (header %u bytes): this ktrail "
			 "reads versions %d to %d", r->version, *hsize, KT_REC_VERSION_PLAIN,
			 KT_REC_VERSION);
		errno = ENOTSUP;
		return -1;
	}
	return 0;
}

int kt_recr_open_fd(struct kt_recr *r, int fd, char *err, size_t errlen)
{
	unsigned char h[KT_REC_CHUNK_HDR], *zbuf = NULL;
	size_t zcap = 0;
	struct stat st;
	off_t off;
	unsigned int hsize;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	r->size = st.st_size;
	if (r->size < KT_REC_FILE_HDR || read_at(fd, h, KT_REC_FILE_HDR, 0) < 0 ||
	    memcmp(h, KT_REC_MAGIC, 8)) {
		snprintf(err, errlen, "not a ktrail recording (no \"\\x89KTRAIL\" header at offset 0)");
		errno = EINVAL;
		return -1;
	}
	if (file_header(r, h, &hsize, err, errlen) < 0)
		return -1;
	for (off = hsize; off < r->size;) {
		unsigned int type, cpu;
		uint32_t len, aux;
		uint64_t lost;

		if (r->size - off < KT_REC_CHUNK_HDR) {
			damage(r, off, "truncated: %llu bytes at the end, less than a chunk header (%d)",
			       (unsigned long long)(r->size - off), KT_REC_CHUNK_HDR);
			break;
		}
		if (read_at(fd, h, KT_REC_CHUNK_HDR, off) < 0) {
			damage(r, off, "unreadable: %s", strerror(errno));
			break;
		}
		type = get16(h + 4);
		cpu = get16(h + 6);
		len = get32(h + 8);
		aux = get32(h + 12);
		lost = get64(h + 16);
		if (get32(h) != KT_REC_SYNC) {
			damage(r, off, "corrupt: no chunk header here (sync word 0x%08x)",
			       (unsigned int)get32(h));
			break;
		}
		if ((off_t)len > r->size - off - KT_REC_CHUNK_HDR) {
			damage(r, off, "truncated: %s chunk of %u bytes, %llu left in the file",
			       kt_rec_type_name(type), (unsigned int)len,
			       (unsigned long long)(r->size - off - KT_REC_CHUNK_HDR));
			break;
		}
		if (type == KT_REC_PAGE) {
			if (len > KT_REC_MAX_PAGE || cpu >= 4096) {
				damage(r, off, "corrupt: PAGE chunk of %u bytes for cpu %u",
				       (unsigned int)len, cpu);
				break;
			}
			if (add_page(r, cpu, off + KT_REC_CHUNK_HDR, len, aux, lost) < 0)
				goto nomem;
		} else if (type == KT_REC_ZPAGES && r->version >= 2) {
			int k = index_zpages(r, off, cpu, len, aux, lost, &zbuf, &zcap);

			if (k < 0)
				goto nomem;
			if (k)
				break;
		} else if (type == KT_REC_FORMAT && len > KT_REC_MAX_FORMAT) {
			damage(r, off, "corrupt: FORMAT chunk of %u bytes (a format is a few KiB)",
			       (unsigned int)len);
			break;
		} else if (type == KT_REC_END) {
			r->ended = true;
		} else {
			unsigned char *buf;
			int k;

			if (len > KT_REC_MAX_META) {
				damage(r, off, "corrupt: %s chunk of %u bytes (at most %u)",
				       kt_rec_type_name(type), (unsigned int)len, KT_REC_MAX_META);
				break;
			}
			buf = malloc(len ? len : 1);
			if (!buf)
				goto nomem;
			if (read_at(fd, buf, len, off + KT_REC_CHUNK_HDR) < 0) {
				free(buf);
				damage(r, off, "unreadable: %s", strerror(errno));
				break;
			}
			if (kt_crc32(0, buf, len) != aux) {
				free(buf);
				damage(r, off, "corrupt: %s chunk of %u bytes fails its checksum "
				       "(0x%08x)", kt_rec_type_name(type), (unsigned int)len,
				       (unsigned int)aux);
				break;
			}
			k = describe(r, type, buf, len);
			free(buf);
			if (k < 0)
				goto nomem;
			if (k > 0) {
				damage(r, off, "corrupt: FORMAT chunk without a system name");
				break;
			}
		}
		off += KT_REC_CHUNK_HDR + (off_t)len;
	}
	free(zbuf);
	return 0;
nomem:
	free(zbuf);
	snprintf(err, errlen, "out of memory indexing the recording");
	r->fd = -1;	/* the caller's to close */
	kt_recr_close(r);
	errno = ENOMEM;
	return -1;
}

int kt_recr_open(struct kt_recr *r, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* Pages are read by offset: a pipe cannot be reported. */
		snprintf(err, errlen, "%s is not a regular file", path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (kt_recr_open_fd(r, fd, err, errlen) < 0) {
		close(fd);
		r->fd = -1;
		return -1;
	}
	return 0;
}

void kt_recr_close(struct kt_recr *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->meta);
	free(r->header_page);
	free(r->probes);
	free(r->tasks);
	free(r->execs);
	free(r->stats);
	for (unsigned int i = 0; i < r->nfmts; i++) {
		free(r->fmts[i].sys);
		free(r->fmts[i].text);
	}
	free(r->fmts);
	for (int i = 0; i < r->ncpus; i++) {
		free(r->pages[i]);
		if (r->zc)
			free(r->zc[i].buf);
	}
	free(r->zc);
	ZSTD_freeDCtx(r->zctx);
	free(r->pages);
	free(r->npages);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

const char *kt_recr_meta(const struct kt_recr *r, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	if (!r->meta || !len)
		return NULL;
	for (const char *p = r->meta; *p;) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);

		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t o = 0;

			for (const char *v = p + kl + 1; v < p + ll && o + 1 < len; v++) {
				unsigned int c;

				if (*v == '%' && v + 2 < p + ll && sscanf(v + 1, "%2x", &c) == 1) {
					buf[o++] = (char)c;
					v += 2;
				} else {
					buf[o++] = *v;
				}
			}
			buf[o] = '\0';
			return buf;
		}
		p += ll + (eol ? 1 : 0);
	}
	return NULL;
}

/* CPU @cpu's ZPAGES content at @off (@zlen bytes in the file), cached. */
static const struct kt_rec_zcache *zcontent(struct kt_recr *r, int cpu, off_t off, uint32_t zlen)
{
	struct kt_rec_zcache *zc;
	unsigned char *src;
	char why[160];
	long n;

	if (!r->zc) {
		r->zc = calloc(r->ncpus, sizeof(*r->zc));
		if (!r->zc)
			return NULL;
		for (int i = 0; i < r->ncpus; i++)
			r->zc[i].off = -1;
	}
	zc = &r->zc[cpu];
	if (zc->off == off)
		return zc;
	zc->off = -1;
	src = malloc(zlen ? zlen : 1);
	if (!src)
		return NULL;
	if (read_at(r->fd, src, zlen, off) < 0) {
		free(src);
		return NULL;
	}
	/* Checked when indexed: a failure now is a file changed since. */
	n = kt_rec_unzstd(&r->zctx, src, zlen, &zc->buf, &zc->cap, why, sizeof(why));
	free(src);
	if (n < 0) {
		errno = EIO;
		return NULL;
	}
	zc->len = (size_t)n;
	zc->off = off;
	return zc;
}

int kt_recr_page(struct kt_recr *r, int cpu, unsigned int i, void *buf, size_t size)
{
	const struct kt_rec_page *p;
	size_t n;

	if (cpu < 0 || cpu >= r->ncpus || i >= r->npages[cpu]) {
		errno = ERANGE;
		return -1;
	}
	p = &r->pages[cpu][i];
	n = p->len < size ? p->len : size;
	if (p->zlen) {
		const struct kt_rec_zcache *zc = zcontent(r, cpu, p->off, p->zlen);

		if (!zc)
			return -1;
		if ((size_t)p->zoff + n > zc->len) {
			errno = EIO;
			return -1;
		}
		memcpy(buf, zc->buf + p->zoff, n);
	} else if (read_at(r->fd, buf, n, p->off) < 0) {
		return -1;
	}
	memset((char *)buf + n, 0, size - n);
	return 0;
}

/* ------------------------------------------------ reading a stream */

/* Up to @n bytes (fewer only at the end of the stream), or -1. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = read(fd, (char *)buf + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		done += k;
	}
	return (ssize_t)done;
}

static int zstream_page(void *arg, uint32_t off, uint32_t len, uint32_t skip, uint64_t lost)
{
	struct kt_recs *s = arg;

	if (s->nzp == s->zpcap) {
		unsigned int cap = s->zpcap ? 2 * s->zpcap : 64;
		void *n = realloc(s->zp, cap * sizeof(*s->zp));

		if (!n)
			return -2;
		s->zp = n;
		s->zpcap = cap;
	}
	s->zp[s->nzp].off = off;
	s->zp[s->nzp].len = len;
	s->zp[s->nzp].skip = skip;
	s->zp[s->nzp].lost = lost;
	s->nzp++;
	if (s->index) {
		struct kt_rec_page *p;

		if (add_page(s->r, (int)s->zcpu, s->zoff + KT_REC_CHUNK_HDR, len, skip, lost) < 0)
			return -2;
		p = &s->r->pages[s->zcpu][s->r->npages[s->zcpu] - 1];
		p->zlen = 1;
		p->zoff = off;
	}
	return 0;
}

static int stream_grow(struct kt_recs *s, size_t len)
{
	if (len > s->cap || !s->buf) {
		unsigned char *n = realloc(s->buf, len ? len : 1);

		if (!n)
			return -1;
		s->buf = n;
		s->cap = len;
	}
	return 0;
}

/* The next item, as kt_recs_next(); descriptions are kept on the way. */
static int stream_step(struct kt_recs *s, struct kt_recs_item *it, bool described)
{
	struct kt_recr *r = s->r;

	for (;;) {
		unsigned char h[KT_REC_CHUNK_HDR];
		unsigned int type, cpu;
		uint32_t len, aux;
		uint64_t lost;
		off_t off = s->off;
		ssize_t n;

		if (s->zi < s->nzp) {
			*it = (struct kt_recs_item){
				.type = KT_REC_PAGE, .cpu = s->zcpu, .skip = s->zp[s->zi].skip,
				.lost = s->zp[s->zi].lost, .data = s->z + s->zp[s->zi].off,
				.len = s->zp[s->zi].len, .off = s->zoff,
			};
			s->zi++;
			return 1;
		}
		if (s->done)
			return 0;
		n = read_full(r->fd, h, sizeof(h));
		if (n < 0) {
			damage(r, off, "unreadable: %s", strerror(errno));
			s->done = true;
			continue;
		}
		s->off += n;
		r->size = s->off;
		if (n == 0) {
			s->done = true;		/* no END: the verdict says so */
			continue;
		}
		if (n < KT_REC_CHUNK_HDR) {
			damage(r, off, "truncated: %zd bytes at the end, less than a chunk header (%d)",
			       n, KT_REC_CHUNK_HDR);
			s->done = true;
			continue;
		}
		type = get16(h + 4);
		cpu = get16(h + 6);
		len = get32(h + 8);
		aux = get32(h + 12);
		lost = get64(h + 16);
		s->done = true;		/* until the chunk proves whole */
		if (get32(h) != KT_REC_SYNC) {
			damage(r, off, "corrupt: no chunk header here (sync word 0x%08x)",
			       (unsigned int)get32(h));
			continue;
		}
		if (type == KT_REC_PAGE && (len > KT_REC_MAX_PAGE || cpu >= 4096)) {
			damage(r, off, "corrupt: PAGE chunk of %u bytes for cpu %u", (unsigned int)len,
			       cpu);
			continue;
		}
		if (type == KT_REC_ZPAGES && r->version >= 2 && zlimits(r, off, cpu, len, lost))
			continue;
		if (type == KT_REC_FORMAT && len > KT_REC_MAX_FORMAT) {
			damage(r, off, "corrupt: FORMAT chunk of %u bytes (a format is a few KiB)",
			       (unsigned int)len);
			continue;
		}
		if (type != KT_REC_PAGE && type != KT_REC_ZPAGES && len > KT_REC_MAX_META) {
			damage(r, off, "corrupt: %s chunk of %u bytes (at most %u)",
			       kt_rec_type_name(type), (unsigned int)len, KT_REC_MAX_META);
			continue;
		}
		if (stream_grow(s, len) < 0)
			return -1;
		n = read_full(r->fd, s->buf, len);
		if (n < 0) {
			damage(r, off, "unreadable: %s", strerror(errno));
			continue;
		}
		s->off += n;
		r->size = s->off;
		if ((uint32_t)n < len) {
			damage(r, off, "truncated: %s chunk of %u bytes, %zd left in the stream",
			       kt_rec_type_name(type), (unsigned int)len, n);
			continue;
		}
		s->done = false;
		if (type == KT_REC_PAGE) {
			if (s->index && add_page(r, cpu, off + KT_REC_CHUNK_HDR, len, aux, lost) < 0)
				return -1;
			*it = (struct kt_recs_item){
				.type = KT_REC_PAGE, .cpu = cpu, .skip = aux, .lost = lost,
				.data = s->buf, .len = len, .off = off,
			};
			return 1;
		}
		if (type == KT_REC_ZPAGES && r->version >= 2) {
			int k;

			s->nzp = s->zi = 0;
			s->zcpu = cpu;
			s->zoff = off;
			k = zcheck(r, off, cpu, len, aux, lost, s->buf, &s->z, &s->zcap,
				   zstream_page, s);
			if (k < 0)
				return -1;
			s->done = k > 0;	/* the pages before the damage first */
			continue;
		}
		if (type == KT_REC_END) {
			r->ended = true;
			s->done = true;
			continue;
		}
		if (kt_crc32(0, s->buf, len) != aux) {
			damage(r, off, "corrupt: %s chunk of %u bytes fails its checksum (0x%08x)",
			       kt_rec_type_name(type), (unsigned int)len, (unsigned int)aux);
			s->done = true;
			continue;
		}
		if (type == KT_REC_ROUND && len == 8) {
			*it = (struct kt_recs_item){ .type = KT_REC_ROUND, .ts = get64(s->buf),
						     .off = off };
			return 1;
		}
		{
			int k = describe(r, type, s->buf, len);

			if (k < 0)
				return -1;
			if (k > 0) {
				damage(r, off, "corrupt: FORMAT chunk without a system name");
				s->done = true;
				continue;
			}
		}
		if (type == KT_REC_TASKS && described) {
			*it = (struct kt_recs_item){ .type = KT_REC_TASKS, .data = s->buf, .len = len,
						     .off = off };
			return 1;
		}
	}
}

int kt_recs_open(struct kt_recs *s, struct kt_recr *r, int fd, char *err, size_t errlen)
{
	unsigned char h[KT_REC_FILE_HDR];
	unsigned int hsize;
	bool index = s->index;
	ssize_t n;
	int k;

	memset(s, 0, sizeof(*s));
	memset(r, 0, sizeof(*r));
	s->index = index;
	s->r = r;
	r->fd = fd;
	n = read_full(fd, h, sizeof(h));
	if (n < KT_REC_FILE_HDR || memcmp(h, KT_REC_MAGIC, 8)) {
		if (n < 0)
			snprintf(err, errlen, "%s", strerror(errno));
		else
			snprintf(err, errlen, "not a ktrail recording (no \"\\x89KTRAIL\" header at "
				 "offset 0)");
		errno = EINVAL;
		return -1;
	}
	if (file_header(r, h, &hsize, err, errlen) < 0)
		return -1;
	s->off = n;
	if (hsize > KT_REC_FILE_HDR) {
		if (stream_grow(s, hsize) < 0)
			goto nomem;
		n = read_full(fd, s->buf, hsize - KT_REC_FILE_HDR);
		s->off += n > 0 ? n : 0;
	}
	r->size = s->off;
	k = stream_step(s, &s->item, false);
	if (k < 0)
		goto nomem;
	s->held = k > 0;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory reading the recording");
	kt_recs_close(s);
	errno = ENOMEM;
	return -1;
}

int kt_recs_next(struct kt_recs *s, struct kt_recs_item *it)
{
	if (s->held) {
		s->held = false;
		*it = s->item;
		return 1;
	}
	return stream_step(s, it, true);
}

void kt_recs_close(struct kt_recs *s)
{
	free(s->buf);
	free(s->z);
	free(s->zp);
	s->buf = s->z = NULL;
	s->zp = NULL;
	s->nzp = s->zi = 0;
}
