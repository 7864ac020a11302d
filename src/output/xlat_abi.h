/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One table per ABI from one list with XLAT_A rows (xlat.h).  Included,
 * once per table, with
 *
 *   XLAT_ABI_NAME	the name of the array of tables to define:
 *			static const struct kt_xlat NAME[KT_XLAT_NABI]
 *   XLAT_ABI_FILE	the list, as a string ("../xlat/open_flags.def")
 *
 *   XLAT_ABI_STORAGE	optional: the array's storage class (default
 *			static; defined empty for an array xlat.h exports)
 *
 * and XLAT, XLAT_V defined as for any table.  No include guard: it is
 * meant to be included again.
 */
#define XLAT_ABI_CAT_(a, b) a##b
#define XLAT_ABI_CAT(a, b) XLAT_ABI_CAT_(a, b)
#define NA KT_XLAT_NA

#define XLAT_A(n, v_x86_64, v_i386, v_arm64, v_arm, v_generic) KT_XLAT_ENT_A(#n, v_x86_64)
static const struct kt_xlat_ent XLAT_ABI_CAT(XLAT_ABI_NAME, _x86_64)[] = {
#include XLAT_ABI_FILE
};
#undef XLAT_A
#define XLAT_A(n, v_x86_64, v_i386, v_arm64, v_arm, v_generic) KT_XLAT_ENT_A(#n, v_i386)
static const struct kt_xlat_ent XLAT_ABI_CAT(XLAT_ABI_NAME, _i386)[] = {
#include XLAT_ABI_FILE
};
#undef XLAT_A
#define XLAT_A(n, v_x86_64, v_i386, v_arm64, v_arm, v_generic) KT_XLAT_ENT_A(#n, v_arm64)
static const struct kt_xlat_ent XLAT_ABI_CAT(XLAT_ABI_NAME, _arm64)[] = {
#include XLAT_ABI_FILE
};
#undef XLAT_A
#define XLAT_A(n, v_x86_64, v_i386, v_arm64, v_arm, v_generic) KT_XLAT_ENT_A(#n, v_arm)
static const struct kt_xlat_ent XLAT_ABI_CAT(XLAT_ABI_NAME, _arm)[] = {
#include XLAT_ABI_FILE
};
#undef XLAT_A
#define XLAT_A(n, v_x86_64, v_i386, v_arm64, v_arm, v_generic) KT_XLAT_ENT_A(#n, v_generic)
static const struct kt_xlat_ent XLAT_ABI_CAT(XLAT_ABI_NAME, _generic)[] = {
#include XLAT_ABI_FILE
};
#undef XLAT_A

#ifndef XLAT_ABI_STORAGE
#define XLAT_ABI_STORAGE static
#endif
XLAT_ABI_STORAGE const struct kt_xlat XLAT_ABI_NAME[KT_XLAT_NABI] = {
	[KT_ABI_X86_64] = KT_XLAT(XLAT_ABI_CAT(XLAT_ABI_NAME, _x86_64)),
	[KT_ABI_I386] = KT_XLAT(XLAT_ABI_CAT(XLAT_ABI_NAME, _i386)),
	[KT_ABI_ARM64] = KT_XLAT(XLAT_ABI_CAT(XLAT_ABI_NAME, _arm64)),
	[KT_ABI_ARM] = KT_XLAT(XLAT_ABI_CAT(XLAT_ABI_NAME, _arm)),
	[KT_XLAT_GENERIC] = KT_XLAT(XLAT_ABI_CAT(XLAT_ABI_NAME, _generic)),
};

#undef NA
#undef XLAT_ABI_STORAGE
#undef XLAT_ABI_CAT
#undef XLAT_ABI_CAT_
#undef XLAT_ABI_NAME
#undef XLAT_ABI_FILE
