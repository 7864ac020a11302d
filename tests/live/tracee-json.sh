#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -o json is what released Tracee (0.24) decodes, line by line, as
# tests/live/tracee_schema.py checks it (Tracee's Event members and
# Argument.UnmarshalJSON's types and values, stricter):
#  1. the checker's own cases: it accepts Tracee's shapes and rejects C
#     type names, hex pointers, out-of-range numbers ...;
#  2. the IPC workload (--fork): every line decodes; -o json-v1 of the
#     same run does not (C type names); the workload's rows have its ids
#     in processId/threadId and hostProcessId/hostThreadId (the host's pid
#     namespace: equal), parentProcessId = hostParentProcessId, a
#     threadStartTime before their timestamp, executable.path the
#     workload's absolute path, cgroupId the inode of its cgroup v2
#     directory, containerId from its cgroup path (here ""), hostName this
#     host's; pointers are numbers;
#  3. a pid namespace (unshare --pid --fork): the shell that is its first
#     task has processId and threadId 1, parentProcessId 0 and its host
#     ids elsewhere; the workload it runs has the pid it printed (0 when
#     it ended before ktrail could read it, never the host's) and
#     parentProcessId 1;
#  4. a shell session over fs, proc, ipc and net: every line decodes;
#  5. record, then report -o json: every line decodes and the workload's
#     start time and path come back from the recording;
#  6. --sort: a shell that waits for ls (its wait4 enters before ls's
#     calls and ends after them): without, a line comes after a later
#     one; with, live and in a report, none does, and the lines are the
#     same (sorted) as the unsorted run's of the recording.
. "$TESTLIB"
require_root
require_tracefs
require_workload
SCHEMA=$(dirname "$CHECKER")/tracee_schema.py
[ -r "$SCHEMA" ] || fail "no $SCHEMA"

# 1. the checker can fail
python3 "$SCHEMA" --self-test > "$T/self.txt" 2>&1 || { show "$T/self.txt"; fail "the checker's self-test failed"; }
grep -q '^self-test: 3 good and 15 bad cases, 0 wrong$' "$T/self.txt" ||
	{ show "$T/self.txt"; fail "the checker's self-test did not run its cases"; }

decodes() {	# decodes FILE WHAT
	python3 "$SCHEMA" --types "$1" > "$T/schema.txt" 2>&1 ||
		{ show "$T/schema.txt"; fail "$2: lines Tracee's decoder would reject"; }
	log "ok: $2: $(tail -n 1 "$T/schema.txt")"
}

# 2. the IPC workload
rc=0
run_ktrail -e ipc -o json:"$T/ipc.jsonl" -o json-v1:"$T/v1.jsonl" \
	-- "$IPCWORK" --fork --loops 2 > "$T/wl.txt" 2> "$T/ktrail.err" < /dev/null || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail -e ipc -- ipcwork exited $rc"
decodes "$T/ipc.jsonl" "ipc workload"
for t in int32 uint64 trace.Pointer string; do
	grep -q "^type $t [1-9]" "$T/schema.txt" || { show "$T/schema.txt"; fail "no argument of type $t"; }
done
if python3 "$SCHEMA" "$T/v1.jsonl" > "$T/v1.txt" 2>&1; then
	fail "-o json-v1 (C type names) passed Tracee's decoder: the checker does not check types"
fi
grep -q "unrecognized argument type int$" "$T/v1.txt" || { show "$T/v1.txt"; fail "json-v1: not rejected for its C types"; }

cgpath=$(sed -n 's/^0:://p' /proc/self/cgroup)
cgroot=/sys/fs/cgroup
[ "$(stat -f -c %T "$cgroot" 2> /dev/null)" = cgroup2fs ] || cgroot=/sys/fs/cgroup/unified
cgid=0
[ "$(stat -f -c %T "$cgroot" 2> /dev/null)" = cgroup2fs ] && [ -n "$cgpath" ] &&
	cgid=$(stat -c %i "$cgroot$cgpath")
python3 - "$T/wl.txt" "$T/ipc.jsonl" "$(readlink -f "$IPCWORK")" "$cgid" "$(hostname)" \
	/proc/self/cgroup <<'EOF' || fail "see above"
