#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A 32-bit task turns raw_syscalls on (issue 13; lazy-compat.sh: native
# tasks leave it off).  The command is a 64-bit shell that exec's the
# i386 workload, which waits (--wait-stdin) before its first call until
# the instance shows raw_syscalls on: every call it makes is then in the
# rows, exact as ipc-i386.sh checks them, and the one lost_events row,
# of the workload's process with no count, marks where its calls begin
# to be traced; stderr says so at the end.  The same with ktrail record:
# its report has every call exact too (the recording keeps the ABI of
# each exec, EXECS in doc/recording.md: the workload exec'd while it was
# recorded), the same marker row, and says the same.  Last, a
# 32-bit process running before a whole-system trace, which makes its
# calls and exits before they are decoded: every call with its ABI.
. "$TESTLIB"
require_root
require_tracefs
require_workload
require_ipcwork32
[ -d "$TRACEFS/events/raw_syscalls" ] || skip "kernel without raw_syscalls"
case $(uname -m) in
x86_64 | aarch64 | arm64) ;;
*) skip "32-bit tasks are raw_syscalls' (compat) tasks on a 64-bit kernel only" ;;
esac
command -v sh > /dev/null || skip "no sh"
"$KTRAIL" check -e ipc_msgq > "$T/check.txt" 2>&1 || fail "ktrail check failed"
grep -q '^raw_syscalls on: once a 32-bit task appears' "$T/check.txt" ||
	{ show "$T/check.txt"; skip "the default traces 32-bit tasks with kprobes or not at all here"; }
events=ipc_msgq,net_snd_rcv,mq_timedsend_time32,mq_timedreceive_time32
comm=$(comm_of "$IPCWORK32")

# run NAME KTRAIL-ARGS...: the workload under ktrail, released once
# raw_syscalls is on.
run() {
	local name=$1 kt inst en ex i=0 rc=0
	shift

	rm -f "$T/go"
	mkfifo "$T/go"
	exec 8<> "$T/go"
	"$KTRAIL" "$@" -e $events \
		-- sh -c 'exec "$0" --wait-stdin --fork --loops 2' "$IPCWORK32" \
		< "$T/go" > "$T/$name.wl" 2> "$T/$name.err" &
	kt=$!
	kt_bg $kt
	wait_ready "$T/$name.err" $kt
	wait_line "$T/$name.wl" '^@@ start' $kt
	inst=$TRACEFS/instances/$(instance_of "$T/$name.err")
	while :; do
		en=$(cat "$inst/events/raw_syscalls/sys_enter/enable")
		ex=$(cat "$inst/events/raw_syscalls/sys_exit/enable")
		[ "$en $ex" = "1 1" ] && break
		[ $i -lt 100 ] || { echo go >&8; fail "$name: raw_syscalls enable '$en $ex' 5 s after the i386 exec, want '1 1'"; }
		sleep 0.05
		i=$((i + 1))
	done
	echo go >&8
	exec 8>&-
	wait_exit $kt 20 || fail "$name: ktrail did not end with its command"
	wait $kt || rc=$?
	show "$T/$name.err" "ktrail's stderr ($name)"
	[ $rc = 0 ] || fail "$name: ktrail exited $rc, want 0"
	grep -q '32-bit tasks: [0-9]* kprobes, [1-9][0-9]* raw_syscalls (off until a 32-bit task runs)' \
		"$T/$name.err" || fail "$name: the banner does not say raw_syscalls waits"
	grep -qx 'ktrail: 1 32-bit task: raw_syscalls was enabled at its exec; its first syscalls before that are not traced (a lost_events row of the task marks where tracing began)' \
		"$T/$name.err" || fail "$name: ktrail does not say a 32-bit task's exec turned raw_syscalls on"
	log "ok: $name: raw_syscalls went on at the i386 exec"
	assert_no_leftovers
}

