/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel filter on a set of syscall numbers (raw_syscalls' "id" for
 * 32-bit tasks and native ones), in the shortest of its forms that the kernel accepts.
 * Pure: no kernel, no allocation.
 */
#ifndef KTRAIL_IDFILTER_H
#define KTRAIL_IDFILTER_H

#include <stddef.h>

struct kt_plan;

/*
 * The most bytes of a filter, its NUL included, that every kernel takes:
 * event_filter_write() (kernel/trace/trace_events.c) refuses a write of
 * PAGE_SIZE bytes or more with EINVAL, and PAGE_SIZE is 4096 or more.
 */
#define KT_KFILTER_MAX 4096

enum kt_idfilter_form {
	KT_IDF_EMPTY,		/* no number: nothing to filter on */
	KT_IDF_RANGES,		/* id == 12 || (id >= 3 && id <= 7) ... */
	KT_IDF_COMPLEMENT,	/* id >= 3 && id <= 40 && id != 9 && (id < 20 || id > 29) */
	KT_IDF_NONE,		/* neither fits: no filter on the number */
};

/*
 * The filter text of the numbers @ids[0..@n) (sorted and deduplicated in
 * place) into @buf, which the text and its NUL must fit in @len bytes
 * (KT_KFILTER_MAX for the kernel): the ranges if they fit, else the
 * complement if it fits.  Returns the text's length, 0 for an empty set;
 * or -1 with errno = E2BIG and @buf "" when neither fits.  @form (may be
 * NULL) says which.
 */
int kt_idfilter_text(int *ids, unsigned int n, char *buf, size_t len,
		     enum kt_idfilter_form *form);

/*
 * The same for the plan's events that come through raw_syscalls: those
 * 32-bit tasks get there (entries with compat set) by their numbers in
 * the plan's compat ABI, and those whose native recipe it is
 * (KT_R_RAW_SYSCALLS) by their native numbers; on a kernel without
 * syscall tracepoints also the native numbers of the calls the process
 * table needs (exit, exit_group, kt_ctx_calls).  One pair serves both
 * ABIs: its filter holds the union.
 */
int kt_idfilter_plan(const struct kt_plan *plan, char *buf, size_t len,
		     enum kt_idfilter_form *form);

/* "empty", "ranges", "complement", "none". */
const char *kt_idfilter_form_name(enum kt_idfilter_form form);

#endif
