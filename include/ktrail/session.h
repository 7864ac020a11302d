/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tracing session: kernel setup, the per-CPU readers, merge by time,
 * decode, pairing, enrichment and the writers, then cleanup on every path.
 */
#ifndef KTRAIL_SESSION_H
#define KTRAIL_SESSION_H

#include <stdbool.h>

#include "ktrail/cli.h"
#include "ktrail/kernel.h"

struct kt_session_result {
	bool cmd_ran;		/* a COMMAND was started */
	int cmd_status;		/* its wait status */
	unsigned long long records;	/* records written */
	unsigned long long lost;	/* events lost, all CPUs */
};

/*
 * Run a session.  Returns a KT_EXIT_* status; on failure @err holds the
 * message.  Signals SIGINT, SIGTERM and SIGHUP stop it cleanly.
 */
int kt_session_run(const struct kt_opts *o, struct kt_session_result *res,
		   char *err, size_t errlen);

/*
 * ktrail report: decode a recording (o->report_path) through the same
 * pipeline, into o's outputs; --info describes it instead.  A damaged or
 * unfinished recording is decoded up to the damage, then reported as an
 * error (KT_EXIT_ERROR with @err naming what and where).
 */
int kt_session_report(const struct kt_opts *o, struct kt_session_result *res,
		      char *err, size_t errlen);

/* `ktrail list`: the catalog and, if @f is not NULL, this kernel's plan. */
void kt_session_list(FILE *fp, const struct kt_features *f);
/* ktrail check: the plan for @o on this kernel.  Returns an exit status. */
int kt_session_check(FILE *fp, const struct kt_opts *o, char *err, size_t errlen);

#endif
