/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Users and groups.  A dynamic ktrail asks the C library (NSS: files,
 * LDAP, systemd...).  A static one (configure --enable-static-binary,
 * KT_STATIC) cannot: a static glibc would dlopen the NSS modules of the
 * glibc it was built with, which a board rarely has.  So it reads
 * /etc/passwd and /etc/group itself, which is what a board (busybox,
 * buildroot, a Debian image) keeps its users in; a user only NSS knows
 * is given by number (--user UID or UID:GID).
 */
#ifndef KTRAIL_USERS_H
#define KTRAIL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct kt_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Whether user names are looked up in the files by ktrail (a static build). */
bool kt_users_files_only(void);

/*
 * In a passwd(5) file: the entry of @name, or of @uid.  0 found, 1 not
 * found, -1 with errno when the file cannot be read.
 */
int kt_users_file_byname(const char *file, const char *name, struct kt_user *u);
int kt_users_file_byuid(const char *file, uid_t uid, struct kt_user *u);

/*
 * In a group(5) file: @gid then the groups whose member list names @name,
 * at most @max, no gid twice.  The count, or -1 with errno (ENOBUFS: more
 * than @max).  A missing file gives @gid alone.
 */
int kt_users_file_groups(const char *file, const char *name, gid_t gid, gid_t *list,
			 size_t max);

/* Through NSS, or /etc/passwd in a static build: 0, 1 not found, -1 + errno. */
int kt_user_byname(const char *name, struct kt_user *u);
int kt_user_byuid(uid_t uid, struct kt_user *u);

/* initgroups(3), or /etc/group in a static build.  0, or -1 with errno. */
int kt_user_initgroups(const char *name, gid_t gid);

#endif
