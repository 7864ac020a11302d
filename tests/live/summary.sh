#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -o summary and -o summary-csv (issue 14) are the aggregation of the rows
# the same run writes: one trace writes CSV and both summaries (per event
# and per process, in two runs), the CSV is loaded into SQLite and
# aggregated, and calls, errors, incomplete, total, min, max and avg must
# be equal exactly, the percentiles within the stated 0.4 % of the exact
# nearest-rank ones; the report of a recording gives the same summary as
# the report's own CSV.  The text table names the same figures.
. "$TESTLIB"
require_root
require_tracefs
require_workload
EVENTS=ipc_msgq,net_snd_rcv

# compare SUMMARY_CSV ROWS_CSV BY: the summary against SQLite's aggregation.
compare() {
	python3 - "$1" "$2" "$3" << 'PY' || fail "summary $1 differs from the aggregation of $2"
import csv, math, sqlite3, sys
summ, rows, by = sys.argv[1:]
db = sqlite3.connect(":memory:")
r = list(csv.DictReader(open(rows, newline="")))
has_dur = "duration" in (r[0].keys() if r else [])
db.execute("create table ev (eventName, processId, processName, state, ret, dur)")
for x in r:
    if x["eventName"] == "lost_events":
        continue
    ret = int(x["returnValue"]) if x["returnValue"] else None
    dur = int(x["duration"]) if has_dur and x["duration"] else None
    db.execute("insert into ev values (?,?,?,?,?,?)",
               (x["eventName"], int(x["processId"]), x["processName"], x["state"], ret, dur))
key = "eventName" if by == "event" else "eventName, processId"
agg = {}
for row in db.execute(f"""select {key}, count(*),
        sum(state = 'complete' and ret between -4095 and -1),
        sum(state != 'complete'), sum(dur), min(dur), max(dur), count(dur)
        from ev group by {key}"""):
    k = row[:-7]
    agg[k] = row[-7:]
bad = 0
got = list(csv.DictReader(open(summ, newline="")))
want_hdr = "eventName,calls,errors,total_ns,min_ns,avg_ns,p50_ns,p90_ns,p99_ns,max_ns"
if not open(summ).readline().startswith(want_hdr + ","):
    print("header:", open(summ).readline().strip()); bad += 1
if len(got) != len(agg):
    print("rows: %d in the summary, %d groups in the CSV" % (len(got), len(agg))); bad += 1
for g in got:
    k = (g["eventName"],) if by == "event" else (g["eventName"], int(g["processId"]))
    if k not in agg:
        print("no such group in the CSV:", k); bad += 1; continue
    calls, errors, inc, total, mn, mx, n = agg[k]
    want = {"calls": calls, "errors": errors, "incomplete": inc}
    if has_dur and n:
        want.update(total_ns=total, min_ns=mn, max_ns=mx, avg_ns=total // n)
        durs = sorted(d for (d,) in db.execute(
            f"select dur from ev where dur is not null and " +
            ("eventName = ?" if by == "event" else "eventName = ? and processId = ?"), k))
        for p in (50, 90, 99):
            e = durs[max(1, math.ceil(p * len(durs) / 100)) - 1]
            v = int(g["p%d_ns" % p])
            if abs(v - e) * 256 > e and not (e < 256 and v == e):
                print(k, "p%d" % p, v, "exact", e); bad += 1
    for f, w in want.items():
        if int(g[f]) != w:
            print(k, f, g[f], "want", w); bad += 1
print("%d summary rows compared with the CSV's aggregation%s: %d differences"
      % (len(got), " (durations too)" if has_dur else "", bad))
sys.exit(1 if bad else 0)
PY
}

rc=0
run_ktrail -e $EVENTS -o csv:"$T/rows.csv" -o summary-csv:"$T/sum.csv" -o summary:"$T/sum.txt" \
	-- "$IPCWORK" --fork --loops 20 > "$T/wl.txt" 2> "$T/err" < /dev/null || rc=$?
show "$T/err"
[ $rc = 0 ] || fail "the trace exited $rc"
compare "$T/sum.csv" "$T/rows.csv" event
# The text: its first line and one event's row, as the CSV has them.
calls=$(awk -F, 'NR > 1 { n += $2; e += $3 } END { print n " calls, " e " errors" }' "$T/sum.csv")
head -1 "$T/sum.txt" | grep -q "^ktrail summary: $calls, [0-9]* events$" ||
	fail "the summary's first line is '$(head -1 "$T/sum.txt")', want '$calls, N events'"
line=$(awk -F, '$1 == "msgrcv" { print $2 " " $3 }' "$T/sum.csv")
grep -Eq "^msgrcv +${line% *} +${line#* } " "$T/sum.txt" ||
	fail "no 'msgrcv ${line}' row in the text summary"
grep -q '^    \[.*) *[0-9]* |@*  *|$\|^    \[.*) *[0-9]* |@*|$' "$T/sum.txt" ||
	fail "the text summary has no histogram bar"
log "ok: the summary of a live trace is its CSV's aggregation"

# Per process, from a recording's report.
rc=0
run_ktrail record -e $EVENTS -o "$T/rec.ktr" -- "$IPCWORK" --fork --loops 20 \
	> /dev/null 2> "$T/rerr" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/rerr"; fail "the recording exited $rc"; }
"$KTRAIL" report "$T/rec.ktr" -o csv:"$T/rrows.csv" -o summary-csv:"$T/rsum.csv" \
	--summary-by process 2> "$T/rperr" || { show "$T/rperr"; fail "report exited $?"; }
compare "$T/rsum.csv" "$T/rrows.csv" process
n=$(awk -F, 'NR > 1 { print $12 }' "$T/rsum.csv" | sort -u | wc -l)
[ "$n" = 2 ] || fail "the per-process summary names $n processes, want 2 (the workload and its child)"
log "ok: the per-process summary of a report is its CSV's aggregation"

rc=0
"$KTRAIL" report "$T/rec.ktr" -o summary --summary-by nope > /dev/null 2> "$T/bad" || rc=$?
[ $rc = 2 ] || fail "--summary-by nope exited $rc, want 2"
grep -q "unknown --summary-by 'nope' (use event, process or thread)" "$T/bad" ||
	{ show "$T/bad"; fail "--summary-by nope: not the message wanted"; }
assert_no_leftovers
