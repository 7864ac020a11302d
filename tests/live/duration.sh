#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Per-call durations and the duration filters, with durwork's calls that
# block for known times (msgrcv woken 300 ms after it blocked, an
# mq_timedreceive that times out after 100 ms, a 50 ms nanosleep, and the
# other thread's short msgsnd):
#  1. live, CSV + JSON + table: every row exact (check_rows, which also
#     checks that each complete call has a duration, equal in CSV and
#     JSON, and no other row has one); each duration at least its delay
#     (the mq_timedreceive's deadline is computed just before the call:
#     20 ms less), at most what the workload measured around the call and
#     under delay + 500 ms; the table's DURATION the same in human units;
#  2. live --duration '>200ms': exactly the msgrcv row, no kernel filter
#     (the summary: 0 tracepoints filtered, 3 records dropped);
#  3. live -e 'nanosleep.duration>=50ms' -e 'mq_timedreceive.duration>10s':
#     msgrcv and nanosleep, no mq_timedreceive;
#  4. record --duration '>=20ms' once, then report: the recording keeps
#     the filter (report --info names it, the report drops the short
#     msgsnd), the durations hold for the recorded run; report
#     --duration '>200ms' is exactly the rows of that report over 200 ms
#     (the msgrcv), with the same duration;
#  5. a trace-cmd trace.dat of the same calls reported: the same checks
#     (when trace-cmd is installed and records on this host);
#  6. a malformed --duration: exit 2 and the option's message.
. "$TESTLIB"
require_root
require_tracefs
require_workload
[ -x "${DURWORK:-}" ] || fail "DURWORK='${DURWORK:-}' is not an executable (run through make check)"
ev=msgsnd,msgrcv,mq_timedreceive,nanosleep
comm=$(comm_of "$DURWORK")

# durs.py WL CSV [--table TXT] [--only EVENTS] [--over NS]: the workload's
# rows of CSV (the thread ids of WL) and their durations, as above.
cat > "$T/durs.py" <<'PY'
import argparse, csv, re, sys

ap = argparse.ArgumentParser()
ap.add_argument("wl")
ap.add_argument("csv")
ap.add_argument("--table")
ap.add_argument("--only", help="the workload's rows must be exactly these events")
ap.add_argument("--over", type=int, help="and each one's duration over this (ns)")
a = ap.parse_args()
bad = []
lines = open(a.wl).read().splitlines()
tids, elapsed, want = set(), {}, {}
for l in lines:
    m = re.match(r"^@@ (\w+) tid=(\d+) ", l)
    if m and m.group(1) != "start":
        tids.add(int(m.group(2)))
    m = re.match(r"^# elapsed (\w+) tid=\d+ ns=(\d+) want=(\d+)$", l)
    if m:
        elapsed[m.group(1)] = int(m.group(2))
        want[m.group(1)] = int(m.group(3)) * 1000000
rows = list(csv.DictReader(open(a.csv, newline="")))
mine = [r for r in rows if r["threadId"] and int(r["threadId"]) in tids]
names = sorted(r["eventName"] for r in mine)
expect = sorted(a.only.split(",")) if a.only else sorted(list(want) + ["msgsnd"])
if names != expect:
    bad.append("the workload's rows are %s, want %s" % (names, expect))
