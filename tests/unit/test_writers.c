// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The output formats (src/output/{writer,csv,json,table}.c), fed with
 * hand-built records: exact header and rows, JSON lines and table rows,
 * a CSV round trip through an RFC 4180 parser, and write errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/socket.h>
#include <time.h>

#include "ktrail/catalog.h"
#include "ktrail/event.h"
#include "ktrail/writer.h"

#define S(lit) (lit), sizeof(lit) - 1

/* Tracee's ids differ on arm64. */
#if defined(__aarch64__) || defined(__arm__)
#define ID_MSGSND "189"
#define ID_MQ_OPEN "180"
#define ID_SENDMSG "211"
#define ID_SENDTO "206"
#define ID_MQ_TIMEDSEND "182"
#define ID_OPENAT "56"
#define ID_MSGCTL "187"
#define ID_FCNTL "25"
#define ID_MSGGET "186"
#else
#define ID_MSGSND "69"
#define ID_MQ_OPEN "240"
#define ID_SENDMSG "46"
#define ID_SENDTO "44"
#define ID_MQ_TIMEDSEND "242"
#define ID_OPENAT "257"
#define ID_MSGCTL "71"
#define ID_FCNTL "72"
#define ID_MSGGET "68"
#endif

#define TS 1700000000123456789ull	/* 2023-11-14 22:13:20.123456789 UTC */

struct out {
	struct kt_writer w;
	const struct kt_event_def *evs[64];
	FILE *fp;
	char *buf;
	size_t len;
};

static const struct kt_event_def *ev(const char *name)
{
	const struct kt_event_def *e = kt_event_by_name(name);

	assert_non_null(e);
	return e;
}

/* A writer of @format over the comma-separated events of @list. */
static void open_out(struct out *o, const char *format, const char *list)
{
	char tmp[256], *save = NULL;

	memset(o, 0, sizeof(*o));
	o->fp = open_memstream(&o->buf, &o->len);
	assert_non_null(o->fp);
	snprintf(tmp, sizeof(tmp), "%s", list);
	for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
		o->evs[o->w.nevents++] = ev(t);
	o->w.ops = kt_writer_find(format);
	assert_non_null(o->w.ops);
	o->w.fp = o->fp;
	o->w.events = o->evs;
	assert_int_equal(kt_writer_begin(&o->w), 0);
}

static void write_rec(struct out *o, const struct kt_record *r)
{
	assert_int_equal(kt_writer_event(&o->w, r), 0);
}

/* End the writer and return everything it wrote (valid until close). */
static const char *end_out(struct out *o)
{
	assert_int_equal(kt_writer_end(&o->w), 0);
	assert_null(o->w.priv);
	assert_int_equal(strlen(o->buf), o->len);
	return o->buf;
}

static void close_out(struct out *o)
{
	fclose(o->fp);
	free(o->buf);
}

/* ------------------------------------------------------------ records */

static void rec_msgsnd(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = TS, .ts_exit = TS + 5000, .cpu = 3, .pid = 4242, .tid = 4243,
		.comm = "ipcwork", .ev = ev("msgsnd"), .state = KT_ST_COMPLETE,
		.has_ret = true, .ret = 0,
		.args = {
			{ .set = true, .i = 3 },
			{ .set = true, .u = 0x7ffd1234abcdull },
			{ .set = true, .u = 64 },
			{ .set = true, .i = 2048 },
		},
	};
}

static const char hostile_name[] = "/q,\"x\"\nnext";

static void rec_mq_open(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = TS + 1000, .cpu = 0, .pid = 4242, .tid = 4242,
		.comm = "ipc work", .ev = ev("mq_open"), .compat = true,
		.state = KT_ST_UNFINISHED,
		.args = {
			{ .set = true, .str = hostile_name, .len = sizeof(hostile_name) - 1 },
			{ .set = true, .i = 66 },
			{ .set = true, .u = 0600 },
			{ .set = true, .u = 0 },
		},
	};
}

static void rec_sendmsg(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = TS + 2000, .cpu = 1, .pid = 77, .tid = 78,
		.comm = "sender", .ev = ev("sendmsg"), .state = KT_ST_NO_ENTER,
		.has_ret = true, .ret = -32,
	};
}

static void rec_lost(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = TS + 3000, .cpu = 2, .comm = "", .ev = kt_lost_event(),
		.args = { { .set = true, .u = 17 } },
	};
}

/* ---------------------------------------------------------------- CSV */

#define FIXED "timestamp,processorId,processId,threadId,processName," \
	      "parentProcessId,userId,mountNamespace,pidNamespace," \
	      "eventId,eventName,isCompat,state,returnValue,duration"

static void test_find(void **state)
{
	assert_string_equal(kt_writer_find("csv")->name, "csv");
	assert_string_equal(kt_writer_find("json")->name, "json");
	assert_string_equal(kt_writer_find("table")->name, "table");
	errno = 0;
	assert_null(kt_writer_find("xml"));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(kt_writer_find(NULL));
	assert_int_equal(errno, ENOENT);

	assert_string_equal(kt_state_name(KT_ST_COMPLETE), "complete");
	assert_string_equal(kt_state_name(KT_ST_UNFINISHED), "unfinished");
	assert_string_equal(kt_state_name(KT_ST_NO_EXIT), "no_exit");
	assert_string_equal(kt_state_name(KT_ST_NO_ENTER), "no_enter");
	assert_string_equal(kt_state_name(KT_ST_NSTATES), "?");
}

/* The one table of formats gives the CLI its names. */
static void test_writer_table(void **state)
{
	char names[96], small[8];

	assert_int_equal(kt_nwriters, 6);
	for (unsigned int i = 0; i < kt_nwriters; i++)
		assert_ptr_equal(kt_writer_find(kt_writers[i]->name), kt_writers[i]);
	assert_string_equal(kt_writer_names(names, sizeof(names)),
			    "csv, json, json-v1, table, summary or summary-csv");
	assert_string_equal(kt_writer_names(small, sizeof(small)), "csv, js");
	assert_ptr_equal(kt_writer_names(small, 0), small);
	/* only CSV quotes a newline inside a field */
	assert_true(kt_writer_find("csv")->quoted_newlines);
	assert_false(kt_writer_find("json")->quoted_newlines);
	assert_false(kt_writer_find("json-v1")->quoted_newlines);
	assert_false(kt_writer_find("table")->quoted_newlines);
}

static void test_csv_header(void **state)
{
	struct out o;

	open_out(&o, "csv", "msgsnd,mq_open,sendmsg,lost_events");
	assert_string_equal(end_out(&o),
		FIXED ",msqid,msgp,msgsz,msgflg,mtype,mtext,name,oflag,mode,attr,"
		"mq_maxmsg,mq_msgsize,sockfd,msg,flags,msg_name,msg_iovlen,"
		"msg_controllen,msg_flags,lost\n");
	close_out(&o);

	/* shared argument names share a column */
	open_out(&o, "csv", "msgsnd,msgrcv,msgget,msgctl");
	assert_string_equal(end_out(&o),
		FIXED ",msqid,msgp,msgsz,msgflg,mtype,mtext,msgtyp,key,cmd,buf\n");
	close_out(&o);

	/* no events: the fixed columns alone */
	open_out(&o, "csv", "");
	assert_string_equal(end_out(&o), FIXED "\n");
	close_out(&o);
}

