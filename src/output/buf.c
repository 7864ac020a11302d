// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Growing buffers (buf.h), and the numbers the formats write into them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/buf.h"

int kt_buf_reserve(struct kt_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > SIZE_MAX - 1 - b->len) {
		errno = ENOMEM;
		return -1;
	}
	need = b->len + n + 1;		/* always room for a closing NUL */
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int kt_buf_put_slow(struct kt_buf *b, const char *s, size_t n)
{
	if (kt_buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int kt_buf_printf(struct kt_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (kt_buf_reserve(b, 64) < 0)
		return -1;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= room) {
		if (kt_buf_reserve(b, (size_t)n) < 0) {
			b->p[b->len] = '\0';
			return -1;
		}
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
	}
	b->len += n;
	return 0;
}

void kt_buf_free(struct kt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

/* "00" to "99": two digits a division. */
static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* @v in decimal, ending just before @end; returns where it starts. */
static char *dec(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 100) {
		unsigned int d = (unsigned int)(v % 100) * 2;

		v /= 100;
		p -= 2;
		p[0] = digits2[d];
		p[1] = digits2[d + 1];
	}
	if (v >= 10) {
		p -= 2;
		p[0] = digits2[v * 2];
		p[1] = digits2[v * 2 + 1];
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

/* Up to 20 digits and a sign. */
static int put_dec(struct kt_buf *b, uint64_t u, bool neg)
{
	char tmp[21];
	char *end = tmp + sizeof(tmp), *p = dec(end, u);
	size_t n;

	if (neg)
		*--p = '-';
	n = (size_t)(end - p);
	return kt_buf_put(b, p, n);
}

int kt_buf_u64(struct kt_buf *b, uint64_t v)
{
	return put_dec(b, v, false);
}

int kt_buf_i64(struct kt_buf *b, int64_t v)
{
	return put_dec(b, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

static const char hexdig[] = "0123456789abcdef";

int kt_buf_hex(struct kt_buf *b, uint64_t v)
{
	char tmp[18];
	char *end = tmp + sizeof(tmp), *p = end;

	do {
		*--p = hexdig[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	return kt_buf_put(b, p, end - p);
}

int kt_buf_number(struct kt_buf *b, enum kt_type t, const struct kt_value *v)
{
	switch (t) {
	case KT_T_INT:
		return kt_buf_i64(b, (int32_t)v->i);
	case KT_T_LONG:
		return kt_buf_i64(b, v->i);
	case KT_T_UINT:
		return kt_buf_u64(b, (uint32_t)v->u);
	case KT_T_U16:
		return kt_buf_u64(b, (uint16_t)v->u);
	default:
		return kt_buf_u64(b, v->u);
	}
}
