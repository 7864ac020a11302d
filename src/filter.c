// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tracee-syntax scope and event filters: parsed once into terms, matched
 * against every record in user space, and translated, term by term, into
 * the kernel's event filter language where the kernel answers the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/filter.h"
#include "ktrail/util.h"

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

static const char *const op_text[] = {
	[OP_EQ] = "=", [OP_NE] = "!=", [OP_LT] = "<",
	[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
};

static const char *const op_kernel[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
	[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
};

/* What a term tests. */
enum subj { S_PID, S_TID, S_PPID, S_UID, S_MNTNS, S_PIDNS, S_COMM, S_CPU, S_ARG, S_RET };

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
	const struct kt_event_def *ev;	/* NULL: the global scope */
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
	bool event;		/* an event filter (else a scope) */
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

/* A scope key: Tracee's names, both the short and the event field one. */
struct scope_key {
	const char *name;
	enum subj subj;
	enum kind kind;
	bool ordered;		/* <, >, <=, >= allowed */
};

static const struct scope_key scope_keys[] = {
	{ .name = "pid", .subj = S_PID, .kind = K_SIGNED, .ordered = true },
	{ .name = "p", .subj = S_PID, .kind = K_SIGNED, .ordered = true },
	{ .name = "processId", .subj = S_PID, .kind = K_SIGNED, .ordered = true },
	{ .name = "tid", .subj = S_TID, .kind = K_SIGNED, .ordered = true },
	{ .name = "threadId", .subj = S_TID, .kind = K_SIGNED, .ordered = true },
	{ .name = "ppid", .subj = S_PPID, .kind = K_SIGNED, .ordered = true },
	{ .name = "parentProcessId", .subj = S_PPID, .kind = K_SIGNED, .ordered = true },
	{ .name = "uid", .subj = S_UID, .kind = K_UNSIGNED, .ordered = true },
	{ .name = "userId", .subj = S_UID, .kind = K_UNSIGNED, .ordered = true },
	{ .name = "processorId", .subj = S_CPU, .kind = K_SIGNED, .ordered = true },
	{ .name = "mntns", .subj = S_MNTNS, .kind = K_UNSIGNED },
	{ .name = "mountNamespace", .subj = S_MNTNS, .kind = K_UNSIGNED },
	{ .name = "pidns", .subj = S_PIDNS, .kind = K_UNSIGNED },
	{ .name = "pidNamespace", .subj = S_PIDNS, .kind = K_UNSIGNED },
	{ .name = "comm", .subj = S_COMM, .kind = K_STRING },
	{ .name = "processName", .subj = S_COMM, .kind = K_STRING },
};

#define SCOPE_KEYS "pid, tid, ppid, uid, mntns, pidns, comm, processorId"

/* ------------------------------------------------------------ errors */

/* Where an expression is being parsed, for the messages. */
struct perr {
	char *buf;
	size_t len;
	const char *label;	/* "scope" or "filter" */
	const char *expr;
};

__attribute__((format(printf, 3, 4)))
static int fail(const struct perr *pe, size_t pos, const char *fmt, ...)
{
	size_t used;
	va_list ap;
	int n;

	errno = EINVAL;
	if (!pe->buf || !pe->len)
		return -1;
	n = snprintf(pe->buf, pe->len, "%s \"%s\": ", pe->label, pe->expr);
	if (n < 0 || (size_t)n >= pe->len)
		return -1;
	used = n;
	va_start(ap, fmt);
	n = vsnprintf(pe->buf + used, pe->len - used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= pe->len - used)
		return -1;
	used += n;
	if (pos > strlen(pe->expr))
		pos = strlen(pe->expr);
	snprintf(pe->buf + used, pe->len - used, "\n  %s\n  %*s^", pe->expr, (int)pos, "");
	return -1;
}

/* ------------------------------------------------------------ building */

struct kt_filter *kt_filter_new(void)
{
	return calloc(1, sizeof(struct kt_filter));
}

static void term_free(struct fterm *t)
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
		term_free(&f->t[i]);
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

/* ------------------------------------------------------------ values */

/*
 * An integer: optional '-', then decimal digits or 0x and hex digits.
 * Returns 0, -1 (not a number) or -2 (beyond 64 bits).
 */
static int parse_int(const char *s, size_t n, bool *neg, uint64_t *mag)
{
	unsigned int base = 10;
	size_t i = 0;

	*neg = false;
	*mag = 0;
	if (i < n && s[i] == '-') {
		*neg = true;
		i++;
	}
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (*mag > (UINT64_MAX - d) / base)
			return -2;
		*mag = *mag * base + d;
	}
	return 0;
}

/* Fit a parsed integer into a value of @kind and @bits; -1 if it cannot. */
static int int_fit(bool neg, uint64_t mag, enum kind kind, unsigned int bits, struct fval *v)
{
	if (kind == K_SIGNED) {
		uint64_t lim = (uint64_t)1 << (bits - 1);

		if (neg ? mag > lim : mag >= lim)
			return -1;
		v->i = !neg ? (int64_t)mag : mag ? -(int64_t)(mag - 1) - 1 : 0;
		return 0;
	}
	if (neg && mag)
		return -1;
	if (bits < 64 && mag > ((uint64_t)1 << bits) - 1)
		return -1;
	v->u = mag;
	return 0;
}

/* What the values of a term are compared with, for parsing them. */
struct target {
	const char *what;	/* "msqid", "pid", "retval" */
	const char *tname;	/* "int32" */
	enum kind kind;
	unsigned int bits;
	bool ordered;
};

static const char *int_tname(enum kind kind, unsigned int bits)
{
	switch (bits) {
	case 16:
		return kind == K_SIGNED ? "int16" : "uint16";
	case 32:
		return kind == K_SIGNED ? "int32" : "uint32";
	default:
		return kind == K_SIGNED ? "int64" : "uint64";
	}
}

static int parse_one(const struct perr *pe, size_t pos, const char *s, size_t n,
		     const struct target *tg, struct fval *v)
{
	switch (tg->kind) {
	case K_STRING: {
		bool lead = n && s[0] == '*';
		bool trail = n > 1 && s[n - 1] == '*';
		size_t a = lead, b = n - trail;
		const char *star = memchr(s + a, '*', b - a);

		if (star)
			return fail(pe, pos + (star - s),
				    "wildcard \"*\" inside \"%.*s\" (only prefix*, *suffix and *contains*)",
				    (int)n, s);
		v->sm = lead && trail ? SM_CONTAINS : lead ? SM_SUFFIX :
			trail ? SM_PREFIX : SM_EXACT;
		v->len = b - a;
		v->s = malloc(v->len + 1);
		if (!v->s)
			return -1;
		memcpy(v->s, s + a, v->len);
		v->s[v->len] = '\0';
		return 0;
	}
	case K_DOUBLE: {
		char buf[64], *end;

		if (n >= sizeof(buf))
			return fail(pe, pos, "bad number \"%.*s\" for %s", (int)n, s, tg->what);
		memcpy(buf, s, n);
		buf[n] = '\0';
		errno = 0;
		v->d = strtod(buf, &end);
		if (end == buf || *end || errno || !isfinite(v->d) ||
		    buf[0] == ' ' || buf[0] == '\t' || buf[0] == '+')
			return fail(pe, pos, "bad number \"%.*s\" for %s", (int)n, s, tg->what);
		return 0;
	}
	default: {
		uint64_t mag;
		bool neg;
		int rc;

		if (tg->bits == 1) {
			/* A bool: true or false (1 or 0). */
			bool t = (n == 4 && !memcmp(s, "true", 4)) || (n == 1 && s[0] == '1');
			bool f = (n == 5 && !memcmp(s, "false", 5)) || (n == 1 && s[0] == '0');

			if (!t && !f)
				return fail(pe, pos, "bad value \"%.*s\" for %s (true or false)",
					    (int)n, s, tg->what);
			v->u = t;
			return 0;
		}
		rc = parse_int(s, n, &neg, &mag);

		if (rc == -1)
			return fail(pe, pos, "bad number \"%.*s\" for %s", (int)n, s, tg->what);
		if (rc < 0 || int_fit(neg, mag, tg->kind, tg->bits, v) < 0)
			return fail(pe, pos, "number \"%.*s\" is out of range for %s (%s)",
				    (int)n, s, tg->what, tg->tname);
		return 0;
	}
	}
}

/* Parse the value list at @off of the expression into @t. */
static int parse_values(const struct perr *pe, size_t off, const struct target *tg,
			struct fterm *t)
{
	const char *s = pe->expr + off;
	unsigned int n = 1;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	t->v = calloc(n, sizeof(*t->v));
	if (!t->v)
		return -1;
	for (size_t i = 0;;) {
		size_t len = strcspn(s + i, ",");

		if (!len)
			return fail(pe, off + i, "empty value for %s", tg->what);
		if (parse_one(pe, off + i, s + i, len, tg, &t->v[t->nv]) < 0)
			return -1;
		t->nv++;
		if (!s[i + len])
			break;
		i += len + 1;
	}
	return 0;
}

/* The operator at @s: its length, or 0. */
static size_t parse_op(const char *s, enum op *op)
{
	static const struct {
		const char *text;
		enum op op;
	} ops[] = {
		{ "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
		{ "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
	};

	for (size_t i = 0; i < KT_ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].text);

		if (!strncmp(s, ops[i].text, n)) {
			*op = ops[i].op;
			return n;
		}
	}
	return 0;
}

#define OPS_ALL "one of =, !=, <, >, <=, >="

/* Parse "OP V1,V2" at @off into @t, whose subject is set. */
static int parse_op_values(const struct perr *pe, size_t off, const char *name,
			   const char *opdesc, const struct target *tg, struct fterm *t)
{
	size_t n = parse_op(pe->expr + off, &t->op);

	if (!n)
		return fail(pe, off, "no operator after \"%s\" (" OPS_ALL ")", name);
	if (!tg->ordered && t->op != OP_EQ && t->op != OP_NE)
		return fail(pe, off, "operator \"%s\" is not allowed on %s (only = and !=)",
			    op_text[t->op], opdesc);
	if (!pe->expr[off + n])
		return fail(pe, off + n, "empty value for %s", tg->what);
	return parse_values(pe, off + n, tg, t);
}

/* Keep @t (the filter owns it from here on). */
static int add_term(struct kt_filter *f, struct fterm *t)
{
	if (grow((void **)&f->t, &f->cap, f->n + 1, sizeof(*f->t)) < 0)
		return -1;
	f->t[f->n++] = *t;
	return 0;
}

static int add_text(struct kt_filter *f, const struct kt_event_def *ev, bool event,
		    const char *s)
{
	char *copy;

	if (grow((void **)&f->x, &f->capx, f->nx + 1, sizeof(*f->x)) < 0)
		return -1;
	copy = strdup(s);
	if (!copy)
		return -1;
	f->x[f->nx++] = (struct ftext){ .ev = ev, .event = event, .s = copy };
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The pid set for set_event_pid: a new pid= term intersects it. */
static int pids_update(struct kt_filter *f, const struct fterm *t)
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

/* The value "new" in "OP V1,V2,..." at @v, or NULL. */
static const char *find_new(const char *v)
{
	for (const char *p = v + strspn(v, "=!<>"); *p;) {
		size_t n = strcspn(p, ",");

		if (n == 3 && !strncmp(p, "new", 3))
			return p;
		p += n;
		if (*p)
			p++;
	}
	return NULL;
}

/*
 * A scope expression at @off of the expression: for every event (@ev
 * NULL), or for @ev's records only.  Adds at most one term.
 */
static int parse_scope(struct kt_filter *f, const struct perr *pe, size_t off,
		       const struct kt_event_def *ev)
{
	const char *s = pe->expr + off;
	size_t klen = strcspn(s, "=!<>");
	const struct scope_key *key = NULL;
	struct fterm t = { .ev = ev };
	struct target tg;
	const char *nv;
	char name[64];

	if (!*s)
		return fail(pe, off, "empty scope");
	if (!klen)
		return fail(pe, off, "no scope name before \"%s\"", s);
	snprintf(name, sizeof(name), "%.*s", (int)klen, s);
	if (!strcmp(name, "follow") && klen < sizeof(name)) {
		if (ev)
			return fail(pe, off, "\"follow\" is a global scope (--scope follow)");
		if (s[klen])
			return fail(pe, off + klen, "\"follow\" takes no value");
		f->follow = true;
		return 0;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(scope_keys) && klen < sizeof(name); i++)
		if (!strcmp(scope_keys[i].name, name))
			key = &scope_keys[i];
	if (!key)
		return fail(pe, off, "unknown scope \"%.*s\" (one of " SCOPE_KEYS "%s)",
			    (int)klen, s, ev ? "" : ", follow");
	t.subj = key->subj;
	t.kind = key->kind;
	t.bits = 32;
	t.arg = -1;

	/* pid=new */
	if (key->subj == S_PID && (nv = find_new(s + klen))) {
		if (strcmp(s + klen, "=new"))
			return fail(pe, off + (nv - s), "\"new\" goes only in \"%s=new\"", name);
		if (ev)
			return fail(pe, off, "\"%s=new\" is a global scope (--scope pid=new)", name);
		f->new_only = true;
		return 0;
	}

	tg = (struct target){
		.what = name, .kind = key->kind, .bits = 32,
		.tname = int_tname(key->kind, 32), .ordered = key->ordered,
	};
	if (parse_op_values(pe, off + klen, name, key->name, &tg, &t) < 0)
		goto err;
	if (add_term(f, &t) < 0)
		goto err;
	return 0;
err:
	term_free(&t);
	return -1;
}

static bool arg_is_string(enum kt_type t)
{
	return t == KT_T_STR || t == KT_T_SOCKADDR;
}

/* The target and term of argument @i of @ev. */
static void arg_target(const struct kt_event_def *ev, int i, struct target *tg,
		       struct fterm *t)
{
	const struct kt_arg_def *a = &ev->args[i];

	*tg = (struct target){ .what = a->name, .ordered = true };
	switch (a->type) {
	case KT_T_INT:
		tg->kind = K_SIGNED;
		tg->bits = 32;
		break;
	case KT_T_UINT:
		tg->kind = K_UNSIGNED;
		tg->bits = 32;
		break;
	case KT_T_LONG:
		tg->kind = K_SIGNED;
		tg->bits = 64;
		break;
	case KT_T_U16:
		tg->kind = K_UNSIGNED;
		tg->bits = 16;
		break;
	case KT_T_TIMESPEC:
		tg->kind = K_DOUBLE;
		tg->bits = 64;
		break;
	case KT_T_STR:
	case KT_T_SOCKADDR:
		tg->kind = K_STRING;
		tg->ordered = false;
		break;
	case KT_T_BOOL:
		tg->kind = K_UNSIGNED;
		tg->bits = 1;
		tg->ordered = false;
		break;
	default:	/* ULONG, PTR */
		tg->kind = K_UNSIGNED;
		tg->bits = 64;
		break;
	}
	tg->tname = kt_type_name(a->type);
	t->subj = S_ARG;
	t->arg = i;
	t->kind = tg->kind;
	t->bits = tg->bits;
}

static int parse_event(struct kt_filter *f, const struct perr *pe)
{
	const char *e = pe->expr;
	size_t elen = strcspn(e, "."), off;
	const struct kt_event_def *ev = NULL;
	struct fterm t = { .arg = -1 };
	struct target tg;
	char name[64], desc[96];

	if (!e[elen])
		return fail(pe, elen,
			    "expected EVENT.data.ARG, EVENT.retval or EVENT.scope.KEY");
	if (!elen)
		return fail(pe, 0, "no event name before \".\"");
	if (elen < sizeof(name)) {
		memcpy(name, e, elen);
		name[elen] = '\0';
		ev = kt_event_by_name(name);
	}
	if (!ev)
		return fail(pe, 0, "unknown event \"%.*s\"", (int)elen, e);
	if (ev->kind == KT_EV_PSEUDO)
		return fail(pe, 0, "%s is ktrail's own event and cannot be filtered", ev->name);
	off = elen + 1;
	t.ev = ev;

	if (!strncmp(e + off, "scope.", 6))
		return parse_scope(f, pe, off + 6, ev);

	if (!strncmp(e + off, "data.", 5) || !strncmp(e + off, "args.", 5)) {
		size_t alen;
		int i = -1;

		off += 5;
		alen = strcspn(e + off, "=!<>");
		if (!alen)
			return fail(pe, off, "no argument name after \"%.*s\"", (int)off, e);
		if (alen < sizeof(name)) {
			memcpy(name, e + off, alen);
			name[alen] = '\0';
			i = kt_arg_index(ev, name);
		}
		if (i < 0)
			return fail(pe, off, "%s has no argument \"%.*s\"", ev->name,
				    (int)alen, e + off);
		arg_target(ev, i, &tg, &t);
		snprintf(desc, sizeof(desc), "%s argument \"%s\"",
			 arg_is_string(ev->args[i].type) ? "string" :
			 ev->args[i].type == KT_T_BOOL ? "bool" : "the",
			 ev->args[i].name);
		if (parse_op_values(pe, off + alen, ev->args[i].name, desc, &tg, &t) < 0)
			goto err;
	} else if (!strncmp(e + off, "retval", 6) &&
		   (!e[off + 6] || strchr("=!<>", e[off + 6]))) {
		if (ev->kind != KT_EV_SYSCALL)
			return fail(pe, off, "%s has no return value", ev->name);
		off += 6;
		t.subj = S_RET;
		t.kind = K_SIGNED;
		t.bits = 64;
		tg = (struct target){ .what = "retval", .kind = K_SIGNED, .bits = 64,
				      .tname = "int64", .ordered = true };
		if (parse_op_values(pe, off, "retval", "retval", &tg, &t) < 0)
			goto err;
	} else {
		return fail(pe, off,
			    "expected \"data.\", \"args.\", \"retval\" or \"scope.\" after \"%s.\"",
			    ev->name);
	}
	if (add_term(f, &t) < 0)
		goto err;
	return 0;
err:
	term_free(&t);
	return -1;
}

/* Undo what a failed add did: terms past @n, flags as they were. */
static void rollback(struct kt_filter *f, unsigned int n, bool follow, bool new_only)
{
	while (f->n > n)
		term_free(&f->t[--f->n]);
	f->follow = follow;
	f->new_only = new_only;
}

/* Add a scope or an event filter; the filter is unchanged on error. */
static int add_expr(struct kt_filter *f, const char *expr, bool event, char *err,
		    size_t errlen)
{
	const struct perr pe = {
		.buf = err, .len = errlen, .expr = expr,
		.label = event ? "filter" : "scope",
	};
	unsigned int n;
	bool follow, new_only;
	const struct fterm *t;
	int e;

	if (!f || !expr) {
		errno = EINVAL;
		return -1;
	}
	n = f->n;
	follow = f->follow;
	new_only = f->new_only;
	if ((event ? parse_event(f, &pe) : parse_scope(f, &pe, 0, NULL)) < 0)
		goto fail;
	t = f->n > n ? &f->t[f->n - 1] : NULL;
	if (add_text(f, t ? t->ev : NULL, event, expr) < 0)
		goto fail;
	if (t && !t->ev && t->subj == S_PID && t->op == OP_EQ && pids_update(f, t) < 0) {
		free(f->x[--f->nx].s);
		goto fail;
	}
	return 0;
fail:
	e = errno;
	rollback(f, n, follow, new_only);
	if (e != EINVAL && err && errlen)
		snprintf(err, errlen, "%s \"%s\": %s", pe.label, expr, strerror(e));
	errno = e;
	return -1;
}

int kt_filter_add_scope(struct kt_filter *f, const char *expr, char *err, size_t errlen)
{
	return add_expr(f, expr, false, err, errlen);
}

int kt_filter_add_event(struct kt_filter *f, const char *expr, char *err, size_t errlen)
{
	return add_expr(f, expr, true, err, errlen);
}

/* ------------------------------------------------------------ accessors */

bool kt_filter_empty(const struct kt_filter *f)
{
	return !f || (!f->n && !f->follow && !f->new_only);
}

bool kt_filter_has_event(const struct kt_filter *f, const struct kt_event_def *ev)
{
	if (!f || !ev)
		return false;
	for (unsigned int i = 0; i < f->nx; i++)
		if (f->x[i].event && f->x[i].ev == ev)
			return true;
	return false;
}

static bool has_subj(const struct kt_filter *f, const struct kt_event_def *ev, enum subj s)
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
	return has_subj(f, ev, S_ARG);
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
	return has_subj(f, ev, S_RET);
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

		if (f->x[i].event)
			n = snprintf(buf + used, len - used, "event %s: %s\n",
				     f->x[i].ev ? f->x[i].ev->name : "?", f->x[i].s);
		else
			n = snprintf(buf + used, len - used, "scope: %s\n", f->x[i].s);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += n;
	}
}

