// SPDX-License-Identifier: GPL-2.0-or-later
/* The recording file: writing and indexing; see recfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	unsigned char h[KT_REC_FILE_HDR] = { 0 };

	memset(w, 0, sizeof(*w));
	w->fd = fileno(fp);
	w->cap = W_BUF;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		w->err = ENOMEM;
		errno = ENOMEM;
		return -1;
	}
	memcpy(h, KT_REC_MAGIC, 8);
	put16(h + 8, KT_REC_VERSION);
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

void *kt_recw_page_buf(struct kt_recw *w, size_t size)
{
	if (w_room(w, KT_REC_CHUNK_HDR + size) < 0) {
		errno = w->err;
		return NULL;
	}
	return w->buf + w->len + KT_REC_CHUNK_HDR;
}

int kt_recw_page_commit(struct kt_recw *w, int cpu, unsigned int skip, uint64_t lost, size_t len)
{
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

int kt_recw_flush(struct kt_recw *w)
{
	if (w_drain(w) < 0) {
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
	r->total_pages++;
	return 0;
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
	if ((type == KT_REC_TASKS || type == KT_REC_EXECS) && *slot) {
		/* A second TASKS chunk adds the tasks found once tracing ran;
		 * each EXECS chunk the execs since the one before. */
		size_t have = strlen(*slot);
		char *n = realloc(*slot, have + len + 1);

		if (!n)
			return -1;
		memcpy(n + have, buf, len);
		n[have + len] = '\0';
		*slot = n;
		return 0;
	}
	free(*slot);
	*slot = keep(buf, len);
	return *slot ? 0 : -1;
}

int kt_recr_open_fd(struct kt_recr *r, int fd, char *err, size_t errlen)
{
	unsigned char h[KT_REC_CHUNK_HDR];
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
	r->version = get16(h + 8);
	hsize = get16(h + 10);
	if (r->version != KT_REC_VERSION || hsize < KT_REC_FILE_HDR) {
		snprintf(err, errlen, "recording format version %u (header %u bytes): this ktrail "
			 "reads version %d", r->version, hsize, KT_REC_VERSION);
		errno = ENOTSUP;
		return -1;
	}
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
	return 0;
nomem:
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
	for (int i = 0; i < r->ncpus; i++)
		free(r->pages[i]);
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

int kt_recr_page(const struct kt_recr *r, int cpu, unsigned int i, void *buf, size_t size)
{
	const struct kt_rec_page *p;
	size_t n;

	if (cpu < 0 || cpu >= r->ncpus || i >= r->npages[cpu]) {
		errno = ERANGE;
		return -1;
	}
	p = &r->pages[cpu][i];
	n = p->len < size ? p->len : size;
	if (read_at(r->fd, buf, n, p->off) < 0)
		return -1;
	memset((char *)buf + n, 0, size - n);
	return 0;
}
