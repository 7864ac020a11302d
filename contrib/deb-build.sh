#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the Debian package and check it with lintian (root, from a clone):
#   contrib/deb-build.sh
#
# The committed sources (git archive HEAD, or KT_DEB_REV; with
# KT_DEB_WORKTREE=1 the tracked files as they are in the working tree) are
# copied to build-deb/ktrail-VERSION, so the build leaves nothing in the
# tree: dpkg-buildpackage -us -uc -b there (debian/rules runs the unit
# tests, not the live ones), then lintian --fail-on error on the .changes.
# The .deb, .changes, .buildinfo and lintian.txt stay in build-deb/.
# Installs what is missing first: dpkg-dev, debhelper and lintian, then
# the Build-Depends of debian/control (apt-get build-dep).
# Last line: "N passed, N failed" (one per step), as contrib/run-tests.sh
# counts it.
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)
OUT=$SRC/build-deb
t0=$(date +%s)
pass=0
fail=0
ok() { echo "   PASS $*"; pass=$((pass + 1)); }
ko() { echo "   FAIL $*"; fail=$((fail + 1)); }
phase() { echo "== $* ($(($(date +%s) - t0)) s)"; }
finish() {
	echo "deb: $pass passed, $fail failed ($(($(date +%s) - t0)) s)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}
export DEBIAN_FRONTEND=noninteractive
APT="apt-get -o DPkg::Lock::Timeout=900 -y -qq --no-install-recommends --no-remove"

phase "packaging tools"
missing=""
for p in dpkg-dev debhelper lintian; do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" || missing="$missing $p"
done
updated=0
if [ -n "$missing" ]; then
	echo "ktrail: installing$missing"
	apt-get -o DPkg::Lock::Timeout=900 update -qq || echo "   (apt-get update reported errors)"
	updated=1
	# shellcheck disable=SC2086
	$APT install $missing > /dev/null || { ko "install of$missing"; finish; }
fi

phase "sources"
rm -rf "$OUT"
mkdir -p "$OUT/src" || { ko "mkdir $OUT"; finish; }
if [ "${KT_DEB_WORKTREE:-0}" = 1 ]; then
	what="the working tree"
	git ls-files -z | xargs -0 tar -cf - 2> /dev/null | tar -xf - -C "$OUT/src"
else
	rev=${KT_DEB_REV:-HEAD}
	what="commit $(git rev-parse --short "$rev")"
	git archive "$rev" | tar -xf - -C "$OUT/src"
fi || { ko "copy of the sources"; finish; }
[ -f "$OUT/src/debian/control" ] || { ko "no debian/control in $what"; finish; }
VERSION=$(dpkg-parsechangelog -l "$OUT/src/debian/changelog" -S Version) ||
	{ ko "version of debian/changelog"; finish; }
TREE=$OUT/ktrail-$VERSION
mv "$OUT/src" "$TREE"
echo "   $what, ktrail $VERSION in $TREE"

phase "build dependencies"
# apt-get build-dep reads the copy's debian/control.  Its --simulate
# says whether anything is missing, so a machine that has everything
# needs no package list.
if $APT --simulate build-dep "$TREE" 2> /dev/null | grep -q '^Inst '; then
	[ "$updated" = 1 ] || apt-get -o DPkg::Lock::Timeout=900 update -qq ||
		echo "   (apt-get update reported errors)"
	$APT build-dep "$TREE" > /dev/null || { ko "apt-get build-dep"; finish; }
fi
ok "build dependencies"

phase "dpkg-buildpackage -us -uc -b"
if (cd "$TREE" && dpkg-buildpackage -us -uc -b) > "$OUT/build.log" 2>&1; then
	ok "dpkg-buildpackage"
else
	tail -n 40 "$OUT/build.log"
	ko "dpkg-buildpackage (log: $OUT/build.log)"
	finish
fi
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
CHANGES=$OUT/ktrail_${VERSION}_$ARCH.changes
DEB=$OUT/ktrail_${VERSION}_$ARCH.deb
for f in "$CHANGES" "$DEB"; do
	[ -f "$f" ] || { ko "missing $f"; finish; }
done
grep -E '^(PASS|FAIL|# (TOTAL|PASS|SKIP|FAIL|ERROR)):' "$OUT/build.log" | grep '^#' || true
dpkg-deb --contents "$DEB" | awk '{ print "   " $6 }'

phase "lintian --fail-on error"
# The .changes names the .deb and the .buildinfo: lintian checks all.
if lintian --fail-on error --display-info "$CHANGES" > "$OUT/lintian.txt" 2>&1; then
	ok "lintian (no error)"
else
	ko "lintian"
fi
sed 's/^/   /' "$OUT/lintian.txt"
# The tree: the build was a copy's, the sources' status is unchanged.
rm -rf "$TREE"
finish