/* ------------------------------------------------------------ matching */

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
		if (!f->t[i].ev && !term_match(&f->t[i], r))
			return false;
	return true;
}

bool kt_filter_match(const struct kt_filter *f, const struct kt_record *r, unsigned int flags)
{
	if (!f || (r->ev && r->ev->kind == KT_EV_PSEUDO))
		return true;
	if (!(f->follow && (flags & KT_FM_FOLLOWED)) && !kt_filter_scope_match(f, r, flags))
		return false;
	for (unsigned int i = 0; i < f->n; i++)
		if (f->t[i].ev && f->t[i].ev == r->ev && !term_match(&f->t[i], r))
			return false;
	return true;
}

/* ------------------------------------------------------------ kernel */

/* The kernel's longest string operand (MAX_FILTER_STR_VAL), and more. */
#define KSTR_MAX 256
#define KTERM_MAX 4096

/* A kernel expression being written; @over once it did not fit. */
struct kbuf {
	char *p;
	size_t len, used;
	bool over;
	unsigned int n;		/* comparisons */
};

__attribute__((format(printf, 2, 3)))
static void kput(struct kbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->used) {
		b->over = true;
		return;
	}
	b->used += n;
}

/* Start one comparison of a term, after @join if it is not the first. */
static void kjoin(struct kbuf *b, const char *join)
{
	if (b->n++)
		kput(b, "%s", join);
}

