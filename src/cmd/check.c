// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail check and ktrail list: the plan for this kernel, printed.
 * Nothing is created in the kernel.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/idfilter.h"
#include "session/session-local.h"

/* One line: how @e is produced here. */
static void recipe_text(const struct kt_plan *plan, const struct kt_plan_entry *e,
			char *buf, size_t len)
{
	const char *native = e->recipe == KT_R_SYSCALL_TP ? "syscall tracepoints" :
			     e->recipe == KT_R_KPROBE ? "kprobes" :
			     e->recipe == KT_R_TASK_TP ? e->ev->tp :
			     e->recipe == KT_R_RAW_SYSCALLS ? "raw_syscalls" : NULL;
	const char *compat = e->compat_kprobe ? "kprobes" : e->compat ? "raw_syscalls" : NULL;
	bool detail = false;

	for (unsigned int j = 0; j < e->nprobes; j++)
		if (e->probes[j].role == KT_PR_DETAIL || e->probes[j].reads_user)
			detail = true;
	if (native && compat)
		snprintf(buf, len, "yes: %s; %s tasks via %s%s", native,
			 kt_abi_name(plan->compat_abi), compat,
			 detail ? "; user memory via kprobes" : "");
	else if (native)
		snprintf(buf, len, "yes: %s%s", native, detail ? "; user memory via kprobes" : "");
	else if (compat)
		snprintf(buf, len, "yes: only from 32-bit %s tasks, via %s%s",
			 kt_abi_name(plan->compat_abi), compat,
			 detail ? "; user memory via kprobes" : "");
	else
		snprintf(buf, len, "no: %s", e->why);
}

int kt_cmd_check(FILE *fp, const struct kt_opts *o, char *err, size_t errlen)
{
	struct kt_features f;
	struct kt_plan plan = { 0 };
	unsigned int nsyms = 0;
	char feats[256], buf[512], idf[KT_KFILTER_MAX];
	enum kt_idfilter_form form;
	int r;

	if (kt_features_probe(&f) < 0)
		return sess_features_error(err, errlen);
	r = sess_plan_all(&f, &o->sel, o->compat, o->probes, &plan, &nsyms, err, errlen);
	if (r)
		return r;
	kt_probe_feats_format(&f.probe, feats, sizeof(feats));
	fprintf(fp, "tracefs:        %s\n", f.tracefs);
	fprintf(fp, "arch:           %s (tasks: %s%s%s)\n", kt_abi_name(kt_abi_native()),
		kt_abi_name(plan.native), plan.compat_abi != KT_ABI_NONE ? ", 32-bit " : "",
		plan.compat_abi != KT_ABI_NONE ? kt_abi_name(plan.compat_abi) : "");
	fprintf(fp, "32-bit tasks:   %s\n", f.compat_why[0] ? f.compat_why : "-");
	fprintf(fp, "syscall tracepoints: %s; raw_syscalls: %s\n", f.syscalls ? "yes" : "no",
		f.raw_syscalls ? "yes" : "no");
	/* The kernel filter on the numbers of the calls raw_syscalls brings:
	 * 32-bit tasks', native ones' where it is their recipe. */
	if (plan.compat && plan.raw_native)
		snprintf(buf, sizeof(buf), "%s and %s", kt_abi_name(plan.native),
			 kt_abi_name(plan.compat_abi));
	else
		snprintf(buf, sizeof(buf), "%s", kt_abi_name(plan.raw_native ? plan.native :
							     plan.compat_abi));
	r = kt_idfilter_plan(&plan, idf, sizeof(idf), &form);
	if (r > 0)
		fprintf(fp, "raw_syscalls filter: %s of the %s numbers, %d bytes\n",
			kt_idfilter_form_name(form), buf, r);
	else if (r < 0)
		fprintf(fp, "raw_syscalls filter: none: the %s numbers fit in no kernel filter "
			"(%d bytes at most); user space drops the calls not selected\n",
			buf, KT_KFILTER_MAX - 1);
	/* When raw_syscalls goes on (enable.c, lazy_raw_syscalls). */
	if (plan.raw_native)
		fprintf(fp, "raw_syscalls on: from the start (native tasks' calls%s)\n",
			plan.compat ? ", and 32-bit tasks': the task's ABI tells them apart" : "");
	else if (plan.compat)
		fprintf(fp, "raw_syscalls on: %s\n", o->compat == KT_COMPAT_ON ?
			"from the start (--compat on)" :
			"once a 32-bit task appears (one running at the start, or at its exec: "
			"its first syscalls before that are not traced)");
	fprintf(fp, "probe features: %s\n", feats);
	if (f.probe.kprobe_events && o->probes != KT_PROBES_TRACEPOINT)
		fprintf(fp, "symbols:        %u of the recipes' functions in /proc/kallsyms\n", nsyms);
	if (f.probe.kprobe_events && !f.probe.uderef)
		fprintf(fp, "note:           no ustring/+u: user memory is read as kernel memory, "
			"which works on x86 only\n");
	for (unsigned int i = 0; i < plan.n; i++) {
		const struct kt_plan_entry *e = &plan.e[i];

		recipe_text(&plan, e, buf, sizeof(buf));
		fprintf(fp, "\n%s: %s\n", e->ev->name, buf);
		if (e->recipe == KT_R_SYSCALL_TP)
			fprintf(fp, "  tracepoints  syscalls/sys_enter_%s syscalls/sys_exit_%s\n",
				e->ev->tp, e->ev->tp);
		if (e->recipe == KT_R_RAW_SYSCALLS)
			fprintf(fp, "  tracepoints  raw_syscalls/sys_enter raw_syscalls/sys_exit "
				"(id == %d, %s tasks)\n", e->ev->nr[plan.native],
				kt_abi_name(plan.native));
		if (e->compat)
			fprintf(fp, "  tracepoints  raw_syscalls/sys_enter raw_syscalls/sys_exit "
				"(id == %d, 32-bit tasks)\n", e->ev->nr[plan.compat_abi]);
		for (unsigned int j = 0; j < e->nprobes; j++) {
			const struct kt_probe_def *d = &e->probes[j];

			fprintf(fp, "  %s:ktrail_PID/%s %s %s\n", d->ret ? "r" : "p", d->event,
				d->symbol, d->fetch);
		}
		if (e->notes[0])
			fprintf(fp, "  not used: %s\n", e->notes);
		if (e->why[0] && (e->recipe != KT_R_NONE || e->compat || e->compat_kprobe))
			fprintf(fp, "  not used: %s\n", e->why);
	}
	kt_plan_free(&plan);
	return KT_EXIT_OK;
}

