// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output files, opened safely (outfile.h).  The directory is resolved
 * first, as the writing user and, when that is root, with no symbolic
 * link anywhere in it (openat2's RESOLVE_NO_SYMLINKS on Linux 5.6 and
 * later, else one component at a time with O_NOFOLLOW|O_DIRECTORY); the
 * file is then looked at and opened in that directory, never through a
 * link, never blocking (O_NONBLOCK: a FIFO without a reader fails), and
 * checked again once open.  An existing file is truncated only at
 * commit, when every output of the run has passed.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define KT_HAVE_OPENAT2 1
#endif
#endif

#include "ktrail/outfile.h"
#include "ktrail/priv.h"
#include "ktrail/users.h"

/* What kind of file @m is, for messages. */
static const char *kind(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" :
	       S_ISDIR(m) ? "a directory" : S_ISLNK(m) ? "a symbolic link" : "a regular file";
}

static const char *user_name(uid_t uid, char *buf, size_t len)
{
	struct kt_user u;

	if (kt_user_byuid(uid, &u) == 0)
		snprintf(buf, len, "%.32s (uid %u)", u.name, (unsigned int)uid);
	else
		snprintf(buf, len, "uid %u", (unsigned int)uid);
	return buf;
}

int kt_fileid_of(int fd, const char *what, struct kt_fileid *id)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->what = what;
	return 0;
}

/* Is @st one of @avoid?  The null device never is: writes to it
 * interleave nothing (-o csv:/dev/null -o json:/dev/null measures). */
static const struct kt_fileid *avoided(const struct stat *st, const struct kt_fileid *avoid,
				       unsigned int navoid)
{
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
		return NULL;
	for (unsigned int i = 0; i < navoid; i++)
		if (avoid[i].dev == st->st_dev && avoid[i].ino == st->st_ino)
			return &avoid[i];
	return NULL;
}

static int openat_as(uid_t uid, gid_t gid, int dirfd, const char *name, int flags, mode_t mode)
{
	struct kt_priv_as as;
	int fd, saved;

	kt_priv_as_begin(&as, uid, gid);
	fd = openat(dirfd, name, flags, mode);
	saved = errno;
	kt_priv_as_end(&as);
	errno = saved;
	return fd;
}

/*
 * The directory @dir, one component at a time, none of them a symbolic
 * link (@bad gets the first that is one, errno ELOOP).  O_PATH: search
 * permission is what a look-up needs, not read.
 */
static int walk_dir(const char *dir, char *bad, size_t badlen)
{
	const char *p = dir;
	/* An absolute path starts with its first component opened whole
	 * ("/tmp"; "/" cannot be a link), so that a root that is not the
	 * file system's (qemu-user's -L, a chroot's view) maps it as an
	 * open of the path would. */
	bool top = *dir == '/' && dir[strspn(dir, "/")];
	int fd = top ? AT_FDCWD : open(*dir == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	while ((fd >= 0 || fd == AT_FDCWD) && *p) {
		size_t n;
		char comp[NAME_MAX + 2];
		int next, saved;
		struct stat st;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		/* The first of an absolute path as "/name". */
		if (fd == AT_FDCWD) {
			comp[0] = '/';
			memcpy(comp + 1, p, n);
			comp[n + 1] = '\0';
		} else {
			memcpy(comp, p, n);
			comp[n] = '\0';
		}
		p += n;
		if (!strcmp(comp, ".") || !strcmp(comp, "/."))
			continue;
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		saved = errno;
		if (next < 0 && (saved == ENOTDIR || saved == ELOOP) &&
		    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(bad, badlen, "%.*s", (int)(p - dir), dir);
			saved = ELOOP;
		}
		if (fd >= 0)
			close(fd);
		errno = saved;
		fd = next;
	}
	if (fd == AT_FDCWD)	/* "/." and the like */
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/* The directory @dir as @uid would reach it; with @nolinks through no
 * symbolic link (@how: which way was checked, @bad: the link met). */
static int open_dir(const char *dir, uid_t uid, gid_t gid, unsigned int flags, const char **how,
		    char *bad, size_t badlen)
{
	struct kt_priv_as as;
	int fd = -1, saved;

	kt_priv_as_begin(&as, uid, gid);
	*how = NULL;
	if (!(flags & KT_OUTFILE_NO_SYMLINKS)) {
		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		goto out;
	}
#ifdef KT_HAVE_OPENAT2
	if (!(flags & KT_OUTFILE_WALK)) {
		struct open_how oh = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_NO_SYMLINKS,
		};

		fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &oh, sizeof(oh));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG &&
				errno != EINVAL)) {
			*how = KT_OUTFILE_HOW_OPENAT2;
			if (fd < 0 && errno == ELOOP) {
				/* Which component: the walk finds it. */
				int w = walk_dir(dir, bad, badlen);

				if (w >= 0)
					close(w);
				errno = ELOOP;
			}
			goto out;
		}
		/* No openat2 here (before 5.6, or a seccomp filter): walk. */
	}
