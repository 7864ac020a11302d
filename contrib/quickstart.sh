#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the dependencies, build ktrail, and trace the bundled IPC demo
# into demo.csv.  Run as root from a clone: sudo contrib/quickstart.sh
set -e
cd "$(dirname "$0")/.."
sh contrib/deps.sh
[ -x configure ] || ./bootstrap
[ -f Makefile ] || ./configure
make -j"$(nproc)"
make demo
