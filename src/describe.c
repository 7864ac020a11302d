// SPDX-License-Identifier: GPL-2.0-or-later
/* Documentation from the catalog (describe.h). */
#include <string.h>

#include "ktrail/describe.h"
#include "ktrail/flags.h"
#include "ktrail/probe.h"

static const char *const origin_help =
	"K: a kernel value; U: read from user memory; TOCTOU: user memory that may "
	"change after it is read; OPT: may be absent (NULL)";

/* The recipes that can produce @ev, as text lines through @line. */
static void recipes(const struct kt_event_def *ev, void (*line)(FILE *fp, const char *s),
		    FILE *fp)
{
	const char *fn[8];
	unsigned int n = kt_probe_detail_functions(ev, fn, 8);
	char buf[512];

	if (ev->kind == KT_EV_KPROBE) {
		snprintf(buf, sizeof(buf), "a kprobe on %s reading the file through BTF argument "
			 "names (kernels with kprobe events and <argname>->field, 6.6+); "
			 "syscall_pathname from the detail kprobe of the open call it is in",
			 ev->tp + 7);
		line(fp, buf);
		return;
	}
	if (ev->kind == KT_EV_TASK) {
		snprintf(buf, sizeof(buf), "the %s tracepoint%s", ev->tp,
			 !strcmp(ev->name, "sched_process_exit") ?
			 "; the status from exit(2) and exit_group(2) (syscall tracepoints) "
			 "and the killing signal from signal/signal_deliver and signal_generate" : "");
		line(fp, buf);
		return;
	}
	if (ev->nr[KT_ABI_X86_64] >= 0 || ev->nr[KT_ABI_ARM64] >= 0) {
		snprintf(buf, sizeof(buf), "syscall tracepoints syscalls/sys_enter_%s and "
			 "sys_exit_%s (64-bit tasks)", ev->tp, ev->tp);
		line(fp, buf);
	}
	snprintf(buf, sizeof(buf), "kprobe and kretprobe on the syscall's entry function "
		 "(__x64_sys_%s, __ia32_sys_%s or __ia32_compat_sys_%s for 32-bit tasks, "
		 "__arm64_sys_%s, sys_%s ...)", ev->tp, ev->tp, ev->tp, ev->tp, ev->tp);
	line(fp, buf);
	if (ev->nr[KT_ABI_X86_64] >= 0 || ev->nr[KT_ABI_ARM64] >= 0) {
		snprintf(buf, sizeof(buf), "raw_syscalls filtered by the 64-bit syscall number "
			 "(64-bit tasks, on a kernel without syscall tracepoints or kprobes, or "
			 "with --probes raw_syscalls)");
		line(fp, buf);
	}
	if (ev->nr[KT_ABI_I386] >= 0 || ev->nr[KT_ABI_ARM] >= 0) {
		snprintf(buf, sizeof(buf), "raw_syscalls filtered by the 32-bit syscall number "
			 "(32-bit tasks, without kprobes)");
		line(fp, buf);
	}
	for (unsigned int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "detail kprobe for the user-memory arguments on %s",
			 strcmp(fn[i], "@") ? fn[i] : "the syscall's entry function");
		line(fp, buf);
	}
}

static void text_line(FILE *fp, const char *s)
{
	fprintf(fp, "  - %s\n", s);
}

void kt_describe(FILE *fp, const struct kt_event_def *ev)
{
	char sets[256], origin[64];

	kt_sets_format(ev->sets, sets, sizeof(sets));
	fprintf(fp, "%s\n  %s\n\n", ev->name, ev->doc);
	if (kt_event_own_id(ev))
		fprintf(fp, "id:       %d (ktrail's own, every arch: Tracee's catalog has no "
			"such event)\n", ev->id_x86_64);
	else
		fprintf(fp, "id:       %d (x86_64), %d (arm64)\n", ev->id_x86_64, ev->id_arm64);
	fprintf(fp, "sets:     %s\n", sets);
	if (ev->flags & KT_EVF_NORETURN)
		fprintf(fp, "returns:  never (the kernel writes no exit): written at entry, "
			"complete, with no returnValue\n");
	if (ev->kind == KT_EV_SYSCALL)
		fprintf(fp, "syscall:  %s; number x86_64 %d, i386 %d, arm64 %d, arm %d (-1: none)\n",
			ev->tp, ev->nr[KT_ABI_X86_64], ev->nr[KT_ABI_I386], ev->nr[KT_ABI_ARM64],
			ev->nr[KT_ABI_ARM]);
	else if (ev->kind == KT_EV_KPROBE)
		fprintf(fp, "source:   kprobe on %s\n", ev->tp + 7);
	else
		fprintf(fp, "source:   tracepoint %s\n", ev->tp);
	fprintf(fp, "arguments:\n");
	fprintf(fp, "  %-16s %-26s %-14s %s\n", "NAME", "C TYPE", "TYPE", "ORIGIN");
	for (unsigned int i = 0; i < ev->nargs; i++) {
		const struct kt_arg_def *a = &ev->args[i];

		kt_origin_format(a->origin, origin, sizeof(origin));
		enum kt_fmt f = kt_arg_fmt(ev, i);

		fprintf(fp, "  %-16s %-26s %-14s %s%s%s%s%s%s\n", a->name, a->ctype,
			kt_type_name(a->type), origin,
			!a->extra ? "" : a->guard ? " (ktrail's own, read through " : " (ktrail's own)",
			a->extra && a->guard ? a->guard : "", a->extra && a->guard ? ")" : "",
			f != KT_FMT_NONE ? "; printed as " : "", f != KT_FMT_NONE ? kt_fmt_name(f) : "");
	}
	fprintf(fp, "  (%s)\n", origin_help);
	fprintf(fp, "recipes:\n");
	recipes(ev, text_line, fp);
}

