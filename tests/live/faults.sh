#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults around a trace, each ending with a clear message, a well-formed
# output up to its last complete row, and nothing left in tracefs:
#  - the output disk fills up (a 600 KiB tmpfs; ktrail writes 256 KiB at
#    a time): exit 1, "No space left", the rows flushed before kept;
#  - the output pipe closes (| head): exit 4, "Broken pipe";
#  - the traced command is killed by SIGKILL: ktrail ends with its status
#    (128 + 9) and the rows of the calls it made before.
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv

# -- full disk
mnt=$T/small
mkdir -p "$mnt"
mount -t tmpfs -o size=600k ktrail-test "$mnt" || skip "cannot mount a tmpfs"
umount_small() { umount "$mnt" 2> /dev/null; }
rc=0
run_ktrail -e $events -o csv:"$mnt/out.csv" -- "$IPCWORK" --loops 400 \
	> /dev/null 2> "$T/disk.err" < /dev/null || rc=$?
show "$T/disk.err" "ktrail's stderr (full disk)"
size=$(stat -c %s "$mnt/out.csv" 2> /dev/null || echo 0)
cp "$mnt/out.csv" "$T/disk.csv" 2> /dev/null
umount_small
[ $rc = 1 ] || fail "full disk: ktrail exited $rc, want 1"
grep -q "writing $mnt/out.csv: No space left on device" "$T/disk.err" ||
	fail "full disk: no message naming the file and ENOSPC"
[ "$size" -gt 262144 ] || fail "full disk: only $size bytes kept, want the first flushes' rows"
[ "$(tail -c 1 "$T/disk.csv" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "full disk: the file does not end with a complete row"
check_rows --csv "$T/disk.csv" --events $events ||
	fail "full disk: the file is not well-formed up to its last row"
log "ok: full disk: exit 1, $size bytes of whole rows, $(grep -o 'writing .*' "$T/disk.err")"
assert_no_leftovers

# -- closed pipe
run_ktrail -e $events -o csv -- "$IPCWORK" --loops 400 2> "$T/pipe.err" < /dev/null |
	head -n 3 > "$T/pipe.head"
rc=${PIPESTATUS[0]}
show "$T/pipe.err" "ktrail's stderr (closed pipe)"
[ $rc = 4 ] || fail "closed pipe: ktrail exited $rc, want 4"
grep -Fxq "ktrail: writing standard output: Broken pipe (its reader closed it): stopped there" \
	"$T/pipe.err" || fail "closed pipe: no message about the pipe"
head -n 1 "$T/pipe.head" | grep -q '^timestamp,processorId,' ||
	fail "closed pipe: the first line read was not the CSV header"
log "ok: closed pipe: exit 4, $(grep -o 'writing .*' "$T/pipe.err")"
assert_no_leftovers

# -- the traced command killed, in the middle of its calls
"$KTRAIL" -e $events -o csv:"$T/killed.csv" -- "$IPCWORK" --loops 1000000 \
	> "$T/killed.wl" 2> "$T/killed.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/killed.err" $kt
wait_line "$T/killed.wl" '^@@ msgsnd ' $kt
wl=$(sed -n 's/^@@ start pid=\([0-9]*\)$/\1/p' "$T/killed.wl")
kill -KILL "$wl"
wait_exit $kt 10 || fail "ktrail did not end within 10 s of its command's death"
rc=0
wait $kt || rc=$?
show "$T/killed.err" "ktrail's stderr (command killed)"
[ $rc = 137 ] || fail "command killed: ktrail exited $rc, want 137 (128 + SIGKILL)"
rows=$(($(wc -l < "$T/killed.csv") - 1))
[ "$rows" -gt 0 ] || fail "command killed: no rows of the calls it made"
check_rows --csv "$T/killed.csv" --events $events ||
	fail "command killed: the CSV is not well-formed"
log "ok: command killed by SIGKILL: exit 137, $rows rows"
assert_no_leftovers