#endif
	*how = KT_OUTFILE_HOW_WALK;
	fd = walk_dir(dir, bad, badlen);
out:
	saved = errno;
	kt_priv_as_end(&as);
	errno = saved;
	return fd;
}

/* /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: descriptor N. */
static int inherited_fd(const char *path)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };
	char *end;
	long v;

	if (!strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(path, prefixes[i], n) || !path[n])
			continue;
		errno = 0;
		v = strtol(path + n, &end, 10);
		if (!*end && !errno && v >= 0 && v <= INT_MAX)
			return (int)v;
	}
	return -1;
}

static int open_inherited(struct kt_outfile *f, const char *path, int n, unsigned int flags,
			  const struct kt_fileid *avoid, unsigned int navoid, char *err,
			  size_t errlen)
{
	const struct kt_fileid *same;
	struct stat st;
	int fl;

	if (!(flags & KT_OUTFILE_DEVICE)) {
		snprintf(err, errlen, "output %s is ktrail's open descriptor %d: ktrail writes "
			 "into one only with --output-device", path, n);
		return -1;
	}
	fl = fcntl(n, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY) {
		snprintf(err, errlen, "output %s: descriptor %d is %s", path, n,
			 fl < 0 ? "not open" : "not open for writing");
		return -1;
	}
	f->fd = fcntl(n, F_DUPFD_CLOEXEC, 3);
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(EISDIR));
		return -1;
	}
	if ((same = avoided(&st, avoid, navoid))) {
		snprintf(err, errlen, "output %s is %s", path, same->what);
		return -1;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	return 0;
}

