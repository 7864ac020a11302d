// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Users (src/users.c, kt_priv_user in src/priv.c): the passwd and group
 * files a static ktrail reads itself, and --user's forms: NAME, UID and
 * UID:GID, which need no lookup in any build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrail/priv.h"
#include "ktrail/users.h"

static char dir[] = "/tmp/kt_test_users.XXXXXX";
static char passwd[64], group[64];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(group, sizeof(group), "%s/group", dir);
	put(passwd, "root:x:0:0:root:/root:/bin/sh\n"
		    "# a comment\n"
		    "\n"
		    "+nis::::::\n"
		    "broken:x:12\n"
		    "neg:x:-1:5::/:/bin/sh\n"
		    "big:x:4294967295:5::/:/bin/sh\n"
		    "board:x:1000:1001:Board user:/home/board:/bin/sh\n"
		    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
		    "last:x:2000:2000::/:/bin/sh");	/* no newline at the end */
	put(group, "root:x:0:\n"
		   "users:x:100:other,board\n"
		   "video:x:44:board\n"
		   "dialout:x:20:boardx,xboard\n"
		   "same:x:1001:board\n"
		   "bad:x:zz:board\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(passwd);
	unlink(group);
	rmdir(dir);
	return 0;
}

static void test_byname(void **state)
{
	struct kt_user u;

	(void)state;
	assert_int_equal(kt_users_file_byname(passwd, "board", &u), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1001);
	assert_string_equal(u.name, "board");
	assert_int_equal(kt_users_file_byname(passwd, "last", &u), 0);
	assert_int_equal(u.uid, 2000);
	assert_int_equal(kt_users_file_byname(passwd, "root", &u), 0);
	assert_int_equal(u.uid, 0);
	/* Not there, or not a valid entry. */
	assert_int_equal(kt_users_file_byname(passwd, "nobody", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "broken", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "neg", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "big", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "+nis", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "boar", &u), 1);
	assert_int_equal(kt_users_file_byname(passwd, "", &u), 1);
	errno = 0;
	assert_int_equal(kt_users_file_byname("/nonexistent/passwd", "root", &u), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_byuid(void **state)
{
	struct kt_user u;

	(void)state;
	assert_int_equal(kt_users_file_byuid(passwd, 1, &u), 0);
	assert_string_equal(u.name, "daemon");
	assert_int_equal(u.gid, 1);
	assert_int_equal(kt_users_file_byuid(passwd, 1000, &u), 0);
	assert_string_equal(u.name, "board");
	assert_int_equal(kt_users_file_byuid(passwd, 12, &u), 1);
}

static void test_groups(void **state)
{
	gid_t g[8];

	(void)state;
	/* The primary group first, then users and video; 1001 not twice. */
	assert_int_equal(kt_users_file_groups(group, "board", 1001, g, 8), 3);
	assert_int_equal(g[0], 1001);
	assert_int_equal(g[1], 100);
	assert_int_equal(g[2], 44);
	assert_int_equal(kt_users_file_groups(group, "daemon", 1, g, 8), 1);
	assert_int_equal(g[0], 1);
	errno = 0;
	assert_int_equal(kt_users_file_groups(group, "board", 1001, g, 2), -1);
	assert_int_equal(errno, ENOBUFS);
	/* No group file: the primary group alone. */
	assert_int_equal(kt_users_file_groups("/nonexistent/group", "board", 7, g, 8), 1);
	assert_int_equal(g[0], 7);
}

static void test_user_numbers(void **state)
{
	char err[400];
	uid_t uid = 1;
	gid_t gid = 1;

	(void)state;
	assert_int_equal(kt_priv_user("1234:5678", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 5678);
	assert_int_equal(kt_priv_user("0:0", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(kt_priv_user("4294967294:4294967294", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 4294967294U);
	/* A number no passwd entry has: its own group. */
	assert_int_equal(kt_priv_user("54321", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 54321);
	assert_int_equal(gid, 54321);
	static const char *const bad[] = {
		"1:", ":1", "1:x", "x:1", "1:2:3", "-1:2", "1:-2", " 1:2", "1:2 ",
		"4294967295:1", "1:4294967295", "99999999999:1", "+1:2", ":",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[100];

		assert_int_equal(kt_priv_user(bad[i], &uid, &gid, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "'%s' is not UID:GID (two decimal numbers)", bad[i]);
		assert_string_equal(err, want);
	}
}

static void test_user_name(void **state)
{
	char err[400];
	uid_t uid;
	gid_t gid;

	(void)state;
	/* root is in every /etc/passwd, so NSS or the file alike find it. */
	assert_int_equal(kt_priv_user("root", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(kt_priv_user("kt-no-such-user", &uid, &gid, err, sizeof(err)), -1);
	if (kt_users_files_only())
		assert_string_equal(err, "no such user in /etc/passwd: kt-no-such-user (this ktrail "
				    "is linked statically and reads /etc/passwd itself, without "
				    "NSS: give a user of LDAP or NIS as a numeric UID or UID:GID)");
	else
		assert_string_equal(err, "no such user: kt-no-such-user");
	/* "0" is root's entry; a negative number is no user. */
	assert_int_equal(kt_priv_user("0", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(kt_priv_user("-5", &uid, &gid, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byname),
		cmocka_unit_test(test_byuid),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_user_numbers),
		cmocka_unit_test(test_user_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
