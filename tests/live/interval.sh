#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --interval SECONDS (issue 14): a summary per interval as it ends, then
# the whole trace's.  durwork's calls end about 0.9 s apart (a msgrcv
# woken after 900 ms with its msgsnd, an mq_timedreceive that times out
# after 900 ms, a 900 ms nanosleep), so with 0.4 s intervals at least
# three intervals hold calls and some between them hold none.
#  1. live, -o csv + -o summary-csv + -o summary: the table's first
#     interval is in its file while the trace still runs (written as it
#     ends, not at the end); then, from the same run's CSV loaded into
#     SQLite and each row put in the interval of its end (timestamp +
#     duration) counted from the origin (the "all" rows' intervalStart):
#     each interval's calls, errors, incomplete, total, min, max and avg
#     equal SQLite's, with the interval's bounds; the sums of calls,
#     errors and total over the intervals are the whole trace's, their
#     min and max its min and max; the whole trace's rows are the CSV's
#     aggregation; the table has the same intervals, each with its
#     header ("interval K: HH:MM:SS.uuuuuu to ... (0.400 s)" from the
#     CSV's bounds) and calls, the empty ones as "no calls" lines, then
#     "whole trace: ... (N intervals of 0.400 s)";
#  2. record, then report --interval: the same checks, the origin being
#     the report's first row's timestamp; the same for a trace-cmd
#     trace.dat of durwork (when trace-cmd records on this host);
#  3. bad --interval values and uses: exit 2 and the message.
. "$TESTLIB"
require_root
require_tracefs
require_workload
require_python
[ -x "${DURWORK:-}" ] || fail "DURWORK='${DURWORK:-}' is not an executable (run through make check)"
ev=msgsnd,msgrcv,mq_timedreceive,nanosleep,clock_nanosleep
IV=0.4

cat > "$T/check.py" << 'PY'
import csv, re, sqlite3, sys, time
summ, rows, text, mode = sys.argv[1:]
L = 400000000
bad = []
hdr = open(summ).readline().strip()
if not hdr.startswith("eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns,max_ns,") \
        or not hdr.endswith(",interval,intervalStart,intervalEnd"):
    bad.append("summary header: " + hdr)
got = list(csv.DictReader(open(summ, newline="")))
whole = [g for g in got if g["interval"] == "all"]
ivs = [g for g in got if g["interval"] != "all"]
if not whole:
    sys.exit("FAIL: no whole-trace rows (interval=all)")
if got[len(ivs):] != whole:
    bad.append("the whole trace's rows are not last")
origin = int(whole[0]["intervalStart"])
r = [x for x in csv.DictReader(open(rows, newline="")) if x["eventName"] != "lost_events"]
if mode == "report" and origin != int(r[0]["timestamp"]):
    bad.append("report: origin %d, the first row's timestamp is %s" % (origin, r[0]["timestamp"]))
db = sqlite3.connect(":memory:")
db.execute("create table ev (k, eventName, state, ret, dur)")
for x in r:
    if x["state"] != "complete":
        bad.append("a %s row of %s: the workload's calls all end" % (x["state"], x["eventName"]))
    dur = int(x["duration"]) if x["duration"] else None
    t = int(x["timestamp"]) + (dur or 0)
    if t < origin:
        bad.append("a row ends at %d, before the origin %d" % (t, origin))
    k = (t - origin) // L + 1
    ret = int(x["returnValue"]) if x["returnValue"] else None
    db.execute("insert into ev values (?,?,?,?,?)", (k, x["eventName"], x["state"], ret, dur))
agg = {}
q = """select %s, count(*), sum(state = 'complete' and ret between -4095 and -1),
       sum(state != 'complete'), sum(dur), min(dur), max(dur), count(dur) from ev group by %s"""
for row in db.execute(q % ("k, eventName", "k, eventName")):
    agg[(row[0], row[1])] = row[2:]
for row in db.execute(q % ("'all', eventName", "eventName")):
    agg[(row[0], row[1])] = row[2:]
