/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growing byte buffer (src/output/buf.c): the writers build a row in
 * one, the flag renderer and the escaping append to one.  It is always
 * NUL-terminated once anything was put.  All functions return 0, or -1
 * with errno (ENOMEM).
 */
#ifndef KTRAIL_BUF_H
#define KTRAIL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "ktrail/catalog.h"
#include "ktrail/event.h"

struct kt_buf {
	char *p;
	size_t len, cap;
};

/* Room for @n more bytes and the closing NUL. */
int kt_buf_reserve(struct kt_buf *b, size_t n);
int kt_buf_put_slow(struct kt_buf *b, const char *s, size_t n);
/* Append @n bytes (the buffer stays NUL-terminated).  0 or -1 (ENOMEM). */
static inline int kt_buf_put(struct kt_buf *b, const char *s, size_t n)
{
	if (b->cap && n < b->cap - b->len) {
		__builtin_memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
		return 0;
	}
	return kt_buf_put_slow(b, s, n);
}

static inline int kt_buf_putc(struct kt_buf *b, char c)
{
	if (b->cap && b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return kt_buf_put_slow(b, &c, 1);
}
int kt_buf_printf(struct kt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kt_buf_free(struct kt_buf *b);

int kt_buf_u64(struct kt_buf *b, uint64_t v);	/* decimal */
int kt_buf_i64(struct kt_buf *b, int64_t v);	/* decimal, signed */
int kt_buf_hex(struct kt_buf *b, uint64_t v);	/* 0x..., lowercase */
/* An integer value of type INT, LONG, UINT, ULONG or U16, in decimal,
 * cut to its type's width. */
int kt_buf_number(struct kt_buf *b, enum kt_type t, const struct kt_value *v);

#endif
