// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON lines.  Two shapes:
 *
 * "json" is Tracee's trace.Event as its current release (0.24) reads it:
 *
 *   {"timestamp":N,"threadStartTime":N,"processorId":N,"processId":N,
 *    "cgroupId":N,"threadId":N,"parentProcessId":N,"hostProcessId":N,
 *    "hostThreadId":N,"hostParentProcessId":N,"userId":N,
 *    "mountNamespace":N,"pidNamespace":N,"processName":"..",
 *    "executable":{"path":".."},"hostName":"..","containerId":"..",
 *    "eventId":"69","eventName":"msgsnd","argsNum":4,"returnValue":0,
 *    "syscall":"msgsnd","stackAddresses":[],
 *    "contextFlags":{"containerStarted":false,"isCompat":false},
 *    "args":[{"name":"msqid","type":"int32","value":3},
 *            {"name":"msgp","type":"trace.Pointer","value":94558712406720},
 *            {"name":"msgflg","type":"string","value":"IPC_NOWAIT","raw":2048},...],
 *    "ktrail":{"state":"complete","duration":N}}
 *
 * Argument types are Tracee's Go names (kt_type_name(): int32, uint64,
 * trace.Pointer, string, SockAddr, float64, bool ...) and each value has
 * the shape its decoder wants: numbers for the integers and pointers (a
 * pointer in decimal), a string, an object of strings for a socket
 * address, seconds as a number for a timespec, null for no value.  A flag
 * or enum printed by name is, as in Tracee's parsed arguments, of type
 * "string", its number kept in "raw" (unless w->raw: then the number with
 * its own type).  processId, threadId and parentProcessId are the ids in
 * the task's pid namespace (the host ids when they are not known; 0 for a
 * parent outside it), the host's in the host* members.  hostName is the
 * task's UTS name as far as ktrail knows it: the tracer's own when the
 * task shares its UTS namespace (or the namespace is unknown), "" when
 * the task has a namespace of its own (w->own_utsns).
 *
 * "json-v1" is the shape of earlier ktrail releases: C type names, a
 * pointer as a "0x..." string, a flag's name as "value" with "raw", host
 * ids in processId and threadId, none of threadStartTime, cgroupId,
 * executable, containerId.
 *
 * In both: the process context members (parentProcessId ... pidNamespace)
 * only when the process table knows the task (a namespace it could not
 * read is 0); hostName only when known; returnValue (a number) only when
 * seen; the lost_events pseudo-event has no syscall and no "ktrail"
 * object.  The duration is the call's, entry to exit, in nanoseconds,
 * null when the record has none (kt_record_duration).  One line per
 * record, built in a reused buffer and written with a single fwrite.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ktrail/writer.h"

#define PUT_LIT(b, s) kt_buf_put((b), (s), sizeof(s) - 1)

struct json_priv {
	struct kt_buf line;
	bool v1;		/* the json-v1 shape */
};

static int begin(struct kt_writer *w, bool v1)
{
	struct json_priv *j = calloc(1, sizeof(*j));

	if (!j)
		return -1;
	j->v1 = v1;
	w->priv = j;
	return 0;
}

static int json_begin(struct kt_writer *w)
{
	return begin(w, false);
}

static int json_v1_begin(struct kt_writer *w)
{
	return begin(w, true);
}

static int put_str(struct kt_buf *b, const char *s)
{
	return kt_esc_json(b, s, strlen(s));
}

static int json_sockaddr(struct kt_buf *b, const struct kt_sockaddr *sa)
{
	const char *name = kt_af_name(sa->family);
	size_t alen = strnlen(sa->addr, sizeof(sa->addr));
	int err = PUT_LIT(b, "{\"sa_family\":");

	if (name) {
		err |= put_str(b, name);
	} else {
		err |= PUT_LIT(b, "\"");
		err |= kt_buf_i64(b, sa->family);
		err |= PUT_LIT(b, "\"");
	}
	switch (sa->family) {
	case AF_INET:
	case AF_INET6:
		err |= sa->family == AF_INET ? PUT_LIT(b, ",\"sin_addr\":") :
					       PUT_LIT(b, ",\"sin6_addr\":");
		err |= kt_esc_json(b, sa->addr, alen);
		err |= sa->family == AF_INET ? PUT_LIT(b, ",\"sin_port\":\"") :
					       PUT_LIT(b, ",\"sin6_port\":\"");
		err |= kt_buf_u64(b, sa->port);
		err |= PUT_LIT(b, "\"");
		break;
	case AF_UNIX:
		err |= PUT_LIT(b, ",\"sun_path\":");
		err |= kt_esc_json(b, sa->addr, alen);
		break;
	}
	err |= PUT_LIT(b, "}");
	return err ? -1 : 0;
}

