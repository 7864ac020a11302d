/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The environment variables ktrail itself reads (doc/test-hooks.md).
 *  - KTRAIL_DEBUG_*: print diagnostics of ktrail's own state on stderr,
 *    change nothing; in every build.
 *  - KTRAIL_TEST_*: make ktrail take a path the tests cannot reach
 *    otherwise (a probe on another symbol, a filter of their own...);
 *    compiled in only by `configure --enable-test-hooks` (KT_TEST_HOOKS).
 *    In any other build the names are not in the binary and the code
 *    that would use them is not either: KT_TEST() is a constant 0 there.
 * Both are read once, at the start of a trace, record, check, list or
 * describe (kt_hooks_load),
 * never under AT_SECURE (a ktrail given file capabilities or a setuid
 * bit reads none), and each value is checked there: a bad one is an
 * error, never partly used.
 */
#ifndef KTRAIL_HOOKS_H
#define KTRAIL_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

struct kt_hooks {
	bool debug_filters;	/* KTRAIL_DEBUG_FILTERS=1 */
	bool debug_profile;	/* KTRAIL_DEBUG_PROFILE=1 */
	bool debug_ring;	/* KTRAIL_DEBUG_RING=1 */
	struct kt_test_hooks {
		bool no_kfilter;		/* KTRAIL_TEST_NO_KFILTER=1 */
		bool compat_lazy;		/* KTRAIL_TEST_COMPAT_LAZY=1 */
		bool no_syscall_tp;		/* KTRAIL_TEST_NO_SYSCALL_TP=1 */
		const char *bad_fetch;		/* KTRAIL_TEST_BAD_FETCH=EVENT */
		const char *probe_event;	/* KTRAIL_TEST_PROBE_SYMBOL=EVENT=SYMBOL: */
		const char *probe_symbol;	/* "EVENT=SYMBOL", and "SYMBOL" */
		const char *open_after_drop;	/* KTRAIL_TEST_OPEN_AFTER_DROP=PATH */
		const char *raw_filter;		/* KTRAIL_TEST_RAW_FILTER=TEXT */
		size_t idfilter_max;		/* KTRAIL_TEST_IDFILTER_MAX=N; 0: unset */
	} test;
	/* A build without test hooks: the KTRAIL_TEST_* variables set, which
	 * it ignores, and the first of them (a pointer into the environment,
	 * up to its '='). */
	unsigned int ignored;
	const char *ignored_name;
};

/* Whether this build has the test hooks (ktrail --version says it). */
extern const bool kt_hooks_built;

/* What kt_hooks_load() read: all clear until it runs. */
extern struct kt_hooks kt_hooks;

/*
 * Read and check the variables of @env (an environ-style array); the
 * values stay in @env.  0, or -1 with @err naming the variable and what
 * its value must be.
 */
int kt_hooks_parse(struct kt_hooks *h, char *const *env, char *err, size_t errlen);

/* kt_hooks_parse() of the process's environment into kt_hooks (nothing
 * under AT_SECURE). */
int kt_hooks_load(char *err, size_t errlen);

/* A test hook's value, e.g. KT_TEST(bad_fetch): a constant 0 (of its
 * type) in a build without test hooks, so that its use compiles away. */
#ifdef KT_TEST_HOOKS
#define KT_TEST(field) (kt_hooks.test.field)
#else
#define KT_TEST(field) ((__typeof__(kt_hooks.test.field))0)
#endif

#endif
