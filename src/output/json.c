// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON lines in the shape of Tracee's trace.Event, for the fields ktrail
 * fills, plus our own "ktrail" object with the pairing state:
 *
 *   {"timestamp":N,"processorId":N,"processId":N,"threadId":N,
 *    "hostProcessId":N,"hostThreadId":N,"processName":"..",
 *    "parentProcessId":N,"hostParentProcessId":N,"userId":N,
 *    "mountNamespace":N,"pidNamespace":N,
 *    "hostName":"..","eventId":"69","eventName":"msgsnd",
 *    "syscall":"msgsnd","argsNum":4,"returnValue":0,
 *    "contextFlags":{"containerStarted":false,"isCompat":false},
 *    "args":[{"name":"msqid","type":"int","value":3},
 *            {"name":"msgflg","type":"int","value":"IPC_NOWAIT","raw":2048},...],
 *    "ktrail":{"state":"complete","duration":N}}
 *
 * The five process context members only when the process table knows the
 * task (a namespace it could not read is 0), always in that place;
 * hostName only when known, returnValue (a number) only when seen; the
 * lost_events pseudo-event has no syscall and no "ktrail" object.  The
 * duration is the call's, entry to exit, in nanoseconds, null when the
 * record has none (kt_record_duration: not complete, not a call).  A flag or enum
 * argument (flags.h) has its text as "value" and its number as "raw",
 * unless w->raw: then "value" is the number and there is no "raw".  One
 * line per record, built in a reused buffer and written with a single
 * fwrite.
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
};

static int json_begin(struct kt_writer *w)
{
	struct json_priv *j = calloc(1, sizeof(*j));

	if (!j)
		return -1;
	w->priv = j;
	return 0;
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
 * "raw". */
static const struct kt_value_style json_style = {
	.str = kt_esc_json,
	.sockaddr = json_sockaddr,
	.none = "null",
	.quote = "\"",
	.raw_key = ",\"raw\":",
	.finite_only = true,
};

static int json_event(struct kt_writer *w, const struct kt_record *r)
{
	struct json_priv *j = w->priv;
	struct kt_buf *b = &j->line;
	const struct kt_event_def *ev = r->ev;
	bool pseudo = ev->kind == KT_EV_PSEUDO;
	unsigned int nargs = ev->nargs < KT_MAX_ARGS ? ev->nargs : KT_MAX_ARGS;
	uint64_t dur;
	int err = 0;

	b->len = 0;
	err |= PUT_LIT(b, "{\"timestamp\":");
	err |= kt_buf_u64(b, r->ts);
	err |= PUT_LIT(b, ",\"processorId\":");
	err |= kt_buf_i64(b, r->cpu);
	err |= PUT_LIT(b, ",\"processId\":");
	err |= kt_buf_i64(b, r->pid);
	err |= PUT_LIT(b, ",\"threadId\":");
	err |= kt_buf_i64(b, r->tid);
	err |= PUT_LIT(b, ",\"hostProcessId\":");
	err |= kt_buf_i64(b, r->pid);
	err |= PUT_LIT(b, ",\"hostThreadId\":");
	err |= kt_buf_i64(b, r->tid);
	err |= PUT_LIT(b, ",\"processName\":");
	err |= put_str(b, r->comm ? r->comm : "");
	if (r->has_ctx) {
		err |= PUT_LIT(b, ",\"parentProcessId\":");
		err |= kt_buf_i64(b, r->ppid);
		err |= PUT_LIT(b, ",\"hostParentProcessId\":");
		err |= kt_buf_i64(b, r->ppid);
		err |= PUT_LIT(b, ",\"userId\":");
		err |= kt_buf_u64(b, r->uid);
		err |= PUT_LIT(b, ",\"mountNamespace\":");
		err |= kt_buf_u64(b, r->mntns);
		err |= PUT_LIT(b, ",\"pidNamespace\":");
		err |= kt_buf_u64(b, r->pidns);
	}
	if (w->hostname) {
		err |= PUT_LIT(b, ",\"hostName\":");
		err |= put_str(b, w->hostname);
	}
	err |= PUT_LIT(b, ",\"eventId\":\"");
	err |= kt_buf_i64(b, kt_event_id(ev));
	err |= PUT_LIT(b, "\",\"eventName\":");
	err |= put_str(b, ev->name);
	if (ev->kind == KT_EV_SYSCALL) {
		err |= PUT_LIT(b, ",\"syscall\":");
		err |= put_str(b, ev->name);
	}
	err |= PUT_LIT(b, ",\"argsNum\":");
	err |= kt_buf_u64(b, nargs);
	if (r->has_ret) {
		err |= PUT_LIT(b, ",\"returnValue\":");
		err |= kt_buf_i64(b, r->ret);
	}
	err |= r->compat ?
	       PUT_LIT(b, ",\"contextFlags\":{\"containerStarted\":false,\"isCompat\":true}") :
	       PUT_LIT(b, ",\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false}");
	err |= PUT_LIT(b, ",\"args\":[");
	for (unsigned int i = 0; i < nargs; i++) {
		const struct kt_arg_def *a = &ev->args[i];

		err |= i ? PUT_LIT(b, ",{\"name\":") : PUT_LIT(b, "{\"name\":");
		err |= put_str(b, a->name);
		err |= PUT_LIT(b, ",\"type\":");
		err |= put_str(b, a->ctype);
		err |= PUT_LIT(b, ",\"value\":");
		err |= kt_value_print(b, w, r, i, &json_style);
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
