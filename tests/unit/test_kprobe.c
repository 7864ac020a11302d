// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail's own kprobe events without a kernel: the format files of its
 * probes as Debian's 6.12 and 6.1 kernels printed them
 * (tests/data/linux-<kernel>-x86_64/kprobes), records built by hand at the
 * offsets those formats give, decoded (detail, compat entry and exit:
 * numbers, __data_loc strings, __ptr guards, socket addresses, a
 * timespec) and merged into syscall records by the pairer (guards, message
 * bodies cut to the syscall's length, any-ABI details, unmatched details).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "ktrail/catalog.h"
#include "ktrail/decode.h"
#include "ktrail/event.h"
#include "ktrail/pair.h"
#include "ktrail/util.h"

#define K612 "linux-6.12-x86_64"
#define K61 "linux-6.1-x86_64"
#define SYS "ktrail_401"	/* the probes' group: ktrail_<pid> */

/* ------------------------------------------------------------ helpers */

static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

/*
 * Add tests/data/<kernel>/kprobes/<name>.format to @d; returns the event's
 * ID, which must be @want_id (the IDs those kernels gave the probes).
 */
static int add_format(struct kt_decoder *d, const char *kernel, const char *name, int want_id)
{
	char path[1024];
	const char *idl;
	size_t len;
	char *buf;
	int id;

	snprintf(path, sizeof(path), "%s/%s/kprobes/%s.format", KT_TEST_DATA, kernel, name);
	buf = kt_read_file(path, &len);
	if (!buf)
		print_message("cannot read %s\n", path);
	assert_non_null(buf);
	idl = strstr(buf, "\nID: ");
	assert_non_null(idl);
	id = atoi(idl + 5);
	assert_int_equal(id, want_id);
	assert_int_equal(kt_decoder_add_format(d, SYS, buf, len), 0);
	free(buf);
	return id;
}

static struct kt_decoder *decoder(void)
{
	struct kt_decoder *d = kt_decoder_new(8, false);

	assert_non_null(d);
	return d;
}

/* A record: the common fields, fixed fields up to @fixed, then the
 * dynamic area the __data_loc strings point into. */
struct rec {
	unsigned char b[512];
	unsigned int size;
};

static void rec_init(struct rec *r, int id, int tid, unsigned int fixed)
{
	memset(r->b, 0, sizeof(r->b));
	put16(r->b, (uint16_t)id);	/* common_type */
	put32(r->b + 4, (uint32_t)tid);	/* common_pid */
	put64(r->b + 8, 0xffffffff81234567ull);	/* __probe_ip */
	r->size = fixed;
}

/* A string as the kernel stores one: @len bytes (its NUL included) at
 * the end of the record, the field = offset | length << 16. */
static void rec_str(struct rec *r, unsigned int field, const char *s, unsigned int len)
{
	assert_true(r->size + len <= sizeof(r->b));
	memcpy(r->b + r->size, s, len);
	put32(r->b + field, r->size | len << 16);
	r->size += len;
}

/* Records the pairer emits, with their strings and addresses copied (the
 * pairer frees them when emit returns). */
#define MAXREC 8
#define STRMAX 128

struct sink {
	struct kt_record r[MAXREC];
	char str[MAXREC][KT_MAX_ARGS][STRMAX];
	struct kt_sockaddr sa[MAXREC][KT_MAX_ARGS];
	int n;
};

static int collect(struct kt_record *r, void *arg)
{
	struct sink *s = arg;
	int k = s->n;

	assert_true(k < MAXREC);
	s->r[k] = *r;
	for (int i = 0; i < KT_MAX_ARGS; i++) {
		struct kt_value *v = &s->r[k].args[i];

		if (v->str) {
			assert_true(v->len <= STRMAX);
			memcpy(s->str[k][i], v->str, v->len);
			v->str = s->str[k][i];
		}
		if (v->sa) {
			s->sa[k][i] = *v->sa;
			v->sa = &s->sa[k][i];
		}
	}
	s->n++;
	return 0;
}

static int arg(const struct kt_event_def *ev, const char *name)
{
	int i = kt_arg_index(ev, name);

	assert_true(i >= 0 && i < KT_MAX_ARGS);
	return i;
}

static void assert_str(const struct kt_value *v, const char *want)
{
	assert_true(v->set);
	assert_non_null(v->str);
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->str, want, v->len);
}

static struct kt_raw sys_enter(int tid, uint64_t ts, uint64_t a0, uint64_t a1, uint64_t a2,
			       uint64_t a3)
{
	struct kt_raw r = { .kind = KT_RAW_ENTER, .tid = tid, .ts = ts,
			    .args = { a0, a1, a2, a3 } };

	return r;
}

static struct kt_raw sys_exit(int tid, uint64_t ts, int64_t ret)
{
	struct kt_raw r = { .kind = KT_RAW_EXIT, .tid = tid, .ts = ts, .ret = ret };

