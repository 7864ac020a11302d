#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ktrail cleanup` removes the objects of ktrail runs that are over and
# keeps those of running ones.
#
# A run ktrail_<pid>_<token> is over exactly when nobody holds the lock on
# /run/ktrail/<name>.lock (ktrail and its guard hold it while it runs);
# its instance and its lock file are then removed.  Without a lock file
# (a run of another mount namespace's /run) it is kept: its liveness is
# not known.  A lock file alone whose lock is free is removed.
# Instances ktrail_<pid> of earlier ktrail builds have no lock: they are
# removed when no process has that pid, and kept otherwise (ktrail_$$, the
# pid of this shell, included), whatever the process's name.
. "$TESTLIB"
require_root
require_tracefs
require_workload
command -v flock > /dev/null || skip "flock (util-linux) is needed to hold a run's lock"
I=$TRACEFS/instances
L=/run/ktrail

# A running ktrail first: starting a trace also removes stale instances.
"$KTRAIL" -e ipc_msgq -o csv:"$T/live.csv" 2> "$T/ktrail.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/ktrail.err" $kt
name=$(instance_of "$T/ktrail.err")
[ -n "$name" ] || fail "ktrail's readiness line names no instance"
[ -d "$I/$name" ] || fail "the running ktrail $kt has no instance $name"
[ -f "$L/$name.lock" ] || fail "the running ktrail $kt has no lock file $L/$name.lock"

# A live process named ktrail (a stand-in for an earlier ktrail build).
mkfifo "$T/go" || fail "mkfifo"
exec 7<> "$T/go"
"$IPCWORK" --comm ktrail --wait-stdin --loops 0 < "$T/go" > "$T/live.txt" &
live=$!
kt_bg $live
wait_line "$T/live.txt" "^@@ start" $live
[ "$(cat /proc/$live/comm)" = ktrail ] || fail "could not name pid $live ktrail"

# Runs of this build: over (lock free), live (a process holds the lock),
# unknown (no lock file); and a lock file alone, over.
tok() { printf '%016x' $(( (RANDOM << 45) ^ (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM )); }
over=ktrail_7_$(tok)
held=ktrail_8_$(tok)
nolock=ktrail_9_$(tok)
alone=ktrail_10_$(tok)
mkdir -p "$L" || fail "cannot create $L"
: > "$L/$over.lock" && : > "$L/$held.lock" && : > "$L/$alone.lock" ||
	fail "cannot create lock files in $L"
# The holder is the sleep itself (killed by its pid: the lock goes with
# it), holding nothing of this shell's (fd 9 is the live tests' lock).
( exec 9>&- 7>&- 8< "$L/$held.lock" && flock 8 && exec sleep 600 ) &
holder=$!
kt_bg $holder
i=0
until ! flock -n "$L/$held.lock" true; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the lock of $held was not taken"
	sleep 0.05
done

dead=$(dead_pid)
for d in ktrail_$dead ktrail_$live ktrail_$$ ktrail_notapid $over $held $nolock; do
	mkdir "$I/$d" || fail "cannot create the instance $d"
	kt_rmdir_at_exit "$I/$d"
done

rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup.out" "ktrail cleanup"
[ $rc = 0 ] || fail "ktrail cleanup exited $rc, want 0"
[ -d "$I/ktrail_$dead" ] && fail "ktrail_$dead (pid $dead does not exist) was kept"
grep -q "ktrail_$dead\$" "$T/cleanup.out" || fail "cleanup did not say it removed ktrail_$dead"
[ -d "$I/ktrail_$$" ] || fail "ktrail_$$ (an earlier build's name, pid $$ lives) was removed"
[ -d "$I/$name" ] || fail "the running ktrail's instance $name was removed"
[ -f "$L/$name.lock" ] || fail "the running ktrail's lock file $L/$name.lock was removed"
[ -d "$I/ktrail_$live" ] || fail "ktrail_$live (a live process named ktrail) was removed"
[ -d "$I/ktrail_notapid" ] || fail "ktrail_notapid (not a run's name) was removed"
[ -d "$I/$over" ] && fail "$over (nobody holds its lock) was kept"
[ -e "$L/$over.lock" ] && fail "the lock file of $over (nobody holds its lock) was kept"
grep -q "$over\$" "$T/cleanup.out" || fail "cleanup did not say it removed $over"
[ -d "$I/$held" ] || fail "$held (a process holds its lock) was removed"
[ -f "$L/$held.lock" ] || fail "the lock file of $held (a process holds its lock) was removed"
[ -d "$I/$nolock" ] || fail "$nolock (no lock file: not known to be over) was removed"
[ -e "$L/$alone.lock" ] && fail "the lock file $alone.lock alone (its lock free) was kept"
rmdir "$I/ktrail_$live" "$I/ktrail_notapid" "$I/ktrail_$$" "$I/$held" "$I/$nolock" ||
	fail "cannot remove the test's instances"
kill $holder
wait $holder 2> /dev/null
rm -f "$L/$held.lock"

# The running ktrail is unharmed: it stops normally and removes its own.
kill -INT $kt
wait_exit $kt 10 || fail "ktrail did not stop within 10 s of SIGINT"
rc=0
wait $kt || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "the running ktrail exited $rc after a cleanup, want 0"
[ -d "$I/$name" ] && fail "ktrail $kt left its instance"
[ -e "$L/$name.lock" ] && fail "ktrail $kt left its lock file"
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
