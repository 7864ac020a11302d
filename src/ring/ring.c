// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-CPU readers of trace_pipe_raw: open picks the reader, the rest
 * dispatches to it.  The readers are mmap.c (the kernel's ring-buffer
 * mapping) and read.c (read() of whole sub-buffers); the checks of what
 * they return are subbuf.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring-local.h"
#include "ktrail/util.h"

/* In the order KT_READER_AUTO tries them: the first that opens is used. */
static const struct kt_ring_ops *const readers[] = {
	&kt_ring_mmap_ops,
	&kt_ring_read_ops,
};

const char *kt_reader_name(enum kt_reader r)
{
	if (r == KT_READER_AUTO)
		return "auto";
	for (size_t i = 0; i < KT_ARRAY_SIZE(readers); i++)
		if (readers[i]->kind == r)
			return readers[i]->name;
	return "?";
}

int kt_reader_parse(const char *s, enum kt_reader *r)
{
	if (!strcmp(s, "auto")) {
		*r = KT_READER_AUTO;
		return 0;
	}
	for (size_t i = 0; i < KT_ARRAY_SIZE(readers); i++)
		if (!strcmp(s, readers[i]->name)) {
			*r = readers[i]->kind;
			return 0;
		}
	errno = EINVAL;
	return -1;
}

/* Size of the sub-buffer header: u64 timestamp + the kernel's local_t
 * commit, as events/header_page describes it. */
static size_t header_page_size(const char *dir)
{
	char path[4096];
	char *s;
	size_t sz;

	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	s = kt_read_file(path, NULL);
	sz = 8 + kt_header_page_long_size(s);
	free(s);
	return sz;
}

struct kt_ring *kt_ring_open(const char *dir, int cpu, enum kt_reader want)
{
	char path[4096];
	struct kt_ring *r = calloc(1, sizeof(*r));
	int saved;

	if (!r)
		return NULL;
	r->cpu = cpu;
	r->header_size = header_page_size(dir);
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", dir, cpu);
	r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0)
		goto fail;
	/*
	 * With KT_READER_AUTO a reader the kernel refuses (the mapping
	 * before 6.10) falls back to the next; a reader asked for by name
	 * is the only one tried, and its error is the caller's.
	 */
	errno = EINVAL;
	for (size_t i = 0; i < KT_ARRAY_SIZE(readers); i++) {
		if (want != KT_READER_AUTO && want != readers[i]->kind)
			continue;
		if (readers[i]->open(r, dir) == 0) {
			r->ops = readers[i];
			return r;
		}
	}
fail:
	saved = errno;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	errno = saved;
	return NULL;
}

void kt_ring_close(struct kt_ring *r)
{
	if (!r)
		return;
	if (r->ops && r->ops->close)
		r->ops->close(r);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int kt_ring_fd(const struct kt_ring *r)
{
	return r->fd;
}

unsigned long kt_ring_torn(const struct kt_ring *r)
{
	return r->torn;
}

int kt_ring_cpu(const struct kt_ring *r)
{
	return r->cpu;
}

enum kt_reader kt_ring_kind(const struct kt_ring *r)
{
	return r->ops->kind;
}

size_t kt_ring_subbuf_size(const struct kt_ring *r)
{
	return r->subbuf_size;
}

int kt_ring_next(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost)
{
	return r->ops->next(r, buf, skip, lost);
}
