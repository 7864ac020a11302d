#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail record, then ktrail report of the file:
#  - with each reader, the report's CSV and JSON rows hold every call's
#    exact values, as a live trace's do;
#  - a recorded event filter holds in the report; report -e narrows;
#    an event that was not recorded is a usage error;
#  - a recording cut short, or damaged in its middle, is decoded up to
#    the damage and reported with its offset (exit 1);
#  - the recording's disk fills up: exit 1, the file keeps whole chunks
#    and its report decodes them;
#  - a file that is not a recording: exit 1, a clear message;
# and nothing is left in tracefs.
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv

record() {	# record READER FILE [ARGS...] -- workload output in $T/wl.txt
	local reader=$1 file=$2 rc=0
	shift 2
	run_ktrail record --reader "$reader" -o "$file" "$@" \
		-- "$IPCWORK" --fork --loops 2 > "$T/wl.txt" 2> "$T/rec.err" < /dev/null || rc=$?
	show "$T/rec.err" "ktrail record's stderr"
	skip_if_unsupported $rc "$T/rec.err" "${reader/auto/}"
	[ $rc = 0 ] || fail "ktrail record --reader $reader exited $rc, want 0"
	grep -q "recording to $file" "$T/rec.err" || fail "record did not say where it records"
	grep -Eq "sub-buffers \(.* MiB\) recorded in $file, 0 events lost" "$T/rec.err" ||
		fail "record's summary is missing or reports losses"
	assert_no_leftovers
}

# auto: record reads whole sub-buffers (the mapping costs the traced
# tasks more, and a recording needs no low latency).
for reader in mmap read auto; do
	rec=$T/$reader.ktr
	record $reader "$rec" -e $events
	rc=0
	"$KTRAIL" report "$rec" -o csv:"$T/$reader.csv" -o json:"$T/$reader.jsonl" \
		2> "$T/rep.err" || rc=$?
	show "$T/rep.err" "ktrail report's stderr"
	[ $rc = 0 ] || fail "report of the $reader recording exited $rc, want 0"
	grep -q "records written from $rec (recorded on $(hostname), Linux $(uname -r) $(uname -m)" \
		"$T/rep.err" || fail "report does not name the recorded machine"
	check_rows --workload "$T/wl.txt" --csv "$T/$reader.csv" --json "$T/$reader.jsonl" \
		--events $events --comm "$(comm_of "$IPCWORK")" ||
		fail "the report of the $reader recording does not match the workload"
	"$KTRAIL" report --info "$rec" > "$T/info.txt" || fail "report --info exited $?"
	grep -q "format version 1, complete" "$T/info.txt" || fail "--info: not complete"
	grep -q "  reader: ${reader/auto/read}" "$T/info.txt" ||
		fail "--info does not name reader ${reader/auto/read} (--reader $reader)"
	# record's clock is local (the cheapest per event) unless --clock says
	grep -q "  clock: local" "$T/info.txt" || fail "--info: the recording's clock is not local"
	log "ok: --reader $reader: recorded, reported, every call exact"
done
rec=$T/mmap.ktr
cp "$T/wl.txt" "$T/wl-full.txt"

# -- report -e narrows; an event not recorded is a usage error
"$KTRAIL" report -q -e msgrcv "$rec" -o csv:"$T/msgrcv.csv" || fail "report -e msgrcv exited $?"
want=$(grep -c '^@@ msgrcv ' "$T/wl-full.txt")
got=$(tail -n +2 "$T/msgrcv.csv" | grep -c ',msgrcv,')
others=$(tail -n +2 "$T/msgrcv.csv" | grep -vc ',msgrcv,' || true)
[ "$got" = "$want" ] && [ "$others" = 0 ] ||
	fail "report -e msgrcv: $got msgrcv rows and $others others, want $want and 0"
head -n 1 "$T/msgrcv.csv" | grep -q ',returnValue,duration,msqid,msgp,msgsz,msgtyp,msgflg,lost$' ||
	fail "report -e msgrcv: the header is not msgrcv's columns"
rc=0
"$KTRAIL" report -e sched_process_exec "$rec" -o csv:"$T/x.csv" 2> "$T/x.err" || rc=$?
[ $rc = 2 ] && grep -q "event sched_process_exec was not recorded" "$T/x.err" ||
	fail "report of an event not recorded: exit $rc ($(cat "$T/x.err")), want 2 and a message"
log "ok: report -e msgrcv keeps the $want msgrcv calls; an event not recorded is refused"

# -- a recorded filter holds in the report
frec=$T/filter.ktr
record read "$frec" -e ipc_msgq -e 'msgsnd.data.msgsz=16'
"$KTRAIL" report -q "$frec" -o csv:"$T/filter.csv" || fail "report of the filtered recording: $?"
want=$(grep -c '^@@ msgsnd .* msgsz=16 ' "$T/wl.txt")
got=$(tail -n +2 "$T/filter.csv" | grep -c ',msgsnd,')
wrcv=$(grep -c '^@@ msgrcv ' "$T/wl.txt")
grcv=$(tail -n +2 "$T/filter.csv" | grep -c ',msgrcv,')
[ "$want" -gt 0 ] && [ "$got" = "$want" ] && [ "$grcv" = "$wrcv" ] ||
	fail "filtered recording: $got msgsnd rows (want $want of msgsz 16), $grcv msgrcv (want $wrcv)"
log "ok: msgsnd.data.msgsz=16 recorded and reported: $got msgsnd rows, all $grcv msgrcv rows"