static void test_csv_rows(void **state)
{
	struct kt_record r;
	struct out o;

	open_out(&o, "csv", "msgsnd,mq_open,sendmsg,lost_events");
	rec_msgsnd(&r);
	write_rec(&o, &r);
	rec_mq_open(&r);
	write_rec(&o, &r);
	rec_sendmsg(&r);
	write_rec(&o, &r);
	rec_lost(&r);
	write_rec(&o, &r);
	/* a lost count the kernel did not give */
	r.args[0].set = false;
	write_rec(&o, &r);
	/* a no_exit with some arguments unset */
	rec_msgsnd(&r);
	r.state = KT_ST_NO_EXIT;
	r.has_ret = false;
	r.args[1].set = false;
	r.args[3].i = -1;
	write_rec(&o, &r);
	assert_string_equal(end_out(&o),
		FIXED ",msqid,msgp,msgsz,msgflg,mtype,mtext,name,oflag,mode,attr,"
		"mq_maxmsg,mq_msgsize,sockfd,msg,flags,msg_name,msg_iovlen,"
		"msg_controllen,msg_flags,lost\n"
		"1700000000123456789,3,4242,4243,ipcwork,,,,," ID_MSGSND ",msgsnd,0,"
		"complete,0,5000,3,0x7ffd1234abcd,64,IPC_NOWAIT,,,,,,,,,,,,,,,,\n"
		"1700000000123457789,0,4242,4242,ipc work,,,,," ID_MQ_OPEN ",mq_open,1,"
		"unfinished,,,,,,,,,\"/q,\"\"x\"\"\\x0anext\",O_RDWR|O_CREAT,0600,0x0,,,,,,,,,,\n"
		"1700000000123458789,1,77,78,sender,,,,," ID_SENDMSG ",sendmsg,0,"
		"no_enter,-32,,,,,,,,,,,,,,,,,,,,,\n"
		"1700000000123459789,2,,,,,,,,9990,lost_events,0,,,,,,,,,,,,,,,,,,,,,,,17\n"
		"1700000000123459789,2,,,,,,,,9990,lost_events,0,,,,,,,,,,,,,,,,,,,,,,,\n"
		"1700000000123456789,3,4242,4243,ipcwork,,,,," ID_MSGSND ",msgsnd,0,"
		"no_exit,,,3,,64,IPC_NOWAIT|0xfffff7ff,,,,,,,,,,,,,,,,\n");
	close_out(&o);
}

/* Each value type in its CSV form. */
static void test_csv_types(void **state)
{
	struct kt_sockaddr in = { .family = AF_INET, .port = 80, .addr = "10.0.0.1" };
	struct kt_sockaddr un = { .family = AF_UNIX, .addr = "/run/a b,c" };
	struct kt_sockaddr odd = { .family = 42 };
	struct kt_record r = {
		.ts = 1, .cpu = 0, .pid = 5, .tid = 5, .comm = "c",
		.ev = ev("sendto"), .state = KT_ST_COMPLETE, .has_ret = true,
		.ret = 9, .ts_exit = 1500001,
		.args = {
			{ .set = true, .i = 0xffffffff },	/* int32 -1 */
			{ .set = true, .u = 0xdeadbeef },
			{ .set = true, .u = UINT64_MAX },
			{ .set = true, .i = 0 },
			{ .set = true, .sa = &in },
			{ .set = true, .i = 16 },
		},
	};
	struct kt_record t = {
		.ts = 2, .pid = 5, .tid = 5, .comm = "c",
		.ev = ev("mq_timedsend"), .state = KT_ST_COMPLETE,
		.args = {
			{ .set = true, .i = 3 },
			{ .set = true, .str = "m\\", .len = 2 },
			{ .set = true, .u = 2 },
			{ .set = true, .u = 0x1ffffffffull },	/* uint32 */
			{ .set = true, .d = 1700000000.5 },
		},
	};
	struct out o;

	open_out(&o, "csv", "sendto,mq_timedsend");
	write_rec(&o, &r);
	r.args[4].sa = &un;
	write_rec(&o, &r);
	r.args[4].sa = &odd;
	write_rec(&o, &r);
	write_rec(&o, &t);
	assert_string_equal(end_out(&o),
		FIXED ",sockfd,buf,len,flags,dest_addr,addrlen,mqdes,msg_ptr,"
		"msg_len,msg_prio,abs_timeout\n"
		"1,0,5,5,c,,,,," ID_SENDTO ",sendto,0,complete,9,1500000,-1,0xdeadbeef,"
		"18446744073709551615,0,family=AF_INET addr=10.0.0.1 port=80,16,"
		",,,,\n"
		"1,0,5,5,c,,,,," ID_SENDTO ",sendto,0,complete,9,1500000,-1,0xdeadbeef,"
		"18446744073709551615,0,\"family=AF_UNIX path=/run/a b,c\",16,"
		",,,,\n"
		"1,0,5,5,c,,,,," ID_SENDTO ",sendto,0,complete,9,1500000,-1,0xdeadbeef,"
		"18446744073709551615,0,family=42,16,,,,,\n"
		"2,0,5,5,c,,,,," ID_MQ_TIMEDSEND ",mq_timedsend,0,complete,,,,,,,,,"
		"3,m\\\\,2,4294967295,1700000000.500000000\n");
	close_out(&o);
}

/* A record of an event the header was not laid out for. */
static void test_csv_unknown_event(void **state)
{
	struct kt_record r;
	struct out o;

	open_out(&o, "csv", "mq_open");
	rec_msgsnd(&r);
	errno = 0;
	assert_int_equal(kt_writer_event(&o.w, &r), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(end_out(&o), FIXED ",name,oflag,mode,attr,mq_maxmsg,mq_msgsize\n");
	close_out(&o);
}

/* ------------------------------------------------ CSV round trip */

/* What CSV writes of @s: its text form with every control character
 * (C0, DEL, C1) as \xHH, each byte. */
static void csv_text(struct kt_buf *out, const char *s, size_t len)
{
	struct kt_buf t = { 0 };

	assert_int_equal(kt_esc_text(&t, s, len), 0);
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c < 0x20 || c == 0x7f) {
			kt_buf_printf(out, "\\x%02x", c);
		} else if (c == 0xc2 && i + 1 < t.len && (unsigned char)t.p[i + 1] < 0xa0) {
			kt_buf_printf(out, "\\xc2\\x%02x", (unsigned char)t.p[i + 1]);
			i++;
		} else {
			kt_buf_putc(out, (char)c);
		}
	}
	kt_buf_put(out, "", 0);
	kt_buf_free(&t);
}

