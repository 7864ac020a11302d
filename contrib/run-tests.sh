#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test: unit (cmocka) and the fuzz targets' corpora, live (this
# kernel, root), the armhf and arm64 cross builds with their unit tests
# under qemu-user (contrib/cross-build.sh), kernel tests (Debian's 6.1 and
# 6.12 x86_64 kernels and its 32-bit arm kernel under QEMU), and all but the
# kernel tests again under ASan+UBSan, plus valgrind on live traces
# (contrib/sanitize.sh).  Installs what is missing first.  Run as root from
# a clone:
#   contrib/run-tests.sh
# KT_SKIP_KERNELS=1 leaves the QEMU tests out, KT_SKIP_SANITIZE=1 the
# sanitizer and valgrind runs, KT_SKIP_CROSS=1 the cross builds.
set -e
cd "$(dirname "$0")/.."
sh contrib/deps.sh
[ -x configure ] || ./bootstrap
[ -f Makefile ] || ./configure --enable-werror
make -j"$(nproc)"
status=0
make -j1 check || status=$?
if [ "$status" -ne 0 ]; then
	for f in tests/unit/*.log tests/live/*.log; do
		[ -f "$f" ] || continue
		if grep -q ':test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" 2>/dev/null; then
			echo "===== $f"
			cat "$f"
		fi
	done
fi
count() { v=$(sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -1); echo "${v:-0}"; }
pass=$(count PASS); fail=$(($(count FAIL) + $(count ERROR) + $(count XPASS))); skip=$(count SKIP)
# Before the kernel tests: their armhf flavor boots build-cross/armhf.
if [ "${KT_SKIP_CROSS:-0}" != 1 ]; then
	for arch in armhf arm64; do
		cstatus=0
		sh contrib/cross-build.sh "$arch" > "cross-$arch.log" 2>&1 || cstatus=$?
		cat "cross-$arch.log"
		cline=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "cross-$arch.log" | tail -1)
		if [ -n "$cline" ]; then
			pass=$((pass + ${cline%% passed*}))
			cf=${cline#*passed, }
			fail=$((fail + ${cf%% failed*}))
		else
			fail=$((fail + 1))
			cstatus=1
		fi
		[ "$cstatus" -eq 0 ] || status=$cstatus
	done
fi
if [ "${KT_SKIP_KERNELS:-0}" != 1 ]; then
	kstatus=0
	make check-kernels > kernels.log 2>&1 || kstatus=$?
	cat kernels.log
	kline=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' kernels.log | tail -1)
	if [ -n "$kline" ]; then
		pass=$((pass + ${kline%% passed*}))
		kf=${kline#*passed, }
		fail=$((fail + ${kf%% failed*}))
	else
		fail=$((fail + 1))
		kstatus=1
	fi
	[ "$kstatus" -eq 0 ] || status=$kstatus
fi
if [ "${KT_SKIP_SANITIZE:-0}" != 1 ]; then
	sstatus=0
	sh contrib/sanitize.sh > sanitize.log 2>&1 || sstatus=$?
	cat sanitize.log
	sline=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' sanitize.log | tail -1)
	if [ -n "$sline" ]; then
		pass=$((pass + ${sline%% passed*}))
		sf=${sline#*passed, }
		fail=$((fail + ${sf%% failed*}))
	else
		fail=$((fail + 1))
		sstatus=1
	fi
	[ "$sstatus" -eq 0 ] || status=$sstatus
fi
[ "$fail" -eq 0 ] || [ "$status" -ne 0 ] || status=1
echo "unit + live + cross + kernel + sanitizer tests:"
echo "$pass passed, $fail failed, $skip skipped"
exit "$status"
