// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail report of a trace-cmd trace.dat: libtracecmd reads the file and
 * merges the CPUs; ktrail gives each event it knows its role (syscall
 * tracepoints, task and sched events) and decodes it as it would live.
 * Root gives way as in report.c: before libtracecmd reads the file when
 * there is no output file to open, else once the outputs are open (their
 * columns come from the file's formats), before its events are read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBTRACECMD
#include <trace-cmd.h>
#endif

#include "ktrail/util.h"
#include "session/session-local.h"

#define TRACEDAT_MAGIC "\x17\x08\x44tracing"

bool kt_is_tracedat(int fd)
{
	char h[10];

	return pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && !memcmp(h, TRACEDAT_MAGIC, 10);
}

#ifdef HAVE_LIBTRACECMD

static int tdat_event(struct tracecmd_input *h, struct tep_record *rec, int unused, void *arg)
{
	struct session *s = arg;
	int cpu = rec->cpu;

	(void)h;
	(void)unused;	/* not the CPU in the _multi iteration: rec->cpu is */
	if (cpu < 0 || cpu >= s->ncpus)
		return 0;
	if (rec->missed_events) {
		struct sess_cpu *c = &s->cpus[cpu];

		if (rec->missed_events > 0)
			c->ps.src.lost_stream += rec->missed_events;
		else
			c->ps.src.lost_unknown = true;
		sess_loss(s, cpu, rec->ts, rec->missed_events > 0 ? rec->missed_events : -1);
	}
	s->last_ts = rec->ts;
	sess_handle_event(s, cpu, rec->data, rec->size, rec->ts);
	return s->write_err ? -1 : 0;
}

static bool tdat_has(struct tep_handle *tep, const char *sys, const char *prefix, const char *name)
{
	char full[128];

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	return tep_find_event_by_name(tep, sys, full) != NULL;
}

/*
 * ktrail report of a trace-cmd trace.dat: libtracecmd reads the file and
 * merges the CPUs; ktrail gives each event it knows its role (syscall
 * tracepoints, task and sched events) and decodes it as it would live.
 */
static int report_tracedat(struct session *s, int fd, struct kt_selection *sel,
			   struct kt_session_result *res, char *err, size_t errlen)
{
	const struct kt_opts *ro = s->o;
	struct tracecmd_input *h;
	bool recorded[KT_MAX_EVENTS] = { false };
	struct tep_handle *tep;
	unsigned long long total = 0;
	int ret = KT_EXIT_ERROR;

	/* No output file to open: nothing of the file is read as root. */
	if (sess_report_user(s, err, errlen) < 0 ||
	    (!sess_report_files(ro) && sess_report_drop(s, err, errlen) < 0)) {
		close(fd);
		return KT_EXIT_ERROR;
	}
	h = tracecmd_open_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);	/* h has fd now */
	if (!h) {
		close(fd);
		snprintf(err, errlen, "%s: libtracecmd cannot read this trace.dat (truncated, "
			 "corrupt, or a version it does not know)", ro->report_path);
		return KT_EXIT_ERROR;
	}
	tep = tracecmd_get_tep(h);
	s->dec = tep ? kt_decoder_from_tep(tep) : NULL;
	s->proc = kt_proc_new(NULL);
	if (!s->dec || !s->proc) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	sess_lookup_events(s);
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];

		if (ev->kind == KT_EV_SYSCALL && ev->tp &&
		    tdat_has(tep, "syscalls", "sys_enter_", ev->tp) &&
		    tdat_has(tep, "syscalls", "sys_exit_", ev->tp))
			recorded[i] = true;
	}
	/* The lifecycle events: from their tracepoint (the catalog's "sys/name"). */
	for (unsigned int i = 0; i < kt_nevents; i++) {
		const struct kt_event_def *ev = &kt_events[i];
		const char *slash = ev->kind == KT_EV_TASK && ev->tp ? strchr(ev->tp, '/') : NULL;
		char sys[32];

		if (!slash)
			continue;
		snprintf(sys, sizeof(sys), "%.*s", (int)(slash - ev->tp), ev->tp);
		recorded[i] = tdat_has(tep, sys, "", slash + 1);
	}
	if (ro->info) {
		printf("trace.dat %s (trace-cmd): %d CPUs, %d-bit %s-endian kernel; events ktrail "
		       "reports from it:\n", ro->report_path, tep_get_cpus(tep),
		       8 * tep_get_long_size(tep), tep_is_file_bigendian(tep) ? "big" : "little");
		for (unsigned int i = 0; i < kt_nevents; i++)
			if (recorded[i])
				printf("  %s\n", kt_events[i].name);
		ret = KT_EXIT_OK;
		goto out;
	}
	if (sess_report_select(ro, recorded, sel, err, errlen) < 0) {
		ret = KT_EXIT_USAGE;
		goto out;
	}
	s->sel = sel;
	for (unsigned int i = 0; i < kt_nevents; i++)
		s->selected[i] = sel->on[i];
	s->want_fork = sel->on[s->ev_fork - kt_events];
	s->want_exec = sel->on[s->ev_exec - kt_events];
	s->want_exit = sel->on[s->ev_exit_task - kt_events];
	s->f.sched_exec = recorded[s->ev_exec - kt_events];
	s->plan.compat_abi = KT_ABI_NONE;
	s->ncpus = tep_get_cpus(tep) > 0 ? tep_get_cpus(tep) : 1;
	if (sess_cpus_alloc(s, s->ncpus) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (sess_outputs_open(s, err, errlen) < 0) {
		ret = sess_fail_status(s);
		goto out;
	}
	if (sess_report_drop(s, err, errlen) < 0)
		goto out;
	s->pair = kt_pairer_new(0, sess_emit_record, s);
	if (!s->pair) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	{
		/* trace-cmd record -B puts the events in an instance's buffer:
		 * every buffer, merged by time. */
		int nb = tracecmd_buffer_instances(h), n = 0;
		struct tracecmd_input **hs = calloc(nb + 1, sizeof(*hs));

		if (!hs) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		hs[n++] = h;
		for (int i = 0; i < nb; i++)
			if ((hs[n] = tracecmd_buffer_instance_handle(h, i)))
				n++;
		int rc = tracecmd_iterate_events_multi(hs, n, tdat_event, s);

		for (int i = 1; i < n; i++)
			tracecmd_close(hs[i]);
		free(hs);
		if (rc < 0 && !s->write_err) {
			snprintf(err, errlen, "%s: libtracecmd could not read all of this trace.dat "
				 "(truncated or corrupt): the rows before are written", ro->report_path);
			kt_pair_flush(s->pair);
			sess_outputs_close(s);
			goto out;
		}
	}
	kt_pair_flush(s->pair);
	sess_sort_flush(s);	/* --sort: the rest, before any count */
	for (int i = 0; i < s->ncpus; i++)
		total += s->cpus[i].ps.src.lost_stream;
	res->lost = total;
	if (!ro->quiet || total)
		fprintf(stderr, "ktrail: %llu records %s from %s (a trace-cmd trace.dat: its "
			"timestamps are the trace clock's), %llu events lost\n", s->records,
			s->write_err ? "decoded" : "written", ro->report_path, total);
	if (sess_outputs_finish(s, res, err, errlen) < 0) {
		ret = sess_fail_status(s);
		goto out;
	}
	ret = KT_EXIT_OK;
out:
	tracecmd_close(h);
	return ret;
}

#endif

int kt_cmd_report_tracedat(const struct kt_opts *o, int fd, struct kt_session_result *res,
			   char *err, size_t errlen)
{
#ifdef HAVE_LIBTRACECMD
	struct session *s = calloc(1, sizeof(*s));
	struct kt_selection *sel = malloc(sizeof(*sel));
	int ret;

	memset(res, 0, sizeof(*res));
	if (!s || !sel) {
		close(fd);
		free(s);
		free(sel);
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	s->o = o;
	s->sel = &o->sel;
	s->filter = o->filter;
	ret = report_tracedat(s, fd, sel, res, err, errlen);
	if (s->nouts)
		sess_outputs_close(s);
	free(s->cols);
	sess_rings_close(s);
	kt_pairer_free(s->pair);
	kt_proc_free(s->proc);
	kt_decoder_free(s->dec);
	free(sel);
	free(s);
	return ret;
#else
	(void)res;
	close(fd);
	snprintf(err, errlen, "%s is a trace-cmd trace.dat: this ktrail was built without "
		 "libtracecmd, which reads it (configure --with-libtracecmd)", o->report_path);
	return KT_EXIT_ERROR;
#endif
}
