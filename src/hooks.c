// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KTRAIL_DEBUG_* and KTRAIL_TEST_* environment variables (hooks.h,
 * doc/test-hooks.md): read once, each value checked before any is used.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "ktrail/hooks.h"
#include "ktrail/idfilter.h"
#include "ktrail/probe.h"
#include "ktrail/probename.h"

#ifdef KT_TEST_HOOKS
const bool kt_hooks_built = true;
#else
const bool kt_hooks_built = false;
#endif

struct kt_hooks kt_hooks;

extern char **environ;

#define DEBUG_PREFIX "KTRAIL_DEBUG_"
#define TEST_PREFIX "KTRAIL_TEST_"
/* The longest KTRAIL_TEST_RAW_FILTER: past the kernel's page, so that its
 * refusal of a long filter can be seen. */
#define RAW_FILTER_MAX (2 * KT_KFILTER_MAX - 1)

/* @v shown in a message: printable ASCII, at most 64 bytes. */
static const char *shown(const char *v, char *buf, size_t len)
{
	size_t i;

	for (i = 0; v[i] && i + 4 < len && i < 64; i++)
		buf[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	snprintf(buf + i, len - i, "%s", v[i] ? "..." : "");
	return buf;
}

/* "1" on, "0" or "" off. */
static int flag(const char *name, const char *v, bool *on, char *err, size_t errlen)
{
	char b[80];

	if (!strcmp(v, "1") || !strcmp(v, "0") || !*v) {
		*on = !strcmp(v, "1");
		return 0;
	}
	snprintf(err, errlen, "%s=%s: want 1 (on) or 0 (off)", name, shown(v, b, sizeof(b)));
	return -1;
}

#ifdef KT_TEST_HOOKS
/* Printable ASCII only, @min to @max bytes. */
static bool printable(const char *v, size_t min, size_t max)
{
	size_t n = 0;

	for (; v[n]; n++)
		if (v[n] < 0x20 || v[n] >= 0x7f || n >= max)
			return false;
	return n >= min;
}

/* A kernel symbol's name: [A-Za-z_][A-Za-z0-9_.]*, that fits a probe. */
static bool symbol_name(const char *v)
{
	size_t n = 0;

	if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || *v == '_'))
		return false;
	for (; v[n]; n++)
		if (!((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
		      (v[n] >= '0' && v[n] <= '9') || v[n] == '_' || v[n] == '.'))
			return false;
	return n < sizeof(((struct kt_probe_def *)0)->symbol);
}

/* One of ktrail's probe event names (probename.h): <event>_e ... _cd. */
static bool probe_event(const char *v, size_t n)
{
	const struct kt_event_def *ev;
	enum kt_probe_role role;
	bool compat;
	char name[64];

	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, v, n);
	name[n] = '\0';
	return kt_probe_event_parse(name, &ev, &role, &compat) == 0;
}

