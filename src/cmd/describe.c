// SPDX-License-Identifier: GPL-2.0-or-later
/* ktrail describe NAME...: each event's card, then how this kernel makes it. */
#include <stdio.h>
#include <string.h>

#include "ktrail/cmd.h"
#include "ktrail/describe.h"

int kt_cmd_describe(FILE *fp, const struct kt_opts *o)
{
	char err[1024];

	for (char **name = o->argv; *name; name++) {
		const struct kt_event_def *ev = kt_event_by_name(*name);
		struct kt_opts one = *o;

		if (name != o->argv)
			fprintf(fp, "\n");
		kt_describe(fp, ev);
		fprintf(fp, "\non this kernel (ktrail check -e %s):\n", ev->name);
		memset(&one.sel, 0, sizeof(one.sel));
		one.sel.on[ev - kt_events] = one.sel.named[ev - kt_events] = true;
		one.sel.count = 1;
		fflush(fp);
		if (kt_cmd_check(fp, &one, err, sizeof(err)) != KT_EXIT_OK)
			fprintf(fp, "  (cannot tell: %s)\n", err);
	}
	return KT_EXIT_OK;
}
