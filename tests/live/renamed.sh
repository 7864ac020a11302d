#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A live run is never taken for stale, whatever its process is named: a
# ktrail started through a link named otherwise (its process name is the
# link's) keeps tracing while another ktrail starts and `ktrail cleanup`
# runs, and writes every row of the workload.
. "$TESTLIB"
require_root
require_tracefs
require_workload
I=$TRACEFS/instances
EVENTS=ipc_msgq,net_snd_rcv

ln -s "$KTRAIL" "$T/tracer" || fail "cannot link $T/tracer to $KTRAIL"
mkfifo "$T/go" || fail "mkfifo"
exec 7<> "$T/go"
"$T/tracer" -e $EVENTS -o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
	-- "$IPCWORK" --fork --loops 2 --wait-stdin < "$T/go" > "$T/wl.txt" 2> "$T/tracer.err" &
kt=$!
kt_bg $kt
wait_ready "$T/tracer.err" $kt
[ "$(cat /proc/$kt/comm)" = tracer ] || fail "the run's process is named $(cat /proc/$kt/comm), want tracer"
name=$(instance_of "$T/tracer.err")
[ -n "$name" ] || fail "the readiness line names no instance"
wait_line "$T/wl.txt" "^@@ start" $kt

check_alive() {
	[ -d "$I/$name" ] || fail "$1 removed the live run's instance $name"
	[ -f "/run/ktrail/$name.lock" ] || fail "$1 removed the live run's lock file"
	[ "$(cat "$I/$name/tracing_on")" = 1 ] || fail "$1 turned the live run's tracing off"
	grep -q . "$I/$name/set_event" || fail "$1 disabled the live run's events"
}

rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup.out" "ktrail cleanup"
[ $rc = 0 ] || fail "ktrail cleanup exited $rc, want 0"
grep -q "$name" "$T/cleanup.out" && fail "ktrail cleanup named the live run $name"
check_alive "ktrail cleanup"

rc=0
run_ktrail -e ipc_msgq -o csv:"$T/second.csv" -- true 2> "$T/second.err" < /dev/null || rc=$?
show "$T/second.err" "the second ktrail's stderr"
[ $rc = 0 ] || fail "a second ktrail exited $rc, want 0"
grep -q "$name" "$T/second.err" && fail "the second ktrail named the live run $name"
check_alive "a second ktrail's start"

printf x >&7
exec 7>&-
wait_exit $kt 30 || fail "the renamed run did not end 30 s after its workload was let go"
rc=0
wait $kt || rc=$?
show "$T/tracer.err" "the renamed run's stderr"
[ $rc = 0 ] || fail "the renamed run exited $rc, want 0 (the workload's status)"
check_rows --workload "$T/wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" --events $EVENTS \
	--comm "$(comm_of "$IPCWORK")" || fail "the renamed run's rows do not match the workload"
assert_no_leftovers
