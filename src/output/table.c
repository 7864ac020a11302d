// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A table for people, laid out like Tracee's:
 *
 *   TIME             CPU UID    COMM             PID     TID     PPID    RET              DURATION EVENT                ARGS
 *   12:34:56.789012  3   1000   ipcwork          4242    4242    4200    0                12.3us   msgsnd               msqid: 3, ...
 *
 * UID and PPID are blank when the process table does not know the task.
 * Flags and enums print by name (flags.h: msgflg: IPC_NOWAIT) unless
 * w->raw.
 *
 * Every string that reaches the terminal goes through kt_esc_table, so no
 * control character or escape sequence from a traced process gets there.
 * RET is the return value, "?" when there is none, and the pairing state
 * after it when the record is not complete ("? unfinished", "-4 no_enter").
 * DURATION is the call's, entry to exit, in human units (850ns, 12.3us,
 * 4.56ms, 1.20s), blank when the record has none (not complete, not a
 * call).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktrail/writer.h"

#define PUT_LIT(b, s) kt_buf_put((b), (s), sizeof(s) - 1)

#define W_TIME 15
#define W_CPU 3
#define W_UID 6
#define W_COMM 16
#define W_ID 7
#define W_RET 16
#define W_DUR 8
#define W_EVENT 20

static const char header[] =
	"TIME             CPU UID    COMM             PID     TID     PPID    RET              DURATION EVENT                ARGS\n";

struct table_priv {
	struct kt_buf line;
	struct kt_buf tmp;
	int64_t sec;		/* the second hms[] shows */
	char hms[16];		/* "HH:MM:SS" */
};

static int table_begin(struct kt_writer *w)
{
	struct table_priv *t = calloc(1, sizeof(*t));
	int saved;

	if (!t)
		return -1;
	t->sec = -1;
	/* localtime_r need not look at TZ: read it once here. */
	tzset();
	if (PUT_LIT(&t->line, header) < 0 || kt_writer_put(w, &t->line) < 0) {
		saved = errno;
		kt_buf_free(&t->line);
		free(t);
		errno = saved;
		return -1;
	}
	w->priv = t;
	return 0;
}

static int pad(struct kt_buf *b, size_t have, size_t width)
{
	static const char spaces[] = "                                ";
	int err = 0;

	while (have < width) {
		size_t n = width - have;

		if (n > sizeof(spaces) - 1)
			n = sizeof(spaces) - 1;
		err |= kt_buf_put(b, spaces, n);
		have += n;
	}
	return err;
}

/* Append @s, escaped text, cut at @cols columns (never inside an escape
 * or a UTF-8 sequence) and padded to them. */
static int put_cols(struct kt_buf *b, const char *s, size_t len, size_t cols)
{
	size_t i = 0, used = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, w;

		if (c == '\\' && i + 1 < len)
			n = s[i + 1] == 'x' ? 4 : s[i + 1] == 'u' ? 6 : 2;
		else if (c < 0x80)
			n = 1;
		else
			n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n > len - i)
			n = len - i;
		w = c == '\\' ? n : 1;
		if (used + w > cols)
			break;
		used += w;
		i += n;
	}
	if (kt_buf_put(b, s, i) < 0)
		return -1;
	return pad(b, used, cols);
}

static int put_field(struct kt_buf *b, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (kt_buf_put(b, s, n) < 0 || pad(b, n, width) < 0)
		return -1;
	return PUT_LIT(b, " ");
}

static int put_time(struct table_priv *t, struct kt_buf *b, uint64_t ts)
{
	int64_t sec = ts / 1000000000u;
	unsigned int usec = ts % 1000000000u / 1000;

	if (sec != t->sec) {
		time_t tt = (time_t)sec;
		struct tm tm;

		if (!localtime_r(&tt, &tm) ||
		    !strftime(t->hms, sizeof(t->hms), "%H:%M:%S", &tm))
			strcpy(t->hms, "??:??:??");
		t->sec = sec;
	}
	return kt_buf_printf(b, "%s.%06u  ", t->hms, usec);
}

