// SPDX-License-Identifier: GPL-2.0-or-later
/* Option parsing: accepted forms and the exact messages for bad ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ktrail/cli.h"
#include "ktrail/recfile.h"
#include "ktrail/filter.h"

static int parse(struct kt_opts *o, char *err, const char *const *args)
{
	static char store[32][128];
	static char *argv[33];
	static struct kt_filter *last;	/* the previous parse's, freed now */
	int argc = 0, r;

	kt_filter_free(last);
	last = NULL;
	for (; args[argc]; argc++) {
		snprintf(store[argc], sizeof(store[argc]), "%s", args[argc]);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	r = kt_cli_parse(argc, argv, o, err, 256);
	if (r == 0)
		last = o->filter;
	return r;
}

#define PARSE(o, err, ...) parse(o, err, (const char *const[]){ "ktrail", __VA_ARGS__, NULL })

static void test_defaults(void **state)
{
	struct kt_opts o;
	char err[256];

	assert_int_equal(parse(&o, err, (const char *const[]){ "ktrail", NULL }), 0);
	assert_int_equal(o.cmd, KT_CMD_TRACE);
	assert_string_equal(o.events, KT_DEFAULT_EVENTS);
	assert_int_equal(o.sel.count, 18);
	assert_int_equal(o.noutputs, 1);
	assert_string_equal(o.outputs[0].format, "table");
	assert_null(o.outputs[0].path);
	assert_int_equal(o.reader, KT_READER_AUTO);
	assert_int_equal(o.probes, KT_PROBES_AUTO);
	assert_null(o.argv);
	assert_int_equal(o.npids, 0);
}

static void test_full_command(void **state)
{
	struct kt_opts o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "-e", "msgsnd,mq_open,sendmsg", "-o", "csv:out.csv",
			       "-o", "json", "--reader", "read", "--buffer-size", "1024", "--",
			       "./prog", "-x", "arg"), 0);
	assert_int_equal(o.sel.count, 3);
	assert_int_equal(o.noutputs, 2);
	assert_string_equal(o.outputs[0].format, "csv");
	assert_string_equal(o.outputs[0].path, "out.csv");
	assert_string_equal(o.outputs[1].format, "json");
	assert_null(o.outputs[1].path);
	assert_int_equal(o.reader, KT_READER_READ);
	assert_int_equal(o.buffer_kb, 1024);
	assert_non_null(o.argv);
	assert_string_equal(o.argv[0], "./prog");
	assert_string_equal(o.argv[1], "-x");	/* the command's own options */
	assert_string_equal(o.argv[2], "arg");
	assert_null(o.argv[3]);
}

static void test_pids(void **state)
{
	struct kt_opts o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "trace", "-p", "1234,5678", "-p", "9"), 0);
	assert_int_equal(o.npids, 3);
	assert_int_equal(o.pids[0], 1234);
	assert_int_equal(o.pids[1], 5678);
	assert_int_equal(o.pids[2], 9);
	assert_int_equal(PARSE(&o, err, "-p", "0"), -1);
	assert_string_equal(err, "invalid pid '0' in -p 0");
	assert_int_equal(PARSE(&o, err, "-p", "12x"), -1);
	assert_string_equal(err, "invalid pid '12x' in -p 12x");
	assert_int_equal(PARSE(&o, err, "-p", "5,"), -1);
	assert_int_equal(PARSE(&o, err, "-p", "-3"), -1);
	assert_int_equal(PARSE(&o, err, "-p", "1", "--", "ls"), -1);
	assert_string_equal(err, "-p and a COMMAND cannot be combined");
}

