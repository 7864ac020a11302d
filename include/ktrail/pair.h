/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Enter/exit pairing: a syscall's enter and exit, seen per thread in time
 * order, become one record that carries the arguments (from the enter), the
 * return value (from the exit) and the entry time (Tracee's semantics: the
 * record is emitted when the syscall returns).
 *
 * What a user gets when one side is missing:
 *  - enter seen, then another enter of the same thread (its exit was lost
 *    in the ring buffer): the first is emitted with state no_exit, no
 *    returnValue;
 *  - exit without a matching enter (lost, or the syscall began before
 *    tracing did, e.g. a msgrcv already blocked when ktrail attached): it is
 *    emitted with state no_enter, the return value, and empty arguments;
 *  - enter still pending when tracing stops (a call blocked at the end):
 *    emitted at the end with state unfinished, in entry order.
 * A call whose exit the kernel never writes (KT_EVF_NORETURN in the
 * catalog: exit, exit_group, rt_sigreturn, sigreturn) is emitted at its
 * enter, complete, with no return value: it is not a loss.
 */
#ifndef KTRAIL_PAIR_H
#define KTRAIL_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "ktrail/decode.h"
#include "ktrail/event.h"

typedef int (*kt_emit_fn)(struct kt_record *r, void *arg);

struct kt_pairer;

/* @epoch_offset: added to trace-clock times to give ns since the epoch. */
struct kt_pairer *kt_pairer_new(int64_t epoch_offset, kt_emit_fn emit, void *arg);
void kt_pairer_free(struct kt_pairer *p);

/*
 * Feed one syscall event.  @ev is the catalog event it belongs to; @compat
 * marks a 32-bit task (its arguments are 32-bit values).  Returns 0, or
 * the first non-zero value an emit returned.
 */
int kt_pair_enter(struct kt_pairer *p, const struct kt_raw *e,
		  const struct kt_event_def *ev, bool compat);
int kt_pair_exit(struct kt_pairer *p, const struct kt_raw *x,
		 const struct kt_event_def *ev, bool compat);
/*
 * Feed one syscall event, enter or exit (@raw->kind): kt_pair_enter or
 * kt_pair_exit, but a call that never returns (KT_EVF_NORETURN) is
 * emitted at its enter, complete with no return value, and an exit of
 * one that comes all the same (a sigreturn with a bad frame) is dropped
 * (its record was written).
 */
int kt_pair_syscall(struct kt_pairer *p, const struct kt_raw *raw,
		    const struct kt_event_def *ev, bool compat);
/*
 * A detail kprobe's values for the call @d->tid is in: they fill the
 * pending enter if it is a call of @ev by a task of the same ABI (any ABI
 * with @any_abi).  Otherwise they are dropped: silently when the thread is
 * in another call (one that reaches the same kernel function), counted as
 * unmatched when it is in none (its entry was lost or predates tracing).
 */
int kt_pair_detail(struct kt_pairer *p, const struct kt_raw *d,
		   const struct kt_event_def *ev, bool compat, bool any_abi);
unsigned long kt_pair_unmatched(const struct kt_pairer *p);
/* A kprobe-read value @arg of the call @tid is in (its event in @ev), or
 * NULL.  Valid until the next call of the pairer. */
const struct kt_value *kt_pair_pending_val(struct kt_pairer *p, int tid, const char *arg,
					   const struct kt_event_def **ev);
/* Thread @tid exited: a call it is still in never returns; it is
 * emitted as no_exit and forgotten (a reused tid starts clean). */
int kt_pair_thread_gone(struct kt_pairer *p, int tid);
/* Whether @tid is in a call ktrail saw begin. */
bool kt_pair_in_call(const struct kt_pairer *p, int tid);
/* The event and ABI of the call @tid is in: false if it is in none. */
bool kt_pair_call_of(const struct kt_pairer *p, int tid, const struct kt_event_def **ev,
		     bool *compat);
/* The pending call of @tid never returns: emit it now, complete without
 * a return value (kt_pair_syscall does it for KT_EVF_NORETURN events). */
int kt_pair_noreturn(struct kt_pairer *p, int tid);
/*
 * Events were lost before @ts (trace clock): emit every enter older than
 * that as no_exit (oldest first) and forget it.
 */
int kt_pair_abandon(struct kt_pairer *p, uint64_t ts);
/* Emit every pending enter as unfinished (oldest first) and forget it. */
int kt_pair_flush(struct kt_pairer *p);
unsigned int kt_pair_pending(const struct kt_pairer *p);
/* The entry time (as records have it) of the oldest pending call:
 * false when none. */
bool kt_pair_oldest(const struct kt_pairer *p, uint64_t *ts);

/*
 * A native call's words from raw_syscalls on a kernel whose longs are 4
 * bytes: its int and long arguments sign-extended, as the syscall
 * tracepoint's fields are (kt_args_from_regs then types them alike).
 */
void kt_args_extend32(uint64_t *regs, const struct kt_event_def *ev);

/* Fill r->args from raw register values, typed by the catalog. */
void kt_args_from_regs(struct kt_record *r, const uint64_t *regs, bool compat);

#endif
