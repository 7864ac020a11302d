// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The typed-value printer every format uses (writer.h): one case per
 * enum kt_type, written once.  A format supplies only its style: how it
 * escapes a string, what it writes for no value, whether a pointer and a
 * flag's name are quoted, and the number after a flag's name (JSON's
 * "raw").  Flags and enums print with the values of the record's ABI
 * (kt_writer_abi()).  So a new type touches this file alone, and a new format
 * touches no type.
 */
#include <math.h>
#include <string.h>

#include "ktrail/flags.h"
#include "ktrail/writer.h"

static int put_str(struct kt_buf *b, const char *s)
{
	return *s ? kt_buf_put(b, s, strlen(s)) : 0;
}

static int put_quoted_hex(struct kt_buf *b, const struct kt_value_style *st, uint64_t v)
{
	int err = 0;

	err |= put_str(b, st->quote);
	err |= kt_buf_hex(b, v);
	err |= put_str(b, st->quote);
	return err ? -1 : 0;
}

/* A flag or enum argument by name (flags.h), and its number after
 * st->raw_key. */
static int put_named(struct kt_buf *b, const struct kt_value_style *st,
		     const struct kt_arg_def *a, const struct kt_value *v,
		     enum kt_fmt f, enum kt_abi abi)
{
	int err = 0;

	/* the text is names, digits, '|' and '+': no escape needed */
	err |= put_str(b, st->quote);
	err |= kt_fmt_render(b, f, kt_value_bits(a->type, v), abi);
	err |= put_str(b, st->quote);
	if (st->raw_key) {
		err |= put_str(b, st->raw_key);
		err |= kt_buf_number(b, a->type, v);
	}
	return err ? -1 : 0;
}

static int put_sockaddr(struct kt_buf *b, const struct kt_value_style *st,
			const struct kt_sockaddr *sa)
{
	struct kt_buf text = { 0 };
	int rc;

	if (!sa)
		return put_str(b, st->none);
	if (st->sockaddr)
		return st->sockaddr(b, sa);
	rc = kt_sockaddr_text(&text, sa);
	if (!rc)
		rc = st->str(b, text.p, text.len);
	kt_buf_free(&text);
	return rc;
}

int kt_value_print(struct kt_buf *b, const struct kt_writer *w,
		   const struct kt_record *r, unsigned int i,
		   const struct kt_value_style *st)
{
	return kt_value_print_fmt(b, w, r, i, st,
				  w->raw ? KT_FMT_NONE : kt_arg_fmt(r->ev, i));
}

int kt_value_print_fmt(struct kt_buf *b, const struct kt_writer *w,
		       const struct kt_record *r, unsigned int i,
		       const struct kt_value_style *st, enum kt_fmt f)
{
	const struct kt_event_def *ev = r->ev;
	const struct kt_arg_def *a = &ev->args[i];
	const struct kt_value *v = &r->args[i];

	if (!v->set)
		return put_str(b, st->none);
	if (f != KT_FMT_NONE)
		return put_named(b, st, a, v, f, kt_writer_abi(w, r));
	switch (a->type) {
	case KT_T_INT:
	case KT_T_LONG:
	case KT_T_UINT:
	case KT_T_ULONG:
	case KT_T_U16:
		return kt_buf_number(b, a->type, v);
	case KT_T_PTR:
		if (st->ptr_decimal)
			return kt_buf_u64(b, v->u);
		return put_quoted_hex(b, st, v->u);
	case KT_T_STR:
		return st->str(b, v->str, v->str ? v->len : 0);
	case KT_T_TIMESPEC:
		if (st->finite_only && !isfinite(v->d))
			return put_str(b, st->none);
		return kt_buf_printf(b, "%.9f", v->d);
	case KT_T_SOCKADDR:
		return put_sockaddr(b, st, v->sa);
	case KT_T_BOOL:
		return v->u ? kt_buf_put(b, "true", 4) : kt_buf_put(b, "false", 5);
	default:
		return put_str(b, st->none);
	}
}
