// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ABIs of the execs seen while recording (EXECS chunks,
 * doc/recording.md).  The ABI helper classified each exec as it happened
 * (priv.h: kt_abi_helper_execs) and the recorder wrote them down in
 * order.  A report gives the k-th exec of a process it decodes the ABI
 * of that process's k-th exec in the list, as the live trace takes the
 * oldest exec of the process not yet taken from the helper.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/recfile.h"

struct rec_exec {
	int32_t tgid;
	int8_t abi;
	bool used;
	size_t pos;		/* in the recording's order */
};

struct kt_rec_execs {
	struct rec_exec *e;	/* sorted by tgid, then in exec order */
	size_t n, cap;
	size_t parsed;		/* bytes of the text read */
	size_t lines;		/* lines read */
	bool bad;		/* a malformed line: nothing after it */
	unsigned long long skipped;
};

static int by_tgid_pos(const void *a, const void *b)
{
	const struct rec_exec *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void kt_rec_execs_free(struct kt_rec_execs *x)
{
	if (!x)
		return;
	free(x->e);
	free(x);
}

/* Lines of @text after the @x->n entries already had (a stream's later
 * EXECS chunks add to the text).  0, or -1 with errno ENOMEM. */
int kt_rec_execs_add(struct kt_rec_execs *x, const char *text, size_t *bad_line)
{
	size_t line = 0, first = x->n;

	*bad_line = 0;
	if (x->bad)
		return 0;	/* nothing after a malformed line holds */
	for (const char *p = text + x->parsed; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		char buf[48], *end;
		long tgid, abi;

		if (!eol)
			break;	/* a line still to be completed */
		line++;
		if (l >= sizeof(buf))
			goto bad;
		memcpy(buf, p, l);
		buf[l] = '\0';
		p = eol + 1;
		if (!strncmp(buf, "skipped ", 8)) {
			unsigned long long k = strtoull(buf + 8, &end, 10);

			if (end == buf + 8 || *end || buf[8] == '-')
				goto bad;
			x->skipped += k;
			x->parsed = (size_t)(p - text);
			continue;
		}
		tgid = strtol(buf, &end, 10);
		if (end == buf || *end != ' ' || tgid <= 0 || tgid > INT32_MAX)
			goto bad;
		abi = strtol(end + 1, &end, 10);
		if (*end || end == buf || abi < KT_ABI_NONE || abi >= KT_ABI_ARCH_MAX)
			goto bad;
		if (x->n == x->cap) {
			size_t ncap = x->cap ? x->cap * 2 : 64;
			struct rec_exec *ne = realloc(x->e, ncap * sizeof(*ne));

			if (!ne) {
				errno = ENOMEM;
				return -1;
			}
			x->e = ne;
			x->cap = ncap;
		}
		x->e[x->n] = (struct rec_exec){ (int32_t)tgid, (int8_t)abi, false, x->n };
		x->n++;
		x->parsed = (size_t)(p - text);
	}
	goto sort;
bad:
	x->bad = true;
	*bad_line = x->lines + line;
sort:
	x->lines += line;
	/* The new ones in their place: by tgid, then in exec order (the
	 * positions only grow, so the taken ones keep theirs). */
	if (x->n > first)
		qsort(x->e, x->n, sizeof(*x->e), by_tgid_pos);
	return 0;
}

struct kt_rec_execs *kt_rec_execs_parse(const char *text, size_t *bad_line)
{
	struct kt_rec_execs *x = calloc(1, sizeof(*x));

	*bad_line = 0;
	if (!x)
		return NULL;
	if (kt_rec_execs_add(x, text, bad_line) < 0) {
		kt_rec_execs_free(x);
		return NULL;
	}
	return x;
}

enum kt_abi kt_rec_execs_take(struct kt_rec_execs *x, int tgid)
{
	size_t lo = 0, hi = x ? x->n : 0;

	/* The first entry of @tgid, then its first not taken. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->e[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; x && lo < x->n && x->e[lo].tgid == tgid; lo++)
		if (!x->e[lo].used) {
			x->e[lo].used = true;
			return (enum kt_abi)x->e[lo].abi;
		}
	return KT_ABI_NONE;
}

size_t kt_rec_execs_count(const struct kt_rec_execs *x)
{
	return x ? x->n : 0;
}

unsigned long long kt_rec_execs_skipped(const struct kt_rec_execs *x)
{
	return x ? x->skipped : 0;
}
