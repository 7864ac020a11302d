#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Cross build of ktrail for 32-bit ARM or arm64, and its unit tests under
# qemu-user; run by contrib/run-tests.sh (root, from a clone):
#   contrib/cross-build.sh armhf|arm64
#
# Debian's gcc cross compilers (gcc-arm-linux-gnueabihf, ...) conflict with
# gcc-multilib, which the i386 test workload needs.  So this builds with
# clang --target=TRIPLET against a sysroot of the target's own Debian
# packages (libc6-dev, libgcc-N-dev, libtracefs-dev, ... of ARCH), fetched
# by apt with a state of its own and unpacked in build-cross/sysroot-ARCH:
# no 'dpkg --add-architecture', nothing of ARCH installed.  The host gets
# clang, binutils-TRIPLET (ld, ar, strip) and qemu-user, which coexist with
# gcc-multilib (apt-get runs with --no-remove).
#
# The committed sources (git archive HEAD, or KT_CROSS_REV; with
# KT_CROSS_WORKTREE=1 the tracked files as they are in the working tree)
# are built in build-cross/ARCH: ./bootstrap, configure --host=TRIPLET
# --enable-werror, make, make check (unit tests and fuzz replays through
# qemu-user), the test workloads tests/workload/ipcwork and famwork linked
# statically (for a guest with no libraries), ktrail --version under
# qemu-user, and the size of the stripped ktrail.  runtime-libs.txt lists the libraries ktrail needs
# (file in the sysroot, path on the target).
# KT_CROSS_REFRESH=1 fetches the sysroot again.  No --enable-test-hooks:
# the result is the ktrail a board gets, and the armhf guest of the
# kernel tests sets no KTRAIL_TEST_* hook (doc/test-hooks.md).
# Last line: "N passed, N failed" (the tests of make check and each step).
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
ARCH=${1:-}
case "$ARCH" in
armhf) TRIPLET=arm-linux-gnueabihf QCPU=arm ;;
arm64) TRIPLET=aarch64-linux-gnu QCPU=aarch64 ;;
*)
	echo "usage: $0 armhf|arm64" >&2
	exit 2
	;;
