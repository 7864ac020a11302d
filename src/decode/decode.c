// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libtraceevent glue: parse the formats of the events ktrail enabled, give
 * each a role, and resolve the fields that role reads once.  Syscall
 * arguments are matched by position (the N-th field after the syscall
 * number is the N-th argument), never by the kernel's parameter names,
 * which differ between kernels and from Tracee's names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <kbuffer.h>

#include "ktrail/decode.h"
#include "ktrail/util.h"

#include "decode-local.h"

struct kt_decoder *kt_decoder_new(int long_size, bool big_endian)
{
	struct kt_decoder *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->tep = tep_alloc();
	if (!d->tep) {
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	d->long_size = long_size;
	d->big_endian = big_endian;
	d->swap = big_endian != (bool)tep_is_bigendian();
	tep_set_long_size(d->tep, long_size);
	tep_set_page_size(d->tep, 4096);
	tep_set_file_bigendian(d->tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(d->tep, tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	return d;
}

void kt_decoder_free(struct kt_decoder *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nroles; i++) {
		if (d->roles[i])
			free(d->roles[i]->kf);
		free(d->roles[i]);
	}
	free(d->roles);
	if (!d->borrowed)
		tep_free(d->tep);
	free(d);
}

static bool ascii_text(const char *s);

int kt_decoder_header_page(struct kt_decoder *d, const char *buf, size_t len)
{
	char *copy = strndup(buf, len);
	int r;

	if (!copy)
		return -1;
	/* Its text only: a NUL inside it ends it; ASCII as the kernel's. */
	if (!ascii_text(copy)) {
		free(copy);
		errno = EINVAL;
		return -1;
	}
	r = tep_parse_header_page(d->tep, copy, strlen(copy), d->long_size);
	free(copy);
	if (r < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int kt_decoder_long_size(const struct kt_decoder *d)
{
	return d->long_size;
}

bool kt_decoder_big_endian(const struct kt_decoder *d)
{
	return d->big_endian;
}

struct kbuffer *kt_decoder_kbuffer_new(const struct kt_decoder *d)
{
	return kbuffer_alloc(d->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			     d->big_endian ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE);
}


static int fld_find(struct kt_fld *f, struct tep_event *ev, const char *name)
{
	struct tep_format_field *tf = tep_find_field(ev, name);

	if (!tf)
		return -1;
	kt_fld_set(f, tf);
	return 0;
}

/* A syscall enter: the number field, then the arguments in order. */
static int role_enter(struct kt_role *r, struct tep_event *ev)
{
	struct tep_format_field *tf = ev->format.fields;
	bool seen_nr = false;

	for (; tf; tf = tf->next) {
		if (!seen_nr) {
			if (!strcmp(tf->name, "__syscall_nr") || !strcmp(tf->name, "nr")) {
				kt_fld_set(&r->nr, tf);
				seen_nr = true;
			}
			continue;
		}
		if (r->nargs < 6)
			kt_fld_set(&r->args[r->nargs++], tf);
	}
	return seen_nr ? 0 : -1;
}

static int role_exit(struct kt_role *r, struct tep_event *ev)
{
	if (fld_find(&r->nr, ev, "__syscall_nr") < 0 && fld_find(&r->nr, ev, "nr") < 0)
		return -1;
	return fld_find(&r->ret, ev, "ret");
}

static int role_raw_enter(struct kt_role *r, struct tep_event *ev)
{
	struct tep_format_field *tf;

	if (fld_find(&r->nr, ev, "id") < 0)
		return -1;
	tf = tep_find_field(ev, "args");
	if (!tf || tf->arraylen < 1)
		return -1;
	r->nargs = tf->arraylen > 6 ? 6 : tf->arraylen;
	for (unsigned int i = 0; i < r->nargs; i++) {
		long long off = (long long)tf->offset + (long long)i * tf->elementsize;

		kt_fld_set(&r->args[i], tf);
		r->args[i].size = tf->elementsize > 0 && tf->elementsize <= 8 && off >= 0 &&
				  off <= 65535 ? tf->elementsize : 0;
		r->args[i].offset = r->args[i].size ? (int)off : 0;
	}
	return 0;
}

static const struct kt_event_def *event_by_tp(const char *tp)
{
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (kt_events[i].tp && !strcmp(kt_events[i].tp, tp))
			return &kt_events[i];
	return NULL;
}

static int assign_role(struct kt_decoder *d, struct tep_event *ev, struct kt_role *r)
{
	const char *sys = ev->system, *name = ev->name;

	if (!strncmp(sys, "ktrail_", 7))
		return kt_role_kprobe(r, ev);

	if (!strcmp(sys, "syscalls")) {
		if (!strncmp(name, "sys_enter_", 10)) {
			r->ev = event_by_tp(name + 10);
			r->kind = KT_RAW_ENTER;
			return r->ev ? role_enter(r, ev) : 1;
		}
		if (!strncmp(name, "sys_exit_", 9)) {
			r->ev = event_by_tp(name + 9);
			r->kind = KT_RAW_EXIT;
			return r->ev ? role_exit(r, ev) : 1;
		}
	} else if (!strcmp(sys, "raw_syscalls")) {
		r->raw = true;
		if (!strcmp(name, "sys_enter")) {
			r->kind = KT_RAW_ENTER;
			return role_raw_enter(r, ev);
		}
		if (!strcmp(name, "sys_exit")) {
			r->kind = KT_RAW_EXIT;
			if (fld_find(&r->nr, ev, "id") < 0)
				return -1;
			return fld_find(&r->ret, ev, "ret");
		}
	} else if ((r->fam = kt_family_find(sys, name))) {
		r->kind = r->fam->kind;
		for (unsigned int i = 0; i < KT_FAMILY_FIELDS && r->fam->fields[i].name; i++)
			if (fld_find(&r->ff[i], ev, r->fam->fields[i].name) < 0 &&
			    !r->fam->fields[i].optional)
				return -1;
		return 0;
	}
	(void)d;
	return 1;	/* no role */
}

static int add_event(struct kt_decoder *d, struct tep_event *ev);

/* Printable ASCII, tabs and newlines only. */
static bool ascii_text(const char *s)
{
	for (; *s; s++)
		if ((*s < 0x20 && *s != '\t' && *s != '\n') || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

int kt_decoder_add_format(struct kt_decoder *d, const char *sys, const char *buf, size_t len)
{
	struct tep_event *ev = NULL;
	const char *pf;
	char *copy;
	int r;

	/*
	 * ktrail never prints through the format's "print fmt:", and its
	 * parser recurses on parentheses (a recording's 100 KB of them
	 * overflowed the stack): it is parsed as an empty one.
	 */
	copy = malloc(len + sizeof("print fmt: \"\"\n"));
	if (!copy)
		return -1;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	pf = strstr(copy, "print fmt:");
	if (pf)
		strcpy(copy + (pf - copy), "print fmt: \"\"\n");
	/* The kernel writes ASCII; libtraceevent's tokenizer is not safe on
	 * other bytes (a recording's 0xff in a field type: a NULL strcmp). */
	if (!ascii_text(copy)) {
		free(copy);
		errno = EINVAL;
		return -1;
	}
	r = tep_parse_format(d->tep, &ev, copy, strlen(copy), sys);
	free(copy);
	if (r != 0 || !ev) {
		errno = EINVAL;
		return -1;
	}
	return add_event(d, ev);
}

struct kt_decoder *kt_decoder_from_tep(struct tep_handle *tep)
{
	struct kt_decoder *d = calloc(1, sizeof(*d));
	struct tep_event **evs;

	if (!d)
		return NULL;
	d->tep = tep;
	d->borrowed = true;
	d->long_size = tep_get_long_size(tep);
	d->big_endian = tep_is_file_bigendian(tep);
	d->swap = d->big_endian != (bool)tep_is_bigendian();
	evs = tep_list_events(tep, TEP_EVENT_SORT_ID);
	for (int i = 0; evs && evs[i]; i++)
		if (add_event(d, evs[i]) < 0 && errno != EINVAL) {
			kt_decoder_free(d);
			return NULL;
		}
	return d;
}

static int add_event(struct kt_decoder *d, struct tep_event *ev)
{
	struct kt_role *r;
	int rc;

	if (!d->have_common) {
		struct tep_format_field *t = tep_find_common_field(ev, "common_type");
		struct tep_format_field *p = tep_find_common_field(ev, "common_pid");

		if (!t || !p) {
			errno = EINVAL;
			return -1;
		}
		kt_fld_set(&d->common_type, t);
		kt_fld_set(&d->common_pid, p);
		d->have_common = true;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	rc = assign_role(d, ev, r);
	if (rc != 0)
		free(r->kf);
	if (rc < 0) {
		free(r);
		errno = EINVAL;
		return -1;
	}
	if (rc > 0) {
		free(r);
		return 0;
	}
	if (ev->id < 0 || ev->id > 65535) {
		free(r);
		errno = EINVAL;
		return -1;
	}
	if (ev->id >= d->nroles) {
		struct kt_role **n = realloc(d->roles, (ev->id + 1) * sizeof(*n));

		if (!n) {
			free(r);
			return -1;
		}
		memset(n + d->nroles, 0, (ev->id + 1 - d->nroles) * sizeof(*n));
		d->roles = n;
		d->nroles = ev->id + 1;
	}
	if (d->roles[ev->id])
		free(d->roles[ev->id]->kf);
	free(d->roles[ev->id]);
	d->roles[ev->id] = r;
	return 0;
}



int kt_decode(struct kt_decoder *d, const void *vdata, unsigned int size,
	      uint64_t ts, int cpu, struct kt_raw *out)
{
	const unsigned char *data = vdata;
	const struct kt_role *r;
	int id;

	out->kind = KT_RAW_NONE;
	out->ts = ts;
	out->cpu = cpu;
	if (!d->have_common || !kt_fld_ok(&d->common_type, size) || !kt_fld_ok(&d->common_pid, size)) {
		errno = EINVAL;
		return -1;
	}
	id = kt_rd_u(d, data, &d->common_type);
	out->tid = kt_rd_s(d, data, &d->common_pid);
	if (id < 0 || id >= d->nroles || !(r = d->roles[id]))
		return 0;
	out->ev = r->ev;
	out->raw = r->raw;
	out->kprobe = out->compat = out->any_abi = false;
	if (r->kprobe) {
		if (kt_decode_kprobe(d, r, data, size, out) < 0)
			goto bad;
		out->kind = r->kind;
		return 0;
	}
	if (r->fam) {
		if (r->fam->decode(d, r, data, size, out) < 0)
			goto bad;
		out->kind = r->kind;
		return 0;
	}
	switch (r->kind) {
	case KT_RAW_ENTER:
		if (!kt_fld_ok(&r->nr, size))
			goto bad;
		out->nr = kt_rd_s(d, data, &r->nr);
		for (unsigned int i = 0; i < 6; i++) {
			if (i < r->nargs && kt_fld_ok(&r->args[i], size))
				out->args[i] = kt_rd_arg(d, data, &r->args[i], r->ev, (int)i);
			else
				out->args[i] = 0;
		}
		break;
	case KT_RAW_EXIT:
		if (!kt_fld_ok(&r->nr, size) || !kt_fld_ok(&r->ret, size))
			goto bad;
		out->nr = kt_rd_s(d, data, &r->nr);
		out->ret = kt_rd_s(d, data, &r->ret);
		break;
	default:
		return 0;
	}
	out->kind = r->kind;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

unsigned int kt_decoder_kfields(struct kt_decoder *d, const char *sys, const char *name,
				struct kt_kfield *out, unsigned int max)
{
	struct tep_event *ev = tep_find_event_by_name(d->tep, sys, name);
	struct tep_format_field *tf;
	unsigned int n = 0;
	bool enter, seen_nr = false;

	if (!ev || strcmp(sys, "syscalls"))
		return 0;
	enter = !strncmp(name, "sys_enter_", 10);
	for (tf = ev->format.fields; tf && n < max; tf = tf->next) {
		if (!enter) {
			if (strcmp(tf->name, "ret"))
				continue;
			out[n++] = (struct kt_kfield){ .arg = KT_KF_RET, .name = tf->name,
						       .size = tf->size,
						       .is_signed = tf->flags & TEP_FIELD_IS_SIGNED };
			break;
		}
		if (!seen_nr) {
			seen_nr = !strcmp(tf->name, "__syscall_nr") || !strcmp(tf->name, "nr");
			continue;
		}
		out[n] = (struct kt_kfield){ .arg = (int)n, .name = tf->name, .size = tf->size,
					     .is_signed = tf->flags & TEP_FIELD_IS_SIGNED };
		n++;
	}
	return n;
}
