#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Streamed recordings: ktrail record -o - writes the recording to standard
# output, ktrail report - decodes it from standard input as it arrives:
#  - through a pipe and through nc on 127.0.0.1, the CSV and JSON rows
#    hold every call's exact values (the command's own output goes to
#    standard error);
#  - rows come out while the recording still runs (ROUND chunks);
#  - a stream cut short, or damaged, is decoded up to the damage, named
#    with its offset (exit 1); a plain (version 1) recording streams too;
#    report - --info describes a stream;
#  - -o - to a terminal, report - from a terminal: refused (exit 2);
#  - the reader of the stream goes away: record stops, exit 4, no leftovers.
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv
comm=$(comm_of "$IPCWORK")

# -- through a pipe
rc=0
set +e
run_ktrail record -o - -e $events -- "$IPCWORK" --fork --loops 2 2> "$T/rec.err" < /dev/null |
	"$KTRAIL" report - -o csv:"$T/pipe.csv" -o json:"$T/pipe.jsonl" 2> "$T/rep.err"
st=("${PIPESTATUS[@]}")
set -e
show "$T/rec.err" "ktrail record -o -'s stderr (and the workload's output)"
show "$T/rep.err" "ktrail report -'s stderr"
skip_if_unsupported "${st[0]}" "$T/rec.err"
[ "${st[0]}" = 0 ] && [ "${st[1]}" = 0 ] ||
	fail "record -o - | report -: exit ${st[0]} and ${st[1]}, want 0 and 0"
grep -q "recording to standard output" "$T/rec.err" || fail "record does not say it records to standard output"
grep -Eq "sub-buffers \(.* MiB\) recorded to standard output, 0 events lost" "$T/rec.err" ||
	fail "record -o -: no summary, or losses"
grep -q "records written from standard input (recorded on $(hostname)" "$T/rep.err" ||
	fail "report -: the summary does not name standard input"
# the workload printed to standard output: it went to standard error
check_rows --workload "$T/rec.err" --csv "$T/pipe.csv" --json "$T/pipe.jsonl" --events $events \
	--comm "$comm" || fail "record -o - | report -: the rows do not match the workload"
assert_no_leftovers
log "ok: through a pipe, every call exact"

# -- many rounds on both CPUs: merged as the stream arrives, the rows are
#    the very ones (and in the same order) the whole file gives
set +e
run_ktrail record -q -o - -e $events,sched_process_exec -- "$IPCWORK" --fork --loops 2000 \
	2> /dev/null < /dev/null | tee "$T/tee.ktr" | "$KTRAIL" report -q - -o csv:"$T/s.csv"
st=("${PIPESTATUS[@]}")
set -e
[ "${st[*]}" = "0 0 0" ] || fail "record -o - | tee | report -: exit ${st[*]}, want 0 0 0"
"$KTRAIL" report -q "$T/tee.ktr" -o csv:"$T/f.csv" || fail "report of the tee'd stream exited $?"
rounds=$(python3 - "$T/tee.ktr" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off, n = 16, 0
while off + 24 <= len(data):
    sync, typ, cpu, ln = struct.unpack_from('<IHHI', data, off)
    n += typ == 10
    off += 24 + ln
print(n)
EOF
)
rows=$(($(wc -l < "$T/f.csv") - 1))
[ "$rows" -ge 130000 ] || fail "the tee'd stream holds $rows rows, want the 132000 calls at least"
cmp -s "$T/s.csv" "$T/f.csv" ||
	fail "report - of the stream and report of its copy differ ($(diff "$T/s.csv" "$T/f.csv" | head -5))"
log "ok: $rows rows in $rounds rounds: the stream's report is the file's, byte for byte"

# -- through nc on 127.0.0.1 (no protocol of ktrail's: nc carries the bytes)
command -v nc > /dev/null || skip "nc (netcat-openbsd) is not installed"
port=$((20000 + $$ % 20000))
nc -d -l 127.0.0.1 "$port" 2> "$T/nc.err" |
	"$KTRAIL" report - -o csv:"$T/nc.csv" -o json:"$T/nc.jsonl" 2> "$T/ncrep.err" &
