/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flags and enums rendered by name (src/output/flags.c): O_RDWR|O_CREAT,
 * IPC_CREAT|0600, S_IFREG|0644, AT_FDCWD, SIGCHLD.  The names and their
 * values come from tables in src/xlat/ (one X-macro list per table, the
 * values from the build machine's libc and kernel uapi headers where they
 * are the same for every ABI, and written out per ABI where they differ:
 * O_DIRECTORY is 0200000 on x86, 040000 on arm); which argument gets
 * which rendering is data too (src/xlat/argfmt.def).
 *
 * Rules: bits with no name are kept as hex (O_RDWR|O_CREAT|0x40000000),
 * an enum value with no name prints as its decimal number, and a zero
 * bit set prints as its table's name for zero (O_RDONLY, F_OK) or "0".
 */
#ifndef KTRAIL_FLAGS_H
#define KTRAIL_FLAGS_H

#include <stdint.h>

#include "ktrail/catalog.h"
#include "ktrail/event.h"
#include "ktrail/buf.h"

/* The renderings; kt_fmt_name() gives each its name ("open_flags"). */
enum kt_fmt {
	KT_FMT_NONE,		/* the plain number */
	/* files */
	KT_FMT_OPEN_FLAGS,	/* O_RDONLY|O_CREAT|O_CLOEXEC */
	KT_FMT_MODE,		/* S_IFREG|0644, 0600 */
	KT_FMT_ACCESS_MODE,	/* F_OK, R_OK|W_OK */
	KT_FMT_DIRFD,		/* AT_FDCWD, or the fd */
	KT_FMT_AT_FLAGS,	/* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH */
	KT_FMT_FACCESSAT_FLAGS,	/* AT_EACCESS|AT_SYMLINK_NOFOLLOW */
	KT_FMT_UNLINKAT_FLAGS,	/* AT_REMOVEDIR */
	KT_FMT_STATX_FLAGS,	/* AT_* and AT_STATX_* */
	KT_FMT_STATX_MASK,	/* STATX_BASIC_STATS|STATX_BTIME */
	KT_FMT_RENAME_FLAGS,	/* RENAME_NOREPLACE */
	KT_FMT_FCNTL_CMD,	/* F_SETFD */
	KT_FMT_SEEK_WHENCE,	/* SEEK_SET */
	KT_FMT_FLOCK_OP,	/* LOCK_EX|LOCK_NB */
	KT_FMT_PIPE_FLAGS,	/* O_CLOEXEC|O_NONBLOCK */
	KT_FMT_DUP3_FLAGS,	/* O_CLOEXEC */
	KT_FMT_FALLOCATE_MODE,	/* FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE */
	KT_FMT_FADVISE_ADVICE,	/* POSIX_FADV_DONTNEED */
	KT_FMT_INOTIFY_INIT_FLAGS, /* IN_CLOEXEC */
	KT_FMT_INOTIFY_MASK,	/* IN_MODIFY|IN_CREATE */
	KT_FMT_MOUNT_FLAGS,	/* MS_RDONLY|MS_NOSUID */
	KT_FMT_UMOUNT_FLAGS,	/* MNT_DETACH */
	/* System V and POSIX IPC */
	KT_FMT_IPC_GET_FLAGS,	/* msgget, semget: IPC_CREAT|IPC_EXCL|0600 */
	KT_FMT_SHMGET_FLAGS,	/* IPC_CREAT|SHM_HUGETLB|0600 */
	KT_FMT_SHMAT_FLAGS,	/* SHM_RDONLY */
	KT_FMT_MSGSND_FLAGS,	/* IPC_NOWAIT */
	KT_FMT_MSGRCV_FLAGS,	/* IPC_NOWAIT|MSG_NOERROR */
	KT_FMT_MSGCTL_CMD,	/* IPC_64|IPC_STAT, MSG_INFO */
	KT_FMT_SHMCTL_CMD,	/* SHM_LOCK */
	KT_FMT_SEMCTL_CMD,	/* GETVAL */
	/* sockets */
	KT_FMT_SOCK_DOMAIN,	/* AF_INET */
	KT_FMT_SOCK_TYPE,	/* SOCK_STREAM|SOCK_CLOEXEC */
	KT_FMT_SOCK_FLAGS,	/* accept4: SOCK_NONBLOCK|SOCK_CLOEXEC */
	KT_FMT_SOCK_LEVEL,	/* SOL_SOCKET, IPPROTO_TCP */
	KT_FMT_MSG_FLAGS,	/* MSG_DONTWAIT|MSG_NOSIGNAL */
	KT_FMT_SHUTDOWN_HOW,	/* SHUT_RDWR */
	/* signals */
	KT_FMT_SIGNAL,		/* SIGKILL, SIGRTMIN+3 */
	KT_FMT_SIGPROCMASK_HOW,	/* SIG_BLOCK */
	KT_FMT_SIGNALFD_FLAGS,	/* SFD_CLOEXEC */
	/* memory */
	KT_FMT_PROT,		/* PROT_READ|PROT_WRITE */
	KT_FMT_MMAP_FLAGS,	/* MAP_PRIVATE|MAP_ANONYMOUS */
	KT_FMT_MREMAP_FLAGS,	/* MREMAP_MAYMOVE */
	KT_FMT_MSYNC_FLAGS,	/* MS_SYNC */
	KT_FMT_MADVISE_ADVICE,	/* MADV_DONTNEED */
	KT_FMT_MLOCKALL_FLAGS,	/* MCL_CURRENT|MCL_FUTURE */
	KT_FMT_MLOCK2_FLAGS,	/* MLOCK_ONFAULT */
	KT_FMT_MEMFD_FLAGS,	/* MFD_CLOEXEC|MFD_ALLOW_SEALING */
	/* processes */
	KT_FMT_CLONE_FLAGS,	/* CLONE_VM|CLONE_FS|SIGCHLD */
	KT_FMT_UNSHARE_FLAGS,	/* unshare, setns: CLONE_NEWNS|CLONE_NEWTIME */
	KT_FMT_WAIT4_OPTIONS,	/* WNOHANG|WUNTRACED */
	KT_FMT_WAITID_OPTIONS,	/* WEXITED|WNOWAIT */
	KT_FMT_IDTYPE,		/* P_PID */
	KT_FMT_PRCTL_OPTION,	/* PR_SET_NAME */
	KT_FMT_PTRACE_REQUEST,	/* PTRACE_ATTACH */
	KT_FMT_FUTEX_OP,	/* FUTEX_WAIT|FUTEX_PRIVATE_FLAG */
	KT_FMT_RLIMIT_RESOURCE,	/* RLIMIT_NOFILE */
	KT_FMT_SCHED_POLICY,	/* SCHED_FIFO|SCHED_RESET_ON_FORK */
	/* file descriptors for events and time */
	KT_FMT_EPOLL_CTL_OP,	/* EPOLL_CTL_ADD */
	KT_FMT_EPOLL_CREATE_FLAGS, /* EPOLL_CLOEXEC */
	KT_FMT_EVENTFD_FLAGS,	/* EFD_CLOEXEC|EFD_NONBLOCK */
	KT_FMT_TIMERFD_FLAGS,	/* TFD_CLOEXEC */
	KT_FMT_TIMERFD_SETTIME_FLAGS, /* TFD_TIMER_ABSTIME */
	KT_FMT_CLOCK_ID,	/* CLOCK_MONOTONIC */
	KT_FMT_TIMER_FLAGS,	/* TIMER_ABSTIME */
	KT_FMT_ITIMER_WHICH,	/* ITIMER_REAL */
	KT_FMT_GETRANDOM_FLAGS,	/* GRND_NONBLOCK */
	KT_FMT_N
};

