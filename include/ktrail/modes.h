/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The choices the command line makes for the stages (--reader, --compat,
 * --probes): plain enums, so that cli.h needs no stage's header.
 */
#ifndef KTRAIL_MODES_H
#define KTRAIL_MODES_H

/* --reader (ring.h) */
enum kt_reader {
	KT_READER_AUTO,		/* mmap where the kernel allows it, else read */
	KT_READER_MMAP,
	KT_READER_READ,
};

/* --compat (kernel.h): 32-bit tasks */
enum kt_compat_mode {
	KT_COMPAT_AUTO,		/* where the kernel runs 32-bit tasks */
	KT_COMPAT_ON,
	KT_COMPAT_OFF,
};

/* --probes (kernel.h) */
enum kt_probes_mode {
	KT_PROBES_AUTO,		/* tracepoints where they are, kprobes for the rest */
	KT_PROBES_KPROBE,	/* kprobes for every event */
	KT_PROBES_TRACEPOINT,	/* no kprobe at all */
	KT_PROBES_RAW,		/* raw_syscalls for every syscall event, both ABIs
				 * (kprobes only for user memory and the events only a
				 * kprobe gives) */
};

#endif
