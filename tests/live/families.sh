#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The other families on this kernel: files, sockets and processes.
#  1. famwork's file and socket calls: every row exact (check_rows), with
#     --raw numbers, and the readable flags of the default rendering;
#  2. the process lifecycle: fork, exec and exit rows with the status
#     and the killing signal the workload saw; the process context
#     (parentProcessId, userId, namespaces) of every row.
. "$TESTLIB"
require_root
require_tracefs
require_python
[ -x "${FAMWORK:-}" ] || fail "FAMWORK='${FAMWORK:-}' is not an executable (run through make check)"
events=openat,pwrite64,close,unlinkat,socket,bind,connect

run_ktrail --raw -e $events -o csv:"$T/raw.csv" -o json:"$T/raw.jsonl" \
	-- "$FAMWORK" "$T" > "$T/wl.txt" 2> "$T/err" < /dev/null ||
	{ show "$T/err"; fail "ktrail --raw exited with $?"; }
"$CHECKER" --workload "$T/wl.txt" --csv "$T/raw.csv" --json "$T/raw.jsonl" \
	--events $events > "$T/check.txt" 2>&1 ||
	{ show "$T/check.txt"; fail "the file and socket rows differ from the workload's calls"; }

run_ktrail -e "$events,sched_process_*" -o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
	-- "$FAMWORK" "$T" > "$T/wl2.txt" 2> "$T/err2" < /dev/null ||
	{ show "$T/err2"; fail "ktrail exited with $?"; }

python3 - "$T/wl2.txt" "$T/out.csv" "$T/out.jsonl" "$FAMWORK" <<'EOF' || fail "see above"
import csv, json, re, sys

wl, csvf, jsonf, prog = sys.argv[1:]
bad = []
lines = open(wl).read().splitlines()
pid = int(re.search(r"^@@ start pid=(\d+)$", lines[0], re.M).group(1))
ctx = dict(kv.split("=") for kv in
           next(l for l in lines if l.startswith("# context")).split()[2:])
child = int(next(re.search(r"pid=(\d+)", l).group(1) for l in lines if l.startswith("# child")))
killed = int(next(re.search(r"pid=(\d+)", l).group(1) for l in lines if l.startswith("# killed")))
rows = list(csv.DictReader(open(csvf, newline="")))
jrows = [json.loads(l) for l in open(jsonf)]
if len(rows) != len(jrows):
    bad.append("csv has %d rows, json %d" % (len(rows), len(jrows)))

def expect(what, got, want):
    if got != want:
        bad.append("%s: %r, expected %r" % (what, got, want))

def find(ev, tid):
    r = [x for x in rows if x["eventName"] == ev and int(x["threadId"]) == tid]
    return r

# Readable arguments (the default): the workload's own flags by name.
op = [r for r in rows if r["eventName"] == "openat" and int(r["threadId"]) == pid]
expect("openat rows", len(op), 2)
if len(op) == 2:
    expect("openat flags", op[0]["flags"], "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC")
    expect("openat mode", op[0]["mode"], "0640")
    expect("openat dirfd", op[0]["dirfd"], "AT_FDCWD")
    expect("openat flags (O_RDONLY)", op[1]["flags"], "O_RDONLY")
    expect("openat returnValue", op[1]["returnValue"], "-2")
so = find("socket", pid)
expect("socket rows", len(so), 2)
for r in so:
    expect("socket domain", r["domain"], "AF_INET")
    expect("socket type", r["type"], "SOCK_DGRAM|SOCK_CLOEXEC")
jo = [j for j in jrows if j["eventName"] == "openat" and j["threadId"] == pid]
if jo:
    fl = next(a for a in jo[0]["args"] if a["name"] == "flags")
    expect("json openat flags", fl.get("value"), "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC")
    want = int(re.search(r"^@@ openat tid=\d+ ret=\d+ dirfd=-100 flags=(\d+)", "\n".join(lines), re.M).group(1))
    expect("json openat flags raw", fl.get("raw"), want)

