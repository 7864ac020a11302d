// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-arch tables of the kprobe recipes: the registers of a kernel
 * function's arguments, the pt_regs offsets of a syscall's, and the
 * names and calling styles of the syscall entry functions.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "ktrail/util.h"
#include "kernel-local.h"

int kt_kernel_long(enum kt_abi a)
{
	return a == KT_ABI_I386 || a == KT_ABI_ARM ? 4 : 8;
}

/* Registers of a function's first arguments (kernel calling convention),
 * for kernels without $arg<N>.  NULL: on the stack. */
static const char *const func_regs[KT_ABI_ARCH_MAX][6] = {
	[KT_ABI_X86_64] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" },
	[KT_ABI_I386] = { "%ax", "%dx", "%cx" },	/* -mregparm=3 */
	[KT_ABI_ARM64] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" },
	[KT_ABI_ARM] = { "%r0", "%r1", "%r2", "%r3" },
	[KT_ABI_RISCV64] = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5" },
};

/*
 * The word arguments past the registers, at a function's first
 * instruction: N of the $stack<N> holding the first of them, -1 if not
 * known.  32-bit arm (AAPCS): sp points at the fifth word argument; its
 * syscall entry (vector_swi) pushes r4 and r5, a syscall's fifth and
 * sixth arguments, before it calls sys_X.  arm has no $arg<N> at all
 * (no HAVE_FUNCTION_ARG_ACCESS_API), so this is how a 32-bit arm kernel's
 * probes read arguments 5 and 6 (the time32 and time64 mq calls' timeout,
 * sendto's address).  Only for word-sized arguments: no recipe passes a
 * 64-bit one before them.
 */
static const int func_stack_first[KT_ABI_ARCH_MAX] = {
	[KT_ABI_X86_64] = -1,
	[KT_ABI_I386] = -1,
	[KT_ABI_ARM64] = -1,
	[KT_ABI_ARM] = 0,
	[KT_ABI_RISCV64] = -1,
};

int kt_func_arg_place(enum kt_abi arch, int n, char *buf, size_t len)
{
	int nregs = 0;

	if (arch < 0 || arch >= KT_ABI_ARCH_MAX || n < 1 || n > 6)
		return -1;
	if (func_regs[arch][n - 1]) {
		snprintf(buf, len, "%s", func_regs[arch][n - 1]);
		return 0;
	}
	if (func_stack_first[arch] < 0)
		return -1;
	while (nregs < 6 && func_regs[arch][nregs])
		nregs++;
	snprintf(buf, len, "$stack%d", func_stack_first[arch] + (n - 1 - nregs));
	return 0;
}

/* offsetof(struct pt_regs, <register of syscall argument N>) */
static const int pt_offsets[][6] = {
	[KT_WRAP_PT_X86_64] = { 112, 104, 96, 56, 72, 64 },
	[KT_WRAP_PT_IA32] = { 40, 88, 96, 104, 112, 32 },
	[KT_WRAP_PT_I386] = { 0, 4, 8, 12, 16, 20 },
	[KT_WRAP_PT_ARM64] = { 0, 8, 16, 24, 32, 40 },
	[KT_WRAP_PT_RISCV64] = { 280, 88, 96, 104, 112, 120 },
};

int kt_pt_offset(enum kt_wrap_style style, int n)
{
	return pt_offsets[style][n - 1];
}

/*
 * Entry functions, best first.  Since 4.17 (x86_64), 4.19 (arm64), 5.7
 * (i386) and 5.19 (riscv) syscalls are entered through a wrapper taking
 * pt_regs; before, sys_X took the arguments directly.  A 32-bit task's
 * entry is the compat one (reached by 32-bit tasks only); sys_X, shared
 * with 64-bit tasks, is never used for them.
 */
