// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tables that need the kernel's own values, from its uapi headers and
 * not the C library's: glibc defines O_LARGEFILE as 0 on 64-bit machines
 * (the kernel sets it there by itself), while 32-bit tasks, and programs
 * that make the syscall themselves (Go), pass the kernel's bit.  This file
 * includes no libc header that defines O_*: the two sets of definitions
 * cannot meet in one translation unit.
 */
#if __has_include(<linux/fcntl.h>)
#include <linux/fcntl.h>
#else
#include <fcntl.h>
#endif

#include "xlat.h"

#define XLAT KT_XLAT_ENT
#define XLAT_V KT_XLAT_ENT_V

static const struct kt_xlat_ent open_access[] = {
#include "../xlat/open_access.def"
};

static const struct kt_xlat_ent open_flags[] = {
#include "../xlat/open_flags.def"
};

const struct kt_xlat kt_xlat_open_access = KT_XLAT(open_access);
const struct kt_xlat kt_xlat_open_flags = KT_XLAT(open_flags);