static int test_hook(struct kt_test_hooks *t, const char *name, const char *v, char *err,
		     size_t errlen)
{
	char b[80];

	if (!strcmp(name, "KTRAIL_TEST_NO_KFILTER"))
		return flag(name, v, &t->no_kfilter, err, errlen);
	if (!strcmp(name, "KTRAIL_TEST_COMPAT_LAZY"))
		return flag(name, v, &t->compat_lazy, err, errlen);
	if (!strcmp(name, "KTRAIL_TEST_NO_SYSCALL_TP"))
		return flag(name, v, &t->no_syscall_tp, err, errlen);
	if (!strcmp(name, "KTRAIL_TEST_BAD_FETCH")) {
		if (!*v)
			return 0;
		if (probe_event(v, strlen(v))) {
			t->bad_fetch = v;
			return 0;
		}
		snprintf(err, errlen, "%s=%s: want a probe event of ktrail's (EVENT_e, _x, _d, "
			 "_ce, _cx or _cd, e.g. msgsnd_d)", name, shown(v, b, sizeof(b)));
		return -1;
	}
	if (!strcmp(name, "KTRAIL_TEST_PROBE_SYMBOL")) {
		const char *eq = strchr(v, '=');

		if (!*v)
			return 0;
		if (!eq || !probe_event(v, eq - v)) {
			snprintf(err, errlen, "%s=%s: want EVENT=SYMBOL, EVENT a probe event of "
				 "ktrail's (e.g. msgsnd_d=ksys_msgsnd)", name,
				 shown(v, b, sizeof(b)));
			return -1;
		}
		if (!symbol_name(eq + 1)) {
			snprintf(err, errlen, "%s=%s: the symbol must be a kernel symbol's name "
				 "(letters, digits, '_' and '.', not a digit first, %zu bytes at "
				 "most)", name, shown(v, b, sizeof(b)),
				 sizeof(((struct kt_probe_def *)0)->symbol) - 1);
			return -1;
		}
		t->probe_event = v;
		t->probe_symbol = eq + 1;
		return 0;
	}
	if (!strcmp(name, "KTRAIL_TEST_OPEN_AFTER_DROP")) {
		if (!*v)
			return 0;
		if (*v == '/' && printable(v, 1, PATH_MAX - 1)) {
			t->open_after_drop = v;
			return 0;
		}
		snprintf(err, errlen, "%s=%s: want an absolute path (printable, shorter than "
			 "%d bytes)", name, shown(v, b, sizeof(b)), PATH_MAX);
		return -1;
	}
	if (!strcmp(name, "KTRAIL_TEST_RAW_FILTER")) {
		if (!*v)
			return 0;
		if (printable(v, 1, RAW_FILTER_MAX)) {
			t->raw_filter = v;
			return 0;
		}
		snprintf(err, errlen, "%s=%s: want a filter of printable ASCII, %d bytes at most",
			 name, shown(v, b, sizeof(b)), RAW_FILTER_MAX);
		return -1;
	}
	if (!strcmp(name, "KTRAIL_TEST_IDFILTER_MAX")) {
		unsigned long n = 0;

		if (!*v)
			return 0;
		for (const char *p = v; *p >= '0' && *p <= '9' && n <= KT_KFILTER_MAX; p++)
			n = n * 10 + (unsigned long)(*p - '0');
		if (strspn(v, "0123456789") == strlen(v) && n >= 1 && n <= KT_KFILTER_MAX) {
			t->idfilter_max = n;
			return 0;
		}
		snprintf(err, errlen, "%s=%s: want a number of bytes from 1 to %d", name,
			 shown(v, b, sizeof(b)), KT_KFILTER_MAX);
		return -1;
	}
	snprintf(err, errlen, "%s: no such test hook (doc/test-hooks.md)", name);
	return -1;
}
#endif

int kt_hooks_parse(struct kt_hooks *h, char *const *env, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	for (; env && *env; env++) {
		const char *e = *env, *eq = strchr(e, '='), *v;
		char name[64], b[80];
		size_t n;

		if (!eq || (strncmp(e, DEBUG_PREFIX, strlen(DEBUG_PREFIX)) &&
			    strncmp(e, TEST_PREFIX, strlen(TEST_PREFIX))))
			continue;
#ifndef KT_TEST_HOOKS
		if (!strncmp(e, TEST_PREFIX, strlen(TEST_PREFIX))) {
			if (!h->ignored++)
				h->ignored_name = e;
			continue;
		}
#endif
		n = (size_t)(eq - e);
		if (n >= sizeof(name)) {
			snprintf(err, errlen, "%s: no such variable of ktrail's (doc/test-hooks.md)",
				 shown(e, b, sizeof(b)));
			return -1;
		}
		memcpy(name, e, n);
		name[n] = '\0';
		v = eq + 1;
#ifdef KT_TEST_HOOKS
		if (!strncmp(name, TEST_PREFIX, strlen(TEST_PREFIX))) {
			if (test_hook(&h->test, name, v, err, errlen) < 0)
				return -1;
			continue;
		}
#endif
		if (!strcmp(name, "KTRAIL_DEBUG_FILTERS")) {
			if (flag(name, v, &h->debug_filters, err, errlen) < 0)
				return -1;
		} else if (!strcmp(name, "KTRAIL_DEBUG_PROFILE")) {
			if (flag(name, v, &h->debug_profile, err, errlen) < 0)
				return -1;
		} else if (!strcmp(name, "KTRAIL_DEBUG_RING")) {
			if (flag(name, v, &h->debug_ring, err, errlen) < 0)
				return -1;
		} else {
			snprintf(err, errlen, "%s: no such variable of ktrail's (doc/test-hooks.md)",
				 shown(name, b, sizeof(b)));
			return -1;
		}
	}
	return 0;
}

int kt_hooks_load(char *err, size_t errlen)
{
	/* A ktrail with file capabilities or setuid: no variable at all. */
	if (getauxval(AT_SECURE)) {
		memset(&kt_hooks, 0, sizeof(kt_hooks));
		return 0;
	}
	return kt_hooks_parse(&kt_hooks, environ, err, errlen);
}
