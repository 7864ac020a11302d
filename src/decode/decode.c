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

#include <arpa/inet.h>
#include <sys/socket.h>

#include <event-parse.h>
#include <kbuffer.h>

#include "ktrail/decode.h"
#include "ktrail/probename.h"
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

/* An event's fields lie within 64 KiB (a recording's formats are read
 * from a file: anything else is refused, kt_fld_ok() never passes it). */
void kt_fld_set(struct kt_fld *f, const struct tep_format_field *tf)
{
	bool sane = tf->offset >= 0 && tf->offset <= 65535 && tf->size > 0 && tf->size <= 65535;

	f->offset = sane ? tf->offset : 0;
	f->size = sane ? tf->size : 0;
	f->is_signed = tf->flags & TEP_FIELD_IS_SIGNED;
	f->dynamic = tf->flags & TEP_FIELD_IS_DYNAMIC;
	f->relative = tf->flags & TEP_FIELD_IS_RELATIVE;
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

static const struct {
	const char *suffix;
	enum kpart part;
} kparts[] = {
	{ "__ptr", K_PTR }, { "__sec", K_SEC }, { "__nsec", K_NSEC },
	{ "__fam", K_SA_FAM }, { "__port", K_SA_PORT }, { "__in4", K_SA_IN4 },
	{ "__in6a", K_SA_IN6A }, { "__in6b", K_SA_IN6B },
	{ "__path", K_SA_PATH }, { "__abs", K_SA_ABS },
};

/*
 * A probe of ktrail's (group ktrail_<pid>, event <event>_<role>): its
 * fields are named after the catalog's arguments (probe.h).  Fields of
 * other names are not read.
 */
static int role_kprobe(struct kt_role *r, struct tep_event *ev)
{
	const struct kt_event_def *cev;
	enum kt_probe_role prole;
	bool compat;
	unsigned int n = 0;

	if (kt_probe_event_parse(ev->name, &cev, &prole, &compat) < 0)
		return 1;
	r->ev = cev;
	r->kprobe = true;
	r->compat = compat;
	r->any_abi = prole == KT_PR_DETAIL && !compat;
	r->kind = prole == KT_PR_ENTER ? KT_RAW_ENTER :
		  prole == KT_PR_EXIT ? KT_RAW_EXIT : KT_RAW_DETAIL;
	for (struct tep_format_field *tf = ev->format.fields; tf; tf = tf->next)
		n++;
	r->kf = calloc(n ? n : 1, sizeof(*r->kf));
	if (!r->kf)
		return -1;
	for (struct tep_format_field *tf = ev->format.fields; tf; tf = tf->next) {
		struct kt_kfld *k = &r->kf[r->nkf];
		char base[64];
		size_t bl = strlen(tf->name);

		k->part = K_VAL;
		if (r->kind == KT_RAW_EXIT) {
			if (strcmp(tf->name, "ret"))
				continue;
			k->part = K_RET;
			k->arg = -1;
			kt_fld_set(&k->f, tf);
			r->nkf++;
			continue;
		}
		for (size_t i = 0; i < KT_ARRAY_SIZE(kparts); i++) {
			size_t sl = strlen(kparts[i].suffix);

			if (bl > sl && !strcmp(tf->name + bl - sl, kparts[i].suffix)) {
				k->part = kparts[i].part;
				bl -= sl;
				break;
			}
		}
		if (bl >= sizeof(base))
			continue;
		memcpy(base, tf->name, bl);
		base[bl] = '\0';
		k->arg = kt_arg_index(cev, base);
		if (k->arg < 0 || k->arg >= KT_MAX_ARGS)
			continue;	/* __probe_ip, __probe_func, ... */
		kt_fld_set(&k->f, tf);
		r->nkf++;
	}
	if (r->kind == KT_RAW_EXIT && r->nkf != 1)
		return -1;
	return 0;
}

static int assign_role(struct kt_decoder *d, struct tep_event *ev, struct kt_role *r)
{
	const char *sys = ev->system, *name = ev->name;

	if (!strncmp(sys, "ktrail_", 7))
		return role_kprobe(r, ev);

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

/*
 * Syscall argument @i of @ev: a 4-byte field holding a signed type (int,
 * long) is sign-extended, as a 64-bit kernel's register is.  A 32-bit
 * kernel's native task has 4-byte longs (msgrcv's msgtyp -5 was
 * 4294967291 on armhf), and old kernels mark every field unsigned.
 */
static inline uint64_t rd_arg(struct kt_decoder *d, const unsigned char *data,
			      const struct kt_fld *f, const struct kt_event_def *ev, int i)
{
	uint64_t v = kt_rd_u(d, data, f);

	if (f->size == 4 && ev && i >= 0 && (unsigned int)i < ev->nargs &&
	    (ev->args[i].type == KT_T_LONG || ev->args[i].type == KT_T_INT))
		v = (uint64_t)(int64_t)(int32_t)v;
	return v;
}

void kt_rd_comm(const unsigned char *data, unsigned int size, const struct kt_fld *f, char *out)
{
	memset(out, 0, 16);
	if (kt_fld_ok(f, size))
		memcpy(out, data + f->offset, f->size < 16 ? f->size : 16);
}

/* A __data_loc/__rel_loc string: 0 and the bytes (trailing NULs cut),
 * or -1.  A probe that faulted stores an empty string. */
int kt_rd_loc(struct kt_decoder *d, const unsigned char *data, unsigned int size,
		  const struct kt_fld *f, const char **s, unsigned int *len)
{
	uint32_t loc = kt_rd_u(d, data, f);
	unsigned int off = loc & 0xffff, l = loc >> 16;

	if (f->relative)
		off += f->offset + f->size;
	if (off > size || l > size - off)
		return -1;
	while (l && data[off + l - 1] == '\0')
		l--;
	*s = (const char *)data + off;
	*len = l;
	return 0;
}

/* The bytes of a number as the traced kernel stored them. */
static void num_bytes(const struct kt_decoder *d, uint64_t v, unsigned char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[d->big_endian ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void sockaddr_finish(struct kt_decoder *d, const unsigned char *raw,
			    const char *path, unsigned int plen, const char *abs, unsigned int alen,
			    struct kt_sockaddr *sa)
{
	uint16_t fam;

	memcpy(&fam, raw, 2);
	if (d->swap)
		fam = (uint16_t)(fam << 8 | fam >> 8);
	sa->family = fam;
	sa->port = (uint16_t)(raw[2] << 8 | raw[3]);
	sa->addr[0] = '\0';
	switch (fam) {
	case AF_INET:
		snprintf(sa->addr, sizeof(sa->addr), "%u.%u.%u.%u", raw[4], raw[5], raw[6], raw[7]);
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, raw + 8, sa->addr, sizeof(sa->addr));
		break;
	case AF_UNIX:
		sa->port = 0;
		if (plen)
			snprintf(sa->addr, sizeof(sa->addr), "%.*s", (int)plen, path);
		else if (alen)	/* the abstract namespace, shown as ss(8) does */
			snprintf(sa->addr, sizeof(sa->addr), "@%.*s", (int)alen, abs);
		break;
	default:
		sa->port = 0;
		break;
	}
}

/* The fields of one of ktrail's probes into @out. */
static int decode_kprobe(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
			 unsigned int size, struct kt_raw *out)
{
	unsigned char sa_raw[28] = { 0 };
	const char *path = NULL, *abs = NULL;
	unsigned int plen = 0, alen = 0;
	int sa_arg = -1;
	double sec = 0, nsec = 0;
	int ts_arg = -1, ts_parts = 0;

	out->kprobe = true;
	out->compat = r->compat;
	out->any_abi = r->any_abi;
	bool null_ptr[KT_MAX_ARGS] = { false };

	if (r->kind != KT_RAW_EXIT) {
		memset(out->args, 0, sizeof(out->args));
		memset(out->vals, 0, sizeof(out->vals));
	}
	for (unsigned int i = 0; i < r->nkf; i++) {
		const struct kt_kfld *k = &r->kf[i];
		struct kt_value *v = k->arg >= 0 ? &out->vals[k->arg] : NULL;

		if (!kt_fld_ok(&k->f, size))
			return -1;
		switch (k->part) {
		case K_RET:
			out->ret = kt_rd_s(d, data, &k->f);
			break;
		case K_PTR:
			/* A syscall argument; for one of ktrail's own, the
			 * pointer it is read through (NULL: nothing read). */
			if (r->ev->kind == KT_EV_SYSCALL && k->arg < (int)r->ev->npos && k->arg < 6)
				out->args[k->arg] = rd_arg(d, data, &k->f, r->ev, k->arg);
			else
				null_ptr[k->arg] = !kt_rd_u(d, data, &k->f);
			break;
		case K_VAL:
			if (k->f.dynamic) {
				/* A string the probe could not read has an
				 * empty or unwritten location: no value. */
				if (kt_rd_loc(d, data, size, &k->f, &v->str, &v->len) < 0)
					v->len = 0;
				v->set = v->len > 0;
			} else if (r->ev->kind == KT_EV_SYSCALL && k->arg < (int)r->ev->npos &&
				   k->arg < 6) {
				out->args[k->arg] = rd_arg(d, data, &k->f, r->ev, k->arg);
			} else {
				/* ktrail's own argument, or a kernel function's
				 * (KT_EV_KPROBE), by the catalog's type */
				v->set = true;
				v->str = NULL;
				if (k->f.is_signed)
					v->i = kt_rd_s(d, data, &k->f);
				else
					v->u = kt_rd_u(d, data, &k->f);
			}
			break;
		case K_SEC:
			sec = (double)kt_rd_s(d, data, &k->f);
			ts_arg = k->arg;
			ts_parts++;
			break;
		case K_NSEC:
			nsec = (double)kt_rd_s(d, data, &k->f);
			ts_arg = k->arg;
			ts_parts++;
			break;
		case K_SA_FAM:
			num_bytes(d, kt_rd_u(d, data, &k->f), sa_raw, 2);
			sa_arg = k->arg;
			break;
		case K_SA_PORT:
			num_bytes(d, kt_rd_u(d, data, &k->f), sa_raw + 2, 2);
			break;
		case K_SA_IN4:
			num_bytes(d, kt_rd_u(d, data, &k->f), sa_raw + 4, 4);
			break;
		case K_SA_IN6A:
			num_bytes(d, kt_rd_u(d, data, &k->f), sa_raw + 8, 8);
			break;
		case K_SA_IN6B:
			num_bytes(d, kt_rd_u(d, data, &k->f), sa_raw + 16, 8);
			break;
		case K_SA_PATH:
			if (kt_rd_loc(d, data, size, &k->f, &path, &plen) < 0)
				plen = 0;
			break;
		case K_SA_ABS:
			if (kt_rd_loc(d, data, size, &k->f, &abs, &alen) < 0)
				alen = 0;
			break;
		}
	}
	if (ts_arg >= 0 && ts_parts == 2) {
		out->vals[ts_arg].set = true;
		out->vals[ts_arg].d = sec + nsec / 1e9;
	}
	if (sa_arg >= 0) {
		sockaddr_finish(d, sa_raw, path, plen, abs, alen, &out->sa);
		out->vals[sa_arg].set = true;
		out->vals[sa_arg].sa = &out->sa;
	}
	for (unsigned int i = 0; i < KT_MAX_ARGS; i++)
		if (null_ptr[i])
			out->vals[i].set = false;
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
		if (decode_kprobe(d, r, data, size, out) < 0)
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
				out->args[i] = rd_arg(d, data, &r->args[i], r->ev, (int)i);
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
