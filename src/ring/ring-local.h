/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the per-CPU rings: the ring every reader fills in, and one ops
 * table per reader (mmap.c, read.c).  ring.c opens trace_pipe_raw, picks
 * the reader (--reader, or the first that the kernel allows) and
 * dispatches to it.  A new reader is one file with its ops, its state
 * below, and an entry in ring.c's readers[].
 */
#ifndef KTRAIL_RING_LOCAL_H
#define KTRAIL_RING_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "ktrail/ring.h"
#include "ktrail/trace_mmap.h"

struct kt_ring {
	const struct kt_ring_ops *ops;	/* the reader in use */
	int cpu;
	int fd;			/* per_cpu/cpuN/trace_pipe_raw */
	size_t subbuf_size;
	size_t header_size;	/* timestamp + commit */
	/* mmap only */
	struct kt_trace_buffer_meta *meta;
	size_t meta_len;
	unsigned char *data;
	size_t data_len;
	int last_id;
	unsigned int pos;	/* data bytes of last_id already delivered */
	unsigned long torn;	/* copies made again (kt_ring_torn) */
};

struct kt_ring_ops {
	const char *name;	/* --reader NAME */
	enum kt_reader kind;
	/*
	 * Start reading @r (cpu, fd and header_size are set) of the
	 * instance at @dir: set subbuf_size and the reader's own state.
	 * 0, or -1 with errno, and nothing left for close to undo.
	 */
	int (*open)(struct kt_ring *r, const char *dir);
	/* kt_ring_next() */
	int (*next)(struct kt_ring *r, void *buf, unsigned int *skip, uint64_t *lost);
	/* Undo open (the fd is ring.c's); NULL when there is nothing to undo. */
	void (*close)(struct kt_ring *r);
};

extern const struct kt_ring_ops kt_ring_mmap_ops;
extern const struct kt_ring_ops kt_ring_read_ops;

#endif
