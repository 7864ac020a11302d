#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Least privilege: once set up, ktrail runs as nobody (or --user NAME) with
# no capability and no way back, cannot open a root-only file, and its
# guard still removes everything at the end.  So too with 32-bit tasks
# traced (--compat on: raw_syscalls) and without (--compat off): their ABI
# comes from the ABI helper, which keeps only CAP_SYS_PTRACE and
# CAP_DAC_READ_SEARCH and ends with ktrail.  --user NAME creates the
# output files as NAME: owned by it, and refused where NAME may not write.
. "$TESTLIB"
require_root
require_test_hooks KTRAIL_TEST_OPEN_AFTER_DROP
require_tracefs
require_workload
getent passwd daemon > /dev/null || skip "no user 'daemon' for --user"

# A root-only file, and a whole-system trace that tries to open it once it
# has dropped its privileges (a test hook of ktrail's).
echo secret > "$T/root-only"
chmod 600 "$T/root-only"
KTRAIL_TEST_OPEN_AFTER_DROP=$T/root-only "$KTRAIL" -e ipc_msgq -o csv:"$T/a.csv" \
	2> "$T/a.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/a.err" $kt
st=/proc/$kt/status
uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "$st")
capeff=$(awk '/^CapEff:/ { print $2 }' "$st")
capprm=$(awk '/^CapPrm:/ { print $2 }' "$st")
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "$st")
guard=$(pgrep -P $kt -x ktrail-guard || true)
"$IPCWORK" > "$T/a.wl"
kill -INT $kt
wait_exit $kt 10 || fail "ktrail did not stop on SIGINT"
rc=0
wait $kt || rc=$?
show "$T/a.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail exited $rc, want 0"
nobody=$(drop_uid)
[ "$uid" = "$nobody,$nobody,$nobody,$nobody" ] ||
	fail "after setup ktrail's uids are $uid, want nobody ($nobody) in all four"
[ "$capeff" = 0000000000000000 ] && [ "$capprm" = 0000000000000000 ] ||
	fail "after setup ktrail still has capabilities: effective $capeff, permitted $capprm"
[ "$nnp" = 1 ] || fail "NoNewPrivs is $nnp, want 1"
[ -n "$guard" ] || fail "no ktrail-guard process during the trace"
grep -q "test: open $T/root-only after the drop: Permission denied" "$T/a.err" ||
	fail "after the drop ktrail could open a root-only file"
check_rows --workload "$T/a.wl" --csv "$T/a.csv" --events ipc_msgq --allow-lost ||
	fail "the rows written as nobody do not match the workload"
log "ok: as nobody with no capability (uid $uid, CapEff $capeff), root-only file refused, rows right"
assert_no_leftovers

# Both ways 32-bit tasks may be traced, whatever this machine's default.
for mode in on off; do
	"$KTRAIL" --compat $mode -e ipc_msgq -o csv:"$T/c-$mode.csv" \
		2> "$T/c-$mode.err" < /dev/null &
	kt=$!
	kt_bg $kt
	wait_ready "$T/c-$mode.err" $kt
	st=/proc/$kt/status
	capeff=$(awk '/^CapEff:/ { print $2 }' "$st")
	capprm=$(awk '/^CapPrm:/ { print $2 }' "$st")
	nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "$st")
	helper=$(pgrep -P $kt -x ktrail-abi || true)
	hcaps=
	if [ -n "$helper" ]; then
		hst=/proc/$helper/status
		hcaps=$(awk '/^Uid:/ { u = $2 } /^CapEff:/ { e = $2 } /^CapPrm:/ { p = $2 }
			/^CapBnd:/ { b = $2 } /^NoNewPrivs:/ { n = $2 }
			END { print u, e, p, b, n }' "$hst")
	fi
	"$IPCWORK" > "$T/c-$mode.wl"
	kill -INT $kt
	wait_exit $kt 10 || fail "--compat $mode: ktrail did not stop on SIGINT"
	rc=0
	wait $kt || rc=$?
	show "$T/c-$mode.err" "ktrail --compat $mode's stderr"
	[ $rc = 0 ] || fail "--compat $mode: ktrail exited $rc, want 0"
	[ "$capeff" = 0000000000000000 ] && [ "$capprm" = 0000000000000000 ] ||
		fail "--compat $mode: after setup ktrail still has capabilities: effective $capeff, permitted $capprm"
	[ "$nnp" = 1 ] || fail "--compat $mode: NoNewPrivs is $nnp, want 1"
	raw=$(sed -n 's/.*32-bit tasks: [0-9]* kprobes, \([0-9]*\) raw_syscalls.*/\1/p' \
		"$T/c-$mode.err")
	if [ "${raw:-0}" -gt 0 ]; then
		# uid 0; CAP_DAC_READ_SEARCH (bit 2) and CAP_SYS_PTRACE (19) only
		[ "$hcaps" = "0 0000000000080004 0000000000080004 0000000000080004 1" ] ||
			fail "--compat $mode: the ABI helper (pid ${helper:-none}) has uid, CapEff, CapPrm, CapBnd, NoNewPrivs '$hcaps', want '0 0000000000080004 0000000000080004 0000000000080004 1'"
		wait_exit $helper 5 || fail "--compat $mode: the ABI helper $helper outlived ktrail"
	else
		[ -z "$helper" ] || fail "--compat $mode: an ABI helper ($helper) with no raw_syscalls"
	fi
	if [ $mode = off ] && [ "${raw:-0}" != 0 ]; then
		fail "--compat off: ktrail planned $raw raw_syscalls"
	fi
	check_rows --workload "$T/c-$mode.wl" --csv "$T/c-$mode.csv" --events ipc_msgq \
		--allow-lost || fail "--compat $mode: the rows do not match the workload"
	log "ok: --compat $mode: no capability (CapEff $capeff, CapPrm $capprm), ${raw:-0} raw_syscalls, helper: ${hcaps:-none}"
	assert_no_leftovers
done

# --user: the files belong to that user; a directory it cannot write is refused.
mkdir -m 0777 "$T/open"
mkdir -m 0700 "$T/closed"
rc=0
run_ktrail --user daemon -e ipc_msgq -o csv:"$T/open/d.csv" -- "$IPCWORK" > /dev/null \
	2> "$T/d.err" < /dev/null || rc=$?
show "$T/d.err" "ktrail --user daemon"
[ $rc = 0 ] || fail "--user daemon: exit $rc"
[ "$(stat -c %U "$T/open/d.csv")" = daemon ] ||
	fail "--user daemon: the output belongs to $(stat -c %U "$T/open/d.csv")"
expect_rc=0
run_ktrail --user daemon -e ipc_msgq -o csv:"$T/closed/d.csv" -- true > /dev/null \
	2> "$T/c.err" < /dev/null || expect_rc=$?
[ $expect_rc = 1 ] && grep -q "closed/d.csv: Permission denied" "$T/c.err" ||
	{ show "$T/c.err"; fail "--user daemon wrote where daemon may not (exit $expect_rc)"; }
[ -e "$T/closed/d.csv" ] && fail "--user daemon created a file in a root-only directory"
rc=0
run_ktrail --user nosuchuser-kt -e ipc_msgq -o csv:"$T/x.csv" -- true > /dev/null 2> "$T/u.err" || rc=$?
[ $rc = 1 ] && grep -q "no such user: nosuchuser-kt" "$T/u.err" ||
	{ show "$T/u.err"; fail "--user with an unknown name: exit $rc"; }
log "ok: --user daemon: files owned by daemon, a root-only directory refused, unknown user refused"
assert_no_leftovers