/* A flag or enum argument has its text as "value" and its number as
 * "raw"; json-v1's pointer is a "0x..." string. */
static const struct kt_value_style json_v1_style = {
	.str = kt_esc_json,
	.sockaddr = json_sockaddr,
	.none = "null",
	.quote = "\"",
	.raw_key = ",\"raw\":",
	.finite_only = true,
};

/* Tracee's: a flag's text quoted, every number bare. */
static const struct kt_value_style json_style = {
	.str = kt_esc_json,
	.sockaddr = json_sockaddr,
	.none = "null",
	.quote = "\"",
	.raw_key = ",\"raw\":",
	.finite_only = true,
	.ptr_decimal = true,
};

/* One argument of the Tracee shape: its type says what the value is. */
static int tracee_arg(struct kt_buf *b, const struct kt_writer *w, const struct kt_record *r,
		      unsigned int i)
{
	const struct kt_arg_def *a = &r->ev->args[i];
	enum kt_fmt f = w->raw ? KT_FMT_NONE : kt_arg_fmt(r->ev, i);
	int err = 0;

	err |= PUT_LIT(b, ",\"type\":");
	err |= put_str(b, f != KT_FMT_NONE && r->args[i].set ? "string" : kt_type_name(a->type));
	err |= PUT_LIT(b, ",\"value\":");
	err |= kt_value_print_fmt(b, w, r, i, &json_style, f);
	return err ? -1 : 0;
}

/* The task's UTS name, as far as ktrail can tell (see the top). */
static const char *host_name(const struct kt_writer *w, const struct kt_record *r)
{
	if (!w->hostname)
		return NULL;
	if (w->own_utsns && r->utsns && r->utsns != w->own_utsns)
		return "";
	return w->hostname;
}

static int put_ids(struct kt_buf *b, const struct kt_record *r, bool v1)
{
	int err = 0;

	err |= PUT_LIT(b, ",\"processId\":");
	err |= kt_buf_i64(b, v1 || !r->has_nsids ? r->pid : r->ns_pid);
	if (!v1) {
		err |= PUT_LIT(b, ",\"cgroupId\":");
		err |= kt_buf_u64(b, r->cgroup_id);
	}
	err |= PUT_LIT(b, ",\"threadId\":");
	err |= kt_buf_i64(b, v1 || !r->has_nsids ? r->tid : r->ns_tid);
	if (!v1 && r->has_ctx) {
		err |= PUT_LIT(b, ",\"parentProcessId\":");
		err |= kt_buf_i64(b, r->has_nsids ? r->ns_ppid : r->ppid);
	}
	err |= PUT_LIT(b, ",\"hostProcessId\":");
	err |= kt_buf_i64(b, r->pid);
	err |= PUT_LIT(b, ",\"hostThreadId\":");
	err |= kt_buf_i64(b, r->tid);
	if (!v1 && r->has_ctx) {
		err |= PUT_LIT(b, ",\"hostParentProcessId\":");
		err |= kt_buf_i64(b, r->ppid);
	}
	return err;
}