static const struct kt_value_style table_style = {
	.str = kt_esc_table,
	.none = "?",
	.quote = "",
};

static int table_event(struct kt_writer *w, const struct kt_record *r)
{
	struct table_priv *t = w->priv;
	struct kt_buf *b = &t->line, *tmp = &t->tmp;
	const struct kt_event_def *ev = r->ev;
	bool pseudo = ev->kind == KT_EV_PSEUDO;
	unsigned int nargs = ev->nargs < KT_MAX_ARGS ? ev->nargs : KT_MAX_ARGS;
	const char *comm = r->comm ? r->comm : "";
	char num[24];
	uint64_t dur;
	int err = 0;

	b->len = 0;
	err |= put_time(t, b, r->ts);
	snprintf(num, sizeof(num), "%d", r->cpu);
	err |= put_field(b, num, W_CPU);
	snprintf(num, sizeof(num), "%u", r->uid);
	err |= put_field(b, r->has_ctx ? num : "", W_UID);

	tmp->len = 0;
	err |= kt_esc_table(tmp, comm, strlen(comm));
	err |= put_cols(b, tmp->p, tmp->len, W_COMM);
	err |= PUT_LIT(b, " ");

	snprintf(num, sizeof(num), "%d", r->pid);
	err |= put_field(b, pseudo && !r->pid ? "" : num, W_ID);
	snprintf(num, sizeof(num), "%d", r->tid);
	err |= put_field(b, pseudo && !r->tid ? "" : num, W_ID);
	snprintf(num, sizeof(num), "%d", r->ppid);
	err |= put_field(b, r->has_ctx ? num : "", W_ID);

	tmp->len = 0;
	err |= kt_buf_put(tmp, "", 0);
	if (!pseudo) {
		if (r->has_ret) {
			const char *en = ev->kind == KT_EV_SYSCALL && r->ret < 0 && r->ret >= -4095 ?
					 kt_errno_name((int)-r->ret) : NULL;

			err |= kt_buf_i64(tmp, r->ret);
			/* As strace: -2 ENOENT. */
			if (en)
				err |= kt_buf_printf(tmp, " %s", en);
		} else
			err |= PUT_LIT(tmp, "?");
		if (r->state != KT_ST_COMPLETE)
			err |= kt_buf_printf(tmp, " %s", kt_state_name(r->state));
	}
	if (!err)
		err |= put_field(b, tmp->p, W_RET);
	if (kt_record_duration(r, &dur))
		kt_duration_human(num, sizeof(num), dur);
	else
		num[0] = '\0';
	err |= put_field(b, num, W_DUR);

	if (nargs) {
		err |= put_field(b, ev->name, W_EVENT);
	} else {
		err |= kt_buf_put(b, ev->name, strlen(ev->name));
	}
	for (unsigned int i = 0, shown = 0; i < nargs; i++) {
		const struct kt_arg_def *a = &ev->args[i];

		/* ktrail's own arguments only when a probe read them. */
		if (a->extra && !r->args[i].set)
			continue;
		if (shown++)
			err |= PUT_LIT(b, ", ");
		err |= kt_buf_put(b, a->name, strlen(a->name));
		err |= PUT_LIT(b, ": ");
		err |= kt_value_print(b, w, r, i, &table_style);
	}
	err |= PUT_LIT(b, "\n");
	if (err) {
		errno = ENOMEM;
		return -1;
	}
	return kt_writer_put(w, b);
}

static int table_end(struct kt_writer *w)
{
	struct table_priv *t = w->priv;

	if (t) {
		kt_buf_free(&t->line);
		kt_buf_free(&t->tmp);
		free(t);
	}
	w->priv = NULL;
	return 0;
}

const struct kt_writer_ops kt_table_ops = {
	.name = "table",
	.begin = table_begin,
	.event = table_event,
	.end = table_end,
};