	return r;
}

/* ------------------------------------------------ msgsnd_d (do_msgsnd) */

/*
 * msgsnd_d: s64 mtype at 16, __data_loc mtext at 24.  @text is stored
 * with its NUL, as the kernel's string fetch does.
 */
static void msgsnd_d_rec(struct rec *r, int id, int tid, int64_t mtype, const char *text)
{
	rec_init(r, id, tid, 28);
	put64(r->b + 16, (uint64_t)mtype);
	rec_str(r, 24, text, strlen(text) + 1);
}

static void check_msgsnd_detail(const char *kernel, int id)
{
	const struct kt_event_def *ev = kt_event_by_name("msgsnd");
	int imtype = arg(ev, "mtype"), imtext = arg(ev, "mtext");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	assert_int_equal(imtype, 4);
	assert_int_equal(imtext, 5);
	add_format(d, kernel, "msgsnd_d", id);
	msgsnd_d_rec(&r, id, 7001, 3, "aaaaaaaaaaaaaaaaXYZ");
	assert_int_equal(kt_decode(d, r.b, r.size, 5000, 2, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);
	assert_ptr_equal(raw.ev, ev);
	assert_int_equal(raw.tid, 7001);
	assert_int_equal(raw.ts, 5000);
	assert_int_equal(raw.cpu, 2);
	assert_true(raw.kprobe);
	assert_false(raw.compat);
	assert_true(raw.any_abi);
	assert_true(raw.vals[imtype].set);
	assert_int_equal(raw.vals[imtype].i, 3);
	assert_null(raw.vals[imtype].str);
	/* The trailing NUL the kernel stored is not part of the value. */
	assert_str(&raw.vals[imtext], "aaaaaaaaaaaaaaaaXYZ");
	/* Nothing else: the syscall's own arguments come from the enter. */
	for (int i = 0; i < 4; i++)
		assert_false(raw.vals[i].set);
	assert_int_equal(raw.args[0], 0);
	assert_int_equal(raw.args[1], 0);

	/* Merged into the pending enter; the body cut to msgsz (16). */
	p = kt_pairer_new(1000000, collect, s);
	assert_non_null(p);
	e = sys_enter(7001, 4990, 9, 0x1000, 16, 0);
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	/* The record buffer may be reused at once: the pairer copied. */
	memset(r.b, 'Q', sizeof(r.b));
	x = sys_exit(7001, 5010, 0);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(kt_pair_unmatched(p), 0);
	assert_ptr_equal(s->r[0].ev, ev);
	assert_int_equal(s->r[0].state, KT_ST_COMPLETE);
	assert_int_equal(s->r[0].tid, 7001);
	assert_int_equal(s->r[0].ts, 1004990);
	assert_int_equal(s->r[0].ts_exit, 1005010);
	assert_false(s->r[0].compat);
	assert_true(s->r[0].has_ret);
	assert_int_equal(s->r[0].ret, 0);
	assert_int_equal(s->r[0].args[0].i, 9);
	assert_int_equal(s->r[0].args[1].u, 0x1000);
	assert_int_equal(s->r[0].args[2].u, 16);
	assert_int_equal(s->r[0].args[3].i, 0);
	assert_true(s->r[0].args[imtype].set);
	assert_int_equal(s->r[0].args[imtype].i, 3);
	assert_str(&s->r[0].args[imtext], "aaaaaaaaaaaaaaaa");

	/* msgp NULL in the enter: whatever the probe read is dropped. */
	msgsnd_d_rec(&r, id, 7001, 3, "aaaaaaaaaaaaaaaaXYZ");
	assert_int_equal(kt_decode(d, r.b, r.size, 6000, 0, &raw), 0);
	e = sys_enter(7001, 5990, 9, 0, 16, 0);
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	x = sys_exit(7001, 6010, -14);	/* -EFAULT */
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->r[1].state, KT_ST_COMPLETE);
	assert_int_equal(s->r[1].ret, -14);
	assert_int_equal(s->r[1].args[1].u, 0);
	assert_int_equal(s->r[1].args[2].u, 16);
	assert_false(s->r[1].args[imtype].set);
	assert_false(s->r[1].args[imtext].set);
	assert_null(s->r[1].args[imtext].str);
	assert_int_equal(kt_pair_unmatched(p), 0);
	assert_int_equal(kt_pair_pending(p), 0);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

static void test_msgsnd_detail_612(void **state)
{
	check_msgsnd_detail(K612, 1556);
}

/* The same probe as 6.1 printed it (another ID, the same layout). */
static void test_msgsnd_detail_61(void **state)
{
	check_msgsnd_detail(K61, 1730);
}

/* A body longer than KT_MSG_PREFIX: cut to 64 bytes even when msgsz is
 * larger; a negative mtype keeps its sign. */
static void test_msgsnd_body_prefix(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("msgsnd");
	int imtype = arg(ev, "mtype"), imtext = arg(ev, "mtext");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	char body[81], want[65];
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	for (int i = 0; i < 80; i++)
		body[i] = (char)('A' + i % 26);
	body[80] = '\0';
	memcpy(want, body, 64);
	want[64] = '\0';
	add_format(d, K612, "msgsnd_d", 1556);
	msgsnd_d_rec(&r, 1556, 12, -5, body);
	assert_int_equal(kt_decode(d, r.b, r.size, 10, 0, &raw), 0);
	assert_int_equal(raw.vals[imtype].i, -5);
	assert_str(&raw.vals[imtext], body);	/* the decoder does not cut */

	p = kt_pairer_new(0, collect, s);
	e = sys_enter(12, 5, 1, 0x7ffd0000ull, 100, 04000);
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	x = sys_exit(12, 20, 0);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->r[0].args[imtype].i, -5);
	assert_str(&s->r[0].args[imtext], want);
	assert_int_equal(s->r[0].args[3].i, 04000);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/*
 * do_msgsnd serves both ABIs: its detail (msgsnd_d, any_abi) fills a
 * 32-bit task's call seen by the compat entry and exit probes
 * (msgsnd_ce / msgsnd_cx).
 */
static void test_msgsnd_detail_into_compat(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("msgsnd");
	int imtype = arg(ev, "mtype"), imtext = arg(ev, "mtext");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	struct kt_raw ce, det, cx;
	/* One buffer per record: a raw event's strings point into it. */
	struct rec r, rd, rx;

	assert_non_null(s);
	add_format(d, K612, "msgsnd_ce", 1554);
	add_format(d, K612, "msgsnd_cx", 1555);
	add_format(d, K612, "msgsnd_d", 1556);

	/* msgsnd_ce: s32 msqid, u32 msgp, u32 msgsz, s32 msgflg at 16.. */
	rec_init(&r, 1554, 300, 32);
	put32(r.b + 16, 5);
	put32(r.b + 20, 0xffd01000u);
	put32(r.b + 24, 4);
	put32(r.b + 28, 04000);
	assert_int_equal(kt_decode(d, r.b, r.size, 100, 1, &ce), 0);
	assert_int_equal(ce.kind, KT_RAW_ENTER);
	assert_ptr_equal(ce.ev, ev);
	assert_true(ce.kprobe);
	assert_true(ce.compat);
	assert_false(ce.any_abi);
	assert_int_equal(ce.args[0], 5);
	assert_int_equal(ce.args[1], 0xffd01000u);
	assert_int_equal(ce.args[2], 4);
	assert_int_equal(ce.args[3], 04000);

	msgsnd_d_rec(&rd, 1556, 300, 1, "ping-pong");
	assert_int_equal(kt_decode(d, rd.b, rd.size, 101, 1, &det), 0);
	assert_int_equal(det.kind, KT_RAW_DETAIL);

	rec_init(&rx, 1555, 300, 28);
	put64(rx.b + 8, 0xffffffff81000000ull);	/* __probe_func */
	put64(rx.b + 16, 0xffffffff81000100ull);	/* __probe_ret_ip */
	put32(rx.b + 24, 0);
	assert_int_equal(kt_decode(d, rx.b, rx.size, 102, 1, &cx), 0);
	assert_int_equal(cx.kind, KT_RAW_EXIT);
	assert_true(cx.compat);
	assert_int_equal(cx.ret, 0);

	p = kt_pairer_new(0, collect, s);
	assert_int_equal(kt_pair_enter(p, &ce, ce.ev, ce.compat), 0);
	assert_int_equal(kt_pair_detail(p, &det, det.ev, det.compat, det.any_abi), 0);
	assert_int_equal(kt_pair_exit(p, &cx, cx.ev, cx.compat), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(kt_pair_unmatched(p), 0);
	assert_int_equal(s->r[0].state, KT_ST_COMPLETE);
	assert_true(s->r[0].compat);
	assert_int_equal(s->r[0].args[0].i, 5);
	assert_int_equal(s->r[0].args[1].u, 0xffd01000u);
	assert_int_equal(s->r[0].args[2].u, 4);
	assert_int_equal(s->r[0].args[imtype].i, 1);
	assert_str(&s->r[0].args[imtext], "ping");	/* msgsz 4 */

	/* A detail that is not any-ABI does not fill a compat call (the
	 * thread is in a call: dropped, not counted as unmatched). */
	assert_int_equal(kt_pair_enter(p, &ce, ce.ev, ce.compat), 0);
	assert_int_equal(kt_pair_detail(p, &det, det.ev, false, false), 0);
	assert_int_equal(kt_pair_unmatched(p), 0);
	assert_int_equal(kt_pair_exit(p, &cx, cx.ev, cx.compat), 0);
	assert_int_equal(s->n, 2);
	assert_false(s->r[1].args[imtype].set);
	assert_false(s->r[1].args[imtext].set);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/* ------------------------------------------------- sendmsg_d (msghdr) */

/*
 * sendmsg_d (6.12 and 6.1): u64 msg_name__ptr 16, u16 __fam 24, u16 __port
 * 26, u32 __in4 28, u64 __in6a 32, u64 __in6b 40, __data_loc __path 48,
 * __data_loc __abs 52, u64 msg_iovlen 56, u64 msg_controllen 64, u32
 * msg_flags 72.  @sa: the first 24 bytes of the user's sockaddr, copied as
 * the kernel reads them (scalar fields from memory: the bytes as they are).
 */
static void sendmsg_d_rec(struct rec *r, int tid, uint64_t name_ptr, const unsigned char *sa,
			  uint64_t iovlen, uint64_t controllen, uint32_t flags)
{
	rec_init(r, 1585, tid, 76);
	put64(r->b + 16, name_ptr);
	memcpy(r->b + 24, sa, 24);
	put64(r->b + 56, iovlen);
	put64(r->b + 64, controllen);
	put32(r->b + 72, flags);
}

static struct kt_decoder *sendmsg_decoder(void)
{
	struct kt_decoder *d = decoder();

	add_format(d, K612, "sendmsg_d", 1585);
	return d;
}

static void test_sendmsg_unix_abstract(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("sendmsg");
	int iname = arg(ev, "msg_name"), iiov = arg(ev, "msg_iovlen");
	int ictl = arg(ev, "msg_controllen"), iflags = arg(ev, "msg_flags");
	struct kt_decoder *d = sendmsg_decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	unsigned char sa[24] = { 1, 0, 0, 'k', 't', 'r', 'a', 'i', 'l' };
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	assert_int_equal(iname, 3);
	/* sun_path[0] == 0: the path string is unreadable (length 0). */
	sendmsg_d_rec(&r, 55, 0x7ffe1000ull, sa, 1, 0, 0);
	put32(r.b + 48, r.size);
	rec_str(&r, 52, "ktrail-wl-5-0-to", 17);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);
	assert_ptr_equal(raw.ev, ev);
	assert_true(raw.any_abi);
	assert_false(raw.compat);
	assert_true(raw.vals[iname].set);
	assert_ptr_equal(raw.vals[iname].sa, &raw.sa);
	assert_int_equal(raw.sa.family, AF_UNIX);
	assert_int_equal(raw.sa.port, 0);
	assert_string_equal(raw.sa.addr, "@ktrail-wl-5-0-to");
	assert_true(raw.vals[iiov].set);
	assert_int_equal(raw.vals[iiov].u, 1);
	assert_true(raw.vals[ictl].set);
	assert_int_equal(raw.vals[ictl].u, 0);
	assert_true(raw.vals[iflags].set);
	assert_int_equal(raw.vals[iflags].u, 0);

	/* As a kernel stores it: the empty path is one NUL byte. */
	sendmsg_d_rec(&r, 55, 0x7ffe1000ull, sa, 2, 24, 0x40);
	rec_str(&r, 48, "", 1);
	rec_str(&r, 52, "ktrail-wl-5-0-to", 17);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.sa.family, AF_UNIX);
	assert_string_equal(raw.sa.addr, "@ktrail-wl-5-0-to");
	assert_int_equal(raw.vals[iiov].u, 2);
	assert_int_equal(raw.vals[ictl].u, 24);
	assert_int_equal(raw.vals[iflags].u, 0x40);

	/* Into the record: the address outlives the raw event. */
	p = kt_pairer_new(0, collect, s);
	e = sys_enter(55, 0, 4, 0x7ffe0f00ull, 0x4000, 0);	/* MSG_NOSIGNAL */
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	memset(&raw, 0, sizeof(raw));
	x = sys_exit(55, 3, 16);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->r[0].ret, 16);
	assert_int_equal(s->r[0].args[0].i, 4);
	assert_int_equal(s->r[0].args[1].u, 0x7ffe0f00ull);
	assert_int_equal(s->r[0].args[2].i, 0x4000);
	assert_true(s->r[0].args[iname].set);
	assert_non_null(s->r[0].args[iname].sa);
	assert_int_equal(s->r[0].args[iname].sa->family, AF_UNIX);
	assert_int_equal(s->r[0].args[iname].sa->port, 0);
	assert_string_equal(s->r[0].args[iname].sa->addr, "@ktrail-wl-5-0-to");
	assert_int_equal(s->r[0].args[iiov].u, 2);
	assert_int_equal(s->r[0].args[ictl].u, 24);
	assert_int_equal(s->r[0].args[iflags].u, 0x40);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/* A path socket: the path wins over what the abs field read. */
static void test_sendmsg_unix_path(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("sendmsg");
	int iname = arg(ev, "msg_name");
	struct kt_decoder *d = sendmsg_decoder();
	unsigned char sa[24] = { 1, 0, '/', 't', 'm', 'p', '/', 's' };
	struct kt_raw raw;
	struct rec r;

	sendmsg_d_rec(&r, 56, 0x7ffe1000ull, sa, 1, 0, 0);
	rec_str(&r, 48, "/tmp/sock", 10);
	rec_str(&r, 52, "tmp/sock", 9);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_true(raw.vals[iname].set);
	assert_int_equal(raw.sa.family, AF_UNIX);
	assert_int_equal(raw.sa.port, 0);
	assert_string_equal(raw.sa.addr, "/tmp/sock");
	kt_decoder_free(d);
}

/* msg_name NULL (a connected socket): no address, whatever the failed
 * reads left in its fields; the msghdr's other members still read. */
static void test_sendmsg_null_name(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("sendmsg");
	int iname = arg(ev, "msg_name"), iiov = arg(ev, "msg_iovlen");
	int ictl = arg(ev, "msg_controllen"), iflags = arg(ev, "msg_flags");
	struct kt_decoder *d = sendmsg_decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	unsigned char junk[24];
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	junk[0] = 2;	/* AF_INET */
	junk[1] = 0;
	for (int i = 2; i < 24; i++)
		junk[i] = (unsigned char)(0xa0 + i);
	sendmsg_d_rec(&r, 57, 0, junk, 1, 0, 0);
	rec_str(&r, 48, "junk", 5);
	rec_str(&r, 52, "unk", 4);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);
	assert_false(raw.vals[iname].set);
	assert_true(raw.vals[iiov].set);
	assert_int_equal(raw.vals[iiov].u, 1);
	assert_true(raw.vals[ictl].set);
	assert_int_equal(raw.vals[ictl].u, 0);
	assert_true(raw.vals[iflags].set);
	assert_int_equal(raw.vals[iflags].u, 0);

	p = kt_pairer_new(0, collect, s);
	e = sys_enter(57, 0, 3, 0x7ffe2000ull, 0, 0);
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	x = sys_exit(57, 1, 5);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 1);
	assert_false(s->r[0].args[iname].set);
	assert_null(s->r[0].args[iname].sa);
	assert_true(s->r[0].args[iiov].set);
	assert_int_equal(s->r[0].args[iiov].u, 1);
	assert_true(s->r[0].args[ictl].set);
	assert_true(s->r[0].args[iflags].set);

	/* The msghdr pointer NULL in the enter: every value read through it
	 * is dropped. */
	assert_int_equal(kt_pair_enter(p, &(struct kt_raw){ .kind = KT_RAW_ENTER, .tid = 57 },
				       ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	x = sys_exit(57, 2, -14);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->r[1].ret, -14);
	assert_false(s->r[1].args[iname].set);
	assert_false(s->r[1].args[iiov].set);
	assert_false(s->r[1].args[ictl].set);
	assert_false(s->r[1].args[iflags].set);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

static void test_sendmsg_inet(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("sendmsg");
	int iname = arg(ev, "msg_name");
	struct kt_decoder *d = sendmsg_decoder();
	/* sockaddr_in 127.0.0.1:8080, then what follows it in memory */
	unsigned char sin[24] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				  0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };
	/* sockaddr_in6 [2001:db8::1]:443, flowinfo 0 */
	unsigned char sin6[24] = { 10, 0, 0x01, 0xbb, 0, 0, 0, 0,
				   0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct kt_raw raw;
	struct rec r;

	sendmsg_d_rec(&r, 58, 0x7ffe3000ull, sin, 1, 0, 0);
	rec_str(&r, 48, "\x1f\x90\x7f", 4);	/* sun_path's read of the same bytes */
	rec_str(&r, 52, "\x90\x7f", 3);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_true(raw.vals[iname].set);
	assert_int_equal(raw.sa.family, AF_INET);
	assert_int_equal(raw.sa.port, 8080);
	assert_string_equal(raw.sa.addr, "127.0.0.1");

	sendmsg_d_rec(&r, 58, 0x7ffe3000ull, sin6, 1, 0, 0);
	put32(r.b + 48, r.size);
	put32(r.b + 52, r.size);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_true(raw.vals[iname].set);
	assert_int_equal(raw.sa.family, AF_INET6);
	assert_int_equal(raw.sa.port, 443);
	assert_string_equal(raw.sa.addr, "2001:db8::1");

	/* A family ktrail does not print: the number, no address. */
	sin[0] = 16;	/* AF_NETLINK */
	sendmsg_d_rec(&r, 58, 0x7ffe3000ull, sin, 1, 0, 0);
	put32(r.b + 48, r.size);
	put32(r.b + 52, r.size);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_true(raw.vals[iname].set);
	assert_int_equal(raw.sa.family, 16);
	assert_int_equal(raw.sa.port, 0);
	assert_string_equal(raw.sa.addr, "");
	kt_decoder_free(d);
}

/* --------------------------------- mq_timedsend_time32: compat probes */

static void test_compat_mq_timedsend_time32(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("mq_timedsend_time32");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	struct kt_raw ce, cx;
	/* One buffer per record: a raw event's strings point into it. */
	struct rec r, rx;

	assert_non_null(s);
	assert_non_null(ev);
	add_format(d, K612, "mq_timedsend_time32_ce", 1579);
	add_format(d, K612, "mq_timedsend_time32_cx", 1580);

	/* s32 mqdes 16, u32 u_msg_ptr__ptr 20, u32 msg_len 24, u32 msg_prio
	 * 28, u32 u_abs_timeout 32, __data_loc u_msg_ptr 36 */
	rec_init(&r, 1579, 4321, 40);
	put32(r.b + 16, 3);
	put32(r.b + 20, 0xffc0a010u);
	put32(r.b + 24, 5);
	put32(r.b + 28, 7);
	put32(r.b + 32, 0xffc0b000u);
	rec_str(&r, 36, "hello, world", 13);
	assert_int_equal(kt_decode(d, r.b, r.size, 900, 3, &ce), 0);
	assert_int_equal(ce.kind, KT_RAW_ENTER);
	assert_ptr_equal(ce.ev, ev);
	assert_int_equal(ce.tid, 4321);
	assert_true(ce.kprobe);
	assert_true(ce.compat);
	assert_false(ce.any_abi);
	assert_int_equal(ce.args[0], 3);
	assert_int_equal(ce.args[1], 0xffc0a010u);
	assert_int_equal(ce.args[2], 5);
	assert_int_equal(ce.args[3], 7);
	assert_int_equal(ce.args[4], 0xffc0b000u);
	assert_int_equal(ce.args[5], 0);
	assert_str(&ce.vals[1], "hello, world");
	for (int i = 0; i < KT_MAX_ARGS; i++)
		if (i != 1)
			assert_false(ce.vals[i].set);

	/* The kretprobe: s32 ret at 24, -ETIMEDOUT sign-extended. */
	rec_init(&rx, 1580, 4321, 28);
	put64(rx.b + 16, 0xffffffff81000100ull);
	put32(rx.b + 24, (uint32_t)-110);
	assert_int_equal(kt_decode(d, rx.b, rx.size, 950, 3, &cx), 0);
	assert_int_equal(cx.kind, KT_RAW_EXIT);
	assert_ptr_equal(cx.ev, ev);
	assert_true(cx.kprobe);
	assert_true(cx.compat);
	assert_int_equal(cx.ret, -110);

	p = kt_pairer_new(0, collect, s);
	assert_int_equal(kt_pair_enter(p, &ce, ce.ev, ce.compat), 0);
	assert_int_equal(kt_pair_exit(p, &cx, cx.ev, cx.compat), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(kt_pair_pending(p), 0);
	assert_ptr_equal(s->r[0].ev, ev);
	assert_int_equal(s->r[0].state, KT_ST_COMPLETE);
	assert_true(s->r[0].compat);
	assert_int_equal(s->r[0].tid, 4321);
	assert_int_equal(s->r[0].cpu, 3);
	assert_int_equal(s->r[0].ts, 900);
	assert_int_equal(s->r[0].ts_exit, 950);
	assert_true(s->r[0].has_ret);
	assert_int_equal(s->r[0].ret, -110);
	assert_int_equal(s->r[0].args[0].i, 3);
	assert_str(&s->r[0].args[1], "hello");	/* cut to msg_len 5 */
	assert_int_equal(s->r[0].args[2].u, 5);
	assert_int_equal(s->r[0].args[3].u, 7);
	assert_int_equal(s->r[0].args[4].u, 0xffc0b000u);

	/* A negative mqdes through the 32-bit field; a NULL buffer: the
	 * string the failed read left (none) is no value. */
	rec_init(&r, 1579, 4321, 40);
	put32(r.b + 16, (uint32_t)-9);
	put32(r.b + 24, 5);
	put32(r.b + 36, r.size);	/* a faulted string: length 0 */
	assert_int_equal(kt_decode(d, r.b, r.size, 1000, 3, &ce), 0);
	assert_int_equal(ce.args[1], 0);
	assert_false(ce.vals[1].set);
	rec_init(&rx, 1580, 4321, 28);
	put32(rx.b + 24, (uint32_t)-9);	/* -EBADF */
	assert_int_equal(kt_decode(d, rx.b, rx.size, 1001, 3, &cx), 0);
	assert_int_equal(kt_pair_enter(p, &ce, ce.ev, ce.compat), 0);
	assert_int_equal(kt_pair_exit(p, &cx, cx.ev, cx.compat), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->r[1].state, KT_ST_COMPLETE);
	assert_int_equal(s->r[1].args[0].i, -9);
	assert_false(s->r[1].args[1].set);
	assert_int_equal(s->r[1].ret, -9);

	/* The compat exit does not close a native call of the same event. */
	assert_int_equal(kt_pair_enter(p, &ce, ce.ev, false), 0);
	assert_int_equal(kt_pair_exit(p, &cx, cx.ev, cx.compat), 0);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->r[2].state, KT_ST_NO_EXIT);
	assert_int_equal(s->r[3].state, KT_ST_NO_ENTER);
	assert_true(s->r[3].compat);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/* -------------------------------------------------- unmatched details */

static void test_detail_without_enter(void **state)
{
	const struct kt_event_def *msgsnd = kt_event_by_name("msgsnd");
	const struct kt_event_def *msgrcv = kt_event_by_name("msgrcv");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	add_format(d, K612, "msgsnd_d", 1556);
	msgsnd_d_rec(&r, 1556, 800, 3, "orphan");
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);

	/* Nothing pending: dropped and counted, no record. */
	p = kt_pairer_new(0, collect, s);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	assert_int_equal(kt_pair_unmatched(p), 1);
	assert_int_equal(s->n, 0);
	assert_int_equal(kt_pair_pending(p), 0);
	assert_int_equal(kt_pair_flush(p), 0);
	assert_int_equal(s->n, 0);

	/* Another thread's msgsnd, and this thread's msgrcv, are pending:
	 * neither takes the values; the thread being in a call, they are
	 * not counted as unmatched either. */
	e = sys_enter(801, 2, 1, 0x1000, 6, 0);
	assert_int_equal(kt_pair_enter(p, &e, msgsnd, false), 0);
	e = sys_enter(800, 3, 1, 0x2000, 64, 0);
	assert_int_equal(kt_pair_enter(p, &e, msgrcv, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	assert_int_equal(kt_pair_unmatched(p), 1);
	x = sys_exit(801, 4, 0);
	assert_int_equal(kt_pair_exit(p, &x, msgsnd, false), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->r[0].tid, 801);
	assert_false(s->r[0].args[arg(msgsnd, "mtype")].set);
	assert_false(s->r[0].args[arg(msgsnd, "mtext")].set);
	assert_int_equal(kt_pair_flush(p), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->r[1].tid, 800);
	assert_ptr_equal(s->r[1].ev, msgrcv);
	assert_int_equal(s->r[1].state, KT_ST_UNFINISHED);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/* ------------------------------------------ strings out of the record */

static void test_loc_out_of_record(void **state)
{
	const struct kt_event_def *msgsnd = kt_event_by_name("msgsnd");
	const struct kt_event_def *sendmsg = kt_event_by_name("sendmsg");
	int imtype = arg(msgsnd, "mtype"), imtext = arg(msgsnd, "mtext");
	int iname = arg(sendmsg, "msg_name"), iiov = arg(sendmsg, "msg_iovlen");
	unsigned char sa[24] = { 1, 0, '/', 'x' };
	struct kt_decoder *d = decoder();
	struct kt_raw raw;
	struct rec r;

	add_format(d, K612, "msgsnd_d", 1556);
	add_format(d, K612, "sendmsg_d", 1585);

	/* The offset past the record's end. */
	msgsnd_d_rec(&r, 1556, 900, 3, "abc");
	put32(r.b + 24, 200 | 4 << 16);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);
	assert_true(raw.vals[imtype].set);
	assert_int_equal(raw.vals[imtype].i, 3);
	assert_false(raw.vals[imtext].set);

	/* In the record, but its length runs past the end. */
	msgsnd_d_rec(&r, 1556, 900, -1, "abc");	/* at 28, 4 bytes */
	put32(r.b + 24, 28 | 5 << 16);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.vals[imtype].i, -1);
	assert_false(raw.vals[imtext].set);
	/* ... and exactly to the end: read. */
	put32(r.b + 24, 28 | 4 << 16);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_str(&raw.vals[imtext], "abc");

	/* A unix path out of the record: the address is still there (the
	 * family, no name), and so is the rest. */
	sendmsg_d_rec(&r, 901, 0x7ffe1000ull, sa, 3, 8, 0);
	put32(r.b + 48, 0x0400 | 9 << 16);
	put32(r.b + 52, 0x0400 | 8 << 16);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_true(raw.vals[iname].set);
	assert_int_equal(raw.sa.family, AF_UNIX);
	assert_string_equal(raw.sa.addr, "");
	assert_int_equal(raw.vals[iiov].u, 3);

	/* A record shorter than its fixed fields is refused whole. */
	msgsnd_d_rec(&r, 1556, 900, 3, "abc");
	assert_int_equal(kt_decode(d, r.b, 27, 1, 0, &raw), -1);
	kt_decoder_free(d);
}

/* ------------------------------------------ mq_timedsend_d: a timespec */

static void test_mq_timedsend_timespec(void **state)
{
	const struct kt_event_def *ev = kt_event_by_name("mq_timedsend");
	int ibody = arg(ev, "msg_ptr"), its = arg(ev, "abs_timeout");
	struct kt_decoder *d = decoder();
	struct kt_pairer *p;
	struct sink *s = calloc(1, sizeof(*s));
	struct kt_raw raw, e, x;
	struct rec r;

	assert_non_null(s);
	add_format(d, K612, "mq_timedsend_d", 1571);
	/* __data_loc msg_ptr 16, s64 abs_timeout__sec 20, __nsec 28 */
	rec_init(&r, 1571, 77, 36);
	rec_str(&r, 16, "tick", 5);
	put64(r.b + 20, 1700000000);
	put64(r.b + 28, 250000000);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_DETAIL);
	assert_true(raw.any_abi);
	assert_str(&raw.vals[ibody], "tick");
	assert_true(raw.vals[its].set);
	assert_true(raw.vals[its].d == 1700000000.25);

	/* No timeout (abs_timeout NULL in the enter): dropped. */
	p = kt_pairer_new(0, collect, s);
	e = sys_enter(77, 0, 3, 0x5000, 4, 0);
	assert_int_equal(kt_pair_enter(p, &e, ev, false), 0);
	assert_int_equal(kt_pair_detail(p, &raw, raw.ev, raw.compat, raw.any_abi), 0);
	x = sys_exit(77, 1, 0);
	assert_int_equal(kt_pair_exit(p, &x, ev, false), 0);
	assert_int_equal(s->n, 1);
	assert_str(&s->r[0].args[ibody], "tick");
	assert_false(s->r[0].args[its].set);
	kt_pairer_free(p);
	kt_decoder_free(d);
	free(s);
}

/* security_file_open_e (a kernel-function event): every field a value,
 * none a syscall register.  The format is written the way 6.12 lays out a
 * kprobe's fields (packed after __probe_ip). */
static void test_security_file_open(void **state)
{
	static const char fmt[] =
		"name: security_file_open_e\nID: 1601\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
		"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:s32 flags;\toffset:16;\tsize:4;\tsigned:1;\n"
		"\tfield:u32 dev;\toffset:20;\tsize:4;\tsigned:0;\n"
		"\tfield:u64 inode;\toffset:24;\tsize:8;\tsigned:0;\n"
		"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:1;\n\n"
		"print fmt: \"(%lx) flags=%d dev=%u inode=%Lu name=\\\"%s\\\"\", REC->__probe_ip, "
		"REC->flags, REC->dev, REC->inode, __get_str(name)\n";
	const struct kt_event_def *ev = kt_event_by_name("security_file_open");
	struct kt_decoder *d = decoder();
	struct kt_raw raw;
	struct rec r;

	(void)state;
	assert_int_equal(kt_decoder_add_format(d, SYS, fmt, strlen(fmt)), 0);
	rec_init(&r, 1601, 91, 36);
	put32(r.b + 16, 0x88241);
	put32(r.b + 20, 0x1a);
	put64(r.b + 24, 336);
	rec_str(&r, 32, "famwork-file", 13);
	assert_int_equal(kt_decode(d, r.b, r.size, 1, 0, &raw), 0);
	assert_int_equal(raw.kind, KT_RAW_ENTER);
	assert_true(raw.kprobe);
	assert_ptr_equal(raw.ev, ev);
	assert_true(raw.vals[arg(ev, "flags")].set);
	assert_int_equal(raw.vals[arg(ev, "flags")].i, 0x88241);
	assert_int_equal(raw.vals[arg(ev, "dev")].u, 0x1a);
	assert_int_equal(raw.vals[arg(ev, "inode")].u, 336);
	assert_str(&raw.vals[arg(ev, "name")], "famwork-file");
	assert_false(raw.vals[arg(ev, "syscall_pathname")].set);
	kt_decoder_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_file_open),
		cmocka_unit_test(test_msgsnd_detail_612),
		cmocka_unit_test(test_msgsnd_detail_61),
		cmocka_unit_test(test_msgsnd_body_prefix),
		cmocka_unit_test(test_msgsnd_detail_into_compat),
		cmocka_unit_test(test_sendmsg_unix_abstract),
		cmocka_unit_test(test_sendmsg_unix_path),
		cmocka_unit_test(test_sendmsg_null_name),
		cmocka_unit_test(test_sendmsg_inet),
		cmocka_unit_test(test_compat_mq_timedsend_time32),
		cmocka_unit_test(test_detail_without_enter),
		cmocka_unit_test(test_loc_out_of_record),
		cmocka_unit_test(test_mq_timedsend_timespec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