/* How the kernel compares a string field. */
enum kstr { KS_COMM, KS_FIELD };

/*
 * One string comparison, or false if the kernel cannot make it.  The
 * kernel takes a quoted operand up to its matching quote (no escapes),
 * gives "~" patterns glob meaning for '[', '?', '\' and a '*' inside,
 * negation for a leading '!', and an index match for a leading digit;
 * its "*suffix" compares a fixed-size field's last bytes, not the
 * string's; its "*contains*" may see the bytes past a fixed-size
 * string's NUL (more matches: fine for '=', not for '!=').
 */
static bool kstr_cmp(struct kbuf *b, const char *join, const char *fname, enum op op,
		     const struct fval *v)
{
	const char *lead = "", *trail = "";
	char q;

	if (v->len + 2 >= KSTR_MAX)
		return false;
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = v->s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	q = !memchr(v->s, '"', v->len) ? '"' : !memchr(v->s, '\'', v->len) ? '\'' : 0;
	if (!q)
		return false;
	if (v->sm != SM_EXACT) {
		if (op != OP_EQ || v->sm == SM_SUFFIX || !v->len)
			return false;
		if (strpbrk(v->s, "[?\\"))
			return false;
		if (v->sm == SM_PREFIX && (v->s[0] == '!' || (v->s[0] >= '0' && v->s[0] <= '9')))
			return false;
		lead = v->sm == SM_CONTAINS ? "*" : "";
		trail = "*";
	}
	kjoin(b, join);
	kput(b, "%s %s %c%s%s%s%c", fname, v->sm == SM_EXACT ? op_kernel[op] : "~",
	     q, lead, v->s, trail, q);
	return true;
}

