// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's pids from inside a pid namespace.  The kernel's pid filter
 * (set_event_pid, set_event_notrace_pid) and every event's common_pid
 * hold a task's pid in the initial namespace; a ktrail in a container
 * knows its own pid, and its command's, in its namespace only, and no
 * system call maps one to the other.  The trace itself does: a line
 * written to the instance's trace_marker is recorded with its writer's
 * kernel pid, which the instance's text output shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrail/kernel.h"

/* The initial pid namespace's inode number (PROC_PID_INIT_INO). */
#define PID_INIT_INO 0xEFFFFFFCUL

bool kt_pidns_is_init(void)
{
	struct stat st;

	/* Without /proc nothing tells: the marker will. */
	if (stat("/proc/self/ns/pid", &st) < 0)
		return false;
	return (unsigned long)st.st_ino == PID_INIT_INO;
}

pid_t kt_proc_self_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	char *end;
	long v;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return *end || v <= 0 ? -1 : (pid_t)v;
}

/*
 * One line of the trace text:
 *   "  <comm>-<pid>  [(<tgid>)] [<cpu>] <flags> <ts>: tracing_mark_write: <text>"
 * The comm may hold anything, '[' and '-' included, but nothing after the
 * CPU's bracket holds a '[': the pid ends before the last one.
 */
static int line_pid(const char *line, size_t len, pid_t *pid)
{
	const char *p = line + len;
	long v = 0, mul = 1;
	int digits = 0;

	while (p > line && p[-1] != '[')
		p--;
	if (p == line)
		return -1;
	p--;			/* at the '[' */
	while (p > line && p[-1] == ' ')
		p--;
	if (p > line && p[-1] == ')') {	/* record-tgid's "(tgid)" */
		while (p > line && p[-1] != '(')
			p--;
		if (p == line)
			return -1;
		p--;
		while (p > line && p[-1] == ' ')
			p--;
	}
	while (p > line && p[-1] >= '0' && p[-1] <= '9' && digits < 10) {
		v += (p[-1] - '0') * mul;
		mul *= 10;
		digits++;
		p--;
	}
	if (!digits || p == line || p[-1] != '-' || v <= 0 || v > 0x7fffffffL)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

int kt_marker_pid(const char *text, const char *tag, pid_t *pid)
{
	static const char mark[] = ": tracing_mark_write: ";
	size_t tl = strlen(tag);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *m = NULL;

		/* The last ": tracing_mark_write: " of the line is the one
		 * before the text (a comm could hold one too). */
		for (const char *q = l; (q = memmem(q, len - (q - l), mark, sizeof(mark) - 1));
		     q++)
			m = q;
		if (l[0] != '#' && m && (size_t)(l + len - (m + sizeof(mark) - 1)) == tl &&
		    !memcmp(m + sizeof(mark) - 1, tag, tl) && line_pid(l, m - l, pid) == 0)
			return 0;
		l = nl ? nl + 1 : NULL;
	}
	errno = ENOENT;
	return -1;
}

int kt_instance_marker_open(struct kt_instance *in)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/trace_marker", in->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* No event is on yet: the markers are all the buffer gets. */
	if (kt_instance_tracing(in, true) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

char *kt_instance_marker_close(struct kt_instance *in, int fd)
{
	char *text;
	int e;

	close(fd);
	if (kt_instance_tracing(in, false) < 0)
		return NULL;
	text = tracefs_instance_file_read(in->ti, "trace", NULL);
	e = errno;
	/* Empty the buffer again: the trace starts from nothing. */
	if (tracefs_instance_file_write(in->ti, "trace", "") < 0) {
		e = errno;
		free(text);
		text = NULL;
	}
	if (!text)
		errno = e ? e : EIO;
	return text;
}