ncjob=$!
kt_bg $ncjob
i=0
while ! ss -ltnH "sport = :$port" 2> /dev/null | grep -q .; do
	[ $i -lt 100 ] || { show "$T/nc.err" "nc -l"; fail "nc -l 127.0.0.1 $port is not listening after 5 s"; }
	sleep 0.05
	i=$((i + 1))
done
rc=0
run_ktrail record -o - -e $events -- "$IPCWORK" --fork --loops 2 2> "$T/ncrec.err" < /dev/null |
	nc -N 127.0.0.1 "$port" || rc=$?
show "$T/ncrec.err" "ktrail record -o - | nc's stderr"
[ $rc = 0 ] || fail "ktrail record -o - | nc -N 127.0.0.1 $port: exit $rc"
wait_exit $ncjob 10 || fail "nc -l | ktrail report - did not end with the connection"
rc=0
wait $ncjob || rc=$?
show "$T/ncrep.err" "nc -l | ktrail report -'s stderr"
[ $rc = 0 ] || fail "nc -l | ktrail report -: exit $rc, want 0"
check_rows --workload "$T/ncrec.err" --csv "$T/nc.csv" --json "$T/nc.jsonl" --events $events \
	--comm "$comm" || fail "through nc: the rows do not match the workload"
assert_no_leftovers
log "ok: through nc on 127.0.0.1:$port, every call exact"

# -- live: rows come out while the recording runs
mkfifo "$T/fifo"
"$KTRAIL" report - -o csv:"$T/live.csv" < "$T/fifo" 2> "$T/liverep.err" &
repjob=$!
kt_bg $repjob
"$KTRAIL" record -o - -e $events -- sh -c "'$IPCWORK' --loops 2; echo '# workload over'; sleep 4" \
	> "$T/fifo" 2> "$T/liverec.err" < /dev/null &
recjob=$!
kt_bg $recjob
wait_line "$T/liverec.err" "# workload over" $recjob
i=0
got=0
while [ $i -lt 60 ] && [ "$got" -le 0 ]; do
	sleep 0.05
	got=$(($(wc -l < "$T/live.csv" 2> /dev/null || echo 1) - 1))
	i=$((i + 1))
done
sleep 0.5
got=$(($(wc -l < "$T/live.csv") - 1))
kill -0 $recjob 2> /dev/null || fail "the recording ended before the live check"
wait_exit $recjob 10 || fail "record did not end"
wait $recjob || fail "the live record exited $?"
wait_exit $repjob 10 || fail "report - did not end with the stream"
wait $repjob || fail "the live report exited $?"
check_rows --workload "$T/liverec.err" --csv "$T/live.csv" --events $events --comm "$comm" ||
	fail "live: the rows do not match the workload"
all=$(($(wc -l < "$T/live.csv") - 1))
[ "$got" -gt 0 ] && [ "$got" = "$all" ] ||
	fail "live: $got rows written while the recording ran (the workload over), want all $all"
log "ok: live: all $all rows written while the recording still ran"

# -- a stream cut short, damaged; a plain recording; --info
run_ktrail record -q -o "$T/z.ktr" -e $events -- "$IPCWORK" --fork --loops 2 > "$T/wl.txt" < /dev/null ||
	fail "record to a file exited $?"
run_ktrail record -q --compress none -o "$T/plain.ktr" -e $events -- "$IPCWORK" --fork --loops 2 \
	> "$T/wl-plain.txt" < /dev/null || fail "record --compress none exited $?"
rc=0
"$KTRAIL" report - -o csv:"$T/plain.csv" < <(cat "$T/plain.ktr") 2> "$T/plain.err" || rc=$?
[ $rc = 0 ] || { show "$T/plain.err"; fail "a plain recording through a pipe: exit $rc"; }
check_rows --workload "$T/wl-plain.txt" --csv "$T/plain.csv" --events $events --comm "$comm" ||
	fail "a plain recording through a pipe: the rows do not match the workload"
# a regular file on standard input is read as a file
"$KTRAIL" report -q - -o csv:"$T/redir.csv" < "$T/z.ktr" || fail "report - < FILE exited $?"
check_rows --workload "$T/wl.txt" --csv "$T/redir.csv" --events $events --comm "$comm" ||
	fail "report - < FILE: the rows do not match the workload"
