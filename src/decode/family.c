// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tracepoint families that are not syscalls: the process table's
 * feeds (task_newtask, task_rename, sched_process_exec, _exit) and the
 * exit causes (signal_deliver, signal_generate); trace_marker lines
 * (ftrace/print: the ABI helper's).  One entry each: the
 * tracepoint, its role, the fields it reads, its decoder.  Adding a
 * family is an entry here, its kind in decode.h, its handling in
 * src/session/dispatch.c and the catalog row of the event it makes
 * (doc/HOWTO_ADD_FAMILY.md).
 */
#include <string.h>

#include "decode-local.h"
#include "ktrail/util.h"

enum { F0, F1, F2, F3 };	/* kt_role.ff[] in the entry's field order */

static int dec_newtask(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		       unsigned int size, struct kt_raw *out)
{
	if (!kt_fld_ok(&r->ff[F0], size) || !kt_fld_ok(&r->ff[F2], size))
		return -1;
	out->pid = kt_rd_s(d, data, &r->ff[F0]);
	out->clone_flags = kt_rd_u(d, data, &r->ff[F2]);
	kt_rd_comm(data, size, &r->ff[F1], out->comm);
	return 0;
}

static int dec_rename(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		      unsigned int size, struct kt_raw *out)
{
	/* 6.x dropped "pid": the renamed task is the current one. */
	out->pid = kt_fld_ok(&r->ff[F0], size) ? kt_rd_s(d, data, &r->ff[F0]) : out->tid;
	kt_rd_comm(data, size, &r->ff[F1], out->comm);
	return 0;
}

static int dec_exec(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		    unsigned int size, struct kt_raw *out)
{
	const char *s;
	unsigned int len;

	if (!kt_fld_ok(&r->ff[F0], size) || !kt_fld_ok(&r->ff[F1], size) ||
	    !kt_fld_ok(&r->ff[F2], size))
		return -1;
	out->pid = kt_rd_s(d, data, &r->ff[F0]);
	out->old_pid = kt_rd_s(d, data, &r->ff[F1]);
	if (kt_rd_loc(d, data, size, &r->ff[F2], &s, &len) < 0)
		return -1;
	out->filename = s;
	out->filename_len = len;
	return 0;
}

static int dec_task_exit(struct kt_decoder *d, const struct kt_role *r,
			 const unsigned char *data, unsigned int size, struct kt_raw *out)
{
	if (!kt_fld_ok(&r->ff[F0], size))
		return -1;
	out->pid = kt_rd_s(d, data, &r->ff[F0]);
	/* group_dead: Linux 6.16+ */
	out->group_dead = r->ff[F1].size && kt_fld_ok(&r->ff[F1], size) ?
			  (int)(kt_rd_u(d, data, &r->ff[F1]) != 0) : -1;
	return 0;
}

static int dec_sig_deliver(struct kt_decoder *d, const struct kt_role *r,
			   const unsigned char *data, unsigned int size, struct kt_raw *out)
{
	if (!kt_fld_ok(&r->ff[F0], size) || !kt_fld_ok(&r->ff[F1], size))
		return -1;
	out->sig = kt_rd_s(d, data, &r->ff[F0]);
	out->handler = kt_rd_u(d, data, &r->ff[F1]);
	return 0;
}

static int dec_sig_generate(struct kt_decoder *d, const struct kt_role *r,
			    const unsigned char *data, unsigned int size, struct kt_raw *out)
{
	for (int i = F0; i <= F3; i++)
		if (!kt_fld_ok(&r->ff[i], size))
			return -1;
	out->sig = kt_rd_s(d, data, &r->ff[F0]);
	out->pid = kt_rd_s(d, data, &r->ff[F1]);
	out->group = kt_rd_s(d, data, &r->ff[F2]);
	out->result = kt_rd_s(d, data, &r->ff[F3]);
	return 0;
}

static int dec_marker(struct kt_decoder *d, const struct kt_role *r, const unsigned char *data,
		      unsigned int size, struct kt_raw *out)
{
	const struct kt_fld *f = &r->ff[F0];
	unsigned int n;

	(void)d;
	/* char buf[]: the rest of the record, NUL-terminated by the kernel. */
	if (f->offset < 0 || (unsigned int)f->offset > size)
		return -1;
	out->text = (const char *)data + f->offset;
	n = size - (unsigned int)f->offset;
	out->text_len = (unsigned int)strnlen(out->text, n);
	while (out->text_len && out->text[out->text_len - 1] == '\n')
		out->text_len--;
	return 0;
}

static const struct kt_family families[] = {
	{ "task", "task_newtask", KT_RAW_NEWTASK,
	  { { "pid" }, { "comm" }, { "clone_flags" } }, dec_newtask },
	{ "task", "task_rename", KT_RAW_RENAME,
	  { { "pid", .optional = true }, { "newcomm" } }, dec_rename },
	{ "sched", "sched_process_exec", KT_RAW_EXEC,
	  { { "pid" }, { "old_pid" }, { "filename" } }, dec_exec },
	{ "sched", "sched_process_exit", KT_RAW_TASK_EXIT,
	  { { "pid" }, { "group_dead", .optional = true } }, dec_task_exit },
	{ "signal", "signal_deliver", KT_RAW_SIG_DELIVER,
	  { { "sig" }, { "sa_handler" } }, dec_sig_deliver },
	{ "signal", "signal_generate", KT_RAW_SIG_GENERATE,
	  { { "sig" }, { "pid" }, { "group" }, { "result" } }, dec_sig_generate },
	/* The ABI helper's marks (priv.h, KT_ABI_MARKER). */
	{ "ftrace", "print", KT_RAW_MARKER, { { "buf" } }, dec_marker },
};

const struct kt_family *kt_family_find(const char *system, const char *name)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(families); i++)
		if (!strcmp(families[i].system, system) && !strcmp(families[i].name, name))
			return &families[i];
	return NULL;
}
