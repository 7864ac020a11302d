/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening an output file safely (src/output/outfile.c): only a regular
 * file unless a device or FIFO is asked for, never through a symbolic
 * link when root writes, never replacing another user's file, never the
 * input or another output, never blocking in open(), and nothing written
 * or truncated until every output passed (kt_outfile_commit).
 */
#ifndef KTRAIL_OUTFILE_H
#define KTRAIL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	KT_OUTFILE_OVERWRITE = 1 << 0,	/* replace an existing regular file of the writer's */
	KT_OUTFILE_DEVICE = 1 << 1,	/* an existing FIFO or device, an inherited descriptor */
	KT_OUTFILE_NO_SYMLINKS = 1 << 2,	/* no component of the path may be a symlink */
	KT_OUTFILE_WALK = 1 << 3,	/* tests: walk the components even where openat2 exists */
};

#define KT_OUTFILE_MODE 0600	/* a new file's mode (before the umask) */

/* A file that must not be an output: the input, an earlier output. */
struct kt_fileid {
	dev_t dev;
	ino_t ino;
	const char *what;	/* for the message: "the recording being read (x.ktr)" */
};

struct kt_outfile {
	int fd;			/* -1: not open */
	bool seekable;		/* a regular file ktrail opened */
	bool created;		/* new: removed again by kt_outfile_abort */
	bool truncate;		/* an existing file --overwrite replaces, at commit */
	dev_t dev;
	ino_t ino;
	int dirfd;		/* the directory of a created file, until commit */
	char *base;		/* its name there */
};

/* Which way a root-owned path walk is done on this kernel (messages). */
#define KT_OUTFILE_HOW_OPENAT2 "openat2 RESOLVE_NO_SYMLINKS"
#define KT_OUTFILE_HOW_WALK "a walk of its components with O_NOFOLLOW"

/*
 * Open output @path for @uid/@gid (the file-system identity that creates
 * it and owns it) with KT_OUTFILE_* @flags, a new file with @mode.  It
 * must not be any of the @navoid files of @avoid.  Returns 0 with @f
 * open, or -1 with @err naming the path and the reason (@f closed).
 */
int kt_outfile_open(struct kt_outfile *f, const char *path, uid_t uid, gid_t gid,
		    unsigned int flags, mode_t mode, const struct kt_fileid *avoid,
		    unsigned int navoid, char *err, size_t errlen);
/* Every output passed: truncate a replaced file.  0, or -1 with @err. */
int kt_outfile_commit(struct kt_outfile *f, const char *path, char *err, size_t errlen);
/* Give up @f: close it, remove it if it was created. */
void kt_outfile_abort(struct kt_outfile *f);
/* The identity of an open descriptor (fstat), for @avoid: 0, or -1. */
int kt_fileid_of(int fd, const char *what, struct kt_fileid *id);

#endif