# marker NAME CSV JSON: the one lost_events row, of the workload's process.
marker() {
	local name=$1 csv=$2 json=$3 pid got

	pid=$(sed -n '1s/^@@ start pid=\([0-9]*\)$/\1/p' "$T/$name.wl")
	[ -n "$pid" ] || fail "$name: no pid in the workload's first line"
	# timestamp,processorId,processId,threadId,processName,...,eventName,isCompat
	got=$(awk -F, '$11 == "lost_events" { print $3, $4, $5, $12, $NF }' "$csv")
	[ "$got" = "$pid $pid $comm 1 " ] ||
		fail "$name: the lost_events rows are '$got', want one: '$pid $pid $comm 1 ' (no count)"
	got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["eventName"] == "lost_events":
        print(o["processId"], o["threadId"], o["processName"], o["contextFlags"]["isCompat"],
              o["args"][0]["value"])' "$json")
	[ "$got" = "$pid $pid $comm True None" ] ||
		fail "$name: the JSON lost_events rows are '$got', want one: '$pid $pid $comm True None'"
	# It comes before the task's first call.
	got=$(awk -F, -v p="$pid" 'NR > 1 && $4 == p { print $11; exit }' "$csv")
	[ "$got" = lost_events ] || fail "$name: the first row of $pid is $got, want the marker"
	log "ok: $name: one marker row, of $comm ($pid), before its calls"
}

# check NAME CSV JSON: every call's row, and the one marker.
check() {
	check_rows --workload "$T/$1.wl" --csv "$2" --json "$3" --events "$events" \
		--comm "$comm" --compat 1 --allow-lost ||
		fail "$1: the rows of $comm do not match the workload"
	marker "$@"
	log "ok: $1: every call of $comm"
}

run trace -o csv:"$T/trace.csv" -o json:"$T/trace.jsonl"
check trace "$T/trace.csv" "$T/trace.jsonl"

run record record -o "$T/rec.ktr"
"$KTRAIL" report "$T/rec.ktr" -o csv:"$T/report.csv" -o json:"$T/report.jsonl" \
	2> "$T/report.err" || { show "$T/report.err"; fail "ktrail report exited $?"; }
show "$T/report.err" "ktrail report's stderr"
grep -qx 'ktrail: 1 32-bit task: raw_syscalls was enabled at its exec; its first syscalls before that are not traced (a lost_events row of the task marks where tracing began)' \
	"$T/report.err" || fail "report: ktrail report does not say a 32-bit task's exec turned raw_syscalls on"
! grep -q 'whose ABI the recording does not tell' "$T/report.err" ||
	fail "report: raw_syscalls events were left out for want of an ABI"
check record "$T/report.csv" "$T/report.jsonl"

# A 32-bit process that runs before a whole-system trace starts: found at
# the start, raw_syscalls is on from the start (no "off until"), and its
# calls, which it makes after the trace is ready and then exits, long
# before ktrail decodes them (its /proc/PID/exe is gone by then), are all
# in the rows with their ABI: the helper keeps what it found at its start.
rm -f "$T/go"
mkfifo "$T/go"
"$IPCWORK32" --wait-stdin --loops 2 < "$T/go" > "$T/pre.wl" &
pre=$!
kt_bg $pre
exec 8> "$T/go"
wait_line "$T/pre.wl" '^@@ start pid=' $pre
"$KTRAIL" -e $events -o csv:"$T/pre.csv" -o json:"$T/pre.jsonl" 2> "$T/pre.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/pre.err" $kt
echo go >&8
exec 8>&-
wait $pre || fail "the i386 workload started before the trace failed"
sleep 0.5
kill -INT $kt
wait_exit $kt 10 || fail "the whole-system trace still runs 10 s after SIGINT"
rc=0
wait $kt || rc=$?
show "$T/pre.err" "ktrail's stderr (a 32-bit process running at the start)"
[ $rc = 0 ] || fail "the whole-system trace exited $rc, want 0"
grep -q '32-bit tasks: [0-9]* kprobes, [1-9][0-9]* raw_syscalls;' "$T/pre.err" ||
	fail "a 32-bit process runs at the start: raw_syscalls should be on from the start"
check_rows --workload "$T/pre.wl" --csv "$T/pre.csv" --json "$T/pre.jsonl" --events "$events" \
	--comm "$comm" --compat 1 --allow-lost ||
	fail "the rows of the 32-bit process that ran before the trace do not match"
assert_no_leftovers
log "ok: a 32-bit process running at the start: every call, with its ABI"
