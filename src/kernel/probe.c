// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kprobe recipes (see probe.h): the kernel's probe features from its
 * README, symbol sets, per-arch register and pt_regs tables, per-ABI
 * struct offsets, and the expansion of the fetch templates of probes.def.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/probe.h"
#include "ktrail/util.h"

/* ---------------------------------------------------------------- arch */

static int kernel_long(enum kt_abi a)
{
	return a == KT_ABI_I386 || a == KT_ABI_ARM ? 4 : 8;
}

/* Registers of a function's first arguments (kernel calling convention),
 * for kernels without $arg<N>.  NULL: on the stack. */
static const char *const func_regs[KT_ABI_ARCH_MAX][6] = {
	[KT_ABI_X86_64] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" },
	[KT_ABI_I386] = { "%ax", "%dx", "%cx" },	/* -mregparm=3 */
	[KT_ABI_ARM64] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" },
	[KT_ABI_ARM] = { "%r0", "%r1", "%r2", "%r3" },
	[KT_ABI_RISCV64] = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5" },
};

/*
 * The word arguments past the registers, at a function's first
 * instruction: N of the $stack<N> holding the first of them, -1 if not
 * known.  32-bit arm (AAPCS): sp points at the fifth word argument; its
 * syscall entry (vector_swi) pushes r4 and r5, a syscall's fifth and
 * sixth arguments, before it calls sys_X.  arm has no $arg<N> at all
 * (no HAVE_FUNCTION_ARG_ACCESS_API), so this is how a 32-bit arm kernel's
 * probes read arguments 5 and 6 (the time32 and time64 mq calls' timeout,
 * sendto's address).  Only for word-sized arguments: no recipe passes a
 * 64-bit one before them.
 */
static const int func_stack_first[KT_ABI_ARCH_MAX] = {
	[KT_ABI_X86_64] = -1,
	[KT_ABI_I386] = -1,
	[KT_ABI_ARM64] = -1,
	[KT_ABI_ARM] = 0,
	[KT_ABI_RISCV64] = -1,
};

/* How an entry function receives the syscall's arguments. */
enum wrap_style {
	W_DIRECT,	/* as C arguments (no pt_regs wrapper, or arm) */
	W_STACK,	/* i386 asmlinkage: on the stack */
	W_PT_X86_64,	/* const struct pt_regs *: di si dx r10 r8 r9 */
	W_PT_IA32,	/* the same pt_regs, a 32-bit task: bx cx dx si di bp */
	W_PT_I386,	/* i386 pt_regs: bx cx dx si di bp */
	W_PT_ARM64,	/* regs[0..5] */
	W_PT_RISCV64,	/* orig_a0, a1..a5 */
};

/* offsetof(struct pt_regs, <register of syscall argument N>) */
static const int pt_offsets[][6] = {
	[W_PT_X86_64] = { 112, 104, 96, 56, 72, 64 },
	[W_PT_IA32] = { 40, 88, 96, 104, 112, 32 },
	[W_PT_I386] = { 0, 4, 8, 12, 16, 20 },
	[W_PT_ARM64] = { 0, 8, 16, 24, 32, 40 },
	[W_PT_RISCV64] = { 280, 88, 96, 104, 112, 120 },
};

struct wrap {
	const char *fmt;	/* printf format of the symbol, %s: the syscall */
	enum wrap_style style;
};

/*
 * Entry functions, best first.  Since 4.17 (x86_64), 4.19 (arm64), 5.7
 * (i386) and 5.19 (riscv) syscalls are entered through a wrapper taking
 * pt_regs; before, sys_X took the arguments directly.  A 32-bit task's
 * entry is the compat one (reached by 32-bit tasks only); sys_X, shared
 * with 64-bit tasks, is never used for them.
 */
static const struct wrap native_wraps[KT_ABI_ARCH_MAX][3] = {
	[KT_ABI_X86_64] = { { "__x64_sys_%s", W_PT_X86_64 }, { "sys_%s", W_DIRECT } },
	[KT_ABI_I386] = { { "__ia32_sys_%s", W_PT_I386 }, { "sys_%s", W_STACK } },
	[KT_ABI_ARM64] = { { "__arm64_sys_%s", W_PT_ARM64 }, { "sys_%s", W_DIRECT } },
	[KT_ABI_ARM] = { { "sys_%s", W_DIRECT } },
	[KT_ABI_RISCV64] = { { "__riscv_sys_%s", W_PT_RISCV64 }, { "sys_%s", W_DIRECT } },
};

