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
	size_t n;
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

struct kt_rec_execs *kt_rec_execs_parse(const char *text, size_t *bad_line)
{
	struct kt_rec_execs *x = calloc(1, sizeof(*x));
	size_t cap = 0, line = 0;

	*bad_line = 0;
	if (!x)
		return NULL;
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		char buf[48], *end;
		long tgid, abi;

		line++;
		if (l >= sizeof(buf)) {
			*bad_line = line;
			break;
		}
		memcpy(buf, p, l);
		buf[l] = '\0';
		p = eol ? eol + 1 : NULL;
		if (!strncmp(buf, "skipped ", 8)) {
			unsigned long long k = strtoull(buf + 8, &end, 10);

			if (end == buf + 8 || *end || buf[8] == '-') {
				*bad_line = line;
				break;
			}
			x->skipped += k;
			continue;
		}
		tgid = strtol(buf, &end, 10);
		if (end == buf || *end != ' ' || tgid <= 0 || tgid > INT32_MAX) {
			*bad_line = line;
			break;
		}
		abi = strtol(end + 1, &end, 10);
		if (end == buf || *end || abi < KT_ABI_NONE || abi >= KT_ABI_ARCH_MAX) {
			*bad_line = line;
			break;
		}
		if (x->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct rec_exec *ne = realloc(x->e, ncap * sizeof(*ne));

			if (!ne) {
				kt_rec_execs_free(x);
				errno = ENOMEM;
				return NULL;
			}
			x->e = ne;
			cap = ncap;
		}
		x->e[x->n] = (struct rec_exec){ (int32_t)tgid, (int8_t)abi, false, x->n };
		x->n++;
	}
	if (x->n)
		qsort(x->e, x->n, sizeof(*x->e), by_tgid_pos);
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
