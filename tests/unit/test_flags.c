// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flags and enums by name (src/output/flags.c, src/xlat/): the exact text
 * of each table, unknown bits, zero, unknown enum values, and that every
 * row of src/xlat/argfmt.def names an argument of the catalog.  Inputs
 * are built from the headers' constants, so the expectations hold on
 * every arch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
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
#include <sys/random.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/catalog.h"
#include "ktrail/flags.h"

/* An int argument's value, sign-extended as the writers pass it. */
#define I32(x) ((uint64_t)(int64_t)(int32_t)(x))

/* @v rendered with the values of @abi. */
static void check_abi(enum kt_fmt f, uint64_t v, enum kt_abi abi, const char *want)
{
	struct kt_buf b = { 0 };

	assert_int_equal(kt_fmt_render(&b, f, v, abi), 0);
	assert_non_null(b.p);
	if (strcmp(b.p, want))
		print_message("%s: 0x%llx on %s gives \"%s\", want \"%s\"\n", kt_fmt_name(f),
			      (unsigned long long)v, kt_abi_name(abi), b.p, want);
	assert_string_equal(b.p, want);
	kt_buf_free(&b);
}

/* @v rendered as this machine's own tasks pass it (the headers' values). */
static void check(enum kt_fmt f, uint64_t v, const char *want)
{
	check_abi(f, v, kt_abi_native(), want);
}

