/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Value/name tables for flags.c, each made from one X-macro list in
 * src/xlat/ ("XLAT(O_CREAT)" lines).  Internal to src/output.
 *
 * A list names each value; the includer defines
 *
 *   XLAT(NAME)		the value of NAME from the headers included
 *   XLAT_V(NAME, v)	NAME with value v, for a name the headers may lack
 *			(always inside #ifdef NAME ... #else)
 *
 * Order matters: when names overlap, the first one wins, so a name of
 * several bits (O_SYNC, O_TMPFILE) comes before the bits it contains.
 */
#ifndef KTRAIL_XLAT_H
#define KTRAIL_XLAT_H

#include <stdint.h>

struct kt_xlat_ent {
	uint64_t val;
	const char *name;
};

struct kt_xlat {
	const struct kt_xlat_ent *e;
	unsigned int n;
};

#define KT_XLAT_ENT(n) { .val = (uint64_t)(n), .name = #n },
#define KT_XLAT_ENT_V(n, v) { .val = (uint64_t)(v), .name = #n },
#define KT_XLAT(ents) { .e = (ents), .n = sizeof(ents) / sizeof((ents)[0]) }

/*
 * Tables whose values must be the kernel's own (xlat_uapi.c, built from
 * <linux/fcntl.h>): glibc's O_LARGEFILE is 0 on 64-bit machines, yet
 * 32-bit tasks (and some 64-bit programs) pass the kernel's bit.
 */
extern const struct kt_xlat kt_xlat_open_access;
extern const struct kt_xlat kt_xlat_open_flags;

#endif
