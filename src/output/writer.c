// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The writer front end: format look-up, the calls into a format's ops, and
 * the value helpers every format shares.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ktrail/util.h"
#include "ktrail/writer.h"

const struct kt_writer_ops *const kt_writers[] = {
	&kt_csv_ops,
	&kt_json_ops,
	&kt_json_v1_ops,
	&kt_table_ops,
	&kt_summary_ops,
	&kt_summary_csv_ops,
};
const unsigned int kt_nwriters = KT_ARRAY_SIZE(kt_writers);

const struct kt_writer_ops *kt_writer_find(const char *name)
{
	for (unsigned int i = 0; name && i < kt_nwriters; i++)
		if (!strcmp(kt_writers[i]->name, name))
			return kt_writers[i];
	errno = ENOENT;
	return NULL;
}

char *kt_writer_names(char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned int i = 0; i < kt_nwriters && used < len; i++) {
		const char *sep = !i ? "" : i + 1 < kt_nwriters ? ", " : " or ";
		int n = snprintf(buf + used, len - used, "%s%s", sep, kt_writers[i]->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

int kt_writer_begin(struct kt_writer *w)
{
	if (!w || !w->ops || !w->fp || (w->nevents && !w->events)) {
		errno = EINVAL;
		return -1;
	}
	w->priv = NULL;
	w->abi = w->machine ? kt_abi_by_machine(w->machine) : kt_abi_native();
	w->compat_abi = kt_abi_compat_of(w->abi);
	return w->ops->begin(w);
}

enum kt_abi kt_writer_abi(const struct kt_writer *w, const struct kt_record *r)
{
	return r->compat && w->compat_abi != KT_ABI_NONE ? w->compat_abi : w->abi;
}

int kt_writer_event(struct kt_writer *w, const struct kt_record *r)
{
	/* no state: begin() was not called or failed */
	if (!w->priv || !r || !r->ev) {
		errno = EINVAL;
		return -1;
	}
	return w->ops->event(w, r);
}

int kt_writer_tick(struct kt_writer *w, uint64_t now)
{
	if (!w->priv) {
		errno = EINVAL;
		return -1;
	}
	return w->ops->tick ? w->ops->tick(w, now) : 0;
}

/* The format writes what it still has and frees its state; then flush. */
int kt_writer_end(struct kt_writer *w)
{
	int rc, saved = 0;

	rc = w->ops->end(w);
	if (rc < 0)
		saved = errno;
	w->priv = NULL;
	errno = 0;
	if (fflush(w->fp) == EOF || ferror(w->fp)) {
		if (!saved)
			saved = errno ? errno : EIO;
		rc = -1;
	}
	if (rc < 0)
		errno = saved;
	return rc;
}

int kt_writer_put(struct kt_writer *w, const struct kt_buf *b)
{
	errno = 0;
	if ((b->len && fwrite(b->p, 1, b->len, w->fp) != b->len) ||
	    ferror(w->fp)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

static const char *const state_names[KT_ST_NSTATES] = {
	[KT_ST_COMPLETE] = "complete",
	[KT_ST_UNFINISHED] = "unfinished",
	[KT_ST_NO_EXIT] = "no_exit",
	[KT_ST_NO_ENTER] = "no_enter",
};

const char *kt_errno_name(int e)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	/* Linux's numbers, the same on x86 and arm, 32- or 64-bit. */
	return e > 0 ? strerrorname_np(e) : NULL;
#else
	(void)e;
	return NULL;
#endif
}

const char *kt_state_name(enum kt_state st)
{
	return st >= 0 && st < KT_ST_NSTATES ? state_names[st] : "?";
}

const char *kt_af_name(int family)
{
	switch (family) {
	case AF_UNSPEC:
		return "AF_UNSPEC";
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	default:
		return NULL;
	}
}

#define PUT_LIT(b, s) kt_buf_put((b), (s), sizeof(s) - 1)

int kt_sockaddr_text(struct kt_buf *b, const struct kt_sockaddr *sa)
{
	const char *name = kt_af_name(sa->family);
	size_t alen = strnlen(sa->addr, sizeof(sa->addr));
	int err = PUT_LIT(b, "family=");

	err |= name ? kt_buf_put(b, name, strlen(name)) : kt_buf_i64(b, sa->family);
	switch (sa->family) {
	case AF_INET:
	case AF_INET6:
		err |= PUT_LIT(b, " addr=");
		err |= kt_buf_put(b, sa->addr, alen);
		err |= PUT_LIT(b, " port=");
		err |= kt_buf_u64(b, sa->port);
		break;
	case AF_UNIX:
		err |= PUT_LIT(b, " path=");
		err |= kt_buf_put(b, sa->addr, alen);
		break;
	}
	return err ? -1 : 0;
}

size_t kt_duration_human(char *buf, size_t len, uint64_t ns)
{
	static const struct {
		double div;
		const char *unit;
	} units[] = { { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" } };
	int n = -1;

	if (ns < 1000) {
		n = snprintf(buf, len, "%uns", (unsigned int)ns);
	} else {
		for (size_t i = 0; i < KT_ARRAY_SIZE(units); i++) {
			double v = (double)ns / units[i].div;

			/* 999.96us prints as 1.00ms, not 1000us */
			if (v >= 999.5 && i + 1 < KT_ARRAY_SIZE(units))
				continue;
			n = snprintf(buf, len, "%.*f%s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v,
				     units[i].unit);
			break;
		}
	}
	if (n < 0) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}
