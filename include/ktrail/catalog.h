/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event catalog: one row per event (src/catalog/events.def), Tracee's
 * names, argument names, C types and origin tags, sets, syscall numbers per
 * ABI and the probe recipes that can produce the event.
 */
#ifndef KTRAIL_CATALOG_H
#define KTRAIL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KT_MAX_ARGS 12
#define KT_MAX_EVENTS 1024

/* How an argument's value is typed and printed. */
enum kt_type {
	KT_T_INT,	/* int32 */
	KT_T_UINT,	/* uint32 */
	KT_T_LONG,	/* int64 */
	KT_T_ULONG,	/* uint64 */
	KT_T_U16,	/* uint16 (umode_t) */
	KT_T_PTR,	/* a user-space address, printed as 0x... */
	KT_T_STR,	/* a string read from user memory */
	KT_T_SOCKADDR,	/* struct sockaddr read from user memory */
	KT_T_TIMESPEC,	/* struct timespec read from user memory, seconds */
	KT_T_BOOL,	/* true or false (in u) */
	KT_T_NTYPES
};

/* Where an argument's value comes from (Tracee's tags). */
enum kt_origin {
	KT_O_K = 1 << 0,	/* kernel: a register or kernel value */
	KT_O_U = 1 << 1,	/* read from user memory */
	KT_O_TOCTOU = 1 << 2,	/* user memory that may change after the read */
	KT_O_OPT = 1 << 3,	/* optional: may be absent */
};

/*
 * The syscall ABIs, and the arches whose kernels the kprobe recipes know
 * (registers, entry functions): one enum for both.  The catalog has
 * syscall numbers (nr[]) for the ABIs below KT_ABI_MAX; the ones after it
 * are arches only, with no numbers yet.
 */
enum kt_abi {
	KT_ABI_X86_64,
	KT_ABI_I386,
	KT_ABI_ARM64,
	KT_ABI_ARM,	/* ARM EABI */
	KT_ABI_MAX,	/* how many have syscall numbers: nr[]'s size */
	KT_ABI_RISCV64 = KT_ABI_MAX,
	KT_ABI_ARCH_MAX,	/* every value: the per-arch tables' size */
	KT_ABI_NONE = -1
};

/* Set bits, from sets.def: KT_SET_FS, KT_SET_IPC_MSGQ ... */
enum kt_set_index {
#define SET(m, name, doc) KT_SETI_##m,
#include "ktrail/sets.def"
#undef SET
	KT_NSETS
};
#define SET(m, name, doc) static const uint64_t KT_SET_##m = 1ull << KT_SETI_##m;
#include "ktrail/sets.def"
#undef SET

enum kt_event_kind {
	KT_EV_SYSCALL,	/* syscall enter/exit pair */
	KT_EV_TASK,	/* process lifecycle, from a task or sched tracepoint */
	KT_EV_KPROBE,	/* a kernel function's kprobe (hooks.def), e.g. an LSM hook */
	KT_EV_PSEUDO,	/* made by ktrail itself (lost_events) */
};

struct kt_arg_def {
	const char *name;	/* Tracee's argument name */
	const char *ctype;	/* C type as Tracee documents it */
	enum kt_type type;
	unsigned int origin;	/* KT_O_* bits */
	/*
	 * ktrail's own argument, not one of the syscall's (Tracee has no
	 * such argument): a field a kprobe reads, such as the text of a
	 * msgsnd message.  @guard names the syscall argument (a pointer)
	 * it is read through: a NULL guard leaves it empty.
	 */
	bool extra;
	const char *guard;
};

/*
 * Event flags (FLAG(...) lines of the catalog).
 * NORETURN: the kernel never writes the call's exit (exit, exit_group:
 * the task is gone; rt_sigreturn, sigreturn: they set the syscall
 * number to -1 on their way out, so syscalls/sys_exit_* and
 * raw_syscalls' number match nothing).  Its record is made at entry,
 * complete with no return value: that is not a loss.
 */
enum kt_event_flag {
	KT_EVF_NORETURN = 1 << 0,
};

/*
 * ktrail's own event ids, for the syscalls Tracee's catalog lacks:
 * KT_ID_OWN_BASE + the syscall's x86_64 number (or arm64's where x86_64
 * has none), the same on every arch.  Tracee's ids are all below 10000
 * (syscalls below 1000, its other events 700-8999, arm64's "no such
 * syscall" ids 9000-9999, Unsupported 10000).
 */
#define KT_ID_OWN_BASE 20000
#define KT_ID_OWN_MAX 20999