def check(g, k):
    calls, errors, inc, total, mn, mx, n = agg.get((k, g["eventName"]), (None,) * 7)
    if calls is None:
        bad.append("interval %s: %s in the summary, not in the CSV" % (k, g["eventName"]))
        return
    want = {"calls": calls, "errors": errors, "incomplete": inc}
    if n:
        want.update(total_ns=total, min_ns=mn, max_ns=mx, avg_ns=total // n)
    for f, w in want.items():
        if int(g[f]) != w:
            bad.append("interval %s %s: %s %s, SQLite %s" % (k, g["eventName"], f, g[f], w))
for g in ivs:
    k = int(g["interval"])
    if (int(g["intervalStart"]), int(g["intervalEnd"])) != (origin + (k - 1) * L, origin + k * L):
        bad.append("interval %d: bounds %s %s" % (k, g["intervalStart"], g["intervalEnd"]))
    check(g, k)
for g in whole:
    check(g, "all")
if len(got) != len(agg):
    bad.append("%d summary rows, %d (interval, event) groups in the CSV" % (len(got), len(agg)))
# The intervals add up to the whole trace.
for w in whole:
    e = w["eventName"]
    mine = [g for g in ivs if g["eventName"] == e]
    for f in ("calls", "errors", "incomplete", "total_ns"):
        s = sum(int(g[f]) for g in mine if g[f])
        if s != int(w[f]):
            bad.append("%s: %s over the intervals %d, the whole trace %s" % (e, f, s, w[f]))
    d = [g for g in mine if g["min_ns"]]
    if d and (min(int(g["min_ns"]) for g in d) != int(w["min_ns"]) or
              max(int(g["max_ns"]) for g in d) != int(w["max_ns"])):
        bad.append("%s: the intervals' min/max are not the whole trace's" % e)
ks = sorted({int(g["interval"]) for g in ivs})
if len(ks) < 3:
    bad.append("only %d intervals with calls: %s" % (len(ks), ks))
last = ks[-1] if ks else 0
if int(whole[0]["intervalEnd"]) < origin + last * L:
    bad.append("the whole trace ends at %s, before interval %d" % (whole[0]["intervalEnd"], last))
nint = (int(whole[0]["intervalEnd"]) - origin) // L
# The table: the same intervals, in order, with their calls.
def clock(ns):
    return time.strftime("%H:%M:%S", time.localtime(ns // 10**9)) + ".%06d" % (ns % 10**9 // 1000)
def secs(ns):
    f = ("%09d" % (ns % 10**9)).rstrip("0")
    return "%d.%s" % (ns // 10**9, f + "0" * (3 - len(f)) if len(f) < 3 else f)
lines = open(text).read().splitlines()
heads = [l for l in lines if l.startswith(("interval", "whole trace"))]
# Each interval once, in order: its own header when it has calls (then
# its summary line); those without are "no calls" lines, alone or runs.
k = 1
for h in heads[:-1]:
    m = re.match(r"^intervals? (\d+)(?: to (\d+))?: ", h)
    a = int(m.group(1)) if m else -1
    b = int(m.group(2) or a) if m else -1
    s, e = origin + (a - 1) * L, origin + b * L
    empty = not any(x in ks for x in range(a, b + 1))
    want = "%s: %s to %s (%s s)%s" % ("interval %d" % a if a == b else "intervals %d to %d" % (a, b),
                                      clock(s), clock(e), secs(e - s), ": no calls" if empty else "")
    if a != k or h != want or (not empty and a != b):
        bad.append("table: '%s', want interval %d's header ('%s')" % (h, k, want))
    if not empty:
        calls = sum(int(g["calls"]) for g in ivs if int(g["interval"]) == a)
        nxt = lines[lines.index(h) + 1]
        if not nxt.startswith("ktrail summary: %d calls, " % calls):
            bad.append("table: interval %d is followed by '%s', want %d calls" % (a, nxt, calls))
    k = b + 1
if k != nint + 1:
    bad.append("table: intervals up to %d, the CSV's whole trace has %d" % (k - 1, nint))
want = "whole trace: %s to %s (%d intervals of 0.400 s)" % (
    clock(origin), clock(int(whole[0]["intervalEnd"])), nint)
if heads[-1:] != [want]:
    bad.append("table: the last header '%s', want '%s'" % (heads[-1:], want))
if not any("no calls" in h for h in heads):
    bad.append("no interval without calls")
print("%d intervals (%d with calls: %s), %d rows compared with SQLite: %d differences"
      % (nint, len(ks), ks, len(got), len(bad)))
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY
verify() {
	python3 "$T/check.py" "$@" > "$T/check.out" 2>&1 || { cat "$T/check.out"; return 1; }
	cat "$T/check.out" >&2
}

# -- 1. live
: > "$T/sum.txt"
timeout -k 10 -s INT "$KT_TIMEOUT" "$KTRAIL" -q -e $ev --interval $IV -o csv:"$T/rows.csv" \
	-o summary-csv:"$T/sum.csv" -o summary:"$T/sum.txt" --overwrite \
	-- "$DURWORK" 900 900 900 > "$T/wl.txt" 2> "$T/err" < /dev/null &
kpid=$!
kt_bg $kpid
# The first interval is written while the trace runs: the file has it, and
# not yet the whole trace, at some point.
live=no
for _ in $(seq 600); do
	if grep -q '^interval 1: ' "$T/sum.txt" 2> /dev/null; then
		if ! grep -q '^whole trace' "$T/sum.txt" && kill -0 $kpid 2> /dev/null; then
			live=yes
		fi
		break
	fi
	kill -0 $kpid 2> /dev/null || break
	sleep 0.05
done
rc=0
wait $kpid || rc=$?
[ $rc = 0 ] || { show "$T/err"; show "$T/wl.txt"; fail "ktrail --interval -- durwork exited $rc"; }
[ $live = yes ] || { show "$T/sum.txt"; fail "interval 1 was not written while the trace ran"; }
verify "$T/sum.csv" "$T/rows.csv" "$T/sum.txt" live || fail "the live intervals (above)"
log "ok: live intervals, written as they end, equal SQLite's aggregation of the CSV"

# -- 2. record, report
run_ktrail record -q -e $ev -o "$T/r.ktr" -- "$DURWORK" 900 900 900 > /dev/null 2> "$T/rerr" \
	< /dev/null || { show "$T/rerr"; fail "ktrail record exited $?"; }
"$KTRAIL" report "$T/r.ktr" --interval $IV -o csv:"$T/rrows.csv" -o summary-csv:"$T/rsum.csv" \
	-o summary:"$T/rsum.txt" 2> "$T/rperr" || { show "$T/rperr"; fail "report exited $?"; }
verify "$T/rsum.csv" "$T/rrows.csv" "$T/rsum.txt" report || fail "the report's intervals (above)"
log "ok: a report's intervals from its first record equal SQLite's aggregation of its CSV"

# A trace-cmd trace.dat (the whole system: only durwork's rows reported).
tracedat() {
	local shim=$T/hide_ftrace_files.so inst=kti_$$ c
	local tev="-e task:task_newtask -e task:task_rename -e sched:sched_process_exec"

	command -v trace-cmd > /dev/null || { log "note: no trace-cmd: trace.dat not tried"; return 0; }
	cc -O2 -shared -fPIC -o "$shim" "${srcdir:-.}/bench/hide_ftrace_files.c" -ldl 2> /dev/null ||
		{ log "note: cannot build the trace-cmd shim: trace.dat not tried"; return 0; }
	for c in ${ev//,/ }; do
		tev="$tev -e syscalls:sys_enter_$c -e syscalls:sys_exit_$c"
	done
	# shellcheck disable=SC2086
	ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
	LD_PRELOAD=$shim timeout -k 10 120 trace-cmd record -q -d -B $inst $tev \
		-o "$T/trace.dat" "$DURWORK" 900 900 900 > /dev/null 2> "$T/tc.err" < /dev/null ||
		{ show "$T/tc.err"; log "note: trace-cmd record fails here: trace.dat not tried"; return 0; }
	[ -d "$TRACEFS/instances/$inst" ] && { rmdir "$TRACEFS/instances/$inst"; fail "trace-cmd left $inst"; }
	"$KTRAIL" report -q -e $ev --scope comm="$(comm_of "$DURWORK")" --interval $IV \
		-o csv:"$T/trows.csv" -o summary-csv:"$T/tsum.csv" -o summary:"$T/tsum.txt" \
		"$T/trace.dat" 2> "$T/terr"
	c=$?
	grep -q "built without libtracecmd" "$T/terr" &&
		{ log "note: ktrail without libtracecmd: trace.dat not tried"; return 0; }
	[ $c = 0 ] || { show "$T/terr"; fail "report of the trace.dat exited $c"; }
	verify "$T/tsum.csv" "$T/trows.csv" "$T/tsum.txt" report || fail "the trace.dat's intervals (above)"
	log "ok: a trace.dat's intervals equal SQLite's aggregation of its CSV"
}
tracedat

# -- 3. bad values and uses
bad() {	# bad MESSAGE ARGS...: exit 2 with MESSAGE
	local msg=$1 rc=0
	shift
	"$KTRAIL" "$@" > "$T/bad.out" 2> "$T/bad.err" < /dev/null || rc=$?
	[ $rc = 2 ] || { show "$T/bad.err"; fail "ktrail $*: exit $rc, want 2"; }
	grep -qxF "ktrail: $msg" "$T/bad.err" ||
		{ show "$T/bad.err"; fail "ktrail $*: not the message 'ktrail: $msg'"; }
	[ ! -s "$T/bad.out" ] || fail "ktrail $*: wrote to standard output"
}
bad "--interval '0': the interval must be longer than 0" -o summary --interval 0 -- true
bad "invalid --interval '-1' (a number of seconds, such as 1 or 0.5)" -o summary --interval -1 -- true
bad "invalid --interval 'soon' (a number of seconds, such as 1 or 0.5)" \
	report "$T/r.ktr" -o summary --interval soon
bad "--interval '0.0000000001': at most 9 decimals (a nanosecond)" \
	-o summary --interval 0.0000000001 -- true
bad "--interval needs a summary output (-o summary or -o summary-csv)" \
	report "$T/r.ktr" -o csv --interval 1
bad "--interval is an option of the summaries of a trace or of 'ktrail report' (record writes no summary; its report makes the intervals from the recorded times)" \
	record -o "$T/no.ktr" --interval 1 -- true
[ ! -e "$T/no.ktr" ] || fail "a refused record left $T/no.ktr"
log "ok: bad --interval values and uses are refused with exit 2"
assert_no_leftovers