/* A field value (its low @fbits bits) as the kernel parses it for @kf. */
static void kput_num(struct kbuf *b, const struct kt_kfield *kf, uint64_t x)
{
	unsigned int fbits = kf->size * 8;

	if (kf->is_signed) {
		int64_t s = fbits < 64 && (x >> (fbits - 1)) & 1 ?
			    (int64_t)(x | ~(((uint64_t)1 << fbits) - 1)) : (int64_t)x;

		kput(b, "%" PRId64, s);
	} else if (x < ((uint64_t)1 << 31)) {
		kput(b, "%" PRIu64, x);
	} else {
		kput(b, "0x%" PRIx64, x);
	}
}

/*
 * One integer comparison of field @kf with a value of @vbits bits (@x,
 * two's complement), or false if the kernel cannot make it.
 */
static bool knum_cmp(struct kbuf *b, const char *join, const struct kt_kfield *kf,
		     enum op op, bool vsigned, unsigned int vbits, uint64_t x)
{
	unsigned int fbits = kf->size * 8;
	uint64_t fmask, vmask, lo, hi;

	if (fbits != 8 && fbits != 16 && fbits != 32 && fbits != 64)
		return false;
	if (fbits < vbits)
		return false;
	if (op != OP_EQ && op != OP_NE) {
		/* Orders agree only on the same width and sign. */
		if (fbits != vbits || kf->is_signed != vsigned)
			return false;
		kjoin(b, join);
		kput(b, "%s %s ", kf->name, op_kernel[op]);
		kput_num(b, kf, x);
		return true;
	}
	fmask = fbits == 64 ? UINT64_MAX : ((uint64_t)1 << fbits) - 1;
	vmask = vbits == 64 ? UINT64_MAX : ((uint64_t)1 << vbits) - 1;
	lo = x & vmask;
	hi = (lo >> (vbits - 1)) & 1 ? (lo | ~vmask) & fmask : lo;
	kjoin(b, join);
	kput(b, "%s %s ", kf->name, op_kernel[op]);
	kput_num(b, kf, lo);
	if (hi != lo) {
		kjoin(b, join);
		kput(b, "%s %s ", kf->name, op_kernel[op]);
		kput_num(b, kf, hi);
	}
	return true;
}