/* Parse one RFC 4180 record at *p into fields; returns the field count. */
static int csv_record(const char **p, char fields[][256], int max)
{
	const char *s = *p;
	int n = 0;

	for (;;) {
		size_t len = 0;

		assert_true(n < max);
		if (*s == '"') {
			s++;
			for (;;) {
				assert_true(*s != '\0');
				if (*s == '"' && s[1] == '"') {
					fields[n][len++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					fields[n][len++] = *s++;
				}
				assert_true(len < 255);
			}
		} else {
			while (*s && *s != ',' && *s != '\n') {
				/* a bare field holds no quote or CR */
				assert_true(*s != '"' && *s != '\r');
				fields[n][len++] = *s++;
				assert_true(len < 255);
			}
		}
		fields[n++][len] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		assert_int_equal(*s, '\n');
		*p = s + 1;
		return n;
	}
}

static void test_csv_round_trip(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} names[] = {
		{ S("") },
		{ S("a,b") },
		{ S("say \"hi\"") },
		{ S("line1\nline2\r\n") },
		{ S(" lead") },
		{ S("trail ") },
		{ S("back\\slash") },
		{ S("nul\0,byte") },
		{ S("\xff\xfe") },
		{ S("\xe2\x82") },
		{ S("\xc0\xaf") },
		{ S("\xed\xa0\x80") },
		{ S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") },
		{ S("\x1b[31m") },
		{ S("\"") },
		{ S(",") },
	};
	static char fields[32][256];
	struct kt_writer w = { 0 };
	const struct kt_event_def *evs[] = { ev("msgsnd"), ev("mq_open"), kt_lost_event() };
	FILE *fp = tmpfile();
	char *data;
	const char *p;
	long size;
	int nhdr, row = 0;

	assert_non_null(fp);
	w.ops = kt_writer_find("csv");
	w.fp = fp;
	w.events = evs;
	w.nevents = 3;
	assert_int_equal(kt_writer_begin(&w), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct kt_record r;
		char comm[16];

		rec_mq_open(&r);
		/* the comm field gets a hostile string too */
		snprintf(comm, sizeof(comm), "%.*s", (int)names[i].len, names[i].s);
		r.comm = comm;
		r.args[0].str = names[i].s;
		r.args[0].len = names[i].len;
		assert_int_equal(kt_writer_event(&w, &r), 0);
		rec_msgsnd(&r);
		assert_int_equal(kt_writer_event(&w, &r), 0);
	}
	assert_int_equal(kt_writer_end(&w), 0);

	size = ftell(fp);
	assert_true(size > 0);
	data = calloc(1, size + 1);
	assert_non_null(data);
	rewind(fp);
	assert_int_equal(fread(data, 1, size, fp), size);
	fclose(fp);

	p = data;
	nhdr = csv_record(&p, fields, 32);
	assert_int_equal(nhdr, 15 + 6 + 6 + 1);
	assert_string_equal(fields[14], "duration");
	assert_string_equal(fields[21], "name");
	while (*p) {
		int n = csv_record(&p, fields, 32);
		struct kt_buf want = { 0 };
		const char *s = names[row / 2].s;
		size_t len = names[row / 2].len;

		assert_int_equal(n, nhdr);
		if (row % 2 == 0) {
			assert_string_equal(fields[10], "mq_open");
			csv_text(&want, s, len);
			assert_string_equal(fields[14], "");
			assert_string_equal(fields[21], want.p);
			want.len = 0;
			len = strnlen(s, len < 15 ? len : 15);
			csv_text(&want, s, len);
			assert_string_equal(fields[4], want.p);
			assert_string_equal(fields[22], "O_RDWR|O_CREAT");
		} else {
			assert_string_equal(fields[10], "msgsnd");
			assert_string_equal(fields[14], "5000");
			assert_string_equal(fields[15], "3");
			assert_string_equal(fields[21], "");
		}
		kt_buf_free(&want);
		row++;
	}
	assert_int_equal(row, 2 * (int)(sizeof(names) / sizeof(names[0])));
	free(data);
}

/* --------------------------------------------------------------- JSON */

static void test_json(void **state)
{
	struct kt_record r;
	struct out o;

	open_out(&o, "json-v1", "msgsnd,mq_open,sendmsg,lost_events");
	o.w.hostname = "host-1";
	rec_msgsnd(&r);
	write_rec(&o, &r);
	o.w.hostname = NULL;
	rec_mq_open(&r);
	r.args[3].set = false;
	write_rec(&o, &r);
	rec_sendmsg(&r);
	write_rec(&o, &r);
	rec_lost(&r);
	write_rec(&o, &r);
	r.args[0].set = false;
	write_rec(&o, &r);
	assert_string_equal(end_out(&o),
		"{\"timestamp\":1700000000123456789,\"processorId\":3,"
		"\"processId\":4242,\"threadId\":4243,\"hostProcessId\":4242,"
		"\"hostThreadId\":4243,\"processName\":\"ipcwork\","
		"\"hostName\":\"host-1\",\"eventId\":\"" ID_MSGSND "\","
		"\"eventName\":\"msgsnd\",\"syscall\":\"msgsnd\",\"argsNum\":6,"
		"\"returnValue\":0,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"msqid\",\"type\":\"int\",\"value\":3},"
		"{\"name\":\"msgp\",\"type\":\"struct msgbuf*\",\"value\":\"0x7ffd1234abcd\"},"
		"{\"name\":\"msgsz\",\"type\":\"size_t\",\"value\":64},"
		"{\"name\":\"msgflg\",\"type\":\"int\",\"value\":\"IPC_NOWAIT\",\"raw\":2048},"
		"{\"name\":\"mtype\",\"type\":\"long\",\"value\":null},"
		"{\"name\":\"mtext\",\"type\":\"char*\",\"value\":null}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":5000}}\n"

		"{\"timestamp\":1700000000123457789,\"processorId\":0,"
		"\"processId\":4242,\"threadId\":4242,\"hostProcessId\":4242,"
		"\"hostThreadId\":4242,\"processName\":\"ipc work\","
		"\"eventId\":\"" ID_MQ_OPEN "\",\"eventName\":\"mq_open\","
		"\"syscall\":\"mq_open\",\"argsNum\":6,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":true},"
		"\"args\":[{\"name\":\"name\",\"type\":\"const char*\","
		"\"value\":\"/q,\\\"x\\\"\\nnext\"},"
		"{\"name\":\"oflag\",\"type\":\"int\",\"value\":\"O_RDWR|O_CREAT\",\"raw\":66},"
		"{\"name\":\"mode\",\"type\":\"umode_t\",\"value\":\"0600\",\"raw\":384},"
		"{\"name\":\"attr\",\"type\":\"struct mq_attr*\",\"value\":null},"
		"{\"name\":\"mq_maxmsg\",\"type\":\"long\",\"value\":null},"
		"{\"name\":\"mq_msgsize\",\"type\":\"long\",\"value\":null}],"
		"\"ktrail\":{\"state\":\"unfinished\",\"duration\":null}}\n"

		"{\"timestamp\":1700000000123458789,\"processorId\":1,"
		"\"processId\":77,\"threadId\":78,\"hostProcessId\":77,"
		"\"hostThreadId\":78,\"processName\":\"sender\","
		"\"eventId\":\"" ID_SENDMSG "\",\"eventName\":\"sendmsg\","
		"\"syscall\":\"sendmsg\",\"argsNum\":7,\"returnValue\":-32,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"sockfd\",\"type\":\"int\",\"value\":null},"
		"{\"name\":\"msg\",\"type\":\"struct msghdr*\",\"value\":null},"
		"{\"name\":\"flags\",\"type\":\"int\",\"value\":null},"
		"{\"name\":\"msg_name\",\"type\":\"struct sockaddr*\",\"value\":null},"
		"{\"name\":\"msg_iovlen\",\"type\":\"size_t\",\"value\":null},"
		"{\"name\":\"msg_controllen\",\"type\":\"size_t\",\"value\":null},"
		"{\"name\":\"msg_flags\",\"type\":\"unsigned int\",\"value\":null}],"
		"\"ktrail\":{\"state\":\"no_enter\",\"duration\":null}}\n"

		"{\"timestamp\":1700000000123459789,\"processorId\":2,"
		"\"processId\":0,\"threadId\":0,\"hostProcessId\":0,"
		"\"hostThreadId\":0,\"processName\":\"\","
		"\"eventId\":\"9990\",\"eventName\":\"lost_events\",\"argsNum\":1,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"lost\",\"type\":\"unsigned long\",\"value\":17}]}\n"

		"{\"timestamp\":1700000000123459789,\"processorId\":2,"
		"\"processId\":0,\"threadId\":0,\"hostProcessId\":0,"
		"\"hostThreadId\":0,\"processName\":\"\","
		"\"eventId\":\"9990\",\"eventName\":\"lost_events\",\"argsNum\":1,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"lost\",\"type\":\"unsigned long\",\"value\":null}]}\n");
	close_out(&o);
}