static void test_errors(void **state)
{
	struct kt_opts o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "-e", "ipc,nosuchevent"), -1);
	assert_string_equal(err, "unknown event or set 'nosuchevent' in -e ipc,nosuchevent "
			    "(see 'ktrail list')");
	assert_int_equal(PARSE(&o, err, "-e", "ipc,,x"), -1);
	assert_string_equal(err, "malformed event list 'ipc,,x'");
	assert_int_equal(PARSE(&o, err, "-o", "xml"), -1);
	assert_string_equal(err, "unknown output format 'xml' (use csv, json, json-v1, table, summary or summary-csv)");
	assert_int_equal(PARSE(&o, err, "-o", "csv:"), -1);
	assert_int_equal(PARSE(&o, err, "-o", "csv:a", "-o", "json:a"), -1);
	assert_string_equal(err, "two outputs write to a");
	assert_int_equal(PARSE(&o, err, "-o", "csv", "-o", "table"), -1);
	assert_string_equal(err, "two outputs write to standard output");
	assert_int_equal(PARSE(&o, err, "--reader", "bogus"), -1);
	assert_string_equal(err, "unknown reader 'bogus' (use auto, mmap or read)");
	assert_int_equal(PARSE(&o, err, "--buffer-size", "1"), -1);
	assert_int_equal(PARSE(&o, err, "--frobnicate"), -1);
	assert_string_equal(err, "unknown option '--frobnicate'");
	assert_int_equal(PARSE(&o, err, "-e"), -1);
	assert_string_equal(err, "option '-e' needs a value");
	assert_int_equal(PARSE(&o, err, "frob"), -1);
	assert_string_equal(err, "unknown command 'frob' (use trace, record, report, list, check, "
			    "describe or cleanup)");
	assert_int_equal(PARSE(&o, err, "describe"), -1);
	assert_string_equal(err, "describe needs an event name (see 'ktrail list')");
	assert_int_equal(PARSE(&o, err, "describe", "msgsnd", "nosuch"), -1);
	assert_string_equal(err, "unknown event 'nosuch' (see 'ktrail list')");
	assert_int_equal(PARSE(&o, err, "--probes", "uprobe"), -1);
	assert_string_equal(err, "unknown --probes 'uprobe' (use auto, kprobe, tracepoint or "
			    "raw_syscalls)");
	assert_int_equal(PARSE(&o, err, "--probes", "raw_syscalls", "--", "true"), 0);
	assert_int_equal(o.probes, KT_PROBES_RAW);
	assert_int_equal(PARSE(&o, err, "check", "--", "ls"), -1);
	assert_string_equal(err, "unexpected argument 'ls'");
	assert_int_equal(PARSE(&o, err, "list", "extra"), -1);
	assert_int_equal(PARSE(&o, err, "-e", "-all"), -1);
	assert_string_equal(err, "-e -all selects no event");
}

