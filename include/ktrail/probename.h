/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names of ktrail's probe events, shared by the side that makes the
 * probes (the recipes, probe.h) and the side that reads their records
 * (the decoder): <event>_e, _x, _d for native tasks' enter, exit and
 * detail probes, _ce, _cx, _cd for 32-bit tasks'.
 */
#ifndef KTRAIL_PROBENAME_H
#define KTRAIL_PROBENAME_H

#include <stdbool.h>
#include <stddef.h>

#include "ktrail/catalog.h"

enum kt_probe_role {
	KT_PR_ENTER,
	KT_PR_EXIT,
	KT_PR_DETAIL,
};

/* The probe event name of a role: <event>_e, _x, _d, _ce, _cx, _cd. */
void kt_probe_event_name(const struct kt_event_def *ev, enum kt_probe_role role,
			 bool compat, char *buf, size_t len);
/* The inverse: 0 and the parts, or -1 if @name is not one. */
int kt_probe_event_parse(const char *name, const struct kt_event_def **ev,
			 enum kt_probe_role *role, bool *compat);

#endif
