#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test: unit (cmocka), live (this kernel, root) and kernel tests
# (QEMU).  Installs what is missing first.  Run as root from a clone:
#   sudo contrib/run-tests.sh
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
		if grep -q '^FAIL\|^ERROR' "${f%.log}.trs" 2>/dev/null; then
			echo "===== $f"
			cat "$f"
		fi
	done
fi
exit "$status"