static void test_open_flags(void **state)
{
	check(KT_FMT_OPEN_FLAGS, 0, "O_RDONLY");
	check(KT_FMT_OPEN_FLAGS, O_WRONLY, "O_WRONLY");
	check(KT_FMT_OPEN_FLAGS, I32(O_RDWR | O_CREAT | 0x40000000),
	      "O_RDWR|O_CREAT|0x40000000");
	check(KT_FMT_OPEN_FLAGS, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	      "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
	check(KT_FMT_OPEN_FLAGS, O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_APPEND | O_NONBLOCK,
	      "O_RDWR|O_CREAT|O_EXCL|O_NOCTTY|O_APPEND|O_NONBLOCK");
	check(KT_FMT_OPEN_FLAGS, O_ACCMODE, "O_ACCMODE");
	/* O_TMPFILE holds O_DIRECTORY; O_SYNC holds O_DSYNC */
	check(KT_FMT_OPEN_FLAGS, O_RDWR | O_TMPFILE, "O_RDWR|O_TMPFILE");
	check(KT_FMT_OPEN_FLAGS, O_DIRECTORY | O_NOFOLLOW, "O_RDONLY|O_DIRECTORY|O_NOFOLLOW");
	check(KT_FMT_OPEN_FLAGS, O_WRONLY | O_SYNC, "O_WRONLY|O_SYNC");
	check(KT_FMT_OPEN_FLAGS, O_WRONLY | O_DSYNC, "O_WRONLY|O_DSYNC");
	check(KT_FMT_OPEN_FLAGS, O_PATH | O_CLOEXEC, "O_RDONLY|O_CLOEXEC|O_PATH");
	check(KT_FMT_OPEN_FLAGS, O_RDONLY | O_DIRECT | O_NOATIME | O_ASYNC,
	      "O_RDONLY|O_ASYNC|O_DIRECT|O_NOATIME");
	/* the sign of an int argument is not an unknown bit */
	check(KT_FMT_OPEN_FLAGS, I32(0x80000000), "O_RDONLY|0x80000000");
	/* glibc says 0 on 64-bit machines: the kernel's bit */
#if defined(__x86_64__) || defined(__i386__)
	check(KT_FMT_OPEN_FLAGS, 0100000 | O_RDWR, "O_RDWR|O_LARGEFILE");
#elif defined(__aarch64__) || defined(__arm__)
	check(KT_FMT_OPEN_FLAGS, 0400000 | O_RDWR, "O_RDWR|O_LARGEFILE");
#endif
}

static void test_mode(void **state)
{
	check(KT_FMT_MODE, S_IFREG | 0644, "S_IFREG|0644");
	check(KT_FMT_MODE, 0644, "0644");
	check(KT_FMT_MODE, 0600, "0600");
	check(KT_FMT_MODE, 0, "0000");
	check(KT_FMT_MODE, S_IFDIR | S_ISUID | S_ISGID | S_ISVTX | 0755, "S_IFDIR|07755");
	check(KT_FMT_MODE, S_IFIFO | 0, "S_IFIFO|0000");
	check(KT_FMT_MODE, S_IFSOCK | 0777, "S_IFSOCK|0777");
	check(KT_FMT_MODE, 04711, "04711");
	/* no such file type: its bits in hex */
	check(KT_FMT_MODE, S_IFMT | 0640, "0xf000|0640");
	/* umask(2) takes a mode_t: bits past umode_t are unknown */
	check(KT_FMT_MODE, 0x10000 | 022, "0x10000|0022");
}

static void test_access_at(void **state)
{
	check(KT_FMT_ACCESS_MODE, F_OK, "F_OK");
	check(KT_FMT_ACCESS_MODE, R_OK | W_OK, "R_OK|W_OK");
	check(KT_FMT_ACCESS_MODE, X_OK, "X_OK");
	check(KT_FMT_ACCESS_MODE, X_OK | 0x10, "X_OK|0x10");
	check(KT_FMT_ACCESS_MODE, 0x8, "0x8");

	check(KT_FMT_DIRFD, I32(AT_FDCWD), "AT_FDCWD");
	check(KT_FMT_DIRFD, (uint32_t)AT_FDCWD, "AT_FDCWD");	/* an unsigned dfd */
	check(KT_FMT_DIRFD, 3, "3");
	check(KT_FMT_DIRFD, 0, "0");
	check(KT_FMT_DIRFD, I32(-1), "-1");

	check(KT_FMT_AT_FLAGS, 0, "0");
	check(KT_FMT_AT_FLAGS, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH,
	      "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
	check(KT_FMT_AT_FLAGS, AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW");
	check(KT_FMT_AT_FLAGS, AT_NO_AUTOMOUNT | 0x200, "AT_NO_AUTOMOUNT|0x200");
	/* AT_EACCESS and AT_REMOVEDIR share a value */
	check(KT_FMT_FACCESSAT_FLAGS, AT_EACCESS | AT_SYMLINK_NOFOLLOW,
	      "AT_EACCESS|AT_SYMLINK_NOFOLLOW");
	check(KT_FMT_UNLINKAT_FLAGS, AT_REMOVEDIR, "AT_REMOVEDIR");
	check(KT_FMT_UNLINKAT_FLAGS, 0, "0");
	check(KT_FMT_STATX_FLAGS, 0, "AT_STATX_SYNC_AS_STAT");
	check(KT_FMT_STATX_FLAGS, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
	      "AT_SYMLINK_NOFOLLOW|AT_STATX_DONT_SYNC");
	check(KT_FMT_STATX_FLAGS, AT_EMPTY_PATH | AT_STATX_FORCE_SYNC,
	      "AT_EMPTY_PATH|AT_STATX_FORCE_SYNC");
	check(KT_FMT_STATX_MASK, STATX_BASIC_STATS | STATX_BTIME,
	      "STATX_BASIC_STATS|STATX_BTIME");
	check(KT_FMT_STATX_MASK, STATX_TYPE | STATX_SIZE, "STATX_TYPE|STATX_SIZE");
	check(KT_FMT_RENAME_FLAGS, RENAME_NOREPLACE, "RENAME_NOREPLACE");
	check(KT_FMT_RENAME_FLAGS, RENAME_EXCHANGE | 0x100, "RENAME_EXCHANGE|0x100");
}

static void test_file_enums(void **state)
{
	check(KT_FMT_FCNTL_CMD, F_SETFD, "F_SETFD");
	check(KT_FMT_FCNTL_CMD, F_GETFL, "F_GETFL");
	check(KT_FMT_FCNTL_CMD, F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC");
	/* The kernel's number: a 32-bit build's F_SETLKW is F_SETLKW64 (14). */
	check(KT_FMT_FCNTL_CMD, 7, "F_SETLKW");
	check(KT_FMT_FCNTL_CMD, F_OFD_SETLK, "F_OFD_SETLK");
	/* fcntl64's commands: a 32-bit task's only */
	check_abi(KT_FMT_FCNTL_CMD, 14, KT_ABI_I386, "F_SETLKW64");
	check_abi(KT_FMT_FCNTL_CMD, 14, KT_ABI_ARM, "F_SETLKW64");
	check_abi(KT_FMT_FCNTL_CMD, 12, KT_ABI_I386, "F_GETLK64");
	check_abi(KT_FMT_FCNTL_CMD, 13, KT_ABI_ARM, "F_SETLK64");
	check_abi(KT_FMT_FCNTL_CMD, 12, KT_ABI_X86_64, "12");
	check_abi(KT_FMT_FCNTL_CMD, 14, KT_ABI_ARM64, "14");
	check(KT_FMT_FCNTL_CMD, 9999, "9999");
	check(KT_FMT_FCNTL_CMD, I32(-1), "-1");
	check(KT_FMT_SEEK_WHENCE, SEEK_SET, "SEEK_SET");
	check(KT_FMT_SEEK_WHENCE, SEEK_END, "SEEK_END");
	check(KT_FMT_SEEK_WHENCE, SEEK_HOLE, "SEEK_HOLE");
	check(KT_FMT_SEEK_WHENCE, 7, "7");
	check(KT_FMT_SEEK_WHENCE, UINT32_MAX, "4294967295");	/* an unsigned int */
	check(KT_FMT_FLOCK_OP, LOCK_EX | LOCK_NB, "LOCK_EX|LOCK_NB");
	check(KT_FMT_FLOCK_OP, LOCK_UN, "LOCK_UN");
	check(KT_FMT_PIPE_FLAGS, O_CLOEXEC | O_NONBLOCK, "O_NONBLOCK|O_CLOEXEC");
	check(KT_FMT_PIPE_FLAGS, 0, "0");
	check(KT_FMT_DUP3_FLAGS, O_CLOEXEC, "O_CLOEXEC");
	check(KT_FMT_FALLOCATE_MODE, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
	      "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE");
	check(KT_FMT_FADVISE_ADVICE, POSIX_FADV_DONTNEED, "POSIX_FADV_DONTNEED");
	check(KT_FMT_MOUNT_FLAGS, MS_MGC_VAL | MS_RDONLY | MS_NOSUID,
	      "MS_MGC_VAL|MS_RDONLY|MS_NOSUID");
	check(KT_FMT_MOUNT_FLAGS, MS_NOUSER | MS_RDONLY, "MS_RDONLY|MS_NOUSER");
	check(KT_FMT_MOUNT_FLAGS, MS_BIND | MS_REC, "MS_BIND|MS_REC");
	check(KT_FMT_UMOUNT_FLAGS, MNT_DETACH, "MNT_DETACH");
}

static void test_ipc(void **state)
{
	check(KT_FMT_IPC_GET_FLAGS, IPC_CREAT | 0600, "IPC_CREAT|0600");
	check(KT_FMT_IPC_GET_FLAGS, IPC_CREAT | IPC_EXCL | 0666, "IPC_CREAT|IPC_EXCL|0666");
	check(KT_FMT_IPC_GET_FLAGS, 0600, "0600");
	check(KT_FMT_IPC_GET_FLAGS, 0, "0");
	check(KT_FMT_IPC_GET_FLAGS, IPC_CREAT | 0x100000 | 0640, "IPC_CREAT|0x100000|0640");
	check(KT_FMT_MSGSND_FLAGS, IPC_NOWAIT, "IPC_NOWAIT");
	check(KT_FMT_MSGSND_FLAGS, 0, "0");
	check(KT_FMT_MSGSND_FLAGS, 0600, "0x180");	/* no permission bits here */
	check(KT_FMT_MSGRCV_FLAGS, IPC_NOWAIT | MSG_NOERROR | MSG_EXCEPT,
	      "IPC_NOWAIT|MSG_NOERROR|MSG_EXCEPT");
	check(KT_FMT_MSGRCV_FLAGS, MSG_COPY | IPC_NOWAIT, "IPC_NOWAIT|MSG_COPY");
	check(KT_FMT_SHMAT_FLAGS, SHM_RDONLY | SHM_RND, "SHM_RDONLY|SHM_RND");
	check(KT_FMT_SHMAT_FLAGS, SHM_EXEC, "SHM_EXEC");
	check(KT_FMT_SHMGET_FLAGS, IPC_CREAT | SHM_HUGETLB | (21 << MAP_HUGE_SHIFT) | 0600,
	      "IPC_CREAT|SHM_HUGETLB|SHM_HUGE_2MB|0600");
	check(KT_FMT_SHMGET_FLAGS, IPC_CREAT | SHM_NORESERVE | 0600,
	      "IPC_CREAT|SHM_NORESERVE|0600");

	check(KT_FMT_MSGCTL_CMD, IPC_RMID, "IPC_RMID");
	check(KT_FMT_MSGCTL_CMD, IPC_STAT, "IPC_STAT");
	check(KT_FMT_MSGCTL_CMD, 0x100 | IPC_STAT, "IPC_64|IPC_STAT");
	check(KT_FMT_MSGCTL_CMD, 0x100 | IPC_RMID, "IPC_64|IPC_RMID");
	check(KT_FMT_MSGCTL_CMD, IPC_INFO, "IPC_INFO");
	check(KT_FMT_MSGCTL_CMD, MSG_STAT, "MSG_STAT");
	check(KT_FMT_MSGCTL_CMD, MSG_INFO, "MSG_INFO");
	check(KT_FMT_MSGCTL_CMD, MSG_STAT_ANY, "MSG_STAT_ANY");
	check(KT_FMT_MSGCTL_CMD, 99, "99");
	check(KT_FMT_MSGCTL_CMD, 0x100 | 99, "IPC_64|99");
	/* the same numbers, another call */
	check(KT_FMT_SHMCTL_CMD, SHM_LOCK, "SHM_LOCK");
	check(KT_FMT_SHMCTL_CMD, 0x100 | SHM_STAT, "IPC_64|SHM_STAT");
	check(KT_FMT_SEMCTL_CMD, GETVAL, "GETVAL");
	check(KT_FMT_SEMCTL_CMD, 0x100 | SETALL, "IPC_64|SETALL");
	check(KT_FMT_SEMCTL_CMD, SEM_STAT_ANY, "SEM_STAT_ANY");
}

static void test_sockets(void **state)
{
	check(KT_FMT_SOCK_DOMAIN, AF_INET, "AF_INET");
	check(KT_FMT_SOCK_DOMAIN, AF_UNIX, "AF_UNIX");
	check(KT_FMT_SOCK_DOMAIN, AF_NETLINK, "AF_NETLINK");
	check(KT_FMT_SOCK_DOMAIN, 9999, "9999");
	check(KT_FMT_SOCK_TYPE, SOCK_STREAM, "SOCK_STREAM");
	check(KT_FMT_SOCK_TYPE, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	      "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
	check(KT_FMT_SOCK_TYPE, 11 | SOCK_CLOEXEC, "11|SOCK_CLOEXEC");
	check(KT_FMT_SOCK_TYPE, 0, "0");
	check(KT_FMT_SOCK_FLAGS, SOCK_CLOEXEC, "SOCK_CLOEXEC");
	check(KT_FMT_SOCK_FLAGS, 0, "0");
	check(KT_FMT_SOCK_LEVEL, SOL_SOCKET, "SOL_SOCKET");
	check(KT_FMT_SOCK_LEVEL, IPPROTO_TCP, "IPPROTO_TCP");
	check(KT_FMT_SOCK_LEVEL, IPPROTO_IP, "IPPROTO_IP");
	check(KT_FMT_SOCK_LEVEL, SOL_NETLINK, "SOL_NETLINK");
	check(KT_FMT_MSG_FLAGS, 0, "0");
	check(KT_FMT_MSG_FLAGS, MSG_DONTWAIT | MSG_NOSIGNAL, "MSG_DONTWAIT|MSG_NOSIGNAL");
	check(KT_FMT_MSG_FLAGS, MSG_PEEK | MSG_TRUNC | MSG_CMSG_CLOEXEC,
	      "MSG_PEEK|MSG_TRUNC|MSG_CMSG_CLOEXEC");
	check(KT_FMT_MSG_FLAGS, I32(MSG_WAITALL | 0x80000000), "MSG_WAITALL|0x80000000");
	check(KT_FMT_SHUTDOWN_HOW, SHUT_RDWR, "SHUT_RDWR");
	check(KT_FMT_SHUTDOWN_HOW, 5, "5");
}

static void test_signals(void **state)
{
	check(KT_FMT_SIGNAL, SIGKILL, "SIGKILL");
	check(KT_FMT_SIGNAL, SIGHUP, "SIGHUP");
	check(KT_FMT_SIGNAL, SIGCHLD, "SIGCHLD");
	check(KT_FMT_SIGNAL, SIGSYS, "SIGSYS");
	check(KT_FMT_SIGNAL, 0, "0");		/* kill(pid, 0) */
	check(KT_FMT_SIGNAL, 32, "SIGRTMIN");	/* the kernel's, not glibc's */
	check(KT_FMT_SIGNAL, 35, "SIGRTMIN+3");
	check(KT_FMT_SIGNAL, 64, "SIGRTMIN+32");
	check(KT_FMT_SIGNAL, 65, "65");
	check(KT_FMT_SIGNAL, I32(-1), "-1");
	check(KT_FMT_SIGPROCMASK_HOW, SIG_BLOCK, "SIG_BLOCK");
	check(KT_FMT_SIGPROCMASK_HOW, SIG_SETMASK, "SIG_SETMASK");
	check(KT_FMT_SIGPROCMASK_HOW, 3, "3");
	check(KT_FMT_SIGNALFD_FLAGS, SFD_NONBLOCK | SFD_CLOEXEC, "SFD_NONBLOCK|SFD_CLOEXEC");
}

static void test_memory(void **state)
{
	check(KT_FMT_PROT, PROT_NONE, "PROT_NONE");
	check(KT_FMT_PROT, PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE");
	check(KT_FMT_PROT, PROT_READ | PROT_EXEC | PROT_GROWSDOWN,
	      "PROT_READ|PROT_EXEC|PROT_GROWSDOWN");
	check(KT_FMT_MMAP_FLAGS, MAP_PRIVATE | MAP_ANONYMOUS, "MAP_PRIVATE|MAP_ANONYMOUS");
	check(KT_FMT_MMAP_FLAGS, MAP_SHARED | MAP_FIXED, "MAP_SHARED|MAP_FIXED");
	check(KT_FMT_MMAP_FLAGS, MAP_SHARED_VALIDATE | MAP_SYNC, "MAP_SHARED_VALIDATE|MAP_SYNC");
	check(KT_FMT_MMAP_FLAGS, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
	      (30 << MAP_HUGE_SHIFT), "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB");
	check(KT_FMT_MMAP_FLAGS, MAP_PRIVATE | MAP_STACK | MAP_NORESERVE,
	      "MAP_PRIVATE|MAP_NORESERVE|MAP_STACK");
	check(KT_FMT_MMAP_FLAGS, 0, "0");
	check(KT_FMT_MREMAP_FLAGS, MREMAP_MAYMOVE, "MREMAP_MAYMOVE");
	check(KT_FMT_MSYNC_FLAGS, MS_SYNC | MS_INVALIDATE, "MS_INVALIDATE|MS_SYNC");
	check(KT_FMT_MADVISE_ADVICE, MADV_DONTNEED, "MADV_DONTNEED");
	check(KT_FMT_MADVISE_ADVICE, MADV_NORMAL, "MADV_NORMAL");
	check(KT_FMT_MADVISE_ADVICE, 9999, "9999");
	check(KT_FMT_MLOCKALL_FLAGS, MCL_CURRENT | MCL_FUTURE, "MCL_CURRENT|MCL_FUTURE");
	check(KT_FMT_MEMFD_FLAGS, MFD_CLOEXEC | MFD_ALLOW_SEALING,
	      "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	check(KT_FMT_MEMFD_FLAGS, MFD_HUGETLB | (21 << MAP_HUGE_SHIFT),
	      "MFD_HUGETLB|MFD_HUGE_2MB");
}

static void test_processes(void **state)
{
	/* what glibc's pthread_create passes */
	check(KT_FMT_CLONE_FLAGS, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
	      CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
	      CLONE_CHILD_CLEARTID,
	      "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
	      "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
	/* ... and fork(): the exit signal in the low byte, by name */
	check(KT_FMT_CLONE_FLAGS, CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD,
	      "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	check(KT_FMT_CLONE_FLAGS, SIGCHLD, "SIGCHLD");
	check(KT_FMT_CLONE_FLAGS, CLONE_VM | CLONE_VFORK | 40, "CLONE_VM|CLONE_VFORK|SIGRTMIN+8");
	check(KT_FMT_CLONE_FLAGS, 0, "0");
	check(KT_FMT_CLONE_FLAGS, CLONE_NEWUSER | 0x7f, "CLONE_NEWUSER|0x7f");
	check(KT_FMT_CLONE_FLAGS, 0x100000000ull | SIGCHLD, "CLONE_CLEAR_SIGHAND|SIGCHLD");
	check(KT_FMT_CLONE_FLAGS, 0x8000000000ull, "0x8000000000");
	/* unshare: no signal byte, CLONE_NEWTIME */
	check(KT_FMT_UNSHARE_FLAGS, CLONE_NEWNS | CLONE_NEWPID, "CLONE_NEWNS|CLONE_NEWPID");
	check(KT_FMT_UNSHARE_FLAGS, 0x80 | CLONE_NEWUSER, "CLONE_NEWTIME|CLONE_NEWUSER");
	check(KT_FMT_UNSHARE_FLAGS, 0, "0");

	check(KT_FMT_WAIT4_OPTIONS, 0, "0");
	check(KT_FMT_WAIT4_OPTIONS, WNOHANG | WUNTRACED, "WNOHANG|WUNTRACED");
	check(KT_FMT_WAIT4_OPTIONS, I32(WNOHANG | __WALL | __WCLONE), "WNOHANG|__WALL|__WCLONE");
	check(KT_FMT_WAITID_OPTIONS, WEXITED | WNOWAIT, "WEXITED|WNOWAIT");
	check(KT_FMT_WAITID_OPTIONS, WSTOPPED, "WSTOPPED");
	check(KT_FMT_IDTYPE, P_PID, "P_PID");
	check(KT_FMT_IDTYPE, 3, "P_PIDFD");
	check(KT_FMT_PRCTL_OPTION, PR_SET_NAME, "PR_SET_NAME");
	check(KT_FMT_PRCTL_OPTION, PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS");
	check(KT_FMT_PRCTL_OPTION, 0, "0");
	check(KT_FMT_PTRACE_REQUEST, PTRACE_TRACEME, "PTRACE_TRACEME");
	check(KT_FMT_PTRACE_REQUEST, PTRACE_ATTACH, "PTRACE_ATTACH");
	check(KT_FMT_PTRACE_REQUEST, PTRACE_SEIZE, "PTRACE_SEIZE");
	/* a long: 2^32 is not PTRACE_TRACEME */
	check(KT_FMT_PTRACE_REQUEST, 0x100000000ull, "4294967296");
	check(KT_FMT_FUTEX_OP, FUTEX_WAIT, "FUTEX_WAIT");
	check(KT_FMT_FUTEX_OP, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, "FUTEX_WAKE|FUTEX_PRIVATE_FLAG");
	check(KT_FMT_FUTEX_OP, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME,
	      "FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME");
	check(KT_FMT_FUTEX_OP, 99 | FUTEX_PRIVATE_FLAG, "99|FUTEX_PRIVATE_FLAG");
	check(KT_FMT_RLIMIT_RESOURCE, RLIMIT_NOFILE, "RLIMIT_NOFILE");
	check(KT_FMT_RLIMIT_RESOURCE, 99, "99");
	check(KT_FMT_SCHED_POLICY, SCHED_OTHER, "SCHED_OTHER");
	check(KT_FMT_SCHED_POLICY, SCHED_FIFO | SCHED_RESET_ON_FORK,
	      "SCHED_FIFO|SCHED_RESET_ON_FORK");
}

static void test_fds_time(void **state)
{
	check(KT_FMT_EPOLL_CTL_OP, EPOLL_CTL_ADD, "EPOLL_CTL_ADD");
	check(KT_FMT_EPOLL_CTL_OP, 0, "0");
	check(KT_FMT_EPOLL_CREATE_FLAGS, EPOLL_CLOEXEC, "EPOLL_CLOEXEC");
	check(KT_FMT_EVENTFD_FLAGS, EFD_CLOEXEC | EFD_NONBLOCK, "EFD_NONBLOCK|EFD_CLOEXEC");
	check(KT_FMT_EVENTFD_FLAGS, EFD_SEMAPHORE, "EFD_SEMAPHORE");
	check(KT_FMT_INOTIFY_INIT_FLAGS, IN_CLOEXEC, "IN_CLOEXEC");
	check(KT_FMT_INOTIFY_MASK, IN_MODIFY | IN_CREATE | IN_ONLYDIR,
	      "IN_MODIFY|IN_CREATE|IN_ONLYDIR");
	check(KT_FMT_TIMERFD_FLAGS, TFD_CLOEXEC, "TFD_CLOEXEC");
	check(KT_FMT_TIMERFD_SETTIME_FLAGS, TFD_TIMER_ABSTIME, "TFD_TIMER_ABSTIME");
	check(KT_FMT_CLOCK_ID, CLOCK_REALTIME, "CLOCK_REALTIME");
	check(KT_FMT_CLOCK_ID, CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
	check(KT_FMT_CLOCK_ID, CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
	check(KT_FMT_CLOCK_ID, I32(-6), "-6");	/* a process CPU clock */
	check(KT_FMT_TIMER_FLAGS, TIMER_ABSTIME, "TIMER_ABSTIME");
	check(KT_FMT_TIMER_FLAGS, 0, "0");
	check(KT_FMT_ITIMER_WHICH, ITIMER_PROF, "ITIMER_PROF");
	check(KT_FMT_GETRANDOM_FLAGS, GRND_NONBLOCK, "GRND_NONBLOCK");
}

/* Every format has a distinct name; NONE and bad formats. */
static void test_names(void **state)
{
	struct kt_buf b = { 0 };

	assert_string_equal(kt_fmt_name(KT_FMT_NONE), "none");
	assert_string_equal(kt_fmt_name(KT_FMT_OPEN_FLAGS), "open_flags");
	assert_string_equal(kt_fmt_name(KT_FMT_MODE), "mode");
	assert_null(kt_fmt_name(KT_FMT_N));
	assert_null(kt_fmt_name((enum kt_fmt)-1));
	for (int f = 0; f < KT_FMT_N; f++) {
		const char *n = kt_fmt_name(f);

		assert_non_null(n);
		assert_true(n[0] != '\0');
		for (int g = f + 1; g < KT_FMT_N; g++)
			assert_string_not_equal(n, kt_fmt_name(g));
	}

	assert_int_equal(kt_fmt_render(&b, KT_FMT_NONE, I32(-5), kt_abi_native()), 0);
	assert_string_equal(b.p, "-5");
	errno = 0;
	assert_int_equal(kt_fmt_render(&b, KT_FMT_N, 0, kt_abi_native()), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(b.p, "-5");
	/* appends */
	assert_int_equal(kt_fmt_render(&b, KT_FMT_SIGNAL, SIGTERM, kt_abi_native()), 0);
	assert_string_equal(b.p, "-5SIGTERM");
	kt_buf_free(&b);
}

/*
 * The values that differ between the ABIs are those of the ABI asked for,
 * whatever machine this test runs on (the uapi <asm/...> headers of each).
 */
static void test_abi_open_flags(void **state)
{
	/* an arm board's openat(O_DIRECTORY) is 040000: x86's O_DIRECT */
	check_abi(KT_FMT_OPEN_FLAGS, 040000, KT_ABI_ARM, "O_RDONLY|O_DIRECTORY");
	check_abi(KT_FMT_OPEN_FLAGS, 040000, KT_ABI_ARM64, "O_RDONLY|O_DIRECTORY");
	check_abi(KT_FMT_OPEN_FLAGS, 040000, KT_ABI_X86_64, "O_RDONLY|O_DIRECT");
	check_abi(KT_FMT_OPEN_FLAGS, 040000, KT_ABI_I386, "O_RDONLY|O_DIRECT");
	check_abi(KT_FMT_OPEN_FLAGS, 0200000, KT_ABI_ARM, "O_RDONLY|O_DIRECT");
	check_abi(KT_FMT_OPEN_FLAGS, 0200000, KT_ABI_X86_64, "O_RDONLY|O_DIRECTORY");
	check_abi(KT_FMT_OPEN_FLAGS, 0100000 | 02000000, KT_ABI_ARM,
		  "O_RDONLY|O_NOFOLLOW|O_CLOEXEC");
	check_abi(KT_FMT_OPEN_FLAGS, 0400000 | 02000000, KT_ABI_X86_64,
		  "O_RDONLY|O_NOFOLLOW|O_CLOEXEC");
	check_abi(KT_FMT_OPEN_FLAGS, 0400000 | 02, KT_ABI_ARM64, "O_RDWR|O_LARGEFILE");
	check_abi(KT_FMT_OPEN_FLAGS, 0100000 | 02, KT_ABI_I386, "O_RDWR|O_LARGEFILE");
	/* O_TMPFILE is __O_TMPFILE|O_DIRECTORY of its ABI */
	check_abi(KT_FMT_OPEN_FLAGS, 020040000 | 02, KT_ABI_ARM, "O_RDWR|O_TMPFILE");
	check_abi(KT_FMT_OPEN_FLAGS, 020200000 | 02, KT_ABI_ARM,
		  "O_RDWR|O_DIRECT|__O_TMPFILE");
	check_abi(KT_FMT_OPEN_FLAGS, 020200000 | 02, KT_ABI_X86_64, "O_RDWR|O_TMPFILE");
	/* an ABI not known here: asm-generic's */
	check_abi(KT_FMT_OPEN_FLAGS, 0200000, KT_ABI_NONE, "O_RDONLY|O_DIRECTORY");
	check_abi(KT_FMT_OPEN_FLAGS, 0200000, KT_ABI_MAX, "O_RDONLY|O_DIRECTORY");
	/* mq_open's oflag and pipe2's O_DIRECT alike */
	check_abi(KT_FMT_PIPE_FLAGS, 0200000, KT_ABI_ARM, "O_DIRECT");
	check_abi(KT_FMT_PIPE_FLAGS, 0200000, KT_ABI_X86_64, "0x10000");
	check_abi(KT_FMT_PIPE_FLAGS, 040000, KT_ABI_X86_64, "O_DIRECT");
}

static void test_abi_tables(void **state)
{
	/* x86's MAP_32BIT; arm64's PROT_BTI and PROT_MTE */
	check_abi(KT_FMT_MMAP_FLAGS, 0x02 | 0x20 | 0x40, KT_ABI_X86_64,
		  "MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT");
	check_abi(KT_FMT_MMAP_FLAGS, 0x02 | 0x20 | 0x40, KT_ABI_ARM,
		  "MAP_PRIVATE|MAP_ANONYMOUS|0x40");
	check_abi(KT_FMT_PROT, 0x1 | 0x10, KT_ABI_ARM64, "PROT_READ|PROT_BTI");
	check_abi(KT_FMT_PROT, 0x3 | 0x20, KT_ABI_ARM64, "PROT_READ|PROT_WRITE|PROT_MTE");
	check_abi(KT_FMT_PROT, 0x1 | 0x10, KT_ABI_X86_64, "PROT_READ|0x10");
	check_abi(KT_FMT_PROT, 0x1 | 0x10, KT_ABI_ARM, "PROT_READ|0x10");
	/* the arch's own ptrace requests */
	check_abi(KT_FMT_PTRACE_REQUEST, 12, KT_ABI_X86_64, "PTRACE_GETREGS");
	check_abi(KT_FMT_PTRACE_REQUEST, 12, KT_ABI_ARM, "PTRACE_GETREGS");
	check_abi(KT_FMT_PTRACE_REQUEST, 12, KT_ABI_ARM64, "12");
	check_abi(KT_FMT_PTRACE_REQUEST, 22, KT_ABI_ARM, "PTRACE_GET_THREAD_AREA");
	check_abi(KT_FMT_PTRACE_REQUEST, 25, KT_ABI_I386, "PTRACE_GET_THREAD_AREA");
	check_abi(KT_FMT_PTRACE_REQUEST, 22, KT_ABI_X86_64, "22");
	check_abi(KT_FMT_PTRACE_REQUEST, 30, KT_ABI_X86_64, "PTRACE_ARCH_PRCTL");
	check_abi(KT_FMT_PTRACE_REQUEST, 30, KT_ABI_I386, "30");
	check_abi(KT_FMT_PTRACE_REQUEST, 31, KT_ABI_ARM64, "PTRACE_SYSEMU");
	check_abi(KT_FMT_PTRACE_REQUEST, 31, KT_ABI_ARM, "31");
	check_abi(KT_FMT_PTRACE_REQUEST, 12, KT_ABI_NONE, "12");
	/* the same everywhere */
	check_abi(KT_FMT_PTRACE_REQUEST, 16, KT_ABI_ARM, "PTRACE_ATTACH");
	check_abi(KT_FMT_FCNTL_CMD, 5, KT_ABI_ARM64, "F_GETLK");

	/* which ABI a recording's machine has, and its 32-bit tasks' */
	assert_int_equal(kt_abi_by_machine("x86_64"), KT_ABI_X86_64);
	assert_int_equal(kt_abi_by_machine("i686"), KT_ABI_I386);
	assert_int_equal(kt_abi_by_machine("i386"), KT_ABI_I386);
	assert_int_equal(kt_abi_by_machine("armv7l"), KT_ABI_ARM);
	assert_int_equal(kt_abi_by_machine("armv8l"), KT_ABI_ARM);
	assert_int_equal(kt_abi_by_machine("aarch64"), KT_ABI_ARM64);
	assert_int_equal(kt_abi_by_machine("arm64"), KT_ABI_ARM64);
	assert_int_equal(kt_abi_by_machine("i786"), KT_ABI_NONE);
	assert_int_equal(kt_abi_by_machine("ppc64le"), KT_ABI_NONE);
	assert_int_equal(kt_abi_by_machine(""), KT_ABI_NONE);
	assert_int_equal(kt_abi_by_machine(NULL), KT_ABI_NONE);
	assert_int_equal(kt_abi_compat_of(KT_ABI_X86_64), KT_ABI_I386);
	assert_int_equal(kt_abi_compat_of(KT_ABI_ARM64), KT_ABI_ARM);
	assert_int_equal(kt_abi_compat_of(KT_ABI_ARM), KT_ABI_NONE);
	assert_int_equal(kt_abi_compat_of(KT_ABI_NONE), KT_ABI_NONE);
}

static void test_value_bits(void **state)
{
	struct kt_value v = { .set = true, .u = 0xffffffffull };

	assert_true(kt_value_bits(KT_T_INT, &v) == UINT64_MAX);
	assert_true(kt_value_bits(KT_T_UINT, &v) == 0xffffffffull);
	assert_true(kt_value_bits(KT_T_LONG, &v) == 0xffffffffull);
	assert_true(kt_value_bits(KT_T_U16, &v) == 0xffff);
	v.u = 0x1234567880000000ull;
	assert_true(kt_value_bits(KT_T_INT, &v) == 0xffffffff80000000ull);
	assert_true(kt_value_bits(KT_T_ULONG, &v) == 0x1234567880000000ull);
	assert_true(kt_value_bits(KT_T_PTR, &v) == 0x1234567880000000ull);
}

static const struct kt_event_def *ev(const char *name)
{
	const struct kt_event_def *e = kt_event_by_name(name);

	assert_non_null(e);
	return e;
}

static enum kt_fmt fmt_of(const char *event, const char *arg)
{
	const struct kt_event_def *e = kt_event_by_name(event);
	int i;

	if (!e)
		return KT_FMT_N;	/* not in the catalog (yet) */
	i = kt_arg_index(e, arg);
	assert_true(i >= 0);
	return kt_arg_fmt(e, i);
}

/* The catalog's arguments get their rendering; others none. */
static void test_arg_fmt(void **state)
{
	const struct kt_event_def *lost = kt_lost_event();

	assert_int_equal(fmt_of("msgsnd", "msgflg"), KT_FMT_MSGSND_FLAGS);
	assert_int_equal(fmt_of("msgsnd", "msqid"), KT_FMT_NONE);
	assert_int_equal(fmt_of("msgsnd", "msgp"), KT_FMT_NONE);
	assert_int_equal(fmt_of("msgrcv", "msgflg"), KT_FMT_MSGRCV_FLAGS);
	assert_int_equal(fmt_of("msgget", "msgflg"), KT_FMT_IPC_GET_FLAGS);
	assert_int_equal(fmt_of("msgget", "key"), KT_FMT_NONE);
	assert_int_equal(fmt_of("msgctl", "cmd"), KT_FMT_MSGCTL_CMD);
	assert_int_equal(fmt_of("mq_open", "oflag"), KT_FMT_OPEN_FLAGS);
	assert_int_equal(fmt_of("mq_open", "mode"), KT_FMT_MODE);
	assert_int_equal(fmt_of("mq_open", "name"), KT_FMT_NONE);
	assert_int_equal(fmt_of("sendto", "flags"), KT_FMT_MSG_FLAGS);
	assert_int_equal(fmt_of("sendto", "len"), KT_FMT_NONE);
	assert_int_equal(fmt_of("sendmsg", "msg_flags"), KT_FMT_MSG_FLAGS);
	assert_int_equal(fmt_of("recvmmsg", "flags"), KT_FMT_MSG_FLAGS);
	assert_int_equal(kt_arg_fmt(lost, 0), KT_FMT_NONE);
	/* out of range */
	assert_int_equal(kt_arg_fmt(ev("msgsnd"), KT_MAX_ARGS), KT_FMT_NONE);
	assert_int_equal(kt_arg_fmt(ev("msgsnd"), ev("msgsnd")->nargs), KT_FMT_NONE);

	/* "*" rows, and an exact row next to them (once the catalog has them) */
	if (kt_event_by_name("openat")) {
		assert_int_equal(fmt_of("openat", "dirfd"), KT_FMT_DIRFD);
		assert_int_equal(fmt_of("openat", "flags"), KT_FMT_OPEN_FLAGS);
		assert_int_equal(fmt_of("openat", "mode"), KT_FMT_MODE);
	}
	if (kt_event_by_name("faccessat2"))
		assert_int_equal(fmt_of("faccessat2", "fd"), KT_FMT_DIRFD);
	if (kt_event_by_name("renameat2")) {
		assert_int_equal(fmt_of("renameat2", "olddirfd"), KT_FMT_DIRFD);
		assert_int_equal(fmt_of("renameat2", "newdirfd"), KT_FMT_DIRFD);
		assert_int_equal(fmt_of("renameat2", "flags"), KT_FMT_RENAME_FLAGS);
	}
	if (kt_event_by_name("access"))
		assert_int_equal(fmt_of("access", "mode"), KT_FMT_ACCESS_MODE);
	if (kt_event_by_name("kill")) {
		assert_int_equal(fmt_of("kill", "sig"), KT_FMT_SIGNAL);
		assert_int_equal(fmt_of("kill", "pid"), KT_FMT_NONE);
	}
	if (kt_event_by_name("clone"))
		assert_int_equal(fmt_of("clone", "flags"), KT_FMT_CLONE_FLAGS);
	if (kt_event_by_name("sched_process_exit")) {
		assert_int_equal(fmt_of("sched_process_exit", "signal_code"), KT_FMT_SIGNAL);
		assert_int_equal(fmt_of("sched_process_exit", "exit_code"), KT_FMT_NONE);
	}
}

static bool is_integer(enum kt_type t)
{
	return t == KT_T_INT || t == KT_T_UINT || t == KT_T_LONG || t == KT_T_ULONG ||
	       t == KT_T_U16;
}

/*
 * Every row of argfmt.def names an event and an integer argument of the
 * catalog (a "*" row: some event's), and no row is there twice.  All
 * missing names are listed before the test fails.
 */
static void test_argfmt_rows(void **state)
{
	unsigned int bad = 0;
	bool used[KT_FMT_N] = { false };

	assert_true(kt_nargfmts > 0);
	for (unsigned int k = 0; k < kt_nargfmts; k++) {
		const struct kt_argfmt *r = &kt_argfmts[k];
		const struct kt_event_def *e;
		int i;

		assert_true(r->fmt > KT_FMT_NONE && r->fmt < KT_FMT_N);
		used[r->fmt] = true;
		for (unsigned int j = k + 1; j < kt_nargfmts; j++)
			if (!strcmp(r->event, kt_argfmts[j].event) &&
			    !strcmp(r->arg, kt_argfmts[j].arg)) {
				print_message("argfmt.def: ARGFMT(\"%s\", \"%s\") twice\n",
					      r->event, r->arg);
				bad++;
			}
		if (!strcmp(r->event, "*")) {
			bool found = false;

			for (unsigned int n = 0; n < kt_nevents && !found; n++)
				found = kt_arg_index(&kt_events[n], r->arg) >= 0;
			if (!found) {
				print_message("argfmt.def: ARGFMT(\"*\", \"%s\", %s): no catalog "
					      "event has an argument '%s'\n", r->arg,
					      kt_fmt_name(r->fmt), r->arg);
				bad++;
			}
			continue;
		}
		e = kt_event_by_name(r->event);
		if (!e) {
			print_message("argfmt.def: ARGFMT(\"%s\", \"%s\", %s): no event '%s' "
				      "in the catalog\n", r->event, r->arg, kt_fmt_name(r->fmt),
				      r->event);
			bad++;
			continue;
		}
		i = kt_arg_index(e, r->arg);
		if (i < 0) {
			print_message("argfmt.def: ARGFMT(\"%s\", \"%s\", %s): %s has no "
				      "argument '%s'\n", r->event, r->arg, kt_fmt_name(r->fmt),
				      r->event, r->arg);
			bad++;
		} else if (!is_integer(e->args[i].type)) {
			print_message("argfmt.def: ARGFMT(\"%s\", \"%s\", %s): not an integer "
				      "argument (%s)\n", r->event, r->arg, kt_fmt_name(r->fmt),
				      e->args[i].ctype);
			bad++;
		} else if (kt_arg_fmt(e, i) != r->fmt) {
			print_message("argfmt.def: %s %s renders as %s, the row says %s\n",
				      r->event, r->arg, kt_fmt_name(kt_arg_fmt(e, i)),
				      kt_fmt_name(r->fmt));
			bad++;
		}
	}
	/* and every format is used by some row */
	for (int f = KT_FMT_NONE + 1; f < KT_FMT_N; f++)
		if (!used[f]) {
			print_message("argfmt.def: no row uses %s\n", kt_fmt_name(f));
			bad++;
		}
	if (bad)
		print_message("%u problem(s) in src/xlat/argfmt.def against the catalog\n", bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_access_at),
		cmocka_unit_test(test_file_enums),
		cmocka_unit_test(test_ipc),
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_fds_time),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_abi_open_flags),
		cmocka_unit_test(test_abi_tables),
		cmocka_unit_test(test_value_bits),
		cmocka_unit_test(test_arg_fmt),
		cmocka_unit_test(test_argfmt_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
