/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output writers: one vtable per format.  A writer receives typed records
 * and never knows an event by name.
 */
#ifndef KTRAIL_WRITER_H
#define KTRAIL_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "ktrail/buf.h"
#include "ktrail/event.h"
#include "ktrail/flags.h"

struct kt_writer;

/* What a summary's rows are (--summary-by): one per event, or per
 * process or thread and event. */
enum kt_sum_by {
	KT_SUM_BY_EVENT,
	KT_SUM_BY_PROCESS,
	KT_SUM_BY_THREAD,
};

struct kt_writer_ops {
	const char *name;	/* "csv", "json", "table" */
	/*
	 * A row may hold a newline inside a quoted field ("..."), so a row
	 * ends only at a newline outside quotes (CSV).  Otherwise every
	 * newline ends a row.  For cutting a file back to its last whole row.
	 */
	bool quoted_newlines;
	int (*begin)(struct kt_writer *w);
	int (*event)(struct kt_writer *w, const struct kt_record *r);
	/* Optional: the time is @now (ns since the epoch) and no record
	 * that ends before it will come (kt_writer_tick). */
	int (*tick)(struct kt_writer *w, uint64_t now);
	int (*end)(struct kt_writer *w);
};

struct kt_writer {
	const struct kt_writer_ops *ops;
	FILE *fp;
	/* The selected events in catalog order (plus lost_events last): the
	 * CSV header is laid out from them before the first record. */
	const struct kt_event_def *const *events;
	unsigned int nevents;
	const char *hostname;	/* for JSON's hostName, may be NULL */
	/* The UTS namespace (inode) @hostname is the name of, 0: not known
	 * (a report): JSON's hostName is "" for a task of another one. */
	uint32_t own_utsns;
	/*
	 * Every argument as its number (--raw).  Otherwise flags and enums
	 * print by name (flags.h): the text in CSV and the table, and in
	 * JSON as the "value" string with the number kept in "raw".
	 */
	bool raw;
	/*
	 * The machine that made the events, by its uname -m ("x86_64",
	 * "armv7l", "aarch64": a recording's "machine"); NULL: this one.
	 * Flags and enums print with the values of its ABI, or of its 32-bit
	 * compat ABI for a record->compat record (kt_writer_abi()).
	 */
	const char *machine;
	/* Set by kt_writer_begin() from @machine (KT_ABI_NONE: not known
	 * here, asm-generic's values). */
	enum kt_abi abi, compat_abi;
	enum kt_sum_by summary_by;	/* summary, summary-csv */
	/* summary, summary-csv: --interval in ns, 0: none (summary.c). */
	uint64_t interval_ns;
	void *priv;		/* the format's own state */
};

/*
 * The formats, in the order the help lists them (src/output/writer.c):
 * kt_writers[0 .. kt_nwriters - 1].
 */
extern const struct kt_writer_ops *const kt_writers[];
extern const unsigned int kt_nwriters;

/*
 * Look up a format by name.  Returns NULL with errno = ENOENT if unknown.
 */
const struct kt_writer_ops *kt_writer_find(const char *name);

/*
 * The names of the formats for a message, "csv, json or table", in @buf
 * (cut to @len - 1 bytes, always terminated when @len > 0).  Returns
 * @buf.
 */
char *kt_writer_names(char *buf, size_t len);

/* All three return 0, or -1 with errno set (e.g. ENOSPC, EPIPE). */
int kt_writer_begin(struct kt_writer *w);	/* also sets abi, compat_abi */
int kt_writer_event(struct kt_writer *w, const struct kt_record *r);
int kt_writer_end(struct kt_writer *w);	/* flushes; frees priv */
/*
 * The time is @now (ns since the epoch, as the records' timestamps) and
 * no record that ends before it will come: a summary with --interval
 * writes the intervals that are over.  The first tick, before any record,
 * is the start of the first interval.  A format without intervals does
 * nothing.
 */
int kt_writer_tick(struct kt_writer *w, uint64_t now);

/* The ABI whose flag values @r's arguments have: w->abi, or
 * w->compat_abi for a 32-bit task's record (r->compat). */
enum kt_abi kt_writer_abi(const struct kt_writer *w, const struct kt_record *r);

/*
 * String escaping shared by the formats (src/output/escape.c).  @s holds
 * @len raw bytes (any bytes, possibly invalid UTF-8, possibly NUL).
 * Bytes that are not valid UTF-8 become the four characters \xHH and a
 * backslash becomes \\, so every value is valid UTF-8 and the mapping is
 * reversible.  Each appends to @out (a growing buffer, buf.h).
 */
/* The text of a string value: UTF-8 with \xHH and \\ as described. */
int kt_esc_text(struct kt_buf *out, const char *s, size_t len);
/* One RFC 4180 CSV field: the text above, quoted when it holds a comma,
 * quote, CR or LF or starts or ends with a space (quotes doubled). */
