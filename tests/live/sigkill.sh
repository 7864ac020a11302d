#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGKILL of ktrail leaves nothing, with no `ktrail cleanup`: its guard
# sees ktrail's end at once (a pidfd) and removes the instance and the
# run's lock file, retrying while the dead process's files close.
#  - 20 times in a row: start, wait until tracing, SIGKILL, everything
#    gone within 5 s;
#  - ktrail -- sleep 5, SIGKILL 1.5 s in: everything gone within 1.5 s,
#    while the command still runs (no other process keeps the guard
#    waiting).
. "$TESTLIB"
require_root
require_tracefs
require_workload
I=$TRACEFS/instances

for i in $(seq 1 20); do
	"$KTRAIL" -e ipc_msgq -o csv:"$T/k$i.csv" 2> "$T/k$i.err" < /dev/null &
	kt=$!
	kt_bg $kt
	wait_ready "$T/k$i.err" $kt
	name=$(instance_of "$T/k$i.err")
	[ -n "$name" ] || fail "run $i: the readiness line names no instance"
	[ -d "$I/$name" ] || fail "run $i: no instance $name while tracing"
	[ -f "/run/ktrail/$name.lock" ] || fail "run $i: no lock file for $name while tracing"
	kill -KILL $kt
	wait $kt 2> /dev/null
	kt_rmdir_at_exit "$I/$name"
	wait_gone "$I/$name" 5 || { show "$T/k$i.err"; fail "run $i: $name left 5 s after SIGKILL"; }
	wait_gone "/run/ktrail/$name.lock" 5 ||
		fail "run $i: /run/ktrail/$name.lock left 5 s after SIGKILL"
	grep -q "ktrail-guard" "$T/k$i.err" && { show "$T/k$i.err"; fail "run $i: the guard complained"; }
done
assert_no_leftovers
log "ok: 20 SIGKILLs in a row left nothing"

start=$(date +%s%N)
"$KTRAIL" -e ipc_msgq -o csv:"$T/sleep.csv" -- sleep 5 2> "$T/sleep.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/sleep.err" $kt
name=$(instance_of "$T/sleep.err")
[ -n "$name" ] || fail "-- sleep 5: the readiness line names no instance"
child=$(pgrep -P $kt -x sleep) || fail "-- sleep 5: ktrail $kt has no sleep child"
kt_bg $child
now=$(date +%s%N)
left=$((1500 - (now - start) / 1000000))
[ $left -gt 0 ] && sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
kill -KILL $kt
wait $kt 2> /dev/null
kt_rmdir_at_exit "$I/$name"
wait_gone "$I/$name" 2 ||
	fail "-- sleep 5: $name left 2 s after SIGKILL at 1.5 s"
gone=$(date +%s%N)
kill -0 $child 2> /dev/null || fail "-- sleep 5: sleep ended before the instance was gone"
wait_gone "/run/ktrail/$name.lock" 1 || fail "-- sleep 5: the lock file of $name is left"
log "ok: -- sleep 5: instance gone $(( (gone - start) / 1000000 )) ms after the start, sleep still running"
kill $child 2> /dev/null
assert_no_leftovers
