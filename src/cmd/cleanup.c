// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail cleanup: remove the instances, kprobes and lock files of ktrail
 * runs that are over (kt_cleanup_stale: nobody holds their lock; never a
 * live run's, whatever its process name or pid namespace).  What could
 * not be removed is said as it comes (err stays empty): exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ktrail/cmd.h"
#include "ktrail/kernel.h"

struct cleanup_ctx {
	FILE *fp;
	unsigned int failed;
};

static void cleanup_report(const char *name, int err, void *arg)
{
	struct cleanup_ctx *c = arg;

	if (err) {
		/* Each as it comes, among the lines of what was removed. */
		fprintf(stderr, "ktrail: cannot remove %s: %s\n", name, strerror(err));
		c->failed++;
	} else {
		fprintf(c->fp, "removed stale %s%s\n", strncmp(name, "probe ", 6) ? "instance " : "",
			name);
	}
}

int kt_cmd_cleanup(FILE *fp, char *err, size_t errlen)
{
	struct cleanup_ctx c = { .fp = fp };
	struct kt_features f;
	int n;

	if (kt_features_probe(&f) < 0) {
		snprintf(err, errlen, "cleanup: tracefs: %s%s", strerror(errno),
			 errno == EACCES || errno == EPERM ? " (run as root)" : "");
		return KT_EXIT_ERROR;
	}
	n = kt_cleanup_stale(&f, cleanup_report, &c);
	if (n < 0) {
		snprintf(err, errlen, "cleanup: %s/instances: %s", f.tracefs, strerror(errno));
		return KT_EXIT_ERROR;
	}
	if (!n && !c.failed)
		fprintf(fp, "nothing to clean up\n");
	return c.failed ? KT_EXIT_ERROR : KT_EXIT_OK;
}
