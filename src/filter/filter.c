// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A filter's lists: its terms, the expressions they came from and the pid
 * set of its pid= terms.
 */
#include <stdlib.h>
#include <string.h>

#include "filter-local.h"

struct kt_filter *kt_filter_new(void)
{
	return calloc(1, sizeof(struct kt_filter));
}

void kt_filter_term_free(struct fterm *t)
{
	for (unsigned int i = 0; i < t->nv; i++)
		free(t->v[i].s);
	free(t->v);
}

void kt_filter_free(struct kt_filter *f)
{
	if (!f)
		return;
	for (unsigned int i = 0; i < f->n; i++)
		kt_filter_term_free(&f->t[i]);
	for (unsigned int i = 0; i < f->nx; i++)
		free(f->x[i].s);
	free(f->t);
	free(f->x);
	free(f->pids);
	free(f);
}

static int grow(void **p, unsigned int *cap, unsigned int need, size_t size)
{
	unsigned int ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, (size_t)ncap * size);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Keep @t (the filter owns it from here on). */
int kt_filter_add_term(struct kt_filter *f, struct fterm *t)
{
	if (grow((void **)&f->t, &f->cap, f->n + 1, sizeof(*f->t)) < 0)
		return -1;
	f->t[f->n++] = *t;
	return 0;
}

int kt_filter_add_text(struct kt_filter *f, const struct kt_event_def *ev,
		       enum kt_fkind kind, const char *s)
{
	char *copy;

	if (grow((void **)&f->x, &f->capx, f->nx + 1, sizeof(*f->x)) < 0)
		return -1;
	copy = strdup(s);
	if (!copy)
		return -1;
	f->x[f->nx++] = (struct ftext){ .ev = ev, .kind = kind, .s = copy };
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The pid set for set_event_pid: a new pid= term intersects it. */
int kt_filter_pids_update(struct kt_filter *f, const struct fterm *t)
{
	int *set = malloc((t->nv ? t->nv : 1) * sizeof(*set));
	unsigned int n = 0;

	if (!set)
		return -1;
	for (unsigned int i = 0; i < t->nv; i++) {
		int pid = (int)t->v[i].i;
		bool keep = !f->has_pids;

		for (unsigned int k = 0; k < f->npids && !keep; k++)
			keep = f->pids[k] == pid;
		for (unsigned int k = 0; k < n && keep; k++)
			keep = set[k] != pid;
		if (keep)
			set[n++] = pid;
	}
	qsort(set, n, sizeof(*set), cmp_int);
	free(f->pids);
	f->pids = set;
	f->npids = n;
	f->has_pids = true;
	return 0;
}
