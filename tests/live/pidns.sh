#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail runs in other pid namespaces (unshare --pid --fork --mount-proc:
# each is pid 1 there) and on the host at once: every run names its
# objects uniquely (ktrail_<pid>_<token>), none touches another's, all
# succeed with their rows.
#
# A whole-system ktrail in a pid namespace: the host's workload's rows are
# all there, exact, among the other processes' rows.
#
# A ktrail in a pid namespace learns its own and its command's kernel pids
# (trace_marker lines, src/kernel/pidns.c): with -- CMD only the command
# is traced, its rows carry the kernel's pids, which ktrail names on
# stderr; a whole-system run leaves itself out by its kernel pid; -p,
# whose pids cannot be mapped, is refused with exit 2.
. "$TESTLIB"
require_root
require_tracefs
require_workload
command -v unshare > /dev/null || skip "unshare (util-linux) is missing"
I=$TRACEFS/instances
EVENTS=ipc_msgq,net_snd_rcv

# ns_start TAG: a whole-system ktrail as pid 1 of a new pid namespace;
# sets NS_PID (unshare's) and NS_KT (the ktrail's host pid).
ns_start() {
	local tag=$1 i=0

	unshare --pid --fork --mount-proc "$KTRAIL" -e $EVENTS -o csv:"$T/$tag.csv" \
		2> "$T/$tag.err" < /dev/null &
	NS_PID=$!
	kt_bg $NS_PID
	wait_ready "$T/$tag.err" $NS_PID
	NS_KT=
	while [ -z "$NS_KT" ]; do
		NS_KT=$(pgrep -P $NS_PID -x ktrail)
		[ $i -lt 100 ] || fail "$tag: no ktrail child of unshare $NS_PID"
		i=$((i + 1))
		[ -n "$NS_KT" ] || sleep 0.05
	done
	kt_bg $NS_KT
	grep -q "^NSpid:.*[[:space:]]1\$" /proc/$NS_KT/status ||
		fail "$tag: ktrail $NS_KT is not pid 1 of its namespace ($(grep NSpid /proc/$NS_KT/status))"
}

# host_start TAG: a whole-system ktrail on the host; sets HOST_KT.
host_start() {
	"$KTRAIL" -e $EVENTS -o csv:"$T/$1.csv" 2> "$T/$1.err" < /dev/null &
	HOST_KT=$!
	kt_bg $HOST_KT
	wait_ready "$T/$1.err" $HOST_KT
}

# name_of TAG: the run's name, its instance and lock file present.
name_of() {
	local n

	n=$(instance_of "$T/$1.err")
	[ -n "$n" ] || { show "$T/$1.err"; fail "$1: the readiness line names no instance"; }
	echo "$n"
}

# alive TAG NAME: the run's instance and lock file are there.
alive() {
	[ -d "$I/$2" ] || fail "$1: its instance $2 is gone while it runs"
	[ -f "/run/ktrail/$2.lock" ] || fail "$1: its lock file /run/ktrail/$2.lock is gone while it runs"
}

# stop TAG PID [CHILD]: SIGINT to ktrail PID, then its exit status (from
# CHILD, this shell's child that runs it: unshare, or itself) must be 0;
# its rows of the workload all there.
stop() {
	local rc=0 child=${3:-$2}

	kill -INT $2
	wait_exit $child 10 || fail "$1: ktrail $2 still running 10 s after SIGINT"
	wait $child || rc=$?
	show "$T/$1.err" "$1's stderr"
	[ $rc = 0 ] || fail "$1: exited $rc, want 0"
	grep -q "cannot remove\|warning" "$T/$1.err" && fail "$1: warned (see above)"
	check_rows --workload "$T/wl.txt" --csv "$T/$1.csv" --events $EVENTS --allow-lost \
		--comm "$(comm_of "$IPCWORK")" || fail "$1: the rows do not match the workload"
}

# 1. A host run, then one in a pid namespace (its start must not touch the
# host's), then a host run of a command (its start must not touch the
# namespace's: it was named ktrail_1 and taken for stale), exact rows.
host_start host
host=$(name_of host)
ns_start ns
ns=$(name_of ns)
case $ns in ktrail_1_*) ;; *) fail "the run in the namespace is named $ns, want ktrail_1_*" ;; esac
[ "$ns" != "$host" ] || fail "two runs share the name $ns"
alive host "$host"
rc=0
run_ktrail -e $EVENTS -o csv:"$T/cmd.csv" -o json:"$T/cmd.jsonl" \
	-- "$IPCWORK" --fork --loops 2 > "$T/wl.txt" 2> "$T/cmd.err" < /dev/null || rc=$?