static void test_json_types(void **state)
{
	struct kt_sockaddr in = { .family = AF_INET, .port = 80, .addr = "1.2.3.4" };
	struct kt_sockaddr in6 = { .family = AF_INET6, .port = 443, .addr = "::1" };
	struct kt_sockaddr un = { .family = AF_UNIX, .addr = "/run/\"s\"\x01" };
	struct kt_sockaddr odd = { .family = 42 };
	struct kt_record r = {
		.ts = 1, .pid = 5, .tid = 5, .comm = "\x1b[31m\xff",
		.ev = ev("sendto"), .state = KT_ST_COMPLETE,
		.args = {
			{ .set = true, .i = -1 },
			{ .set = true, .u = 0 },
			{ .set = true, .u = UINT64_MAX },
			{ .set = true, .i = 0 },
			{ .set = true, .sa = &in },
			{ .set = true, .i = 16 },
		},
	};
	struct kt_record t = {
		.ts = 2, .pid = 5, .tid = 5, .comm = "c",
		.ev = ev("mq_timedsend"), .state = KT_ST_NO_EXIT,
		.args = {
			{ .set = true, .i = 3 },
			{ .set = true, .str = "a\\\0", .len = 3 },
			{ .set = true, .u = 2 },
			{ .set = true, .u = 7 },
			{ .set = true, .d = 0.25 },
		},
	};
	const struct kt_sockaddr *sas[] = { &in, &in6, &un, &odd };
	static const char *const want_sa[] = {
		"{\"sa_family\":\"AF_INET\",\"sin_addr\":\"1.2.3.4\",\"sin_port\":\"80\"}",
		"{\"sa_family\":\"AF_INET6\",\"sin6_addr\":\"::1\",\"sin6_port\":\"443\"}",
		"{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"/run/\\\"s\\\"\\u0001\"}",
		"{\"sa_family\":\"42\"}",
	};
	struct out o;
	char want[2048];

	for (size_t i = 0; i < 4; i++) {
		open_out(&o, "json-v1", "sendto");
		r.args[4].sa = sas[i];
		write_rec(&o, &r);
		snprintf(want, sizeof(want),
			 "{\"timestamp\":1,\"processorId\":0,\"processId\":5,"
			 "\"threadId\":5,\"hostProcessId\":5,\"hostThreadId\":5,"
			 "\"processName\":\"\\u001b[31m\\\\xff\","
			 "\"eventId\":\"" ID_SENDTO "\",\"eventName\":\"sendto\","
			 "\"syscall\":\"sendto\",\"argsNum\":6,"
			 "\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
			 "\"args\":[{\"name\":\"sockfd\",\"type\":\"int\",\"value\":-1},"
			 "{\"name\":\"buf\",\"type\":\"void*\",\"value\":\"0x0\"},"
			 "{\"name\":\"len\",\"type\":\"size_t\",\"value\":18446744073709551615},"
			 "{\"name\":\"flags\",\"type\":\"int\",\"value\":\"0\",\"raw\":0},"
			 "{\"name\":\"dest_addr\",\"type\":\"struct sockaddr*\",\"value\":%s},"
			 "{\"name\":\"addrlen\",\"type\":\"int\",\"value\":16}],"
			 "\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n", want_sa[i]);
		assert_string_equal(end_out(&o), want);
		close_out(&o);
	}

	open_out(&o, "json-v1", "mq_timedsend");
	write_rec(&o, &t);
	assert_string_equal(end_out(&o),
		"{\"timestamp\":2,\"processorId\":0,\"processId\":5,"
		"\"threadId\":5,\"hostProcessId\":5,\"hostThreadId\":5,"
		"\"processName\":\"c\",\"eventId\":\"" ID_MQ_TIMEDSEND "\","
		"\"eventName\":\"mq_timedsend\",\"syscall\":\"mq_timedsend\","
		"\"argsNum\":5,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"mqdes\",\"type\":\"mqd_t\",\"value\":3},"
		"{\"name\":\"msg_ptr\",\"type\":\"const char*\",\"value\":\"a\\\\\\\\\\\\x00\"},"
		"{\"name\":\"msg_len\",\"type\":\"size_t\",\"value\":2},"
		"{\"name\":\"msg_prio\",\"type\":\"unsigned int\",\"value\":7},"
		"{\"name\":\"abs_timeout\",\"type\":\"const struct timespec*\","
		"\"value\":0.250000000}],"
		"\"ktrail\":{\"state\":\"no_exit\",\"duration\":null}}\n");
	close_out(&o);
}

/* The default shape is Tracee 0.24's trace.Event: Go type names, values
 * its decoder takes, the ids in the task's pid namespace with the host's
 * in host*, and the fields ktrail fills. */
static void test_json_tracee(void **state)
{
	static const char cont[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct kt_sockaddr in = { .family = AF_INET, .port = 80, .addr = "1.2.3.4" };
	struct kt_record r;
	struct kt_record t = {
		.ts = 1, .pid = 5, .tid = 5, .comm = "c", .utsns = 4026531838u,
		.ev = ev("sendto"), .state = KT_ST_COMPLETE,
		.args = {
			{ .set = true, .i = -1 },
			{ .set = true, .u = 0x7ffd1234abcdull },
			{ .set = true, .u = UINT64_MAX },
			{ .set = true, .i = 0x40 },	/* MSG_DONTWAIT */
			{ .set = true, .sa = &in },
		},
	};
	struct out o;

	open_out(&o, "json", "msgsnd,sendto");
	o.w.hostname = "host-1";
	o.w.own_utsns = 4026531838u;
	rec_msgsnd(&r);
	/* a task in a container: its own pid and UTS namespaces */
	r.has_ctx = true;
	r.ppid = 99;
	r.uid = 1000;
	r.mntns = 4026532100u;
	r.pidns = 4026532101u;
	r.utsns = 4026532102u;
	r.has_nsids = true;
	r.ns_pid = 1;
	r.ns_tid = 2;
	r.ns_ppid = 0;
	r.start_ns = 1699999999000000000ull;
	r.cgroup_id = 4242;
	r.container = cont;
	r.exe = "/usr/bin/ipcwork";
	write_rec(&o, &r);
	write_rec(&o, &t);
	assert_string_equal(end_out(&o),
		"{\"timestamp\":1700000000123456789,\"threadStartTime\":1699999999000000000,"
		"\"processorId\":3,\"processId\":1,\"cgroupId\":4242,\"threadId\":2,"
		"\"parentProcessId\":0,\"hostProcessId\":4242,\"hostThreadId\":4243,"
		"\"hostParentProcessId\":99,\"userId\":1000,\"mountNamespace\":4026532100,"
		"\"pidNamespace\":4026532101,\"processName\":\"ipcwork\","
		"\"executable\":{\"path\":\"/usr/bin/ipcwork\"},\"hostName\":\"\","
		"\"containerId\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		"\"eventId\":\"" ID_MSGSND "\",\"eventName\":\"msgsnd\",\"argsNum\":6,"
		"\"returnValue\":0,\"syscall\":\"msgsnd\",\"stackAddresses\":[],"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"msqid\",\"type\":\"int32\",\"value\":3},"
		"{\"name\":\"msgp\",\"type\":\"trace.Pointer\",\"value\":140724908895181},"
		"{\"name\":\"msgsz\",\"type\":\"uint64\",\"value\":64},"
		"{\"name\":\"msgflg\",\"type\":\"string\",\"value\":\"IPC_NOWAIT\",\"raw\":2048},"
		"{\"name\":\"mtype\",\"type\":\"int64\",\"value\":null},"
		"{\"name\":\"mtext\",\"type\":\"string\",\"value\":null}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":5000}}\n"

		/* unknown context: the host ids; the tracer's UTS namespace */
		"{\"timestamp\":1,\"threadStartTime\":0,\"processorId\":0,\"processId\":5,"
		"\"cgroupId\":0,\"threadId\":5,\"hostProcessId\":5,\"hostThreadId\":5,"
		"\"processName\":\"c\",\"executable\":{\"path\":\"\"},\"hostName\":\"host-1\","
		"\"containerId\":\"\",\"eventId\":\"" ID_SENDTO "\",\"eventName\":\"sendto\","
		"\"argsNum\":6,\"syscall\":\"sendto\",\"stackAddresses\":[],"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"args\":[{\"name\":\"sockfd\",\"type\":\"int32\",\"value\":-1},"
		"{\"name\":\"buf\",\"type\":\"trace.Pointer\",\"value\":140724908895181},"
		"{\"name\":\"len\",\"type\":\"uint64\",\"value\":18446744073709551615},"
		"{\"name\":\"flags\",\"type\":\"string\",\"value\":\"MSG_DONTWAIT\",\"raw\":64},"
		"{\"name\":\"dest_addr\",\"type\":\"SockAddr\",\"value\":"
		"{\"sa_family\":\"AF_INET\",\"sin_addr\":\"1.2.3.4\",\"sin_port\":\"80\"}},"
		"{\"name\":\"addrlen\",\"type\":\"int32\",\"value\":null}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n");
	close_out(&o);

	/* --raw: a flag is its number, of its own type */
	open_out(&o, "json", "sendto");
	o.w.raw = true;
	write_rec(&o, &t);
	assert_non_null(strstr(end_out(&o),
			       "{\"name\":\"flags\",\"type\":\"int32\",\"value\":64},"));
	close_out(&o);
}

