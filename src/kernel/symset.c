// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sets of kernel symbol names (open addressing), read from kallsyms-like
 * text: which functions the recipes may put probes on.  Pure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/probe.h"

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
