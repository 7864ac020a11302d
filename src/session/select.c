// SPDX-License-Identifier: GPL-2.0-or-later
/* What a report (of a recording or a trace.dat) selects of what was recorded. */
#include <stdio.h>
#include <string.h>

#include "session-local.h"

/*
 * The report's selection: the recording's, or the events of -e that were
 * recorded (an event named on its own that was not is an error; events of
 * sets and patterns that were not are left out).
 */
int sess_report_select(const struct kt_opts *o, const bool *recorded, struct kt_selection *sel,
		       char *err, size_t errlen)
{
	if (o->sel_default) {
		memset(sel, 0, sizeof(*sel));
		for (unsigned int i = 0; i < kt_nevents; i++)
			if (recorded[i]) {
				sel->on[i] = true;
				sel->count++;
			}
		return 0;
	}
	*sel = o->sel;
	sel->count = 0;
	for (unsigned int i = 0; i < kt_nevents; i++) {
		if (sel->on[i] && !recorded[i]) {
			if (sel->named[i]) {
				snprintf(err, errlen, "event %s was not recorded (see 'ktrail report "
					 "--info %s')", kt_events[i].name, o->report_path);
				return -1;
			}
			sel->on[i] = false;
		}
		sel->count += sel->on[i];
	}
	if (!sel->count) {
		snprintf(err, errlen, "-e %s selects no recorded event (see 'ktrail report --info %s')",
			 o->events, o->report_path);
		return -1;
	}
	return 0;
}