import json, re, sys
wl, jf, exe, cgid, host, cgfile = sys.argv[1:]
pids = [int(m) for m in re.findall(r"^@@ start pid=(\d+)", open(wl).read(), re.M)]
cont = ""
m = re.search(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", open(cgfile).read())
if m:
    cont = m.group(0)
bad = []
rows = [json.loads(l) for l in open(jf)]
mine = [r for r in rows if r["hostProcessId"] in pids]
if len(pids) != 2 or not mine:
    bad.append("workload pids %s, %d of its rows" % (pids, len(mine)))
seen = set()
for r in mine:
    w = "%s of %d" % (r["eventName"], r["hostThreadId"])
    seen.add(r["hostProcessId"])
    def want(k, v):
        if r.get(k) != v:
            bad.append("%s: %s %r, want %r" % (w, k, r.get(k), v))
    want("processId", r["hostProcessId"])
    want("threadId", r["hostThreadId"])
    want("parentProcessId", r["hostParentProcessId"])
    want("executable", {"path": exe})
    want("cgroupId", int(cgid))
    want("containerId", cont)
    want("hostName", host)
    st = r.get("threadStartTime")
    if not isinstance(st, int) or not 0 < st <= r["timestamp"] or r["timestamp"] - st > 60 * 10**9:
        bad.append("%s: threadStartTime %r, timestamp %d" % (w, st, r["timestamp"]))
    for a in r["args"]:
        if a["type"] == "trace.Pointer" and not (a["value"] is None or isinstance(a["value"], int)):
            bad.append("%s: pointer %s = %r" % (w, a["name"], a["value"]))
if seen != set(pids):
    bad.append("rows of %s, want both workload processes %s" % (sorted(seen), pids))
child = [r for r in mine if r["hostProcessId"] == pids[1]]
if child and child[0]["hostParentProcessId"] != pids[0]:
    bad.append("the fork child's parent %r, want %d" % (child[0]["hostParentProcessId"], pids[0]))
for b in bad[:20]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF
log "ok: the workload's ids, start time, path, cgroup, container and host name"

# 3. a pid namespace
if unshare --pid --fork true 2> /dev/null; then
	rc=0
	run_ktrail -e ipc,wait4 -o json:"$T/ns.jsonl" \
		-- unshare --pid --fork sh -c "\"$IPCWORK\" --loops 1; sleep 1" \
		> "$T/nswl.txt" 2> "$T/ns.err" < /dev/null || rc=$?
	show "$T/ns.err" "ktrail's stderr"
	[ $rc = 0 ] || fail "ktrail -- unshare --pid ... exited $rc"
	decodes "$T/ns.jsonl" "pid namespace"
	python3 - "$T/nswl.txt" "$T/ns.jsonl" <<'EOF' || fail "see above"
import json, re, sys
wl, jf = sys.argv[1:]
nspid = int(re.search(r"^@@ start pid=(\d+)", open(wl).read(), re.M).group(1))
rows = [json.loads(l) for l in open(jf)]
bad = []
sh = [r for r in rows if r["eventName"] == "wait4" and r["processName"] == "sh"]
if not sh:
    bad.append("no wait4 of the namespace's shell")
for r in sh:
    if (r["processId"], r["threadId"], r.get("parentProcessId")) != (1, 1, 0) or r["hostProcessId"] == 1:
        bad.append("the namespace's shell: processId %r threadId %r parentProcessId %r hostProcessId %r"
                   % (r["processId"], r["threadId"], r.get("parentProcessId"), r["hostProcessId"]))
wk = [r for r in rows if r["eventName"].startswith("msg")]
if not wk:
    bad.append("no rows of the workload")
known = [r for r in wk if r["processId"] == nspid]
for r in wk:
    # its ids there, or 0 when it ended before ktrail could read them
    if r["processId"] not in (nspid, 0) or r["threadId"] != r["processId"] or \
            r.get("parentProcessId") != 1 or r["hostProcessId"] == r["processId"]:
        bad.append("workload row: processId %r threadId %r parentProcessId %r hostProcessId %r,"
                   " want %d (or 0), the same, 1 and another"
                   % (r["processId"], r["threadId"], r.get("parentProcessId"),
                      r["hostProcessId"], nspid))
print("pid namespace: shell %d rows, workload %d rows (%d with its namespace ids), pid %d there"
      % (len(sh), len(wk), len(known), nspid))
for b in bad[:20]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF
	log "ok: ids in the task's pid namespace"
else
	log "no pid namespaces here (unshare --pid failed): part 3 not run"
fi

# 4. a shell session
rc=0
run_ktrail -e fs,proc,ipc,net -o json:"$T/sh.jsonl" -- sh -c \
	"ls -la / > /dev/null; cat /etc/passwd | wc -l > /dev/null; echo hi > '$T/x'; rm '$T/x'; id > /dev/null" \
	> /dev/null 2> "$T/sh.err" < /dev/null || rc=$?
show "$T/sh.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail -- sh -c ... exited $rc"
[ "$(wc -l < "$T/sh.jsonl")" -ge 100 ] || fail "a shell session of $(wc -l < "$T/sh.jsonl") lines"
decodes "$T/sh.jsonl" "shell session"

# 5. a recording's report
rc=0
"$KTRAIL" record -e ipc -o "$T/r.ktr" -- "$IPCWORK" --loops 1 > "$T/rwl.txt" 2> "$T/rec.err" < /dev/null || rc=$?
show "$T/rec.err" "ktrail record's stderr"
[ $rc = 0 ] || fail "ktrail record exited $rc"
"$KTRAIL" report "$T/r.ktr" -o json:"$T/rep.jsonl" 2> "$T/rep.err" || { show "$T/rep.err"; fail "report exited $?"; }
decodes "$T/rep.jsonl" "report of a recording"
python3 - "$T/rwl.txt" "$T/rep.jsonl" "$(readlink -f "$IPCWORK")" <<'EOF' || fail "see above"
import json, re, sys
wl, jf, exe = sys.argv[1:]
pid = int(re.search(r"^@@ start pid=(\d+)", open(wl).read(), re.M).group(1))
rows = [json.loads(l) for l in open(jf)]
mine = [r for r in rows if r["hostProcessId"] == pid]
bad = [] if mine else ["no rows of the workload"]
for r in mine:
    if r["executable"]["path"] != exe or not 0 < r["threadStartTime"] <= r["timestamp"] or \
            r["processId"] != pid:
        bad.append("%s: path %r start %r processId %r" % (r["eventName"], r["executable"]["path"],
                                                         r["threadStartTime"], r["processId"]))
for b in bad[:10]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
EOF
log "ok: report keeps the start time, path and ids"

# 6. --sort
inversions() {	# inversions FILE: lines whose timestamp is below the line before
	python3 -c '
import json, sys
ts = [json.loads(l)["timestamp"] for l in open(sys.argv[1])]
print(sum(1 for a, b in zip(ts, ts[1:]) if b < a))' "$1"
}
session='sleep 0.2 & ls -la /usr/bin > /dev/null; wait'
rc=0
run_ktrail -e fs,proc -o json:"$T/u.jsonl" -- sh -c "$session" > /dev/null 2> "$T/u.err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/u.err"; fail "ktrail -- sh -c ... exited $rc"; }
n=$(inversions "$T/u.jsonl")
[ "$n" -gt 0 ] || fail "without --sort, no line came after a later one: the --sort test proves nothing"
run_ktrail --sort -e fs,proc -o json:"$T/s.jsonl" -o csv:"$T/s.csv" -- sh -c "$session" \
	> /dev/null 2> "$T/s.err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/s.err"; fail "ktrail --sort -- sh -c ... exited $rc"; }