struct kt_event_def {
	const char *name;	/* Tracee's event name */
	enum kt_event_kind kind;
	int id_x86_64;		/* Tracee's event id on x86_64 (or ktrail's own) */
	int id_arm64;		/* Tracee's event id on arm64 (or ktrail's own) */
	uint64_t sets;		/* KT_SET_* bits */
	const char *tp;		/* syscall tracepoint base: syscalls/sys_enter_<tp>;
				 * KT_EV_TASK: "system/tracepoint" */
	int nr[KT_ABI_MAX];	/* syscall number per ABI, -1: none */
	const char *doc;	/* one line */
	const struct kt_arg_def *args;
	unsigned int nargs;	/* all arguments: npos syscall ones, then extras */
	unsigned int npos;	/* the syscall's own, in syscall order */
	unsigned int flags;	/* KT_EVF_* */
};

extern const struct kt_event_def kt_events[];
extern const unsigned int kt_nevents;

/* Index of argument @name of @ev, or -1. */
int kt_arg_index(const struct kt_event_def *ev, const char *name);

/* The syscall argument a value is read through (the argument itself
 * for a user-memory one, its guard for an extra), or -1. */
int kt_arg_guard(const struct kt_event_def *ev, unsigned int i);
/* The syscall argument giving the length of a message body, or -1. */
int kt_arg_bound(const struct kt_event_def *ev, unsigned int i);

/* Index of the pseudo-event that marks lost events in an output stream. */
const struct kt_event_def *kt_lost_event(void);

const struct kt_event_def *kt_event_by_name(const char *name);
/* Whether @ev's ids are ktrail's own (a syscall Tracee's catalog lacks). */
bool kt_event_own_id(const struct kt_event_def *ev);
/* The event whose syscall number is @nr under @abi, or NULL. */
const struct kt_event_def *kt_event_by_nr(enum kt_abi abi, long nr);
/* The syscall number of @ev under @abi; -1: none, or @abi has no
 * numbers in the catalog (KT_ABI_NONE, riscv64). */
int kt_event_nr(const struct kt_event_def *ev, enum kt_abi abi);

/* Sets */
uint64_t kt_set_by_name(const char *name);	/* 0: unknown */
const char *kt_set_name(uint64_t bit);
/* The set of index @i < KT_NSETS: its name and one line. */
const char *kt_set_name_at(unsigned int i);
const char *kt_set_doc_at(unsigned int i);
/* Writes "syscalls,ipc,ipc_msgq" into buf. */
void kt_sets_format(uint64_t sets, char *buf, size_t len);

const char *kt_type_name(enum kt_type t);	/* Tracee's Go type name */
void kt_origin_format(unsigned int origin, char *buf, size_t len);

const char *kt_abi_name(enum kt_abi abi);	/* "none" if not one */
/* The ABI (or arch) of name @name ("x86_64", "riscv64"...), or KT_ABI_NONE. */
enum kt_abi kt_abi_by_name(const char *name);
/* ABI of the machine ktrail was built for, and its 32-bit compat ABI. */
enum kt_abi kt_abi_native(void);
enum kt_abi kt_abi_compat(void);
/* The 32-bit compat ABI of a 64-bit @abi (i386, arm), else KT_ABI_NONE. */
enum kt_abi kt_abi_compat_of(enum kt_abi abi);
/*
 * The ABI of a machine by its uname -m ("x86_64", "i686", "armv7l",
 * "aarch64", "arm64"), or KT_ABI_NONE for one not known here (and NULL).
 */
enum kt_abi kt_abi_by_machine(const char *machine);
/* Tracee's event id on the build machine's arch. */
int kt_event_id(const struct kt_event_def *ev);
/*
 * Tracee's ids differ between x86_64 and arm64 (arm uses arm64's): a
 * report prints those of the machine that recorded (uname -m, e.g.
 * "armv7l"); NULL: the machine ktrail runs on.
 */
void kt_catalog_machine(const char *machine);

/*
 * A selection of events: a bitmap over kt_events, built from a list such
 * as "ipc,sendmsg,-msgctl".  Returns 0, or -1 with errno = ENOENT and
 * *bad pointing at (a copy of) the unknown word.
 */
struct kt_selection {
	bool on[KT_MAX_EVENTS];
	bool named[KT_MAX_EVENTS];	/* selected by its own name, not a set */
	unsigned int count;
};
int kt_select(const char *spec, struct kt_selection *sel, char *bad, size_t badlen);

#endif