/* Several -e lists add up; a filter selects its event; --scope; --raw. */
static void test_filters(void **state)
{
	struct kt_opts o;
	char err[256];
	const struct kt_event_def *openat = kt_event_by_name("openat");

	(void)state;
	assert_int_equal(PARSE(&o, err, "-e", "close", "-e", "open*,-open"), 0);
	assert_string_equal(o.events, "close,open*,-open");
	assert_int_equal(o.sel.count, 6);	/* close, openat, openat2, open_by_handle_at,
						 * open_tree, open_tree_attr */
	assert_false(o.raw);
	assert_false(o.sort);
	assert_null(o.filter);
	/* Only a filter: only its event. */
	assert_int_equal(PARSE(&o, err, "-e", "openat.data.pathname=/etc/*", "--raw"), 0);
	assert_int_equal(o.sel.count, 1);
	assert_true(o.sel.on[openat - kt_events]);
	assert_true(o.raw);
	assert_non_null(o.filter);
	assert_true(kt_filter_has_event(o.filter, openat));
	/* A filter's commas are its own (a list of values). */
	assert_int_equal(PARSE(&o, err, "-e", "ipc_msgq", "-e", "msgsnd.data.msqid=1,2"), 0);
	assert_int_equal(o.sel.count, 12);
	assert_int_equal(PARSE(&o, err, "--scope", "comm=bash", "--scope", "uid>=1000",
			       "-e", "sendto.retval<0"), 0);
	assert_int_equal(o.sel.count, 1);
	/* A scope alone: the default events. */
	assert_int_equal(PARSE(&o, err, "--scope", "comm=bash"), 0);
	assert_string_equal(o.events, KT_DEFAULT_EVENTS);
	assert_int_equal(o.sel.count, 18);
	assert_int_equal(PARSE(&o, err, "-e", "openat.data.pathnme=/etc/*"), -1);
	assert_string_equal(err, "filter \"openat.data.pathnme=/etc/*\": openat has no argument "
			    "\"pathnme\"\n  openat.data.pathnme=/etc/*\n              ^");
	assert_null(o.filter);
	assert_int_equal(PARSE(&o, err, "--scope", "tree=1"), -1);
	assert_non_null(strstr(err, "unknown scope \"tree\""));
	/* --duration alone: the default events; with a per-event one, its event */
	assert_int_equal(PARSE(&o, err, "--duration", ">10ms", "--duration", "<1s"), 0);
	assert_string_equal(o.events, KT_DEFAULT_EVENTS);
	assert_int_equal(o.sel.count, 18);
	assert_false(kt_filter_empty(o.filter));
	assert_int_equal(o.nfexprs, 2);
	assert_int_equal(PARSE(&o, err, "--duration", ">=1us", "-e", "msgrcv.duration>1ms"), 0);
	assert_int_equal(o.sel.count, 1);
	assert_true(o.sel.on[kt_event_by_name("msgrcv") - kt_events]);
	assert_int_equal(PARSE(&o, err, "report", "--duration", "<5ms", "r.ktr"), 0);
	assert_int_equal(o.fkind[0], KT_FK_DURATION);
	assert_int_equal(PARSE(&o, err, "--duration", "10xs"), -1);
	assert_string_equal(err, "--duration: '10xs': no operator (one of >, >=, <, <=, =, != "
			    "before the duration: '>10ms')");
	assert_null(o.filter);
	assert_int_equal(PARSE(&o, err, "--duration", ">10xs"), -1);
	assert_string_equal(err, "--duration: '>10xs': unknown unit (use ns, us, ms or s)");
	assert_int_equal(PARSE(&o, err, "--duration"), -1);
	assert_string_equal(err, "option '--duration' needs a value");
}