decodes "$T/s.jsonl" "--sort"
[ "$(inversions "$T/s.jsonl")" = 0 ] || fail "--sort: $(inversions "$T/s.jsonl") lines before an earlier one"
[ "$(wc -l < "$T/s.jsonl")" = "$(($(wc -l < "$T/s.csv") - 1))" ] || fail "--sort: JSON and CSV differ in rows"
"$KTRAIL" record -e fs,proc -o "$T/s.ktr" -- sh -c "$session" > /dev/null 2> "$T/rs.err" < /dev/null ||
	{ show "$T/rs.err"; fail "ktrail record exited $?"; }
"$KTRAIL" report "$T/s.ktr" -o json:"$T/ru.jsonl" 2> "$T/ru.err" || { show "$T/ru.err"; fail "report exited $?"; }
"$KTRAIL" report --sort "$T/s.ktr" -o json:"$T/rs.jsonl" 2> "$T/rs2.err" || { show "$T/rs2.err"; fail "report --sort exited $?"; }
[ "$(inversions "$T/rs.jsonl")" = 0 ] || fail "report --sort: $(inversions "$T/rs.jsonl") lines before an earlier one"
cmp -s <(sort "$T/ru.jsonl") <(sort "$T/rs.jsonl") || fail "report --sort: not the same lines as report"
grep -q "^ktrail: $(wc -l < "$T/rs.jsonl") records written" "$T/rs2.err" ||
	{ show "$T/rs2.err"; fail "report --sort: the count is not the lines written"; }
log "ok: --sort: $n lines out of order without, none with (live and report)"
assert_no_leftovers
