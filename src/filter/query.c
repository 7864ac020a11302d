// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a parsed filter holds: the CLI's, the session's and the kernel
 * filter's questions about it, and its description.
 */
#include <stdio.h>

#include "filter-local.h"

bool kt_filter_empty(const struct kt_filter *f)
{
	return !f || (!f->n && !f->follow && !f->new_only);
}

bool kt_filter_has_event(const struct kt_filter *f, const struct kt_event_def *ev)
{
	if (!f || !ev)
		return false;
	for (unsigned int i = 0; i < f->nx; i++)
		if (f->x[i].kind == KT_FK_EVENT && f->x[i].ev == ev)
			return true;
	return false;
}

bool kt_filter_has_subj(const struct kt_filter *f, const struct kt_event_def *ev, enum subj s)
{
	if (!f || !ev)
		return false;
	for (unsigned int i = 0; i < f->n; i++)
		if (f->t[i].ev == ev && f->t[i].subj == s)
			return true;
	return false;
}

bool kt_filter_on_args(const struct kt_filter *f, const struct kt_event_def *ev)
{
	return kt_filter_has_subj(f, ev, S_ARG);
}

bool kt_filter_on_arg(const struct kt_filter *f, const struct kt_event_def *ev, unsigned int i)
{
	if (!f || !ev)
		return false;
	for (unsigned int k = 0; k < f->n; k++)
		if (f->t[k].ev == ev && f->t[k].subj == S_ARG && f->t[k].arg == (int)i)
			return true;
	return false;
}

bool kt_filter_on_retval(const struct kt_filter *f, const struct kt_event_def *ev)
{
	return kt_filter_has_subj(f, ev, S_RET);
}

bool kt_filter_follow(const struct kt_filter *f)
{
	return f && f->follow;
}

bool kt_filter_new_only(const struct kt_filter *f)
{
	return f && f->new_only;
}

const int *kt_filter_pids(const struct kt_filter *f, unsigned int *n)
{
	static const int none[1];

	*n = 0;
	if (!f || !f->has_pids)
		return NULL;
	*n = f->npids;
	return f->npids ? f->pids : none;
}

void kt_filter_describe(const struct kt_filter *f, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; f && i < f->nx; i++) {
		int n;

		if (f->x[i].kind == KT_FK_EVENT)
			n = snprintf(buf + used, len - used, "event %s: %s\n",
				     f->x[i].ev ? f->x[i].ev->name : "?", f->x[i].s);
		else if (f->x[i].kind == KT_FK_DURATION)
			n = snprintf(buf + used, len - used, "duration: %s\n", f->x[i].s);
		else
			n = snprintf(buf + used, len - used, "scope: %s\n", f->x[i].s);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += n;
	}
}
