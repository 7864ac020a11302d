#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail record, then ktrail report of the file:
#  - with each reader, the report's CSV and JSON rows hold every call's
#    exact values, as a live trace's do;
#  - a recorded event filter holds in the report; report -e narrows;
#    an event that was not recorded is a usage error;
#  - recordings are compressed (zstd, format version 2) unless
#    --compress none (version 1); both report the same exact rows;
#  - a recording cut short, or damaged in its middle, is decoded up to
#    the damage and reported with its offset (exit 1), compressed or not;
#  - the recording's disk fills up: exit 1, the file keeps whole chunks
#    and its report decodes them, compressed or not;
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
	grep -q "format version 2, complete" "$T/info.txt" || fail "--info: not complete"
	grep -Eq "^sub-buffers: .*; [0-9]+ in all .* in [1-9][0-9]* zstd chunks" "$T/info.txt" ||
		fail "--info does not count the compressed chunks"
	grep -q "  reader: ${reader/auto/read}" "$T/info.txt" ||
		fail "--info does not name reader ${reader/auto/read} (--reader $reader)"
	# record's clock is local (the cheapest per event) unless --clock says
	grep -q "  clock: local" "$T/info.txt" || fail "--info: the recording's clock is not local"
	log "ok: --reader $reader: recorded, reported, every call exact"
done
rec=$T/mmap.ktr
cp "$T/wl.txt" "$T/wl-full.txt"

# -- --compress none: version 1 (what older ktrail reads), the same rows
prec=$T/plain.ktr
record read "$prec" -e $events --compress none
"$KTRAIL" report -q "$prec" -o csv:"$T/plain.csv" -o json:"$T/plain.jsonl" ||
	fail "report of the --compress none recording exited $?"
check_rows --workload "$T/wl.txt" --csv "$T/plain.csv" --json "$T/plain.jsonl" \
	--events $events --comm "$(comm_of "$IPCWORK")" ||
	fail "the report of the --compress none recording does not match the workload"
"$KTRAIL" report --info "$prec" | grep -q "format version 1, complete" ||
	fail "--compress none: not a complete version 1 recording"
grep -Eq "sub-buffers \([0-9.]+ MiB\) recorded" "$T/rec.err" ||
	fail "--compress none: the summary speaks of compression"
for bad in zstd:0 zstd:20 lz4 zstd:; do
	rc=0
	"$KTRAIL" record --compress "$bad" -o "$T/x.ktr" -- true 2> "$T/x.err" || rc=$?
	[ $rc = 2 ] && grep -q "invalid --compress '$bad' (use zstd, zstd:LEVEL with LEVEL 1 to 19, or none)" \
		"$T/x.err" || fail "--compress $bad: exit $rc ($(cat "$T/x.err")), want 2 and a message"
	[ ! -e "$T/x.ktr" ] || fail "--compress $bad created the recording"
done
rc=0
"$KTRAIL" report --compress none "$prec" 2> "$T/x.err" || rc=$?
[ $rc = 2 ] && grep -q "^ktrail: --compress is an option of 'ktrail record'" "$T/x.err" ||
	fail "report --compress: exit $rc ($(cat "$T/x.err")), want 2 and a message"
# a higher level reads the same
record read "$T/z9.ktr" -e $events --compress zstd:9
"$KTRAIL" report -q "$T/z9.ktr" -o csv:"$T/z9.csv" || fail "report of the zstd:9 recording: $?"
check_rows --workload "$T/wl.txt" --csv "$T/z9.csv" --events $events \
	--comm "$(comm_of "$IPCWORK")" || fail "the zstd:9 recording does not match the workload"
log "ok: --compress none (version 1), zstd:9: every call exact; bad levels refused"

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

