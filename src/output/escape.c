// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The escaping of string values.
 *
 * A string value is raw bytes.  Its text form keeps every valid UTF-8
 * sequence (no overlongs, no surrogates, nothing above U+10FFFF), turns
 * every other byte into the four characters \xHH, a NUL into \x00 and a
 * backslash into \\.  The text is therefore valid UTF-8 and the mapping
 * can be undone.  CSV, JSON and the table each wrap that text their way;
 * CSV also writes every control character, C0, DEL and C1, as \xHH
 * (each byte), so that a file shown on a terminal cannot command it and
 * a row never holds a line end;
 * all four share one loop (esc() below) that reserves the worst case once
 * and then writes without further checks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ktrail/buf.h"
#include "ktrail/writer.h"

static const char hexdig[] = "0123456789abcdef";

/* Which bytes each format copies as they are (one bit per format). */
enum {
	P_TEXT = 1 << 0,	/* the text form */
	P_CSV = 1 << 1,		/* the text form inside a CSV field */
	P_JSON = 1 << 2,	/* inside a JSON string literal */
	P_TABLE = 1 << 3,	/* on a terminal */
	P_ALL = P_TEXT | P_CSV | P_JSON | P_TABLE,
};

/* NUL, backslash and bytes >= 0x80 are never plain. */
static const unsigned char plain[256] = {
	[0x01 ... 0x1f] = P_TEXT,
	[0x20 ... 0x21] = P_ALL,
	['"'] = P_TEXT | P_TABLE,
	[0x23 ... 0x5b] = P_ALL,
	[0x5d ... 0x7e] = P_ALL,
	[0x7f] = P_TEXT,
};


/*
 * Length of the valid UTF-8 sequence of two or more bytes at @p, or 0
 * (Unicode 15, table 3-7: no overlongs, no surrogates, <= U+10FFFF).
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < 2 || p[1] < lo || p[1] > hi)
		return 0;
	if (n < 3 || (p[2] & 0xc0) != 0x80)
		return 0;
	if (c < 0xf0)
		return 3;
	if (n < 4 || (p[3] & 0xc0) != 0x80)
		return 0;
	return 4;
}

/* \xHH for the text form; in JSON its backslash is escaped once more. */
static char *put_x(char *o, unsigned char c, unsigned int mode)
{
	if (mode == P_JSON)
		*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	*o++ = hexdig[c >> 4];
	*o++ = hexdig[c & 0xf];
	return o;
}

static char *put_u(char *o, unsigned char c)
{
	memcpy(o, "\\u00", 4);
	o[4] = hexdig[c >> 4];
	o[5] = hexdig[c & 0xf];
	return o + 6;
}

/* A control character (not NUL) in JSON or on a terminal. */
static char *put_ctl(char *o, unsigned char c, unsigned int mode)
{
	char e;

	switch (c) {
	case '\n':
		e = 'n';
		break;
	case '\t':
		e = 't';
		break;
	case '\r':
		e = 'r';
		break;
	case 0x1b:
		if (mode == P_TABLE) {
			e = 'e';
			break;
		}
		/* fall through */
	default:
		return mode == P_JSON ? put_u(o, c) : put_x(o, c, mode);
	}
	*o++ = '\\';
	*o++ = e;
	return o;
}

/* @guard: the first byte is written as \xHH whatever it is. */
static int esc(struct kt_buf *out, const char *s, size_t len,
	       unsigned int mode, bool quote, bool guard)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	char *o;

	/* Worst case: a control byte as \u00XX in JSON, and the quotes. */
	if (len > (SIZE_MAX - 2) / 6) {
		errno = ENOMEM;
		return -1;
	}
	if (kt_buf_reserve(out, len * 6 + 2) < 0)
		return -1;
	if (!len)
		p = (const unsigned char *)"";
	end = p + len;
	o = out->p + out->len;
	if (quote)
		*o++ = '"';
	if (guard && p < end)
		o = put_x(o, *p++, mode);
	while (p < end) {
		unsigned char c = *p;
		size_t n;

		if (plain[c] & mode) {
			*o++ = c;
			p++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_len(p, end - p);
			if (!n) {
				o = put_x(o, c, mode);
				p++;
			} else if (mode == P_TABLE && c == 0xc2 && p[1] < 0xa0) {
				/* C1 controls (U+0080-U+009F): U+009B is CSI */
				o = put_u(o, p[1]);
				p += 2;
			} else if (mode == P_CSV && c == 0xc2 && p[1] < 0xa0) {
				/* In CSV their two bytes, as \xHH each. */
				o = put_x(o, c, mode);
				o = put_x(o, p[1], mode);
				p += 2;
			} else {
				memcpy(o, p, n);
				o += n;
				p += n;
			}
			continue;
		}
		if (c == '\\') {
			if (mode == P_JSON) {
				memcpy(o, "\\\\\\\\", 4);
				o += 4;
			} else {
				*o++ = '\\';
				*o++ = '\\';
			}
		} else if (c == '\0') {
			o = put_x(o, c, mode);
		} else if (c == '"') {
			*o++ = mode == P_JSON ? '\\' : '"';
			*o++ = '"';
		} else if (mode == P_CSV) {
			/* A control byte: a terminal that shows the file must not
			 * obey it (ESC, CR, BEL...), nor a line end split a row. */
			o = put_x(o, c, mode);
		} else {
			o = put_ctl(o, c, mode);
		}
		p++;
	}
	if (quote)
		*o++ = '"';
	*o = '\0';
	out->len = o - out->p;
	return 0;
}

int kt_esc_text(struct kt_buf *out, const char *s, size_t len)
{
	return esc(out, s, len, P_TEXT, false, false);
}

/*
 * CSV text.  A value a spreadsheet would take for a formula (it starts with
 * =, +, -, @, a tab or CR: a process can name itself "=HYPERLINK(...)")
 * has that first character written as \xHH, like an invalid byte: shown
 * as text, and the value is still recovered exactly by undoing the escapes.
 */
int kt_esc_csv(struct kt_buf *out, const char *s, size_t len)
{
	bool quote, guard;
	size_t i = 0;

	/* Most values (names, words) need nothing: copied as they are. */
	if (len && !strchr("=+-@\t\r ", s[0]) && s[len - 1] != ' ') {
		/* Plain in CSV and no comma: no escape, no quotes. */
		while (i < len && (plain[(unsigned char)s[i]] & P_CSV) && s[i] != ',')
			i++;
		if (i == len)
			return kt_buf_put(out, s, len);
	}
	quote = len && (s[0] == ' ' || s[len - 1] == ' ');
	guard = len && strchr("=+-@\t\r", s[0]) && s[0];
	for (i = 0; i < len && !quote; i++) {
		char c = s[i];

		quote = c == ',' || c == '"';
	}
	return esc(out, s, len, P_CSV, quote, guard);
}

int kt_esc_json(struct kt_buf *out, const char *s, size_t len)
{
	return esc(out, s, len, P_JSON, true, false);
}

int kt_esc_table(struct kt_buf *out, const char *s, size_t len)
{
	return esc(out, s, len, P_TABLE, false, false);
}
