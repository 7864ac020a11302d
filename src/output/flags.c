// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flags and enums by name (flags.h).  The tables are the X-macro lists in
 * src/xlat/, filled here with the values of the build machine's C library
 * headers (and, for the open(2) flags, the kernel's: xlat_uapi.c), except
 * for the values that differ between the ABIs (enum kt_abi): those the
 * lists give for each ABI (XLAT_A rows), and a table that has such rows
 * is made once per ABI (xlat_abi.h).  The renderer picks the table of the
 * ABI of the task that made the value, not of the machine running ktrail.
 *
 * A rendering (struct fmt) is made of up to four parts, printed in order
 * and joined by '|':
 *
 *   head	an enum in some of the bits (O_RDWR in O_ACCMODE, MAP_PRIVATE
 *		in MAP_TYPE, the futex command), or the whole value
 *   flags	single bits or groups of bits, cleared as they are named
 *   field	an enum in some other bits (MAP_HUGE_2MB, clone's exit signal)
 *   octal	permission bits, last (S_IFREG|0644, IPC_CREAT|0600)
 *
 * and whatever bits are left are printed in hex before the octal part.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/flags.h"
#include "ktrail/util.h"
#include "xlat.h"

#define XLAT KT_XLAT_ENT
#define XLAT_V KT_XLAT_ENT_V

/* Files */
static const struct kt_xlat_ent mode_type_ents[] = {
#include "../xlat/mode_type.def"
};
static const struct kt_xlat_ent access_mode_ents[] = {
#include "../xlat/access_mode.def"
};
static const struct kt_xlat_ent at_flags_ents[] = {
#include "../xlat/at_flags.def"
};
static const struct kt_xlat_ent faccessat_flags_ents[] = {
#include "../xlat/at_eaccess.def"
#include "../xlat/at_flags.def"
};
static const struct kt_xlat_ent unlinkat_flags_ents[] = {
#include "../xlat/unlinkat_flags.def"
};
static const struct kt_xlat_ent statx_sync_ents[] = {
#include "../xlat/statx_sync.def"
};
static const struct kt_xlat_ent statx_mask_ents[] = {
#include "../xlat/statx_mask.def"
};
static const struct kt_xlat_ent rename_flags_ents[] = {
#include "../xlat/rename_flags.def"
};
#define XLAT_ABI_NAME fcntl_cmds
#define XLAT_ABI_FILE "../xlat/fcntl_cmds.def"
#include "xlat_abi.h"
static const struct kt_xlat_ent seek_whence_ents[] = {
#include "../xlat/seek_whence.def"
};
static const struct kt_xlat_ent flock_ops_ents[] = {
#include "../xlat/flock_ops.def"
};
#define XLAT_ABI_NAME pipe_flags
#define XLAT_ABI_FILE "../xlat/pipe_flags.def"
#include "xlat_abi.h"
static const struct kt_xlat_ent dup3_flags_ents[] = {
#include "../xlat/dup3_flags.def"
};
static const struct kt_xlat_ent fallocate_mode_ents[] = {
#include "../xlat/fallocate_mode.def"
};
static const struct kt_xlat_ent fadvise_advice_ents[] = {
#include "../xlat/fadvise_advice.def"
};
static const struct kt_xlat_ent inotify_init_flags_ents[] = {
#include "../xlat/inotify_init_flags.def"
};
static const struct kt_xlat_ent inotify_mask_ents[] = {
#include "../xlat/inotify_mask.def"
};
static const struct kt_xlat_ent mount_flags_ents[] = {
#include "../xlat/mount_flags.def"
};
static const struct kt_xlat_ent mount_magic_ents[] = {
#include "../xlat/mount_magic.def"
};
static const struct kt_xlat_ent umount_flags_ents[] = {
#include "../xlat/umount_flags.def"
};

/* System V IPC */
static const struct kt_xlat_ent ipc_get_flags_ents[] = {
#include "../xlat/ipc_get_flags.def"
};
static const struct kt_xlat_ent shmget_flags_ents[] = {
#include "../xlat/shmget_flags.def"
};
static const struct kt_xlat_ent shmat_flags_ents[] = {
#include "../xlat/shmat_flags.def"
};
static const struct kt_xlat_ent msgsnd_flags_ents[] = {
#include "../xlat/msgsnd_flags.def"
};
static const struct kt_xlat_ent msgrcv_flags_ents[] = {
#include "../xlat/msgrcv_flags.def"
};
static const struct kt_xlat_ent ipc_64_ents[] = {
#include "../xlat/ipc_64.def"
};
static const struct kt_xlat_ent msgctl_cmds_ents[] = {
#include "../xlat/ipc_cmds.def"
#include "../xlat/msgctl_cmds.def"
};
static const struct kt_xlat_ent shmctl_cmds_ents[] = {
#include "../xlat/ipc_cmds.def"
#include "../xlat/shmctl_cmds.def"
};
static const struct kt_xlat_ent semctl_cmds_ents[] = {
#include "../xlat/ipc_cmds.def"
#include "../xlat/semctl_cmds.def"
};

/* Sockets */
static const struct kt_xlat_ent socket_domains_ents[] = {
#include "../xlat/socket_domains.def"
};
static const struct kt_xlat_ent socket_types_ents[] = {
#include "../xlat/socket_types.def"
};
static const struct kt_xlat_ent sock_flags_ents[] = {
#include "../xlat/sock_flags.def"
};
static const struct kt_xlat_ent socket_levels_ents[] = {
#include "../xlat/socket_levels.def"
};
static const struct kt_xlat_ent msg_flags_ents[] = {
#include "../xlat/msg_flags.def"
};
static const struct kt_xlat_ent shutdown_how_ents[] = {
#include "../xlat/shutdown_how.def"
};

/* Signals */
static const struct kt_xlat_ent signals_ents[] = {
#include "../xlat/signals.def"
};
static const struct kt_xlat_ent sigprocmask_how_ents[] = {
#include "../xlat/sigprocmask_how.def"
};
static const struct kt_xlat_ent signalfd_flags_ents[] = {
#include "../xlat/signalfd_flags.def"
};

/* Memory */
#define XLAT_ABI_NAME prot
#define XLAT_ABI_FILE "../xlat/prot.def"
#include "xlat_abi.h"
static const struct kt_xlat_ent mmap_types_ents[] = {
#include "../xlat/mmap_types.def"
};
#define XLAT_ABI_NAME mmap_flags
#define XLAT_ABI_FILE "../xlat/mmap_flags.def"
#include "xlat_abi.h"
static const struct kt_xlat_ent mremap_flags_ents[] = {
#include "../xlat/mremap_flags.def"
};
static const struct kt_xlat_ent msync_flags_ents[] = {
#include "../xlat/msync_flags.def"
};
static const struct kt_xlat_ent madvise_advice_ents[] = {
#include "../xlat/madvise_advice.def"
};
static const struct kt_xlat_ent mlockall_flags_ents[] = {
#include "../xlat/mlockall_flags.def"
};
static const struct kt_xlat_ent mlock2_flags_ents[] = {
#include "../xlat/mlock2_flags.def"
};
static const struct kt_xlat_ent memfd_flags_ents[] = {
#include "../xlat/memfd_flags.def"
};

/* Huge page sizes: one list, three prefixes. */
#define HUGE_ENT(prefix, sz, lg) \
	{ .val = (uint64_t)(lg) << MAP_HUGE_SHIFT, .name = prefix #sz },
#define HUGE(sz, lg) HUGE_ENT("MAP_HUGE_", sz, lg)
static const struct kt_xlat_ent map_huge_ents[] = {
#include "../xlat/huge_sizes.def"
};
#undef HUGE
#define HUGE(sz, lg) HUGE_ENT("SHM_HUGE_", sz, lg)
static const struct kt_xlat_ent shm_huge_ents[] = {
#include "../xlat/huge_sizes.def"
};
#undef HUGE
#define HUGE(sz, lg) HUGE_ENT("MFD_HUGE_", sz, lg)
static const struct kt_xlat_ent mfd_huge_ents[] = {
#include "../xlat/huge_sizes.def"
};
#undef HUGE
#define HUGE_MASK ((uint64_t)MAP_HUGE_MASK << MAP_HUGE_SHIFT)

/* Processes */
static const struct kt_xlat_ent clone_flags_ents[] = {
#include "../xlat/clone_flags.def"
};
static const struct kt_xlat_ent unshare_flags_ents[] = {
#include "../xlat/clone_ns.def"
#include "../xlat/clone_flags.def"
};
static const struct kt_xlat_ent wait4_options_ents[] = {
#include "../xlat/wait4_options.def"
};
static const struct kt_xlat_ent waitid_options_ents[] = {
#include "../xlat/waitid_options.def"
};
static const struct kt_xlat_ent idtypes_ents[] = {
#include "../xlat/idtypes.def"
};
static const struct kt_xlat_ent prctl_options_ents[] = {
#include "../xlat/prctl_options.def"
};
#define XLAT_ABI_NAME ptrace_requests
#define XLAT_ABI_FILE "../xlat/ptrace_requests.def"
#include "xlat_abi.h"
static const struct kt_xlat_ent futex_cmds_ents[] = {
#include "../xlat/futex_cmds.def"
};
static const struct kt_xlat_ent futex_flags_ents[] = {
#include "../xlat/futex_flags.def"
};
static const struct kt_xlat_ent rlimit_resources_ents[] = {
#include "../xlat/rlimit_resources.def"
};
static const struct kt_xlat_ent sched_policies_ents[] = {
#include "../xlat/sched_policies.def"
};
static const struct kt_xlat_ent sched_flags_ents[] = {
#include "../xlat/sched_flags.def"
};

/* Event and timer fds, clocks */
static const struct kt_xlat_ent epoll_ctl_ops_ents[] = {
#include "../xlat/epoll_ctl_ops.def"
};
static const struct kt_xlat_ent epoll_create_flags_ents[] = {
#include "../xlat/epoll_create_flags.def"
};
static const struct kt_xlat_ent eventfd_flags_ents[] = {
#include "../xlat/eventfd_flags.def"
};
static const struct kt_xlat_ent timerfd_flags_ents[] = {
#include "../xlat/timerfd_flags.def"
};
static const struct kt_xlat_ent timerfd_settime_flags_ents[] = {
#include "../xlat/timerfd_settime_flags.def"
};
static const struct kt_xlat_ent clock_ids_ents[] = {
#include "../xlat/clock_ids.def"
};
static const struct kt_xlat_ent timer_flags_ents[] = {
#include "../xlat/timer_flags.def"
};
static const struct kt_xlat_ent itimer_which_ents[] = {
#include "../xlat/itimer_which.def"
};
static const struct kt_xlat_ent getrandom_flags_ents[] = {
#include "../xlat/getrandom_flags.def"
};

#define X(id) static const struct kt_xlat id = KT_XLAT(id##_ents);
X(mode_type) X(access_mode) X(at_flags) X(faccessat_flags) X(unlinkat_flags)
X(statx_sync) X(statx_mask) X(rename_flags) X(seek_whence)
X(flock_ops) X(dup3_flags) X(fallocate_mode) X(fadvise_advice)
X(inotify_init_flags) X(inotify_mask) X(mount_flags) X(mount_magic)
X(umount_flags) X(ipc_get_flags) X(shmget_flags) X(shmat_flags)
X(msgsnd_flags) X(msgrcv_flags) X(ipc_64) X(msgctl_cmds) X(shmctl_cmds)
X(semctl_cmds) X(socket_domains) X(socket_types) X(sock_flags)
X(socket_levels) X(msg_flags) X(shutdown_how) X(signals) X(sigprocmask_how)
X(signalfd_flags) X(mmap_types) X(mremap_flags)
X(msync_flags) X(madvise_advice) X(mlockall_flags) X(mlock2_flags)
X(memfd_flags) X(map_huge) X(shm_huge) X(mfd_huge) X(clone_flags)
X(unshare_flags) X(wait4_options) X(waitid_options) X(idtypes)
X(prctl_options) X(futex_cmds) X(futex_flags)
X(rlimit_resources) X(sched_policies) X(sched_flags) X(epoll_ctl_ops)
X(epoll_create_flags) X(eventfd_flags) X(timerfd_flags)
X(timerfd_settime_flags) X(clock_ids) X(timer_flags) X(itimer_which)
X(getrandom_flags)
#undef X

/* The kernel's (include/linux/net.h, not uapi): the type in socket(2) type. */
#define SOCK_TYPE_MASK 0xf
/* The masks of the bits ipc_64.def and sched_flags.def name (the lists
 * hold the names, with their fallback values, once). */
#define IPC_64_MASK ((uint64_t)0x0100)
#ifdef SCHED_RESET_ON_FORK
#define RESET_ON_FORK_MASK ((uint64_t)SCHED_RESET_ON_FORK)
#else
#define RESET_ON_FORK_MASK ((uint64_t)0x40000000)
#endif

#ifdef __SIGRTMIN
#define KT_SIGRTMIN __SIGRTMIN
#define KT_SIGRTMAX __SIGRTMAX
#else
#define KT_SIGRTMIN 32
#define KT_SIGRTMAX 64
#endif

enum style {
	ST_BITS,	/* head, flags, field, hex, octal */
	ST_ENUM,	/* one name for the whole value, else its decimal */
	ST_SIGNAL,	/* SIGKILL, SIGRTMIN+N, else decimal */
	ST_DIRFD,	/* AT_FDCWD, else the fd in decimal */
};

struct fmt {
	const char *name;
	enum style style;
	bool wide;		/* a 64-bit set (else the low 32 bits) */
	bool flags_first;	/* the flags before the head: IPC_64|IPC_STAT */
	bool head_hex;		/* an unnamed head stays hex (else decimal) */
	bool octal_always;	/* the octal part even when 0 (a mode) */
	bool sig_field;		/* the field is a signal number */
	const struct kt_xlat *head;	/* ST_ENUM: the names */
	uint64_t head_mask;
	const struct kt_xlat *flags;
	/* Instead of @head or @flags: one table per ABI, [KT_XLAT_NABI]. */
	const struct kt_xlat *head_abi;
	const struct kt_xlat *flags_abi;
	const struct kt_xlat *field;
	uint64_t field_mask;
	uint64_t octal;
};

#define BITS(f) .style = ST_BITS, .flags = &(f)
#define ENUM(t) .style = ST_ENUM, .head = &(t)
#define BITS_ABI(f) .style = ST_BITS, .flags_abi = (f)
#define ENUM_ABI(t) .style = ST_ENUM, .head_abi = (t)

static const struct fmt fmts[KT_FMT_N] = {
	[KT_FMT_NONE] = { .name = "none", .style = ST_ENUM },
	[KT_FMT_OPEN_FLAGS] = { .name = "open_flags", BITS_ABI(kt_xlat_open_flags),
		.head = &kt_xlat_open_access, .head_mask = O_ACCMODE },
	[KT_FMT_MODE] = { .name = "mode", .style = ST_BITS, .head = &mode_type,
		.head_mask = S_IFMT, .head_hex = true, .octal = 07777,
		.octal_always = true },
	[KT_FMT_ACCESS_MODE] = { .name = "access_mode", BITS(access_mode) },
	[KT_FMT_DIRFD] = { .name = "dirfd", .style = ST_DIRFD },
	[KT_FMT_AT_FLAGS] = { .name = "at_flags", BITS(at_flags) },
	[KT_FMT_FACCESSAT_FLAGS] = { .name = "faccessat_flags", BITS(faccessat_flags) },
	[KT_FMT_UNLINKAT_FLAGS] = { .name = "unlinkat_flags", BITS(unlinkat_flags) },
	[KT_FMT_STATX_FLAGS] = { .name = "statx_flags", BITS(at_flags),
		.field = &statx_sync, .field_mask = AT_STATX_SYNC_TYPE },
	[KT_FMT_STATX_MASK] = { .name = "statx_mask", BITS(statx_mask) },
	[KT_FMT_RENAME_FLAGS] = { .name = "rename_flags", BITS(rename_flags) },
	[KT_FMT_FCNTL_CMD] = { .name = "fcntl_cmd", ENUM_ABI(fcntl_cmds) },
	[KT_FMT_SEEK_WHENCE] = { .name = "seek_whence", ENUM(seek_whence) },
	[KT_FMT_FLOCK_OP] = { .name = "flock_op", BITS(flock_ops) },
	[KT_FMT_PIPE_FLAGS] = { .name = "pipe_flags", BITS_ABI(pipe_flags) },
	[KT_FMT_DUP3_FLAGS] = { .name = "dup3_flags", BITS(dup3_flags) },
	[KT_FMT_FALLOCATE_MODE] = { .name = "fallocate_mode", BITS(fallocate_mode) },
	[KT_FMT_FADVISE_ADVICE] = { .name = "fadvise_advice", ENUM(fadvise_advice) },
	[KT_FMT_INOTIFY_INIT_FLAGS] = { .name = "inotify_init_flags",
		BITS(inotify_init_flags) },
	[KT_FMT_INOTIFY_MASK] = { .name = "inotify_mask", BITS(inotify_mask) },
	/* the magic first: its bits are flags when they are not the magic */
	[KT_FMT_MOUNT_FLAGS] = { .name = "mount_flags", BITS(mount_flags),
		.head = &mount_magic, .head_mask = MS_MGC_MSK, .head_hex = true },
	[KT_FMT_UMOUNT_FLAGS] = { .name = "umount_flags", BITS(umount_flags) },

	[KT_FMT_IPC_GET_FLAGS] = { .name = "ipc_get_flags", BITS(ipc_get_flags),
		.octal = 0777 },
	[KT_FMT_SHMGET_FLAGS] = { .name = "shmget_flags", BITS(shmget_flags),
		.field = &shm_huge, .field_mask = HUGE_MASK, .octal = 0777 },
	[KT_FMT_SHMAT_FLAGS] = { .name = "shmat_flags", BITS(shmat_flags) },
	[KT_FMT_MSGSND_FLAGS] = { .name = "msgsnd_flags", BITS(msgsnd_flags) },
	[KT_FMT_MSGRCV_FLAGS] = { .name = "msgrcv_flags", BITS(msgrcv_flags) },
	[KT_FMT_MSGCTL_CMD] = { .name = "msgctl_cmd", BITS(ipc_64),
		.flags_first = true, .head = &msgctl_cmds, .head_mask = ~IPC_64_MASK },
	[KT_FMT_SHMCTL_CMD] = { .name = "shmctl_cmd", BITS(ipc_64),
		.flags_first = true, .head = &shmctl_cmds, .head_mask = ~IPC_64_MASK },
	[KT_FMT_SEMCTL_CMD] = { .name = "semctl_cmd", BITS(ipc_64),
		.flags_first = true, .head = &semctl_cmds, .head_mask = ~IPC_64_MASK },

	[KT_FMT_SOCK_DOMAIN] = { .name = "sock_domain", ENUM(socket_domains) },
	[KT_FMT_SOCK_TYPE] = { .name = "sock_type", BITS(sock_flags),
		.head = &socket_types, .head_mask = SOCK_TYPE_MASK },
	[KT_FMT_SOCK_FLAGS] = { .name = "sock_flags", BITS(sock_flags) },
	[KT_FMT_SOCK_LEVEL] = { .name = "sock_level", ENUM(socket_levels) },
	[KT_FMT_MSG_FLAGS] = { .name = "msg_flags", BITS(msg_flags) },
	[KT_FMT_SHUTDOWN_HOW] = { .name = "shutdown_how", ENUM(shutdown_how) },

	[KT_FMT_SIGNAL] = { .name = "signal", .style = ST_SIGNAL },
	[KT_FMT_SIGPROCMASK_HOW] = { .name = "sigprocmask_how", ENUM(sigprocmask_how) },
	[KT_FMT_SIGNALFD_FLAGS] = { .name = "signalfd_flags", BITS(signalfd_flags) },

	[KT_FMT_PROT] = { .name = "prot", BITS_ABI(prot) },
	[KT_FMT_MMAP_FLAGS] = { .name = "mmap_flags", BITS_ABI(mmap_flags),
		.head = &mmap_types, .head_mask = MAP_TYPE,
		.field = &map_huge, .field_mask = HUGE_MASK },
	[KT_FMT_MREMAP_FLAGS] = { .name = "mremap_flags", BITS(mremap_flags) },
	[KT_FMT_MSYNC_FLAGS] = { .name = "msync_flags", BITS(msync_flags) },
	[KT_FMT_MADVISE_ADVICE] = { .name = "madvise_advice", ENUM(madvise_advice) },
	[KT_FMT_MLOCKALL_FLAGS] = { .name = "mlockall_flags", BITS(mlockall_flags) },
	[KT_FMT_MLOCK2_FLAGS] = { .name = "mlock2_flags", BITS(mlock2_flags) },
	[KT_FMT_MEMFD_FLAGS] = { .name = "memfd_flags", BITS(memfd_flags),
		.field = &mfd_huge, .field_mask = HUGE_MASK },

	[KT_FMT_CLONE_FLAGS] = { .name = "clone_flags", BITS(clone_flags),
		.wide = true, .field_mask = CSIGNAL, .sig_field = true },
	[KT_FMT_UNSHARE_FLAGS] = { .name = "unshare_flags", BITS(unshare_flags),
		.wide = true },
	[KT_FMT_WAIT4_OPTIONS] = { .name = "wait4_options", BITS(wait4_options) },
	[KT_FMT_WAITID_OPTIONS] = { .name = "waitid_options", BITS(waitid_options) },
	[KT_FMT_IDTYPE] = { .name = "idtype", ENUM(idtypes) },
	[KT_FMT_PRCTL_OPTION] = { .name = "prctl_option", ENUM(prctl_options) },
	[KT_FMT_PTRACE_REQUEST] = { .name = "ptrace_request", ENUM_ABI(ptrace_requests),
		.wide = true },
	[KT_FMT_FUTEX_OP] = { .name = "futex_op", BITS(futex_flags),
		.head = &futex_cmds, .head_mask = (uint32_t)FUTEX_CMD_MASK },
	[KT_FMT_RLIMIT_RESOURCE] = { .name = "rlimit_resource", ENUM(rlimit_resources) },
	[KT_FMT_SCHED_POLICY] = { .name = "sched_policy", BITS(sched_flags),
		.head = &sched_policies, .head_mask = ~RESET_ON_FORK_MASK },

	[KT_FMT_EPOLL_CTL_OP] = { .name = "epoll_ctl_op", ENUM(epoll_ctl_ops) },
	[KT_FMT_EPOLL_CREATE_FLAGS] = { .name = "epoll_create_flags",
		BITS(epoll_create_flags) },
	[KT_FMT_EVENTFD_FLAGS] = { .name = "eventfd_flags", BITS(eventfd_flags) },
	[KT_FMT_TIMERFD_FLAGS] = { .name = "timerfd_flags", BITS(timerfd_flags) },
	[KT_FMT_TIMERFD_SETTIME_FLAGS] = { .name = "timerfd_settime_flags",
		BITS(timerfd_settime_flags) },
	[KT_FMT_CLOCK_ID] = { .name = "clock_id", ENUM(clock_ids) },
	[KT_FMT_TIMER_FLAGS] = { .name = "timer_flags", BITS(timer_flags) },
	[KT_FMT_ITIMER_WHICH] = { .name = "itimer_which", ENUM(itimer_which) },
	[KT_FMT_GETRANDOM_FLAGS] = { .name = "getrandom_flags", BITS(getrandom_flags) },
};

const char *kt_fmt_name(enum kt_fmt f)
{
	return f >= 0 && f < KT_FMT_N ? fmts[f].name : NULL;
}

/* ------------------------------------------------------------ rendering */

/* @v fits in 32 bits, as an unsigned or a sign-extended value. */
static bool fits32(uint64_t v)
{
	return v <= UINT32_MAX || (int64_t)v >= INT32_MIN;
}

/* The value of @e as @d compares it: a 32-bit set compares the low 32
 * bits (MS_NOUSER is the int 1 << 31, sign-extended). */
static uint64_t ent_val(const struct fmt *d, const struct kt_xlat_ent *e)
{
	return d->wide ? e->val : (uint32_t)e->val;
}

/* The name of @v in @t, or NULL. */
static const char *lookup(const struct fmt *d, const struct kt_xlat *t, uint64_t v)
{
	for (unsigned int i = 0; t && i < t->n; i++)
		if (t->e[i].name && ent_val(d, &t->e[i]) == v)
			return t->e[i].name;
	return NULL;
}

static int put_sep(struct kt_buf *b, bool *any)
{
	if (*any && kt_buf_putc(b, '|') < 0)
		return -1;
	*any = true;
	return 0;
}

static int put_name(struct kt_buf *b, bool *any, const char *s)
{
	if (put_sep(b, any) < 0)
		return -1;
	return kt_buf_put(b, s, strlen(s));
}

/* SIGKILL, SIGRTMIN, SIGRTMIN+3; 0 if @sig has no name. */
static int put_signal(struct kt_buf *b, bool *any, int64_t sig, bool *done)
{
	static const struct fmt narrow = { .style = ST_ENUM };
	const char *name = NULL;

	*done = true;
	if (sig > 0 && sig < KT_SIGRTMIN)
		name = lookup(&narrow, &signals, (uint64_t)sig);
	if (name)
		return put_name(b, any, name);
	if (sig == KT_SIGRTMIN)
		return put_name(b, any, "SIGRTMIN");
	if (sig > KT_SIGRTMIN && sig <= KT_SIGRTMAX) {
		if (put_sep(b, any) < 0)
			return -1;
		return kt_buf_printf(b, "SIGRTMIN+%d", (int)(sig - KT_SIGRTMIN));
	}
	*done = false;
	return 0;
}

/* The flags of @t in *@rest, named in the table's order and cleared. */
static int put_flags(struct kt_buf *b, bool *any, const struct fmt *d,
		     const struct kt_xlat *t, uint64_t *rest)
{
	for (unsigned int i = 0; t && i < t->n && *rest; i++) {
		uint64_t m = ent_val(d, &t->e[i]);

		if (t->e[i].name && m && (*rest & m) == m) {
			if (put_name(b, any, t->e[i].name) < 0)
				return -1;
			*rest &= ~m;
		}
	}
	return 0;
}

/* The enum in the head bits of *@rest: named, in decimal, or left in
 * *@rest as unknown bits (head_hex).  An unnamed 0 prints nothing. */
static int put_head(struct kt_buf *b, bool *any, const struct fmt *d, uint64_t *rest)
{
	uint64_t hv = *rest & d->head_mask;
	const char *name = lookup(d, d->head, hv);

	if (name) {
		*rest &= ~d->head_mask;
		return put_name(b, any, name);
	}
	if (!hv || d->head_hex)
		return 0;
	*rest &= ~d->head_mask;
	if (put_sep(b, any) < 0)
		return -1;
	return kt_buf_u64(b, hv);
}

/* The name of 0 in @d's tables, or NULL. */
static const char *zero_name(const struct fmt *d)
{
	const char *name = lookup(d, d->flags, 0);

	return name ? name : lookup(d, d->field, 0);
}

static int render_bits(struct kt_buf *b, const struct fmt *d, uint64_t v)
{
	uint64_t rest = v;
	bool any = false;
	int err = 0;

	/* a 32-bit set: drop the sign extension of an int argument, keep
	 * anything else above 32 bits as unknown */
	if (!d->wide && (v >> 32) == UINT32_MAX && (v & 0x80000000u))
		rest = (uint32_t)v;
	if (d->head && !d->flags_first)
		err |= put_head(b, &any, d, &rest);
	err |= put_flags(b, &any, d, d->flags, &rest);
	if (d->head && d->flags_first)
		err |= put_head(b, &any, d, &rest);
	if (d->field_mask && (rest & d->field_mask)) {
		uint64_t fv = rest & d->field_mask;
		const char *name = d->sig_field ? NULL : lookup(d, d->field, fv);
		bool done = false;

		if (d->sig_field)
			err |= put_signal(b, &any, (int64_t)fv, &done);
		else if (name)
			err |= put_name(b, &any, name);
		if (done || name)
			rest &= ~d->field_mask;
	}
	if (rest & ~d->octal) {
		err |= put_sep(b, &any);
		err |= kt_buf_hex(b, rest & ~d->octal);
	}
	if ((rest & d->octal) || d->octal_always) {
		err |= put_sep(b, &any);
		err |= kt_buf_printf(b, "0%03llo", (unsigned long long)(rest & d->octal));
	}
	if (!any && !err) {
		const char *name = zero_name(d);

		err |= name ? kt_buf_put(b, name, strlen(name)) : kt_buf_putc(b, '0');
	}
	return err ? -1 : 0;
}

static int render_enum(struct kt_buf *b, const struct fmt *d, uint64_t v)
{
	const char *name = NULL;

	if (d->wide)
		name = lookup(d, d->head, v);
	else if (fits32(v))
		name = lookup(d, d->head, (uint32_t)v);
	if (name)
		return kt_buf_put(b, name, strlen(name));
	return kt_buf_i64(b, (int64_t)v);
}

int kt_fmt_render(struct kt_buf *b, enum kt_fmt f, uint64_t v, enum kt_abi abi)
{
	const struct fmt *d;
	struct fmt of_abi;
	bool any = false, done;

	if (f < 0 || f >= KT_FMT_N) {
		errno = EINVAL;
		return -1;
	}
	d = &fmts[f];
	if (d->head_abi || d->flags_abi) {
		/* the same rendering with the tables of @abi */
		of_abi = *d;
		if (d->head_abi)
			of_abi.head = &d->head_abi[kt_xlat_abi(abi)];
		if (d->flags_abi)
			of_abi.flags = &d->flags_abi[kt_xlat_abi(abi)];
		d = &of_abi;
	}
	switch (d->style) {
	case ST_BITS:
		return render_bits(b, d, v);
	case ST_SIGNAL:
		if (fits32(v) && put_signal(b, &any, (int32_t)v, &done) < 0)
			return -1;
		return any ? 0 : kt_buf_i64(b, (int64_t)v);
	case ST_DIRFD:
		if (fits32(v) && (int32_t)v == AT_FDCWD)
			return kt_buf_put(b, "AT_FDCWD", sizeof("AT_FDCWD") - 1);
		return kt_buf_i64(b, fits32(v) ? (int32_t)v : (int64_t)v);
	default:
		return render_enum(b, d, v);
	}
}

uint64_t kt_value_bits(enum kt_type t, const struct kt_value *v)
{
	switch (t) {
	case KT_T_INT:
		return (uint64_t)(int64_t)(int32_t)v->i;
	case KT_T_LONG:
		return (uint64_t)v->i;
	case KT_T_UINT:
		return (uint32_t)v->u;
	case KT_T_U16:
		return (uint16_t)v->u;
	default:
		return v->u;
	}
}

/* ------------------------------------------------- arguments to formats */

#define ARGFMT(e_, a_, f_) { .event = e_, .arg = a_, .fmt = KT_FMT_##f_ },
const struct kt_argfmt kt_argfmts[] = {
#include "../xlat/argfmt.def"
};
#undef ARGFMT
const unsigned int kt_nargfmts = KT_ARRAY_SIZE(kt_argfmts);

/*
 * [event][argument]: the format, resolved by name on the first call (the
 * writers run in one thread; a second thread racing the first would only
 * store the same values).
 */
static unsigned char arg_fmts[KT_MAX_EVENTS][KT_MAX_ARGS];
static bool arg_fmts_done;

static bool is_integer(enum kt_type t)
{
	switch (t) {
	case KT_T_INT:
	case KT_T_UINT:
	case KT_T_LONG:
	case KT_T_ULONG:
	case KT_T_U16:
		return true;
	default:
		return false;
	}
}

static void set_fmt(unsigned int e, const struct kt_argfmt *r)
{
	const struct kt_event_def *ev = &kt_events[e];
	int i = kt_arg_index(ev, r->arg);

	if (i >= 0 && i < KT_MAX_ARGS && is_integer(ev->args[i].type))
		arg_fmts[e][i] = (unsigned char)r->fmt;
}

static void arg_fmts_init(void)
{
	unsigned int ne = kt_nevents < KT_MAX_EVENTS ? kt_nevents : KT_MAX_EVENTS;

	/* the rows for every event first, so that exact rows win */
	for (unsigned int k = 0; k < kt_nargfmts; k++)
		if (!strcmp(kt_argfmts[k].event, "*"))
			for (unsigned int e = 0; e < ne; e++)
				set_fmt(e, &kt_argfmts[k]);
	for (unsigned int k = 0; k < kt_nargfmts; k++) {
		const struct kt_event_def *ev;

		if (!strcmp(kt_argfmts[k].event, "*"))
			continue;
		ev = kt_event_by_name(kt_argfmts[k].event);
		if (ev && ev - kt_events < (ptrdiff_t)ne)
			set_fmt(ev - kt_events, &kt_argfmts[k]);
	}
	__atomic_store_n(&arg_fmts_done, true, __ATOMIC_RELEASE);
}

enum kt_fmt kt_arg_fmt(const struct kt_event_def *ev, unsigned int i)
{
	ptrdiff_t e = ev - kt_events;

	if (!__atomic_load_n(&arg_fmts_done, __ATOMIC_ACQUIRE))
		arg_fmts_init();
	if (e < 0 || e >= (ptrdiff_t)kt_nevents || e >= KT_MAX_EVENTS ||
	    i >= KT_MAX_ARGS || i >= ev->nargs)
		return KT_FMT_NONE;
	return (enum kt_fmt)arg_fmts[e][i];
}
