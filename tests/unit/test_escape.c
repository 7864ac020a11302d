// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The escaping of string values (src/output/escape.c): exact outputs for
 * hostile bytes in each of the four forms, and the promises behind them:
 * the text form can be undone, and JSON-decoding the JSON literal gives
 * exactly the text form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/writer.h"

typedef int (*esc_fn)(struct kt_buf *out, const char *s, size_t len);

/* A string literal as (pointer, length), NUL bytes included. */
#define S(lit) (lit), sizeof(lit) - 1

static void check(esc_fn fn, const char *in, size_t len, const char *want)
{
	struct kt_buf b = { 0 };

	assert_int_equal(fn(&b, in, len), 0);
	assert_non_null(b.p);
	/* Escaped text never holds a NUL byte. */
	assert_int_equal(strlen(b.p), b.len);
	assert_string_equal(b.p, want);
	kt_buf_free(&b);
}

/* Inputs every form is tested with, and for the round trips. */
static const struct {
	const char *s;
	size_t len;
} hostile[] = {
	{ S("") },
	{ S("plain") },
	{ S("a,b") },
	{ S("say \"hi\"") },
	{ S("line1\nline2") },
	{ S("cr\r\n") },
	{ S(" lead") },
	{ S("trail ") },
	{ S("back\\slash") },
	{ S("\\x41") },
	{ S("nul\0byte") },
	{ S("\0") },
	{ S("\xff\xfe") },
	{ S("\xe2\x82") },
	{ S("\xe2\x82x") },
	{ S("\xc0\xaf") },
	{ S("\xed\xa0\x80") },
	{ S("\xf4\x90\x80\x80") },
	{ S("\xf0\x80\x80\xaf") },
	{ S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") },
	{ S("\x1b[31mred\x1b[0m") },
	{ S("\t\x01\x7f") },
	{ S("\xc2\x9b" "2J") },
	{ S("\x80\xbf") },
};

static void test_text(void **state)
{
	check(kt_esc_text, S(""), "");
	check(kt_esc_text, S("hello, world"), "hello, world");
	check(kt_esc_text, S("back\\slash"), "back\\\\slash");
	check(kt_esc_text, S("\\x41"), "\\\\x41");
	check(kt_esc_text, S("nul\0byte"), "nul\\x00byte");
	check(kt_esc_text, S("\0"), "\\x00");
	/* invalid UTF-8: every byte on its own */
	check(kt_esc_text, S("\xff\xfe"), "\\xff\\xfe");
	check(kt_esc_text, S("\x80\xbf"), "\\x80\\xbf");
	check(kt_esc_text, S("\xe2\x82"), "\\xe2\\x82");
	check(kt_esc_text, S("\xe2\x82x"), "\\xe2\\x82x");
	check(kt_esc_text, S("\xe2\x82\xe2\x82\xac"), "\\xe2\\x82\xe2\x82\xac");
	/* overlongs */
	check(kt_esc_text, S("\xc0\xaf"), "\\xc0\\xaf");
	check(kt_esc_text, S("\xc1\xbf"), "\\xc1\\xbf");
	check(kt_esc_text, S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	check(kt_esc_text, S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	/* surrogates, and beyond U+10FFFF */
	check(kt_esc_text, S("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	check(kt_esc_text, S("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");
	check(kt_esc_text, S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	check(kt_esc_text, S("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
	/* valid sequences at the edges are kept */
	check(kt_esc_text, S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	check(kt_esc_text, S("\xc2\x80\xdf\xbf"), "\xc2\x80\xdf\xbf");
	check(kt_esc_text, S("\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"),
	      "\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf");
	check(kt_esc_text, S("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
	      "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	/* other control characters stay: only the other forms escape them */
	check(kt_esc_text, S("\x1b[31m\t\r\n\x7f"), "\x1b[31m\t\r\n\x7f");
}

static void test_csv(void **state)
{
	check(kt_esc_csv, S(""), "");
	check(kt_esc_csv, S("plain"), "plain");
	check(kt_esc_csv, S("mid space"), "mid space");
	check(kt_esc_csv, S("a,b"), "\"a,b\"");
	check(kt_esc_csv, S("say \"hi\""), "\"say \"\"hi\"\"\"");
	check(kt_esc_csv, S("\""), "\"\"\"\"");
	check(kt_esc_csv, S("line1\nline2"), "line1\\x0aline2");
	check(kt_esc_csv, S("cr\r"), "cr\\x0d");
	check(kt_esc_csv, S(" lead"), "\" lead\"");
	check(kt_esc_csv, S("trail "), "\"trail \"");
	check(kt_esc_csv, S(" "), "\" \"");
	check(kt_esc_csv, S("back\\slash"), "back\\\\slash");
	check(kt_esc_csv, S("nul\0,byte"), "\"nul\\x00,byte\"");
	check(kt_esc_csv, S("\xff,\""), "\"\\xff,\"\"\"");
	check(kt_esc_csv, S("\xe2\x82"), "\\xe2\\x82");
	check(kt_esc_csv, S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* Control characters as \xHH: C0, DEL, and C1 (U+009B is CSI). */
	check(kt_esc_csv, S("\x1b[31m"), "\\x1b[31m");
	check(kt_esc_csv, S("tab\there"), "tab\\x09here");
	check(kt_esc_csv, S("bel\a,del\x7f"), "\"bel\\x07,del\\x7f\"");
	check(kt_esc_csv, S("csi\xc2\x9b" "2J"), "csi\\xc2\\x9b" "2J");
	check(kt_esc_csv, S("nbsp\xc2\xa0"), "nbsp\xc2\xa0");
	/* formula prefixes: the first character escaped, the rest as ever */
	check(kt_esc_csv, S("=HYPERLINK(\"http://x\")"), "\"\\x3dHYPERLINK(\"\"http://x\"\")\"");
	check(kt_esc_csv, S("+1"), "\\x2b1");
	check(kt_esc_csv, S("-bash"), "\\x2dbash");
	check(kt_esc_csv, S("@SUM(A1)"), "\\x40SUM(A1)");
	check(kt_esc_csv, S("\tx"), "\\x09x");
	check(kt_esc_csv, S("\r,x"), "\"\\x0d,x\"");
	check(kt_esc_csv, S("a=b"), "a=b");
	check(kt_esc_csv, S("="), "\\x3d");
}

static void test_json(void **state)
{
	check(kt_esc_json, S(""), "\"\"");
	check(kt_esc_json, S("plain, text"), "\"plain, text\"");
	check(kt_esc_json, S("say \"hi\""), "\"say \\\"hi\\\"\"");
	/* the text is back\\slash; as a JSON literal each \ is doubled */
	check(kt_esc_json, S("back\\slash"), "\"back\\\\\\\\slash\"");
	check(kt_esc_json, S("nul\0byte"), "\"nul\\\\x00byte\"");
	check(kt_esc_json, S("\xff\xfe"), "\"\\\\xff\\\\xfe\"");
	check(kt_esc_json, S("\xed\xa0\x80"), "\"\\\\xed\\\\xa0\\\\x80\"");
	check(kt_esc_json, S("line1\nline2\r\t"), "\"line1\\nline2\\r\\t\"");
	check(kt_esc_json, S("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	check(kt_esc_json, S("\x1b[31m"), "\"\\u001b[31m\"");
	check(kt_esc_json, S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	      "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	check(kt_esc_json, S("</script>"), "\"</script>\"");
}

static void test_table(void **state)
{
	check(kt_esc_table, S("plain \"text\""), "plain \"text\"");
	check(kt_esc_table, S("\x1b[31mred\x1b[0m"), "\\e[31mred\\e[0m");
	check(kt_esc_table, S("\n\t\r\x01\x1f\x7f"), "\\n\\t\\r\\x01\\x1f\\x7f");
	check(kt_esc_table, S("nul\0"), "nul\\x00");
	check(kt_esc_table, S("back\\slash"), "back\\\\slash");
	check(kt_esc_table, S("\xff\xfe"), "\\xff\\xfe");
	check(kt_esc_table, S("\xc0\xaf"), "\\xc0\\xaf");
	/* C1 controls: U+009B is CSI on some terminals */
	check(kt_esc_table, S("\xc2\x9b" "2J\xc2\x80"), "\\u009b2J\\u0080");
	check(kt_esc_table, S("\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	      "\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

/* Escapers append to what the buffer holds. */
static void test_append(void **state)
{
	struct kt_buf b = { 0 };

	assert_int_equal(kt_buf_put(&b, "x=", 2), 0);
	assert_int_equal(kt_esc_csv(&b, S("a,b")), 0);
	assert_int_equal(kt_buf_put(&b, ";", 1), 0);
	assert_int_equal(kt_esc_json(&b, S("\\")), 0);
	assert_string_equal(b.p, "x=\"a,b\";\"\\\\\\\\\"");
	assert_int_equal(b.len, strlen(b.p));
	kt_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_buf(void **state)
{
	struct kt_buf b = { 0 };
	char big[5000];

	assert_int_equal(kt_buf_put(&b, "", 0), 0);
	assert_non_null(b.p);
	assert_string_equal(b.p, "");
	assert_int_equal(kt_buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.p, "42-x");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kt_buf_printf(&b, "[%s]", big), 0);
	assert_int_equal(b.len, 4 + 2 + sizeof(big) - 1);
	assert_int_equal(strlen(b.p), b.len);
	assert_int_equal(b.p[b.len - 1], ']');
	assert_true(b.cap > b.len);

	b.len = 0;
	assert_int_equal(kt_buf_u64(&b, 0), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_u64(&b, UINT64_MAX), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_i64(&b, INT64_MIN), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_i64(&b, -1), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_i64(&b, INT64_MAX), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_hex(&b, 0), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_hex(&b, 0x7ffdDEADbeefULL), 0);
	assert_int_equal(kt_buf_put(&b, " ", 1), 0);
	assert_int_equal(kt_buf_hex(&b, UINT64_MAX), 0);
	assert_string_equal(b.p, "0 18446744073709551615 -9223372036854775808 -1 "
			    "9223372036854775807 0x0 0x7ffddeadbeef "
			    "0xffffffffffffffff");
	kt_buf_free(&b);
}

/* Undo the text form: \\ and \xHH.  Returns the byte count. */
static size_t text_decode(const char *t, char *out)
{
	size_t n = 0;

	while (*t) {
		if (t[0] == '\\' && t[1] == '\\') {
			out[n++] = '\\';
			t += 2;
		} else if (t[0] == '\\' && t[1] == 'x') {
			char hex[3] = { t[2], t[3], 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			t += 4;
		} else {
			/* a lone backslash would make the text ambiguous */
			assert_true(t[0] != '\\');
			out[n++] = *t++;
		}
	}
	return n;
}

/* Decode a JSON string literal (the subset kt_esc_json writes). */
static size_t json_decode(const char *j, char *out)
{
	size_t n = 0;

	assert_int_equal(*j, '"');
	j++;
	while (*j != '"') {
		assert_true(*j != '\0');
		assert_true((unsigned char)*j >= 0x20 && *j != 0x7f);
		if (*j != '\\') {
			out[n++] = *j++;
			continue;
		}
		switch (j[1]) {
		case '"':
		case '\\':
		case '/':
			out[n++] = j[1];
			j += 2;
			break;
		case 'n':
			out[n++] = '\n';
			j += 2;
			break;
		case 't':
			out[n++] = '\t';
			j += 2;
			break;
		case 'r':
			out[n++] = '\r';
			j += 2;
			break;
		case 'u': {
			char hex[5] = { j[2], j[3], j[4], j[5], 0 };
			unsigned long cp = strtoul(hex, NULL, 16);

			assert_true(cp < 0x80);
			out[n++] = (char)cp;
			j += 6;
			break;
		}
		default:
			fail_msg("bad JSON escape \\%c", j[1]);
		}
	}
	assert_int_equal(j[1], '\0');
	return n;
}

static void test_round_trips(void **state)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct kt_buf text = { 0 }, json = { 0 };
		char back[256];
		size_t n;

		assert_int_equal(kt_esc_text(&text, hostile[i].s, hostile[i].len), 0);
		assert_int_equal(kt_esc_json(&json, hostile[i].s, hostile[i].len), 0);

		n = text_decode(text.p, back);
		assert_int_equal(n, hostile[i].len);
		assert_memory_equal(back, hostile[i].s, n);

		n = json_decode(json.p, back);
		assert_int_equal(n, text.len);
		assert_memory_equal(back, text.p, n);

		kt_buf_free(&text);
		kt_buf_free(&json);
	}
}

/* Every byte value, alone and before a continuation byte. */
static void test_all_bytes(void **state)
{
	struct kt_buf b = { 0 };

	for (int c = 0; c < 256; c++) {
		char in[2] = { (char)c, (char)0x80 };
		char back[16];

		for (size_t len = 1; len <= 2; len++) {
			b.len = 0;
			assert_int_equal(kt_esc_text(&b, in, len), 0);
			assert_int_equal(text_decode(b.p, back), len);
			assert_memory_equal(back, in, len);
			b.len = 0;
			assert_int_equal(kt_esc_table(&b, in, len), 0);
			for (size_t k = 0; k < b.len; k++) {
				unsigned char t = b.p[k];

				assert_true(t >= 0x20 && t != 0x7f);
			}
		}
	}
	kt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_all_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
