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

struct kt_fld {
	int offset, size;
	bool is_signed;
	bool dynamic, relative;	/* __data_loc / __rel_loc */
};

struct kt_role {
	enum kt_raw_kind kind;
	const struct kt_event_def *ev;	/* sys_enter_X / sys_exit_X */
	bool raw;			/* raw_syscalls */
	struct kt_fld nr;		/* __syscall_nr, nr or id */
	struct kt_fld args[6];
	unsigned int nargs;
	struct kt_fld ret;
	struct kt_fld pid, old_pid, comm, clone_flags, filename;
};

struct kt_decoder {
	struct tep_handle *tep;
	int long_size;
	bool big_endian;
	bool swap;		/* the data's byte order is not this machine's */
	struct kt_fld common_type, common_pid;
	bool have_common;
	struct kt_role **roles;	/* indexed by event id */
	int nroles;
};

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
	for (int i = 0; i < d->nroles; i++)
		free(d->roles[i]);
	free(d->roles);
	tep_free(d->tep);
	free(d);
}

int kt_decoder_header_page(struct kt_decoder *d, const char *buf, size_t len)
{
	char *copy = strndup(buf, len);
	int r;

	if (!copy)
		return -1;
	r = tep_parse_header_page(d->tep, copy, len, d->long_size);
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

struct kbuffer *kt_decoder_kbuffer_new(const struct kt_decoder *d)
{
	return kbuffer_alloc(d->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			     d->big_endian ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE);
}

static void fld_set(struct kt_fld *f, const struct tep_format_field *tf)
{
	f->offset = tf->offset;
	f->size = tf->size;
	f->is_signed = tf->flags & TEP_FIELD_IS_SIGNED;
	f->dynamic = tf->flags & TEP_FIELD_IS_DYNAMIC;
	f->relative = tf->flags & TEP_FIELD_IS_RELATIVE;
}

static int fld_find(struct kt_fld *f, struct tep_event *ev, const char *name)
{
	struct tep_format_field *tf = tep_find_field(ev, name);

	if (!tf)
		return -1;
	fld_set(f, tf);
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
				fld_set(&r->nr, tf);
				seen_nr = true;
			}
			continue;
		}
		if (r->nargs < 6)
			fld_set(&r->args[r->nargs++], tf);
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
		fld_set(&r->args[i], tf);
		r->args[i].size = tf->elementsize;
		r->args[i].offset = tf->offset + i * tf->elementsize;
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
	} else if (!strcmp(sys, "task")) {
		if (!strcmp(name, "task_newtask")) {
			r->kind = KT_RAW_NEWTASK;
			if (fld_find(&r->pid, ev, "pid") < 0 || fld_find(&r->comm, ev, "comm") < 0 ||
			    fld_find(&r->clone_flags, ev, "clone_flags") < 0)
				return -1;
			return 0;
		}
		if (!strcmp(name, "task_rename")) {
			r->kind = KT_RAW_RENAME;
			/* 6.x dropped "pid": the renamed task is the current one. */
			if (fld_find(&r->pid, ev, "pid") < 0)
				r->pid.size = 0;
			return fld_find(&r->comm, ev, "newcomm");
		}
	} else if (!strcmp(sys, "sched")) {
		if (!strcmp(name, "sched_process_exec")) {
			r->kind = KT_RAW_EXEC;
			if (fld_find(&r->pid, ev, "pid") < 0 || fld_find(&r->old_pid, ev, "old_pid") < 0 ||
			    fld_find(&r->filename, ev, "filename") < 0)
				return -1;
			return 0;
		}
		if (!strcmp(name, "sched_process_exit")) {
			r->kind = KT_RAW_TASK_EXIT;
			return fld_find(&r->pid, ev, "pid");
		}
	}
	(void)d;
	return 1;	/* no role */
}

