#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A static ktrail, one file to copy onto a board and run:
#   contrib/static-build.sh x86_64|armhf|arm64
# writes build-static/ARCH/ktrail, linked with -all-static (configure
# --enable-static-binary) against Debian's libtracefs.a, libtraceevent.a,
# libcap.a and the static glibc; build-static/ARCH/ktrail.stripped is the
# same stripped.  x86_64 builds with the host's cc against the host's
# -dev packages; armhf and arm64 with clang --target=TRIPLET against the
# sysroot of contrib/sysroot.sh (the :armhf/:arm64 -dev packages, as
# contrib/cross-build.sh fetches them), and are tried under qemu-user.
#
# What a static ktrail does without:
#   - NSS: it reads /etc/passwd and /etc/group itself (a board's users);
#     a user only LDAP/NIS/systemd knows is given as --user UID or UID:GID;
#   - libtraceevent plugins: none is loaded (ktrail never loads them: it
#     decodes the fields itself, so a static build decodes the same);
#   - ktrail report of trace-cmd's trace.dat (--without-libtracecmd).
# The committed sources are built (git archive HEAD, or KT_STATIC_REV;
# KT_STATIC_WORKTREE=1: the tracked files as they are in the working tree),
# without test hooks: the ktrail a board gets.
# Last line: "static ARCH: ktrail N bytes stripped" and exit 0, or exit 1.
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
ARCH=${1:-}
case "$ARCH" in
x86_64) TRIPLET=x86_64-linux-gnu QCPU= ;;
armhf) TRIPLET=arm-linux-gnueabihf QCPU=arm ;;
arm64) TRIPLET=aarch64-linux-gnu QCPU=aarch64 ;;
*)
	echo "usage: $0 x86_64|armhf|arm64" >&2
	exit 2
	;;
