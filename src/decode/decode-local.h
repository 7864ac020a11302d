/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the decoder's files share (decode.c: formats, roles, syscalls and
 * raw_syscalls; kprobe.c: ktrail's probe events; family.c: the task,
 * sched and signal tracepoints).
 */
#ifndef KTRAIL_DECODE_LOCAL_H
#define KTRAIL_DECODE_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <event-parse.h>

#include "ktrail/decode.h"

#define KT_FAMILY_FIELDS 4	/* fields a family's decoder reads, at most */

struct kt_family;

struct kt_fld {
	int offset, size;
	bool is_signed;
	bool dynamic, relative;	/* __data_loc / __rel_loc */
};

/* What a kprobe field holds. */
enum kpart {
	K_VAL,		/* the argument's value (a number or a string) */
	K_PTR,		/* the address behind a string/sockaddr/timespec argument */
	K_SEC, K_NSEC,	/* a timespec */
	K_SA_FAM, K_SA_PORT, K_SA_IN4,	/* struct sockaddr: family, port, IPv4 */
	K_SA_IN6A, K_SA_IN6B,	/* the IPv6 address, two 64-bit halves */
	K_SA_PATH, K_SA_ABS,	/* AF_UNIX path, abstract name */
	K_RET,		/* kretprobe: the return value */
};

struct kt_kfld {
	struct kt_fld f;
	enum kpart part;
	int arg;	/* index in ev->args */
};

struct kt_role {
	enum kt_raw_kind kind;
	bool kprobe, compat, any_abi;
	struct kt_kfld *kf;	/* kprobe fields */
	unsigned int nkf;
	const struct kt_event_def *ev;	/* sys_enter_X / sys_exit_X */
	bool raw;			/* raw_syscalls */
	struct kt_fld nr;		/* __syscall_nr, nr or id */
	struct kt_fld args[6];
	unsigned int nargs;
	struct kt_fld ret;
	/* A tracepoint family's (family.c): its fields, in its order. */
	const struct kt_family *fam;
	struct kt_fld ff[KT_FAMILY_FIELDS];
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
	bool borrowed;		/* tep is another's (kt_decoder_from_tep) */
};

/* Field access, per record. */
static inline bool kt_fld_ok(const struct kt_fld *f, unsigned int size)
{
	return f->size > 0 && f->offset >= 0 && (unsigned int)f->offset <= size &&
	       (unsigned int)f->size <= size - (unsigned int)f->offset;
}

/* Fields in the reading machine's byte order are loaded directly; others
 * (a recording from another machine) through libtraceevent. */
static inline uint64_t kt_rd_u(struct kt_decoder *d, const unsigned char *data, const struct kt_fld *f)
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

static inline int64_t kt_rd_s(struct kt_decoder *d, const unsigned char *data, const struct kt_fld *f)
{
	uint64_t v = kt_rd_u(d, data, f);

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

/*
 * Syscall argument @i of @ev: a 4-byte field holding a signed type (int,
 * long) is sign-extended, as a 64-bit kernel's register is.  A 32-bit
 * kernel's native task has 4-byte longs (msgrcv's msgtyp -5 was
 * 4294967291 on armhf), and old kernels mark every field unsigned.
 */
static inline uint64_t kt_rd_arg(struct kt_decoder *d, const unsigned char *data,
			      const struct kt_fld *f, const struct kt_event_def *ev, int i)
{
	uint64_t v = kt_rd_u(d, data, f);

	if (f->size == 4 && ev && i >= 0 && (unsigned int)i < ev->nargs &&
	    (ev->args[i].type == KT_T_LONG || ev->args[i].type == KT_T_INT))
		v = (uint64_t)(int64_t)(int32_t)v;
	return v;
}

void kt_rd_comm(const unsigned char *data, unsigned int size, const struct kt_fld *f, char *out);
int kt_rd_loc(struct kt_decoder *d, const unsigned char *data, unsigned int size,
	      const struct kt_fld *f, const char **s, unsigned int *len);
void kt_fld_set(struct kt_fld *f, const struct tep_format_field *tf);

/* kprobe.c: the role of one of ktrail's probe events (1: not one), and
 * one record of it. */
int kt_role_kprobe(struct kt_role *r, struct tep_event *ev);
int kt_decode_kprobe(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		     unsigned int size, struct kt_raw *out);

/*
 * A tracepoint family (family.c): the tracepoint, its role, the fields
 * its decoder reads (resolved by name once, into kt_role.ff[] in this
 * order; an optional one that the kernel lacks has size 0), and the
 * decoder, which fills @out from them (-1: a malformed record).
 */
struct kt_family_field {
	const char *name;
	bool optional;
};

struct kt_family {
	const char *system, *name;
	enum kt_raw_kind kind;
	struct kt_family_field fields[KT_FAMILY_FIELDS];
	int (*decode)(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		      unsigned int size, struct kt_raw *out);
};

const struct kt_family *kt_family_find(const char *system, const char *name);

#endif
