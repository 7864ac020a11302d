// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: a whole recording file given to `ktrail report` (the
 * index, the descriptions, the decoder built from the recorded formats
 * and layout, the process table, every sub-buffer through the merge,
 * pairing and the three writers, to /dev/null).  Inputs that start like a
 * trace.dat are skipped: libtracecmd reads those, not ktrail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktrail/cli.h"
#include "ktrail/session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kt_opts o;
	struct kt_session_result res;
	/* Writable: option parsing cuts FORMAT:FILE at the colon. */
	char path[64], err[1024], csv[] = "csv:/dev/null", json[] = "json:/dev/./null",
	     table[] = "table:/dev/zero", a0[] = "ktrail", a1[] = "report", q[] = "-q",
	     o1[] = "-o", o2[] = "-o", o3[] = "-o";
	char *argv[] = { a0, a1, q, o1, csv, o2, json, o3, table, path, NULL };
	int fd;

	if (size >= 3 && !memcmp(data, "\x17\x08\x44", 3))
		return 0;
	fd = memfd_create("recording", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (kt_cli_parse(10, argv, &o, err, sizeof(err)) < 0 && getenv("KT_FUZZ_DEBUG"))
		fprintf(stderr, "parse: %s\n", err);
	else if (o.cmd == KT_CMD_REPORT) {
		if (kt_session_report(&o, &res, err, sizeof(err)) && getenv("KT_FUZZ_DEBUG"))
			fprintf(stderr, "report: %s\n", err);
		kt_cli_free(&o);
	}
	close(fd);
	return 0;
}
