// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktrail: the command line.  The one place that prints errors and exits:
 * each mode of src/cmd/ returns an exit status and a message, and the
 * table below says how each is run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ktrail/cli.h"
#include "ktrail/cmd.h"
#include "ktrail/hooks.h"
#include "ktrail/kernel.h"

/* A traced command's own exit status wins over ktrail's. */
static int command_status(const struct kt_session_result *res)
{
	if (res->cmd_ran) {
		if (WIFEXITED(res->cmd_status))
			return WEXITSTATUS(res->cmd_status);
		if (WIFSIGNALED(res->cmd_status))
			return 128 + WTERMSIG(res->cmd_status);
	}
	return KT_EXIT_OK;
}

/* The KTRAIL_DEBUG_* and KTRAIL_TEST_* variables, checked before
 * anything is set up (hooks.h).  0, or an exit status. */
static int load_hooks(void)
{
	char err[1024] = "";

	if (kt_hooks_load(err, sizeof(err)) < 0) {
		fprintf(stderr, "ktrail: %s\n", err);
		return KT_EXIT_USAGE;
	}
	if (kt_hooks.ignored)
		fprintf(stderr, "ktrail: %.*s%s ignored: this ktrail is built without test hooks "
			"(ktrail --version)\n",
			(int)strcspn(kt_hooks.ignored_name, "="), kt_hooks.ignored_name,
			kt_hooks.ignored > 1 ? " and the other KTRAIL_TEST_* variables" : "");
	return 0;
}

static int run_trace(const struct kt_opts *o)
{
	struct kt_session_result res;
	char err[1024] = "";
	int rc;

	rc = load_hooks();
	if (rc)
		return rc;
	rc = (o->cmd == KT_CMD_RECORD ? kt_cmd_record : kt_cmd_trace)(o, &res, err, sizeof(err));
	if (rc != KT_EXIT_OK) {
		fprintf(stderr, "ktrail: %s\n", err[0] ? err : "failed");
		return rc;
	}
	return command_status(&res);
}

static int run_report(const struct kt_opts *o)
{
	struct kt_session_result res;
	char err[1024] = "";
	int rc = kt_cmd_report(o, &res, err, sizeof(err));

	if (rc != KT_EXIT_OK && err[0])
		fprintf(stderr, "ktrail: report: %s\n", err);
	return rc;
}

static int run_check(const struct kt_opts *o)
{
	char err[1024];
	int rc = load_hooks();

	/* The hooks too: KTRAIL_TEST_NO_SYSCALL_TP changes the plan. */
	if (rc)
		return rc;
	rc = kt_cmd_check(stdout, o, err, sizeof(err));

	if (rc != KT_EXIT_OK)
		fprintf(stderr, "ktrail: check: %s\n", err);
	return rc;
}

static int run_list(const struct kt_opts *o)
{
	struct kt_features f;

	(void)o;
	if (load_hooks())
		return KT_EXIT_USAGE;
	kt_cmd_list(stdout, kt_features_probe(&f) == 0 ? &f : NULL);
	return KT_EXIT_OK;
}

static int run_describe(const struct kt_opts *o)
{
	if (load_hooks())
		return KT_EXIT_USAGE;
	return kt_cmd_describe(stdout, o);
}

static int run_cleanup(const struct kt_opts *o)
{
	char err[1024] = "";
	int rc = kt_cmd_cleanup(stdout, err, sizeof(err));

	(void)o;
	if (err[0])
		fprintf(stderr, "ktrail: %s\n", err);
	return rc;
}

static int run_help(const struct kt_opts *o)
{
	(void)o;
	kt_cli_usage(stdout);
	return KT_EXIT_OK;
}

static int run_version(const struct kt_opts *o)
{
	(void)o;
	printf("ktrail %s\n", KT_VERSION);
	/* What a static build does without (configure --enable-static-binary). */
#ifdef KT_STATIC
	printf("linked: static (users from /etc/passwd and /etc/group, no NSS; no "
	       "libtraceevent plugins)\n");
#else
	printf("linked: dynamic\n");
#endif
	/* A test build reads the KTRAIL_TEST_* variables (hooks.h). */
#ifdef KT_TEST_HOOKS
	printf("test hooks: yes (KTRAIL_TEST_* variables are read: a test build, not for an "
	       "installed ktrail)\n");
#else
	printf("test hooks: no\n");
#endif
	return KT_EXIT_OK;
}

/* Each mode kt_cli_parse() can choose, and how it is run. */
static int (*const commands[])(const struct kt_opts *o) = {
	[KT_CMD_TRACE] = run_trace,
	[KT_CMD_RECORD] = run_trace,
	[KT_CMD_REPORT] = run_report,
	[KT_CMD_LIST] = run_list,
	[KT_CMD_CLEANUP] = run_cleanup,
	[KT_CMD_CHECK] = run_check,
	[KT_CMD_DESCRIBE] = run_describe,
	[KT_CMD_HELP] = run_help,
	[KT_CMD_VERSION] = run_version,
};

int main(int argc, char **argv)
{
	static struct kt_opts o;
	char err[1024];
	int rc;

	if (kt_cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "ktrail: %s\nTry 'ktrail --help' for more information.\n", err);
		return KT_EXIT_USAGE;
	}
	rc = commands[o.cmd](&o);
	kt_cli_free(&o);
	return rc;
}
