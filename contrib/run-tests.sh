#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test: unit (cmocka), live (this kernel, root) and kernel tests
# (Debian's 6.1 and 6.12 kernels under QEMU).  Installs what is missing
# first.  Run as root from a clone:
#   contrib/run-tests.sh
# KT_SKIP_KERNELS=1 leaves the QEMU tests out.
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
if [ "${KT_SKIP_KERNELS:-0}" != 1 ]; then
	kstatus=0
	make check-kernels || kstatus=$?
	[ "$kstatus" -eq 0 ] || status=$kstatus
fi
exit "$status"
