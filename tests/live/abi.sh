#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ABI of a 32-bit task comes from the file it runs, never from the path
# it was exec'd by, which the traced user controls (issue 13): a whole-
# system trace is held (SIGSTOP) while two i386 programs run and end, and
# their paths are then replaced, one by a FIFO (the old look-up blocked
# ktrail for good on it, SIGINT or not), one by a 64-bit program (it hid
# the 32-bit calls, uncounted).  Once ktrail goes on, every call of both
# must be in its rows, with the values ipc-i386.sh checks, and it must end
# on SIGINT.
. "$TESTLIB"
require_root
require_tracefs
require_workload
require_ipcwork32
case $(uname -m) in
x86_64 | aarch64 | arm64) ;;
*) skip "32-bit tasks are raw_syscalls' (compat) tasks on a 64-bit kernel only" ;;
esac
events=ipc_msgq,net_snd_rcv,mq_timedsend_time32,mq_timedreceive_time32

mkdir -m 0755 "$T/bin"
cp "$IPCWORK32" "$T/bin/fifo32"
cp "$IPCWORK32" "$T/bin/swap32"
"$KTRAIL" --compat on -e $events -o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
	2> "$T/ktrail.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/ktrail.err" $kt
grep -q ' [1-9][0-9]* raw_syscalls' "$T/ktrail.err" ||
	{ show "$T/ktrail.err"; fail "ktrail --compat on planned no raw_syscalls"; }
# ktrail decodes nothing now: both programs end before it sees their exec.
kill -STOP $kt
"$T/bin/fifo32" --fork --loops 2 > "$T/fifo.txt" < /dev/null ||
	{ kill -CONT $kt; fail "fifo32 exited $?"; }
"$T/bin/swap32" --fork --loops 2 > "$T/swap.txt" < /dev/null ||
	{ kill -CONT $kt; fail "swap32 exited $?"; }
mv "$T/bin/fifo32" "$T/bin/fifo32.old"
mkfifo -m 0666 "$T/bin/fifo32"
mv "$T/bin/swap32" "$T/bin/swap32.old"
cp "$IPCWORK" "$T/bin/swap32"
kill -CONT $kt
sleep 1
kill -INT $kt
wait_exit $kt 20 || { show "$T/ktrail.err"; fail "ktrail hung: it did not end within 20 s of SIGINT"; }
rc=0
wait $kt || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail exited $rc, want 0"
if grep -q "raw_syscalls events of tasks whose ABI could not be told" "$T/ktrail.err"; then
	fail "some 32-bit calls were left unattributed"
fi
for wl in fifo swap; do
	check_rows --workload "$T/$wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" \
		--events "$events" --comm "${wl}32" --compat 1 ||
		fail "the rows of ${wl}32 (its path now a $([ $wl = fifo ] && echo FIFO || echo 64-bit program)) do not match the workload"
done
log "ok: i386 programs whose paths became a FIFO and a 64-bit program: all their calls attributed, no hang"
assert_no_leftovers
