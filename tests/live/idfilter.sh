#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The raw_syscalls filter on 32-bit tasks' syscall numbers (issue 13:
# -e syscalls exited 1 with "filter of raw_syscalls/sys_enter: Success").
#  1. ktrail check names the filter's form and length;
#  2. -e syscalls and -e all, with --compat on (raw_syscalls, its filter,
#     native tasks' raw events dropped in user space) and off: famwork's
#     rows exact;
#  3. the kernel's limit, one page: 4095 bytes of filter are taken, 4096
#     refused with the kernel's reason, never "Success"; a filter on an
#     unknown field names it too.
# The same with the i386 workload: idfilter-i386.sh.
. "$TESTLIB"
require_root
require_test_hooks KTRAIL_TEST_RAW_FILTER
require_tracefs
require_python
[ -x "${FAMWORK:-}" ] || fail "FAMWORK='${FAMWORK:-}' is not an executable (run through make check)"
[ -d "$TRACEFS/events/raw_syscalls" ] || skip "kernel without raw_syscalls tracepoints"
keep="${TESTLIB%/*}/keep_events.py"

# 1. ktrail check.
"$KTRAIL" check -e syscalls --compat on > "$T/check.txt" 2> "$T/check.err" ||
	{ show "$T/check.err"; fail "ktrail check -e syscalls --compat on exited $?"; }
line=$(grep '^raw_syscalls filter:' "$T/check.txt" || true)
case $(uname -m) in
x86_64)
	[ "$line" = "raw_syscalls filter: ranges of the i386 numbers, 300 bytes" ] ||
		fail "ktrail check -e syscalls: '$line', want the i386 numbers' ranges, 300 bytes"
	"$KTRAIL" check -e msgsnd --compat on > "$T/check1.txt" 2>&1 || fail "ktrail check -e msgsnd"
	line=$(grep '^raw_syscalls filter:' "$T/check1.txt" || true)
	[ "$line" = "raw_syscalls filter: ranges of the i386 numbers, 9 bytes" ] ||
		fail "ktrail check -e msgsnd: '$line', want 'id == 400', 9 bytes"
	;;
*)
	if [ -n "$line" ]; then
		echo "$line" | grep -Eqx 'raw_syscalls filter: (ranges|complement) of the [a-z0-9]+ numbers, [0-9]+ bytes' ||
			fail "ktrail check -e syscalls: '$line'"
	fi
	;;
esac
"$KTRAIL" check -e syscalls --compat off > "$T/check0.txt" 2>&1 || fail "ktrail check --compat off"
! grep -q '^raw_syscalls filter:' "$T/check0.txt" ||
	fail "ktrail check --compat off: $(grep '^raw_syscalls filter:' "$T/check0.txt")"

# 2. Whole sets, famwork's rows exact.
n=0
for sel in syscalls all; do
	for compat in on off; do
		r=$T/$sel-$compat
		mkdir "$r" "$r/wd"
		rc=0
		run_ktrail -e $sel --compat $compat -o csv:"$r/out.csv" -o json:"$r/out.jsonl" \
			-- "$FAMWORK" "$r/wd" > "$r/wl.txt" 2> "$r/err" < /dev/null || rc=$?
		if [ $rc != 0 ]; then
			show "$r/err"
			fail "ktrail -e $sel --compat $compat -- famwork exited $rc, want 0"
		fi
		! grep -q 'Success' "$r/err" || { show "$r/err"; fail "-e $sel: a 'Success' message"; }
		! grep -q 'do not fit' "$r/err" ||
			{ show "$r/err"; fail "-e $sel --compat $compat: no kernel filter on the numbers"; }
		want="32-bit tasks: 0 kprobes, 0 raw_syscalls"
		if [ $compat = on ]; then
			grep -q '32-bit tasks: [0-9]* kprobes, [1-9][0-9]* raw_syscalls' "$r/err" ||
				{ show "$r/err"; fail "-e $sel --compat on: no raw_syscalls"; }
		elif ! grep -q "$want" "$r/err"; then
			show "$r/err"
			fail "-e $sel --compat off: raw_syscalls were used"
		fi
		python3 "$keep" "$r/wl.txt" "$r/out.csv" "$r/out.jsonl" "$r/k.csv" "$r/k.jsonl" \
			> "$r/keep.txt" 2>&1 || { show "$r/keep.txt"; fail "keep_events.py"; }
		check_rows --workload "$r/wl.txt" --csv "$r/k.csv" --json "$r/k.jsonl" \
			> "$r/check.txt" 2>&1 ||
			{ show "$r/keep.txt"; show "$r/check.txt"; fail "-e $sel --compat $compat: famwork's rows differ"; }
		n=$((n + 1))
	done
done

# 3. The kernel's limit and its reasons (KTRAIL_TEST_RAW_FILTER: this
# text on raw_syscalls instead of ktrail's).
pad() { python3 -c "import sys; print('id == 400' + ' ' * (int(sys.argv[1]) - 9))" "$1"; }
f=$(pad 4095)
[ ${#f} = 4095 ] || fail "pad: ${#f} bytes"
rc=0
KTRAIL_TEST_RAW_FILTER=$f "$KTRAIL" -q -e msgsnd --compat on -o csv:"$T/p.csv" -- true \
	2> "$T/p.err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/p.err"; fail "a filter of 4095 bytes: exit $rc, want 0"; }
if [ "$(getconf PAGESIZE 2> /dev/null)" = 4096 ]; then
	rc=0
	KTRAIL_TEST_RAW_FILTER=$(pad 4096) "$KTRAIL" -q -e msgsnd --compat on -o csv:"$T/p.csv" \
		-- true 2> "$T/p.err" < /dev/null || rc=$?
	[ $rc = 1 ] || { show "$T/p.err"; fail "a filter of 4096 bytes: exit $rc, want 1"; }
	grep -qxF "ktrail: filter of raw_syscalls/sys_enter: Invalid argument" "$T/p.err" ||
		{ show "$T/p.err"; fail "a filter of 4096 bytes: not the kernel's EINVAL"; }
fi
rc=0
KTRAIL_TEST_RAW_FILTER='nosuchfield == 1' "$KTRAIL" -q -e msgsnd --compat on -o csv:"$T/p.csv" \
	-- true 2> "$T/p.err" < /dev/null || rc=$?
[ $rc = 1 ] || { show "$T/p.err"; fail "a filter on an unknown field: exit $rc, want 1"; }
grep -q "^ktrail: filter of raw_syscalls/sys_enter: Invalid argument" "$T/p.err" ||
	{ show "$T/p.err"; fail "a filter on an unknown field: not the kernel's EINVAL"; }
! grep -q Success "$T/p.err" || { show "$T/p.err"; fail "a filter on an unknown field: 'Success'"; }
assert_no_leftovers
echo "PASS: idfilter ($n whole-set traces of famwork exact, the page limit and its reasons)"
