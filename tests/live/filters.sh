#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tracee-style filters on famwork's calls: each case keeps exactly the
# calls the workload printed that match, and gives the same rows whether
# the kernel filters first (the tracepoints' filter files) or user space
# alone does (KTRAIL_TEST_NO_KFILTER); patterns and exclusions in -e.
. "$TESTLIB"
require_root
require_test_hooks KTRAIL_TEST_NO_KFILTER
require_tracefs
require_python
[ -x "${FAMWORK:-}" ] || fail "FAMWORK='${FAMWORK:-}' is not an executable (run through make check)"

# case NAME WANT-KFILTERS EXPECT-PY -- ktrail options...
# EXPECT-PY: a python expression over c (a workload call: c.ev, c.ret,
# c.args) that is true for the calls the rows must be.
run() {
	local name=$1 kf=$2 expect=$3 mode
	shift 4
	for mode in kernel user; do
		local env=()
		[ $mode = user ] && env=(KTRAIL_TEST_NO_KFILTER=1)
		env "${env[@]}" "$KTRAIL" --raw "$@" -o csv:"$T/$name.$mode.csv" \
			-- "$FAMWORK" "$T" > "$T/$name.$mode.wl" 2> "$T/$name.$mode.err" < /dev/null ||
			{ show "$T/$name.$mode.err"; fail "$name ($mode): ktrail exited with $?"; }
		n=$(grep -o '[0-9]* tracepoints filtered in the kernel' "$T/$name.$mode.err" | cut -d' ' -f1)
		if [ $mode = kernel ] && [ "${n:-0}" -lt "$kf" ]; then
			show "$T/$name.$mode.err"; fail "$name: ${n:-0} tracepoints filtered in the kernel, want >= $kf"
		fi
		if [ $mode = user ] && [ "${n:-0}" != 0 ]; then
			fail "$name: KTRAIL_TEST_NO_KFILTER still filtered $n tracepoints in the kernel"
		fi
		python3 - "$T/$name.$mode.wl" "$T/$name.$mode.csv" "$expect" "$name ($mode)" <<'PY' ||
import csv, re, sys
wl, out, expect, name = sys.argv[1:]
class C: pass
calls = []
for l in open(wl):
    m = re.match(r"^@@ (\w+) tid=(\d+) ret=(-?\d+)(.*?)( \|.*)?$", l.rstrip("\n"))
    if not m or m.group(1) == "start":
        continue
    c = C()
    c.ev, c.tid, c.ret = m.group(1), int(m.group(2)), int(m.group(3))
    c.args = dict(kv.split("=", 1) for kv in m.group(4).split())
    calls.append(c)
want = [(c.ev, c.ret, tuple(sorted(c.args.items()))) for c in calls if eval(expect)]
rows = [r for r in csv.DictReader(open(out, newline="")) if r["processName"] == "famwork"]
got = []
for r in rows:
    keys = next(tuple(sorted(c.args)) for c in calls if c.ev == r["eventName"]) \
        if any(c.ev == r["eventName"] for c in calls) else ()
    got.append((r["eventName"], int(r["returnValue"] or 0),
                tuple(sorted((k, r[k]) for k in keys))))
if got != want:
    print("FAIL: %s: rows\n  %s\nwant\n  %s" % (name, "\n  ".join(map(str, got)),
                                                 "\n  ".join(map(str, want))))
    sys.exit(1)
print("ok: %s: %d rows" % (name, len(got)))
PY
		fail "$name ($mode): the rows are not the matching calls"
	done
}

run retval 1 'c.ev == "openat" and c.ret < 0' -- -e 'openat.retval<0'
run fd3 2 'c.ev == "close" and c.args["fd"] == "3"' -- -e 'close.data.fd=3' --scope comm=famwork
run socktype 2 'c.ev == "socket" and c.args["type"] == str(0o2000000 | 2)' -- \
	-e "socket.data.type=$((0x80002))" --scope comm=famwork
run notfd3 2 'c.ev == "close" and c.args["fd"] != "3"' -- -e 'close.data.fd!=3' --scope 'comm=famw*'
run pattern 0 'c.ev in ("openat", "unlinkat")' -- -e 'open*,unlink*,-open,-open_tree' --scope comm=famwork
run both 2 'c.ev == "openat" and c.ret >= 0 and c.args["flags"] != "0"' -- \
	-e 'openat.data.flags!=0' -e 'openat.retval>=0' --scope comm=famwork

# A malformed filter: a clear error with the offending part, no trace.
rc=0
"$KTRAIL" -e 'openat.data.flags<x' -o csv:"$T/bad.csv" -- true 2> "$T/bad.err" || rc=$?
[ $rc = 2 ] || fail "a malformed filter: exit $rc, want 2"
grep -q 'bad number "x" for flags' "$T/bad.err" || { show "$T/bad.err"; fail "no error naming the bad number"; }
[ ! -e "$T/bad.csv" ] || fail "a malformed filter left an output file"
# Without kprobes a string filter can match nothing: ktrail says so.
if [ ! -e /sys/kernel/tracing/kprobe_events ] && [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	run_ktrail -e 'openat.data.pathname=/etc/*' -o csv:"$T/s.csv" -- "$FAMWORK" "$T" \
		> /dev/null 2> "$T/s.err" < /dev/null || fail "string filter: ktrail exited with $?"
	grep -q "openat.data.pathname: this kernel gives no pathname" "$T/s.err" ||
		{ show "$T/s.err"; fail "no warning that the pathname filter cannot match here"; }
	[ "$(grep -c . "$T/s.csv")" = 1 ] || fail "string filter without kprobes: rows written"
fi
echo "PASS: filters (6 cases, kernel and user space alike)"
