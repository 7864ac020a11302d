#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test: unit (cmocka) and the fuzz targets' corpora, live (this
# kernel, root), the armhf and arm64 cross builds with their unit tests
# under qemu-user (contrib/cross-build.sh), kernel tests (Debian's 5.10, 6.1
# and 6.12 x86_64 kernels and its 32-bit arm kernel under QEMU), and all but the
# kernel tests again under ASan+UBSan, plus valgrind on live traces
# (contrib/sanitize.sh).  Installs what is missing first.  Run as root from
# a clone:
#   contrib/run-tests.sh
# KT_SKIP_KERNELS=1 leaves the QEMU tests out, KT_SKIP_SANITIZE=1 the
# sanitizer and valgrind runs, KT_SKIP_CROSS=1 the cross builds, KT_DEB=0
# the Debian package (dpkg-buildpackage and lintian in a copy of the
# committed tree, contrib/deb-build.sh: about a minute, and the packaging
# tools installed the first time).  The tree
# is configured with --enable-test-hooks (a test build, not one to install).
set -e
cd "$(dirname "$0")/.."
sh contrib/deps.sh
sh contrib/duckdb-deps.sh
[ -x configure ] || ./bootstrap
# A test build: the live and kernel tests set KTRAIL_TEST_* hooks, which
# only a tree configured with --enable-test-hooks reads (doc/test-hooks.md).
# A tree configured without them is configured again.
if [ ! -f Makefile ] || ! grep -q '^#define KT_TEST_HOOKS 1' config.h 2> /dev/null; then
	./configure --enable-werror --enable-test-hooks
fi
make -j"$(nproc)"
./ktrail --version | grep -q '^test hooks: yes' || { echo "run-tests: ./ktrail has no test hooks" >&2; exit 1; }
# A live test that needs a hook fails here instead of skipping.
export KT_REQUIRE_TEST_HOOKS=1
status=0
# The static ktrail, which tests/live/static.sh compares with this build.
sh contrib/static-build.sh x86_64 > static-x86_64.log 2>&1 ||
	{ cat static-x86_64.log; echo "run-tests: contrib/static-build.sh x86_64 failed" >&2; status=1; }
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
# stage LOG COMMAND...: run a stage into LOG, show it, and add its last
# "N passed, N failed" line to the totals (none: the stage failed).
stage() {
	log=$1
	shift
	sst=0
	"$@" > "$log" 2>&1 || sst=$?
	cat "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	if [ -n "$line" ]; then
		pass=$((pass + ${line%% passed*}))
		f=${line#*passed, }
		fail=$((fail + ${f%% failed*}))
	else
		fail=$((fail + 1))
		sst=1
	fi
	[ "$sst" -eq 0 ] || status=$sst
}
# Before the kernel tests: their armhf flavor boots build-cross/armhf.
if [ "${KT_SKIP_CROSS:-0}" != 1 ]; then
	for arch in armhf arm64; do
		stage "cross-$arch.log" sh contrib/cross-build.sh "$arch"
	done
fi
if [ "${KT_DEB:-1}" = 1 ]; then
	stage deb.log sh contrib/deb-build.sh
fi
[ "${KT_SKIP_KERNELS:-0}" = 1 ] || stage kernels.log make check-kernels
[ "${KT_SKIP_SANITIZE:-0}" = 1 ] || stage sanitize.log sh contrib/sanitize.sh
[ "$fail" -eq 0 ] || [ "$status" -ne 0 ] || status=1
echo "unit + live + cross + kernel + sanitizer tests:"
echo "$pass passed, $fail failed, $skip skipped"
exit "$status"
