// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line parsing. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ktrail/cli.h"
#include "ktrail/filter.h"
#include "ktrail/recfile.h"
#include "ktrail/ring.h"
#include "ktrail/writer.h"

enum {
	OPT_READER = 0x100,
	OPT_BUFFER,
	OPT_COMPAT,
	OPT_PROBES,
	OPT_OVERWRITE,
	OPT_SCOPE,
	OPT_RAW,
	OPT_SORT,
	OPT_USER,
	OPT_HELP,
	OPT_VERSION,
	OPT_INFO,
	OPT_CLOCK,
	OPT_OUTPUT_DEVICE,
	OPT_SUMMARY_BY,
	OPT_INTERVAL,
	OPT_DURATION,
	OPT_COMPRESS,
};

static const struct option long_opts[] = {
	{ "events", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "pid", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reader", required_argument, NULL, OPT_READER },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "compat", required_argument, NULL, OPT_COMPAT },
	{ "probes", required_argument, NULL, OPT_PROBES },
	{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
	{ "output-device", no_argument, NULL, OPT_OUTPUT_DEVICE },
	{ "summary-by", required_argument, NULL, OPT_SUMMARY_BY },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "sort", no_argument, NULL, OPT_SORT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "info", no_argument, NULL, OPT_INFO },
	{ "clock", required_argument, NULL, OPT_CLOCK },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void kt_cli_usage(FILE *fp)
{
	char names[64];

	fputs("Usage: ktrail [trace] [OPTIONS] [-- COMMAND [ARGS...]]\n"
	      "       ktrail record -o FILE|- [OPTIONS] [-- COMMAND [ARGS...]]\n"
	      "       ktrail report [-o FMT[:FILE]]... [-e ...] [--scope ...] [--duration ...]\n"
	      "                     [--raw] [--sort] [--summary-by BY] [--interval SECONDS]\n"
	      "                     FILE|-\n"
	      "       ktrail report --info FILE\n"
	      "       ktrail list\n"
	      "       ktrail check [-e LIST] [--probes KIND] [--compat MODE]\n"
	      "       ktrail describe EVENT...\n"
	      "       ktrail cleanup\n"
	      "\n"
	      "Trace kernel events (every syscall, process lifecycle) without BPF, through tracefs,\n"
	      "and write them as CSV, JSON lines or a table.\n"
	      "\n"
	      "  -e, --events LIST      events, sets and patterns (open*), comma-separated;\n"
	      "                         '-NAME' excludes; repeat to add.  A filter such as\n"
	      "                         openat.data.pathname=/etc/*, sendto.retval<0 or\n"
	      "                         openat.scope.comm=bash (one per -e) selects its\n"
	      "                         event and keeps only its matching records\n"
	      "                         (default: " KT_DEFAULT_EVENTS "; see 'ktrail list')\n"
	      "      --scope EXPR       only these tasks: pid, tid, ppid, uid, mntns, pidns\n"
	      "                         (= != < > <= >=), comm=NAME, follow, pid=new;\n"
	      "                         repeat to combine (AND)\n"
	      "      --duration EXPR    only complete calls whose duration matches:\n"
	      "                         '>10ms', '<=500us' (> >= < <= = !=; ns, us, ms,\n"
	      "                         s; a bare number is ns); repeat to combine (AND);\n"
	      "                         one event's: -e 'msgrcv.duration>1ms'\n"
	      "      --raw              flags, modes and enums as numbers, not names\n"
	      "      --sort             records in time order (of their entry) across\n"
	      "                         CPUs and threads: a call that blocked is written\n"
	      "                         before the calls that entered after it\n",
	      fp);
	fprintf(fp, "  -o, --output FMT[:FILE] to FILE or standard output; FMT is\n"
		"                         %s;\n", kt_writer_names(names, sizeof(names)));
	fputs("                         repeat for several outputs (default: table);\n"
	      "                         FILE is a new regular file, mode 0600; an\n"
	      "                         existing one, the input or another output is\n"
	      "                         refused; as root, no symbolic link is followed\n"
	      "                         anywhere in FILE\n"
	      "                         summary: per event, calls, errors and their\n"
	      "                         errnos, total/min/avg/p50/p90/p99/max duration\n"
	      "                         and a log2 histogram, at the end; summary-csv:\n"
	      "                         the same numbers as CSV; json: lines that\n"
	      "                         Tracee 0.24 reads (Go type names, ids in the\n"
	      "                         task's pid namespace); json-v1: the JSON of\n"
	      "                         earlier releases (C type names)\n"
	      "      --summary-by BY    summary rows per event (default), process or\n"
	      "                         thread\n"
	      "      --interval SECONDS a summary of each interval (1, 0.5...) as it\n"
	      "                         ends, then the whole trace's; live from when\n"
	      "                         tracing starts, in a report from the first record\n"
	      "      --overwrite        replace existing output files (your own only)\n"
	      "      --output-device    let FILE be an existing FIFO or device, or an open\n"
	      "                         descriptor (/dev/stdout, /dev/fd/N), written as it is\n"
	      "      --user NAME        after setup run as NAME (default: the ktrail\n"
	      "                         system user, else nobody), and\n"
	      "                         create the output files as NAME; report too, once\n"
	      "                         its files are open (it needs no privilege).  NAME\n"
	      "                         may be a UID, or UID:GID (no lookup at all)\n"
	      "  -p, --pid PID[,PID...] trace these processes, their threads and the\n"
	      "                         children they fork from now on\n"
	      "      --reader KIND      auto, mmap (Linux >= 6.10) or read (default: auto,\n"
	      "                         which is read)\n"
	      "      --buffer-size KB   kernel buffer per CPU (default: 4096)\n"
	      "      --compress HOW     record: zstd (default; level 1), zstd:LEVEL (1 to\n"
	      "                         19) or none (a file older ktrail versions read)\n"
	      "      --clock CLOCK      the kernel's trace clock: boot (trace's default:\n"
	      "                         synchronised, wall-clock exact), local (record's\n"
	      "                         default: the cheapest per event), mono, global...\n"
	      "      --compat MODE      32-bit tasks on a 64-bit kernel: auto (where the\n"
	      "                         kernel runs them), on or off (default: auto)\n"
	      "      --probes KIND      auto (syscall tracepoints where the kernel has\n"
	      "                         them, else kprobes, else (no syscall tracepoint\n"
	      "                         at all) raw_syscalls; kprobes for what they\n"
	      "                         cannot read), kprobe (kprobes for every event),\n"
	      "                         tracepoint (no kprobe) or raw_syscalls\n"
	      "                         (raw_syscalls for every syscall) (default: auto)\n"
	      "  -q, --quiet            no progress or summary on standard error\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          print the version, and whether this is a test build\n"
	      "\n"
	      "With -- COMMAND, ktrail runs COMMAND, traces it and its children, and\n"
	      "exits with its exit status.  Without COMMAND or -p it traces the whole\n"
	      "system until SIGINT, SIGTERM or SIGHUP.\n"
	      "\n"
	      "  record    trace as above, but write the kernel's raw buffers to -o FILE\n"
	      "            without decoding (a slow board: decode elsewhere); -o -:\n"
	      "            to standard output (ssh board ktrail record -o - | ktrail\n"
	      "            report -), the command's own output to standard error\n"
	      "  report    decode a recording (or a trace-cmd trace.dat) into -o outputs,\n"
	      "            on any machine; FILE - is standard input, decoded as it\n"
	      "            arrives; -e and --scope narrow what was recorded;\n"
	      "            --info describes the file; a damaged recording is decoded\n"
	      "            up to the damage, then named with its offset (exit 1)\n"
	      "  list      the events and sets this build knows, and whether this\n"
	      "            kernel can produce each one\n"
	      "  check     for each selected event, the recipe this kernel gets (the\n"
	      "            tracepoints, kprobes and their fetch arguments) and why\n"
	      "            the others were not chosen\n"
	      "  describe  an event's card: what it is, its arguments with types and\n"
	      "            origin tags, its sets and recipes, and what this kernel\n"
	      "            would use (as check); every card is in ktrail-events(7)\n"
	      "  cleanup   remove tracefs instances and kprobes left by ktrail processes\n"
	      "            that died\n"
	      "\n"
	      "Exit status: the traced command's; otherwise 0, 1 on errors, 2 on usage\n"
	      "errors, 3 when the kernel lacks a feature that was asked for, 4 when an\n"
	      "output's reader closed it (| head): ktrail stopped cleanly, the other\n"
	      "outputs end with a whole row.\n",
	      fp);
}

static int parse_pids(const char *s, struct kt_opts *o, char *err, size_t errlen)
{
	const char *p = s;

	while (*p) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || end == p || (*end && *end != ',') || v <= 0 || v > INT_MAX) {
			snprintf(err, errlen, "invalid pid '%.*s' in -p %s",
				 (int)strcspn(p, ","), p, s);
			return -1;
		}
		if (o->npids >= KT_MAX_PIDS) {
			snprintf(err, errlen, "too many pids (at most %d)", KT_MAX_PIDS);
			return -1;
		}
		o->pids[o->npids++] = v;
		p = *end ? end + 1 : end;
		if (*end == ',' && !*p) {
			snprintf(err, errlen, "invalid pid list '%s'", s);
			return -1;
		}
	}
	if (!o->npids) {
		snprintf(err, errlen, "-p needs a pid");
		return -1;
	}
	return 0;
}

