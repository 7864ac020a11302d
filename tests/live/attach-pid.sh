#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -p PID: a process that is already running is traced from the moment
# ktrail is ready, with the child it forks then; another process making
# the same calls at the same time is not.
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv

mkfifo "$T/go" "$T/go2" || fail "mkfifo"
# Hold both fifos open read-write: the workloads' opens do not block, and
# they block in read() until a byte comes.
exec 7<> "$T/go" 8<> "$T/go2"
"$IPCWORK" --wait-stdin --fork --loops 2 < "$T/go" > "$T/wl.txt" &
wl=$!
kt_bg $wl
"$IPCWORK" --wait-stdin --fork --loops 2 < "$T/go2" > "$T/other.txt" &
other=$!
kt_bg $other
wait_line "$T/wl.txt" "^@@ start pid=$wl\$" $wl
wait_line "$T/other.txt" "^@@ start pid=$other\$" $other

"$KTRAIL" -p $wl -e $events -o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
	2> "$T/ktrail.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/ktrail.err" $kt

# Release both at once: the other one does its IPC while ktrail traces.
printf x >&7
printf x >&8
rc=0
wait $wl || rc=$?
[ $rc = 0 ] || { show "$T/wl.txt"; fail "the attached workload exited $rc"; }
rc=0
wait $other || rc=$?
[ $rc = 0 ] || { show "$T/other.txt"; fail "the other workload exited $rc"; }
exec 7>&- 8>&-

# ktrail may end by itself once the traced process is gone; else stop it.
kill -INT $kt 2> /dev/null
wait_exit $kt 10 || { show "$T/ktrail.err"; fail "ktrail -p did not exit within 10 s of SIGINT"; }
rc=0
wait $kt || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail -p exited $rc, want 0"

# The other workload's process and its child must not appear.
absent=()
while read -r p; do
	absent+=(--absent-pid "$p")
done < <(sed -n 's/^@@ start pid=\([0-9]*\).*/\1/p' "$T/other.txt")
[ ${#absent[@]} = 4 ] || fail "the other workload did not print its and its child's pid"
check_rows --workload "$T/wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" \
	--events $events --comm "$(comm_of "$IPCWORK")" "${absent[@]}" ||
	fail "ktrail's rows do not match the attached workload (see above)"
assert_no_leftovers
