// SPDX-License-Identifier: GPL-2.0-or-later
/* Users and groups: NSS, or the files in a static build (users.h). */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/users.h"

#define KT_PASSWD "/etc/passwd"
#define KT_GROUP "/etc/group"

bool kt_users_files_only(void)
{
#ifdef KT_STATIC
	return true;
#else
	return false;
#endif
}

/* A decimal id of a file's field: no sign, no blank, not (id_t)-1. */
static bool parse_id(const char *s, unsigned int *id)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= UINT_MAX)
		return false;
	*id = (unsigned int)v;
	return true;
}

/*
 * Splits @line (its newline removed) at ':' into at most @n fields.
 * Returns the number of fields.
 */
static int split(char *line, char **f, int n)
{
	int i = 0;

	line[strcspn(line, "\n")] = '\0';
	f[i++] = line;
	while (i < n) {
		char *c = strchr(f[i - 1], ':');

		if (!c)
			break;
		*c = '\0';
		f[i++] = c + 1;
	}
	return i;
}

/* @name (or, when NULL, @uid) in passwd file @file. */
static int file_lookup(const char *file, const char *name, uid_t uid, struct kt_user *u)
{
	FILE *fp = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 1;

	if (!fp)
		return -1;
	while (r == 1 && getline(&line, &cap, fp) >= 0) {
		char *f[7];
		unsigned int pu, pg;

		/* name:password:uid:gid:gecos:home:shell; '+' / '-' are NIS */
		if (split(line, f, 7) < 4 || !*f[0] || *f[0] == '+' || *f[0] == '-' ||
		    !parse_id(f[2], &pu) || !parse_id(f[3], &pg))
			continue;
		if (name ? strcmp(f[0], name) != 0 : pu != uid)
			continue;
		if (strlen(f[0]) >= sizeof(u->name))
			continue;
		u->uid = pu;
		u->gid = pg;
		strcpy(u->name, f[0]);
		r = 0;
	}
	free(line);
	fclose(fp);
	return r;
}

int kt_users_file_byname(const char *file, const char *name, struct kt_user *u)
{
	return file_lookup(file, name, 0, u);
}

int kt_users_file_byuid(const char *file, uid_t uid, struct kt_user *u)
{
	return file_lookup(file, NULL, uid, u);
}

static int add_gid(gid_t *list, size_t *n, size_t max, gid_t g)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == g)
			return 0;
	if (*n >= max) {
		errno = ENOBUFS;
		return -1;
	}
	list[(*n)++] = g;
	return 0;
}

int kt_users_file_groups(const char *file, const char *name, gid_t gid, gid_t *list,
			 size_t max)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, n = 0;
	int r = 0;

	if (add_gid(list, &n, max, gid) < 0)
		return -1;
	fp = fopen(file, "re");
	if (!fp)
		return errno == ENOENT ? (int)n : -1;
	while (r == 0 && getline(&line, &cap, fp) >= 0) {
		char *f[4], *m, *save = NULL;
		unsigned int g;

		/* name:password:gid:member,member */
		if (split(line, f, 4) < 4 || !*f[0] || *f[0] == '+' || *f[0] == '-' ||
		    !parse_id(f[2], &g))
			continue;
		for (m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
			if (strcmp(m, name) == 0) {
				r = add_gid(list, &n, max, g);
				break;
			}
	}
	free(line);
	fclose(fp);
	return r < 0 ? -1 : (int)n;
}

#ifdef KT_STATIC
int kt_user_byname(const char *name, struct kt_user *u)
{
	return kt_users_file_byname(KT_PASSWD, name, u);
}

int kt_user_byuid(uid_t uid, struct kt_user *u)
{
	return kt_users_file_byuid(KT_PASSWD, uid, u);
}

int kt_user_initgroups(const char *name, gid_t gid)
{
	gid_t list[256];
	int n = kt_users_file_groups(KT_GROUP, name, gid, list, sizeof(list) / sizeof(list[0]));

	return n < 0 ? -1 : setgroups((size_t)n, list);
}
#else
static int from_pw(const struct passwd *pw, struct kt_user *u)
{
	if (!pw)
		return 1;	/* as before: any failure of NSS is "no such user" */
	if (strlen(pw->pw_name) >= sizeof(u->name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	strcpy(u->name, pw->pw_name);
	return 0;
}

int kt_user_byname(const char *name, struct kt_user *u)
{
	errno = 0;
	return from_pw(getpwnam(name), u);
}

int kt_user_byuid(uid_t uid, struct kt_user *u)
{
	errno = 0;
	return from_pw(getpwuid(uid), u);
}

int kt_user_initgroups(const char *name, gid_t gid)
{
	return initgroups(name, gid);
}
#endif
