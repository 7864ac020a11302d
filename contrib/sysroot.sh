#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sysroot of a cross build: Debian's packages of ARCH (the C library,
# kernel headers, libgcc, ktrail's libraries with their -dev packages,
# which hold the static libtracefs.a, libtraceevent.a and libcap.a too)
# fetched by apt with a state of its own (build-cross/apt-ARCH) and
# unpacked in build-cross/sysroot-ARCH: no 'dpkg --add-architecture',
# nothing of ARCH installed.  Used by contrib/cross-build.sh and
# contrib/static-build.sh:
#   contrib/sysroot.sh armhf|arm64
# A sysroot of the same package list is kept; KT_CROSS_REFRESH=1 fetches
# it again.  Last line: the libc6 version, or an error (exit 1).
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
ARCH=${1:-}
case "$ARCH" in
armhf | arm64) ;;
*)
	echo "usage: $0 armhf|arm64" >&2
	exit 2
	;;
esac
SYS=$SRC/build-cross/sysroot-$ARCH
APTD=$SRC/build-cross/apt-$ARCH
err() { echo "sysroot $ARCH: $*" >&2; exit 1; }

# The target's C library, kernel headers, libgcc (of the host gcc's major
# version: the same Debian release) and ktrail's libraries with their -dev.
GCCV=$(gcc -dumpversion 2> /dev/null | cut -d. -f1)
SYS_PKGS="libc6 libc6-dev linux-libc-dev libgcc-${GCCV:-12}-dev libgcc-s1
	libtracefs1 libtracefs-dev libtraceevent1 libtraceevent-dev libcap2 libcap-dev libzstd1 libzstd-dev
	libcmocka0 libcmocka-dev"
# shellcheck disable=SC2086,SC2116
want=$(echo $SYS_PKGS)
if [ "${KT_CROSS_REFRESH:-0}" = 1 ] || [ ! -f "$SYS/.packages" ] ||
	[ "$(head -1 "$SYS/.packages")" != "$want" ]; then
	set -- -o "APT::Architecture=$ARCH" -o "APT::Architectures::=$ARCH" \
		-o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache" \
		-o Dir::State::status=/dev/null
	rm -rf "$APTD/debs" "$SYS.new"
	mkdir -p "$APTD/lists/partial" "$APTD/cache/archives/partial" "$APTD/debs" "$SYS.new"
	apt-get "$@" update -qq 2>&1 | grep -v -e '^W:' -e '^ ' | sed 's/^/   apt: /' >&2
	# shellcheck disable=SC2086
	(cd "$APTD/debs" && apt-get "$@" download -q $SYS_PKGS 2>&1 | grep -v -e unsandboxed -e '^Get:') >&2
	for p in $SYS_PKGS; do
		ls "$APTD/debs/${p}"_*.deb > /dev/null 2>&1 || err "download of $p ($ARCH) failed"
	done
	for d in "$APTD"/debs/*.deb; do
		dpkg-deb -x "$d" "$SYS.new" || err "unpacking $d failed"
	done
	# Absolute symlinks (libcap.so -> /lib/...) point into the sysroot.
	find "$SYS.new" -type l | while read -r l; do
		t=$(readlink "$l")
		case "$t" in
		/*) ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$SYS.new$t")" "$l" ;;
		esac
	done
	{
		echo "$want"
		for d in "$APTD"/debs/*.deb; do dpkg-deb -f "$d" Package Version | tr '\n' ' '; echo; done
	} > "$SYS.new/.packages"
	rm -rf "$SYS"
	mv "$SYS.new" "$SYS"
	rm -rf "$APTD/debs"
fi
sed -n 's/^Package: libc6 Version: \([^ ]*\).*/\1/p' "$SYS/.packages"