size=$(stat -c %s "$T/z.ktr")
last=$(python3 - "$T/z.ktr" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
off, last = 16, None
while off + 24 <= len(data):
    sync, typ, cpu, ln = struct.unpack_from('<IHHI', data, off)
    if typ == 9:
        last = (off, ln)
    off += 24 + ln
print(last[0], last[1])
EOF
)
read -r zoff zlen <<< "$last"
rc=0
head -c $((zoff + 24 + zlen / 2)) "$T/z.ktr" | "$KTRAIL" report -q - -o csv:"$T/cut.csv" 2> "$T/cut.err" || rc=$?
show "$T/cut.err" "report - of a cut stream"
[ $rc = 1 ] && grep -q "^ktrail: report: standard input: offset $zoff: truncated: ZPAGES chunk of $zlen bytes, $((zlen / 2)) left in the stream; everything before it was decoded" \
	"$T/cut.err" || fail "a cut stream: exit $rc, want 1 and the truncation named at offset $zoff"
check_rows --csv "$T/cut.csv" --events $events || fail "a cut stream: the CSV is not well-formed"
rc=0
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); o = int(sys.argv[2])
d[o + 24 + 3] ^= 0x5a
sys.stdout.buffer.write(d)' "$T/z.ktr" "$zoff" | "$KTRAIL" report -q - -o csv:"$T/bad.csv" 2> "$T/bad.err" || rc=$?
show "$T/bad.err" "report - of a damaged stream"
[ $rc = 1 ] && grep -Eq "standard input: offset $zoff: corrupt: ZPAGES chunk of $zlen bytes fails its checksum" \
	"$T/bad.err" || fail "a damaged stream: exit $rc, want 1 and the damage named at offset $zoff"
rc=0
"$KTRAIL" report --info - < <(cat "$T/z.ktr") > "$T/info.txt" || rc=$?
[ $rc = 0 ] && grep -q "^recording standard input: $size bytes, format version 2, complete" "$T/info.txt" &&
	grep -Eq "^sub-buffers: .*[1-9][0-9]* in all .* in [1-9][0-9]* zstd chunks" "$T/info.txt" ||
	{ cat "$T/info.txt" >&2; fail "report --info - of a stream: exit $rc, or not the description"; }
rc=0
printf 'not a recording at all\n' | "$KTRAIL" report - -o csv:"$T/no.csv" 2> "$T/no.err" || rc=$?
[ $rc = 1 ] && grep -q "not a ktrail recording" "$T/no.err" ||
	fail "report - of junk: exit $rc ($(cat "$T/no.err")), want 1 and a clear message"
[ ! -e "$T/no.csv" ] || fail "report - of junk created its output"
log "ok: cut and damaged streams named at offset $zoff; a plain recording and a file on standard input; --info -"

# -- terminals refused
if command -v script > /dev/null; then
	script -qec "'$KTRAIL' record -o - -e msgget -- true" /dev/null > "$T/tty.out" 2>&1 && rc=0 || rc=$?
	[ $rc = 2 ] && grep -q "record -o -: standard output is a terminal" "$T/tty.out" ||
		fail "record -o - to a terminal: exit $rc ($(cat "$T/tty.out")), want 2 and a message"
	script -qec "'$KTRAIL' report - -o csv:$T/tty.csv" /dev/null > "$T/tty2.out" 2>&1 && rc=0 || rc=$?
	[ $rc = 2 ] && grep -q "report -: standard input is a terminal" "$T/tty2.out" ||
		fail "report - from a terminal: exit $rc ($(cat "$T/tty2.out")), want 2 and a message"
	[ ! -e "$T/tty.csv" ] || fail "report - from a terminal created its output"
	log "ok: -o - to a terminal and report - from one are refused"
else
	log "note: no script(1): the terminal checks are not run"
fi

# -- the stream's reader goes away: record stops with EPIPE (exit 4)
set +e
run_ktrail record -o - -e $events -- "$IPCWORK" --loops 2000 2> "$T/pipe.err" < /dev/null |
	head -c 100 > /dev/null
st=("${PIPESTATUS[@]}")
set -e
show "$T/pipe.err" "record -o - | head -c 100"
[ "${st[0]}" = 4 ] && grep -q "writing standard output: Broken pipe (its reader closed it)" "$T/pipe.err" ||
	fail "record -o - | head: exit ${st[0]}, want 4 and EPIPE named"
assert_no_leftovers
log "ok: record -o - | head: exit 4, nothing left in tracefs"
