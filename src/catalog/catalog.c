// SPDX-License-Identifier: GPL-2.0-or-later
/* The event catalog built from events.def, and look-ups over it. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/catalog.h"
#include "ktrail/util.h"

/* Shorthands used inside events.def. */
#define SYS (1ull << KT_SETI_SYSCALLS)
#define S(m) (1ull << KT_SETI_##m)
#define K KT_O_K
#define U KT_O_U
#define TOCTOU KT_O_TOCTOU
#define OPT KT_O_OPT

/* Pass 1: one argument array per event. */
#define SYSCALL(n, idx, ida, sets, tp, n64, n32, na64, na, doc) \
	static const struct kt_arg_def args_##n[] = {
#define EVENT(n, idx, ida, sets, tp, doc) static const struct kt_arg_def args_##n[] = {
#define KEVENT(n, idx, ida, sets, fn, doc) static const struct kt_arg_def args_##n[] = {
#define ARG(n, ct, t, o) { .name = #n, .ctype = ct, .type = KT_T_##t, .origin = (o) },
#define ARGO(n, ct, t, o) { .name = #n, .ctype = ct, .type = KT_T_##t, .origin = (o), .extra = true },
#define ARGX(n, ct, t, o, g) { .name = #n, .ctype = ct, .type = KT_T_##t, .origin = (o), \
			       .extra = true, .guard = #g },
#define FLAG(f)
#define END(n) };
#include "events.def"
#include "syscalls.def"
#undef SYSCALL
#undef EVENT
#undef KEVENT
#undef ARG
#undef ARGO
#undef ARGX
#undef FLAG
#undef END

/* Pass 2: the count of syscall (positional) arguments per event. */
#define SYSCALL(n, idx, ida, sets, tp, n64, n32, na64, na, doc) enum { npos_##n = 0
#define EVENT(n, idx, ida, sets, tp, doc) enum { npos_##n = 0
#define KEVENT(n, idx, ida, sets, fn, doc) enum { npos_##n = 0
#define ARG(n, ct, t, o) + 1
#define ARGO(n, ct, t, o)
#define ARGX(n, ct, t, o, g)
#define FLAG(f)
#define END(n) };
#include "events.def"
#include "syscalls.def"
#undef SYSCALL
#undef EVENT
#undef KEVENT
#undef ARG
#undef FLAG

/* Pass 2b: the KT_EVF_* flags of each event. */
#define SYSCALL(n, idx, ida, sets, tp, n64, n32, na64, na, doc) enum { flags_##n = 0
#define EVENT(n, idx, ida, sets, tp, doc) enum { flags_##n = 0
#define KEVENT(n, idx, ida, sets, fn, doc) enum { flags_##n = 0
#define ARG(n, ct, t, o)
#define FLAG(f) | KT_EVF_##f
#include "events.def"
#include "syscalls.def"
#undef SYSCALL
#undef EVENT
#undef KEVENT
#undef ARG
#undef ARGO
#undef ARGX
#undef FLAG
#undef END

static const struct kt_arg_def args_lost_events[] = {
	{ .name = "lost", .ctype = "unsigned long", .type = KT_T_ULONG, .origin = KT_O_K },
};