static const struct kt_kfield *kfield_find(const struct kt_kfield *fields, unsigned int n,
					   int arg)
{
	for (unsigned int i = 0; i < n; i++)
		if (fields[i].arg == arg && fields[i].name)
			return &fields[i];
	return NULL;
}

static bool kfield_named(const struct kt_kfield *fields, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (fields[i].name && !strcmp(fields[i].name, name))
			return true;
	return false;
}

/* The kernel expression of term @t into @b, or false when there is none. */
static bool kterm(const struct fterm *t, const struct kt_kfield *fields, unsigned int nfields,
		  bool exit_side, struct kbuf *b)
{
	static const struct kt_kfield common_pid = {
		.arg = -2, .name = "common_pid", .size = 4, .is_signed = true,
	};
	const struct kt_kfield *kf = NULL;
	const char *join = t->op == OP_EQ ? " || " : " && ";
	bool string = false, vsigned = t->kind == K_SIGNED;
	unsigned int vbits = t->bits;

	switch (t->subj) {
	case S_TID:
		kf = &common_pid;
		break;
	case S_COMM:
		/* A probe field named comm would hide the task's. */
		if (kfield_named(fields, nfields, "comm"))
			return false;
		string = true;
		break;
	case S_ARG: {
		enum kt_type type = t->ev->args[t->arg].type;

		if (exit_side)
			return false;
		kf = kfield_find(fields, nfields, t->arg);
		if (!kf)
			return false;
		if (type == KT_T_STR) {
			/* Message bodies: user space cuts them to their length. */
			if (!kf->is_string || kt_arg_bound(t->ev, t->arg) >= 0)
				return false;
			string = true;
		} else if (type == KT_T_SOCKADDR || type == KT_T_TIMESPEC || type == KT_T_BOOL ||
			   kf->is_string) {
			return false;
		}
		break;
	}
	case S_RET:
		if (!exit_side)
			return false;
		kf = kfield_find(fields, nfields, KT_KF_RET);
		if (!kf || kf->is_string)
			return false;
		break;
	default:
		return false;
	}

	for (unsigned int i = 0; i < t->nv; i++) {
		const struct fval *v = &t->v[i];
		bool ok;

		if (string)
			ok = kstr_cmp(b, join, kf ? kf->name : "comm", t->op, v);
		else
			ok = knum_cmp(b, join, kf, t->op, vsigned, vbits,
				      vsigned ? (uint64_t)v->i : v->u);
		/* Of an '=' list, all or nothing; of the others, what can. */
		if (!ok && t->op == OP_EQ)
			return false;
	}
	return b->n && !b->over;
}

