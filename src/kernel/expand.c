// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The expansion of the kprobe recipes' fetch templates (probes.def, and
 * the ones recipe.c writes) for one arch, task ABI and kernel: {aN} a
 * function's argument, {sN} a syscall's through its entry function's
 * calling style, {u} +u where the kernel has it, {L} {UL} {P} {KL} the
 * task's or kernel's word types, {o:X} {k:X} struct offsets, %SA() a
 * socket address.  Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/util.h"
#include "kernel-local.h"

/*
 * Struct member offsets: {o:X} user-space structs by the task's ABI
 * [LP64, ILP32]; {k:X} kernel structs by the kernel's word [64, 32-bit].
 */
static const struct {
	const char *name;
	int off[2];
} struct_offsets[] = {
	{ "o:msghdr.name", { 0, 0 } },
	{ "o:msghdr.iovlen", { 24, 12 } },
	{ "o:msghdr.controllen", { 40, 20 } },
	{ "o:msghdr.flags", { 48, 24 } },
	{ "o:msgbuf.mtext", { 8, 4 } },
	{ "o:mq_attr.maxmsg", { 8, 4 } },
	{ "o:mq_attr.msgsize", { 16, 8 } },
	{ "k:mq_attr.maxmsg", { 8, 4 } },
	{ "k:mq_attr.msgsize", { 16, 8 } },
	{ "k:timespec64.nsec", { 8, 8 } },
};

struct expand {
	const struct kt_probe_env *env;
	bool compat;		/* the task ABI is the 32-bit one */
	enum kt_wrap_style style;	/* of {sN} */
	char *out;
	size_t len, n;
	char *why;
	size_t whylen;
	bool failed;
};

static void put(struct expand *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct expand *x, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (x->failed)
		return;
	va_start(ap, fmt);
	r = vsnprintf(x->out + x->n, x->len - x->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= x->len - x->n) {
		x->failed = true;
		snprintf(x->why, x->whylen, "fetch arguments too long");
		return;
	}
	x->n += r;
}

static void fail(struct expand *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct expand *x, const char *fmt, ...)
{
	va_list ap;

	if (x->failed)
		return;
	x->failed = true;
	va_start(ap, fmt);
	vsnprintf(x->why, x->whylen, fmt, ap);
	va_end(ap);
}

static bool task_lp64(const struct expand *x)
{
	enum kt_abi abi = x->compat ? x->env->compat : x->env->native;

	return abi == KT_ABI_X86_64 || abi == KT_ABI_ARM64;
}

static void func_arg(struct expand *x, int n)
{
	char place[16];

	if (n < 1 || n > 6) {
		fail(x, "no argument %d", n);
		return;
	}
	if (x->env->pf->argn) {
		put(x, "$arg%d", n);
		return;
	}
	if (kt_func_arg_place(x->env->arch, n, place, sizeof(place)) == 0)
		put(x, "%s", place);
	else
		fail(x, "argument %d of a %s function is on the stack: needs $arg<N> (Linux 4.20+)",
		     n, kt_abi_name(x->env->arch));
}

static void sys_arg(struct expand *x, int n)
{
	if (n < 1 || n > 6) {
		fail(x, "no syscall argument %d", n);
		return;
	}
	switch (x->style) {
	case KT_WRAP_DIRECT:
		func_arg(x, n);
		break;
	case KT_WRAP_STACK:
		put(x, "$stack%d", n);
		break;
	default:
		put(x, "+%d(", kt_pt_offset(x->style, n));
		func_arg(x, 1);
		put(x, ")");
		break;
	}
}

/* The offset a placeholder "o:X" or "k:X" names, or -1. */
static int offset_of(const struct expand *x, const char *name, size_t len)
{
	bool wide = name[0] == 'k' ? kt_kernel_long(x->env->arch) == 8 : task_lp64(x);

	for (size_t i = 0; i < KT_ARRAY_SIZE(struct_offsets); i++)
		if (strlen(struct_offsets[i].name) == len && !memcmp(struct_offsets[i].name, name, len))
			return struct_offsets[i].off[wide ? 0 : 1];
	return -1;
}

static void expand_into(struct expand *x, const char *t, size_t tlen);

/*
 * %SA(name,expr): a struct sockaddr at user address expr, in scalar
 * fields: an array (u8[28]) read through +u is refused by the kernels
 * tested ("String accepts only memory argument", 6.1 and 6.12).  The
 * IPv6 address is two 64-bit halves; an AF_UNIX path or abstract name a
 * string.  Fields past the end of a short address are read and ignored.
 */