# Lifecycle.
forks = [r for r in rows if r["eventName"] == "sched_process_fork" and int(r["processId"]) == pid]
expect("fork children", sorted(int(r["child_pid"]) for r in forks), sorted([child, killed]))
for r in forks:
    expect("fork parent_pid", int(r["parent_pid"]), pid)
    expect("fork parent_tid", int(r["parent_tid"]), pid)
    expect("fork child_tid", r["child_tid"], r["child_pid"])
ex = [r for r in rows if r["eventName"] == "sched_process_exec" and int(r["threadId"]) == pid]
expect("exec rows of the workload", len(ex), 1)
if ex:
    expect("exec cmdpath", ex[0]["cmdpath"], prog)
    expect("exec processName", ex[0]["processName"], "famwork")
def exit_of(p):
    e = [r for r in rows if r["eventName"] == "sched_process_exit" and int(r["threadId"]) == p]
    expect("exit rows of %d" % p, len(e), 1)
    return e[0] if e else {}
e = exit_of(child)
expect("child exit_code", e.get("exit_code"), "7")
expect("child signal_code", e.get("signal_code"), "0")
e = exit_of(killed)
expect("killed exit_code", e.get("exit_code"), "0")
expect("killed signal_code", e.get("signal_code"), "SIGTERM")
e = exit_of(pid)
expect("workload exit_code", e.get("exit_code"), "0")
expect("workload signal_code", e.get("signal_code"), "0")

# Process context of every row of the workload's process.
mine = [r for r in rows if r["processId"] and int(r["processId"]) == pid]
if len(mine) < 10:
    bad.append("only %d rows of the workload" % len(mine))
for r in mine:
    expect("%s parentProcessId" % r["eventName"], r["parentProcessId"], ctx["ppid"])
    expect("%s userId" % r["eventName"], r["userId"], ctx["uid"])
    expect("%s mountNamespace" % r["eventName"], r["mountNamespace"], ctx["mntns"])
    expect("%s pidNamespace" % r["eventName"], r["pidNamespace"], ctx["pidns"])
for j in jrows:
    if j["processId"] == pid:
        expect("json parentProcessId", str(j.get("parentProcessId")), ctx["ppid"])
        expect("json userId", str(j.get("userId")), ctx["uid"])
        expect("json mountNamespace", str(j.get("mountNamespace")), ctx["mntns"])
        expect("json pidNamespace", str(j.get("pidNamespace")), ctx["pidns"])
        break
# The children's rows: their parent is the workload.
for r in rows:
    if r["processId"] and int(r["processId"]) in (child, killed):
        expect("child parentProcessId", r["parentProcessId"], str(pid))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF
# A command killed by a task ktrail does not trace: the kernel reports
# SIGKILL in the dying thread whatever signal it was, so the cause is
# unknown (empty), never a wrong SIGKILL.
"$KTRAIL" -q -e sched_process_exit -o csv:"$T/ext.csv" -- sleep 30 2> "$T/ext.err" < /dev/null &
kt=$!
kt_bg $kt
sl=
for _ in $(seq 100); do
	sl=$(pgrep -P $kt -x sleep || true)
	[ -n "$sl" ] && break
	sleep 0.1
done
[ -n "$sl" ] || fail "the traced sleep did not start"
sleep 0.5
kill -TERM "$sl"
wait $kt || true
python3 - "$T/ext.csv" <<'EOF' || { show "$T/ext.err"; fail "outside kill: see above"; }
import csv, sys
r = [x for x in csv.DictReader(open(sys.argv[1])) if x["eventName"] == "sched_process_exit"]
if len(r) != 1 or (r[0]["exit_code"], r[0]["signal_code"]) != ("", ""):
    print("FAIL: outside SIGTERM: rows %r, want one with exit_code and signal_code empty"
          % [(x["exit_code"], x["signal_code"]) for x in r])
    sys.exit(1)
EOF
echo "PASS: families ($(grep -c '^@@ [a-z]' "$T/wl.txt") calls exact, lifecycle and context)"