/* roff text: a backslash and a leading dot or quote would be markup. */
static void roff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else
			fputc(*s, fp);
	}
}

static void man_line(FILE *fp, const char *s)
{
	fputs(".IP \\(bu 2\n", fp);
	roff(fp, s);
	fputc('\n', fp);
}

void kt_describe_man(FILE *fp, const char *version, const char *date)
{
	char sets[256], origin[64];

	fprintf(fp, ".\\\" SPDX-License-Identifier: GPL-2.0-or-later\n"
		".\\\" Generated from src/catalog/events.def by tools/gen_events_man: do not edit.\n"
		".TH KTRAIL-EVENTS 7 \"%s\" \"ktrail %s\" \"ktrail\"\n"
		".SH NAME\nktrail-events \\- the events ktrail traces\n"
		".SH DESCRIPTION\n"
		"Every event of this ktrail, from its catalog, with Tracee's names, ids and "
		"argument names.  The syscalls Tracee's catalog lacks have ktrail's own ids, "
		"20000 + the syscall number, and the argument names and C types of their "
		"tracepoint formats.  \\fBktrail describe\\fR \\fIEVENT\\fR prints the same card and "
		"what the running kernel would use; \\fBktrail check\\fR the recipes of a "
		"selection.  Origin tags: ", date, version);
	roff(fp, origin_help);
	fputs(".\n.SH EVENTS\n", fp);
	for (unsigned int e = 0; e < kt_nevents; e++) {
		const struct kt_event_def *ev = &kt_events[e];

		if (ev->kind == KT_EV_PSEUDO)
			continue;
		kt_sets_format(ev->sets, sets, sizeof(sets));
		fprintf(fp, ".SS %s\n", ev->name);
		roff(fp, ev->doc);
		if (kt_event_own_id(ev))
			fprintf(fp, ".\n.br\nid %d (ktrail's own, every arch); sets ",
				ev->id_x86_64);
		else
			fprintf(fp, ".\n.br\nid %d (x86_64), %d (arm64); sets ", ev->id_x86_64,
				ev->id_arm64);
		roff(fp, sets);
		if (ev->kind == KT_EV_SYSCALL)
			fprintf(fp, "; syscall %s (x86_64 %d, i386 %d, arm64 %d, arm %d).\n",
				ev->tp, ev->nr[KT_ABI_X86_64], ev->nr[KT_ABI_I386],
				ev->nr[KT_ABI_ARM64], ev->nr[KT_ABI_ARM]);
		else if (ev->kind == KT_EV_KPROBE)
			fprintf(fp, "; kprobe on %s.\n", ev->tp + 7);
		else
			fprintf(fp, "; tracepoint %s.\n", ev->tp);
		if (ev->flags & KT_EVF_NORETURN)
			fputs(".br\nNever returns (the kernel writes no exit): written at entry, "
			      "complete, with no returnValue.\n", fp);
		fputs(".TS\nl l l l.\nNAME\tC TYPE\tTYPE\tORIGIN\n", fp);
		for (unsigned int i = 0; i < ev->nargs; i++) {
			const struct kt_arg_def *a = &ev->args[i];

			kt_origin_format(a->origin, origin, sizeof(origin));
			fprintf(fp, "%s\t", a->name);
			roff(fp, a->ctype);
			fprintf(fp, "\t%s\t%s%s%s%s\n", kt_type_name(a->type), origin,
				a->extra ? " (ktrail's own)" : "",
				kt_arg_fmt(ev, i) != KT_FMT_NONE ? "; printed as " : "",
				kt_arg_fmt(ev, i) != KT_FMT_NONE ? kt_fmt_name(kt_arg_fmt(ev, i)) : "");
		}
		fputs(".TE\nRecipes:\n", fp);
		recipes(ev, man_line, fp);
		fputs(".PP\n", fp);
	}
	fputs(".SH SEE ALSO\n.BR ktrail (8)\n", fp);
}