static int json_event(struct kt_writer *w, const struct kt_record *r)
{
	struct json_priv *j = w->priv;
	struct kt_buf *b = &j->line;
	const struct kt_event_def *ev = r->ev;
	bool pseudo = ev->kind == KT_EV_PSEUDO;
	unsigned int nargs = ev->nargs < KT_MAX_ARGS ? ev->nargs : KT_MAX_ARGS;
	const char *host;
	uint64_t dur;
	int err = 0;

	b->len = 0;
	err |= PUT_LIT(b, "{\"timestamp\":");
	err |= kt_buf_u64(b, r->ts);
	if (!j->v1) {
		err |= PUT_LIT(b, ",\"threadStartTime\":");
		err |= kt_buf_u64(b, r->start_ns);
	}
	err |= PUT_LIT(b, ",\"processorId\":");
	err |= kt_buf_i64(b, r->cpu);
	err |= put_ids(b, r, j->v1);
	if (j->v1) {
		err |= PUT_LIT(b, ",\"processName\":");
		err |= put_str(b, r->comm ? r->comm : "");
	}
	if (r->has_ctx) {
		if (j->v1) {
			err |= PUT_LIT(b, ",\"parentProcessId\":");
			err |= kt_buf_i64(b, r->ppid);
			err |= PUT_LIT(b, ",\"hostParentProcessId\":");
			err |= kt_buf_i64(b, r->ppid);
		}
		err |= PUT_LIT(b, ",\"userId\":");
		err |= kt_buf_u64(b, r->uid);
		err |= PUT_LIT(b, ",\"mountNamespace\":");
		err |= kt_buf_u64(b, r->mntns);
		err |= PUT_LIT(b, ",\"pidNamespace\":");
		err |= kt_buf_u64(b, r->pidns);
	}
	if (!j->v1) {
		err |= PUT_LIT(b, ",\"processName\":");
		err |= put_str(b, r->comm ? r->comm : "");
		err |= PUT_LIT(b, ",\"executable\":{\"path\":");
		err |= put_str(b, r->exe ? r->exe : "");
		err |= PUT_LIT(b, "}");
	}
	if ((host = j->v1 ? w->hostname : host_name(w, r))) {
		err |= PUT_LIT(b, ",\"hostName\":");
		err |= put_str(b, host);
	}
	if (!j->v1) {
		err |= PUT_LIT(b, ",\"containerId\":");
		err |= put_str(b, r->container ? r->container : "");
	}
	err |= PUT_LIT(b, ",\"eventId\":\"");
	err |= kt_buf_i64(b, kt_event_id(ev));
	err |= PUT_LIT(b, "\",\"eventName\":");
	err |= put_str(b, ev->name);
	if (j->v1 && ev->kind == KT_EV_SYSCALL) {
		err |= PUT_LIT(b, ",\"syscall\":");
		err |= put_str(b, ev->name);
	}
	err |= PUT_LIT(b, ",\"argsNum\":");
	err |= kt_buf_u64(b, nargs);
	if (r->has_ret) {
		err |= PUT_LIT(b, ",\"returnValue\":");
		err |= kt_buf_i64(b, r->ret);
	}
	if (!j->v1) {
		if (ev->kind == KT_EV_SYSCALL) {
			err |= PUT_LIT(b, ",\"syscall\":");
			err |= put_str(b, ev->name);
		}
		err |= PUT_LIT(b, ",\"stackAddresses\":[]");
	}
	err |= r->compat ?
	       PUT_LIT(b, ",\"contextFlags\":{\"containerStarted\":false,\"isCompat\":true}") :
	       PUT_LIT(b, ",\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false}");
	err |= PUT_LIT(b, ",\"args\":[");
	for (unsigned int i = 0; i < nargs; i++) {
		const struct kt_arg_def *a = &ev->args[i];

		err |= i ? PUT_LIT(b, ",{\"name\":") : PUT_LIT(b, "{\"name\":");
		err |= put_str(b, a->name);
		if (j->v1) {
			err |= PUT_LIT(b, ",\"type\":");
			err |= put_str(b, a->ctype);
			err |= PUT_LIT(b, ",\"value\":");
			err |= kt_value_print(b, w, r, i, &json_v1_style);
		} else {
			err |= tracee_arg(b, w, r, i);
		}
		err |= PUT_LIT(b, "}");
	}
	err |= PUT_LIT(b, "]");
	if (!pseudo) {
		err |= PUT_LIT(b, ",\"ktrail\":{\"state\":");
		err |= put_str(b, kt_state_name(r->state));
		err |= PUT_LIT(b, ",\"duration\":");
		if (kt_record_duration(r, &dur))
			err |= kt_buf_u64(b, dur);
		else
			err |= PUT_LIT(b, "null");
		err |= PUT_LIT(b, "}");
	}
	err |= PUT_LIT(b, "}\n");
	if (err) {
		errno = ENOMEM;
		return -1;
	}
	return kt_writer_put(w, b);
}

static int json_end(struct kt_writer *w)
{
	struct json_priv *j = w->priv;

	if (j) {
		kt_buf_free(&j->line);
		free(j);
	}
	w->priv = NULL;
	return 0;
}

const struct kt_writer_ops kt_json_ops = {
	.name = "json",
	.begin = json_begin,
	.event = json_event,
	.end = json_end,
};

const struct kt_writer_ops kt_json_v1_ops = {
	.name = "json-v1",
	.begin = json_v1_begin,
	.event = json_event,
	.end = json_end,
};
