// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers for /proc and tracefs files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/util.h"

char *kt_read_file(const char *path, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd, saved;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = saved;
	return NULL;
}

int kt_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int kt_header_page_long_size(const char *buf)
{
	const char *p = buf ? strstr(buf, "commit;") : NULL;
	int n;

	if (p && (p = strstr(p, "size:"))) {
		n = atoi(p + 5);
		if (n == 4 || n == 8)
			return n;
	}
	return sizeof(long);
}

static uint32_t imap_seed;
static void imap_seed_init(void);

int kt_imap_init(struct kt_imap *m, size_t vsize)
{
	if (!imap_seed)
		imap_seed_init();
	m->vsize = vsize;
	m->cap = 64;
	m->count = 0;
	m->keys = malloc(m->cap * sizeof(*m->keys));
	m->vals = calloc(m->cap, vsize);
	if (!m->keys || !m->vals) {
		free(m->keys);
		free(m->vals);
		m->keys = NULL;
		m->vals = NULL;
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		m->keys[i] = KT_IMAP_EMPTY;
	return 0;
}

void kt_imap_free(struct kt_imap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->count = 0;
}

/*
 * Thread ids come from recordings too, chosen by whoever wrote the file:
 * a multiplicative hash keeps their low bits' patterns (ids a multiple
 * of 65536 all fell in one slot, and a 2.4 MB recording took 17 s).  A
 * seed drawn at the first table and a full avalanche (murmur3's
 * finalizer) leave no pattern to aim at.  Iteration order then differs
 * between runs; nothing written depends on it (the pairer sorts what it
 * flushes).
 */
static void imap_seed_init(void)
{
	uint32_t s = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &s, sizeof(s)) != (ssize_t)sizeof(s))
			s = 0;
		close(fd);
	}
	if (!s) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
	}
	imap_seed = s | 1;
}

static inline size_t imap_hash(int32_t key, size_t cap)
{
	uint32_t h = (uint32_t)key ^ imap_seed;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (cap - 1);
}

void *kt_imap_get(const struct kt_imap *m, int32_t key)
{
	size_t i = imap_hash(key, m->cap);

	while (m->keys[i] != KT_IMAP_EMPTY) {
		if (m->keys[i] == key)
			return kt_imap_val(m, i);
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static int imap_grow(struct kt_imap *m)
{
	struct kt_imap n;

	n.vsize = m->vsize;
	n.cap = m->cap * 2;
	n.count = 0;
	n.keys = malloc(n.cap * sizeof(*n.keys));
	n.vals = calloc(n.cap, n.vsize);
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n.cap; i++)
		n.keys[i] = KT_IMAP_EMPTY;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (m->keys[i] == KT_IMAP_EMPTY)
			continue;
		j = imap_hash(m->keys[i], n.cap);
		while (n.keys[j] != KT_IMAP_EMPTY)
			j = (j + 1) & (n.cap - 1);
		n.keys[j] = m->keys[i];
		memcpy(kt_imap_val(&n, j), kt_imap_val(m, i), m->vsize);
		n.count++;
	}
	kt_imap_free(m);
	*m = n;
	return 0;
}

void *kt_imap_put(struct kt_imap *m, int32_t key, int *isnew)
{
	size_t i;

	if (isnew)
		*isnew = 0;
	if (key == KT_IMAP_EMPTY) {
		/* Not a thread id; only corrupt data has it. */
		errno = EINVAL;
		return NULL;
	}
	if ((m->count + 1) * 2 > m->cap && imap_grow(m) < 0)
		return NULL;
	i = imap_hash(key, m->cap);
	while (m->keys[i] != KT_IMAP_EMPTY) {
		if (m->keys[i] == key)
			return kt_imap_val(m, i);
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	memset(kt_imap_val(m, i), 0, m->vsize);
	m->count++;
	if (isnew)
		*isnew = 1;
	return kt_imap_val(m, i);
}

void kt_imap_del(struct kt_imap *m, int32_t key)
{
	size_t i = imap_hash(key, m->cap), j;

	if (key == KT_IMAP_EMPTY)
		return;
	while (m->keys[i] != key) {
		if (m->keys[i] == KT_IMAP_EMPTY)
			return;
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = KT_IMAP_EMPTY;
	m->count--;
	/* Backward-shift the cluster that follows. */
	j = i;
	for (;;) {
		size_t h;

		j = (j + 1) & (m->cap - 1);
		if (m->keys[j] == KT_IMAP_EMPTY)
			return;
		h = imap_hash(m->keys[j], m->cap);
		/* Move j into the hole i unless h lies cyclically in (i, j]. */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			m->keys[i] = m->keys[j];
			memcpy(kt_imap_val(m, i), kt_imap_val(m, j), m->vsize);
			m->keys[j] = KT_IMAP_EMPTY;
			i = j;
		}
	}
}

void kt_fixbuf_printf(struct kt_fixbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over || b->used >= b->len) {
		b->over = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->used) {
		b->p[b->used] = '\0';	/* what fitted before stays whole */
		b->over = true;
		return;
	}
	b->used += n;
}