#define MAX_INTERVAL_S 1000000000ull

/*
 * --interval SECONDS: a decimal number of seconds ("2", "0.5", ".25"),
 * to the nanosecond, greater than 0 and at most MAX_INTERVAL_S.
 */
static int parse_interval(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	uint64_t sec = 0, frac = 0, scale = 100000000ull;
	const char *p = s;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		sec = sec * 10 + (uint64_t)(*p - '0');
		if (sec > MAX_INTERVAL_S)
			goto big;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			if (!scale) {
				snprintf(err, errlen, "--interval '%s': at most 9 decimals (a "
					 "nanosecond)", s);
				return -1;
			}
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (!digits || *p) {
		snprintf(err, errlen, "invalid --interval '%s' (a number of seconds, such as 1 "
			 "or 0.5)", s);
		return -1;
	}
	if (!sec && !frac) {
		snprintf(err, errlen, "--interval '%s': the interval must be longer than 0", s);
		return -1;
	}
	if (sec == MAX_INTERVAL_S && frac)
		goto big;
	*ns = sec * 1000000000ull + frac;
	return 0;
big:
	snprintf(err, errlen, "--interval '%s': at most %llu seconds", s, MAX_INTERVAL_S);
	return -1;
}

/* record --compress zstd[:LEVEL]|none */
static int parse_compress(const char *arg, struct kt_opts *o, char *err, size_t errlen)
{
	o->compress_given = true;
	if (!strcmp(arg, "none")) {
		o->compress = 0;
		return 0;
	}
	if (!strcmp(arg, "zstd")) {
		o->compress = KT_REC_ZSTD_LEVEL;
		return 0;
	}
	if (!strncmp(arg, "zstd:", 5)) {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg + 5, &end, 10);
		if (!errno && end != arg + 5 && !*end && v >= 1 && v <= 19) {
			o->compress = (int)v;
			return 0;
		}
	}
	snprintf(err, errlen, "invalid --compress '%s' (use zstd, zstd:LEVEL with LEVEL 1 to 19, "
		 "or none)", arg);
	return -1;
}