/* record -o FILE [trace options] [-- COMMAND]; report [options] FILE. */
static void test_record_report(void **state)
{
	struct kt_opts o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "record", "-o", "r.ktr", "-e", "ipc", "--scope",
			       "comm=x", "--", "prog", "-o", "y"), 0);
	assert_int_equal(o.cmd, KT_CMD_RECORD);
	assert_string_equal(o.record_path, "r.ktr");
	assert_string_equal(o.argv[0], "prog");
	assert_string_equal(o.argv[1], "-o");
	assert_int_equal(o.nfexprs, 1);
	assert_string_equal(o.fexprs[0], "comm=x");
	assert_int_equal(o.fkind[0], KT_FK_SCOPE);
	assert_false(o.sel_default);
	/* --duration goes with the recording too, and keeps the default events. */
	assert_int_equal(PARSE(&o, err, "record", "-o", "r.ktr", "-e", "openat.duration>=1ms",
			       "--duration", ">10ms", "--scope", "uid=0"), 0);
	assert_int_equal(o.nfexprs, 3);
	assert_string_equal(o.fexprs[1], ">10ms");
	assert_int_equal(o.fkind[0], KT_FK_EVENT);
	assert_int_equal(o.fkind[1], KT_FK_DURATION);
	assert_int_equal(o.fkind[2], KT_FK_SCOPE);
	/* -o -: standard output; the default compression, its choices. */
	assert_int_equal(PARSE(&o, err, "record", "-o", "-", "-e", "ipc"), 0);
	assert_true(o.record_stdout);
	assert_string_equal(o.record_path, "standard output");
	assert_int_equal(o.compress, KT_REC_ZSTD_LEVEL);
	assert_int_equal(PARSE(&o, err, "record", "-o", "r.ktr", "--compress", "none"), 0);
	assert_false(o.record_stdout);
	assert_int_equal(o.compress, 0);
	assert_int_equal(PARSE(&o, err, "record", "-o", "r.ktr", "--compress", "zstd:19"), 0);
	assert_int_equal(o.compress, 19);
	assert_int_equal(PARSE(&o, err, "record", "-o", "r.ktr", "--compress", "zstd:x"), -1);
	assert_string_equal(err, "invalid --compress 'zstd:x' (use zstd, zstd:LEVEL with LEVEL 1 "
			    "to 19, or none)");
	assert_int_equal(PARSE(&o, err, "-e", "ipc", "--compress", "zstd"), -1);
	assert_non_null(strstr(err, "--compress is an option of 'ktrail record'"));
	assert_int_equal(PARSE(&o, err, "record", "-e", "ipc"), -1);
	assert_string_equal(err, "record needs -o FILE, the recording to write");
	assert_int_equal(PARSE(&o, err, "record", "-o", "a", "-o", "b"), -1);
	assert_string_equal(err, "record writes one file (-o given twice)");
	assert_int_equal(PARSE(&o, err, "record", "-o", "a", "--raw"), -1);
	assert_non_null(strstr(err, "--raw is an option of 'ktrail report'"));
	assert_int_equal(PARSE(&o, err, "record", "-o", "a", "--sort"), -1);
	assert_string_equal(err, "--sort is an option of 'ktrail report' (a recording holds the "
			    "kernel's buffers; report writes the records)");
	/* report: the file anywhere among the options. */
	assert_int_equal(PARSE(&o, err, "report", "r.ktr", "-o", "csv:x.csv", "--raw", "--sort"), 0);
	assert_true(o.sort);
	assert_int_equal(o.cmd, KT_CMD_REPORT);
	assert_string_equal(o.report_path, "r.ktr");
	assert_string_equal(o.outputs[0].path, "x.csv");
	assert_true(o.raw);
	assert_true(o.sel_default);
	assert_int_equal(PARSE(&o, err, "report", "-e", "msgsnd", "--info", "r.ktr"), 0);
	assert_true(o.info);
	assert_false(o.sel_default);
	assert_int_equal(PARSE(&o, err, "report", "-", "-o", "csv:x.csv"), 0);
	assert_true(o.report_stdin);
	assert_string_equal(o.report_path, "standard input");
	assert_int_equal(PARSE(&o, err, "report"), -1);
	assert_string_equal(err, "report needs a recording (ktrail report FILE)");
	assert_int_equal(PARSE(&o, err, "report", "a", "b"), -1);
	assert_string_equal(err, "report reads one recording ('b' is extra)");
	assert_int_equal(PARSE(&o, err, "report", "a", "--reader", "mmap"), -1);
	assert_string_equal(err, "--reader is an option of tracing and recording, not of 'ktrail "
			    "report' (the recording decided it)");
	assert_int_equal(PARSE(&o, err, "report", "a", "-p", "1"), -1);
	assert_non_null(strstr(err, "-p is an option of tracing"));
	assert_int_equal(PARSE(&o, err, "report", "a", "--clock", "local"), -1);
	assert_non_null(strstr(err, "--clock is an option of tracing and recording"));
	/* --user: report runs as that user too (issue 17) */
	assert_int_equal(PARSE(&o, err, "report", "--user", "daemon", "a", "-o", "csv"), 0);
	assert_int_equal(o.cmd, KT_CMD_REPORT);
	assert_string_equal(o.user, "daemon");
	assert_string_equal(o.report_path, "a");
	/* --clock: a name, checked against trace_clock when tracing */
	assert_int_equal(PARSE(&o, err, "record", "-o", "a", "--clock", "local"), 0);
	assert_string_equal(o.clock, "local");
	assert_int_equal(PARSE(&o, err, "--clock", "auto"), 0);
	assert_null(o.clock);
	assert_int_equal(PARSE(&o, err, "--clock", "counter"), -1);
	assert_non_null(strstr(err, "--clock counter does not count nanoseconds"));
	assert_int_equal(PARSE(&o, err, "record", "-o", "csv:a.csv"), -1);
	assert_non_null(strstr(err, "record -o takes the recording's file name, not 'csv:a.csv'"));
	assert_int_equal(PARSE(&o, err, "record", "-o", "./csv:a"), 0);
	assert_int_equal(PARSE(&o, err, "--clock", "x;y"), -1);
	assert_string_equal(err, "invalid --clock 'x;y' (a trace clock's name: boot, mono, local, "
			    "global... or auto)");
	assert_int_equal(PARSE(&o, err, "--info"), -1);
	assert_string_equal(err, "--info is an option of 'ktrail report'");
}

