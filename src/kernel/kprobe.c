// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating one run's kprobe events (the definitions the recipes made),
 * with the kernel's error_log when it rejects one, removing them, and
 * reading their hits and misses from kprobe_profile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/kernel.h"
#include "ktrail/util.h"

/*
 * The kernel's last error_log entry on one line: its message, and the
 * word of the command its caret points at.
 *   [   18.78] trace_kprobe: error: String accepts only memory argument
 *     Command: p:ktrail_275/sendto_d __sys_sendto dest_addr__path=...
 *                                                 ^
 */
static void kernel_error(char *buf, size_t len)
{
	char *log = tracefs_error_last(NULL), *msg, *cmd, *caret, *nl;
	int col = -1;

	buf[0] = '\0';
	if (!log)
		return;
	msg = strstr(log, "] ");
	msg = msg ? msg + 2 : log;
	nl = strchr(msg, '\n');
	cmd = nl ? strstr(nl, "Command: ") : NULL;
	if (cmd) {
		char *line = cmd, *end = strchr(cmd, '\n');

		while (line > log && line[-1] != '\n')
			line--;
		if (end && (caret = strchr(end + 1, '^')))
			col = (int)(caret - end - 1) - (int)(cmd + 9 - line);
		cmd += 9;
		if (end)
			*end = '\0';
	}
	if (nl)
		*nl = '\0';
	if (cmd && col >= 0 && col < (int)strlen(cmd))
		snprintf(buf, len, "%s (at '%.*s')", msg, (int)strcspn(cmd + col, " "), cmd + col);
	else
		snprintf(buf, len, "%s", msg);
	free(log);
}

int kt_probe_create(struct kt_probes *ps, const struct kt_probe_def *d, char *err, size_t errlen)
{
	struct tracefs_dynevent *dev, **n;
	char klog[512];
	int saved;

	n = realloc(ps->ev, (ps->n + 1) * sizeof(*n));
	if (!n)
		return -1;
	ps->ev = n;
	/* maxactive: the kernel's default (libtracefs 1.6 writes a
	 * malformed "rN::group/event" when one is given). */
	dev = d->ret ? tracefs_kretprobe_alloc(ps->group, d->event, d->symbol, d->fetch, 0)
		     : tracefs_kprobe_alloc(ps->group, d->event, d->symbol, d->fetch);
	if (!dev) {
		snprintf(err, errlen, "%s: %s", d->event, strerror(errno));
		return -1;
	}
	if (tracefs_dynevent_create(dev) < 0) {
		saved = errno;
		kernel_error(klog, sizeof(klog));
		snprintf(err, errlen, "the kernel rejected %s:%s/%s %s %s: %s%s%s",
			 d->ret ? "r" : "p", ps->group, d->event, d->symbol, d->fetch,
			 strerror(saved), klog[0] ? "; error_log: " : "", klog);
		tracefs_dynevent_free(dev);
		errno = saved;
		return -1;
	}
	ps->ev[ps->n++] = dev;
	return 0;
}

void kt_probes_forget(struct kt_probes *ps)
{
	for (unsigned int i = 0; i < ps->n; i++)
		tracefs_dynevent_free(ps->ev[i]);
	free(ps->ev);
	ps->ev = NULL;
	ps->n = 0;
	if (ps->profile_fd >= 0)
		close(ps->profile_fd);
	ps->profile_fd = -1;
	free(ps->start);
	ps->start = NULL;
	ps->nstart = 0;
}

int kt_probes_destroy(struct kt_probes *ps)
{
	int ret = 0;

	for (unsigned int i = ps->n; i-- > 0;)
		if (tracefs_dynevent_destroy(ps->ev[i], true) < 0)
			ret = -1;
	kt_probes_forget(ps);
	return ret;
}

int kt_probes_hold(struct kt_probes *ps, const struct kt_features *f)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/kprobe_profile", f->tracefs);
	ps->profile_fd = open(path, O_RDONLY | O_CLOEXEC);
	return ps->profile_fd < 0 ? -1 : 0;
}

/* The whole of a held file, from its start. */
static char *read_fd(int fd)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

void kt_profile_parse(char *text, const char *group,
		      void (*cb)(const char *event, unsigned long long hits,
				 unsigned long long missed, void *arg), void *arg)
{
	size_t glen = strlen(group);
	char *save = NULL;

	/* "  <group>/<event>   <hits>   <missed>" (older: "<event> ...") */
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[160];
		unsigned long long hits, missed;
		const char *ev;

		if (sscanf(line, " %159s %llu %llu", name, &hits, &missed) != 3)
			continue;
		ev = name;
		if (!strncmp(name, group, glen) && name[glen] == '/')
			ev = name + glen + 1;
		else if (strchr(name, '/'))
			continue;
		cb(ev, hits, missed, arg);
	}
}

unsigned long long kt_count_since(unsigned long long start, unsigned long long end)
{
	return end > start ? end - start : 0;
}

unsigned long long kt_probe_misses_owned(unsigned long long missed, unsigned long long holes)
{
	return missed < holes ? missed : holes;
}

unsigned long long kt_detail_holes(unsigned long long calls, unsigned long long no_enter,
				   unsigned long long detailed)
{
	unsigned long long entered = kt_count_since(no_enter, calls);

	return kt_count_since(detailed, entered);
}

static char *profile_text(const struct kt_features *f, const struct kt_probes *ps)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/kprobe_profile", f->tracefs);
	return ps->profile_fd >= 0 ? read_fd(ps->profile_fd) : kt_read_file(path, NULL);
}

static void mark_one(const char *event, unsigned long long hits, unsigned long long missed,
		     void *arg)
{
	struct kt_probes *ps = arg;
	struct kt_probe_count *n, *c;

	n = realloc(ps->start, (ps->nstart + 1) * sizeof(*n));
	if (!n)
		return;
	ps->start = n;
	c = &n[ps->nstart++];
	snprintf(c->event, sizeof(c->event), "%s", event);
	c->hits = hits;
	c->missed = missed;
}

int kt_probes_mark(const struct kt_features *f, struct kt_probes *ps)
{
	char *text = profile_text(f, ps);

	if (!text)
		return -1;
	free(ps->start);
	ps->start = NULL;
	ps->nstart = 0;
	kt_profile_parse(text, ps->group, mark_one, ps);
	free(text);
	return 0;
}

struct since_ctx {
	const struct kt_probes *ps;
	void (*cb)(const char *event, unsigned long long hits, unsigned long long missed,
		   void *arg);
	void *arg;
};

static void since_one(const char *event, unsigned long long hits, unsigned long long missed,
		      void *arg)
{
	struct since_ctx *c = arg;

	for (unsigned int i = 0; i < c->ps->nstart; i++) {
		const struct kt_probe_count *b = &c->ps->start[i];

		if (!strcmp(b->event, event)) {
			hits = kt_count_since(b->hits, hits);
			missed = kt_count_since(b->missed, missed);
			break;
		}
	}
	c->cb(event, hits, missed, c->arg);
}

int kt_probes_profile(const struct kt_features *f, const struct kt_probes *ps,
		      void (*cb)(const char *event, unsigned long long hits,
				 unsigned long long missed, void *arg), void *arg)
{
	struct since_ctx c = { ps, cb, arg };
	char *text = profile_text(f, ps);

	if (!text)
		return -1;
	kt_profile_parse(text, ps->group, since_one, &c);
	free(text);
	return 0;
}