/* Does @arg start with an output format and a colon ("csv:...")? */
static bool kt_writer_find_prefix(const char *arg)
{
	char fmt[16];
	size_t n = strcspn(arg, ":");

	if (n == 0 || n >= sizeof(fmt) || arg[n] != ':')
		return false;
	memcpy(fmt, arg, n);
	fmt[n] = '\0';
	return kt_writer_find(fmt) != NULL;
}

static int parse_output(char *s, struct kt_opts *o, char *err, size_t errlen)
{
	char *colon = strchr(s, ':');
	struct kt_output *out;

	if (o->noutputs >= KT_MAX_OUTPUTS) {
		snprintf(err, errlen, "too many outputs (at most %d)", KT_MAX_OUTPUTS);
		return -1;
	}
	out = &o->outputs[o->noutputs];
	if (colon) {
		*colon = '\0';
		out->path = colon[1] && strcmp(colon + 1, "-") ? colon + 1 : NULL;
		if (!colon[1]) {
			snprintf(err, errlen, "-o %s: missing file name after ':'", s);
			return -1;
		}
	}
	out->format = s;
	if (!kt_writer_find(s)) {
		char names[64];

		snprintf(err, errlen, "unknown output format '%s' (use %s)", s,
			 kt_writer_names(names, sizeof(names)));
		return -1;
	}
	for (unsigned int i = 0; i < o->noutputs; i++) {
		const char *a = o->outputs[i].path, *b = out->path;

		if ((!a && !b) || (a && b && !strcmp(a, b))) {
			snprintf(err, errlen, "two outputs write to %s", b ? b : "standard output");
			return -1;
		}
	}
	o->noutputs++;
	return 0;
}

