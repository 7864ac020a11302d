// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The read reader of trace_pipe_raw (any kernel): read() returns one whole
 * sub-buffer in the kernel's layout, with the lost-event flags and count
 * in its header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring-local.h"
#include "ktrail/util.h"

/* The instance's sub-buffer size (buffer_subbuf_size_kb, 6.8+) or a page. */
static size_t instance_subbuf_size(const char *dir)
{
	char path[4096];
	char *s;
	size_t sz = sysconf(_SC_PAGESIZE);

	snprintf(path, sizeof(path), "%s/buffer_subbuf_size_kb", dir);
	s = kt_read_file(path, NULL);
	if (s) {
		long kb = atol(s);

		if (kb > 0)
			sz = (size_t)kb * 1024;
		free(s);
	}
	return sz;
}

static int next_read(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost)
{
	ssize_t n;

	*skip = 0;
	*lost = 0;
	do {
		n = read(r->fd, buf, r->subbuf_size);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 0;
	if ((size_t)n < r->subbuf_size)
		memset((char *)buf + n, 0, r->subbuf_size - n);
	return 1;
}

static int open_read(struct kt_ring *r, const char *dir)
{
	r->subbuf_size = instance_subbuf_size(dir);
	return 0;
}

const struct kt_ring_ops kt_ring_read_ops = {
	.name = "read",
	.kind = KT_READER_READ,
	.open = open_read,
	.next = next_read,
};
