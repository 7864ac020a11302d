// SPDX-License-Identifier: GPL-2.0-or-later
/* Writes man/ktrail-events.7 from the catalog at build time. */
#include <stdio.h>

#include "ktrail/describe.h"

int main(int argc, char **argv)
{
	kt_describe_man(stdout, KT_VERSION, argc > 1 ? argv[1] : "");
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