/*
 * The rendering of argument @i of @ev: KT_FMT_NONE for its plain number
 * (and for every argument that is not an integer).  Resolved once for the
 * whole catalog from src/xlat/argfmt.def, then a table look-up.
 */
enum kt_fmt kt_arg_fmt(const struct kt_event_def *ev, unsigned int i);

/*
 * Append the readable text of @v to @b.  @v is the raw value sign-extended
 * per the argument's type (kt_value_bits()).  @abi is the ABI of the task
 * that passed it (of the machine that made the events, or its compat ABI
 * for a 32-bit task: kt_writer_abi()), whose values the names have;
 * KT_ABI_NONE (or an ABI not known here) gives asm-generic's.  The text
 * is plain ASCII (names, '|', '+', digits, a minus sign), needing no
 * escape in CSV, JSON or a terminal.  KT_FMT_NONE appends the signed
 * decimal number.  Returns 0, or -1 with errno (ENOMEM; EINVAL for a @f
 * out of range).
 */
int kt_fmt_render(struct kt_buf *b, enum kt_fmt f, uint64_t v, enum kt_abi abi);

/* The name of @f ("open_flags"; "none" for KT_FMT_NONE), or NULL if @f is
 * out of range.  For `ktrail describe`. */
const char *kt_fmt_name(enum kt_fmt f);

/* The integer in @v of an argument of type @t, sign-extended from its
 * width (INT, LONG) or zero-extended (UINT, U16, ULONG, PTR): the @v that
 * kt_fmt_render() takes. */
uint64_t kt_value_bits(enum kt_type t, const struct kt_value *v);

/* The rows of src/xlat/argfmt.def: @event "*" means every event with an
 * argument of that name (an exact row wins over it). */
struct kt_argfmt {
	const char *event;
	const char *arg;
	enum kt_fmt fmt;
};
extern const struct kt_argfmt kt_argfmts[];
extern const unsigned int kt_nargfmts;

#endif
