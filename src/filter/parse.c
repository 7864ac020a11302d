// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing Tracee-syntax scope and event filter expressions into terms,
 * with messages that point at the offending part; a filter is unchanged
 * by an expression that fails.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-local.h"
#include "ktrail/util.h"

static const char *const op_text[] = {
	[OP_EQ] = "=", [OP_NE] = "!=", [OP_LT] = "<",
	[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
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

int kt_duration_parse(const char *s, size_t n, uint64_t *ns, const char **why)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 } };
	uint64_t whole = 0, frac = 0, scale = 1, mult = 0;
	size_t i = 0, u, fdigits = 0;

	errno = EINVAL;
	if (!n) {
		*why = "no duration";
		return -1;
	}
	if (s[0] == '-') {
		*why = "a duration cannot be negative";
		return -1;
	}
	if (s[0] < '0' || s[0] > '9') {
		*why = "not a duration (a number and a unit: 10ms, 1.5us, 250ns)";
		return -1;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole > (UINT64_MAX - (s[i] - '0')) / 10)
			goto range;
		whole = whole * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		size_t start = ++i, last = 0;

		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (s[i] != '0')
				last = i - start + 1;
		if (i == start) {
			*why = "no digit after the decimal point";
			return -1;
		}
		/* the digits up to the last that is not 0 */
		if (last > 9) {
			*why = "finer than a nanosecond";
			return -1;
		}
		for (size_t k = 0; k < last; k++) {
			frac = frac * 10 + (s[start + k] - '0');
			scale *= 10;
		}
		fdigits = last;
	}
	u = n - i;
	if (!u) {
		mult = 1;
	} else {
		for (size_t k = 0; k < KT_ARRAY_SIZE(units); k++)
			if (strlen(units[k].name) == u && !memcmp(s + i, units[k].name, u))
				mult = units[k].mult;
	}
	if (!mult) {
		*why = "unknown unit (use ns, us, ms or s)";
		return -1;
	}
	/* frac / scale of a unit: whole nanoseconds only */
	if (fdigits && (frac * mult) % scale) {
		*why = "finer than a nanosecond";
		return -1;
	}
	if (whole > UINT64_MAX / mult || whole * mult > UINT64_MAX - frac * mult / scale)
		goto range;
	*ns = whole * mult + frac * mult / scale;
	errno = 0;
	return 0;
range:
	*why = "out of range (at most 18446744073s)";
	return -1;
}

/* What the values of a term are compared with, for parsing them. */
struct target {
	const char *what;	/* "msqid", "pid", "retval" */
	const char *tname;	/* "int32" */
	enum kind kind;
	unsigned int bits;
	bool ordered;
	bool duration;		/* a duration with its unit, in ns (K_UNSIGNED) */
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
	if (tg->duration) {
		const char *why;

		if (kt_duration_parse(s, n, &v->u, &why) < 0)
			return fail(pe, pos, "bad duration \"%.*s\" for %s: %s", (int)n, s,
				    tg->what, why);
		return 0;
	}
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
	if (kt_filter_add_term(f, &t) < 0)
		goto err;
	return 0;
err:
	kt_filter_term_free(&t);
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
			    "expected EVENT.data.ARG, EVENT.retval, EVENT.duration or "
			    "EVENT.scope.KEY");
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
	} else if (!strncmp(e + off, "duration", 8) &&
		   (!e[off + 8] || strchr("=!<>", e[off + 8]))) {
		if (ev->kind != KT_EV_SYSCALL)
			return fail(pe, off, "%s is not a call: it has no duration", ev->name);
		if (ev->flags & KT_EVF_NORETURN)
			return fail(pe, off, "%s never returns: it has no duration", ev->name);
		off += 8;
		t.subj = S_DUR;
		t.kind = K_UNSIGNED;
		t.bits = 64;
		tg = (struct target){ .what = "duration", .kind = K_UNSIGNED, .bits = 64,
				      .tname = "duration", .ordered = true, .duration = true };
		if (parse_op_values(pe, off, "duration", "duration", &tg, &t) < 0)
			goto err;
	} else {
		return fail(pe, off,
			    "expected \"data.\", \"args.\", \"retval\", \"duration\" or \"scope.\" "
			    "after \"%s.\"", ev->name);
	}
	if (kt_filter_add_term(f, &t) < 0)
		goto err;
	return 0;
