// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One event, as the merge hands it on: decoded, then to the pairing of
 * syscall entries and exits, the process table, and the lifecycle
 * records.
 */
#include <stdlib.h>
#include <string.h>

#include "ktrail/filter.h"
#include "ktrail/util.h"
#include "session-local.h"

/*
 * What a syscall tells the process table, whatever recipe saw it and
 * whether or not it was selected: the status exit(2)/exit_group(2) end
 * with, a task's credentials or namespaces changing, the command's exec.
 */
static void syscall_feeds(struct session *s, const struct kt_raw *raw,
			  const struct kt_event_def *ev)
{
	if (!ev)
		return;
	if (raw->kind == KT_RAW_ENTER && (ev == s->ev_exit || ev == s->ev_exit_group)) {
		kt_proc_exit_call(s->proc, raw->tid, (long)raw->args[0], ev == s->ev_exit_group);
		return;
	}
	if (raw->kind != KT_RAW_EXIT || raw->ret != 0)
		return;
	for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_ctx); i++)
		if (ev == s->ev_ctx[i])
			kt_proc_ctx_stale(s->proc, raw->tid);
	/* The command's exec succeeded (also when its sched_process_exec
	 * was lost). */
	if (raw->tid == s->child_k && (ev == s->ev_execve || ev == s->ev_execveat))
		s->child_execd = true;
}

/* Pair one syscall event of @ev (the calls that never return are the
 * catalog's KT_EVF_NORETURN: the pairer writes them at entry). */
static void pair_syscall(struct session *s, const struct kt_raw *raw,
			 const struct kt_event_def *ev, bool compat)
{
	kt_pair_syscall(s->pair, raw, ev, compat);
}

/*
 * A native call from raw_syscalls, as its syscall tracepoint would give
 * it: a 32-bit kernel's words are 4 bytes, and an int or long argument is
 * sign-extended as the tracepoint's field is (kt_rd_arg, decode-local.h).
 */
static const struct kt_raw *raw_native(struct session *s, const struct kt_raw *raw,
				       const struct kt_event_def *ev, struct kt_raw *copy)
{
	if (raw->kind != KT_RAW_ENTER || kt_decoder_long_size(s->dec) != 4)
		return raw;
	*copy = *raw;
	kt_args_extend32(copy->args, ev);
	return copy;
}

static void handle_syscall(struct session *s, const struct kt_raw *raw)
{
	const struct kt_event_def *ev = raw->ev;
	struct kt_raw copy;
	bool compat = false;

	if (raw->raw) {
		/*
		 * raw_syscalls: one pair for both ABIs, the task's ABI tells
		 * which table its number is of; kept are the 32-bit tasks'
		 * calls of compat_on events and the native ones of raw_on
		 * (KT_R_RAW_SYSCALLS).
		 */
		enum kt_abi abi = kt_proc_abi(s->proc, raw->tid);

		if (abi == KT_ABI_NONE && s->plan.raw_native && s->raw_assume_native)
			abi = s->plan.native;
		if (abi == s->plan.compat_abi) {
			ev = kt_event_by_nr(s->plan.compat_abi, raw->nr);
			syscall_feeds(s, raw, ev);
			if (!ev || !s->compat_on[ev - kt_events])
				return;
			compat = true;
		} else if (abi == s->plan.native && s->plan.raw_native) {
			ev = kt_event_by_nr(s->plan.native, raw->nr);
			syscall_feeds(s, raw, ev);
			if (!ev || !s->raw_on[ev - kt_events])
				return;
			raw = raw_native(s, raw, ev, &copy);
		} else {
			if (abi == KT_ABI_NONE)
				s->unattributed++;
			return;
		}
	} else {
		syscall_feeds(s, raw, ev);
		if (!ev || !s->selected[ev - kt_events])
			return;
	}
	/* A new task's first return, from the clone that made it: the call
	 * is its parent's (Tracee shows it once). */
	if (raw->kind == KT_RAW_EXIT && raw->ret == 0 && !kt_pair_in_call(s->pair, raw->tid)) {
		for (size_t i = 0; i < KT_ARRAY_SIZE(s->ev_forks); i++)
			if (s->ev_forks[i] && ev == s->ev_forks[i])
				return;
	}
	pair_syscall(s, raw, ev, compat);
}

/* --scope follow: a child is followed when its parent matched the scope
 * or was followed itself. */
static void follow_fork(struct session *s, const struct kt_raw *raw)
{
	const struct kt_task *p = kt_proc_get(s->proc, raw->tid);
	struct kt_record r = { .tid = raw->tid, .ev = s->ev_fork, .state = KT_ST_COMPLETE };

	if (!p)
		return;
	if (!p->followed) {
		sess_record_task(&r, s->proc, p);
		if (!kt_filter_scope_match(s->filter, &r, p->born ? KT_FM_NEW : 0))
			return;
	}
	kt_proc_set_followed(s->proc, raw->pid);
}

/* Each kind of decoded event (decode.h), to its stages. */
/* Is @ev one of the events traced or reported?  (A report narrowed with
 * -e still holds the kprobe events of the others.) */
static bool wanted(const struct session *s, const struct kt_event_def *ev)
{
	return ev && s->sel->on[ev - kt_events];
}

static void on_syscall(struct session *s, const struct kt_raw *raw)
{
	if (!raw->kprobe) {
		handle_syscall(s, raw);
		return;
	}
	if (raw->ev && raw->ev->kind == KT_EV_KPROBE) {
		if (wanted(s, raw->ev))
			sess_emit_hook(s, raw);
		return;
	}
	syscall_feeds(s, raw, raw->ev);
	if (wanted(s, raw->ev))
		pair_syscall(s, raw, raw->ev, raw->compat);
}

