#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A syscall newer than Tracee's catalog, and a call that never returns:
#  1. fchmodat2 (ktrail's own id 20452, arguments from its tracepoint
#     format): newwork's two calls, every row exact (check_rows, --raw);
#  2. `-e fchmodat2,rt_sigreturn -o csv`: the same two rows, readable,
#     and exactly one rt_sigreturn (the signal handler's return) written
#     complete with an empty returnValue and duration, not no_exit; no lost
#     events.
. "$TESTLIB"
require_root
require_tracefs
require_python
[ -x "${NEWWORK:-}" ] || fail "NEWWORK='${NEWWORK:-}' is not an executable (run through make check)"
tfs=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -d "$tfs/events/syscalls/sys_enter_fchmodat2" ] || skip "this kernel has no fchmodat2 tracepoint"

run_ktrail --raw -e fchmodat2 -o csv:"$T/raw.csv" -o json:"$T/raw.jsonl" \
	-- "$NEWWORK" "$T" > "$T/wl.txt" 2> "$T/err" < /dev/null ||
	{ show "$T/err"; fail "ktrail --raw exited with $?"; }
grep -q '^# nosys' "$T/wl.txt" && skip "fchmodat2 got ENOSYS"
"$CHECKER" --workload "$T/wl.txt" --csv "$T/raw.csv" --json "$T/raw.jsonl" \
	--events fchmodat2 > "$T/check.txt" 2>&1 ||
	{ show "$T/check.txt"; fail "the fchmodat2 rows differ from the workload's calls"; }

run_ktrail -e fchmodat2,rt_sigreturn -o csv:"$T/out.csv" \
	-- "$NEWWORK" "$T" > "$T/wl2.txt" 2> "$T/err2" < /dev/null ||
	{ show "$T/err2"; fail "ktrail exited with $?"; }

python3 - "$T/wl2.txt" "$T/out.csv" "$T" <<'PY' || fail "see above"
import csv, re, sys

wl, csvf, d = sys.argv[1:]
bad = []
lines = open(wl).read().splitlines()
pid = int(re.search(r"^@@ start pid=(\d+)$", lines[0]).group(1))
sig = next(l for l in lines if l.startswith("# signal"))
if "handled=1" not in sig:
    bad.append("the workload's handler did not run: " + sig)
rows = list(csv.DictReader(open(csvf, newline="")))
mine = [r for r in rows if int(r["threadId"]) == pid]

def expect(what, got, want):
    if got != want:
        bad.append("%s: %r, expected %r" % (what, got, want))

# The CSV columns: the common ones, then fchmodat2's then rt_sigreturn's
# (none), then lost_events': exactly the catalog's.
head = open(csvf, newline="").readline().strip().split(",")
expect("columns after returnValue", head[head.index("returnValue") + 1:],
       ["duration", "dfd", "filename", "mode", "flags", "lost"])
expect("rows of the workload", [r["eventName"] for r in mine],
       ["fchmodat2", "fchmodat2", "rt_sigreturn"])
if len(mine) == 3:
    a, b, s = mine
    for r in (a, b):
        expect("fchmodat2 eventId", r["eventId"], "20452")
        expect("fchmodat2 state", r["state"], "complete")
        expect("fchmodat2 dfd", r["dfd"], "AT_FDCWD")
        expect("fchmodat2 filename (user memory: no kprobes)", r["filename"], "")
        if not r["duration"].isdigit():
            bad.append("fchmodat2 duration %r, expected nanoseconds" % r["duration"])
    expect("first fchmodat2 mode", a["mode"], "0640")
    expect("first fchmodat2 flags", a["flags"], "0")
    expect("first fchmodat2 returnValue", a["returnValue"], "0")
    expect("second fchmodat2 mode", b["mode"], "0644")
    expect("second fchmodat2 flags (no AT_ flag: a number)", b["flags"], "0x1")
    expect("second fchmodat2 returnValue", b["returnValue"], "-22")
    expect("rt_sigreturn eventId", s["eventId"], "15")
    expect("rt_sigreturn state", s["state"], "complete")
    expect("rt_sigreturn returnValue", s["returnValue"], "")
    expect("rt_sigreturn duration (it never returns)", s["duration"], "")
    expect("rt_sigreturn processId", s["processId"], str(pid))
# Nobody's rt_sigreturn is no_exit, and nothing was lost.
for r in rows:
    if r["eventName"] == "rt_sigreturn" and r["state"] != "complete":
        bad.append("rt_sigreturn of tid %s is %s" % (r["threadId"], r["state"]))
    if r["eventName"] == "lost_events":
        bad.append("lost events: %r" % r)
for b in bad:
    print("  " + b)
print("%d passed, %d failed" % (0 if bad else 1, len(bad)))
sys.exit(1 if bad else 0)
PY
echo "PASS: newcalls: fchmodat2 rows exact; rt_sigreturn complete, no returnValue"