static const struct wrap compat_wraps[KT_ABI_ARCH_MAX][6] = {
	[KT_ABI_X86_64] = {
		{ "__ia32_compat_sys_%s_time64", W_PT_IA32 },
		{ "__ia32_compat_sys_%s", W_PT_IA32 },
		{ "__ia32_sys_%s", W_PT_IA32 },
		{ "compat_sys_%s_time64", W_DIRECT },
		{ "compat_sys_%s", W_DIRECT },
	},
	[KT_ABI_ARM64] = {
		{ "__arm64_compat_sys_%s_time64", W_PT_ARM64 },
		{ "__arm64_compat_sys_%s", W_PT_ARM64 },
		{ "__arm64_sys_%s", W_PT_ARM64 },
		{ "compat_sys_%s_time64", W_DIRECT },
		{ "compat_sys_%s", W_DIRECT },
	},
};

/*
 * Syscalls an arch's table enters through another function than the one
 * named after the event's tracepoint.  32-bit arm's msgctl, semctl and
 * shmctl (304, 300, 308) are sys_old_msgctl ... (the ipc_parse_version
 * ABI: IPC_64 in cmd): its sys_msgctl exists but no task reaches it, and
 * it has no sys_enter_msgctl tracepoint (only sys_enter_old_msgctl, which
 * the catalog does not name), so these events take kprobes there.
 */
static const struct {
	enum kt_abi arch;
	bool compat;
	const char *tp, *entry;
} entry_alias[] = {
	{ KT_ABI_ARM, false, "msgctl", "old_msgctl" },
	{ KT_ABI_ARM, false, "semctl", "old_semctl" },
	{ KT_ABI_ARM, false, "shmctl", "old_shmctl" },
};

static const char *entry_name(enum kt_abi arch, bool compat, const char *tp)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(entry_alias); i++)
		if (entry_alias[i].arch == arch && entry_alias[i].compat == compat &&
		    !strcmp(entry_alias[i].tp, tp))
			return entry_alias[i].entry;
	return tp;
}

/* The symbol of @w for syscall @name: its format's "%s" replaced. */
static void wrap_symbol(char *buf, size_t len, const struct wrap *w, const char *name)
{
	const char *pct = strstr(w->fmt, "%s");

	snprintf(buf, len, "%.*s%s%s", (int)(pct - w->fmt), w->fmt, name, pct + 2);
}

/* ------------------------------------------------------------ features */

static bool has(const char *text, const char *word)
{
	return text && strstr(text, word);
}

void kt_probe_feats_parse(const char *readme, bool kprobe_events, struct kt_probe_feats *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->kprobe_events = kprobe_events && has(readme, "kprobe_events");
	if (!pf->kprobe_events)
		return;
	pf->kretprobe = has(readme, "r[maxactive]") || has(readme, "%return");
	pf->argn = has(readme, "$arg<N>");
	pf->ustring = has(readme, "ustring");
	pf->uderef = has(readme, "[u]<offset>");
	pf->comm = has(readme, "$comm");
	pf->array = has(readme, "<array-size>");
	pf->symstr = has(readme, "symstr");
	pf->eprobe = has(readme, "e[:[<group>/]");
	pf->fprobe = has(readme, "f[:[<group>/]");
	pf->retargs = has(readme, "return probes support: $retval, $arg<N>");
	pf->btfargs = has(readme, "<argname>");
}