static void test_commands(void **state)
{
	struct kt_opts o;
	char err[256];

	assert_int_equal(PARSE(&o, err, "list"), 0);
	assert_int_equal(o.cmd, KT_CMD_LIST);
	assert_int_equal(PARSE(&o, err, "cleanup"), 0);
	assert_int_equal(o.cmd, KT_CMD_CLEANUP);
	assert_int_equal(PARSE(&o, err, "check", "-e", "mq_open,sendto", "--probes", "kprobe",
			       "--compat", "off"), 0);
	assert_int_equal(o.cmd, KT_CMD_CHECK);
	assert_int_equal(o.sel.count, 2);
	assert_int_equal(o.probes, KT_PROBES_KPROBE);
	assert_int_equal(o.compat, KT_COMPAT_OFF);
	assert_int_equal(PARSE(&o, err, "describe", "msgsnd", "mq_open"), 0);
	assert_int_equal(o.cmd, KT_CMD_DESCRIBE);
	assert_string_equal(o.argv[0], "msgsnd");
	assert_string_equal(o.argv[1], "mq_open");
	assert_null(o.argv[2]);
	assert_int_equal(PARSE(&o, err, "--probes", "tracepoint"), 0);
	assert_int_equal(o.probes, KT_PROBES_TRACEPOINT);
	assert_false(o.overwrite);
	assert_null(o.user);
	assert_false(o.output_device);
	assert_int_equal(PARSE(&o, err, "--overwrite", "--user", "daemon", "-o", "csv:x"), 0);
	assert_true(o.overwrite);
	assert_false(o.output_device);
	assert_string_equal(o.user, "daemon");
	assert_int_equal(PARSE(&o, err, "--output-device", "-o", "csv:/dev/fd/3"), 0);
	assert_true(o.output_device);
	assert_string_equal(o.outputs[0].path, "/dev/fd/3");
	assert_int_equal(PARSE(&o, err, "record", "--output-device", "-o", "fifo"), 0);
	assert_true(o.output_device);
	assert_int_equal(PARSE(&o, err, "report", "--output-device", "r.ktr", "-o", "csv:f"), 0);
	assert_true(o.output_device);
	assert_int_equal(PARSE(&o, err, "--output-device=yes"), -1);
	assert_string_equal(err, "option '--output-device' takes no value");
	assert_int_equal(PARSE(&o, err, "--overwrite=no"), -1);
	assert_string_equal(err, "option '--overwrite' takes no value");
	assert_int_equal(PARSE(&o, err, "--help=x"), -1);
	assert_string_equal(err, "option '--help' takes no value");
	assert_int_equal(PARSE(&o, err, "-x"), -1);
	assert_string_equal(err, "unknown option '-x'");
	assert_int_equal(PARSE(&o, err, "--help"), 0);
	assert_int_equal(o.cmd, KT_CMD_HELP);
	assert_int_equal(PARSE(&o, err, "-V"), 0);
	assert_int_equal(o.cmd, KT_CMD_VERSION);
	assert_int_equal(PARSE(&o, err, "-o", "csv:-"), 0);
	assert_null(o.outputs[0].path);
}

