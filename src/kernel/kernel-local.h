/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of src/kernel/ share and nothing else sees: the per-arch
 * tables (arch.c) and the template expansion (expand.c) the recipes
 * (recipe.c) are made of.
 */
#ifndef KTRAIL_KERNEL_LOCAL_H
#define KTRAIL_KERNEL_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ktrail/catalog.h"
#include "ktrail/probe.h"

/* ---------------------------------------------------------- arch.c */

/* How an entry function receives the syscall's arguments. */
enum kt_wrap_style {
	KT_WRAP_DIRECT,	/* as C arguments (no pt_regs wrapper, or arm) */
	KT_WRAP_STACK,	/* i386 asmlinkage: on the stack */
	KT_WRAP_PT_X86_64,	/* const struct pt_regs *: di si dx r10 r8 r9 */
	KT_WRAP_PT_IA32,	/* the same pt_regs, a 32-bit task: bx cx dx si di bp */
	KT_WRAP_PT_I386,	/* i386 pt_regs: bx cx dx si di bp */
	KT_WRAP_PT_ARM64,	/* regs[0..5] */
	KT_WRAP_PT_RISCV64,	/* orig_a0, a1..a5 */
};

struct kt_wrap {
	const char *fmt;	/* printf format of the symbol, %s: the syscall */
	enum kt_wrap_style style;
};

/* The kernel's word: 4 or 8 bytes. */
int kt_kernel_long(enum kt_abi arch);
/*
 * Where argument @n (1..6) of a kernel function is at its first
 * instruction, for kernels without $arg<N> (calling convention): its
 * register ("%di") or "$stack<N>" in @buf.  0, or -1 if it is on the
 * stack at a place not known.
 */
int kt_func_arg_place(enum kt_abi arch, int n, char *buf, size_t len);
/* offsetof(struct pt_regs, <register of syscall argument @n (1..6)>) */
int kt_pt_offset(enum kt_wrap_style style, int n);
/* The entry functions of a syscall on @arch, best first: @n slots, the
 * used ones have a fmt.  NULL (@n 0) for an arch not known. */
const struct kt_wrap *kt_entry_wraps(enum kt_abi arch, bool compat, size_t *n);
/* The pt_regs style of @arch's (best) entry function. */
enum kt_wrap_style kt_ptregs_style(enum kt_abi arch, bool compat);
/* The syscall whose entry function event @tp's is on @arch (an alias). */
const char *kt_entry_name(enum kt_abi arch, bool compat, const char *tp);
/* The symbol of @w for syscall @name: its format's "%s" replaced. */
void kt_wrap_symbol(char *buf, size_t len, const struct kt_wrap *w, const char *name);

/* -------------------------------------------------------- expand.c */

/* Expand fetch template @tmpl for @compat tasks, the syscall arguments
 * ({sN}) as @style passes them.  0, or -1 with the reason in @why. */
int kt_expand_style(const struct kt_probe_env *env, bool compat, enum kt_wrap_style style,
		    const char *tmpl, char *out, size_t outlen, char *why, size_t whylen);

#endif
