// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Setting a trace up: may this process trace, what the kernel offers,
 * the trace clock, the plan, the decoder for this kernel's sub-buffers;
 * and at the end of setup, the guard that keeps root for the cleanup and
 * the drop of every privilege.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ktrail/hooks.h"
#include "ktrail/util.h"
#include "session-local.h"

int sess_features_error(char *err, size_t errlen)
{
	if (errno == ENOENT) {
		snprintf(err, errlen,
			 "no tracefs: this kernel has no tracing support (CONFIG_FTRACE) "
			 "or it cannot be mounted at /sys/kernel/tracing");
		return KT_EXIT_UNSUPPORTED;
	}
	if (errno == EACCES || errno == EPERM) {
		snprintf(err, errlen,
			 "permission denied on tracefs: ktrail needs root "
			 "(CAP_SYS_ADMIN and access to /sys/kernel/tracing)");
		return KT_EXIT_ERROR;
	}
	snprintf(err, errlen, "tracefs: %s", strerror(errno));
	return KT_EXIT_ERROR;
}

/*
 * The plan for @o on this kernel, kprobes included.  Returns 0, or an
 * exit status with @err set.
 */
int sess_plan_all(const struct kt_features *f, const struct kt_selection *sel,
		    enum kt_compat_mode compat, enum kt_probes_mode probes, struct kt_plan *plan,
		    unsigned int *nsyms, char *err, size_t errlen)
{
	struct kt_symset *syms = NULL;
	struct kt_probe_env env;
	int r;

	if (kt_plan_make(f, sel, compat, plan) < 0) {
		snprintf(err, errlen, "out of memory");
		return KT_EXIT_ERROR;
	}
	if (probes != KT_PROBES_TRACEPOINT && f->probe.kprobe_events)
		syms = kt_kallsyms_load(kt_abi_native());
	if (nsyms)
		*nsyms = kt_symset_count(syms);
	env = (struct kt_probe_env){ kt_abi_native(), plan->native, plan->compat_abi,
				     &f->probe, syms };
	r = kt_plan_probes(plan, &env, probes, err, errlen);
	kt_symset_free(syms);
	if (r < 0) {
		kt_plan_free(plan);
		return errno == EOPNOTSUPP ? KT_EXIT_UNSUPPORTED : KT_EXIT_ERROR;
	}
	return 0;
}

/*
 * Who may trace, what this kernel offers, the clock and the plan.
 * Returns 0, or an exit status with @err set (nothing is created yet).
 */
int sess_setup(struct session *s, char *err, size_t errlen)
{
	const struct kt_opts *o = s->o;
	int ret;

	if (geteuid() != 0 && access("/sys/kernel/tracing/instances", W_OK) < 0) {
		snprintf(err, errlen,
			 "permission denied: ktrail needs root (CAP_SYS_ADMIN and write access "
			 "to /sys/kernel/tracing)");
		return KT_EXIT_ERROR;
	}
	{
		bool mounted = access("/sys/kernel/tracing/README", F_OK) == 0 ||
			       access("/sys/kernel/debug/tracing/README", F_OK) == 0;
		char why[600];

		if (kt_priv_check(!mounted, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "ktrail cannot run with this process's privileges: %s",
				 why);
			return KT_EXIT_ERROR;
		}
		if (!o->user) {
			kt_priv_default_user(&s->uid, &s->gid);
		} else if (kt_priv_user(o->user, &s->uid, &s->gid, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "--user: %s", why);
			return KT_EXIT_ERROR;
		}
	}
	if (kt_features_probe(&s->f) < 0)
		return sess_features_error(err, errlen);
	/*
	 * The trace clock: trace's default is the best synchronised one
	 * (rows in wall-clock time, exact across CPUs); record's is local,
	 * the cheapest to read per event (trace-cmd's default: on this
	 * project's VM the boot clock costs the IPC workload 8% more).
	 */
	{
		const char *want = o->clock ? o->clock : !s->mode->decodes ? "local" : NULL;
		char list[256] = "";

		if (want && !kt_features_has_clock(&s->f, want, list, sizeof(list))) {
			if (o->clock) {
				snprintf(err, errlen, "--clock %s: this kernel has no such trace clock "
					 "(it has: %s)", want, list[0] ? list : "none");
				return KT_EXIT_UNSUPPORTED;
			}
		} else if (want) {
			snprintf(s->f.clock, sizeof(s->f.clock), "%s", want);
		}
	}
	ret = sess_plan_all(&s->f, s->sel, o->compat, o->probes, &s->plan, NULL, err, errlen);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < s->plan.n; i++) {
		const struct kt_plan_entry *e = &s->plan.e[i];

		if (e->recipe != KT_R_NONE || e->compat || e->compat_kprobe)
			s->usable++;
		else if (s->sel->named[e->ev - kt_events])
			fprintf(stderr, "ktrail: %s cannot be traced on this kernel: %s\n",
				e->ev->name, e->why);
		else
			s->unusable++;
	}
	if (!s->usable) {
		snprintf(err, errlen, "none of the events of -e %s can be traced on this kernel",
			 o->events);
		return KT_EXIT_UNSUPPORTED;
	}
	return 0;
}