# -- a recording cut short: the plain one in its last sub-buffer, the
#    compressed one in the middle of its last ZPAGES chunk
event_cols() { cut -d, -f1,2,4,10-; }
cut_check() {	# cut_check NAME WHOLE.csv CUT.ktr MIN_ROWS
	local name=$1 wcsv=$2 cutf=$3 min=$4 full n bad rc=0
	full=$(tail -n +2 "$wcsv" | wc -l)
	"$KTRAIL" report -q "$cutf" -o csv:"$T/$name.csv" 2> "$T/$name.err" || rc=$?
	show "$T/$name.err" "report of the $name recording"
	[ $rc = 1 ] || fail "report of a $name recording exited $rc, want 1"
	grep -Eq "$(basename "$cutf"): offset [0-9]+: truncated: .*; everything before it was decoded" \
		"$T/$name.err" ||
		fail "report of a $name recording: no message naming the truncation and its offset"
	check_rows --csv "$T/$name.csv" --events $events ||
		fail "report of a $name recording: the CSV is not well-formed"
	n=$(tail -n +2 "$T/$name.csv" | wc -l)
	[ "$n" -ge "$min" ] && [ "$n" -le "$full" ] ||
		fail "report of a $name recording: $n rows, want at least $min and at most the $full of the whole"
	# What was decoded before the cut is what the whole recording says: every
	# complete row of the cut one is a row of the whole (the calls the cut
	# split are no_exit or no_enter rows instead), as far as the event itself
	# goes.  A task's process id, name and context may come from a task event
	# the cut took: sub-buffers are written as they are read, and the one a
	# fork's task_newtask is in can be read after the child's first ones.
	bad=$(grep ',complete,' "$T/$name.csv" | event_cols |
		grep -vxFf <(event_cols < "$wcsv") | wc -l)
	[ "$bad" = 0 ] || fail "report of a $name recording: $bad complete rows the whole recording lacks"
	log "ok: $name recording: exit 1, $(grep -o 'offset [0-9]*: truncated: [A-Z]* chunk' "$T/$name.err")," \
		"$n rows decoded"
}
size=$(stat -c %s "$prec")
head -c $((size - 2000)) "$prec" > "$T/cut.ktr"
cut_check cut "$T/plain.csv" "$T/cut.ktr" 1
# Compressed: cut in the middle of its last ZPAGES chunk; the chunks before
# it decode (rows are wanted when there is one).
before=$(python3 - "$rec" "$T/zcut.ktr" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off, last, n = 16, None, 0
while off + 24 <= len(data):
    sync, typ, cpu, ln = struct.unpack_from('<IHHI', data, off)
    if typ == 9:
        last, n = off, n + 1
    off += 24 + ln
ln = struct.unpack_from('<I', data, last + 8)[0]
open(sys.argv[2], 'wb').write(data[:last + 24 + ln // 2])
print(n - 1)
EOF
)
cut_check zcut "$T/mmap.csv" "$T/zcut.ktr" $((before > 0 ? 1 : 0))
grep -Eq "zcut.ktr: offset [0-9]+: truncated: ZPAGES chunk of [0-9]+ bytes, [0-9]+ left in the file" \
	"$T/zcut.err" || fail "report of a cut compressed recording: the ZPAGES chunk is not named"

# -- a recording damaged in its middle: a page's chunk header overwritten;
#    a byte of a compressed payload flipped
damage() {	# damage IN OUT TYPE header|payload: in the first chunk of TYPE
	python3 - "$@" <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
off = 16
while off + 24 <= len(data):
    sync, typ, cpu, ln = struct.unpack_from('<IHHI', data, off)
    if typ == int(sys.argv[3]):
        if sys.argv[4] == 'header':
            data[off:off + 4] = b'JUNK'
        else:
            data[off + 24 + ln // 2] ^= 0x5a
        break
    off += 24 + ln
open(sys.argv[2], 'wb').write(data)
print(off)
EOF
}
damage "$prec" "$T/bad.ktr" 6 header > /dev/null
rc=0
"$KTRAIL" report -q "$T/bad.ktr" -o csv:"$T/bad.csv" 2> "$T/bad.err" || rc=$?
show "$T/bad.err" "report of the damaged recording"
[ $rc = 1 ] && grep -Eq "bad.ktr: offset [0-9]+: corrupt: no chunk header here \(sync word 0x4b4e554a\)" \
	"$T/bad.err" || fail "report of a damaged recording: exit $rc, want 1 and the damage named"
log "ok: damaged recording: $(grep -o 'offset [0-9]*: corrupt[^;]*' "$T/bad.err")"
zoff=$(damage "$rec" "$T/zbad.ktr" 9 payload)
rc=0
"$KTRAIL" report -q "$T/zbad.ktr" -o csv:"$T/zbad.csv" 2> "$T/zbad.err" || rc=$?
show "$T/zbad.err" "report of the damaged compressed recording"
[ $rc = 1 ] && grep -Eq "zbad.ktr: offset $zoff: corrupt: ZPAGES chunk of [0-9]+ bytes fails its checksum \(0x[0-9a-f]{8}\); everything before it was decoded" \
	"$T/zbad.err" ||
	fail "report of a damaged compressed recording: exit $rc, want 1 and the damage named at offset $zoff"
rc=0
"$KTRAIL" report --info "$T/zbad.ktr" > "$T/zbad.info" || rc=$?
[ $rc = 1 ] && grep -q "damage at offset $zoff: corrupt: ZPAGES chunk" "$T/zbad.info" ||
	fail "--info of a damaged compressed recording: exit $rc, want 1 and the damage named"
log "ok: damaged compressed recording: $(grep -o 'offset [0-9]*: corrupt[^;]*' "$T/zbad.err")"

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

# -- the recording's disk fills up (compressed: a smaller disk, with room
# for the descriptions, some 28 KB, and a first frame of sub-buffers)
full_disk() {	# full_disk SIZE [RECORD ARGS...]
	local size=$1 mnt=$T/small rc=0 n
	shift
	mkdir -p "$mnt"
	mount -t tmpfs -o size="$size" ktrail-test "$mnt" || skip "cannot mount a tmpfs"
	run_ktrail record -o "$mnt/full.ktr" -e $events,sched_process_exec "$@" \
		-- "$IPCWORK" --loops 1000 > /dev/null 2> "$T/full.err" < /dev/null || rc=$?
	show "$T/full.err" "ktrail record's stderr (full disk)"
	cp "$mnt/full.ktr" "$T/full.ktr" 2> /dev/null
	umount "$mnt"
	[ $rc = 1 ] && grep -q "writing $mnt/full.ktr: No space left on device" "$T/full.err" ||
		fail "full disk ($size): record exited $rc, want 1 and a message naming the file and ENOSPC"
	rc=0
	"$KTRAIL" report -q "$T/full.ktr" -o csv:"$T/full.csv" --overwrite 2> "$T/fullrep.err" || rc=$?
	show "$T/fullrep.err" "report of the recording cut by the full disk"
	[ $rc = 1 ] && grep -q "full.ktr: the recording has no end" "$T/fullrep.err" ||
		fail "report after a full disk ($size): exit $rc, want 1 and 'the recording has no end'"
	n=$(tail -n +2 "$T/full.csv" | wc -l)
	[ "$n" -gt 100 ] || fail "report after a full disk ($size): only $n rows decoded"
	log "ok: full disk ($size $*): record exit 1, the report decodes $n rows and says the" \
		"recording has no end"
}
full_disk 1m --compress none
full_disk 160k
assert_no_leftovers
