// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fields of a format, and reading them from a record (decode-local.h):
 * what decode.c, family.c and kprobe.c share.
 */
#include <string.h>

#include "decode-local.h"

/* An event's fields lie within 64 KiB (a recording's formats are read
 * from a file: anything else is refused, kt_fld_ok() never passes it). */
void kt_fld_set(struct kt_fld *f, const struct tep_format_field *tf)
{
	bool sane = tf->offset >= 0 && tf->offset <= 65535 && tf->size > 0 && tf->size <= 65535;

	/* A size 0 array (ftrace/print's char buf[]) runs to the record's
	 * end: its offset is kept, kt_fld_ok() still refuses it. */
	f->offset = sane || (tf->size == 0 && tf->offset >= 0 && tf->offset <= 65535) ?
		    tf->offset : 0;
	f->size = sane ? tf->size : 0;
	f->is_signed = tf->flags & TEP_FIELD_IS_SIGNED;
	f->dynamic = tf->flags & TEP_FIELD_IS_DYNAMIC;
	f->relative = tf->flags & TEP_FIELD_IS_RELATIVE;
}

void kt_rd_comm(const unsigned char *data, unsigned int size, const struct kt_fld *f, char *out)
{
	memset(out, 0, 16);
	if (kt_fld_ok(f, size))
		memcpy(out, data + f->offset, f->size < 16 ? f->size : 16);
}

/* A __data_loc/__rel_loc string: 0 and the bytes (trailing NULs cut),
 * or -1.  A probe that faulted stores an empty string. */
int kt_rd_loc(struct kt_decoder *d, const unsigned char *data, unsigned int size,
	      const struct kt_fld *f, const char **s, unsigned int *len)
{
	uint32_t loc = kt_rd_u(d, data, f);
	unsigned int off = loc & 0xffff, l = loc >> 16;

	if (f->relative)
		off += f->offset + f->size;
	if (off > size || l > size - off)
		return -1;
	while (l && data[off + l - 1] == '\0')
		l--;
	*s = (const char *)data + off;
	*len = l;
	return 0;
}
