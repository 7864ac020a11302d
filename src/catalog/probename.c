// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The names of ktrail's probe events: <event>_e, _x, _d for native tasks,
 * _ce, _cx, _cd for 32-bit ones (probename.h).  Made by the recipes,
 * read back by the decoder.
 */
#include <stdio.h>
#include <string.h>

#include "ktrail/probename.h"

static const char *const role_suffix[2][3] = {
	{ "e", "x", "d" },
	{ "ce", "cx", "cd" },
};

void kt_probe_event_name(const struct kt_event_def *ev, enum kt_probe_role role,
			 bool compat, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%s", ev->name, role_suffix[compat][role]);
}

int kt_probe_event_parse(const char *name, const struct kt_event_def **ev,
			 enum kt_probe_role *role, bool *compat)
{
	const char *us = strrchr(name, '_');
	char base[64];

	if (!us || (size_t)(us - name) >= sizeof(base))
		return -1;
	memcpy(base, name, us - name);
	base[us - name] = '\0';
	for (int c = 0; c < 2; c++)
		for (int r = 0; r < 3; r++)
			if (!strcmp(us + 1, role_suffix[c][r])) {
				*ev = kt_event_by_name(base);
				*role = (enum kt_probe_role)r;
				*compat = c;
				return *ev && ((*ev)->kind == KT_EV_SYSCALL ||
					       (*ev)->kind == KT_EV_KPROBE) ? 0 : -1;
			}
	return -1;
}
