#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail report of a trace.dat that trace-cmd record wrote (into an
# instance of its own, -B): every IPC call the workload made has its row
# with its exact values (what syscall tracepoints carry), the process id
# and name from the task events trace-cmd recorded; --info lists what
# ktrail reads from the file; a cut trace.dat is an error, not a crash;
# a root-only one is decoded as nobody with no capability.
# trace-cmd 3.1.6 needs -d and bench/hide_ftrace_files.c on hosts whose
# function-tracer files are unreadable (see bench/RESULTS.md).
. "$TESTLIB"
require_root
require_tracefs
require_workload
command -v trace-cmd > /dev/null || skip "trace-cmd is not installed"
command -v cc > /dev/null || skip "no C compiler for the trace-cmd shim"
shim=$T/hide_ftrace_files.so
cc -O2 -shared -fPIC -o "$shim" "${srcdir:-.}/bench/hide_ftrace_files.c" -ldl ||
	fail "cannot build the trace-cmd shim"
calls=msgsnd,msgrcv,msgget,msgctl,mq_open,mq_unlink,mq_timedsend,mq_timedreceive,mq_notify
calls=$calls,mq_getsetattr,sendmsg,recvmsg,sendmmsg,recvmmsg,sendto,recvfrom
ev="-e task:task_newtask -e task:task_rename -e sched:sched_process_exec"
for c in ${calls//,/ }; do
	ev="$ev -e syscalls:sys_enter_$c -e syscalls:sys_exit_$c"
done
inst=ktt_$$		# trace-cmd's own instance: removed by trace-cmd itself
# The shim is preloaded into the workload too: a sanitizer build of it
# must not insist on its runtime coming first.
export ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
# shellcheck disable=SC2086
LD_PRELOAD=$shim timeout -k 10 120 trace-cmd record -q -d -B $inst $ev -o "$T/trace.dat" \
	"$IPCWORK" --fork --loops 2 > "$T/wl.txt" 2> "$T/tc.err" < /dev/null ||
	{ show "$T/tc.err" "trace-cmd's stderr"; skip "trace-cmd record fails on this host"; }
grep -q '^@@ start pid=' "$T/wl.txt" ||
	{ show "$T/tc.err" "trace-cmd's stderr"; fail "the workload printed nothing under trace-cmd"; }
if [ -d "$TRACEFS/instances/$inst" ]; then
	rmdir "$TRACEFS/instances/$inst" 2> /dev/null
	fail "trace-cmd left its instance $inst"
fi
rc=0
"$KTRAIL" report --info "$T/trace.dat" > "$T/info.txt" 2> "$T/info.err" || rc=$?
if grep -q "built without libtracecmd" "$T/info.err"; then
	skip "this ktrail was built without libtracecmd"
fi
[ $rc = 0 ] || fail "report --info of the trace.dat exited $rc: $(cat "$T/info.err")"
grep -q "^trace.dat $T/trace.dat (trace-cmd): $(nproc) CPUs, 64-bit little-endian kernel" \
	"$T/info.txt" || fail "--info: $(head -n 1 "$T/info.txt")"
for c in ${calls//,/ } sched_process_fork sched_process_exec; do
	grep -qx "  $c" "$T/info.txt" || fail "--info does not list $c"
done
rc=0
"$KTRAIL" report -e "$calls" "$T/trace.dat" -o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
	2> "$T/rep.err" || rc=$?
show "$T/rep.err" "ktrail report's stderr"
[ $rc = 0 ] || fail "report of the trace.dat exited $rc"
grep -q "records written from $T/trace.dat (a trace-cmd trace.dat" "$T/rep.err" ||
	fail "report does not say it read a trace.dat"
check_rows --workload "$T/wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" --events "$calls" \
	--comm "$(comm_of "$IPCWORK")" || fail "the trace.dat's rows do not match the workload"
log "ok: trace-cmd's trace.dat reported, every call exact"

# As root on a root-only trace.dat: read, then decoded as nobody with no
# capability (report-privileges.sh: ktrail's own recordings), the same rows.
chmod 600 "$T/trace.dat"
nobody=$(drop_uid)
rc=0
timeout -k 5 60 python3 "${TESTLIB%/*}/report_status.py" "$T/st.csv" \
	"$KTRAIL" report -q -e "$calls" "$T/trace.dat" -o csv > "$T/st.txt" 2> "$T/st.err" || rc=$?
want="uid=$nobody,$nobody,$nobody,$nobody groups= capprm=0000000000000000 capeff=0000000000000000 nonewprivs=1 exit=0"
got=$(grep -E '^(uid|groups|capprm|capeff|nonewprivs|exit)=' "$T/st.txt" | tr '\n' ' ')
[ $rc = 0 ] && [ "$got" = "$want " ] ||
	{ show "$T/st.txt"; show "$T/st.err"; fail "trace.dat report as root: '$got', want '$want'"; }
cmp -s "$T/st.csv" "$T/out.csv" || fail "trace.dat report to a pipe: other rows than to a file"
log "ok: the trace.dat decoded as nobody: $got"

# A cut trace.dat: an error naming the file, no crash.
head -c 5000 "$T/trace.dat" > "$T/cut.dat"
rc=0
timeout 60 "$KTRAIL" report "$T/cut.dat" -o csv:"$T/cut.csv" 2> "$T/cut.err" || rc=$?
show "$T/cut.err" "report of a cut trace.dat"
[ $rc = 1 ] && grep -q "cut.dat: libtracecmd cannot read this trace.dat" "$T/cut.err" ||
	fail "cut trace.dat: exit $rc, want 1 and a message"
assert_no_leftovers