int kt_decoder_add_format(struct kt_decoder *d, const char *sys, const char *buf, size_t len)
{
	struct tep_event *ev = NULL;
	struct kt_role *r;
	int rc;

	if (tep_parse_format(d->tep, &ev, buf, len, sys) != 0 || !ev) {
		errno = EINVAL;
		return -1;
	}
	if (!d->have_common) {
		struct tep_format_field *t = tep_find_common_field(ev, "common_type");
		struct tep_format_field *p = tep_find_common_field(ev, "common_pid");

		if (!t || !p) {
			errno = EINVAL;
			return -1;
		}
		fld_set(&d->common_type, t);
		fld_set(&d->common_pid, p);
		d->have_common = true;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	rc = assign_role(d, ev, r);
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
	free(d->roles[ev->id]);
	d->roles[ev->id] = r;
	return 0;
}

static inline bool fld_ok(const struct kt_fld *f, unsigned int size)
{
	return f->size > 0 && (unsigned int)(f->offset + f->size) <= size;
}

/* Fields in the reading machine's byte order are loaded directly; others
 * (a recording from another machine) through libtraceevent. */
static inline uint64_t rd_u(struct kt_decoder *d, const unsigned char *data, const struct kt_fld *f)
{
	const unsigned char *p = data + f->offset;

	if (!d->swap) {
		switch (f->size) {
		case 1:
			return *p;
		case 2: {
			uint16_t v;

			memcpy(&v, p, 2);
			return v;
		}
		case 4: {
			uint32_t v;

			memcpy(&v, p, 4);
			return v;
		}
		case 8: {
			uint64_t v;

			memcpy(&v, p, 8);
			return v;
		}
		}
	}
	return tep_read_number(d->tep, p, f->size);
}

static inline int64_t rd_s(struct kt_decoder *d, const unsigned char *data, const struct kt_fld *f)
{
	uint64_t v = rd_u(d, data, f);

	switch (f->size) {
	case 1:
		return (int8_t)v;
	case 2:
		return (int16_t)v;
	case 4:
		return (int32_t)v;
	default:
		return (int64_t)v;
	}
}

static void rd_comm(const unsigned char *data, unsigned int size, const struct kt_fld *f, char *out)
{
	memset(out, 0, 16);
	if (fld_ok(f, size))
		memcpy(out, data + f->offset, f->size < 16 ? f->size : 16);
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
	if (!d->have_common || !fld_ok(&d->common_type, size) || !fld_ok(&d->common_pid, size)) {
		errno = EINVAL;
		return -1;
	}
	id = rd_u(d, data, &d->common_type);
	out->tid = rd_s(d, data, &d->common_pid);
	if (id >= d->nroles || !(r = d->roles[id]))
		return 0;
	out->ev = r->ev;
	out->raw = r->raw;
	switch (r->kind) {
	case KT_RAW_ENTER:
		if (!fld_ok(&r->nr, size))
			goto bad;
		out->nr = rd_s(d, data, &r->nr);
		for (unsigned int i = 0; i < 6; i++) {
			if (i < r->nargs && fld_ok(&r->args[i], size))
				out->args[i] = rd_u(d, data, &r->args[i]);
			else
				out->args[i] = 0;
		}
		break;
	case KT_RAW_EXIT:
		if (!fld_ok(&r->nr, size) || !fld_ok(&r->ret, size))
			goto bad;
		out->nr = rd_s(d, data, &r->nr);
		out->ret = rd_s(d, data, &r->ret);
		break;
	case KT_RAW_NEWTASK:
		if (!fld_ok(&r->pid, size) || !fld_ok(&r->clone_flags, size))
			goto bad;
		out->pid = rd_s(d, data, &r->pid);
		out->clone_flags = rd_u(d, data, &r->clone_flags);
		rd_comm(data, size, &r->comm, out->comm);
		break;
	case KT_RAW_RENAME:
		out->pid = fld_ok(&r->pid, size) ? rd_s(d, data, &r->pid) : out->tid;
		rd_comm(data, size, &r->comm, out->comm);
		break;
	case KT_RAW_EXEC: {
		uint32_t loc;
		unsigned int off, len;

		if (!fld_ok(&r->pid, size) || !fld_ok(&r->old_pid, size) ||
		    !fld_ok(&r->filename, size))
			goto bad;
		out->pid = rd_s(d, data, &r->pid);
		out->old_pid = rd_s(d, data, &r->old_pid);
		loc = rd_u(d, data, &r->filename);
		off = loc & 0xffff;
		len = loc >> 16;
		if (r->filename.relative)
			off += r->filename.offset + r->filename.size;
		if (off > size || len > size - off)
			goto bad;
		while (len && data[off + len - 1] == '\0')
			len--;
		out->filename = (const char *)data + off;
		out->filename_len = len;
		break;
	}
	case KT_RAW_TASK_EXIT:
		if (!fld_ok(&r->pid, size))
			goto bad;
		out->pid = rd_s(d, data, &r->pid);
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
