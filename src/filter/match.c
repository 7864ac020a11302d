// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Matching records against a filter in user space: every record, whatever
 * the kernel filtered before.
 */
#include <math.h>
#include <string.h>

#include "filter-local.h"

/* A record's value for a term. */
struct rval {
	int64_t i;
	uint64_t u;
	double d;
	const char *s;
	size_t len;
};

static bool record_value(const struct fterm *t, const struct kt_record *r, struct rval *x)
{
	switch (t->subj) {
	case S_PID:
		x->i = r->pid;
		return r->pid != 0;
	case S_TID:
		x->i = r->tid;
		return true;
	case S_CPU:
		x->i = r->cpu;
		return true;
	case S_PPID:
		x->i = r->ppid;
		return r->has_ctx;
	case S_UID:
		x->u = r->uid;
		return r->has_ctx;
	case S_MNTNS:
		x->u = r->mntns;
		return r->has_ctx && r->mntns;
	case S_PIDNS:
		x->u = r->pidns;
		return r->has_ctx && r->pidns;
	case S_COMM:
		if (!r->comm || !r->comm[0])
			return false;
		x->s = r->comm;
		x->len = strlen(r->comm);
		return true;
	case S_RET:
		x->i = r->ret;
		return r->has_ret;
	case S_DUR:
		return kt_record_duration(r, &x->u);
	case S_ARG:
		break;
	}

	const struct kt_value *v;

	if (!r->ev || t->arg < 0 || (unsigned int)t->arg >= r->ev->nargs ||
	    t->arg >= KT_MAX_ARGS)
		return false;
	v = &r->args[t->arg];
	if (!v->set)
		return false;
	switch (r->ev->args[t->arg].type) {
	case KT_T_INT:
	case KT_T_LONG:
		x->i = v->i;
		return true;
	case KT_T_STR:
		if (!v->str && v->len)
			return false;
		x->s = v->str ? v->str : "";
		x->len = v->len;
		return true;
	case KT_T_SOCKADDR:
		if (!v->sa)
			return false;
		x->s = v->sa->addr;
		x->len = strnlen(v->sa->addr, sizeof(v->sa->addr));
		return true;
	case KT_T_TIMESPEC:
		x->d = v->d;
		return !isnan(v->d);
	default:
		x->u = v->u;
		return true;
	}
}

static bool str_match(const char *s, size_t n, const struct fval *v)
{
	switch (v->sm) {
	case SM_EXACT:
		return n == v->len && !memcmp(s, v->s, n);
	case SM_PREFIX:
		return n >= v->len && !memcmp(s, v->s, v->len);
	case SM_SUFFIX:
		return n >= v->len && !memcmp(s + n - v->len, v->s, v->len);
	case SM_CONTAINS:
		return !v->len || memmem(s, n, v->s, v->len);
	}
	return false;
}

static bool value_match(const struct fterm *t, const struct rval *x, const struct fval *v)
{
	int c;

	switch (t->kind) {
	case K_STRING:
		return str_match(x->s, x->len, v) == (t->op == OP_EQ);
	case K_SIGNED:
		c = (x->i > v->i) - (x->i < v->i);
		break;
	case K_UNSIGNED:
		c = (x->u > v->u) - (x->u < v->u);
		break;
	default:
		c = (x->d > v->d) - (x->d < v->d);
		break;
	}
	switch (t->op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

/* '=': any of the values; any other operator: all of them. */
static bool term_match(const struct fterm *t, const struct kt_record *r)
{
	struct rval x = { 0 };

	if (!record_value(t, r, &x))
		return false;
	for (unsigned int i = 0; i < t->nv; i++) {
		bool m = value_match(t, &x, &t->v[i]);

		if (t->op == OP_EQ && m)
			return true;
		if (t->op != OP_EQ && !m)
			return false;
	}
	return t->op != OP_EQ;
}

bool kt_filter_scope_match(const struct kt_filter *f, const struct kt_record *r,
			   unsigned int flags)
{
	if (!f)
		return true;
	if (f->new_only && !(flags & KT_FM_NEW))
		return false;
	for (unsigned int i = 0; i < f->n; i++)
		if (!f->t[i].ev && f->t[i].subj != S_DUR && !term_match(&f->t[i], r))
			return false;
	return true;
}

bool kt_filter_match(const struct kt_filter *f, const struct kt_record *r, unsigned int flags)
{
	if (!f || (r->ev && r->ev->kind == KT_EV_PSEUDO))
		return true;
	if (!(f->follow && (flags & KT_FM_FOLLOWED)) && !kt_filter_scope_match(f, r, flags))
		return false;
	for (unsigned int i = 0; i < f->n; i++) {
		const struct fterm *t = &f->t[i];

		/* an event's filters, and --duration for every event */
		if ((t->ev ? t->ev == r->ev : t->subj == S_DUR) && !term_match(t, r))
			return false;
	}
	return true;
}
