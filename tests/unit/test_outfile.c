// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output files (src/output/outfile.c): what is refused, with the exact
 * messages, in a temporary directory, as whoever runs the tests.  The
 * walk of the components is tested by itself (KT_OUTFILE_WALK) as well
 * as openat2's way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktrail/outfile.h"

static char dir[64];
static char err[1024];

static const char *p(const char *name)
{
	static char buf[4][256];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", dir, name);
	return buf[n];
}

static int open_out(struct kt_outfile *f, const char *path, unsigned int flags)
{
	err[0] = '\0';
	return kt_outfile_open(f, path, geteuid(), getegid(), flags, KT_OUTFILE_MODE, NULL, 0,
			       err, sizeof(err));
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static off_t size_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void expect_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void expect_err(const char *fmt, ...)
{
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_string_equal(err, want);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kt-outfile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_new_file(void **state)
{
	struct kt_outfile f;
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	assert_int_equal(open_out(&f, p("new.csv"), 0), 0);
	umask(old);
	assert_true(f.seekable);
	assert_true(f.created);
	assert_int_equal(fstat(f.fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(kt_outfile_commit(&f, p("new.csv"), err, sizeof(err)), 0);
	assert_false(f.created);
	close(f.fd);
	/* a created file given up is removed; a committed one stays */
	assert_int_equal(open_out(&f, p("gone.csv"), 0), 0);
	kt_outfile_abort(&f);
	assert_int_equal(access(p("gone.csv"), F_OK), -1);
	assert_int_equal(access(p("new.csv"), F_OK), 0);
}

static void test_existing(void **state)
{
	struct kt_outfile f;
	char who[64];
	struct passwd *pw = getpwuid(geteuid());

	(void)state;
	put(p("old.csv"), "keep\n");
	assert_int_equal(open_out(&f, p("old.csv"), 0), -1);
	expect_err("output %s exists: ktrail does not replace a file unless --overwrite is given",
		   p("old.csv"));
	assert_int_equal(f.fd, -1);
	/* --overwrite: truncated at commit, not before */
	assert_int_equal(open_out(&f, p("old.csv"), KT_OUTFILE_OVERWRITE), 0);
	assert_true(f.truncate);
	assert_int_equal(size_of(p("old.csv")), 5);
	kt_outfile_abort(&f);
	assert_int_equal(size_of(p("old.csv")), 5);	/* not created: not removed */
	assert_int_equal(open_out(&f, p("old.csv"), KT_OUTFILE_OVERWRITE), 0);
	assert_int_equal(kt_outfile_commit(&f, p("old.csv"), err, sizeof(err)), 0);
	assert_int_equal(size_of(p("old.csv")), 0);
	close(f.fd);
	/* another user's file: its owner named (a uid with no name writes) */
	if (pw)
		snprintf(who, sizeof(who), "%s (uid %u)", pw->pw_name, (unsigned int)geteuid());
	else
		snprintf(who, sizeof(who), "uid %u", (unsigned int)geteuid());
	assert_int_equal(kt_outfile_open(&f, p("old.csv"), 4000000, 4000000, KT_OUTFILE_OVERWRITE,
					 0600, NULL, 0, err, sizeof(err)), -1);
	expect_err("output %s belongs to %s: --overwrite replaces only a file of the user who "
		   "writes, uid 4000000", p("old.csv"), who);
	/* a directory */
	assert_int_equal(mkdir(p("d"), 0700), 0);
	assert_int_equal(open_out(&f, p("d"), KT_OUTFILE_OVERWRITE | KT_OUTFILE_DEVICE), -1);
	expect_err("cannot open output %s: Is a directory", p("d"));
	assert_int_equal(open_out(&f, p("d/"), 0), -1);
	expect_err("cannot open output %s: Is a directory", p("d/"));
	assert_int_equal(open_out(&f, p("nodir/x.csv"), 0), -1);
	expect_err("cannot open output %s: No such file or directory", p("nodir/x.csv"));
}

static void test_fifo(void **state)
{
	struct kt_outfile f;
	int rd;

	(void)state;
	assert_int_equal(mkfifo(p("fifo"), 0666), 0);
	assert_int_equal(open_out(&f, p("fifo"), KT_OUTFILE_OVERWRITE), -1);
	expect_err("output %s is a FIFO: ktrail writes only regular files unless "
		   "--output-device is given", p("fifo"));
	/* no reader: refused at once, never a blocked open */
	assert_int_equal(open_out(&f, p("fifo"), KT_OUTFILE_DEVICE), -1);
	expect_err("output %s is a FIFO that no process reads: start its reader first",
		   p("fifo"));
	rd = open(p("fifo"), O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(open_out(&f, p("fifo"), KT_OUTFILE_DEVICE), 0);
	assert_false(f.seekable);
	assert_false(f.created);
	assert_int_equal(fcntl(f.fd, F_GETFL) & O_NONBLOCK, 0);	/* writes block */
	assert_int_equal(write(f.fd, "x", 1), 1);
	close(f.fd);
	close(rd);
	assert_int_equal(open_out(&f, "/dev/null", 0), -1);
	expect_err("output /dev/null is a character device: ktrail writes only regular files "
		   "unless --output-device is given");
}

/* Whether openat2 exists here (else the walk answers for it). */
static const char *openat2_how(void)
{
#ifdef SYS_openat2
	struct { unsigned long long flags, mode, resolve; } how = { O_PATH | O_CLOEXEC, 0, 0 };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0) {
		close(fd);
		return KT_OUTFILE_HOW_OPENAT2;
	}
#endif
	return KT_OUTFILE_HOW_WALK;
}

static void test_symlinks(void **state)
{
	struct kt_outfile f;
	const unsigned int ways[] = { KT_OUTFILE_NO_SYMLINKS,
				      KT_OUTFILE_NO_SYMLINKS | KT_OUTFILE_WALK };

	(void)state;
	put(p("target"), "secret\n");
	assert_int_equal(symlink(p("target"), p("link.csv")), 0);
	assert_int_equal(open_out(&f, p("link.csv"), KT_OUTFILE_OVERWRITE), -1);
	expect_err("output %s is a symbolic link: ktrail does not write through one (give the "
		   "path it points to)", p("link.csv"));
	assert_int_equal(mkdir(p("real"), 0700), 0);
	assert_int_equal(mkdir(p("real/sub"), 0700), 0);
	assert_int_equal(symlink("real", p("ldir")), 0);
	assert_int_equal(symlink("nowhere", p("dangling")), 0);
	for (unsigned int i = 0; i < 2; i++) {
		const char *how = i ? KT_OUTFILE_HOW_WALK : openat2_how();

		assert_int_equal(open_out(&f, p("ldir/x.csv"), ways[i]), -1);
		expect_err("output %s: %s is a symbolic link, and ktrail, writing as root, "
			   "follows none in an output's path (checked with %s): give the path it "
			   "points to", p("ldir/x.csv"), p("ldir"), how);
		assert_int_equal(open_out(&f, p("ldir/sub/x.csv"), ways[i]), -1);
		expect_err("output %s: %s is a symbolic link, and ktrail, writing as root, "
			   "follows none in an output's path (checked with %s): give the path it "
			   "points to", p("ldir/sub/x.csv"), p("ldir"), how);
		assert_int_equal(open_out(&f, p("dangling/x.csv"), ways[i]), -1);
		expect_err("output %s: %s is a symbolic link, and ktrail, writing as root, "
			   "follows none in an output's path (checked with %s): give the path it "
			   "points to", p("dangling/x.csv"), p("dangling"), how);
		assert_int_equal(access(p("real/x.csv"), F_OK), -1);
		assert_int_equal(access(p("real/sub/x.csv"), F_OK), -1);
		/* no link: "." and ".." and repeated slashes are fine */
		assert_int_equal(open_out(&f, p("real/./sub/..//y.csv"), ways[i]), 0);
		kt_outfile_abort(&f);
		assert_int_equal(access(p("real/y.csv"), F_OK), -1);
		assert_int_equal(open_out(&f, p("real/x.csv/y"), ways[i]), -1);
		expect_err("cannot open output %s: No such file or directory", p("real/x.csv/y"));
	}
	/* Not root's way: a link in the directory is followed. */
	assert_int_equal(open_out(&f, p("ldir/x.csv"), 0), 0);
	kt_outfile_commit(&f, p("ldir/x.csv"), err, sizeof(err));
	close(f.fd);
	assert_int_equal(access(p("real/x.csv"), F_OK), 0);
	assert_int_equal(size_of(p("target")), 7);
}

static void test_same_file(void **state)
{
	struct kt_outfile a, b, n1, n2;
	struct kt_fileid avoid[2];

	(void)state;
	put(p("in.ktr"), "recording\n");
	{
		int fd = open(p("in.ktr"), O_RDONLY);

		assert_int_equal(kt_fileid_of(fd, "the recording being reported, in.ktr",
					      &avoid[0]), 0);
		close(fd);
	}
	err[0] = '\0';
	assert_int_equal(kt_outfile_open(&a, p("in.ktr"), geteuid(), getegid(),
					 KT_OUTFILE_OVERWRITE, 0600, avoid, 1, err, sizeof(err)), -1);
	expect_err("output %s is the recording being reported, in.ktr", p("in.ktr"));
	assert_int_equal(size_of(p("in.ktr")), 10);
	/* a new file, then the same by another spelling */
	assert_int_equal(kt_outfile_open(&a, p("a.csv"), geteuid(), getegid(),
					 KT_OUTFILE_OVERWRITE, 0600, avoid, 1, err, sizeof(err)), 0);
	avoid[1] = (struct kt_fileid){ a.dev, a.ino, "the same file as output a.csv" };
	assert_int_equal(kt_outfile_open(&b, p("./a.csv"), geteuid(), getegid(),
					 KT_OUTFILE_OVERWRITE, 0600, avoid, 2, err, sizeof(err)), -1);
	expect_err("output %s is the same file as output a.csv", p("./a.csv"));
	/* without --overwrite too: not "exists" */
	assert_int_equal(kt_outfile_open(&b, p("./a.csv"), geteuid(), getegid(), 0, 0600, avoid,
					 2, err, sizeof(err)), -1);
	expect_err("output %s is the same file as output a.csv", p("./a.csv"));
	kt_outfile_abort(&a);
	assert_int_equal(access(p("a.csv"), F_OK), -1);
	/* the null device twice is no conflict */
	assert_int_equal(kt_outfile_open(&n1, "/dev/null", geteuid(), getegid(),
					 KT_OUTFILE_DEVICE, 0600, NULL, 0, err, sizeof(err)), 0);
	avoid[0] = (struct kt_fileid){ n1.dev, n1.ino, "the same file as output /dev/null" };
	assert_int_equal(kt_outfile_open(&n2, "/dev/./null", geteuid(), getegid(),
					 KT_OUTFILE_DEVICE, 0600, avoid, 1, err, sizeof(err)), 0);
	close(n1.fd);
	close(n2.fd);
}

static void test_inherited(void **state)
{
	struct kt_outfile f;
	struct kt_fileid avoid;
	char path[64];
	int pfd[2];

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	snprintf(path, sizeof(path), "/dev/fd/%d", pfd[1]);
	assert_int_equal(open_out(&f, path, 0), -1);
	expect_err("output %s is ktrail's open descriptor %d: ktrail writes into one only with "
		   "--output-device", path, pfd[1]);
	assert_int_equal(open_out(&f, path, KT_OUTFILE_DEVICE), 0);
	assert_false(f.seekable);
	assert_int_equal(write(f.fd, "ab", 2), 2);
	close(f.fd);
	/* the same pipe by its /proc name: another output's file */
	avoid = (struct kt_fileid){ f.dev, f.ino, "the same file as output /dev/fd/N" };
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd[1]);
	assert_int_equal(kt_outfile_open(&f, path, geteuid(), getegid(), KT_OUTFILE_DEVICE, 0600,
					 &avoid, 1, err, sizeof(err)), -1);
	expect_err("output %s is the same file as output /dev/fd/N", path);
	snprintf(path, sizeof(path), "/dev/fd/%d", pfd[0]);
	assert_int_equal(open_out(&f, path, KT_OUTFILE_DEVICE), -1);
	expect_err("output %s: descriptor %d is not open for writing", path, pfd[0]);
	close(pfd[0]);
	close(pfd[1]);
	assert_int_equal(open_out(&f, "/dev/fd/999", KT_OUTFILE_DEVICE), -1);
	expect_err("output /dev/fd/999: descriptor 999 is not open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_existing),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_same_file),
		cmocka_unit_test(test_inherited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
