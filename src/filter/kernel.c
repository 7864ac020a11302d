// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A filter's terms in the kernel's event filter language, where the
 * kernel answers as user space does (filter.h, kt_filter_kernel).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "filter-local.h"
#include "ktrail/util.h"

static const char *const op_kernel[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
	[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
};

/* The kernel's longest string operand (MAX_FILTER_STR_VAL), and more. */
#define KSTR_MAX 256
#define KTERM_MAX 4096

/* A kernel expression being written; f.over once it did not fit. */
struct kbuf {
	struct kt_fixbuf f;
	unsigned int n;		/* comparisons */
};

#define kput(b, ...) kt_fixbuf_printf(&(b)->f, __VA_ARGS__)

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
	case S_DUR:
		/* Known at the exit only, when the enter is in the ring already. */
		return false;
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
	return b->n && !b->f.over;
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
		struct kbuf b = { .f = { .p = tb, .len = sizeof(tb) } };
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
		if (t->subj == S_RET && kt_filter_has_subj(f, ev, S_ARG))
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