static void sockaddr_fetch(struct expand *x, const char *name, size_t nlen,
			   const char *expr, size_t elen)
{
	static const struct {
		const char *part;
		int off;
		const char *type;
	} parts[] = {
		{ "fam", 0, "u16" }, { "port", 2, "u16" }, { "in4", 4, "u32" },
		{ "in6a", 8, "u64" }, { "in6b", 16, "u64" },
		{ "path", 2, "string" }, { "abs", 3, "string" },
	};
	const char *u = x->env->pf->uderef ? "u" : "";

	for (size_t i = 0; i < KT_ARRAY_SIZE(parts); i++) {
		put(x, "%s%.*s__%s=+%s%d(", i ? " " : "", (int)nlen, name, parts[i].part, u,
		    parts[i].off);
		expand_into(x, expr, elen);
		put(x, "):%s", parts[i].type);
	}
}

static void placeholder(struct expand *x, const char *p, size_t len)
{
	bool lp64 = task_lp64(x);

	if (len == 2 && (p[0] == 'a' || p[0] == 's') && p[1] >= '1' && p[1] <= '6') {
		if (p[0] == 'a')
			func_arg(x, p[1] - '0');
		else
			sys_arg(x, p[1] - '0');
	} else if (len == 1 && p[0] == 'u') {
		put(x, "%s", x->env->pf->uderef ? "u" : "");
	} else if (len == 1 && p[0] == 'L') {
		put(x, "%s", lp64 ? "s64" : "s32");
	} else if (len == 2 && !memcmp(p, "UL", 2)) {
		put(x, "%s", lp64 ? "u64" : "u32");
	} else if (len == 1 && p[0] == 'P') {
		put(x, "%s", lp64 ? "x64" : "x32");
	} else if (len == 2 && !memcmp(p, "KL", 2)) {
		put(x, "%s", kt_kernel_long(x->env->arch) == 8 ? "s64" : "s32");
	} else if (len > 2 && (p[0] == 'o' || p[0] == 'k') && p[1] == ':') {
		int off = offset_of(x, p, len);

		if (off < 0)
			fail(x, "unknown offset {%.*s}", (int)len, p);
		else
			put(x, "%d", off);
	} else {
		fail(x, "unknown placeholder {%.*s}", (int)len, p);
	}
}

static void expand_into(struct expand *x, const char *t, size_t tlen)
{
	const char *end = t + tlen;

	while (t < end && !x->failed) {
		if (*t == '{') {
			const char *c = memchr(t, '}', end - t);

			if (!c) {
				fail(x, "unterminated placeholder");
				return;
			}
			placeholder(x, t + 1, c - t - 1);
			t = c + 1;
		} else if (end - t > 4 && !memcmp(t, "%SA(", 4)) {
			const char *name = t + 4, *comma, *e;
			int depth = 1;

			comma = memchr(name, ',', end - name);
			if (!comma) {
				fail(x, "%%SA without a comma");
				return;
			}
			for (e = comma + 1; e < end; e++) {
				if (*e == '(')
					depth++;
				else if (*e == ')' && --depth == 0)
					break;
			}
			if (e >= end) {
				fail(x, "unbalanced %%SA(");
				return;
			}
			sockaddr_fetch(x, name, comma - name, comma + 1, e - comma - 1);
			t = e + 1;
		} else {
			const char *n = t;

			while (n < end && *n != '{' && !(end - n > 4 && !memcmp(n, "%SA(", 4)))
				n++;
			put(x, "%.*s", (int)(n - t), t);
			t = n;
		}
	}
}

int kt_expand_style(const struct kt_probe_env *env, bool compat, enum kt_wrap_style style,
		    const char *tmpl, char *out, size_t outlen, char *why, size_t whylen)
{
	struct expand x = {
		.env = env, .compat = compat, .style = style,
		.out = out, .len = outlen, .why = why, .whylen = whylen,
	};

	if (!outlen)
		return -1;
	out[0] = '\0';
	expand_into(&x, tmpl, strlen(tmpl));
	return x.failed ? -1 : 0;
}

int kt_probe_expand(const struct kt_probe_env *env, bool compat, bool ptregs,
		    const char *tmpl, char *out, size_t outlen, char *why, size_t whylen)
{
	enum kt_wrap_style style = KT_WRAP_DIRECT;

	if (ptregs)
		style = kt_ptregs_style(env->arch, compat);
	return kt_expand_style(env, compat, style, tmpl, out, outlen, why, whylen);
}
