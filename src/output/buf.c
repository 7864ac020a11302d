// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Growing buffers (buf.h), and the numbers the formats write into them.
 */
#include <errno.h>
#include <stdarg.h>
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

int kt_buf_u64(struct kt_buf *b, uint64_t v)
{
	char tmp[20];
	char *end = tmp + sizeof(tmp), *p = end;

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return kt_buf_put(b, p, end - p);
}

int kt_buf_i64(struct kt_buf *b, int64_t v)
{
	char tmp[21];
	char *end = tmp + sizeof(tmp), *p = end;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return kt_buf_put(b, p, end - p);
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