/* Pass 3: the event table. */
#define SYSCALL(n, idx, ida, s, t, n64, n32, na64, na, d)		\
	{ .name = #n, .kind = KT_EV_SYSCALL, .id_x86_64 = idx,		\
	  .id_arm64 = ida, .sets = (s), .tp = t, .flags = flags_##n,	\
	  .nr = { [KT_ABI_X86_64] = n64, [KT_ABI_I386] = n32,		\
		  [KT_ABI_ARM64] = na64, [KT_ABI_ARM] = na },		\
	  .doc = d, .args = args_##n, .nargs = KT_ARRAY_SIZE(args_##n), \
	  .npos = npos_##n },
#define EVENT(n, idx, ida, s, t, d)					\
	{ .name = #n, .kind = KT_EV_TASK, .id_x86_64 = idx,		\
	  .id_arm64 = ida, .sets = (s), .tp = t, .flags = flags_##n,	\
	  .nr = { -1, -1, -1, -1 },					\
	  .doc = d, .args = args_##n, .nargs = KT_ARRAY_SIZE(args_##n), \
	  .npos = npos_##n },
#define KEVENT(n, idx, ida, s, fn, d)					\
	{ .name = #n, .kind = KT_EV_KPROBE, .id_x86_64 = idx,		\
	  .id_arm64 = ida, .sets = (s), .tp = "kprobe/" fn,		\
	  .flags = flags_##n,						\
	  .nr = { -1, -1, -1, -1 },					\
	  .doc = d, .args = args_##n, .nargs = KT_ARRAY_SIZE(args_##n), \
	  .npos = npos_##n },
#define ARG(n, ct, t, o)
#define ARGO(n, ct, t, o)
#define ARGX(n, ct, t, o, g)
#define FLAG(f)
#define END(n)
const struct kt_event_def kt_events[] = {
#include "events.def"
#include "syscalls.def"
	/* Not an event of the kernel: marks where a CPU's buffer lost events. */
	{ .name = "lost_events", .kind = KT_EV_PSEUDO, .id_x86_64 = 9990,
	  .id_arm64 = 9990, .sets = 0, .tp = NULL,
	  .nr = { -1, -1, -1, -1 },
	  .doc = "the kernel dropped or overwrote events on a CPU before ktrail read them",
	  .args = args_lost_events, .nargs = 1, .npos = 0 },
};
#undef SYSCALL
#undef EVENT
#undef KEVENT
#undef ARG
#undef ARGO
#undef ARGX
#undef FLAG
#undef END

const unsigned int kt_nevents = KT_ARRAY_SIZE(kt_events);

const struct kt_event_def *kt_lost_event(void)
{
	return &kt_events[kt_nevents - 1];
}

int kt_arg_index(const struct kt_event_def *ev, const char *name)
{
	for (unsigned int i = 0; i < ev->nargs; i++)
		if (!strcmp(ev->args[i].name, name))
			return (int)i;
	return -1;
}

static int arg_guard(const struct kt_event_def *ev, unsigned int i)
{
	const struct kt_arg_def *a = &ev->args[i];

	if (a->extra)
		return a->guard ? kt_arg_index(ev, a->guard) : -1;
	switch (a->type) {
	case KT_T_STR:
	case KT_T_SOCKADDR:
	case KT_T_TIMESPEC:
		return (int)i;
	default:
		return -1;
	}
}

static int arg_bound(const struct kt_event_def *ev, unsigned int i)
{
	static const char *const bodies[][2] = {
		{ "mtext", "msgsz" },
		{ "msg_ptr", "msg_len" },
		{ "u_msg_ptr", "msg_len" },
	};

	for (size_t k = 0; k < KT_ARRAY_SIZE(bodies); k++)
		if (!strcmp(ev->args[i].name, bodies[k][0]))
			return kt_arg_index(ev, bodies[k][1]);
	return -1;
}

/* Guard and bound of every argument, resolved by name once (the pairer
 * asks per record). */
static signed char arg_links[KT_MAX_EVENTS][KT_MAX_ARGS][2];

static void links_init(void)
{
	static bool done;

	if (done)
		return;
	for (unsigned int e = 0; e < kt_nevents; e++)
		for (unsigned int i = 0; i < kt_events[e].nargs && i < KT_MAX_ARGS; i++) {
			arg_links[e][i][0] = (signed char)arg_guard(&kt_events[e], i);
			arg_links[e][i][1] = (signed char)arg_bound(&kt_events[e], i);
		}
	done = true;
}

int kt_arg_guard(const struct kt_event_def *ev, unsigned int i)
{
	links_init();
	return arg_links[ev - kt_events][i][0];
}

int kt_arg_bound(const struct kt_event_def *ev, unsigned int i)
{
	links_init();
	return arg_links[ev - kt_events][i][1];
}

bool kt_event_own_id(const struct kt_event_def *ev)
{
	return ev->id_x86_64 >= KT_ID_OWN_BASE && ev->id_x86_64 <= KT_ID_OWN_MAX;
}

const struct kt_event_def *kt_event_by_name(const char *name)
{
	for (unsigned int i = 0; i < kt_nevents; i++)
		if (!strcmp(kt_events[i].name, name))
			return &kt_events[i];
	return NULL;
}

/* Syscall numbers per ABI -> catalog index + 1 (0: none), built once:
 * raw_syscalls asks for every record of a 32-bit task. */
#define KT_MAX_NR 1024
static unsigned short nr_index[KT_ABI_MAX][KT_MAX_NR];

static void nr_index_init(void)
{
	static bool done;

	if (done)
		return;
	for (unsigned int i = kt_nevents; i-- > 0;)
		for (int abi = 0; abi < KT_ABI_MAX; abi++)
			if (kt_events[i].kind == KT_EV_SYSCALL && kt_events[i].nr[abi] >= 0 &&
			    kt_events[i].nr[abi] < KT_MAX_NR)
				nr_index[abi][kt_events[i].nr[abi]] = (unsigned short)(i + 1);
	done = true;
}

const struct kt_event_def *kt_event_by_nr(enum kt_abi abi, long nr)
{
	if (abi < 0 || abi >= KT_ABI_MAX || nr < 0 || nr >= KT_MAX_NR)
		return NULL;
	nr_index_init();
	return nr_index[abi][nr] ? &kt_events[nr_index[abi][nr] - 1] : NULL;
}

int kt_event_nr(const struct kt_event_def *ev, enum kt_abi abi)
{
	return abi >= 0 && abi < KT_ABI_MAX ? ev->nr[abi] : -1;
}

static const char *const set_names[KT_NSETS] = {
#define SET(m, name, doc) [KT_SETI_##m] = name,
#include "ktrail/sets.def"
#undef SET
};

static const char *const set_docs[KT_NSETS] = {
#define SET(m, name, doc) [KT_SETI_##m] = doc,
#include "ktrail/sets.def"
#undef SET
};

uint64_t kt_set_by_name(const char *name)
{
	for (unsigned int i = 0; i < KT_NSETS; i++)
		if (!strcmp(set_names[i], name))
			return 1ull << i;
	return 0;
}

const char *kt_set_name(uint64_t bit)
{
	for (unsigned int i = 0; i < KT_NSETS; i++)
		if (bit == 1ull << i)
			return set_names[i];
	return NULL;
}

const char *kt_set_name_at(unsigned int i)
{
	return i < KT_NSETS ? set_names[i] : NULL;
}

const char *kt_set_doc_at(unsigned int i)
{
	return i < KT_NSETS ? set_docs[i] : NULL;
}

void kt_sets_format(uint64_t sets, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned int i = 0; i < KT_NSETS; i++) {
		if (!(sets & (1ull << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "", set_names[i]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += n;
	}
}

static const char *const type_names[KT_T_NTYPES] = {
	[KT_T_INT] = "int32",
	[KT_T_UINT] = "uint32",
	[KT_T_LONG] = "int64",
	[KT_T_ULONG] = "uint64",
	[KT_T_U16] = "uint16",
	[KT_T_PTR] = "trace.Pointer",
	[KT_T_STR] = "string",
	[KT_T_SOCKADDR] = "SockAddr",
	[KT_T_TIMESPEC] = "float64",
	[KT_T_BOOL] = "bool",
};

const char *kt_type_name(enum kt_type t)
{
	return t < KT_T_NTYPES ? type_names[t] : "?";
}

void kt_origin_format(unsigned int origin, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s",
		 origin & KT_O_K ? "K" : "",
		 (origin & KT_O_K) && (origin & ~KT_O_K) ? "," : "",
		 origin & KT_O_U ? "U" : "",
		 (origin & KT_O_U) && (origin & (KT_O_TOCTOU | KT_O_OPT)) ? "," : "",
		 origin & KT_O_TOCTOU ? "TOCTOU" : "",
		 (origin & KT_O_TOCTOU) && (origin & KT_O_OPT) ? "," : "",
		 origin & KT_O_OPT ? "OPT" : "");
}

static const char *const abi_names[KT_ABI_ARCH_MAX] = {
	[KT_ABI_X86_64] = "x86_64",
	[KT_ABI_I386] = "i386",
	[KT_ABI_ARM64] = "arm64",
	[KT_ABI_ARM] = "arm",
	[KT_ABI_RISCV64] = "riscv64",
};

const char *kt_abi_name(enum kt_abi abi)
{
	return abi >= 0 && abi < KT_ABI_ARCH_MAX ? abi_names[abi] : "none";
}

enum kt_abi kt_abi_by_name(const char *name)
{
	for (int a = 0; a < KT_ABI_ARCH_MAX; a++)
		if (!strcmp(abi_names[a], name))
			return (enum kt_abi)a;
	return KT_ABI_NONE;
}

enum kt_abi kt_abi_native(void)
{
#if defined(__x86_64__)
	return KT_ABI_X86_64;
#elif defined(__i386__)
	return KT_ABI_I386;
#elif defined(__aarch64__)
	return KT_ABI_ARM64;
#elif defined(__arm__)
	return KT_ABI_ARM;
#elif defined(__riscv) && __riscv_xlen == 64
	return KT_ABI_RISCV64;
#else
	return KT_ABI_NONE;
#endif
}

enum kt_abi kt_abi_compat(void)
{
#if defined(__x86_64__)
	return KT_ABI_I386;
#elif defined(__aarch64__)
	return KT_ABI_ARM;
#else
	return KT_ABI_NONE;
#endif
}

enum kt_abi kt_abi_compat_of(enum kt_abi abi)
{
	switch (abi) {
	case KT_ABI_X86_64:
		return KT_ABI_I386;
	case KT_ABI_ARM64:
		return KT_ABI_ARM;
	default:
		return KT_ABI_NONE;
	}
}

enum kt_abi kt_abi_by_machine(const char *machine)
{
	if (!machine)
		return KT_ABI_NONE;
	if (!strcmp(machine, "x86_64") || !strcmp(machine, "amd64"))
		return KT_ABI_X86_64;
	if (machine[0] == 'i' && machine[1] >= '3' && machine[1] <= '6' &&
	    !strcmp(machine + 2, "86"))
		return KT_ABI_I386;
	if (!strncmp(machine, "aarch64", 7) || !strcmp(machine, "arm64"))
		return KT_ABI_ARM64;
	if (!strncmp(machine, "arm", 3))
		return KT_ABI_ARM;
	return KT_ABI_NONE;
}

/* -1: the ids of the machine ktrail runs on; 0: x86_64's; 1: arm64's. */
static int ids_of_arm = -1;

void kt_catalog_machine(const char *machine)
{
	enum kt_abi abi = kt_abi_by_machine(machine);

	if (!machine)
		ids_of_arm = -1;
	else
		ids_of_arm = abi == KT_ABI_ARM || abi == KT_ABI_ARM64;
}

int kt_event_id(const struct kt_event_def *ev)
{
	if (ids_of_arm >= 0)
		return ids_of_arm ? ev->id_arm64 : ev->id_x86_64;
#if defined(__aarch64__) || defined(__arm__)
	return ev->id_arm64;
#else
	return ev->id_x86_64;
#endif
}

/*
 * One word of an event list: a set (sets win over an event of the same
 * name: `ipc` and `time` are both), an event, a shell pattern over event
 * names (`open*`, `*at`, `[i]pc` for the ipc syscall alone) or "all".
 */
static int select_word(const char *w, bool on, struct kt_selection *sel)
{
	uint64_t set = kt_set_by_name(w);
	bool glob = strpbrk(w, "*?[") != NULL;
	bool all = !strcmp(w, "all");
	bool any = false;

	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];
		bool named;

		if (ev->kind == KT_EV_PSEUDO)
			continue;
		named = set ? false : glob ? fnmatch(w, ev->name, 0) == 0 : !strcmp(w, ev->name);
		if (named || all || (set && (ev->sets & set))) {
			sel->on[i] = on;
			sel->named[i] = on && named;
			any = true;
		}
	}
	return any ? 0 : -1;
}

int kt_select(const char *spec, struct kt_selection *sel, char *bad, size_t badlen)
{
	char word[128];
	const char *p = spec;
	bool first = true;

	memset(sel, 0, sizeof(*sel));
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *w = word;
		bool on = true;

		if (n == 0 || n >= sizeof(word)) {
			snprintf(bad, badlen, "%.*s", (int)(n ? n : 0), p);
			errno = EINVAL;
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		if (word[0] == '-') {
			w++;
			on = false;
			/* A list that starts with an exclusion starts from all. */
			if (first)
				select_word("all", true, sel);
		}
		if (select_word(w, on, sel) < 0) {
			snprintf(bad, badlen, "%s", w);
			errno = ENOENT;
			return -1;
		}
		first = false;
		if (!p[n])
			break;
		p += n + 1;
	}
	sel->count = 0;
	for (unsigned int i = 0; i < kt_nevents; i++)
		sel->count += sel->on[i];
	return 0;
}
