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
 *   XLAT_A(NAME, x86_64, i386, arm64, arm, generic)
 *			NAME whose value differs between the ABIs (enum
 *			kt_abi): its value in each, from the kernel's uapi
 *			<asm/...> headers, or NA where the ABI has no such
 *			name; "generic" is asm-generic's, for an ABI not
 *			known here.  A list with XLAT_A rows is made into
 *			one table per ABI by xlat_abi.h.
 *
 * Order matters: when names overlap, the first one wins, so a name of
 * several bits (O_SYNC, O_TMPFILE) comes before the bits it contains.
 */
#ifndef KTRAIL_XLAT_H
#define KTRAIL_XLAT_H

#include <stdint.h>

#include "ktrail/catalog.h"

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
 * The per-ABI tables: [abi] for KT_ABI_X86_64 .. KT_ABI_ARM, and
 * [KT_ABI_MAX] (KT_XLAT_GENERIC) for any other, with asm-generic's values.
 * An XLAT_A row that is NA in an ABI is an entry with a NULL name there,
 * which no look-up matches.
 */
#define KT_XLAT_GENERIC KT_ABI_MAX
#define KT_XLAT_NABI (KT_ABI_MAX + 1)
#define KT_XLAT_NA (~0ull)
/* @s: the name as a string (XLAT_A's arguments are expanded: the name
 * may be a macro of the headers). */
#define KT_XLAT_ENT_A(s, v) \
	{ .val = (uint64_t)(v), .name = (uint64_t)(v) == KT_XLAT_NA ? NULL : (s) },

static inline unsigned int kt_xlat_abi(enum kt_abi abi)
{
	return abi >= 0 && abi < KT_ABI_MAX ? (unsigned int)abi : KT_XLAT_GENERIC;
}

/*
 * Tables whose values must be the kernel's own (xlat_uapi.c, built from
 * <linux/fcntl.h>): glibc's O_LARGEFILE is 0 on 64-bit machines, yet
 * 32-bit tasks (and some 64-bit programs) pass the kernel's bit.  The
 * open(2) flags differ per ABI: kt_xlat_open_flags[KT_XLAT_NABI].
 */
extern const struct kt_xlat kt_xlat_open_access;
extern const struct kt_xlat kt_xlat_open_flags[KT_XLAT_NABI];

#endif
