// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A run's name and its liveness.  Each run is named ktrail_<pid>_<token>
 * (the pid as the run sees it, 16 random hex digits): unique whatever pid
 * namespace the run is in.  It holds a lock on KT_RUN_DIR/<name>.lock for
 * its whole life, it and its guard (the open file is shared by the fork):
 * its objects are stale exactly when no process holds that lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/kernel.h"

#define LOCK_SUFFIX ".lock"

enum kt_run_kind kt_run_name_kind(const char *name, pid_t *pid)
{
	const char *p = name + 7, *q;
	long v = 0;

	if (strncmp(name, "ktrail_", 7) || !*p)
		return KT_RUN_OTHER;
	for (q = p; *q >= '0' && *q <= '9'; q++) {
		if (v > 99999999)
			return KT_RUN_OTHER;
		v = v * 10 + (*q - '0');
	}
	if (q == p || v <= 0)
		return KT_RUN_OTHER;
	if (pid)
		*pid = (pid_t)v;
	if (!*q)
		return KT_RUN_LEGACY;
	if (*q != '_' || strlen(q + 1) != KT_RUN_TOKEN_LEN)
		return KT_RUN_OTHER;
	for (q++; *q; q++)
		if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f')))
			return KT_RUN_OTHER;
	return KT_RUN_LOCKED;
}

/* 64 bits no other run has: the kernel's random numbers, else the clocks,
 * the pid and the pid namespace mixed (the lock file's O_EXCL and the
 * instance's creation catch what is left). */
static uint64_t run_token(void)
{
	struct timespec a, b;
	struct stat st;
	uint64_t t, h = 0xcbf29ce484222325ull;

	if (getrandom(&t, sizeof(t), GRND_NONBLOCK) == (ssize_t)sizeof(t))
		return t;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	if (stat("/proc/self/ns/pid", &st) < 0)
		st.st_ino = 0;
	uint64_t v[] = { (uint64_t)a.tv_sec, (uint64_t)a.tv_nsec, (uint64_t)b.tv_sec,
			 (uint64_t)b.tv_nsec, (uint64_t)getpid(), (uint64_t)st.st_ino,
			 (uint64_t)(uintptr_t)&a };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int k = 0; k < 8; k++)
			h = (h ^ ((v[i] >> (8 * k)) & 0xff)) * 0x100000001b3ull;
	return h;
}

void kt_run_name_new(char *buf, size_t len)
{
	snprintf(buf, len, "ktrail_%d_%016llx", (int)getpid(), (unsigned long long)run_token());
}

/*
 * KT_RUN_DIR, opened: a directory of root's (or of this user's) that no
 * one else may write.  @create: make it (and /run) if missing.
 */
static int run_dir(bool create)
{
	struct stat st;
	int fd;

	if (create) {
		if (mkdir("/run", 0755) < 0 && errno != EEXIST)
			return -1;
		if (mkdir(KT_RUN_DIR, 0700) < 0 && errno != EEXIST)
			return -1;
	}
	fd = open(KT_RUN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & 022)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

static void lock_file_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s" LOCK_SUFFIX, name);
}

/* Does @fd still have the name @file in @dir? */
static bool same_file(int dir, const char *file, int fd)
{
	struct stat a, b;

	return fstatat(dir, file, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int kt_run_lock(const char *name)
{
	char file[96];
	int dir, fd, saved;

	dir = run_dir(true);
	if (dir < 0)
		return -1;
	lock_file_name(name, file, sizeof(file));
	fd = openat(dir, file, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	/* A cleanup that found the file before this lock may have removed
	 * it (no instance yet): then the name is not this run's to keep. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || !same_file(dir, file, fd)) {
		close(fd);
		errno = EEXIST;
		goto fail;
	}
	close(dir);
	return fd;
fail:
	saved = errno;
	close(dir);
	errno = saved;
	return -1;
}

int kt_run_claim(const char *name, int *fd)
{
	char file[96];
	int dir, lfd;

	*fd = -1;
	dir = run_dir(false);
	if (dir < 0)
		return -1;
	lock_file_name(name, file, sizeof(file));
	lfd = openat(dir, file, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (lfd < 0) {
		close(dir);
		return -1;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(lfd);
		close(dir);
		if (e == EWOULDBLOCK)
			return 0;
		errno = e;
		return -1;
	}
	/* Removed since it was opened: its run ended and took its objects. */
	if (!same_file(dir, file, lfd)) {
		close(lfd);
		close(dir);
		errno = ENOENT;
		return -1;
	}
	close(dir);
	*fd = lfd;
	return 1;
}

int kt_run_unlink(const char *name)
{
	char file[96];
	int dir, r, saved;

	dir = run_dir(false);
	if (dir < 0)
		return errno == ENOENT ? 0 : -1;
	lock_file_name(name, file, sizeof(file));
	r = unlinkat(dir, file, 0);
	saved = errno;
	close(dir);
	if (r < 0 && saved != ENOENT) {
		errno = saved;
		return -1;
	}
	return 0;
}

int kt_run_list_locks(int (*cb)(const char *name, void *arg), void *arg)
{
	struct dirent *de;
	DIR *d;
	int dir = run_dir(false);

	if (dir < 0)
		return errno == ENOENT ? 0 : -1;
	d = fdopendir(dir);
	if (!d) {
		close(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), s = strlen(LOCK_SUFFIX);
		char name[96];

		if (n <= s || n - s >= sizeof(name) || strcmp(de->d_name + n - s, LOCK_SUFFIX))
			continue;
		memcpy(name, de->d_name, n - s);
		name[n - s] = '\0';
		if (kt_run_name_kind(name, NULL) == KT_RUN_LOCKED && cb(name, arg) < 0)
			break;
	}
	closedir(d);
	return 0;
}