# -- a recording cut short, in its last sub-buffer
size=$(stat -c %s "$rec")
head -c $((size - 2000)) "$rec" > "$T/cut.ktr"
full=$(tail -n +2 "$T/mmap.csv" | wc -l)
rc=0
"$KTRAIL" report -q "$T/cut.ktr" -o csv:"$T/cut.csv" 2> "$T/cut.err" || rc=$?
show "$T/cut.err" "report of the cut recording"
[ $rc = 1 ] || fail "report of a cut recording exited $rc, want 1"
grep -Eq "cut.ktr: offset [0-9]+: truncated: .*; everything before it was decoded" "$T/cut.err" ||
	fail "report of a cut recording: no message naming the truncation and its offset"
check_rows --csv "$T/cut.csv" --events $events ||
	fail "report of a cut recording: the CSV is not well-formed"
n=$(tail -n +2 "$T/cut.csv" | wc -l)
[ "$n" -gt 0 ] && [ "$n" -le "$full" ] ||
	fail "report of a cut recording: $n rows, want some, and at most the $full of the whole"
# What was decoded before the cut is what the whole recording says: every
# complete row of the cut one is a row of the whole (the calls the cut
# split are no_exit or no_enter rows instead), as far as the event itself
# goes.  A task's process id, name and context may come from a task event
# the cut took: sub-buffers are written as they are read, and the one a
# fork's task_newtask is in can be read after the child's first ones.
event_cols() { cut -d, -f1,2,4,10-; }
bad=$(grep ',complete,' "$T/cut.csv" | event_cols |
	grep -vxFf <(event_cols < "$T/mmap.csv") | wc -l)
[ "$bad" = 0 ] || fail "report of a cut recording: $bad complete rows the whole recording lacks"
log "ok: cut recording: exit 1, $(grep -o 'offset [0-9]*: truncated' "$T/cut.err")," \
	"$(tail -n +2 "$T/cut.csv" | wc -l) rows decoded"

# -- a recording damaged in its middle: a page's chunk header overwritten
python3 - "$rec" "$T/bad.ktr" <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
off = 16
while off + 24 <= len(data):
    sync, typ, cpu, ln = struct.unpack_from('<IHHI', data, off)
    if typ == 6:            # the first PAGE chunk
        data[off:off + 4] = b'JUNK'
        break
    off += 24 + ln
open(sys.argv[2], 'wb').write(data)
print(off)
EOF
rc=0
"$KTRAIL" report -q "$T/bad.ktr" -o csv:"$T/bad.csv" 2> "$T/bad.err" || rc=$?
show "$T/bad.err" "report of the damaged recording"
[ $rc = 1 ] && grep -Eq "bad.ktr: offset [0-9]+: corrupt: no chunk header here \(sync word 0x4b4e554a\)" \
	"$T/bad.err" || fail "report of a damaged recording: exit $rc, want 1 and the damage named"
log "ok: damaged recording: $(grep -o 'offset [0-9]*: corrupt[^;]*' "$T/bad.err")"

# -- --clock: another trace clock, or one the kernel does not have
record read "$T/boot.ktr" -e msgget --clock boot
"$KTRAIL" report --info "$T/boot.ktr" | grep -q "  clock: boot" || fail "--clock boot not recorded"
rc=0
"$KTRAIL" record --clock nosuch -o "$T/no.ktr" -e msgget -- true 2> "$T/clock.err" || rc=$?
[ $rc = 3 ] && grep -q "clock nosuch: this kernel has no such trace clock (it has: .*boot" \
	"$T/clock.err" || fail "--clock nosuch: exit $rc ($(cat "$T/clock.err")), want 3 and the list"
[ ! -e "$T/no.ktr" ] || fail "--clock nosuch created the recording"

# -- not a recording
rc=0
"$KTRAIL" report /etc/passwd -o csv:"$T/p.csv" 2> "$T/p.err" || rc=$?
[ $rc = 1 ] && grep -q "not a ktrail recording" "$T/p.err" ||
	fail "report of /etc/passwd: exit $rc ($(cat "$T/p.err")), want 1 and a clear message"
[ ! -e "$T/p.csv" ] || fail "report of /etc/passwd created its output"

# -- the recording's disk fills up
mnt=$T/small
mkdir -p "$mnt"
mount -t tmpfs -o size=1m ktrail-test "$mnt" || skip "cannot mount a tmpfs"
rc=0
run_ktrail record -o "$mnt/full.ktr" -e $events,sched_process_exec -- "$IPCWORK" --loops 1000 \
	> /dev/null 2> "$T/full.err" < /dev/null || rc=$?
show "$T/full.err" "ktrail record's stderr (full disk)"
cp "$mnt/full.ktr" "$T/full.ktr" 2> /dev/null
umount "$mnt"
[ $rc = 1 ] && grep -q "writing $mnt/full.ktr: No space left on device" "$T/full.err" ||
	fail "full disk: record exited $rc, want 1 and a message naming the file and ENOSPC"
rc=0
"$KTRAIL" report -q "$T/full.ktr" -o csv:"$T/full.csv" 2> "$T/fullrep.err" || rc=$?
show "$T/fullrep.err" "report of the recording cut by the full disk"
[ $rc = 1 ] && grep -q "full.ktr: the recording has no end" "$T/fullrep.err" ||
	fail "report after a full disk: exit $rc, want 1 and 'the recording has no end'"
n=$(tail -n +2 "$T/full.csv" | wc -l)
[ "$n" -gt 100 ] || fail "report after a full disk: only $n rows decoded"
log "ok: full disk: record exit 1, the report decodes $n rows and says the recording has no end"
assert_no_leftovers