/* -------------------------------------------------------------- table */

#define THEAD "TIME             CPU UID    COMM             PID     TID     PPID    RET              DURATION EVENT                ARGS\n"

static void test_table(void **state)
{
	struct kt_sockaddr in = { .family = AF_INET, .port = 80, .addr = "1.2.3.4" };
	struct kt_record r;
	struct out o;

	setenv("TZ", "UTC", 1);
	tzset();
	open_out(&o, "table", "msgsnd,mq_open,sendmsg,sendto,lost_events");
	rec_msgsnd(&r);
	write_rec(&o, &r);
	/* a comm that tries to colour the terminal */
	r.comm = "\x1b[31mevil\x1b[0m";
	write_rec(&o, &r);
	/* too long once escaped: cut before the escape, never inside it */
	r.comm = "aaaaaaaaaaaaaa\x01";
	write_rec(&o, &r);
	rec_mq_open(&r);
	write_rec(&o, &r);
	rec_sendmsg(&r);
	write_rec(&o, &r);
	rec_lost(&r);
	write_rec(&o, &r);
	r = (struct kt_record){
		.ts = TS + 999999999, .cpu = 11, .pid = 1234567, .tid = 12345678,
		.comm = "caf\xc3\xa9", .ev = ev("sendto"), .state = KT_ST_NO_EXIT,
		.args = {
			{ .set = true, .i = 4 },
			{ .set = true, .u = 0x1000 },
			{ .set = true, .u = 5 },
			{ .set = true, .i = 0 },
			{ .set = true, .sa = &in },
		},
	};
	write_rec(&o, &r);
	assert_string_equal(end_out(&o),
		THEAD
		"22:13:20.123456  3          ipcwork          4242    4243            0                5.00us   msgsnd               "
		"msqid: 3, msgp: 0x7ffd1234abcd, msgsz: 64, msgflg: IPC_NOWAIT\n"
		"22:13:20.123456  3          \\e[31mevil\\e[0m  4242    4243            0                5.00us   msgsnd               "
		"msqid: 3, msgp: 0x7ffd1234abcd, msgsz: 64, msgflg: IPC_NOWAIT\n"
		"22:13:20.123456  3          aaaaaaaaaaaaaa   4242    4243            0                5.00us   msgsnd               "
		"msqid: 3, msgp: 0x7ffd1234abcd, msgsz: 64, msgflg: IPC_NOWAIT\n"
		"22:13:20.123457  0          ipc work         4242    4242            ? unfinished              mq_open              "
		"name: /q,\"x\"\\nnext, oflag: O_RDWR|O_CREAT, mode: 0600, attr: 0x0\n"
		"22:13:20.123458  1          sender           77      78              -32 EPIPE no_enter          sendmsg              "
		"sockfd: ?, msg: ?, flags: ?\n"
		"22:13:20.123459  2                                                                             lost_events          "
		"lost: 17\n"
		"22:13:21.123456  11         caf\xc3\xa9             1234567 12345678         ? no_exit                 sendto               "
		"sockfd: 4, buf: 0x1000, len: 5, flags: 0, dest_addr: family=AF_INET addr=1.2.3.4 port=80, addrlen: ?\n");
	close_out(&o);
}

/* ------------------------------------ flags by name, raw, process context */

/* With the process context: all of it known. */
static void rec_openat(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = 10, .cpu = 1, .pid = 100, .tid = 101, .comm = "cat",
		.has_ctx = true, .ppid = 99, .uid = 1000,
		.mntns = 4026531841u, .pidns = 4026531836u,
		.ev = ev("openat"), .state = KT_ST_COMPLETE, .has_ret = true, .ret = 3,
		.ts_exit = 10 + 2500,
		.args = {
			{ .set = true, .i = AT_FDCWD },
			{ .set = true, .str = "/etc/passwd", .len = 11 },
			{ .set = true, .i = O_RDONLY | O_CLOEXEC },
			{ .set = true, .u = 0 },
		},
	};
}

/* With the process context, the namespaces unknown; glibc's IPC_64. */
static void rec_msgctl(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = 11, .cpu = 0, .pid = 200, .tid = 200, .comm = "ipcrm",
		.has_ctx = true, .ppid = 1, .uid = 0,
		.ev = ev("msgctl"), .state = KT_ST_COMPLETE, .has_ret = true, .ret = 0,
		.args = {
			{ .set = true, .i = 3 },
			{ .set = true, .i = 0x100 | IPC_STAT },
			{ .set = true, .u = 0x1000 },
		},
	};
}

/* A task event without the process context; a bool argument. */
static void rec_exit(struct kt_record *r)
{
	*r = (struct kt_record){
		.ts = 12, .cpu = 2, .pid = 300, .tid = 300, .comm = "victim",
		.ev = ev("sched_process_exit"), .state = KT_ST_COMPLETE,
		.args = {
			{ .set = true, .i = 0 },
			{ .set = true, .i = SIGKILL },
			{ .set = true, .u = 1 },
		},
	};
}

static const char *write_three(struct out *o, const char *format, bool raw)
{
	struct kt_record r;

	open_out(o, format, "openat,msgctl,sched_process_exit");
	o->w.raw = raw;
	rec_openat(&r);
	write_rec(o, &r);
	rec_msgctl(&r);
	write_rec(o, &r);
	rec_exit(&r);
	write_rec(o, &r);
	return end_out(o);
}

#define HDR3 FIXED ",dirfd,pathname,flags,mode,msqid,cmd,buf,exit_code,signal_code," \
	"process_group_exit\n"

static void test_csv_flags_context(void **state)
{
	struct out o;

	assert_string_equal(write_three(&o, "csv", false),
		HDR3
		"10,1,100,101,cat,99,1000,4026531841,4026531836," ID_OPENAT ",openat,0,"
		"complete,3,2500,AT_FDCWD,/etc/passwd,O_RDONLY|O_CLOEXEC,0000,,,,,,\n"
		"11,0,200,200,ipcrm,1,0,,," ID_MSGCTL ",msgctl,0,complete,0,,,,,,"
		"3,IPC_64|IPC_STAT,0x1000,,,\n"
		"12,2,300,300,victim,,,,,716,sched_process_exit,0,complete,,,,,,,,,,"
		"0,SIGKILL,true\n");
	close_out(&o);

	/* --raw: the numbers */
	assert_string_equal(write_three(&o, "csv", true),
		HDR3
		"10,1,100,101,cat,99,1000,4026531841,4026531836," ID_OPENAT ",openat,0,"
		"complete,3,2500,-100,/etc/passwd,524288,0,,,,,,\n"
		"11,0,200,200,ipcrm,1,0,,," ID_MSGCTL ",msgctl,0,complete,0,,,,,,"
		"3,258,0x1000,,,\n"
		"12,2,300,300,victim,,,,,716,sched_process_exit,0,complete,,,,,,,,,,"
		"0,9,true\n");
	close_out(&o);
}

/*
 * The process columns of consecutive rows of one task, written again
 * whenever one of them changes: the name (a rename in place, in the same
 * buffer), the context appearing, each context field, and the pseudo
 * event's empty ids; and the same values again after another task.
 */
