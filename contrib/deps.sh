#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what ktrail needs to build and test on Debian/Ubuntu (root).
set -e
PKGS="build-essential autoconf automake libtool pkg-config
      libtracefs-dev libtraceevent-dev libcap-dev libzstd-dev libcmocka-dev libtracecmd-dev trace-cmd
      python3 procps valgrind netcat-openbsd"
# The i386 build of the test workload (the _time32 events), where the
# architecture has it.
case "$(dpkg --print-architecture 2>/dev/null)" in
amd64) PKGS="$PKGS gcc-multilib" ;;
esac
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "ktrail: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
