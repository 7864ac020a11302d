// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the expressions a user types that ktrail parses: the
 * event list of -e (kt_select: names, sets, exclusions) and the whole
 * command line (kt_cli_parse), from one input split at NUL bytes into
 * arguments.  Every outcome must be a selection or an error message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/catalog.h"
#include "ktrail/cli.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kt_selection sel;
	static struct kt_opts o;
	char *copy = malloc(size + 1), *argv[34], bad[128], err[1024];
	int argc = 1;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (kt_select(copy, &sel, bad, sizeof(bad)) == 0 && sel.count > KT_MAX_EVENTS)
		abort();
	argv[0] = "ktrail";
	for (char *p = copy; p < copy + size && argc < 33; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (kt_cli_parse(argc, argv, &o, err, sizeof(err)) < 0 && !err[0])
		abort();	/* an error always says what */
	free(copy);
	return 0;
}
