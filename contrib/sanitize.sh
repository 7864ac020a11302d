#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory checks, run by contrib/run-tests.sh (root, from a built clone):
#  1. AddressSanitizer + UndefinedBehaviorSanitizer (leaks included): a
#     copy of the tree built with them (and the test hooks:
#     --enable-test-hooks) in $KT_SAN_DIR, then its unit tests, fuzz
#     replays and live tests (make check, none skipped for want of a hook);
#  2. valgrind memcheck on live traces with both readers: no error, no
#     definite or indirect leak.
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SRC=$(pwd)
SAN=${KT_SAN_DIR:-/tmp/ktrail-sanitize}
pass=0
fail=0
ok() { echo "   PASS $*"; pass=$((pass + 1)); }
ko() { echo "   FAIL $*"; fail=$((fail + 1)); }

echo "== ASan + UBSan build in $SAN"
rm -rf "$SAN"
mkdir -p "$SAN"
git ls-files -z | (cd "$SRC" && xargs -0 tar -cf - 2> /dev/null) | tar -xf - -C "$SAN"
(
	cd "$SAN" && ./bootstrap > build.log 2>&1 &&
	./configure --enable-test-hooks CFLAGS="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" >> build.log 2>&1 &&
	make -j"$(nproc)" >> build.log 2>&1
) || { tail -30 "$SAN/build.log"; ko "sanitizer build"; echo "$pass passed, $fail failed"; exit 1; }
status=0
(cd "$SAN" && KT_REQUIRE_TEST_HOOKS=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	make -j1 check > check.log 2>&1) || status=$?
n=$(sed -n 's/^# PASS: *//p' "$SAN/test-suite.log" | head -1)
f=$(sed -n 's/^# FAIL: *//p' "$SAN/test-suite.log" | head -1)
e=$(sed -n 's/^# ERROR: *//p' "$SAN/test-suite.log" | head -1)
if [ "$status" = 0 ] && [ "${f:-1}" = 0 ] && [ "${e:-1}" = 0 ]; then
	ok "make check under ASan+UBSan: ${n:-?} tests passed, no sanitizer report"
else
	grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$SAN"/tests/*/*.log 2> /dev/null |
		while read -r l; do echo "===== $l"; grep -A20 -E 'Sanitizer|runtime error' "$l" | head -40; done
	grep -E '^(FAIL|ERROR)' "$SAN/check.log"
	# What each failed test printed (its last 60 lines), so that a CI
	# log says why, not only which.
	for t in "$SAN"/tests/*/*.trs; do
		grep -q ':test-result: \(FAIL\|ERROR\)' "$t" 2> /dev/null || continue
		echo "===== ${t%.trs}.log (last 60 lines)"
		tail -60 "${t%.trs}.log"
	done
	ko "make check under ASan+UBSan (exit $status)"
fi

echo "== valgrind memcheck"
if ! command -v valgrind > /dev/null; then
	ko "valgrind is not installed (contrib/deps.sh installs it)"
else
	for reader in mmap read; do
		rc=0
		out=$(mktemp -d)
		timeout 600 valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
			./ktrail --reader $reader -e ipc_msgq,net_snd_rcv -o csv:"$out/v.csv" -o json:"$out/v.jsonl" \
			-- tests/workload/ipcwork --fork --loops 10 > "$out/wl" 2> "$out/err" || rc=$?
		if [ $rc = 3 ]; then
			ok "valgrind, --reader $reader: skipped, the kernel lacks it ($(grep ktrail: "$out/err" | tail -1))"
		elif [ $rc = 0 ] && [ "$(grep -c . "$out/v.csv")" -gt 1 ]; then
			ok "valgrind, --reader $reader: no error, no leak, $(($(grep -c . "$out/v.csv") - 1)) rows"
		else
			grep -v -e '^ktrail:' -e 'debug info' -e 'trace_pipe_raw' -e 'ELF header' "$out/err" | head -40
			ko "valgrind, --reader $reader: exit $rc"
		fi
		rm -rf "$out"
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