static void on_detail(struct session *s, const struct kt_raw *raw)
{
	const struct kt_event_def *ev;
	bool compat;

	if (!wanted(s, raw->ev))
		return;
	/* The calls a detail record fills (kt_pair_detail's test), for the
	 * kprobes' misses at the end. */
	if (kt_pair_call_of(s->pair, raw->tid, &ev, &compat) && ev == raw->ev &&
	    (raw->any_abi || compat == raw->compat))
		s->detailed[ev - kt_events][compat]++;
	kt_pair_detail(s->pair, raw, raw->ev, raw->compat, raw->any_abi);
}

static void on_newtask(struct session *s, const struct kt_raw *raw)
{
	kt_proc_newtask(s->proc, raw->tid, raw->pid, raw->clone_flags, raw->comm);
	kt_proc_set_start(s->proc, raw->pid, raw->ts + s->epoch);
	if (s->filter && kt_filter_follow(s->filter))
		follow_fork(s, raw);
	if (s->want_fork)
		sess_emit_fork(s, raw);
}

static void on_rename(struct session *s, const struct kt_raw *raw)
{
	kt_proc_rename(s->proc, raw->pid, raw->comm);
}

static void on_exec(struct session *s, const struct kt_raw *raw)
{
	char prev[17] = "";
	const struct kt_task *t;

	/* exec renamed the task (task_rename) before this tracepoint. */
	if (s->want_exec && (t = kt_proc_get(s->proc, raw->pid)))
		memcpy(prev, t->prev_comm[0] ? t->prev_comm : t->comm, sizeof(prev));
	kt_proc_exec(s->proc, raw->pid, raw->old_pid, raw->filename, raw->filename_len);
	if (raw->pid == s->child_k)
		s->child_execd = true;
	if (s->want_exec)
		sess_emit_exec(s, raw, prev);
}

static void on_task_exit(struct session *s, const struct kt_raw *raw)
{
	if (s->want_exit)
		sess_emit_exit(s, raw);
	/* A call the thread is still in never returns (its exit was lost or
	 * filtered out in the kernel). */
	kt_pair_thread_gone(s->pair, raw->pid);
	kt_proc_exit(s->proc, raw->pid);
}

static void on_sig_deliver(struct session *s, const struct kt_raw *raw)
{
	kt_proc_signal_deliver(s->proc, raw->tid, raw->sig, raw->handler);
}

static void on_sig_generate(struct session *s, const struct kt_raw *raw)
{
	if (raw->result == 0)
		kt_proc_signal_generate(s->proc, raw->pid, raw->sig, raw->group);
}

/*
 * The ABI helper turned raw_syscalls on at the exec of a 32-bit task
 * (priv.h, KT_ABI_MARKER): a lost_events row of that task, with no
 * count, marks where its calls begin to be traced.  Other trace_marker
 * lines are not ktrail's.
 */
static void on_marker(struct session *s, const struct kt_raw *raw)
{
	const size_t plen = sizeof(KT_ABI_MARKER) - 1;
	char num[16];
	long tgid;
	char *end;

	if (raw->text_len <= plen || raw->text_len - plen >= sizeof(num) ||
	    memcmp(raw->text, KT_ABI_MARKER, plen))
		return;
	memcpy(num, raw->text + plen, raw->text_len - plen);
	num[raw->text_len - plen] = '\0';
	tgid = strtol(num, &end, 10);
	if (*end || tgid <= 0 || tgid > 0x7fffffff)
		return;
	s->late_marks++;
	sess_emit_late(s, raw->cpu, raw->ts, (int)tgid);
}

static void (*const handlers[])(struct session *s, const struct kt_raw *raw) = {
	[KT_RAW_ENTER] = on_syscall,
	[KT_RAW_EXIT] = on_syscall,
	[KT_RAW_DETAIL] = on_detail,
	[KT_RAW_NEWTASK] = on_newtask,
	[KT_RAW_RENAME] = on_rename,
	[KT_RAW_EXEC] = on_exec,
	[KT_RAW_TASK_EXIT] = on_task_exit,
	[KT_RAW_SIG_DELIVER] = on_sig_deliver,
	[KT_RAW_SIG_GENERATE] = on_sig_generate,
	[KT_RAW_MARKER] = on_marker,
};

void sess_handle_event(struct session *s, int cpu, const void *data, unsigned int size,
		       unsigned long long ts)
{
	struct kt_raw raw;

	if (kt_decode(s->dec, data, size, ts, cpu, &raw) < 0)
		return;
	if ((size_t)raw.kind < KT_ARRAY_SIZE(handlers) && handlers[raw.kind])
		handlers[raw.kind](s, &raw);
}

/*
 * Events were lost on @cpu before @ts: write the marker, and give up on
 * the syscalls entered before it whose exit has not been seen: their
 * exit may be among the lost, and pairing them with a later exit of the
 * same syscall would make a record that never happened.  They are
 * written as no_exit; an exit that does come later is written no_enter.
 */
void sess_loss(struct session *s, int cpu, uint64_t ts, long long count)
{
	sess_emit_lost(s, cpu, ts, count);
	kt_pair_abandon(s->pair, ts);
}

static void sink_event(void *arg, int cpu, const void *data, unsigned int size,
		       unsigned long long ts)
{
	sess_handle_event(arg, cpu, data, size, ts);
}

static void sink_loss(void *arg, int cpu, uint64_t ts, long long count)
{
	sess_loss(arg, cpu, ts, count);
}

static bool sink_stop(void *arg)
{
	const struct session *s = arg;

	return s->write_err != 0;
}

void sess_sink_init(struct session *s)
{
	s->sink = (struct kt_merge_sink){
		.event = sink_event,
		.loss = sink_loss,
		.stop = sink_stop,
		.arg = s,
	};
	s->pool.sink = &s->sink;
}