slack = {"mq_timedreceive": 20000000}
for r in mine:
    e, d = r["eventName"], r["duration"]
    if r["state"] != "complete" or not d.isdigit():
        bad.append("%s: state %s, duration %r" % (e, r["state"], d))
        continue
    d = int(d)
    print("  %s: %d ns" % (e, d))
    if a.over is not None and not d > a.over:
        bad.append("%s: duration %d, the filter keeps only > %d" % (e, d, a.over))
    if e not in want:
        continue
    lo, hi = want[e] - slack.get(e, 0), min(elapsed[e] + 2000000, want[e] + 500000000)
    if not lo <= d <= hi:
        bad.append("%s: duration %d ns, want %d to %d (delay %d ms, the workload measured "
                   "%d ns)" % (e, d, lo, hi, want[e] // 1000000, elapsed[e]))

def human(ns):
    if ns < 1000:
        return "%dns" % ns
    for div, u in ((1e3, "us"), (1e6, "ms"), (1e9, "s")):
        v = ns / div
        if v >= 999.5 and u != "s":
            continue
        return "%.*f%s" % (2 if v < 9.995 else 1 if v < 99.95 else 0, v, u)

if a.table:
    t = open(a.table).read().splitlines()
    col = t[0].index("DURATION")
    got = [l[col:col + 8].strip() for l in t[1:]]
    exp = [human(int(r["duration"])) if r["duration"] else "" for r in rows]
    if got != exp:
        bad.append("table DURATION %s, want (the CSV's in human units) %s" % (got, exp))
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY
durs() { python3 "$T/durs.py" "$@" > "$T/durs.out" 2>&1 || { cat "$T/durs.out"; return 1; }; cat "$T/durs.out" >&2; }

# -- 1. live: the three formats
run_ktrail -q -e $ev -o csv:"$T/live.csv" -o json:"$T/live.jsonl" -o table:"$T/live.txt" \
	-- "$DURWORK" > "$T/wl.txt" 2> "$T/err" < /dev/null ||
	{ show "$T/err"; show "$T/wl.txt"; fail "ktrail -- durwork exited $?"; }
check_rows --workload "$T/wl.txt" --csv "$T/live.csv" --json "$T/live.jsonl" --events $ev \
	--comm "$comm" > "$T/check.txt" 2>&1 ||
	{ cat "$T/check.txt"; fail "the live rows differ from the workload's calls"; }
durs "$T/wl.txt" "$T/live.csv" --table "$T/live.txt" || fail "live durations (above)"
head -n 1 "$T/live.csv" | grep -q ',state,returnValue,duration,msqid,' ||
	fail "the CSV header has no duration after returnValue: $(head -n 1 "$T/live.csv")"
log "ok: live durations in CSV, JSON and table"

# -- 2. live --duration '>200ms'
run_ktrail -e $ev --duration '>200ms' -o csv:"$T/f.csv" -o json:"$T/f.jsonl" \
	-- "$DURWORK" > "$T/wl2.txt" 2> "$T/err2" < /dev/null ||
	{ show "$T/err2"; fail "ktrail --duration '>200ms' exited $?"; }
# nothing of it in the kernel: the three short calls dropped in user space
grep -qxF "ktrail: filters (duration: >200ms;): 0 tracepoints filtered in the kernel, 3 records dropped in user space" \
	"$T/err2" || { show "$T/err2"; fail "--duration went to the kernel, or did not drop 3 records"; }
check_rows --csv "$T/f.csv" --json "$T/f.jsonl" --events $ev > "$T/check2.txt" 2>&1 ||
	{ cat "$T/check2.txt"; fail "the --duration rows are malformed"; }
durs "$T/wl2.txt" "$T/f.csv" --only msgrcv --over 200000000 ||
	fail "--duration '>200ms' did not keep exactly the msgrcv (above)"
log "ok: --duration '>200ms' keeps the msgrcv alone"

# -- 3. live, per event
run_ktrail -q -e $ev -e 'nanosleep.duration>=50ms' -e 'mq_timedreceive.duration>10s' \
	-o csv:"$T/e.csv" -- "$DURWORK" > "$T/wl3.txt" 2> "$T/err3" < /dev/null ||
	{ show "$T/err3"; fail "ktrail -e EVENT.duration exited $?"; }
durs "$T/wl3.txt" "$T/e.csv" --only msgrcv,nanosleep,msgsnd ||
	fail "per-event duration filters (above)"
log "ok: EVENT.duration filters"

# -- 4. record once, report
run_ktrail record -q -e $ev --duration '>=20ms' -o "$T/r.ktr" \
	-- "$DURWORK" > "$T/wl4.txt" 2> "$T/err4" < /dev/null ||
	{ show "$T/err4"; fail "ktrail record exited $?"; }
"$KTRAIL" report --info "$T/r.ktr" > "$T/info.txt" 2>&1 || fail "report --info exited $?"
grep -qx '  duration.0: >=20ms' "$T/info.txt" ||
	{ cat "$T/info.txt"; fail "the recording does not hold --duration '>=20ms'"; }
"$KTRAIL" report -q -o csv:"$T/rep.csv" -o json:"$T/rep.jsonl" "$T/r.ktr" 2> "$T/err5" ||
	{ show "$T/err5"; fail "report exited $?"; }
check_rows --csv "$T/rep.csv" --json "$T/rep.jsonl" --events $ev > "$T/check4.txt" 2>&1 ||
	{ cat "$T/check4.txt"; fail "the reported rows are malformed"; }
durs "$T/wl4.txt" "$T/rep.csv" --only msgrcv,mq_timedreceive,nanosleep --over 19999999 ||
	fail "the recording's durations (above)"
"$KTRAIL" report -q --duration '>200ms' -o csv:"$T/rep2.csv" "$T/r.ktr" 2> "$T/err6" ||
	{ show "$T/err6"; fail "report --duration exited $?"; }
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; print; next }
	$h["duration"] != "" && $h["duration"] + 0 > 200000000' "$T/rep.csv" > "$T/want2.csv"
cmp -s "$T/want2.csv" "$T/rep2.csv" ||
	{ diff "$T/want2.csv" "$T/rep2.csv"; fail "report --duration '>200ms' is not the rows over 200 ms"; }
durs "$T/wl4.txt" "$T/rep2.csv" --only msgrcv --over 200000000 ||
	fail "report --duration '>200ms' (above)"
log "ok: record, report and report --duration"

# -- 5. trace-cmd's trace.dat
tracedat() {
	local shim=$T/hide_ftrace_files.so
	local tev="-e task:task_newtask -e task:task_rename -e sched:sched_process_exec"
	local c inst=ktd_$$

	command -v trace-cmd > /dev/null || { log "note: no trace-cmd: trace.dat not tried"; return 0; }
	cc -O2 -shared -fPIC -o "$shim" "${srcdir:-.}/bench/hide_ftrace_files.c" -ldl 2> /dev/null ||
		{ log "note: cannot build the trace-cmd shim: trace.dat not tried"; return 0; }
	for c in ${ev//,/ }; do
		tev="$tev -e syscalls:sys_enter_$c -e syscalls:sys_exit_$c"
	done
	# The shim is preloaded into the workload too: an ASan-built workload
	# (contrib/sanitize.sh) must not refuse a library before its runtime.
	# shellcheck disable=SC2086
	ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
	LD_PRELOAD=$shim timeout -k 10 120 trace-cmd record -q -d -B $inst $tev \
		-o "$T/trace.dat" "$DURWORK" > "$T/wl5.txt" 2> "$T/tc.err" < /dev/null ||
		{ show "$T/tc.err"; log "note: trace-cmd record fails here: trace.dat not tried"; return 0; }
	[ -d "$TRACEFS/instances/$inst" ] && { rmdir "$TRACEFS/instances/$inst"; fail "trace-cmd left $inst"; }
	"$KTRAIL" report -q -e $ev -o csv:"$T/td.csv" -o json:"$T/td.jsonl" \
		-o table:"$T/td.txt" "$T/trace.dat" 2> "$T/err7"
	c=$?
	grep -q "built without libtracecmd" "$T/err7" &&
		{ log "note: ktrail without libtracecmd: trace.dat not tried"; return 0; }
	[ $c = 0 ] || { show "$T/err7"; fail "report of the trace.dat exited $c"; }
	check_rows --workload "$T/wl5.txt" --csv "$T/td.csv" --json "$T/td.jsonl" --events $ev \
		--comm "$comm" > "$T/check5.txt" 2>&1 ||
		{ cat "$T/check5.txt"; fail "the trace.dat's rows differ from the workload's calls"; }
	durs "$T/wl5.txt" "$T/td.csv" --table "$T/td.txt" || fail "the trace.dat's durations (above)"
	log "ok: trace.dat durations"
}
tracedat

# -- 6. bad values
for bad in "10xs|'10xs': no operator (one of >, >=, <, <=, =, != before the duration: '>10ms')" \
	">10xs|'>10xs': unknown unit (use ns, us, ms or s)" \
	">-1ms|'>-1ms': a duration cannot be negative"; do
	v=${bad%%|*}
	rc=0
	"$KTRAIL" -e $ev --duration "$v" -o csv:"$T/never.csv" -- true > "$T/bad.out" 2>&1 || rc=$?
	[ $rc = 2 ] || fail "--duration '$v' exited $rc, want 2"
	grep -qxF "ktrail: --duration: ${bad#*|}" "$T/bad.out" ||
		{ cat "$T/bad.out"; fail "--duration '$v': not the expected message"; }
	[ ! -e "$T/never.csv" ] || fail "--duration '$v' left an output file"
done
rc=0
"$KTRAIL" -e 'exit_group.duration>1ms' -- true > "$T/bad.out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q 'exit_group never returns: it has no duration' "$T/bad.out" ||
	{ cat "$T/bad.out"; fail "exit_group.duration: exit $rc"; }
log "ok: malformed durations refused"
assert_no_leftovers
echo "PASS: duration: live, recorded and trace.dat durations; --duration and EVENT.duration"
