// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The process lifecycle records (sched_process_fork, _exec, _exit) and
 * the kernel-function events, made from the task and sched tracepoints
 * and the kprobes; and the catalog rows the session treats specially.
 */
#include <string.h>

#include "ktrail/util.h"
#include "session-local.h"

/* A string value pointing at @len bytes of @p. */
static void str_val(struct kt_value *v, const char *p, size_t len)
{
	v->set = true;
	v->str = p;
	v->len = (uint32_t)len;
}

static void int_val(struct kt_value *v, int64_t i)
{
	v->set = true;
	v->i = i;
}

/* Process lifecycle records: made in the task's context at the time of
 * the tracepoint (the process table is already up to date). */
void sess_emit_fork(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->tid,
		.ev = s->ev_fork, .state = KT_ST_COMPLETE,
	};
	const struct kt_task *parent = kt_proc_get(s->proc, raw->tid);
	int ppid = parent ? parent->tgid : 0;
	const struct kt_task *child = kt_proc_get(s->proc, raw->pid);

	int_val(&r.args[0], raw->tid);
	if (ppid)
		int_val(&r.args[1], ppid);
	int_val(&r.args[2], raw->pid);
	if (child && child->tgid)
		int_val(&r.args[3], child->tgid);
	r.args[4].set = true;
	r.args[4].u = raw->clone_flags;
	str_val(&r.args[5], raw->comm, strnlen(raw->comm, sizeof(raw->comm)));
	sess_emit_record(&r, s);
}

void sess_emit_exec(struct session *s, const struct kt_raw *raw, const char *prev_comm)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->pid,
		.ev = s->ev_exec, .state = KT_ST_COMPLETE,
	};

	str_val(&r.args[0], raw->filename, raw->filename_len);
	str_val(&r.args[1], prev_comm, strlen(prev_comm));
	int_val(&r.args[2], raw->old_pid);
	sess_emit_record(&r, s);
}

void sess_emit_exit(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->pid,
		.ev = s->ev_exit_task, .state = KT_ST_COMPLETE,
	};
	int status, sig;

	if (kt_proc_exit_cause(s->proc, raw->pid, &status, &sig)) {
		int_val(&r.args[0], status);
		int_val(&r.args[1], sig);
	}
	if (raw->group_dead >= 0) {
		r.args[2].set = true;
		r.args[2].u = (uint64_t)raw->group_dead;
	}
	sess_emit_record(&r, s);
}

/* A kernel-function event (security_file_open): its kprobe's values, and
 * the path the thread's pending open call was given. */
void sess_emit_hook(struct session *s, const struct kt_raw *raw)
{
	struct kt_record r = {
		.ts = raw->ts + s->epoch, .cpu = raw->cpu, .tid = raw->tid,
		.ev = raw->ev, .state = KT_ST_COMPLETE,
	};
	int sp = kt_arg_index(raw->ev, "syscall_pathname");

	for (unsigned int i = 0; i < raw->ev->nargs && i < KT_MAX_ARGS; i++)
		r.args[i] = raw->vals[i];
	if (sp >= 0 && !r.args[sp].set) {
		const struct kt_event_def *pev = NULL;
		const struct kt_value *v = kt_pair_pending_val(s->pair, raw->tid, "pathname", &pev);
		bool open_call = false;

		for (size_t i = 0; pev && i < KT_ARRAY_SIZE(s->ev_opens); i++)
			open_call |= pev == s->ev_opens[i];
		if (v && v->str && open_call)
			r.args[sp] = *v;
	}
	sess_emit_record(&r, s);
}

/* The catalog rows the session treats specially. */
void sess_lookup_events(struct session *s)
{
	s->ev_fork = kt_event_by_name("sched_process_fork");
	s->ev_exec = kt_event_by_name("sched_process_exec");
	s->ev_exit_task = kt_event_by_name("sched_process_exit");
	s->ev_exit = kt_event_by_name("exit");
	s->ev_exit_group = kt_event_by_name("exit_group");
	{
		static const char *const opens[] = { "open", "openat", "openat2", "creat",
						     "execve", "execveat", "uselib" };

		for (size_t i = 0; i < KT_ARRAY_SIZE(opens) && i < KT_ARRAY_SIZE(s->ev_opens); i++)
			s->ev_opens[i] = kt_event_by_name(opens[i]);
	}
	s->ev_execve = kt_event_by_name("execve");
	s->ev_execveat = kt_event_by_name("execveat");
	s->ev_forks[0] = kt_event_by_name("clone");
	s->ev_forks[1] = kt_event_by_name("clone3");
	s->ev_forks[2] = kt_event_by_name("fork");
	s->ev_forks[3] = kt_event_by_name("vfork");
	for (size_t i = 0; i < kt_nctx_calls && i < KT_ARRAY_SIZE(s->ev_ctx); i++)
		s->ev_ctx[i] = kt_event_by_name(kt_ctx_calls[i]);
}