/* The syscall tracepoints of this kernel that no event of the catalog
 * reads (a kernel newer than ktrail): named, so that their calls are not
 * missed without a word. */
static void list_uncataloged(FILE *fp, const char *tracefs)
{
	char path[4096];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/syscalls", tracefs);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *tp = de->d_name + 10;
		bool known = false;

		if (strncmp(de->d_name, "sys_enter_", 10))
			continue;
		for (unsigned int i = 0; i < kt_nevents && !known; i++)
			known = kt_events[i].kind == KT_EV_SYSCALL && !strcmp(kt_events[i].tp, tp);
		if (known)
			continue;
		fprintf(fp, "%s%s", n++ ? ", " : "\nsyscall tracepoints of this kernel with no event "
			"(ktrail does not trace them): ", tp);
	}
	closedir(d);
	if (n)
		fputc('\n', fp);
}

void kt_cmd_list(FILE *fp, const struct kt_features *f)
{
	struct kt_plan plan = { 0 };
	char sets[256];

	char err[256];

	if (f && sess_plan_all(f, NULL, KT_COMPAT_AUTO, KT_PROBES_AUTO, &plan, NULL, err, sizeof(err)))
		f = NULL;
	fprintf(fp, "%-28s %-5s %-6s %-44s %s\n", "EVENT", "ID", "FROM", "SETS",
		f ? "ON THIS KERNEL" : "");
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];
		const char *how = "";
		char buf[512] = "";

		if (ev->kind == KT_EV_PSEUDO)
			continue;
		kt_sets_format(ev->sets, sets, sizeof(sets));
		for (unsigned int j = 0; j < plan.n; j++) {
			const struct kt_plan_entry *e = &plan.e[j];

			if (e->ev != ev)
				continue;
			recipe_text(&plan, e, buf, sizeof(buf));
			how = buf;
		}
		fprintf(fp, "%-28s %-5d %-6s %-44s %s\n", ev->name, kt_event_id(ev),
			kt_event_own_id(ev) ? "ktrail" : "tracee", sets, how);
	}
	fprintf(fp, "\nFROM: tracee, Tracee's event and id; ktrail, a syscall Tracee's catalog "
		"lacks, with ktrail's own id (20000 + its number)\n");
	if (f)
		list_uncataloged(fp, f->tracefs);
	fprintf(fp, "\nSETS (and 'all'; a word such as open* is a pattern over event names):\n");
	for (unsigned int i = 0; i < KT_NSETS; i++) {
		unsigned int n = 0;

		for (unsigned int j = 0; j < kt_nevents; j++)
			n += !!(kt_events[j].sets & (1ull << i));
		fprintf(fp, "  %-16s %4u  %s\n", kt_set_name_at(i), n, kt_set_doc_at(i));
	}
	if (!f)
		fprintf(fp, "(tracefs not readable: run as root to see what this kernel supports)\n");
	kt_plan_free(&plan);
}