show "$T/cmd.err" "the host command run's stderr"
[ $rc = 0 ] || fail "the host run of the workload exited $rc, want 0"
grep -q "cannot remove\|warning" "$T/cmd.err" && fail "the host command run warned (see above)"
check_rows --workload "$T/wl.txt" --csv "$T/cmd.csv" --json "$T/cmd.jsonl" --events $EVENTS \
	--comm "$(comm_of "$IPCWORK")" || fail "the host command run's rows do not match"
alive host "$host"
alive ns "$ns"
# ktrail cleanup, from the host, leaves both alone.
rc=0
timeout -k 5 30 "$KTRAIL" cleanup > "$T/cleanup.out" 2>&1 < /dev/null || rc=$?
show "$T/cleanup.out" "ktrail cleanup"
[ $rc = 0 ] || fail "ktrail cleanup exited $rc, want 0"
alive host "$host"
alive ns "$ns"
stop ns $NS_KT $NS_PID
[ -d "$I/$ns" ] && fail "the namespace's run left $ns"
alive host "$host"
stop host $HOST_KT
assert_no_leftovers
log "ok: a run in a pid namespace and two on the host"

# 2. Two pid-1 runs in two namespaces at once.
ns_start ns1
ns1=$(name_of ns1)
pid1=$NS_PID kt1=$NS_KT
ns_start ns2
ns2=$(name_of ns2)
pid2=$NS_PID kt2=$NS_KT
[ "$ns1" != "$ns2" ] || fail "the two pid-1 runs share the name $ns1"
alive ns1 "$ns1"
"$IPCWORK" --fork --loops 2 > "$T/wl.txt" || { show "$T/wl.txt"; fail "the workload failed"; }
alive ns1 "$ns1"
alive ns2 "$ns2"
stop ns1 $kt1 $pid1
alive ns2 "$ns2"
stop ns2 $kt2 $pid2
assert_no_leftovers
log "ok: two pid-1 runs in two pid namespaces"

# 3. SIGKILL of a pid-1 run: its guard dies with the namespace, and the
# lock with both: the next run's start removes what it left.
ns_start nsk
nsk=$(name_of nsk)
kill -KILL $NS_KT
wait_exit $NS_PID 10 || fail "nsk: unshare $NS_PID still there 10 s after its ktrail's SIGKILL"
wait $NS_PID 2> /dev/null
kt_rmdir_at_exit "$I/$nsk"
rc=0
run_ktrail -e $EVENTS -o csv:"$T/after.csv" -- true 2> "$T/after.err" < /dev/null || rc=$?
show "$T/after.err" "the next run's stderr"
[ $rc = 0 ] || fail "the run after a pid-1 run's SIGKILL exited $rc, want 0"
[ -d "$I/$nsk" ] && fail "nsk: $nsk is left after the next run's start"
[ -e "/run/ktrail/$nsk.lock" ] && fail "nsk: its lock file is left after the next run's start"
assert_no_leftovers
log "ok: what a pid-1 run killed by SIGKILL left is removed by the next run"

# 4. The command of a ktrail in a pid namespace: only it is traced, its
# rows exact, with the pids the kernel gives it (this shell sees them).
"$IPCWORK" --loops 50 > /dev/null &	# another process's calls, not traced
other=$!
kt_bg $other
rc=0
timeout -k 10 -s INT "$KT_TIMEOUT" unshare --pid --fork --mount-proc "$KTRAIL" -e $EVENTS \
	-o csv:"$T/nscmd.csv" -o json:"$T/nscmd.jsonl" -- "$IPCWORK" --loops 2 \
	> "$T/nscmd.wl" 2> "$T/nscmd.err" < /dev/null || rc=$?
wait $other
show "$T/nscmd.err" "the namespace's command run's stderr"
[ $rc = 0 ] || fail "the command run in a pid namespace exited $rc, want 0"
grep -q "warning" "$T/nscmd.err" && fail "the command run in a pid namespace warned"
line=$(grep 'in a pid namespace: the output' "$T/nscmd.err") ||
	fail "the command run in a pid namespace does not say which pids its output holds"