static void test_csv_task_columns(void **state)
{
	struct out o;
	char comm[16] = "first";
	struct kt_record r = {
		.ts = 1, .cpu = 0, .pid = 10, .tid = 11, .comm = comm,
		.state = KT_ST_COMPLETE, .has_ret = true, .ret = 0,
	};
	struct kt_record l;

	(void)state;
	open_out(&o, "csv", "msgget,lost_events");
	r.ev = ev("msgget");
	write_rec(&o, &r);
	r.ts = 2;
	write_rec(&o, &r);				/* the same */
	strcpy(comm, "second");				/* renamed in place */
	r.ts = 3;
	write_rec(&o, &r);
	r.has_ctx = true, r.ppid = 9, r.uid = 1000, r.mntns = 5, r.pidns = 6;
	r.ts = 4;
	write_rec(&o, &r);
	r.uid = 0;
	r.ts = 5;
	write_rec(&o, &r);
	r.pidns = 0;
	r.ts = 6;
	write_rec(&o, &r);
	r.tid = 12;
	r.ts = 7;
	write_rec(&o, &r);
	l = (struct kt_record){ .ts = 8, .cpu = 1, .comm = "", .ev = kt_lost_event(),
				.args = { { .set = true, .u = 4 } } };
	write_rec(&o, &l);
	r.ts = 9;
	write_rec(&o, &r);				/* back to the task */
	assert_string_equal(end_out(&o),
		FIXED ",key,msgflg,lost\n"
		"1,0,10,11,first,,,,," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"2,0,10,11,first,,,,," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"3,0,10,11,second,,,,," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"4,0,10,11,second,9,1000,5,6," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"5,0,10,11,second,9,0,5,6," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"6,0,10,11,second,9,0,5,," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"7,0,10,12,second,9,0,5,," ID_MSGGET ",msgget,0,complete,0,,,,\n"
		"8,1,,,,,,,,9990,lost_events,0,,,,,,4\n"
		"9,0,10,12,second,9,0,5,," ID_MSGGET ",msgget,0,complete,0,,,,\n");
	close_out(&o);
}

/*
 * More than 64 empty columns in a row (-e all has hundreds): every row has
 * the header's number of fields, and no NUL byte (the commas are copied
 * 64 at a time).
 */
static void test_csv_many_columns(void **state)
{
	static const char *const names[] = {
		"openat", "msgsnd", "mq_open", "sendmsg", "sendto", "recvfrom", "mq_timedsend",
		"mq_timedreceive", "mmap", "clone", "execve", "pread64", "ioctl", "fcntl",
		"setsockopt", "getsockopt", "accept4", "connect", "futex", "ppoll", "pselect6",
		"epoll_ctl", "splice", "sendfile", "mremap", "prctl", "ptrace", "wait4",
		"rt_sigaction", "statx", "renameat2", "linkat", "fchownat", "utimensat",
	};
	struct out o;
	struct kt_record r;
	const char *text;
	size_t fields = 0, lines = 0, want = 0;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.fp = open_memstream(&o.buf, &o.len);
	assert_non_null(o.fp);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		o.evs[o.w.nevents++] = ev(names[i]);
	o.w.ops = kt_writer_find("csv");
	o.w.fp = o.fp;
	o.w.events = o.evs;
	assert_int_equal(kt_writer_begin(&o.w), 0);
	rec_msgsnd(&r);
	write_rec(&o, &r);
	r.ev = ev("utimensat");	/* its columns come last */
	write_rec(&o, &r);
	r.ev = ev("openat");
	write_rec(&o, &r);
	text = end_out(&o);
	for (const char *p = text; p < text + o.len; p++) {
		assert_int_not_equal(*p, '\0');
		if (*p == ',')
			fields++;
		if (*p == '\n') {
			if (!lines)
				want = fields;
			else
				assert_int_equal(fields, want);
			lines++;
			fields = 0;
		}
	}
	assert_int_equal(lines, 4);
	/* msgsnd's last column is among the first 14 argument columns (the
	 * fixed ones end at comma 13): its row ends with a run of more than
	 * 64 empty columns. */
	assert_true(want > 13 + 14 + 64);
	close_out(&o);
}

#define CTX_OPENAT "\"processName\":\"cat\",\"parentProcessId\":99," \
	"\"hostParentProcessId\":99,\"userId\":1000,\"mountNamespace\":4026531841," \
	"\"pidNamespace\":4026531836,"
#define CTX_MSGCTL "\"processName\":\"ipcrm\",\"parentProcessId\":1," \
	"\"hostParentProcessId\":1,\"userId\":0,\"mountNamespace\":0," \
	"\"pidNamespace\":0,"
#define NOCOMPAT "\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"

static void test_json_flags_context(void **state)
{
	struct out o;

	assert_string_equal(write_three(&o, "json-v1", false),
		"{\"timestamp\":10,\"processorId\":1,\"processId\":100,\"threadId\":101,"
		"\"hostProcessId\":100,\"hostThreadId\":101," CTX_OPENAT
		"\"eventId\":\"" ID_OPENAT "\",\"eventName\":\"openat\",\"syscall\":\"openat\","
		"\"argsNum\":4,\"returnValue\":3," NOCOMPAT
		"\"args\":[{\"name\":\"dirfd\",\"type\":\"int\",\"value\":\"AT_FDCWD\",\"raw\":-100},"
		"{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/etc/passwd\"},"
		"{\"name\":\"flags\",\"type\":\"int\",\"value\":\"O_RDONLY|O_CLOEXEC\",\"raw\":524288},"
		"{\"name\":\"mode\",\"type\":\"umode_t\",\"value\":\"0000\",\"raw\":0}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":2500}}\n"

		"{\"timestamp\":11,\"processorId\":0,\"processId\":200,\"threadId\":200,"
		"\"hostProcessId\":200,\"hostThreadId\":200," CTX_MSGCTL
		"\"eventId\":\"" ID_MSGCTL "\",\"eventName\":\"msgctl\",\"syscall\":\"msgctl\","
		"\"argsNum\":3,\"returnValue\":0," NOCOMPAT
		"\"args\":[{\"name\":\"msqid\",\"type\":\"int\",\"value\":3},"
		"{\"name\":\"cmd\",\"type\":\"int\",\"value\":\"IPC_64|IPC_STAT\",\"raw\":258},"
		"{\"name\":\"buf\",\"type\":\"struct msqid_ds*\",\"value\":\"0x1000\"}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n"

		"{\"timestamp\":12,\"processorId\":2,\"processId\":300,\"threadId\":300,"
		"\"hostProcessId\":300,\"hostThreadId\":300,\"processName\":\"victim\","
		"\"eventId\":\"716\",\"eventName\":\"sched_process_exit\","
		"\"argsNum\":3," NOCOMPAT
		"\"args\":[{\"name\":\"exit_code\",\"type\":\"int\",\"value\":0},"
		"{\"name\":\"signal_code\",\"type\":\"int\",\"value\":\"SIGKILL\",\"raw\":9},"
		"{\"name\":\"process_group_exit\",\"type\":\"bool\",\"value\":true}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n");
	close_out(&o);

	/* --raw: "value" is the number, and there is no "raw" */
	assert_string_equal(write_three(&o, "json-v1", true),
		"{\"timestamp\":10,\"processorId\":1,\"processId\":100,\"threadId\":101,"
		"\"hostProcessId\":100,\"hostThreadId\":101," CTX_OPENAT
		"\"eventId\":\"" ID_OPENAT "\",\"eventName\":\"openat\",\"syscall\":\"openat\","
		"\"argsNum\":4,\"returnValue\":3," NOCOMPAT
		"\"args\":[{\"name\":\"dirfd\",\"type\":\"int\",\"value\":-100},"
		"{\"name\":\"pathname\",\"type\":\"const char*\",\"value\":\"/etc/passwd\"},"
		"{\"name\":\"flags\",\"type\":\"int\",\"value\":524288},"
		"{\"name\":\"mode\",\"type\":\"umode_t\",\"value\":0}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":2500}}\n"

		"{\"timestamp\":11,\"processorId\":0,\"processId\":200,\"threadId\":200,"
		"\"hostProcessId\":200,\"hostThreadId\":200," CTX_MSGCTL
		"\"eventId\":\"" ID_MSGCTL "\",\"eventName\":\"msgctl\",\"syscall\":\"msgctl\","
		"\"argsNum\":3,\"returnValue\":0," NOCOMPAT
		"\"args\":[{\"name\":\"msqid\",\"type\":\"int\",\"value\":3},"
		"{\"name\":\"cmd\",\"type\":\"int\",\"value\":258},"
		"{\"name\":\"buf\",\"type\":\"struct msqid_ds*\",\"value\":\"0x1000\"}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n"

		"{\"timestamp\":12,\"processorId\":2,\"processId\":300,\"threadId\":300,"
		"\"hostProcessId\":300,\"hostThreadId\":300,\"processName\":\"victim\","
		"\"eventId\":\"716\",\"eventName\":\"sched_process_exit\","
		"\"argsNum\":3," NOCOMPAT
		"\"args\":[{\"name\":\"exit_code\",\"type\":\"int\",\"value\":0},"
		"{\"name\":\"signal_code\",\"type\":\"int\",\"value\":9},"
		"{\"name\":\"process_group_exit\",\"type\":\"bool\",\"value\":true}],"
		"\"ktrail\":{\"state\":\"complete\",\"duration\":null}}\n");
	close_out(&o);
}

