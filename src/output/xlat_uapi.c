// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tables that need the kernel's own values, from its uapi headers and
 * not the C library's: glibc defines O_LARGEFILE as 0 on 64-bit machines
 * (the kernel sets it there by itself), while 32-bit tasks, and programs
 * that make the syscall themselves (Go), pass the kernel's bit.  This file
 * includes no libc header that defines O_*: the two sets of definitions
 * cannot meet in one translation unit.  The flags that differ per arch
 * are not taken from these headers: open_flags.def gives them per ABI.
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

const struct kt_xlat kt_xlat_open_access = KT_XLAT(open_access);

#define XLAT_ABI_NAME kt_xlat_open_flags
#define XLAT_ABI_FILE "../xlat/open_flags.def"
#define XLAT_ABI_STORAGE	/* extern, xlat.h */
#include "xlat_abi.h"