/* The last component of @path (at @base, @dir before it) in @dirfd. */
static int open_in_dir(struct kt_outfile *f, const char *path, int dirfd, const char *base,
		       uid_t uid, gid_t gid, unsigned int flags, mode_t mode,
		       const struct kt_fileid *avoid, unsigned int navoid, char *err,
		       size_t errlen)
{
	const struct kt_fileid *same;
	struct stat st, fst;
	char who[64], whom[64];

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
			return -1;
		}
		f->fd = openat_as(uid, gid, dirfd, base, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
				  O_NONBLOCK | O_CLOEXEC, mode);
		if (f->fd < 0) {
			snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
			return -1;
		}
		f->created = true;
		f->seekable = true;
		f->base = strdup(base);
		f->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
		if (!f->base || f->dirfd < 0 || fstat(f->fd, &fst) < 0) {
			snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
			return -1;
		}
		f->dev = fst.st_dev;
		f->ino = fst.st_ino;
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "output %s is a symbolic link: ktrail does not write "
			 "through one (give the path it points to)", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(EISDIR));
		return -1;
	}
	/* Before "exists": the same file twice is the message that helps. */
	if ((same = avoided(&st, avoid, navoid))) {
		snprintf(err, errlen, "output %s is %s", path, same->what);
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		if (!(flags & KT_OUTFILE_OVERWRITE)) {
			snprintf(err, errlen, "output %s exists: ktrail does not replace a file "
				 "unless --overwrite is given", path);
			return -1;
		}
		if (st.st_uid != uid) {
			snprintf(err, errlen, "output %s belongs to %s: --overwrite replaces only "
				 "a file of the user who writes, %s", path,
				 user_name(st.st_uid, who, sizeof(who)),
				 user_name(uid, whom, sizeof(whom)));
			return -1;
		}
		f->fd = openat_as(uid, gid, dirfd, base, O_RDWR | O_NOFOLLOW | O_NONBLOCK |
				  O_CLOEXEC, 0);
		f->seekable = true;
		f->truncate = true;
	} else if (S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "output %s is a socket: not something ktrail writes into",
			 path);
		return -1;
	} else if (!(flags & KT_OUTFILE_DEVICE)) {
		snprintf(err, errlen, "output %s is %s: ktrail writes only regular files unless "
			 "--output-device is given", path, kind(st.st_mode));
		return -1;
	} else {
		/* Never blocks: a FIFO without a reader is ENXIO. */
		f->fd = openat_as(uid, gid, dirfd, base, O_WRONLY | O_NOFOLLOW | O_NONBLOCK |
				  O_CLOEXEC, 0);
		if (f->fd < 0 && errno == ENXIO && S_ISFIFO(st.st_mode)) {
			snprintf(err, errlen, "output %s is a FIFO that no process reads: start "
				 "its reader first", path);
			return -1;
		}
	}
	if (f->fd < 0) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		return -1;
	}
	/* What was opened is what was looked at, not a replacement. */
	if (fstat(f->fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino ||
	    (fst.st_mode & S_IFMT) != (st.st_mode & S_IFMT) || fst.st_uid != st.st_uid) {
		snprintf(err, errlen, "output %s changed while it was opened", path);
		return -1;
	}
	f->dev = fst.st_dev;
	f->ino = fst.st_ino;
	return 0;
}

int kt_outfile_open(struct kt_outfile *f, const char *path, uid_t uid, gid_t gid,
		    unsigned int flags, mode_t mode, const struct kt_fileid *avoid,
		    unsigned int navoid, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *how;
	char *dir = NULL, bad[PATH_MAX] = "";
	int dirfd, n, r, fl;

	*f = (struct kt_outfile){ .fd = -1, .dirfd = -1 };
	n = inherited_fd(path);
	if (n >= 0) {
		r = open_inherited(f, path, n, flags, avoid, navoid, err, errlen);
		goto out;
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(EISDIR));
		return -1;
	}
	if (!slash)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dirfd = open_dir(dir, uid, gid, flags, &how, bad, sizeof(bad));
	if (dirfd < 0) {
		if (errno == ELOOP && bad[0])
			snprintf(err, errlen, "output %s: %s is a symbolic link, and ktrail, "
				 "writing as root, follows none in an output's path (checked with "
				 "%s): give the path it points to", path, bad, how);
		else
			snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	r = open_in_dir(f, path, dirfd, base, uid, gid, flags, mode, avoid, navoid, err, errlen);
	close(dirfd);
out:
	if (r < 0) {
		kt_outfile_abort(f);
		return -1;
	}
	/* Writes block as they should (a slow reader); only the open may not. */
	fl = fcntl(f->fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK) && fcntl(f->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		kt_outfile_abort(f);
		return -1;
	}
	return 0;
}

int kt_outfile_commit(struct kt_outfile *f, const char *path, char *err, size_t errlen)
{
	if (f->truncate && ftruncate(f->fd, 0) < 0) {
		snprintf(err, errlen, "cannot replace output %s: %s", path, strerror(errno));
		return -1;
	}
	f->truncate = false;
	f->created = false;
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
	free(f->base);
	f->base = NULL;
	return 0;
}

void kt_outfile_abort(struct kt_outfile *f)
{
	struct stat st;

	/* Remove what this run created, if the name is still that file. */
	if (f->created && f->dirfd >= 0 && f->base &&
	    fstatat(f->dirfd, f->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == f->dev && st.st_ino == f->ino)
		unlinkat(f->dirfd, f->base, 0);
	if (f->fd >= 0)
		close(f->fd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->base);
	*f = (struct kt_outfile){ .fd = -1, .dirfd = -1 };
}