esac
OUT=$SRC/build-static/$ARCH
B=$OUT/build
die() { echo "static $ARCH: $*" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$B"
if [ "${KT_STATIC_WORKTREE:-0}" = 1 ]; then
	what="the working tree"
	git ls-files -z | xargs -0 tar -cf - 2> /dev/null | tar -xf - -C "$B"
else
	rev=${KT_STATIC_REV:-HEAD}
	what="commit $(git rev-parse --short "$rev")"
	git archive "$rev" | tar -xf - -C "$B"
fi || die "copy of the sources failed"

if [ "$ARCH" = x86_64 ]; then
	[ "$(uname -m)" = x86_64 ] || die "the x86_64 static build runs on an x86_64 host"
	for l in libtracefs libtraceevent libcap libzstd libc; do
		[ -e "/usr/lib/$TRIPLET/$l.a" ] || die "/usr/lib/$TRIPLET/$l.a is missing (apt-get install ${l}-dev; libc: libc6-dev)"
	done
	set -- CC="${CC:-cc}"
	STRIP=strip READELF=readelf EMU=
else
	for p in clang "binutils-$TRIPLET" qemu-user; do
		dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" ||
			die "$p is missing (contrib/cross-build.sh $ARCH installs it)"
	done
	LIBC=$(sh "$SRC/contrib/sysroot.sh" "$ARCH" | tail -1) && [ -n "$LIBC" ] ||
		die "no sysroot (contrib/sysroot.sh $ARCH)"
	SYS=$SRC/build-cross/sysroot-$ARCH
	for l in libtracefs libtraceevent libcap libzstd libc; do
		[ -e "$SYS/usr/lib/$TRIPLET/$l.a" ] || die "$SYS/usr/lib/$TRIPLET/$l.a is missing"
	done
	EMU="qemu-$QCPU -L $SYS"
	export PKG_CONFIG_SYSROOT_DIR="$SYS"
	set -- --host="$TRIPLET" CC="clang --target=$TRIPLET --sysroot=$SYS" KT_EMULATOR="$EMU" \
		PKG_CONFIG=pkg-config \
		PKG_CONFIG_LIBDIR="$SYS/usr/lib/$TRIPLET/pkgconfig:$SYS/usr/share/pkgconfig"
	STRIP=$TRIPLET-strip READELF=$TRIPLET-readelf
fi

echo "static $ARCH: building $what in $B"
cd "$B" || exit 1
{ ./bootstrap && ./configure --enable-static-binary --without-libtracecmd --enable-werror "$@" &&
	make -j"${KT_JOBS:-2}" ktrail; } > build.log 2>&1 || { tail -30 build.log; die "build failed (log $B/build.log)"; }
# A static glibc warns at link time of the calls that need its shared
# modules at run time (getpwnam, getaddrinfo...): ktrail must make none.
# dlopen is the exception: libtraceevent's plugin loader refers to it, and
# the warning comes with libc.a's dlopen.o, which glibc's own start-up
# links in; the dlopen ktrail gets is src/nodl.c's, which loads nothing.
if grep -i "statically linked applications requires" build.log | grep -v "'dlopen'"; then
	die "the link needs glibc's shared modules at run time (see above)"
fi
grep -q "'dlopen' in statically linked" build.log && echo "   (the link's dlopen warning is expected: ktrail's dlopen is src/nodl.c's, which loads nothing)"
grep -q "loads no shared object" ktrail || die "ktrail has not src/nodl.c's dlopen"
"$READELF" -lW ktrail | grep -q INTERP && die "ktrail has a program interpreter: not static"
"$READELF" -dW ktrail | grep -q NEEDED && die "ktrail needs shared libraries"
# The users' unit test in this configuration: the files, not NSS (under
# qemu-user for arm, through KT_EMULATOR).
make -j"${KT_JOBS:-2}" check TESTS=tests/unit/test_users > check.log 2>&1 &&
	grep -q '^# PASS: *1$' check.log || { tail -30 check.log; cat tests/unit/test_users.log; die "tests/unit/test_users failed"; }
echo "   tests/unit/test_users (static configuration): PASS"
cp ktrail "$OUT/ktrail"
cp ktrail "$OUT/ktrail.stripped"
"$STRIP" "$OUT/ktrail.stripped"
file "$OUT/ktrail" | sed 's/^/   /'
v=$($EMU "$OUT/ktrail" --version 2>&1) || die "ktrail --version failed: $v"
echo "$v" | grep -q '^linked: static' || die "ktrail --version does not say it is static: $v"
echo "   ${EMU:+$EMU }ktrail --version: $(echo "$v" | tr '\n' ';')"
# list, and the canned recordings decoded (tests/data/recordings): the
# armhf one checked call by call against its workload's output, and both
# the same CSV as the dynamic ktrail of this tree (./ktrail) gives, when
# there is one (and on x86_64 the same list).
K="$EMU $OUT/ktrail"
$K list > list.txt 2>&1 && grep -q mq_timedsend list.txt || die "ktrail list: $(head -3 list.txt)"
echo "   ktrail list: $(wc -l < list.txt) lines"
R=$SRC/tests/data/recordings
$K report "$R/armhf-6.1-ipcwork.ktr" -o csv:arm.csv -o json:arm.jsonl 2> report.err ||
	die "ktrail report of armhf-6.1-ipcwork.ktr: $(cat report.err)"
python3 "$SRC/tests/live/check_rows.py" --catalog="$SRC/src/catalog/events.def" \
	--workload "$R/armhf-6.1-ipcwork.wl" --csv arm.csv --json arm.jsonl \
	--events ipc_msgq,net_snd_rcv --comm ipcwork --arch arm --user-memory > check.txt 2>&1 ||
	{ tail -20 check.txt; die "the armhf recording's rows are wrong"; }
echo "   report armhf-6.1-ipcwork.ktr: $(tail -1 check.txt)"
if [ -x "$SRC/ktrail" ]; then
	for r in armhf-6.1-ipcwork x86_64-6.18-ipcwork; do
		rm -f static.csv dynamic.csv
		$K report "$R/$r.ktr" -o csv:static.csv 2> /dev/null &&
			"$SRC/ktrail" report "$R/$r.ktr" -o csv:dynamic.csv 2> /dev/null &&
			cmp static.csv dynamic.csv || die "report $r.ktr: not the dynamic ktrail's CSV"
		echo "   report $r.ktr: $(wc -l < static.csv) lines, the dynamic ktrail's"
	done
	# list shows the arch's own event ids: the host's are x86_64's.
	if [ "$ARCH" = x86_64 ]; then
		$K list > static.txt 2>&1 && "$SRC/ktrail" list > dynamic.txt 2>&1 &&
			cmp static.txt dynamic.txt || die "ktrail list: not the dynamic ktrail's"
		echo "   ktrail list: the dynamic ktrail's"
	fi
fi
echo "static $ARCH: ktrail $(stat -c %s "$OUT/ktrail.stripped") bytes stripped ($what)"
