/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's ring-buffer mapping ABI for trace_pipe_raw (Linux >= 6.10,
 * include/uapi/linux/trace_mmap.h).  Debian bookworm's headers predate it,
 * so the layout is written down here from the uapi definition.
 */
#ifndef KTRAIL_TRACE_MMAP_H
#define KTRAIL_TRACE_MMAP_H

#include <stdint.h>
#include <sys/ioctl.h>

struct kt_trace_buffer_meta {
	uint32_t meta_page_size;
	uint32_t meta_struct_len;
	uint32_t subbuf_size;
	uint32_t nr_subbufs;
	struct {
		uint64_t lost_events;
		uint32_t id;
		uint32_t read;
	} reader;
	uint64_t flags;
	uint64_t entries;
	uint64_t overrun;
	uint64_t read;
	uint64_t reserved1;
	uint64_t reserved2;
};

#define KT_TRACE_MMAP_IOCTL_GET_READER _IO('R', 0x20)

#endif