static void test_interval(void **state)
{
	struct kt_opts o;
	char err[256];
	static const struct {
		const char *arg;
		unsigned long long ns;
	} good[] = {
		{ "1", 1000000000ull }, { "0.5", 500000000ull }, { ".25", 250000000ull },
		{ "2.", 2000000000ull }, { "0.000000001", 1 }, { "1.123456789", 1123456789ull },
		{ "000010", 10000000000ull }, { "1000000000", 1000000000000000000ull },
	};
	static const struct {
		const char *arg, *msg;
	} bad[] = {
		{ "0", "--interval '0': the interval must be longer than 0" },
		{ "0.000", "--interval '0.000': the interval must be longer than 0" },
		{ "-1", "invalid --interval '-1' (a number of seconds, such as 1 or 0.5)" },
		{ "abc", "invalid --interval 'abc' (a number of seconds, such as 1 or 0.5)" },
		{ "", "invalid --interval '' (a number of seconds, such as 1 or 0.5)" },
		{ ".", "invalid --interval '.' (a number of seconds, such as 1 or 0.5)" },
		{ "1s", "invalid --interval '1s' (a number of seconds, such as 1 or 0.5)" },
		{ "1e3", "invalid --interval '1e3' (a number of seconds, such as 1 or 0.5)" },
		{ " 1", "invalid --interval ' 1' (a number of seconds, such as 1 or 0.5)" },
		{ "1,5", "invalid --interval '1,5' (a number of seconds, such as 1 or 0.5)" },
		{ "0.0000000001", "--interval '0.0000000001': at most 9 decimals (a nanosecond)" },
		{ "1000000000.1", "--interval '1000000000.1': at most 1000000000 seconds" },
		{ "99999999999999999999999", "--interval '99999999999999999999999': at most "
					     "1000000000 seconds" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(PARSE(&o, err, "-o", "summary", "--interval", good[i].arg), 0);
		assert_true(o.interval_ns == good[i].ns);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(&o, err, "-o", "summary", "--interval", bad[i].arg), -1);
		assert_string_equal(err, bad[i].msg);
	}
	assert_int_equal(PARSE(&o, err, "-o", "summary"), 0);
	assert_true(o.interval_ns == 0);
	assert_int_equal(PARSE(&o, err, "-o", "csv:x", "-o", "summary-csv", "--interval", "2"), 0);
	assert_true(o.interval_ns == 2000000000ull);
	/* It needs a summary, and record has none. */
	assert_int_equal(PARSE(&o, err, "--interval", "1"), -1);
	assert_string_equal(err, "--interval needs a summary output (-o summary or -o summary-csv)");
	assert_int_equal(PARSE(&o, err, "-o", "csv", "--interval", "1"), -1);
	assert_string_equal(err, "--interval needs a summary output (-o summary or -o summary-csv)");
	assert_int_equal(PARSE(&o, err, "report", "-o", "table", "--interval", "1", "f.ktr"), -1);
	assert_string_equal(err, "--interval needs a summary output (-o summary or -o summary-csv)");
	assert_int_equal(PARSE(&o, err, "report", "-o", "summary", "--interval", "0.5", "f.ktr"), 0);
	assert_true(o.interval_ns == 500000000ull);
	assert_int_equal(PARSE(&o, err, "record", "-o", "f.ktr", "--interval", "1"), -1);
	assert_string_equal(err, "--interval is an option of the summaries of a trace or of "
			    "'ktrail report' (record writes no summary; its report makes the "
			    "intervals from the recorded times)");
	assert_int_equal(PARSE(&o, err, "-o", "summary", "--interval"), -1);
	assert_string_equal(err, "option '--interval' needs a value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_command),
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_record_report),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
