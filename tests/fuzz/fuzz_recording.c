// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: a whole recording file given to `ktrail report` (the
 * index, the descriptions, the decoder built from the recorded formats
 * and layout, the process table, every sub-buffer through the merge,
 * pairing and the three writers, to /dev/null), with the descriptions'
 * CRCs made right so that mutated ones are parsed.  Inputs that start
 * like a trace.dat are skipped: libtracecmd reads those, not ktrail.
 * The privilege drop of a report is skipped (kt_report_in_process): it
 * would hold for every later input.  The same bytes then go through the
 * stream reader (ktrail report -), item by item.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktrail/cli.h"
#include "ktrail/recfile.h"
#include "ktrail/cmd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Every input in this one process: it keeps its privileges. */
	kt_report_in_process = true;
	return 0;
}

/*
 * Mutations break the descriptions' CRCs, and the index stops at the
 * first: without this, the fuzzer would never get a mutated format or
 * header page past it.  Each description chunk's CRC is made right.
 */
static void fix_crcs(uint8_t *d, size_t size)
{
	size_t off = KT_REC_FILE_HDR;

	while (off + KT_REC_CHUNK_HDR <= size) {
		uint32_t len = (uint32_t)d[off + 8] | (uint32_t)d[off + 9] << 8 |
			       (uint32_t)d[off + 10] << 16 | (uint32_t)d[off + 11] << 24;
		unsigned int type = d[off + 4] | d[off + 5] << 8;
		uint32_t crc;

		if (len > size - off - KT_REC_CHUNK_HDR)
			break;
		if (type != KT_REC_PAGE) {
			crc = kt_crc32(0, d + off + KT_REC_CHUNK_HDR, len);
			for (int i = 0; i < 4; i++)
				d[off + 12 + i] = (uint8_t)(crc >> (8 * i));
		}
		off += KT_REC_CHUNK_HDR + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *cdata, size_t size)
{
	static uint8_t *data;
	static size_t cap;
	static struct kt_opts o;
	struct kt_session_result res;
	/* Writable: option parsing cuts FORMAT:FILE at the colon. */
	char path[64], err[1024], csv[] = "csv:/dev/null", json[] = "json:/dev/./null",
	     table[] = "table:/dev/zero", a0[] = "ktrail", a1[] = "report", q[] = "-q",
	     o1[] = "-o", o2[] = "-o", o3[] = "-o", dev[] = "--output-device";
	char *argv[] = { a0, a1, q, dev, o1, csv, o2, json, o3, table, path, NULL };
	int fd;

	if (size >= 3 && !memcmp(cdata, "\x17\x08\x44", 3))
		return 0;
	if (size > cap || !data) {
		uint8_t *n = realloc(data, size ? size : 1);

		if (!n)
			return 0;
		data = n;
		cap = size;
	}
	memcpy(data, cdata, size);
	fix_crcs(data, size);
	fd = memfd_create("recording", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (kt_cli_parse(11, argv, &o, err, sizeof(err)) < 0 && getenv("KT_FUZZ_DEBUG"))
		fprintf(stderr, "parse: %s\n", err);
	else if (o.cmd == KT_CMD_REPORT) {
		if (kt_cmd_report(&o, &res, err, sizeof(err)) && getenv("KT_FUZZ_DEBUG"))
			fprintf(stderr, "report: %s\n", err);
		kt_cli_free(&o);
	}
	if (lseek(fd, 0, SEEK_SET) == 0) {
		struct kt_recr r;
		struct kt_recs st = { 0 };
		struct kt_recs_item it;
		unsigned long long sum = 0;

		if (kt_recs_open(&st, &r, fd, err, sizeof(err)) == 0) {
			while (kt_recs_next(&st, &it) > 0)
				if (it.type == KT_REC_PAGE && it.len)
					sum += it.data[it.len - 1];	/* every byte it hands out is readable */
			kt_recs_close(&st);
			r.fd = -1;
			kt_recr_close(&r);
		}
		(void)sum;
	}
	close(fd);
	return 0;
}