static void test_table_flags_context(void **state)
{
	struct out o;

	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(write_three(&o, "table", false),
		THEAD
		"00:00:00.000000  1   1000   cat              100     101     99      "
		"3                2.50us   openat               "
		"dirfd: AT_FDCWD, pathname: /etc/passwd, flags: O_RDONLY|O_CLOEXEC, mode: 0000\n"
		"00:00:00.000000  0   0      ipcrm            200     200     1       "
		"0                         msgctl               "
		"msqid: 3, cmd: IPC_64|IPC_STAT, buf: 0x1000\n"
		"00:00:00.000000  2          victim           300     300             "
		"?                         sched_process_exit   "
		"exit_code: 0, signal_code: SIGKILL, process_group_exit: true\n");
	close_out(&o);

	assert_string_equal(write_three(&o, "table", true),
		THEAD
		"00:00:00.000000  1   1000   cat              100     101     99      "
		"3                2.50us   openat               "
		"dirfd: -100, pathname: /etc/passwd, flags: 524288, mode: 0\n"
		"00:00:00.000000  0   0      ipcrm            200     200     1       "
		"0                         msgctl               "
		"msqid: 3, cmd: 258, buf: 0x1000\n"
		"00:00:00.000000  2          victim           300     300             "
		"?                         sched_process_exit   "
		"exit_code: 0, signal_code: 9, process_group_exit: true\n");
	close_out(&o);
}

/* ---------------------------------------------------------- durations */

static void human(uint64_t ns, const char *want)
{
	char buf[24];

	assert_int_equal(kt_duration_human(buf, sizeof(buf), ns), strlen(want));
	assert_string_equal(buf, want);
}

static void test_duration_human(void **state)
{
	char small[4];

	(void)state;
	human(0, "0ns");
	human(850, "850ns");
	human(999, "999ns");
	human(1000, "1.00us");
	human(12345, "12.3us");
	human(123456, "123us");
	human(999499, "999us");
	human(999500, "1.00ms");	/* not 1000us */
	human(4560000, "4.56ms");
	human(9996000, "10.0ms");
	human(99960000, "100ms");
	human(1200000000, "1.20s");
	human(3600000000000ull, "3600s");
	human(UINT64_MAX, "18446744074s");
	/* cut to the buffer, NUL-terminated */
	assert_int_equal(kt_duration_human(small, sizeof(small), 4560000), 3);
	assert_string_equal(small, "4.5");
}

/* Only a complete call with both times has a duration. */
static void test_record_duration(void **state)
{
	struct kt_record r;
	uint64_t ns = 0;

	(void)state;
	rec_msgsnd(&r);
	assert_true(kt_record_duration(&r, &ns));
	assert_int_equal(ns, 5000);
	r.ts_exit = r.ts;
	assert_true(kt_record_duration(&r, &ns));
	assert_int_equal(ns, 0);
	r.ts_exit = r.ts - 1;		/* per-CPU clocks: 0, never negative */
	assert_true(kt_record_duration(&r, &ns));
	assert_int_equal(ns, 0);
	for (int st = KT_ST_UNFINISHED; st < KT_ST_NSTATES; st++) {
		rec_msgsnd(&r);
		r.state = st;
		assert_false(kt_record_duration(&r, &ns));
	}
	rec_msgsnd(&r);
	r.ts_exit = 0;			/* a NORETURN call's */
	assert_false(kt_record_duration(&r, &ns));
	rec_msgsnd(&r);
	r.ev = ev("sched_process_exit");
	assert_false(kt_record_duration(&r, &ns));
	rec_lost(&r);
	r.ts_exit = r.ts + 1;
	assert_false(kt_record_duration(&r, &ns));
}

/* The duration column of each format: a long one, one of 0, none. */
static void test_duration_columns(void **state)
{
	struct kt_record r;
	struct out o;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	open_out(&o, "csv", "msgsnd");
	rec_msgsnd(&r);
	r.ts_exit = r.ts + 2500000000ull;
	write_rec(&o, &r);
	r.ts_exit = r.ts;
	write_rec(&o, &r);
	r.state = KT_ST_NO_EXIT;
	r.has_ret = false;
	write_rec(&o, &r);
	assert_string_equal(end_out(&o),
		FIXED ",msqid,msgp,msgsz,msgflg,mtype,mtext\n"
		"1700000000123456789,3,4242,4243,ipcwork,,,,," ID_MSGSND ",msgsnd,0,"
		"complete,0,2500000000,3,0x7ffd1234abcd,64,IPC_NOWAIT,,\n"
		"1700000000123456789,3,4242,4243,ipcwork,,,,," ID_MSGSND ",msgsnd,0,"
		"complete,0,0,3,0x7ffd1234abcd,64,IPC_NOWAIT,,\n"
		"1700000000123456789,3,4242,4243,ipcwork,,,,," ID_MSGSND ",msgsnd,0,"
		"no_exit,,,3,0x7ffd1234abcd,64,IPC_NOWAIT,,\n");
	close_out(&o);

	open_out(&o, "table", "msgsnd");
	rec_msgsnd(&r);
	r.ts_exit = r.ts + 2500000000ull;
	write_rec(&o, &r);
	r.ts_exit = r.ts;
	write_rec(&o, &r);
	assert_string_equal(end_out(&o),
		THEAD
		"22:13:20.123456  3          ipcwork          4242    4243            0                2.50s    msgsnd               "
		"msqid: 3, msgp: 0x7ffd1234abcd, msgsz: 64, msgflg: IPC_NOWAIT\n"
		"22:13:20.123456  3          ipcwork          4242    4243            0                0ns      msgsnd               "
		"msqid: 3, msgp: 0x7ffd1234abcd, msgsz: 64, msgflg: IPC_NOWAIT\n");
	close_out(&o);

	open_out(&o, "json", "msgsnd");
	rec_msgsnd(&r);
	r.ts_exit = r.ts + 2500000000ull;
	write_rec(&o, &r);
	assert_non_null(strstr(end_out(&o),
			       ",\"ktrail\":{\"state\":\"complete\",\"duration\":2500000000}}\n"));
	close_out(&o);
}

/* ------------------------------------------------------------- errors */

/* A CSV writer over @list for events made on @machine, with one record
 * @r per entry (NULL-terminated); returns what it wrote. */