/*
 * Calls whose exit runs as another comm (the new program's, the name
 * prctl(PR_SET_NAME) set) or another thread id (a thread that execs takes
 * its leader's): the enter and the exit would be filtered differently.
 */
static bool task_changes(const struct kt_event_def *ev)
{
	static const char *const names[] = { "execve", "execveat", "prctl" };

	for (size_t i = 0; i < KT_ARRAY_SIZE(names); i++)
		if (!strcmp(ev->name, names[i]))
			return true;
	return false;
}

int kt_filter_kernel(const struct kt_filter *f, const struct kt_event_def *ev,
		     const struct kt_kfield *fields, unsigned int nfields,
		     bool exit_side, char *out, size_t outlen)
{
	size_t used = 0;

	if (!out || !outlen || (nfields && !fields)) {
		errno = EINVAL;
		return -1;
	}
	out[0] = '\0';
	/*
	 * A shared tracepoint (raw_syscalls) carries execve too; task events'
	 * tracepoints feed the process table: nothing for them.
	 */
	if (!f || !ev || ev->kind != KT_EV_SYSCALL)
		return 0;
	for (unsigned int i = 0; i < f->n; i++) {
		const struct fterm *t = &f->t[i];
		char tb[KTERM_MAX];
		struct kbuf b = { .p = tb, .len = sizeof(tb) };
		int n;

		/* With follow, descendants pass the scope whatever they are. */
		if (!t->ev ? f->follow : t->ev != ev)
			continue;
		if ((t->subj == S_COMM || t->subj == S_TID) && task_changes(ev))
			continue;
		/*
		 * One side only: an exit dropped by its return value leaves an
		 * enter pending, which the lone exit of a call whose enter an
		 * argument filter dropped would then complete.
		 */
		if (t->subj == S_RET && has_subj(f, ev, S_ARG))
			continue;
		if (!kterm(t, fields, nfields, exit_side, &b))
			continue;
		n = snprintf(out + used, outlen - used, "%s%s%s%s", used ? " && " : "",
			     b.n > 1 ? "(" : "", tb, b.n > 1 ? ")" : "");
		if (n < 0 || (size_t)n >= outlen - used) {
			out[used] = '\0';
			continue;
		}
		used += n;
	}
	return (int)used;
}
