/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line parsing (no side effects: testable without a kernel). */
#ifndef KTRAIL_CLI_H
#define KTRAIL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ktrail/catalog.h"
#include "ktrail/modes.h"

#define KT_MAX_OUTPUTS 8
#define KT_MAX_PIDS 256
#define KT_MAX_FEXPRS 64
#define KT_DEFAULT_EVENTS "ipc_msgq,net_snd_rcv"

/* Exit statuses of ktrail itself (a traced command's own status wins). */
enum {
	KT_EXIT_OK = 0,
	KT_EXIT_ERROR = 1,	/* runtime failure: permissions, I/O, kernel */
	KT_EXIT_USAGE = 2,	/* bad command line */
	KT_EXIT_UNSUPPORTED = 3,	/* the kernel lacks a feature that was asked for */
	KT_EXIT_PIPE = 4,	/* an output's reader closed it (EPIPE): stopped cleanly */
};

enum kt_command {
	KT_CMD_TRACE,
	KT_CMD_RECORD,		/* ktrail record -o FILE: raw sub-buffers to a file */
	KT_CMD_REPORT,		/* ktrail report FILE: decode a recording */
	KT_CMD_LIST,
	KT_CMD_CLEANUP,
	KT_CMD_CHECK,
	KT_CMD_DESCRIBE,
	KT_CMD_HELP,
	KT_CMD_VERSION,
};

struct kt_output {
	const char *format;	/* csv, json, table */
	const char *path;	/* NULL: standard output */
};

struct kt_filter;

struct kt_opts {
	enum kt_command cmd;
	const char *events;	/* the -e text, for messages */
	char evbuf[4096];	/* every -e list, comma-joined */
	struct kt_filter *filter;	/* --scope, --duration and event filters, or NULL */
	const char *fexprs[KT_MAX_FEXPRS];	/* their text, for a recording */
	unsigned char fkind[KT_MAX_FEXPRS];	/* what each is: enum kt_fkind */
	unsigned int nfexprs;
	bool events_given;	/* -e named events (not only filters) */
	bool sel_default;	/* neither -e nor an event filter: the default */
	const char *record_path;	/* record: -o FILE ("standard output" for -o -) */
	bool record_stdout;	/* record -o -: the recording goes to standard output */
	int compress;		/* record --compress: zstd level, 0: none */
	bool compress_given;
	const char *report_path;	/* report: the recording ("standard input" for -) */
	bool report_stdin;	/* report -: read as it arrives on standard input */
	bool info;		/* report --info: describe the recording */
	bool raw;		/* --raw: numbers, not names */
	bool sort;		/* --sort: records in time order */
	int summary_by;		/* --summary-by: enum kt_sum_by (writer.h) */
	uint64_t interval_ns;	/* --interval: a summary per interval, 0: none */
	struct kt_selection sel;
	struct kt_output outputs[KT_MAX_OUTPUTS];
	unsigned int noutputs;
	pid_t pids[KT_MAX_PIDS];
	unsigned int npids;
	enum kt_reader reader;
	enum kt_compat_mode compat;
	enum kt_probes_mode probes;
	size_t buffer_kb;	/* 0: ktrail's default */
	const char *clock;	/* --clock: a trace_clock name, NULL: auto */
	bool quiet;
	bool overwrite;		/* --overwrite: replace existing output files */
	bool output_device;	/* --output-device: an existing FIFO or device as it is */
	const char *user;	/* --user: who ktrail becomes, and writes as */
	char **argv;		/* command to run, NULL-terminated, or NULL */
};

/*
 * Parse argv.  Returns 0, or -1 with a message in @err (exit status
 * KT_EXIT_USAGE).  Strings in @o point into argv.
 */
int kt_cli_parse(int argc, char **argv, struct kt_opts *o, char *err, size_t errlen);
void kt_cli_usage(FILE *fp);
/* Free what kt_cli_parse allocated (the filter). */
void kt_cli_free(struct kt_opts *o);

#endif
