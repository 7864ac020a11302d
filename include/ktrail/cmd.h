/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ktrail's modes (src/cmd/, one file each), dispatched by main.c's table.
 * Each returns a KT_EXIT_* status; on failure @err holds the message,
 * which main.c prints.  None of them writes to its options.
 */
#ifndef KTRAIL_CMD_H
#define KTRAIL_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "ktrail/cli.h"

struct kt_features;

struct kt_session_result {
	bool cmd_ran;		/* a COMMAND was started */
	int cmd_status;		/* its wait status */
	unsigned long long records;	/* records written */
	unsigned long long lost;	/* events lost, all CPUs */
};

/* ktrail [trace]: live.  SIGINT, SIGTERM and SIGHUP stop it cleanly. */
int kt_cmd_trace(const struct kt_opts *o, struct kt_session_result *res, char *err,
		 size_t errlen);
/* ktrail record -o FILE: the kernel's sub-buffers to a file. */
int kt_cmd_record(const struct kt_opts *o, struct kt_session_result *res, char *err,
		  size_t errlen);
/*
 * ktrail report: decode a recording (o->report_path) or a trace-cmd
 * trace.dat through the same pipeline, into o's outputs; --info describes
 * it instead.  A damaged or unfinished recording is decoded up to the
 * damage, then reported as an error (KT_EXIT_ERROR, @err naming what and
 * where).
 */
int kt_cmd_report(const struct kt_opts *o, struct kt_session_result *res, char *err,
		  size_t errlen);
/* ktrail check: the plan for @o on this kernel. */
int kt_cmd_check(FILE *fp, const struct kt_opts *o, char *err, size_t errlen);
/* ktrail list: the catalog and, if @f is not NULL, this kernel's plan. */
void kt_cmd_list(FILE *fp, const struct kt_features *f);
/* ktrail describe NAME...: each event's card and its plan here. */
int kt_cmd_describe(FILE *fp, const struct kt_opts *o);
/* ktrail cleanup: what killed runs left.  Lines of what was removed go
 * to @fp; returns KT_EXIT_ERROR with @err set when something stays. */
int kt_cmd_cleanup(FILE *fp, char *err, size_t errlen);

/*
 * A report gives up every privilege (priv.h), for the rest of the
 * process's life.  A program that runs many reports in one process (the
 * fuzz targets) sets this to keep its own; ktrail never does.
 */
extern bool kt_report_in_process;

/* The report of a trace.dat (src/cmd/tracedat.c): is open file @fd one?
 * The report reads @fd (and closes it). */
bool kt_is_tracedat(int fd);
int kt_cmd_report_tracedat(const struct kt_opts *o, int fd, struct kt_session_result *res,
			   char *err, size_t errlen);

#endif
