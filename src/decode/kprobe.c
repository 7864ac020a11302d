// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail's own probe events (group ktrail_*, events <event>_e/_x/_d and
 * _ce/_cx/_cd for 32-bit tasks): decoded by field name, since the fetch
 * arguments are named after the catalog's arguments (probename.h), with
 * suffixes for the parts of a string, timespec or sockaddr argument.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "ktrail/probename.h"
#include "ktrail/util.h"

#include "decode-local.h"

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
int kt_role_kprobe(struct kt_role *r, struct tep_event *ev)
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
int kt_decode_kprobe(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
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
				out->args[k->arg] = kt_rd_arg(d, data, &k->f, r->ev, k->arg);
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
				out->args[k->arg] = kt_rd_arg(d, data, &k->f, r->ev, k->arg);
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

