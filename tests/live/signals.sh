#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT, SIGTERM and SIGHUP end a whole-system trace normally: exit 0
# within 10 s, a CSV with its header and only complete rows (the calls made
# before the signal included), nothing left in tracefs.  After SIGKILL its
# guard removes the instance and the run's lock file; after SIGKILL of
# ktrail and its guard the instance is left behind (nobody holds its lock
# any more), and `ktrail cleanup` removes it.
. "$TESTLIB"
require_root
require_tracefs
require_workload

for sig in INT TERM HUP; do
	"$KTRAIL" -e ipc_msgq -o csv:"$T/$sig.csv" 2> "$T/$sig.err" < /dev/null &
	kt=$!
	kt_bg $kt
	wait_ready "$T/$sig.err" $kt
	"$IPCWORK" > "$T/$sig.wl" || { show "$T/$sig.wl"; fail "the workload failed"; }
	kill -$sig $kt
	if ! wait_exit $kt 10; then
		show "$T/$sig.err"
		kill -KILL $kt
		fail "ktrail still running 10 s after SIG$sig"
	fi
	rc=0
	wait $kt || rc=$?
	show "$T/$sig.err" "ktrail's stderr (SIG$sig)"
	[ $rc = 0 ] || fail "SIG$sig: ktrail exited $rc, want 0"
	# The whole system is traced: other processes' rows, maybe lost
	# events; the workload's own rows must all be there and complete.
	check_rows --workload "$T/$sig.wl" --csv "$T/$sig.csv" --events ipc_msgq \
		--allow-lost --comm "$(comm_of "$IPCWORK")" ||
		fail "SIG$sig: the CSV is malformed or lacks the workload's rows (see above)"
	assert_no_leftovers
	log "SIG$sig: ok"
done

# SIGKILL of ktrail: its guard (the process that kept root for the
# cleanup) sees it go and removes the instance.
"$KTRAIL" -e ipc_msgq -o csv:"$T/kill.csv" 2> "$T/kill.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/kill.err" $kt
name=$(instance_of "$T/kill.err")
[ -n "$name" ] || fail "ktrail's readiness line names no instance"
inst=$TRACEFS/instances/$name
[ -d "$inst" ] || fail "ktrail $kt is tracing but there is no $inst"
[ -f "/run/ktrail/$name.lock" ] || fail "ktrail $kt is tracing but there is no /run/ktrail/$name.lock"
guard=$(pgrep -P $kt -x ktrail-guard) || fail "ktrail $kt has no ktrail-guard child"
kill -KILL $kt
wait $kt 2> /dev/null
kt_rmdir_at_exit "$inst"
wait_exit "$guard" 10 || fail "the guard $guard is still there 10 s after ktrail's SIGKILL"
[ -d "$inst" ] && fail "$inst is left after SIGKILL: the guard did not remove it"
[ -e "/run/ktrail/$name.lock" ] && fail "/run/ktrail/$name.lock is left after SIGKILL"
log "ok: SIGKILL: the guard removed $name"

# SIGKILL of both: nothing can clean up; 'ktrail cleanup' removes it.
"$KTRAIL" -e ipc_msgq -o csv:"$T/kill2.csv" 2> "$T/kill2.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/kill2.err" $kt
name=$(instance_of "$T/kill2.err")
[ -n "$name" ] || fail "ktrail's readiness line names no instance"
inst=$TRACEFS/instances/$name
guard=$(pgrep -P $kt -x ktrail-guard) || fail "ktrail $kt has no ktrail-guard child"
kill -KILL $guard $kt
wait $kt 2> /dev/null
kt_rmdir_at_exit "$inst"
# The guard is not this shell's child: until it is reaped, its lock may
# still be held (a dying process closes its files after freeing its
# memory, slow under ASan), and cleanup rightly takes the run for live.
wait_exit "$guard" 10 || fail "the guard $guard is still there 10 s after its SIGKILL"
[ -d "$inst" ] || fail "no $inst after SIGKILL: was it not ktrail's?"
rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup.out" "ktrail cleanup"
[ $rc = 0 ] || fail "ktrail cleanup exited $rc, want 0"
[ -d "$inst" ] && fail "ktrail cleanup left $inst"
[ -e "/run/ktrail/$name.lock" ] && fail "ktrail cleanup left /run/ktrail/$name.lock"
grep -q "$name" "$T/cleanup.out" || fail "ktrail cleanup did not say it removed $name"
assert_no_leftovers