static const char *csv_of_machine(struct out *o, const char *machine, const char *list,
				  const struct kt_record *const *r)
{
	char tmp[256], *save = NULL;

	memset(o, 0, sizeof(*o));
	o->fp = open_memstream(&o->buf, &o->len);
	assert_non_null(o->fp);
	snprintf(tmp, sizeof(tmp), "%s", list);
	for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
		o->evs[o->w.nevents++] = ev(t);
	o->w.ops = kt_writer_find("csv");
	o->w.fp = o->fp;
	o->w.events = o->evs;
	o->w.machine = machine;
	assert_int_equal(kt_writer_begin(&o->w), 0);
	for (; *r; r++)
		write_rec(o, *r);
	return end_out(o);
}

#define HDR_OPENAT FIXED ",dirfd,pathname,flags,mode\n"
#define HDR_FCNTL FIXED ",fd,cmd,arg\n"

/*
 * Flags print with the values of the machine that made the events (a
 * recording's "machine"), and of its compat ABI for a 32-bit task's
 * record, not with this machine's: an arm board's O_DIRECTORY (040000)
 * is x86's O_DIRECT.
 */
static void test_csv_machine_abi(void **state)
{
	struct kt_record open_dir = {
		.ts = 10, .cpu = 1, .pid = 100, .tid = 100, .comm = "ls", .ev = ev("openat"),
		.state = KT_ST_COMPLETE, .has_ret = true, .ret = 3,
		.args = {
			{ .set = true, .i = -100 },
			{ .set = true, .str = "/tmp", .len = 4 },
			{ .set = true, .i = 040000 },
			{ .set = true, .u = 0 },
		},
	};
	struct kt_record getlk = {
		.ts = 11, .cpu = 0, .pid = 200, .tid = 200, .comm = "lk", .ev = ev("fcntl"),
		.state = KT_ST_COMPLETE, .has_ret = true, .ret = 0,
		.args = {
			{ .set = true, .u = 3 },
			{ .set = true, .u = 12 },
			{ .set = true, .u = 0x1000 },
		},
	};
	struct kt_record getlk32 = getlk;
	const struct kt_record *opens[] = { &open_dir, NULL };
	const struct kt_record *locks[] = { &getlk, &getlk32, NULL };
	struct out o;

	getlk32.compat = true;
	assert_string_equal(csv_of_machine(&o, "armv7l", "openat", opens),
		HDR_OPENAT
		"10,1,100,100,ls,,,,," ID_OPENAT ",openat,0,complete,3,,"
		"AT_FDCWD,/tmp,O_RDONLY|O_DIRECTORY,0000\n");
	assert_int_equal(o.w.abi, KT_ABI_ARM);
	close_out(&o);
	assert_string_equal(csv_of_machine(&o, "aarch64", "openat", opens),
		HDR_OPENAT
		"10,1,100,100,ls,,,,," ID_OPENAT ",openat,0,complete,3,,"
		"AT_FDCWD,/tmp,O_RDONLY|O_DIRECTORY,0000\n");
	close_out(&o);
	assert_string_equal(csv_of_machine(&o, "x86_64", "openat", opens),
		HDR_OPENAT
		"10,1,100,100,ls,,,,," ID_OPENAT ",openat,0,complete,3,,"
		"AT_FDCWD,/tmp,O_RDONLY|O_DIRECT,0000\n");
	close_out(&o);

	/* fcntl64's F_GETLK64 is a 32-bit task's only */
	assert_string_equal(csv_of_machine(&o, "aarch64", "fcntl", locks),
		HDR_FCNTL
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,0,complete,0,,3,12,4096\n"
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,1,complete,0,,3,F_GETLK64,4096\n");
	assert_int_equal(o.w.abi, KT_ABI_ARM64);
	assert_int_equal(o.w.compat_abi, KT_ABI_ARM);
	close_out(&o);
	assert_string_equal(csv_of_machine(&o, "x86_64", "fcntl", locks),
		HDR_FCNTL
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,0,complete,0,,3,12,4096\n"
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,1,complete,0,,3,F_GETLK64,4096\n");
	close_out(&o);
	/* a 32-bit machine has no compat ABI: its own values */
	assert_string_equal(csv_of_machine(&o, "armv7l", "fcntl", locks),
		HDR_FCNTL
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,0,complete,0,,3,F_GETLK64,4096\n"
		"11,0,200,200,lk,,,,," ID_FCNTL ",fcntl,1,complete,0,,3,F_GETLK64,4096\n");
	assert_int_equal(o.w.compat_abi, KT_ABI_NONE);
	close_out(&o);
	/* no machine: this one */
	assert_non_null(csv_of_machine(&o, NULL, "openat", opens));
	assert_int_equal(o.w.abi, kt_abi_native());
	close_out(&o);
}

static void test_write_errors(void **state)
{
	static const char *const formats[] = { "csv", "json", "json-v1", "table" };
	const struct kt_event_def *evs[] = { ev("msgsnd") };
	struct kt_record r;

	rec_msgsnd(&r);
	for (size_t i = 0; i < 4; i++) {
		struct kt_writer w = {
			.ops = kt_writer_find(formats[i]),
			.events = evs,
			.nevents = 1,
		};
		FILE *fp = fopen("/dev/full", "w");

		if (!fp)
			skip();
		/* buffered: the error shows when the rows are flushed */
		w.fp = fp;
		assert_int_equal(kt_writer_begin(&w), 0);
		assert_int_equal(kt_writer_event(&w, &r), 0);
		assert_int_equal(kt_writer_event(&w, &r), 0);
		errno = 0;
		assert_int_equal(kt_writer_end(&w), -1);
		assert_int_equal(errno, ENOSPC);
		assert_null(w.priv);
		fclose(fp);

		/* ... or when the stdio buffer fills up */
		fp = fopen("/dev/full", "w");
		assert_non_null(fp);
		w.fp = fp;
		assert_int_equal(kt_writer_begin(&w), 0);
		errno = 0;
		for (int n = 0; n < 10000; n++)
			if (kt_writer_event(&w, &r) < 0)
				break;
		assert_int_equal(errno, ENOSPC);
		assert_int_equal(kt_writer_end(&w), -1);
		fclose(fp);

		/* unbuffered: each row is one write(2) and fails whole */
		fp = fopen("/dev/full", "w");
		assert_non_null(fp);
		setvbuf(fp, NULL, _IONBF, 0);
		w.fp = fp;
		errno = 0;
		if (!strncmp(formats[i], "json", 4)) {
			assert_int_equal(kt_writer_begin(&w), 0);
			assert_int_equal(kt_writer_event(&w, &r), -1);
			assert_int_equal(errno, ENOSPC);
			errno = 0;
			assert_int_equal(kt_writer_end(&w), -1);
			assert_int_equal(errno, EIO);	/* the stream's error flag */
		} else {
			/* the header is the first write */
			assert_int_equal(kt_writer_begin(&w), -1);
			assert_int_equal(errno, ENOSPC);
			assert_null(w.priv);
		}
		fclose(fp);
	}
}

static void test_bad_args(void **state)
{
	struct kt_writer w = { .ops = kt_writer_find("csv") };

	errno = 0;
	assert_int_equal(kt_writer_begin(&w), -1);	/* no FILE */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(kt_writer_begin(NULL), -1);
	assert_int_equal(errno, EINVAL);
	/* an event before a successful begin() */
	errno = 0;
	assert_int_equal(kt_writer_event(&w, &(struct kt_record){ .ev = kt_lost_event() }), -1);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_writer_table),
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_rows),
		cmocka_unit_test(test_csv_types),
		cmocka_unit_test(test_csv_unknown_event),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_types),
		cmocka_unit_test(test_json_tracee),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv_flags_context),
		cmocka_unit_test(test_csv_task_columns),
		cmocka_unit_test(test_csv_many_columns),
		cmocka_unit_test(test_json_flags_context),
		cmocka_unit_test(test_table_flags_context),
		cmocka_unit_test(test_csv_machine_abi),
		cmocka_unit_test(test_duration_human),
		cmocka_unit_test(test_record_duration),
		cmocka_unit_test(test_duration_columns),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