here=$(sed -n 's/.*; the command \([0-9]*\) here, \([0-9]*\) there$/\1/p' <<< "$line")
there=$(sed -n 's/.*; the command \([0-9]*\) here, \([0-9]*\) there$/\2/p' <<< "$line")
[ -n "$here" ] && [ -n "$there" ] || fail "no 'the command N here, N there' in: $line"
wpid=$(sed -n 's/^@@ start pid=\([0-9]*\)$/\1/p' "$T/nscmd.wl")
[ "$wpid" = "$here" ] || fail "ktrail says the command is $here in the namespace, it says $wpid"
[ "$there" != "$here" ] || fail "the command's kernel pid $there is its pid in the namespace"
# The workload's view, in the kernel's pids.
sed -e "s/ tid=$here / tid=$there /" -e "s/^@@ start pid=$here\$/@@ start pid=$there/" \
	-e "s/^# done pid=$here /# done pid=$there /" \
	"$T/nscmd.wl" > "$T/nscmd.kwl"
check_rows --workload "$T/nscmd.kwl" --csv "$T/nscmd.csv" --json "$T/nscmd.jsonl" \
	--events $EVENTS --absent-pid $other --comm "$(comm_of "$IPCWORK")" ||
	fail "the command run in a pid namespace: the rows do not match the workload"
assert_no_leftovers
log "ok: a command traced from a pid namespace, rows in the kernel's pids ($here there: $there)"

# 5. -p in a pid namespace: refused, with why.
rc=0
unshare --pid --fork --mount-proc "$KTRAIL" -e $EVENTS -o csv:"$T/nsp.csv" -p 1 \
	> /dev/null 2> "$T/nsp.err" < /dev/null || rc=$?
show "$T/nsp.err" "-p in a pid namespace"
[ $rc = 2 ] || fail "-p in a pid namespace exited $rc, want 2"
grep -q -- "-p: ktrail runs in a pid namespace" "$T/nsp.err" || fail "-p in a pid namespace: no reason given"
[ -e "$T/nsp.csv" ] && fail "-p in a pid namespace left $T/nsp.csv"
assert_no_leftovers
log "ok: -p in a pid namespace is refused"

# 6. A whole-system ktrail in a pid namespace leaves itself out by its
# kernel pid (its own poll(2) calls are not traced), not by its pid there
# (1: the host's init).  A process that ran before it gets its process id
# and name from what the kernel saved (saved_tgids, saved_cmdlines), as
# /proc is not read.
mkfifo "$T/go"
"$IPCWORK" --wait-stdin < "$T/go" > "$T/pre.wl" &
pre=$!
kt_bg $pre
exec 8> "$T/go"
wait_line "$T/pre.wl" "^@@ start pid=" $pre
unshare --pid --fork --mount-proc "$KTRAIL" -e poll,ipc_msgq -o csv:"$T/nsw.csv" \
	2> "$T/nsw.err" < /dev/null &
nsw=$!
kt_bg $nsw
wait_ready "$T/nsw.err" $nsw
echo go >&8
exec 8>&-
wait $pre || fail "the workload that ran before the trace failed"
kt=$(pgrep -P $nsw -x ktrail) || fail "nsw: no ktrail child of unshare $nsw"
kpid=$(sed -n 's/.*: ktrail is 1 here, \([0-9]*\) there.*/\1/p' "$T/nsw.err")
[ "$kpid" = "$kt" ] || fail "nsw: ktrail says its kernel pid is '$kpid', it is $kt"
sleep 1
kill -INT $kt
wait_exit $nsw 10 || fail "nsw: ktrail $kt still running 10 s after SIGINT"
rc=0
wait $nsw || rc=$?
show "$T/nsw.err" "the whole-system run in a pid namespace"
[ $rc = 0 ] || fail "nsw: exited $rc, want 0"
n=$(awk -F, -v p="$kt" 'NR > 1 && $3 == p' "$T/nsw.csv" | wc -l)
[ "$n" = 0 ] || fail "nsw: $n rows of ktrail itself (pid $kt)"
check_rows --workload "$T/pre.wl" --csv "$T/nsw.csv" --events ipc_msgq,poll --allow-lost \
	--comm "$(comm_of "$IPCWORK")" || fail "nsw: the rows of the process that ran before"
assert_no_leftovers
log "ok: a whole-system run in a pid namespace leaves itself out ($kt)"