static const struct kt_wrap native_wraps[KT_ABI_ARCH_MAX][3] = {
	[KT_ABI_X86_64] = { { "__x64_sys_%s", KT_WRAP_PT_X86_64 }, { "sys_%s", KT_WRAP_DIRECT } },
	[KT_ABI_I386] = { { "__ia32_sys_%s", KT_WRAP_PT_I386 }, { "sys_%s", KT_WRAP_STACK } },
	[KT_ABI_ARM64] = { { "__arm64_sys_%s", KT_WRAP_PT_ARM64 }, { "sys_%s", KT_WRAP_DIRECT } },
	[KT_ABI_ARM] = { { "sys_%s", KT_WRAP_DIRECT } },
	[KT_ABI_RISCV64] = { { "__riscv_sys_%s", KT_WRAP_PT_RISCV64 }, { "sys_%s", KT_WRAP_DIRECT } },
};

static const struct kt_wrap compat_wraps[KT_ABI_ARCH_MAX][6] = {
	[KT_ABI_X86_64] = {
		{ "__ia32_compat_sys_%s_time64", KT_WRAP_PT_IA32 },
		{ "__ia32_compat_sys_%s", KT_WRAP_PT_IA32 },
		{ "__ia32_sys_%s", KT_WRAP_PT_IA32 },
		{ "compat_sys_%s_time64", KT_WRAP_DIRECT },
		{ "compat_sys_%s", KT_WRAP_DIRECT },
	},
	[KT_ABI_ARM64] = {
		{ "__arm64_compat_sys_%s_time64", KT_WRAP_PT_ARM64 },
		{ "__arm64_compat_sys_%s", KT_WRAP_PT_ARM64 },
		{ "__arm64_sys_%s", KT_WRAP_PT_ARM64 },
		{ "compat_sys_%s_time64", KT_WRAP_DIRECT },
		{ "compat_sys_%s", KT_WRAP_DIRECT },
	},
};

const struct kt_wrap *kt_entry_wraps(enum kt_abi arch, bool compat, size_t *n)
{
	if (arch < 0 || arch >= KT_ABI_ARCH_MAX) {
		*n = 0;
		return NULL;
	}
	if (compat) {
		*n = KT_ARRAY_SIZE(compat_wraps[0]);
		return compat_wraps[arch];
	}
	*n = KT_ARRAY_SIZE(native_wraps[0]);
	return native_wraps[arch];
}

enum kt_wrap_style kt_ptregs_style(enum kt_abi arch, bool compat)
{
	if (compat)
		return arch == KT_ABI_ARM64 ? KT_WRAP_PT_ARM64 : KT_WRAP_PT_IA32;
	if (arch < 0 || arch >= KT_ABI_ARCH_MAX)
		return KT_WRAP_DIRECT;
	return native_wraps[arch][0].style;
}

/*
 * Syscalls an arch's table enters through another function than the one
 * named after the event's tracepoint.  32-bit arm's msgctl, semctl and
 * shmctl (304, 300, 308) are sys_old_msgctl ... (the ipc_parse_version
 * ABI: IPC_64 in cmd): its sys_msgctl exists but no task reaches it, and
 * it has no sys_enter_msgctl tracepoint (only sys_enter_old_msgctl, which
 * the catalog does not name), so these events take kprobes there.
 */
static const struct {
	enum kt_abi arch;
	bool compat;
	const char *tp, *entry;
} entry_alias[] = {
	{ KT_ABI_ARM, false, "msgctl", "old_msgctl" },
	{ KT_ABI_ARM, false, "semctl", "old_semctl" },
	{ KT_ABI_ARM, false, "shmctl", "old_shmctl" },
};

const char *kt_entry_name(enum kt_abi arch, bool compat, const char *tp)
{
	for (size_t i = 0; i < KT_ARRAY_SIZE(entry_alias); i++)
		if (entry_alias[i].arch == arch && entry_alias[i].compat == compat &&
		    !strcmp(entry_alias[i].tp, tp))
			return entry_alias[i].entry;
	return tp;
}

/* The symbol of @w for syscall @name: its format's "%s" replaced. */
void kt_wrap_symbol(char *buf, size_t len, const struct kt_wrap *w, const char *name)
{
	const char *pct = strstr(w->fmt, "%s");

	snprintf(buf, len, "%.*s%s%s", (int)(pct - w->fmt), w->fmt, name, pct + 2);
}
