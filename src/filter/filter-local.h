/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the filters: a filter holds a list of terms, one per scope or
 * event filter expression, and the expressions as given.  filter.c keeps
 * the lists, parse.c parses expressions into terms, query.c answers
 * questions about a filter, match.c matches records against it and
 * kernel.c writes its kernel filter text.
 */
#ifndef KTRAIL_FILTER_LOCAL_H
#define KTRAIL_FILTER_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktrail/filter.h"

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* What a term tests. */
enum subj {
	S_PID, S_TID, S_PPID, S_UID, S_MNTNS, S_PIDNS, S_COMM, S_CPU, S_ARG, S_RET,
	S_DUR,		/* the call's duration (ns): user space only, known at exit */
};

/* How its values compare. */
enum kind { K_SIGNED, K_UNSIGNED, K_DOUBLE, K_STRING };

enum smatch { SM_EXACT, SM_PREFIX, SM_SUFFIX, SM_CONTAINS };

struct fval {
	union {
		int64_t i;	/* K_SIGNED */
		uint64_t u;	/* K_UNSIGNED */
		double d;	/* K_DOUBLE */
	};
	char *s;		/* K_STRING: without its wildcards */
	size_t len;
	enum smatch sm;
};

struct fterm {
	/* NULL: the global scope, or with S_DUR a --duration, which is no
	 * scope (followed tasks, the follow decision ignore it) */
	const struct kt_event_def *ev;
	enum subj subj;
	int arg;		/* S_ARG */
	enum kind kind;
	unsigned int bits;	/* integer width of the value */
	enum op op;
	struct fval *v;
	unsigned int nv;
};

/* An expression as given, for kt_filter_describe(). */
struct ftext {
	const struct kt_event_def *ev;
	enum kt_fkind kind;
	char *s;
};

struct kt_filter {
	struct fterm *t;
	unsigned int n, cap;
	struct ftext *x;
	unsigned int nx, capx;
	bool follow, new_only;
	bool has_pids;
	int *pids;
	unsigned int npids;
};

/* filter.c: the lists; 0, or -1 with errno = ENOMEM. */
void kt_filter_term_free(struct fterm *t);
/* Keep @t (the filter owns it from here on). */
int kt_filter_add_term(struct kt_filter *f, struct fterm *t);
/* Keep a copy of expression @s, for kt_filter_describe(). */
int kt_filter_add_text(struct kt_filter *f, const struct kt_event_def *ev,
		       enum kt_fkind kind, const char *s);
/* The pid set for set_event_pid: a new pid= term @t intersects it. */
int kt_filter_pids_update(struct kt_filter *f, const struct fterm *t);

/* query.c: does a filter of @ev test @s (S_ARG: any argument)? */
bool kt_filter_has_subj(const struct kt_filter *f, const struct kt_event_def *ev, enum subj s);

#endif