/*
 * The decoder for this kernel's sub-buffers: their header, and the
 * kernel's word size (a 32-bit ktrail may trace a 64-bit kernel).
 */
int sess_decoder(struct session *s, char *err, size_t errlen)
{
	char path[512];
	size_t len;
	char *hp;

	snprintf(path, sizeof(path), "%s/events/header_page", s->f.tracefs);
	hp = kt_read_file(path, &len);
	if (!hp) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	s->dec = kt_decoder_new(kt_header_page_long_size(hp), false);
	if (s->dec && kt_decoder_header_page(s->dec, hp, len) < 0) {
		snprintf(err, errlen, "cannot parse %s", path);
		free(hp);
		return -1;
	}
	if (!s->mode->keep_header_page || !s->mode->keep_header_page(s, hp, len))
		free(hp);
	if (!s->dec) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int sess_clock_setup(struct session *s)
{
	struct timespec rt, ck;

	if (!strcmp(s->f.clock, "boot"))
		s->clock_id = CLOCK_BOOTTIME;
	else if (!strcmp(s->f.clock, "mono"))
		s->clock_id = CLOCK_MONOTONIC;
	else
		s->clock_id = CLOCK_MONOTONIC;	/* local/global: close to it */
	s->clock_known = !strcmp(s->f.clock, "boot") || !strcmp(s->f.clock, "mono");
	if (clock_gettime(CLOCK_REALTIME, &rt) < 0 || clock_gettime(s->clock_id, &ck) < 0)
		return -1;
	s->epoch = ((int64_t)rt.tv_sec - ck.tv_sec) * 1000000000ll + (rt.tv_nsec - ck.tv_nsec);
	return 0;
}

unsigned long long sess_clock_now(const struct session *s)
{
	struct timespec ts;

	if (!s->clock_known || clock_gettime(s->clock_id, &ts) < 0)
		return ~0ull;
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * In the guard, once ktrail is gone: remove its instance, kprobes and lock
 * file by name.  The guard is forked right after the instance is made,
 * before any buffer or output is open: it holds nothing that keeps the
 * instance busy.  A process killed by SIGKILL may still be closing its
 * trace files when the guard wakes: kt_remove_run tries again, a while.
 */
static int guard_cleanup(void *arg)
{
	struct session *s = arg;

	if (kt_remove_run(&s->f, s->in.name) == 0)
		return 0;
	fprintf(stderr, "ktrail-guard: cannot remove instance %s or its kprobes: %s (gave up "
		"after %d tries in %d s; 'ktrail cleanup' removes them)\n", s->in.name,
		strerror(errno), KT_REMOVE_TRIES, KT_REMOVE_SECONDS);
	return -1;
}

/*
 * Setup is done: keep open what the trace still needs, leave the cleanup
 * to the guard, and give up root (priv.h).
 */
int sess_drop_privileges(struct session *s, char *err, size_t errlen)
{
	if (kt_instance_hold(&s->in, s->f.ncpus) < 0) {
		snprintf(err, errlen, "cannot hold %s/tracing_on open: %s", s->in.dir,
			 strerror(errno));
		return -1;
	}
	if (s->probes.n && kt_probes_hold(&s->probes, &s->f) < 0) {
		snprintf(err, errlen, "cannot hold kprobe_profile open: %s", strerror(errno));
		return -1;
	}
	if (kt_priv_drop(s->uid, s->gid, err, errlen) < 0)
		return -1;
	s->dropped = true;
	/* Test hook (tests/live/privileges.sh): try to open a file now. */
	if (KT_TEST(open_after_drop)) {
		const char *path = KT_TEST(open_after_drop);
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		fprintf(stderr, "ktrail: test: open %s after the drop: %s\n", path,
			fd < 0 ? strerror(errno) : "opened");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/*
 * ktrail report needs no privilege (priv.h).  First, while it may still
 * be root: who it becomes, the ktrail user, nobody or --user (as for a
 * trace: kt_priv_default_user).  Not root, --user may only name this user.
 * Returns 0, or -1 with @err.
 */
int sess_report_user(struct session *s, char *err, size_t errlen)
{
	const char *name = s->o->user;
	char why[300];

	if (geteuid() != 0) {
		s->uid = geteuid();
		s->gid = getegid();
		if (!name)
			return 0;
		if (kt_priv_user(name, &s->uid, &s->gid, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "--user: %s", why);
			return -1;
		}
		if (s->uid != geteuid()) {
			snprintf(err, errlen, "--user %s: only root can become another user (this "
				 "is uid %d)", name, (int)geteuid());
			return -1;
		}
		return 0;
	}
	if (!name) {
		kt_priv_default_user(&s->uid, &s->gid);
		return 0;
	}
	if (kt_priv_user(name, &s->uid, &s->gid, why, sizeof(why)) == 0)
		return 0;
	snprintf(err, errlen, "--user: %s", why);
	return -1;
}

/* Whether a report opens output files by name (else it may drop before
 * it reads anything). */
bool sess_report_files(const struct kt_opts *o)
{
	if (o->info)
		return false;	/* --info writes to standard output only */
	for (unsigned int i = 0; i < o->noutputs; i++)
		if (o->outputs[i].path)
			return true;
	return false;
}

/*
 * Then, once its input and outputs are open: root becomes that user with
 * no capability, no supplementary group and no_new_privs; anyone else
 * clears what capabilities it has and sets no_new_privs.  No core file
 * (it would hold the recording).  Once only.  Returns 0, or -1 with @err.
 */
bool kt_report_in_process;

int sess_report_drop(struct session *s, char *err, size_t errlen)
{
	static const struct rlimit none = { 0, 0 };

	if (s->dropped)
		return 0;
	if (kt_report_in_process)
		return 0;
	if (geteuid() == 0 ? kt_priv_drop_all(s->uid, s->gid, err, errlen) :
			     kt_priv_shed(err, errlen))
		return -1;
	if (setrlimit(RLIMIT_CORE, &none) < 0) {
		snprintf(err, errlen, "cannot set a resource limit: %s", strerror(errno));
		return -1;
	}
	s->dropped = true;
	return 0;
}

/* The guard that keeps root for the cleanup (sess_drop_privileges). */
int sess_guard_start(struct session *s)
{
	/* The guard holds the run's lock too: it lives until the guard is
	 * done (kernel.h). */
	return kt_guard_start(&s->guard, &s->in.lock_fd, s->in.lock_fd >= 0, guard_cleanup, s);
}