void kt_cli_free(struct kt_opts *o)
{
	kt_filter_free(o->filter);
	o->filter = NULL;
}

/*
 * Options that make no sense for record (output formats are chosen when
 * the recording is reported) or report (everything about the kernel was
 * decided when it was recorded).
 */
static int check_mode_options(const struct kt_opts *o, char *err, size_t errlen)
{
	if (o->cmd == KT_CMD_RECORD) {
		if (o->raw) {
			snprintf(err, errlen, "--raw is an option of 'ktrail report' (a recording "
				 "holds the kernel's numbers; report prints them as asked)");
			return -1;
		}
		if (o->sort) {
			snprintf(err, errlen, "--sort is an option of 'ktrail report' (a recording "
				 "holds the kernel's buffers; report writes the records)");
			return -1;
		}
		if (o->interval_ns) {
			snprintf(err, errlen, "--interval is an option of the summaries of a trace "
				 "or of 'ktrail report' (record writes no summary; its report "
				 "makes the intervals from the recorded times)");
			return -1;
		}
		return 0;
	}
	if (o->npids || o->reader != KT_READER_AUTO || o->compat != KT_COMPAT_AUTO ||
	    o->probes != KT_PROBES_AUTO || o->buffer_kb || o->clock) {
		snprintf(err, errlen, "%s is an option of tracing and recording, not of 'ktrail "
			 "report' (the recording decided it)",
			 o->npids ? "-p" : o->reader != KT_READER_AUTO ? "--reader" :
			 o->compat != KT_COMPAT_AUTO ? "--compat" :
			 o->probes != KT_PROBES_AUTO ? "--probes" :
			 o->buffer_kb ? "--buffer-size" : "--clock");
		return -1;
	}
	return 0;
}

/* Append one -e list to o->evbuf (comma-joined). */
static int add_events(struct kt_opts *o, const char *list, char *err, size_t errlen)
{
	size_t n = strlen(o->evbuf), l = strlen(list);

	if (n + l + 2 > sizeof(o->evbuf)) {
		snprintf(err, errlen, "too many -e events (more than %zu characters)",
			 sizeof(o->evbuf) - 1);
		return -1;
	}
	if (n)
		o->evbuf[n++] = ',';
	memcpy(o->evbuf + n, list, l + 1);
	return 0;
}

