// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail report of recordings, no kernel: a recording made on x86_64
 * (tests/data/recordings/) decodes to the exact values its workload
 * printed; the same recording rewritten as a big-endian kernel would have
 * written it (every event header, every field of every event swapped as
 * its format says) decodes to the very same CSV; the report's own -e
 * narrows it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event-parse.h>

#include "ktrail/cli.h"
#include "ktrail/recfile.h"
#include "ktrail/cmd.h"
#include "ktrail/util.h"

#define REC KT_TEST_DATA "/recordings/x86_64-6.18-ipcwork.ktr"
#define WL KT_TEST_DATA "/recordings/x86_64-6.18-ipcwork.wl"
/* Recorded in QEMU on Debian's 32-bit arm kernel (tests/kernels, the
 * armhf flavor's native_record case): 4-byte longs, kprobes on sys_X. */
#define REC_ARM KT_TEST_DATA "/recordings/armhf-6.1-ipcwork.ktr"
#define WL_ARM KT_TEST_DATA "/recordings/armhf-6.1-ipcwork.wl"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void be32_put(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void swap_bytes(unsigned char *p, unsigned int n)
{
	for (unsigned int i = 0; i < n / 2; i++) {
		unsigned char t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

static void swap_fields(struct tep_format_field *f, unsigned char *data, unsigned int size)
{
	for (; f; f = f->next) {
		unsigned int el;

		if ((unsigned int)(f->offset + f->size) > size)
			continue;
		if (f->flags & TEP_FIELD_IS_DYNAMIC) {
			swap_bytes(data + f->offset, f->size);	/* offset | len << 16 */
			continue;
		}
		el = f->flags & TEP_FIELD_IS_ARRAY ? (unsigned int)f->elementsize : (unsigned int)f->size;
		if (el <= 1)
			continue;	/* bytes: strings, comm */
		for (int o = 0; o + (int)el <= f->size; o += el)
			swap_bytes(data + f->offset + o, el);
	}
}

/* One little-endian 64-bit sub-buffer (@len stored bytes) rewritten as a
 * big-endian 64-bit kernel writes it. */
static void page_to_be(struct tep_handle *tep, unsigned char *p, size_t len)
{
	uint64_t commit = (uint64_t)le32(p + 8) | (uint64_t)le32(p + 12) << 32;
	size_t end = 16 + (commit & ((1u << 27) - 1)), off = 16;

	assert_true(end <= len);
	while (off + 4 <= end) {
		uint32_t w = le32(p + off), type_len = w & 31, delta = w >> 5;
		size_t data, dsize, total;

		if (type_len == 0) {
			uint32_t l = le32(p + off + 4);

			be32_put(p + off + 4, l);
			data = off + 8;
			dsize = l - 4;
			total = 4 + l;
		} else if (type_len <= 28) {
			data = off + 4;
			dsize = 4 * type_len;
			total = 4 + dsize;
		} else if (type_len == 29 && !delta) {
			be32_put(p + off, w & 31 ? 29u << 27 : 0);
			break;
		} else {
			/* padding with a length, time extend, absolute stamp */
			uint32_t a = le32(p + off + 4);

			be32_put(p + off + 4, a);
			data = 0;
			dsize = 0;
			total = type_len == 29 ? 4 + a : 8;
		}
		be32_put(p + off, type_len << 27 | delta);
		if (data) {
			struct tep_event *ev;
			unsigned char *d = p + data;
			int id = d[0] | d[1] << 8;

			ev = tep_find_event(tep, id);
			assert_non_null(ev);
			swap_fields(ev->format.common_fields, d, dsize);
			swap_fields(ev->format.fields, d, dsize);
		}
		off += total;
	}
	if (commit & (1ull << 30))	/* the lost count stored after the data */
		swap_bytes(p + end, 8);
	swap_bytes(p, 8);	/* timestamp */
	swap_bytes(p + 8, 8);	/* commit */
}

/*
 * Copy the recording at @path to @out, every chunk as it is but for the
 * description (@meta) and each page, which @page may change (its events'
 * formats parsed into @tep for a kernel of @long_size, little endian).
 * Returns what the @page calls returned, added up.
 */
static unsigned int copy_recording(const char *path, const char *out, int long_size,
				   char *(*meta_of)(const char *meta, const void *arg),
				   unsigned int (*page)(struct tep_handle *tep, unsigned char *p,
							size_t len),
				   const void *arg)
{
	struct kt_recr r;
	struct kt_recw w;
	struct tep_handle *tep = tep_alloc();
	char err[256], *meta;
	FILE *fp = fopen(out, "w");
	unsigned char page_buf[4096];
	unsigned int n = 0;

	assert_non_null(fp);
	assert_int_equal(kt_recr_open(&r, path, err, sizeof(err)), 0);
	assert_true(r.ended);
	tep_set_long_size(tep, long_size);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (unsigned int i = 0; i < r.nfmts; i++) {
		struct tep_event *ev = NULL;

		assert_int_equal(tep_parse_format(tep, &ev, r.fmts[i].text, r.fmts[i].len,
						  r.fmts[i].sys), 0);
	}
	meta = meta_of(r.meta, arg);
	assert_int_equal(kt_recw_begin(&w, fp), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_META, meta, strlen(meta), NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_HEADER_PAGE, r.header_page, r.header_page_len,
				       NULL, 0), 0);
	for (unsigned int i = 0; i < r.nfmts; i++)
		assert_int_equal(kt_recw_chunk(&w, KT_REC_FORMAT, r.fmts[i].sys,
					       strlen(r.fmts[i].sys) + 1, r.fmts[i].text,
					       r.fmts[i].len), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_TASKS, r.tasks, strlen(r.tasks), NULL, 0), 0);
	for (int c = 0; c < r.ncpus; c++) {
		for (unsigned int i = 0; i < r.npages[c]; i++) {
			const struct kt_rec_page *p = &r.pages[c][i];

			assert_int_equal(kt_recr_page(&r, c, i, page_buf, sizeof(page_buf)), 0);
			n += page(tep, page_buf, p->len);
			assert_int_equal(kt_recw_page(&w, c, p->skip, p->lost, page_buf, p->len), 0);
		}
	}
	assert_int_equal(kt_recw_chunk(&w, KT_REC_STATS, r.stats, strlen(r.stats), NULL, 0), 0);
	assert_int_equal(kt_recw_chunk(&w, KT_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(kt_recw_flush(&w), 0);
	kt_recw_end(&w);
	fclose(fp);
	free(meta);
	kt_recr_close(&r);
	tep_free(tep);
	return n;
}

static char *meta_big_endian(const char *meta, const void *arg)
{
	char *m = strdup(meta);

	(void)arg;
	assert_non_null(m);
	assert_non_null(strstr(m, "big_endian=0\n"));
	strstr(m, "big_endian=0\n")[11] = '1';
	return m;
}

static unsigned int page_be(struct tep_handle *tep, unsigned char *p, size_t len)
{
	page_to_be(tep, p, len);
	return 1;
}

/* The recording at @path rewritten big-endian into @out. */
static void make_big_endian(const char *path, const char *out)
{
	copy_recording(path, out, 8, meta_big_endian, page_be, NULL);
}

/* ktrail report ARGS... -o csv:@csv, as main() would run it: in a child,
 * since a report gives up its privileges for good (as root: nobody). */
static int report(const char *csv, const char *const *args)
{
	char *argv[16], outarg[300], err[1024];
	struct kt_opts o;
	struct kt_session_result res;
	int argc = 0, rc, st;
	pid_t pid;

	argv[argc++] = (char *)"ktrail";
	argv[argc++] = (char *)"report";
	argv[argc++] = (char *)"-q";
	argv[argc++] = (char *)"--overwrite";
	snprintf(outarg, sizeof(outarg), "csv:%s", csv);
	argv[argc++] = (char *)"-o";
	argv[argc++] = outarg;
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	assert_int_equal(kt_cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	err[0] = '\0';
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rc = kt_cmd_report(&o, &res, err, sizeof(err));
		if (rc)
			fprintf(stderr, "report: %s\n", err);
		fflush(NULL);
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	kt_cli_free(&o);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The value of column @col (0-based) of a CSV row without quoted commas. */
static const char *col(const char *row, int n, char *buf, size_t len)
{
	const char *p = row;

	for (int i = 0; i < n; i++) {
		p = strchr(p, ',');
		assert_non_null(p);
		p++;
	}
	snprintf(buf, len, "%.*s", (int)strcspn(p, ",\n"), p);
	return buf;
}

/* Every msgsnd line of the workload @wlpath has a row with its thread,
 * return value, queue id and Tracee's event id @id. */
static void check_against_workload(const char *csvpath, const char *wlpath, const char *id)
{
	size_t wl_len, csv_len;
	char *wl = kt_read_file(wlpath, &wl_len), *csv = kt_read_file(csvpath, &csv_len);
	unsigned int checked = 0;

	assert_non_null(wl);
	assert_non_null(csv);
	for (char *line = strtok(wl, "\n"); line; line = strtok(NULL, "\n")) {
		char call[32], tid[16], ret[32], a1[64], pat[128], buf[64];
		const char *row;

		if (sscanf(line, "@@ %31s tid=%15s ret=%31s %63s", call, tid, ret, a1) != 4 ||
		    strcmp(call, "msgsnd"))
			continue;
		/* the n-th such call of that thread: find its row by the
		 * first argument and the return value */
		snprintf(pat, sizeof(pat), ",%s,", call);
		row = csv;
		while ((row = strstr(row, pat))) {
			const char *start = row;

			while (start > csv && start[-1] != '\n')
				start--;
			row = start;
			if (!strcmp(col(row, 3, buf, sizeof(buf)), tid) &&
			    !strcmp(col(row, 9, buf, sizeof(buf)), id) &&
			    !strcmp(col(row, 13, buf, sizeof(buf)), ret) &&
			    !strcmp(col(row, 15, buf, sizeof(buf)), strchr(a1, '=') + 1))
				break;
			row = strchr(row, '\n');
			if (!row)
				break;
		}
		if (!row)
			fail_msg("no row for workload line: %s", line);
		/* complete, so its duration (ns) is there, exit minus entry */
		assert_string_equal(col(row, 12, buf, sizeof(buf)), "complete");
		col(row, 14, buf, sizeof(buf));
		if (!buf[0] || strspn(buf, "0123456789") != strlen(buf))
			fail_msg("duration \"%s\" of the row of: %s", buf, line);
		checked++;
	}
	assert_int_equal(checked, 4);
	free(wl);
	free(csv);
}

static void test_little_and_big_endian(void **state)
{
	char dir[] = "/tmp/kt-report-XXXXXX", le[64], be[64], berec[64];
	size_t a, b;
	char *x, *y;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(le, sizeof(le), "%s/le.csv", dir);
	snprintf(be, sizeof(be), "%s/be.csv", dir);
	snprintf(berec, sizeof(berec), "%s/be.ktr", dir);
	assert_int_equal(report(le, (const char *const[]){ REC, NULL }), KT_EXIT_OK);
	check_against_workload(le, WL, "69");
	make_big_endian(REC, berec);
	assert_int_equal(report(be, (const char *const[]){ berec, NULL }), KT_EXIT_OK);
	x = kt_read_file(le, &a);
	y = kt_read_file(be, &b);
	assert_non_null(x);
	assert_non_null(y);
	assert_true(a > 1000);
	assert_int_equal(a, b);
	assert_memory_equal(x, y, a);
	free(x);
	free(y);
	unlink(le);
	unlink(be);
	unlink(berec);
	rmdir(dir);
}

/* A 32-bit little-endian arm kernel's recording, here: the workload's
 * values, arm's event ids (Tracee's arm64 ones), the time32 call. */
static void test_arm32(void **state)
{
	char path[] = "/tmp/kt-report-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	size_t len;
	char *csv;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(report(path, (const char *const[]){ REC_ARM, NULL }), KT_EXIT_OK);
	check_against_workload(path, WL_ARM, "189");
	csv = kt_read_file(path, &len);
	assert_non_null(csv);
	/* mq_timedsend_time32 (arm's 276), with its 32-bit timeout read by
	 * a kprobe on sys_mq_timedsend_time32 */
	assert_non_null(strstr(csv, ",9136,mq_timedsend_time32,0,complete,0,"));
	free(csv);
	unlink(path);
}

/* -e narrows the recorded selection; the header is that event's. */
static void test_narrowed(void **state)
{
	char path[] = "/tmp/kt-report-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	size_t len;
	char *csv;
	unsigned int rows = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(report(path, (const char *const[]){ "-e", "msgget", REC, NULL }),
			 KT_EXIT_OK);
	csv = kt_read_file(path, &len);
	assert_non_null(csv);
	assert_non_null(strstr(csv, ",returnValue,duration,key,msgflg,lost\n"));
	for (char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		rows++;
		assert_non_null(strstr(p + 1, ",msgget,"));
	}
	assert_int_equal(rows, 2);	/* the workload and its child */
	free(csv);
	assert_int_equal(report(path, (const char *const[]){ "-e", "openat", REC, NULL }),
			 KT_EXIT_USAGE);
	unlink(path);
}


/* In a little-endian page, OR @bits into field @field of every event
 * named @name (a 4- or 8-byte number). */
static unsigned int page_or_field(struct tep_handle *tep, unsigned char *p, size_t len,
				  const char *name, const char *field, uint32_t bits)
{
	uint64_t commit = (uint64_t)le32(p + 8);	/* a 32-bit kernel's word */
	size_t end = 12 + (commit & ((1u << 27) - 1)), off = 12;
	unsigned int n = 0;

	assert_true(end <= len);
	while (off + 4 <= end) {
		uint32_t w = le32(p + off), type_len = w & 31;
		size_t data = 0, total;

		if (type_len == 0) {
			data = off + 8;
			total = 4 + le32(p + off + 4);
		} else if (type_len <= 28) {
			data = off + 4;
			total = 4 + 4 * type_len;
		} else if (type_len == 29 && !(w >> 5)) {
			break;
		} else {
			total = type_len == 29 ? 4 + le32(p + off + 4) : 8;
		}
		if (data) {
			unsigned char *d = p + data;
			struct tep_event *ev = tep_find_event(tep, d[0] | d[1] << 8);
			struct tep_format_field *f;

			assert_non_null(ev);
			if (!strcmp(ev->name, name) && (f = tep_find_field(ev, field))) {
				uint32_t v = le32(d + f->offset) | bits;

				memcpy(d + f->offset, &v, 4);	/* little endian */
				n++;
			}
		}
		off += total;
	}
	return n;
}

static char *meta_machine(const char *meta, const void *arg)
{
	const char *m = strstr(meta, "machine=armv7l\n");
	char *out;

	assert_non_null(m);
	assert_true(asprintf(&out, "%.*smachine=%s%s", (int)(m - meta), meta, (const char *)arg,
			     m + strlen("machine=armv7l")) > 0);
	return out;
}

static unsigned int page_odirectory(struct tep_handle *tep, unsigned char *p, size_t len)
{
	return page_or_field(tep, p, len, "sys_enter_mq_open", "oflag", 040000);
}

/*
 * The 32-bit arm recording rewritten: mq_open's oflag gets 040000
 * (O_DIRECTORY on arm, O_DIRECT on x86), and the description names
 * @machine as the machine that recorded it.
 */
static void make_arm_odirectory(const char *out, const char *machine)
{
	/* the workload's four mq_open calls */
	assert_int_equal(copy_recording(REC_ARM, out, 4, meta_machine, page_odirectory, machine),
			 4);
}

/* ktrail report ARGS... into a temporary CSV (it must exit 0): its text. */
static char *report_text(const char *const *args)
{
	char path[] = "/tmp/kt-report-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	size_t len;
	char *csv;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(report(path, args), KT_EXIT_OK);
	csv = kt_read_file(path, &len);
	assert_non_null(csv);
	unlink(path);
	return csv;
}

/* The oflag column of the report's mq_open rows of @rec, each row's
 * value followed by a space. */
static void mq_open_oflags(const char *rec, char *out, size_t len)
{
	char *csv = report_text((const char *const[]){ "-e", "mq_open", rec, NULL });
	size_t used = 0;
	char buf[256];

	/* timestamp ... returnValue, duration (15 columns), name, oflag */
	for (char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
		used += snprintf(out + used, len - used, "%s ", col(p + 1, 16, buf, sizeof(buf)));
	free(csv);
}

/*
 * Flags print with the values of the machine that made the events, not
 * of the one that reports them: 040000 is O_DIRECTORY on 32-bit arm and
 * O_DIRECT on x86.
 */
static void test_flags_of_the_recording_machine(void **state)
{
	char rec[] = "/tmp/kt-report-XXXXXX.ktr", got[1024];
	int fd = mkstemps(rec, 4);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	mq_open_oflags(REC_ARM, got, sizeof(got));
	assert_string_equal(got, "O_RDWR|O_CREAT|O_EXCL O_RDWR|O_CREAT|O_EXCL "
			    "O_RDWR|O_CREAT|O_EXCL O_RDWR|O_CREAT|O_EXCL ");
	make_arm_odirectory(rec, "armv7l");
	mq_open_oflags(rec, got, sizeof(got));
	assert_string_equal(got, "O_RDWR|O_CREAT|O_EXCL|O_DIRECTORY O_RDWR|O_CREAT|O_EXCL|O_DIRECTORY "
			    "O_RDWR|O_CREAT|O_EXCL|O_DIRECTORY O_RDWR|O_CREAT|O_EXCL|O_DIRECTORY ");
	/* The same events, said to come from an x86_64 machine. */
	make_arm_odirectory(rec, "x86_64");
	mq_open_oflags(rec, got, sizeof(got));
	assert_null(strstr(got, "O_DIRECTORY"));
	assert_non_null(strstr(got, "O_DIRECT"));
	unlink(rec);
}

/* A report narrowed with -e leaves out the recorded kprobe events of the
 * other calls (the arm recording's calls come through kprobes too). */
static void test_narrowed_kprobes(void **state)
{
	char *csv = report_text((const char *const[]){ "-e", "msgsnd", REC_ARM, NULL });
	unsigned int rows = 0;

	(void)state;
	for (char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		rows++;
		assert_non_null(strstr(p + 1, ",msgsnd,0,complete,0,"));
	}
	assert_int_equal(rows, 4);	/* the four msgsnd calls of the workload */
	assert_non_null(strstr(csv, ",8,0x6e420,8,IPC_NOWAIT,7,bbbbbbbb,\n"));
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_and_big_endian),
		cmocka_unit_test(test_narrowed),
		cmocka_unit_test(test_arm32),
		cmocka_unit_test(test_flags_of_the_recording_machine),
		cmocka_unit_test(test_narrowed_kprobes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