int kt_esc_csv(struct kt_buf *out, const char *s, size_t len);
/* A JSON string literal with its quotes. */
int kt_esc_json(struct kt_buf *out, const char *s, size_t len);
/* Text for a terminal: control characters (and ESC) as \n, \t, \e, \xHH. */
int kt_esc_table(struct kt_buf *out, const char *s, size_t len);

/* Helpers shared by the formats, so a value prints the same in each
 * (src/output/writer.c).  All return 0, or -1 with errno. */
/* "AF_INET", ..., or NULL for a family without a name here. */
const char *kt_af_name(int family);
/* The raw text "family=AF_INET addr=1.2.3.4 port=80", "family=AF_UNIX
 * path=/x" or "family=42": escape it like a string value. */
int kt_sockaddr_text(struct kt_buf *b, const struct kt_sockaddr *sa);
/*
 * A duration in nanoseconds for people: "850ns", "12.3us", "4.56ms",
 * "1.20s", "3600s" (three significant digits from 1us on).  Returns its
 * length; @buf holds at least 16 bytes.
 */
size_t kt_duration_human(char *buf, size_t len, uint64_t ns);
/*
 * How a format writes a typed value (src/output/value.c): the one printer
 * of every enum kt_type; each format supplies only this style.
 */
struct kt_value_style {
	/* A string's text, escaped for the format (kt_esc_csv, ...). */
	int (*str)(struct kt_buf *b, const char *s, size_t len);
	/* A socket address; NULL: its kt_sockaddr_text() through @str. */
	int (*sockaddr)(struct kt_buf *b, const struct kt_sockaddr *sa);
	/* No value (unset, no address, a type with no text): "" (CSV),
	 * "null" (JSON), "?" (table). */
	const char *none;
	/* Around a pointer's hex and a flag's name: "" or "\"" (JSON). */
	const char *quote;
	/* After a flag's name, then its number (JSON's ",\"raw\":"); NULL:
	 * the name alone. */
	const char *raw_key;
	bool finite_only;	/* a timespec that is NaN or infinite is @none */
	bool ptr_decimal;	/* a pointer as a bare decimal number (Tracee's JSON) */
};

/*
 * Append argument @i of @r as @st writes it: an integer in decimal, a
 * pointer in hex, a flag or enum by name (flags.h) unless w->raw, a
 * string escaped by @st.  Returns 0, or -1 with errno (ENOMEM).
 */
int kt_value_print(struct kt_buf *b, const struct kt_writer *w,
		   const struct kt_record *r, unsigned int i,
		   const struct kt_value_style *st);
/* The same with the argument's format given (@f: kt_arg_fmt()'s, or
 * KT_FMT_NONE for the number), as a writer that looked it up once
 * passes it. */
int kt_value_print_fmt(struct kt_buf *b, const struct kt_writer *w,
		       const struct kt_record *r, unsigned int i,
		       const struct kt_value_style *st, enum kt_fmt f);
/* Write @b whole to w->fp. */
int kt_writer_put(struct kt_writer *w, const struct kt_buf *b);

/* The formats kt_writer_find knows (src/output/{csv,json,table}.c). */
extern const struct kt_writer_ops kt_csv_ops;
extern const struct kt_writer_ops kt_json_ops;
extern const struct kt_writer_ops kt_json_v1_ops;
extern const struct kt_writer_ops kt_table_ops;
extern const struct kt_writer_ops kt_summary_ops;
extern const struct kt_writer_ops kt_summary_csv_ops;

/*
 * The summary's arithmetic (src/output/summary.c), for the tests: the
 * log-linear bucket of a duration in ns (exact below 128, then 128 a
 * power of two); the nearest-rank percentile @pct of @n values counted
 * in @bucket, as its bucket's middle clipped to [@min, @max]; a
 * duration in human units ("812ns", "12.3us", "4.56ms", "1.20s").
 */
unsigned int kt_sum_bucket(uint64_t v);
uint64_t kt_sum_percentile(const uint64_t *bucket, uint64_t n, uint64_t min, uint64_t max,
			   unsigned int pct);
char *kt_sum_human(char *buf, size_t len, uint64_t ns);
/*
 * --interval: the time a record counts at, its end (timestamp +
 * duration when it has one, else its timestamp); the interval (from 0)
 * of time @t for intervals of @len ns from @origin (0 before @origin);
 * the start of interval @k (UINT64_MAX past the end of time).
 */
uint64_t kt_sum_record_end(const struct kt_record *r);
uint64_t kt_sum_interval_of(uint64_t origin, uint64_t len, uint64_t t);
uint64_t kt_sum_interval_start(uint64_t origin, uint64_t len, uint64_t k);

#endif