esac
OUT=$SRC/build-cross/$ARCH
SYS=$SRC/build-cross/sysroot-$ARCH
t0=$(date +%s)
pass=0
fail=0
ok() { echo "   PASS $*"; pass=$((pass + 1)); }
ko() { echo "   FAIL $*"; fail=$((fail + 1)); }
phase() { echo "== $* ($(($(date +%s) - t0)) s)"; }
finish() {
	echo "cross $ARCH: $pass passed, $fail failed ($(($(date +%s) - t0)) s)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}

phase "host packages"
HOST_PKGS="clang binutils-$TRIPLET qemu-user autoconf automake libtool pkg-config make"
missing=""
for p in $HOST_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "ktrail: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A list that fails (a mirror in the middle of a sync) is not fatal:
	# the install says whether what is needed is there.
	apt-get -o DPkg::Lock::Timeout=900 update -qq || echo "   (apt-get update reported errors)"
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends --no-remove $missing > /dev/null ||
		{ ko "install of$missing"; finish; }
fi
CLANG_VERSION=$(clang --version | head -1)

phase "sysroot $SYS"
LIBC_VERSION=$(sh "$SRC/contrib/sysroot.sh" "$ARCH" | tail -1) && [ -n "$LIBC_VERSION" ] ||
	{ ko "sysroot of $ARCH (contrib/sysroot.sh)"; finish; }
echo "   Debian $ARCH packages: libc6 $LIBC_VERSION, $(($(wc -l < "$SYS/.packages") - 1)) packages"

phase "sources in $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
if [ "${KT_CROSS_WORKTREE:-0}" = 1 ]; then
	what="the working tree"
	git ls-files -z | xargs -0 tar -cf - 2> /dev/null | tar -xf - -C "$OUT"
else
	rev=${KT_CROSS_REV:-HEAD}
	what="commit $(git rev-parse --short "$rev")"
	git archive "$rev" | tar -xf - -C "$OUT"
fi || { ko "copy of the sources"; finish; }
echo "   $what"

CC="clang --target=$TRIPLET --sysroot=$SYS"
EMU="qemu-$QCPU -L $SYS"
phase "build: $CC"
cd "$OUT" || exit 1
export PKG_CONFIG_SYSROOT_DIR="$SYS"
if ./bootstrap > build.log 2>&1 &&
	./configure --host="$TRIPLET" --enable-werror CC="$CC" KT_EMULATOR="$EMU" \
		PKG_CONFIG=pkg-config \
		PKG_CONFIG_LIBDIR="$SYS/usr/lib/$TRIPLET/pkgconfig:$SYS/usr/share/pkgconfig" \
		>> build.log 2>&1 &&
	make -j"$(nproc)" >> build.log 2>&1; then
	ok "build ($ARCH, -Werror)"
else
	tail -30 build.log
	ko "build ($ARCH)"
	finish
fi

phase "make check under $EMU"
status=0
make -j"$(nproc)" check > check.log 2>&1 || status=$?
n() { v=$(sed -n "s/^# $1: *//p" test-suite.log 2> /dev/null | head -1); echo "${v:-0}"; }
if [ -f test-suite.log ]; then
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.log | sed 's/^/   /'
	pass=$((pass + $(n PASS)))
	fail=$((fail + $(n FAIL) + $(n ERROR) + $(n XPASS)))
	for f in tests/*/*.trs; do
		grep -q ':test-result: \(FAIL\|ERROR\|XPASS\)' "$f" 2> /dev/null || continue
		echo "===== ${f%.trs}.log"
		tail -20 "${f%.trs}.log"
	done
fi
if [ "$status" -ne 0 ] && [ "$(n FAIL)$(n ERROR)" = 00 ]; then
	tail -30 check.log
	ko "make check (exit $status)"
fi

phase "static workloads"
# Over make check's dynamically linked ipcwork (famwork is static already).
for w in ipcwork famwork; do
	if $CC -O2 -Wall -Wextra -static -o "tests/workload/$w" "tests/workload/$w.c" -lrt >> build.log 2>&1 &&
		! "$TRIPLET-readelf" -lW "tests/workload/$w" | grep -q INTERP; then
		ok "tests/workload/$w, static"
	else
		ko "tests/workload/$w, static"
	fi
done

phase "ktrail"
if v=$($EMU ./ktrail --version 2>&1) && [ -n "$v" ]; then ok "ktrail --version under qemu-$QCPU: $v"; else ko "ktrail --version: $v"; fi
# Its libraries, the NEEDED entries recursively: "file-in-sysroot path-on-target".
interp=$("$TRIPLET-readelf" -lW ktrail | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
{
	echo "$SYS$interp $interp"
	todo=ktrail seen=""
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086
		set -- $todo
		f=$1
		shift
		todo="$*"
		for lib in $("$TRIPLET-readelf" -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case " $seen " in *" $lib "*) continue ;; esac
			seen="$seen $lib"
			for d in /lib/$TRIPLET /usr/lib/$TRIPLET; do
				[ -e "$SYS$d/$lib" ] || continue
				[ "$lib" = "${interp##*/}" ] || echo "$SYS$d/$lib $d/$lib"
				todo="$todo $SYS$d/$lib"
				break
			done
		done
	done
} > runtime-libs.txt
nlibs=$(grep -c . runtime-libs.txt)
if [ "$nlibs" -ge 3 ] && while read -r f _; do [ -e "$f" ] || exit 1; done < runtime-libs.txt; then
	ok "runtime libraries: $(sed 's|.* ||' runtime-libs.txt | tr '\n' ' ')"
else
	ko "runtime libraries (runtime-libs.txt)"
fi
cp ktrail ktrail.stripped && "$TRIPLET-strip" ktrail.stripped
# shellcheck disable=SC2046
set -- $("$TRIPLET-size" ktrail.stripped | tail -1)
echo "cross $ARCH: ktrail stripped $(stat -c %s ktrail.stripped) bytes (text $1, data $2, bss $3);" \
	"$CLANG_VERSION; Debian libc6 $LIBC_VERSION ($what)"
finish