static int parse_filter(struct kt_opts *o, const char *expr, enum kt_fkind kind, char *err,
			size_t errlen)
{
	int r;

	if (!o->filter && !(o->filter = kt_filter_new())) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = kt_filter_add(o->filter, kind, expr, err, errlen);
	if (r == 0) {
		if (o->nfexprs >= KT_MAX_FEXPRS) {
			snprintf(err, errlen, "too many filters (at most %d)", KT_MAX_FEXPRS);
			return -1;
		}
		o->fexprs[o->nfexprs] = expr;
		o->fkind[o->nfexprs++] = (unsigned char)kind;
	}
	return r;
}

static const char default_events[] = KT_DEFAULT_EVENTS;

static int cli_parse(int argc, char **argv, struct kt_opts *o, char *err, size_t errlen)
{
	char bad[128];
	int c;

	memset(o, 0, sizeof(*o));
	o->cmd = KT_CMD_TRACE;
	o->reader = KT_READER_AUTO;
	o->compress = KT_REC_ZSTD_LEVEL;
	o->events = default_events;
	err[0] = '\0';
	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "list")) {
			o->cmd = KT_CMD_LIST;
		} else if (!strcmp(argv[1], "cleanup")) {
			o->cmd = KT_CMD_CLEANUP;
		} else if (!strcmp(argv[1], "check")) {
			o->cmd = KT_CMD_CHECK;
		} else if (!strcmp(argv[1], "describe")) {
			o->cmd = KT_CMD_DESCRIBE;
		} else if (!strcmp(argv[1], "record")) {
			o->cmd = KT_CMD_RECORD;
		} else if (!strcmp(argv[1], "report")) {
			o->cmd = KT_CMD_REPORT;
		} else if (strcmp(argv[1], "trace")) {
			snprintf(err, errlen,
				 "unknown command '%s' (use trace, record, report, list, check, "
				 "describe or cleanup)", argv[1]);
			return -1;
		}
		argv++;
		argc--;
	}
	optind = 0;	/* glibc: 0 resets getopt completely */
	opterr = 0;
	/* Options stop at COMMAND for trace and record; the others take
	 * their operands anywhere. */
	while ((c = getopt_long(argc, argv, o->cmd == KT_CMD_TRACE || o->cmd == KT_CMD_RECORD ?
				"+:e:o:p:qhV" : ":e:o:p:qhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			/* Event names have no '.': a word with one is a filter,
			 * whole (its values may hold commas). */
			if (strchr(optarg, '.') ? parse_filter(o, optarg, KT_FK_EVENT, err, errlen) < 0 :
			    add_events(o, optarg, err, errlen) < 0)
				return -1;
			break;
		case OPT_SCOPE:
			if (parse_filter(o, optarg, KT_FK_SCOPE, err, errlen) < 0)
				return -1;
			break;
		case OPT_DURATION:
			if (parse_filter(o, optarg, KT_FK_DURATION, err, errlen) < 0)
				return -1;
			break;
		case OPT_RAW:
			o->raw = true;
			break;
		case OPT_SORT:
			o->sort = true;
			break;
		case OPT_SUMMARY_BY:
			if (!strcmp(optarg, "event"))
				o->summary_by = 0;
			else if (!strcmp(optarg, "process"))
				o->summary_by = 1;
			else if (!strcmp(optarg, "thread"))
				o->summary_by = 2;
			else {
				snprintf(err, errlen, "unknown --summary-by '%s' (use event, "
					 "process or thread)", optarg);
				return -1;
			}
			break;
		case OPT_INTERVAL:
			if (parse_interval(optarg, &o->interval_ns, err, errlen) < 0)
				return -1;
			break;
		case 'o':
			if (o->cmd == KT_CMD_RECORD) {
				if (o->record_path) {
					snprintf(err, errlen, "record writes one file (-o given twice)");
					return -1;
				}
				if (strchr(optarg, ':') && kt_writer_find_prefix(optarg)) {
					snprintf(err, errlen, "record -o takes the recording's file name, "
						 "not '%s': formats are chosen when it is reported "
						 "(ktrail report FILE -o FORMAT[:FILE])", optarg);
					return -1;
				}
				o->record_path = optarg;
				if (!strcmp(optarg, "-")) {
					o->record_stdout = true;
					o->record_path = "standard output";
				}
				break;
			}
			if (parse_output(optarg, o, err, errlen) < 0)
				return -1;
			break;
		case OPT_INFO:
			o->info = true;
			break;
		case OPT_COMPRESS:
			if (parse_compress(optarg, o, err, errlen) < 0)
				return -1;
			break;
		case OPT_CLOCK:
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
			    strlen(optarg) || strlen(optarg) > 15) {
				snprintf(err, errlen, "invalid --clock '%s' (a trace clock's name: boot, "
					 "mono, local, global... or auto)", optarg);
				return -1;
			}
			/* Clocks whose values are not nanoseconds: no timestamp. */
			if (!strcmp(optarg, "counter") || !strcmp(optarg, "uptime") ||
			    !strcmp(optarg, "x86-tsc")) {
				snprintf(err, errlen, "--clock %s does not count nanoseconds: ktrail's "
					 "timestamps need one that does (boot, mono, local, global...)",
					 optarg);
				return -1;
			}
			o->clock = strcmp(optarg, "auto") ? optarg : NULL;
			break;
		case 'p':
			if (parse_pids(optarg, o, err, errlen) < 0)
				return -1;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_READER:
			if (kt_reader_parse(optarg, &o->reader) < 0) {
				snprintf(err, errlen, "unknown reader '%s' (use auto, mmap or read)",
					 optarg);
				return -1;
			}
			break;
		case OPT_COMPAT:
			if (!strcmp(optarg, "auto")) {
				o->compat = KT_COMPAT_AUTO;
			} else if (!strcmp(optarg, "on")) {
				o->compat = KT_COMPAT_ON;
			} else if (!strcmp(optarg, "off")) {
				o->compat = KT_COMPAT_OFF;
			} else {
				snprintf(err, errlen, "unknown --compat '%s' (use auto, on or off)",
					 optarg);
				return -1;
			}
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_OVERWRITE:
			o->overwrite = true;
			break;
		case OPT_OUTPUT_DEVICE:
			o->output_device = true;
			break;
		case OPT_PROBES:
			if (!strcmp(optarg, "auto")) {
				o->probes = KT_PROBES_AUTO;
			} else if (!strcmp(optarg, "kprobe")) {
				o->probes = KT_PROBES_KPROBE;
			} else if (!strcmp(optarg, "tracepoint")) {
				o->probes = KT_PROBES_TRACEPOINT;
			} else if (!strcmp(optarg, "raw_syscalls")) {
				o->probes = KT_PROBES_RAW;
			} else {
				snprintf(err, errlen, "unknown --probes '%s' (use auto, kprobe, "
					 "tracepoint or raw_syscalls)",
					 optarg);
				return -1;
			}
			break;
		case OPT_BUFFER: {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 4 || v > 4 * 1024 * 1024) {
				snprintf(err, errlen,
					 "invalid --buffer-size '%s' (KiB per CPU, 4 to 4194304)",
					 optarg);
				return -1;
			}
			o->buffer_kb = v;
			break;
		}
		case 'h':
			o->cmd = KT_CMD_HELP;
			return 0;
		case 'V':
			o->cmd = KT_CMD_VERSION;
			return 0;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt >= 0x100 || (optopt && strchr("hqV", optopt) &&
						!strncmp(argv[optind - 1], "--", 2)))
				/* a long option without a value given one */
				snprintf(err, errlen, "option '%.*s' takes no value",
					 (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			else if (optopt)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (o->cmd == KT_CMD_REPORT || o->cmd == KT_CMD_RECORD) {
		int r = check_mode_options(o, err, errlen);

		if (r < 0)
			return -1;
	}
	if (o->compress_given && o->cmd != KT_CMD_RECORD) {
		snprintf(err, errlen, "--compress is an option of 'ktrail record' (a report "
			 "reads compressed and plain recordings alike)");
		return -1;
	}
	if (o->info && o->cmd != KT_CMD_REPORT) {
		snprintf(err, errlen, "--info is an option of 'ktrail report'");
		return -1;
	}
	if (o->cmd == KT_CMD_REPORT) {
		if (optind >= argc) {
			snprintf(err, errlen, "report needs a recording (ktrail report FILE)");
			return -1;
		}
		if (optind + 1 < argc) {
			snprintf(err, errlen, "report reads one recording ('%s' is extra)",
				 argv[optind + 1]);
			return -1;
		}
		o->report_path = argv[optind];
		if (!strcmp(o->report_path, "-")) {
			o->report_stdin = true;
			o->report_path = "standard input";
		}
		optind++;
	}
	if (o->cmd == KT_CMD_RECORD && !o->record_path) {
		snprintf(err, errlen, "record needs -o FILE, the recording to write");
		return -1;
	}
	if (o->cmd == KT_CMD_DESCRIBE) {
		if (optind >= argc) {
			snprintf(err, errlen, "describe needs an event name (see 'ktrail list')");
			return -1;
		}
		for (int i = optind; i < argc; i++) {
			const struct kt_event_def *ev = kt_event_by_name(argv[i]);

			if (!ev || ev->kind == KT_EV_PSEUDO) {
				snprintf(err, errlen, "unknown event '%s' (see 'ktrail list')", argv[i]);
				return -1;
			}
		}
		o->argv = &argv[optind];
		return 0;
	}
	if (optind < argc) {
		if (o->cmd != KT_CMD_TRACE && o->cmd != KT_CMD_RECORD) {
			snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
			return -1;
		}
		o->argv = &argv[optind];
	}
	if (o->argv && o->npids) {
		snprintf(err, errlen, "-p and a COMMAND cannot be combined");
		return -1;
	}
	o->events_given = o->evbuf[0] != '\0';
	if (o->evbuf[0]) {
		o->events = o->evbuf;
	} else if (o->filter) {
		/* Event filters alone select only their events; a scope alone
		 * keeps the default events. */
		for (unsigned int i = 0; i < kt_nevents; i++)
			if (kt_filter_has_event(o->filter, &kt_events[i]))
				o->events = NULL;
	}
	if (o->events && kt_select(o->events, &o->sel, bad, sizeof(bad)) < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "unknown event or set '%s' in -e %s (see 'ktrail list')",
				 bad, o->events);
		else
			snprintf(err, errlen, "malformed event list '%s'", o->events);
		return -1;
	}
	/* An event filter selects its event. */
	if (o->filter) {
		for (unsigned int i = 0; i < kt_nevents; i++) {
			if (!o->sel.on[i] && kt_filter_has_event(o->filter, &kt_events[i])) {
				o->sel.on[i] = o->sel.named[i] = true;
				o->sel.count++;
			}
		}
		if (!o->events)
			o->events = "(the filtered events)";
	}
	if (!o->sel.count) {
		snprintf(err, errlen, "-e %s selects no event", o->events);
		return -1;
	}
	o->sel_default = o->events == default_events;
	if (!o->noutputs) {
		o->outputs[0].format = "table";
		o->noutputs = 1;
	}
	if (o->interval_ns && (o->cmd == KT_CMD_TRACE || o->cmd == KT_CMD_REPORT)) {
		bool summary = false;

		for (unsigned int i = 0; i < o->noutputs; i++)
			summary |= !strncmp(o->outputs[i].format, "summary", 7);
		if (!summary) {
			snprintf(err, errlen, "--interval needs a summary output (-o summary or "
				 "-o summary-csv)");
			return -1;
		}
	}
	return 0;
}

int kt_cli_parse(int argc, char **argv, struct kt_opts *o, char *err, size_t errlen)
{
	int r = cli_parse(argc, argv, o, err, errlen);

	if (r < 0)
		kt_cli_free(o);
	return r;
}
