#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ktrail cleanup` removes the instances of ktrail processes that are gone
# and keeps those of running ones.
#
# An instance ktrail_<pid> is stale when no ktrail runs as <pid>: the pid is
# dead, or it was reused by a process that is not a ktrail (a ktrail killed
# by SIGKILL long ago).  So ktrail_$$ - the pid of this shell - is stale
# too; ktrail_<pid of a live process named ktrail> is not.
. "$TESTLIB"
require_root
require_tracefs
require_workload
I=$TRACEFS/instances

# A running ktrail first: starting a trace also removes stale instances.
"$KTRAIL" -e ipc_msgq -o csv:"$T/live.csv" 2> "$T/ktrail.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/ktrail.err" $kt
[ -d "$I/ktrail_$kt" ] || fail "the running ktrail $kt has no instance ktrail_$kt"

# A live process named ktrail (a stand-in for another running ktrail).
mkfifo "$T/go" || fail "mkfifo"
exec 7<> "$T/go"
"$IPCWORK" --comm ktrail --wait-stdin --loops 0 < "$T/go" > "$T/live.txt" &
live=$!
kt_bg $live
wait_line "$T/live.txt" "^@@ start" $live
[ "$(cat /proc/$live/comm)" = ktrail ] || fail "could not name pid $live ktrail"

dead=$(dead_pid)
for d in ktrail_$dead ktrail_$live ktrail_$$ ktrail_notapid; do
	mkdir "$I/$d" || fail "cannot create the instance $d"
	kt_rmdir_at_exit "$I/$d"
done

rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup.out" "ktrail cleanup"
[ $rc = 0 ] || fail "ktrail cleanup exited $rc, want 0"
[ -d "$I/ktrail_$dead" ] && fail "ktrail_$dead (pid $dead does not exist) was kept"
grep -q "ktrail_$dead" "$T/cleanup.out" || fail "cleanup did not say it removed ktrail_$dead"
[ -d "$I/ktrail_$$" ] && fail "ktrail_$$ (pid $$ is a shell, not a ktrail) was kept"
[ -d "$I/ktrail_$kt" ] || fail "the running ktrail's instance ktrail_$kt was removed"
[ -d "$I/ktrail_$live" ] || fail "ktrail_$live (a live process named ktrail) was removed"
[ -d "$I/ktrail_notapid" ] || fail "ktrail_notapid (not ktrail_<pid>) was removed"
rmdir "$I/ktrail_$live" "$I/ktrail_notapid" || fail "cannot remove the test's instances"

# The running ktrail is unharmed: it stops normally and removes its own.
kill -INT $kt
wait_exit $kt 10 || fail "ktrail did not stop within 10 s of SIGINT"
rc=0
wait $kt || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "the running ktrail exited $rc after a cleanup, want 0"
[ -d "$I/ktrail_$kt" ] && fail "ktrail $kt left its instance"
printf x >&7
exec 7>&-
wait $live

# Nothing stale left: a second cleanup succeeds and removes nothing.
rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup2.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup2.out" "second ktrail cleanup"
[ $rc = 0 ] || fail "a second ktrail cleanup exited $rc, want 0"
grep -q "ktrail_[0-9]" "$T/cleanup2.out" && fail "the second cleanup removed something"
assert_no_leftovers