void kt_probe_feats_format(const struct kt_probe_feats *pf, char *buf, size_t len)
{
	static const struct {
		size_t off;
		const char *name;
	} list[] = {
		{ offsetof(struct kt_probe_feats, kprobe_events), "kprobe_events" },
		{ offsetof(struct kt_probe_feats, kretprobe), "kretprobe" },
		{ offsetof(struct kt_probe_feats, argn), "$arg<N>" },
		{ offsetof(struct kt_probe_feats, ustring), "ustring" },
		{ offsetof(struct kt_probe_feats, uderef), "+u<offset>" },
		{ offsetof(struct kt_probe_feats, comm), "$comm" },
		{ offsetof(struct kt_probe_feats, array), "arrays" },
		{ offsetof(struct kt_probe_feats, symstr), "symstr" },
		{ offsetof(struct kt_probe_feats, eprobe), "eprobes" },
		{ offsetof(struct kt_probe_feats, fprobe), "fprobes" },
		{ offsetof(struct kt_probe_feats, retargs), "$arg<N>-at-return" },
		{ offsetof(struct kt_probe_feats, btfargs), "btf-args" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < KT_ARRAY_SIZE(list); i++) {
		bool on = *(const bool *)((const char *)pf + list[i].off);

		if (on && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", list[i].name);
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* ------------------------------------------------------------- symbols */

struct kt_symset {
	char **names;	/* open addressing, NULL: empty */
	unsigned int cap, count;
};

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

struct kt_symset *kt_symset_new(void)
{
	struct kt_symset *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = 256;
	s->names = calloc(s->cap, sizeof(*s->names));
	if (!s->names) {
		free(s);
		return NULL;
	}
	return s;
}

void kt_symset_free(struct kt_symset *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->cap; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
}

static long find_slot(const struct kt_symset *s, const char *name, size_t len)
{
	unsigned int i = name_hash(name, len) & (s->cap - 1);

	while (s->names[i]) {
		if (strlen(s->names[i]) == len && !memcmp(s->names[i], name, len))
			return i;
		i = (i + 1) & (s->cap - 1);
	}
	return -(long)i - 1;
}

int kt_symset_add(struct kt_symset *s, const char *name, size_t len)
{
	long slot;

	if ((s->count + 1) * 2 > s->cap) {
		struct kt_symset n = { .cap = s->cap * 2 };

		n.names = calloc(n.cap, sizeof(*n.names));
		if (!n.names)
			return -1;
		for (unsigned int i = 0; i < s->cap; i++) {
			if (s->names[i])
				n.names[-find_slot(&n, s->names[i], strlen(s->names[i])) - 1] = s->names[i];
		}
		free(s->names);
		s->names = n.names;
		s->cap = n.cap;
	}
	slot = find_slot(s, name, len);
	if (slot >= 0)
		return 0;
	s->names[-slot - 1] = strndup(name, len);
	if (!s->names[-slot - 1])
		return -1;
	s->count++;
	return 0;
}

bool kt_symset_has(const struct kt_symset *s, const char *name)
{
	return s && find_slot(s, name, strlen(name)) >= 0;
}

unsigned int kt_symset_count(const struct kt_symset *s)
{
	return s ? s->count : 0;
}

int kt_symset_parse(struct kt_symset *s, const char *text, size_t len,
		    const struct kt_symset *wanted)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *w[4];
		size_t wl[4];
		int nw = 0;

		if (!eol)
			eol = end;
		for (const char *q = p; q < eol && nw < 4;) {
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if (q >= eol)
				break;
			w[nw] = q;
			while (q < eol && *q != ' ' && *q != '\t')
				q++;
			wl[nw] = q - w[nw];
			nw++;
		}
		/* "addr type name [mod]", "type name" or "name" */
		if (nw >= 1) {
			const char *type = NULL, *name = w[0];
			size_t nl = wl[0];

			if (nw >= 3 && wl[1] == 1) {
				type = w[1];
				name = w[2];
				nl = wl[2];
			} else if (nw == 2 && wl[0] == 1) {
				type = w[0];
				name = w[1];
				nl = wl[1];
			}
			if ((!type || strchr("tTwW", *type)) &&
			    (!wanted || find_slot(wanted, name, nl) >= 0) &&
			    kt_symset_add(s, name, nl) < 0)
				return -1;
		}
		p = eol + 1;
	}
	return 0;
}

/* ------------------------------------------------------ detail table */

enum scope { S_ANY, S_BOTH, S_NAT, S_CMP };

struct detail {
	const char *event;
	enum scope scope;
	const char *symbol;	/* "@": the entry function */
	const char *tmpl;
};

static const struct detail details[] = {
#define DETAIL(ev, sc, sym, t) { #ev, S_##sc, sym, t },
#include "probes.def"
#undef DETAIL
};

static const struct hook {
	const char *event;
	const char *symbol;
	const char *fetch;
} hooks[] = {
#define HOOK(ev, sym, f) { #ev, sym, f },
#include "hooks.def"
#undef HOOK
};

/* ----------------------------------------------------------- expansion */

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
	enum wrap_style style;	/* of {sN} */
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
	const char *reg;

	if (n < 1 || n > 6) {
		fail(x, "no argument %d", n);
		return;
	}
	if (x->env->pf->argn) {
		put(x, "$arg%d", n);
		return;
	}
	reg = func_regs[x->env->arch][n - 1];
	if (reg) {
		put(x, "%s", reg);
	} else if (func_stack_first[x->env->arch] >= 0) {
		int nregs = 0;

		while (nregs < 6 && func_regs[x->env->arch][nregs])
			nregs++;
		put(x, "$stack%d", func_stack_first[x->env->arch] + (n - 1 - nregs));
	} else {
		fail(x, "argument %d of a %s function is on the stack: needs $arg<N> (Linux 4.20+)",
		     n, kt_abi_name(x->env->arch));
	}
}

static void sys_arg(struct expand *x, int n)
{
	if (n < 1 || n > 6) {
		fail(x, "no syscall argument %d", n);
		return;
	}
	switch (x->style) {
	case W_DIRECT:
		func_arg(x, n);
		break;
	case W_STACK:
		put(x, "$stack%d", n);
		break;
	default:
		put(x, "+%d(", pt_offsets[x->style][n - 1]);
		func_arg(x, 1);
		put(x, ")");
		break;
	}
}

/* The offset a placeholder "o:X" or "k:X" names, or -1. */
static int offset_of(const struct expand *x, const char *name, size_t len)
{
	bool wide = name[0] == 'k' ? kernel_long(x->env->arch) == 8 : task_lp64(x);

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
		put(x, "%s", kernel_long(x->env->arch) == 8 ? "s64" : "s32");
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

static int expand_style(const struct kt_probe_env *env, bool compat, enum wrap_style style,
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
	enum wrap_style style = W_DIRECT;

	if (ptregs) {
		if (compat)
			style = env->arch == KT_ABI_ARM64 ? W_PT_ARM64 : W_PT_IA32;
		else
			style = native_wraps[env->arch][0].style;
	}
	return expand_style(env, compat, style, tmpl, out, outlen, why, whylen);
}

/* ------------------------------------------------------------- names */

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

/* --------------------------------------------------------------- plan */

static const struct wrap *wraps_of(const struct kt_probe_env *env, bool compat, size_t *n)
{
	if (env->arch < 0 || env->arch >= KT_ABI_ARCH_MAX) {
		*n = 0;
		return NULL;
	}
	if (compat) {
		*n = KT_ARRAY_SIZE(compat_wraps[0]);
		return compat_wraps[env->arch];
	}
	*n = KT_ARRAY_SIZE(native_wraps[0]);
	return native_wraps[env->arch];
}

/* The entry function of @ev: its wrap, symbol in @sym. */
static const struct wrap *find_entry(const struct kt_probe_env *env, const struct kt_event_def *ev,
				     bool compat, char *sym, size_t symlen, char *why, size_t whylen)
{
	size_t n;
	const struct wrap *w = wraps_of(env, compat, &n);
	size_t tried = 0;
	char list[256] = "";

	for (size_t i = 0; w && i < n && w[i].fmt; i++) {
		wrap_symbol(sym, symlen, &w[i], entry_name(env->arch, compat, ev->tp));
		if (kt_symset_has(env->syms, sym))
			return &w[i];
		if (tried < sizeof(list))
			tried += snprintf(list + tried, sizeof(list) - tried, "%s%s",
					  tried ? ", " : "", sym);
	}
	if (!w || !n || !w[0].fmt)
		snprintf(why, whylen, "no %s entry functions known for %s",
			 compat ? "32-bit" : "syscall", kt_abi_name(env->arch));
	else
		snprintf(why, whylen, "no entry function in the kernel's symbols (tried %s)", list);
	return NULL;
}

static bool kprobes_usable(const struct kt_probe_env *env, char *why, size_t whylen)
{
	if (!env->pf->kprobe_events) {
		snprintf(why, whylen, "the kernel has no kprobe events (CONFIG_KPROBE_EVENTS)");
		return false;
	}
	return true;
}

static bool abi_ok(const struct kt_probe_env *env, const struct kt_event_def *ev, bool compat)
{
	return kt_event_nr(ev, compat ? env->compat : env->native) >= 0;
}

/* The fetch of every syscall argument, by the catalog's types. */
static int entry_fetch(const struct kt_probe_env *env, const struct kt_event_def *ev, bool compat,
		       enum wrap_style style, char *out, size_t outlen, char *why, size_t whylen)
{
	char tmpl[512];
	size_t n = 0;

	tmpl[0] = '\0';
	for (unsigned int i = 0; i < ev->npos && i < 6; i++) {
		const char *t, *sfx = "";

		switch (ev->args[i].type) {
		case KT_T_INT:
			t = "s32";
			break;
		case KT_T_UINT:
			t = "u32";
			break;
		case KT_T_LONG:
			t = "{L}";
			break;
		case KT_T_ULONG:
			t = "{UL}";
			break;
		case KT_T_U16:
			t = "u16";
			break;
		case KT_T_PTR:
			t = "{P}";
			break;
		default:
			/* The address of user memory; the value itself, when a
			 * detail reads it, takes the argument's name. */
			t = "{P}";
			sfx = "__ptr";
			break;
		}
		n += snprintf(tmpl + n, sizeof(tmpl) - n, "%s%s%s={s%u}:%s",
			      n ? " " : "", ev->args[i].name, sfx, i + 1, t);
	}
	return expand_style(env, compat, style, tmpl, out, outlen, why, whylen);
}

int kt_probe_entry(const struct kt_probe_env *env, const struct kt_event_def *ev,
		   bool compat, struct kt_probe_def *def, char *why, size_t whylen)
{
	const struct wrap *w;

	memset(def, 0, sizeof(*def));
	if (!kprobes_usable(env, why, whylen))
		return -1;
	if (!abi_ok(env, ev, compat)) {
		snprintf(why, whylen, "no %s syscall", compat ? "32-bit" : "native");
		return -1;
	}
	if (!env->pf->kretprobe) {
		snprintf(why, whylen, "the kernel has no kretprobe events for the return value");
		return -1;
	}
	w = find_entry(env, ev, compat, def->symbol, sizeof(def->symbol), why, whylen);
	if (!w)
		return -1;
	def->ev = ev;
	def->role = KT_PR_ENTER;
	def->compat = compat;
	kt_probe_event_name(ev, KT_PR_ENTER, compat, def->event, sizeof(def->event));
	if (entry_fetch(env, ev, compat, w->style, def->fetch, sizeof(def->fetch), why, whylen) < 0)
		return -1;
	return 0;
}

int kt_probe_exit(const struct kt_probe_env *env, const struct kt_probe_def *entry,
		  struct kt_probe_def *def, char *why, size_t whylen)
{
	memset(def, 0, sizeof(*def));
	def->ev = entry->ev;
	def->role = KT_PR_EXIT;
	def->compat = entry->compat;
	def->ret = true;
	snprintf(def->symbol, sizeof(def->symbol), "%s", entry->symbol);
	kt_probe_event_name(entry->ev, KT_PR_EXIT, entry->compat, def->event, sizeof(def->event));
	return expand_style(env, entry->compat, W_DIRECT, "ret=$retval:{L}",
			    def->fetch, sizeof(def->fetch), why, whylen);
}

/*
 * The generic detail recipe of an event probes.def does not list: the
 * entry function reading each user-memory argument (a string, a socket
 * address; a timespec for native tasks, whose layout is the kernel's).
 * Returns false when the event has none.
 */
/* Arguments the kernel fills (outputs): at the entry they hold whatever
 * the caller left there, so the generic recipe does not read them. */
static const char *const generic_outputs[] = {
	"recvfrom.src_addr", "accept.addr", "accept4.addr", "getsockname.addr",
	"getpeername.addr", "nanosleep.rem", "clock_nanosleep.remain", "clock_gettime.tp",
	"clock_getres.res", "sched_rr_get_interval.tp", "getcwd.buf", "readlink.buf",
	"readlinkat.buf", "syslog.bufp", "listxattr.list", "llistxattr.list",
	"flistxattr.list", "lookup_dcookie.buffer", "mq_timedreceive_time32.u_msg_ptr",
};

static bool is_output(const struct kt_event_def *ev, const char *arg)
{
	size_t n = strlen(ev->name);

	for (size_t i = 0; i < KT_ARRAY_SIZE(generic_outputs); i++)
		if (!strncmp(generic_outputs[i], ev->name, n) && generic_outputs[i][n] == '.' &&
		    !strcmp(generic_outputs[i] + n + 1, arg))
			return true;
	return false;
}

static bool generic_template(const struct kt_event_def *ev, bool compat, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < ev->npos && i < 6; i++) {
		const struct kt_arg_def *a = &ev->args[i];
		int w = 0;

		if (is_output(ev, a->name))
			continue;
		switch (a->type) {
		case KT_T_STR:
			w = snprintf(out + n, len - n, "%s%s=+{u}0({s%u}):string", n ? " " : "",
				     a->name, i + 1);
			break;
		case KT_T_SOCKADDR:
			w = snprintf(out + n, len - n, "%s%%SA(%s,{s%u})", n ? " " : "", a->name, i + 1);
			break;
		case KT_T_TIMESPEC:
			if (compat)
				continue;
			w = snprintf(out + n, len - n, "%s%s__sec=+{u}0({s%u}):s64 "
				     "%s__nsec=+{u}8({s%u}):s64", n ? " " : "", a->name, i + 1,
				     a->name, i + 1);
			break;
		default:
			continue;
		}
		if (w < 0 || (size_t)w >= len - n) {
			out[0] = '\0';
			return false;
		}
		n += w;
	}
	return n > 0;
}

int kt_probe_detail(const struct kt_probe_env *env, const struct kt_event_def *ev,
		    bool compat, struct kt_probe_def *def, char *why, size_t whylen)
{
	bool any = false;
	size_t n = 0;
	char generic[512];
	struct detail gen = { .event = ev->name, .scope = S_BOTH, .symbol = "@", .tmpl = generic };
	bool listed = false;

	memset(def, 0, sizeof(*def));
	why[0] = '\0';
	for (size_t i = 0; i < KT_ARRAY_SIZE(details); i++)
		listed |= !strcmp(details[i].event, ev->name);
	for (size_t i = 0; i <= KT_ARRAY_SIZE(details); i++) {
		const struct detail *d = i < KT_ARRAY_SIZE(details) ? &details[i] : &gen;
		char sym[96], r[200];
		enum wrap_style style = W_DIRECT;

		if (d == &gen) {
			if (listed || ev->kind != KT_EV_SYSCALL ||
			    !generic_template(ev, compat, generic, sizeof(generic)))
				continue;
		} else if (strcmp(d->event, ev->name)) {
			continue;
		}
		if ((d->scope == S_NAT && compat) || (d->scope == S_CMP && !compat))
			continue;
		any = true;
		if (!kprobes_usable(env, why, whylen))
			return -1;
		if (!abi_ok(env, ev, compat)) {
			snprintf(why, whylen, "no %s syscall", compat ? "32-bit" : "native");
			return -1;
		}
		if (!strcmp(d->symbol, "@")) {
			const struct wrap *w = find_entry(env, ev, compat, sym, sizeof(sym),
							  r, sizeof(r));

			if (!w)
				goto next;
			style = w->style;
		} else {
			snprintf(sym, sizeof(sym), "%s", d->symbol);
			if (!kt_symset_has(env->syms, sym)) {
				snprintf(r, sizeof(r), "%s: not in the kernel's symbols", sym);
				goto next;
			}
		}
		if (expand_style(env, compat, style, d->tmpl, def->fetch, sizeof(def->fetch),
				 r, sizeof(r)) < 0)
			goto next;
		def->ev = ev;
		def->role = KT_PR_DETAIL;
		def->compat = compat;
		def->any_abi = d->scope == S_ANY;
		snprintf(def->symbol, sizeof(def->symbol), "%s", sym);
		kt_probe_event_name(ev, KT_PR_DETAIL, compat && !def->any_abi,
				    def->event, sizeof(def->event));
		return 1;
next:
		if (n < whylen)
			n += snprintf(why + n, whylen - n, "%s%s", n ? "; " : "", r);
	}
	if (!any) {
		snprintf(why, whylen, "no detail recipe: the tracepoint has every argument");
		return 0;
	}
	return -1;
}

int kt_probe_hook(const struct kt_probe_env *env, const struct kt_event_def *ev,
		  struct kt_probe_def *def, char *why, size_t whylen)
{
	memset(def, 0, sizeof(*def));
	for (size_t i = 0; i < KT_ARRAY_SIZE(hooks); i++) {
		if (strcmp(hooks[i].event, ev->name))
			continue;
		if (!kprobes_usable(env, why, whylen))
			return -1;
		if (!env->pf->btfargs) {
			snprintf(why, whylen, "the kernel's kprobe events have no BTF argument names "
				 "(<argname>->field: Linux 6.6+ with CONFIG_PROBE_EVENTS_BTF_ARGS)");
			return -1;
		}
		if (!kt_symset_has(env->syms, hooks[i].symbol)) {
			snprintf(why, whylen, "%s: not in the kernel's symbols", hooks[i].symbol);
			return -1;
		}
		def->ev = ev;
		def->role = KT_PR_ENTER;
		snprintf(def->symbol, sizeof(def->symbol), "%s", hooks[i].symbol);
		snprintf(def->fetch, sizeof(def->fetch), "%s", hooks[i].fetch);
		kt_probe_event_name(ev, KT_PR_ENTER, false, def->event, sizeof(def->event));
		return 0;
	}
	snprintf(why, whylen, "no kprobe recipe for %s", ev->name);
	return -1;
}

struct kt_symset *kt_probe_wanted_symbols(enum kt_abi arch)
{
	struct kt_symset *s = kt_symset_new();
	struct kt_probe_env env = { .arch = arch };

	if (!s)
		return NULL;
	for (unsigned int e = 0; e < kt_nevents; e++) {
		const struct kt_event_def *ev = &kt_events[e];
		char sym[128];

		if (ev->kind != KT_EV_SYSCALL)
			continue;
		for (int c = 0; c < 2; c++) {
			size_t n;
			const struct wrap *w = wraps_of(&env, c, &n);

			for (size_t i = 0; w && i < n && w[i].fmt; i++) {
				wrap_symbol(sym, sizeof(sym), &w[i], entry_name(arch, c, ev->tp));
				if (kt_symset_add(s, sym, strlen(sym)) < 0)
					goto fail;
			}
		}
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(details); i++)
		if (strcmp(details[i].symbol, "@") &&
		    kt_symset_add(s, details[i].symbol, strlen(details[i].symbol)) < 0)
			goto fail;
	for (size_t i = 0; i < KT_ARRAY_SIZE(hooks); i++)
		if (kt_symset_add(s, hooks[i].symbol, strlen(hooks[i].symbol)) < 0)
			goto fail;
	return s;
fail:
	kt_symset_free(s);
	return NULL;
}

unsigned int kt_probe_detail_functions(const struct kt_event_def *ev, const char **fn,
				       unsigned int max)
{
	unsigned int n = 0;

	for (size_t i = 0; i < KT_ARRAY_SIZE(details) && n < max; i++) {
		bool dup = false;

		if (strcmp(details[i].event, ev->name))
			continue;
		for (unsigned int j = 0; j < n; j++)
			dup |= !strcmp(fn[j], details[i].symbol);
		if (!dup)
			fn[n++] = details[i].symbol;
	}
	if (n == 0 && n < max && ev->kind == KT_EV_SYSCALL) {
		char t[512];

		if (generic_template(ev, false, t, sizeof(t)))
			fn[n++] = "@";
	}
	return n;
}
