// SPDX-License-Identifier: GPL-2.0-or-later
/* ktrail: the command line.  The one place that prints errors and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ktrail/cli.h"
#include "ktrail/describe.h"
#include "ktrail/kernel.h"
#include "ktrail/session.h"

static void cleanup_report(const char *name, int err, void *arg)
{
	int *failed = arg;

	if (err) {
		fprintf(stderr, "ktrail: cannot remove %s: %s\n", name, strerror(err));
		(*failed)++;
	} else {
		printf("removed stale %s%s\n", strncmp(name, "probe ", 6) ? "instance " : "", name);
	}
}

static int cmd_cleanup(void)
{
	struct kt_features f;
	int failed = 0, n;

	if (kt_features_probe(&f) < 0) {
		fprintf(stderr, "ktrail: cleanup: tracefs: %s%s\n", strerror(errno),
			errno == EACCES || errno == EPERM ? " (run as root)" : "");
		return KT_EXIT_ERROR;
	}
	n = kt_cleanup_stale(&f, cleanup_report, &failed);
	if (n < 0) {
		fprintf(stderr, "ktrail: cleanup: %s/instances: %s\n", f.tracefs, strerror(errno));
		return KT_EXIT_ERROR;
	}
	if (!n && !failed)
		printf("nothing to clean up\n");
	return failed ? KT_EXIT_ERROR : KT_EXIT_OK;
}

static int run(struct kt_opts *op)
{
	struct kt_opts o = *op;
	struct kt_session_result res;
	struct kt_features f;
	char err[1024];
	int rc;

	switch (o.cmd) {
	case KT_CMD_HELP:
		kt_cli_usage(stdout);
		return KT_EXIT_OK;
	case KT_CMD_VERSION:
		printf("ktrail %s\n", KT_VERSION);
		return KT_EXIT_OK;
	case KT_CMD_LIST:
		kt_session_list(stdout, kt_features_probe(&f) == 0 ? &f : NULL);
		return KT_EXIT_OK;
	case KT_CMD_CLEANUP:
		return cmd_cleanup();
	case KT_CMD_DESCRIBE:
		for (char **name = o.argv; *name; name++) {
			const struct kt_event_def *ev = kt_event_by_name(*name);
			struct kt_opts one = o;

			if (name != o.argv)
				printf("\n");
			kt_describe(stdout, ev);
			printf("\non this kernel (ktrail check -e %s):\n", ev->name);
			memset(&one.sel, 0, sizeof(one.sel));
			one.sel.on[ev - kt_events] = one.sel.named[ev - kt_events] = true;
			one.sel.count = 1;
			fflush(stdout);
			if (kt_session_check(stdout, &one, err, sizeof(err)) != KT_EXIT_OK)
				printf("  (cannot tell: %s)\n", err);
		}
		return KT_EXIT_OK;
	case KT_CMD_CHECK:
		rc = kt_session_check(stdout, &o, err, sizeof(err));
		if (rc != KT_EXIT_OK)
			fprintf(stderr, "ktrail: check: %s\n", err);
		return rc;
	case KT_CMD_REPORT:
		err[0] = '\0';
		rc = kt_session_report(&o, &res, err, sizeof(err));
		if (rc != KT_EXIT_OK && err[0])
			fprintf(stderr, "ktrail: report: %s\n", err);
		return rc;
	case KT_CMD_TRACE:
	case KT_CMD_RECORD:
		break;
	}
	err[0] = '\0';
	rc = kt_session_run(&o, &res, err, sizeof(err));
	if (rc != KT_EXIT_OK) {
		fprintf(stderr, "ktrail: %s\n", err[0] ? err : "failed");
		return rc;
	}
	if (res.cmd_ran) {
		if (WIFEXITED(res.cmd_status))
			return WEXITSTATUS(res.cmd_status);
		if (WIFSIGNALED(res.cmd_status))
			return 128 + WTERMSIG(res.cmd_status);
	}
	return KT_EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct kt_opts o;
	char err[1024];
	int rc;

	if (kt_cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "ktrail: %s\nTry 'ktrail --help' for more information.\n", err);
		return KT_EXIT_USAGE;
	}
	rc = run(&o);
	kt_cli_free(&o);
	return rc;
}
