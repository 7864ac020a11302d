#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# raw_syscalls, which fires on every syscall of every traced task, waits
# for a 32-bit task (issue 13): while only native tasks run it stays off
# the whole trace, and their rows are exact as ipc-read.sh checks them;
# --compat on keeps it on from the start.  The lazy path is forced with
# KTRAIL_TEST_COMPAT_LAZY (--compat on plans raw_syscalls on any kernel
# that has it), the immediate one with --compat on, so both run on any
# machine; the default is checked too where it plans raw_syscalls.
# lazy-i386.sh: a 32-bit task turns it on.
. "$TESTLIB"
require_root
require_test_hooks KTRAIL_TEST_COMPAT_LAZY
require_tracefs
require_workload
[ -d "$TRACEFS/events/raw_syscalls" ] || skip "kernel without raw_syscalls"
events=ipc_msgq,net_snd_rcv

# run NAME WANT ARGS...: the native workload under ktrail ARGS, held
# before its first call while the instance's raw_syscalls enable files
# are read: WANT (0 or 1) both.
run() {
	local name=$1 want=$2 kt inst en ex rc=0
	shift 2

	rm -f "$T/go"
	mkfifo "$T/go"
	exec 8<> "$T/go"
	"$KTRAIL" "$@" -e $events -o csv:"$T/$name.csv" -o json:"$T/$name.jsonl" \
		-- "$IPCWORK" --wait-stdin --fork --loops 2 < "$T/go" > "$T/$name.wl" \
		2> "$T/$name.err" &
	kt=$!
	kt_bg $kt
	wait_ready "$T/$name.err" $kt
	wait_line "$T/$name.wl" '^@@ start' $kt
	inst=$TRACEFS/instances/$(instance_of "$T/$name.err")
	en=$(cat "$inst/events/raw_syscalls/sys_enter/enable")
	ex=$(cat "$inst/events/raw_syscalls/sys_exit/enable")
	echo go >&8
	exec 8>&-
	wait_exit $kt 20 || fail "$name: ktrail did not end with its command"
	wait $kt || rc=$?
	show "$T/$name.err" "ktrail's stderr ($name)"
	[ $rc = 0 ] || fail "$name: ktrail exited $rc, want 0"
	grep -q ' [1-9][0-9]* raw_syscalls' "$T/$name.err" ||
		fail "$name: ktrail planned no raw_syscalls"
	[ "$en $ex" = "$want $want" ] ||
		fail "$name: raw_syscalls sys_enter/sys_exit enable '$en $ex' while a native task ran, want '$want $want'"
	check_rows --workload "$T/$name.wl" --csv "$T/$name.csv" --json "$T/$name.jsonl" \
		--events "$events" --comm "$(comm_of "$IPCWORK")" ||
		fail "$name: the rows do not match the workload"
	if [ "$want" = 0 ]; then
		grep -q '32-bit tasks: [0-9]* kprobes, [0-9]* raw_syscalls (off until a 32-bit task runs)' \
			"$T/$name.err" || fail "$name: the banner does not say raw_syscalls waits"
		grep -qx 'ktrail: no 32-bit task ran: raw_syscalls stayed off' "$T/$name.err" ||
			fail "$name: ktrail does not say raw_syscalls stayed off the whole trace"
	else
		! grep -q 'off until a 32-bit task runs\|raw_syscalls stayed off' "$T/$name.err" ||
			fail "$name: raw_syscalls was on, ktrail says otherwise"
	fi
	! grep -q 'raw_syscalls was enabled at' "$T/$name.err" ||
		fail "$name: a 32-bit task is said to have turned raw_syscalls on"
	log "ok: $name: raw_syscalls enable $en $ex while the native workload ran, rows exact"
	assert_no_leftovers
}

KTRAIL_TEST_COMPAT_LAZY=1 run lazy 0 --compat on
run immediate 1 --compat on
"$KTRAIL" check -e $events > "$T/check.txt" 2>&1 || fail "ktrail check failed"
if grep -q '^raw_syscalls on: once a 32-bit task appears' "$T/check.txt"; then
	run default 0
else
	log "note: the default plans no raw_syscalls here: $(grep '^32-bit tasks:' "$T/check.txt")"
fi
"$KTRAIL" check --compat on -e $events > "$T/check-on.txt" 2>&1 || fail "ktrail check --compat on failed"
grep -qx 'raw_syscalls on: from the start (--compat on)' "$T/check-on.txt" ||
	{ show "$T/check-on.txt"; fail "ktrail check --compat on does not say raw_syscalls is on from the start"; }
