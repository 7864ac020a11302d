/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One reader per CPU over an instance's per_cpu/cpuN/trace_pipe_raw.
 * Two implementations behind one interface: the kernel's ring-buffer
 * mapping (Linux >= 6.10) and read() of whole sub-buffers (any kernel).
 * The checks of the sub-buffers they return are in subbuf.h.
 */
#ifndef KTRAIL_RING_H
#define KTRAIL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktrail/subbuf.h"	/* the sub-buffer checks, for the readers' callers */

#include "ktrail/modes.h"

const char *kt_reader_name(enum kt_reader r);
int kt_reader_parse(const char *s, enum kt_reader *r);	/* 0 or -1 */

struct kt_ring;

/*
 * Open CPU @cpu of the instance whose directory is @dir.  With
 * KT_READER_AUTO a refused mapping (ENODEV, EINVAL, ENOTTY on kernels
 * before 6.10) falls back to read(); with KT_READER_MMAP it is an error.
 * Returns NULL with errno set.
 */
struct kt_ring *kt_ring_open(const char *dir, int cpu, enum kt_reader want);
void kt_ring_close(struct kt_ring *r);

int kt_ring_fd(const struct kt_ring *r);	/* for poll() */
int kt_ring_cpu(const struct kt_ring *r);
/* Copies of a mapped sub-buffer made again because the first was torn
 * (the kernel was writing it). */
unsigned long kt_ring_torn(const struct kt_ring *r);
enum kt_reader kt_ring_kind(const struct kt_ring *r);
size_t kt_ring_subbuf_size(const struct kt_ring *r);

/*
 * Copy the next unread data into @buf (kt_ring_subbuf_size bytes) as a
 * whole sub-buffer: header (timestamp, commit) and events.  *@skip is the
 * data offset (from the end of the header) of the first event not yet
 * delivered: earlier events of the same sub-buffer were delivered by a
 * previous call (the mapping hands out a sub-buffer that the kernel is
 * still filling).  *@lost is the number of events the kernel lost before
 * this sub-buffer as the mapping reports it (read() reports it inside the
 * sub-buffer header instead, for kbuffer to find).
 * Returns 1 with data, 0 if nothing is ready, -1 with errno on error.
 */
int kt_ring_next(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost);

#endif
