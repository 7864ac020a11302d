#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The raw_syscalls filter with the i386 workload (idfilter.sh: famwork):
# -e syscalls and -e all trace its calls exact, through raw_syscalls
# with the filter as ranges; with a smaller limit
# (KTRAIL_TEST_IDFILTER_MAX) as the complement, and as no filter at all,
# said once on stderr, user space dropping the calls not selected.
. "$TESTLIB"
require_root
require_test_hooks KTRAIL_TEST_IDFILTER_MAX
require_tracefs
require_workload
[ -d "$TRACEFS/events/raw_syscalls" ] || skip "kernel without raw_syscalls tracepoints"
require_ipcwork32
case $(uname -m) in
x86_64 | aarch64 | arm64) compat=1 ;;
*) compat=0 ;;
esac
keep="${TESTLIB%/*}/keep_events.py"

# trace NAME FORM SELECTION [LIMIT]: the workload under ktrail -e
# SELECTION, the raw_syscalls filter in FORM ("" if not to be checked),
# its rows exact.
trace() {
	local r=$T/$1 form=$2 sel=$3 max=${4:-} rc=0 n

	mkdir "$r"
	KTRAIL_DEBUG_FILTERS=1 KTRAIL_TEST_IDFILTER_MAX=$max run_ktrail -e "$sel" \
		-o csv:"$r/out.csv" -o json:"$r/out.jsonl" \
		-- "$IPCWORK32" --fork --loops 2 > "$r/wl.txt" 2> "$r/err" < /dev/null || rc=$?
	[ $rc = 0 ] || { show "$r/err"; fail "$1: ktrail -e $sel -- ${IPCWORK32##*/} exited $rc, want 0"; }
	! grep -q Success "$r/err" || { show "$r/err"; fail "$1: a 'Success' message"; }
	n=$(grep -c 'do not fit in a kernel filter' "$r/err" || true)
	if [ "$form" = none ]; then
		[ "$n" = 1 ] || { show "$r/err"; fail "$1: $n lines say there is no filter, want 1"; }
		! grep -q '^ktrail: filter raw_syscalls' "$r/err" ||
			{ show "$r/err"; fail "$1: a raw_syscalls filter"; }
	else
		[ "$n" = 0 ] || { show "$r/err"; fail "$1: no kernel filter on the numbers"; }
		if [ -n "$form" ]; then
			grep -q "^ktrail: filter raw_syscalls ($form, " "$r/err" ||
				{ show "$r/err"; fail "$1: the raw_syscalls filter is not in the $form form"; }
		fi
	fi
	python3 "$keep" "$r/wl.txt" "$r/out.csv" "$r/out.jsonl" "$r/k.csv" "$r/k.jsonl" \
		> "$r/keep.txt" 2>&1 || { show "$r/keep.txt"; fail "$1: keep_events.py"; }
	check_rows --workload "$r/wl.txt" --csv "$r/k.csv" --json "$r/k.jsonl" \
		--compat $compat --comm "$(comm_of "$IPCWORK32")" > "$r/check.txt" 2>&1 ||
		{ show "$r/err"; show "$r/keep.txt"; show "$r/check.txt"; fail "$1: the workload's rows differ"; }
}

trace syscalls ranges syscalls
trace all ranges all
if [ "$(uname -m)" = x86_64 ]; then
	# The catalog's i386 numbers: 300 bytes of ranges, 201 of complement.
	trace complement complement syscalls 250
fi
trace none none syscalls 10
trace none-ipc none ipc_msgq,net_snd_rcv 10
assert_no_leftovers
echo "PASS: idfilter-i386 (-e syscalls, -e all; the complement; no filter: the i386 rows exact)"