err:
	kt_filter_term_free(&t);
	return -1;
}

/*
 * A --duration expression: "OP DURATION", one value.  Its messages are
 * the option's, on one line ("--duration: '>10xs': unknown unit (use ns,
 * us, ms or s)"), written here: @pe has no buffer.
 */
static int parse_duration(struct kt_filter *f, const char *expr, char *err, size_t errlen)
{
	struct fterm t = { .subj = S_DUR, .arg = -1, .kind = K_UNSIGNED, .bits = 64 };
	size_t n = parse_op(expr, &t.op);
	const char *why, *v = expr + n;

	errno = EINVAL;
	if (!n) {
		why = *expr ? "no operator (one of >, >=, <, <=, =, != before the duration: '>10ms')" :
			      "empty (an operator and a duration: '>10ms')";
		goto bad;
	}
	if (strchr(v, ',')) {
		why = "one duration per --duration (repeat the option: they all hold)";
		goto bad;
	}
	t.v = calloc(1, sizeof(*t.v));
	if (!t.v)
		return -1;
	t.nv = 1;
	if (kt_duration_parse(v, strlen(v), &t.v[0].u, &why) < 0) {
		kt_filter_term_free(&t);
		goto bad;
	}
	if (kt_filter_add_term(f, &t) < 0) {
		kt_filter_term_free(&t);
		return -1;
	}
	return 0;
bad:
	if (err && errlen)
		snprintf(err, errlen, "--duration: '%s': %s", expr, why);
	errno = EINVAL;
	return -1;
}

/* Undo what a failed add did: terms past @n, flags as they were. */
static void rollback(struct kt_filter *f, unsigned int n, bool follow, bool new_only)
{
	while (f->n > n)
		kt_filter_term_free(&f->t[--f->n]);
	f->follow = follow;
	f->new_only = new_only;
}

/* Add a scope, an event or a duration filter; the filter is unchanged
 * on error. */
static int add_expr(struct kt_filter *f, const char *expr, enum kt_fkind kind, char *err,
		    size_t errlen)
{
	const struct perr pe = {
		.buf = err, .len = errlen, .expr = expr,
		.label = kind == KT_FK_EVENT ? "filter" : kind == KT_FK_SCOPE ? "scope" :
			 "--duration",
	};
	int r;
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
	switch (kind) {
	case KT_FK_EVENT:
		r = parse_event(f, &pe);
		break;
	case KT_FK_SCOPE:
		r = parse_scope(f, &pe, 0, NULL);
		break;
	case KT_FK_DURATION:
		r = parse_duration(f, expr, err, errlen);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (r < 0)
		goto fail;
	t = f->n > n ? &f->t[f->n - 1] : NULL;
	if (kt_filter_add_text(f, t ? t->ev : NULL, kind, expr) < 0)
		goto fail;
	if (t && !t->ev && t->subj == S_PID && t->op == OP_EQ && kt_filter_pids_update(f, t) < 0) {
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
	return add_expr(f, expr, KT_FK_SCOPE, err, errlen);
}

int kt_filter_add_event(struct kt_filter *f, const char *expr, char *err, size_t errlen)
{
	return add_expr(f, expr, KT_FK_EVENT, err, errlen);
}

int kt_filter_add_duration(struct kt_filter *f, const char *expr, char *err, size_t errlen)
{
	return add_expr(f, expr, KT_FK_DURATION, err, errlen);
}

int kt_filter_add(struct kt_filter *f, enum kt_fkind kind, const char *expr, char *err,
		  size_t errlen)
{
	return add_expr(f, expr, kind, err, errlen);
}
