/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KTRAIL_UTIL_H
#define KTRAIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Read a whole small file (tracefs, /proc) into a malloc'd NUL-terminated
 * buffer.  Returns NULL and sets errno. */
char *kt_read_file(const char *path, size_t *len);

/* Text written into a fixed buffer; @over once something did not fit
 * (then nothing more is written, and what is there is whole). */
struct kt_fixbuf {
	char *p;
	size_t len, used;
	bool over;
};
__attribute__((format(printf, 2, 3)))
void kt_fixbuf_printf(struct kt_fixbuf *b, const char *fmt, ...);
/* Write a string to a file (no O_CREAT).  Returns 0 or -1 with errno. */
int kt_write_file(const char *path, const char *s);



/* The kernel's sizeof(long) from events/header_page (the size of
 * "commit"); ktrail's own if @buf is NULL or says nothing. */
int kt_header_page_long_size(const char *buf);

/*
 * A small int-keyed hash map with fixed-size values (open addressing,
 * linear probing, backward-shift deletion).  Keys are thread ids.
 */
#define KT_IMAP_EMPTY INT32_MIN
struct kt_imap {
	int32_t *keys;
	unsigned char *vals;
	size_t vsize, cap, count;
};
int kt_imap_init(struct kt_imap *m, size_t vsize);
void kt_imap_free(struct kt_imap *m);
void *kt_imap_get(const struct kt_imap *m, int32_t key);
/* The value of @key, inserted zeroed if new (*isnew then true).  NULL on
 * ENOMEM.  Pointers stay valid until the next put or del. */
void *kt_imap_put(struct kt_imap *m, int32_t key, int *isnew);
void kt_imap_del(struct kt_imap *m, int32_t key);
static inline void *kt_imap_val(const struct kt_imap *m, size_t slot)
{
	return m->vals + slot * m->vsize;
}
#endif
