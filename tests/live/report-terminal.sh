#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What ktrail report prints from a recording's description cannot
# command the terminal (issue 17): a recording made under a host name
# with ESC, a CSI sequence and BEL in it (a UTS namespace of its own)
# is summarised, and described by --info, with those bytes as \e and
# \xHH, never raw.
. "$TESTLIB"
require_root
require_tracefs
command -v unshare > /dev/null || skip "no unshare (util-linux)"
command -v python3 > /dev/null || skip "no python3 to set a host name with control characters"
unshare -u true 2> /dev/null || skip "no UTS namespace here"
# shellcheck disable=SC2016
unshare -u sh -c 'python3 -c "import socket; socket.sethostname(\"ev\x1b[2Jil\x07\x9bx\")" &&
	exec "$1" record -q -e msgsnd -o "$2" -- true' sh "$KTRAIL" "$T/rec.ktr" 2> "$T/rec.err" ||
	{ show "$T/rec.err"; fail "ktrail record under the hostile host name failed"; }
want='ev\e[2Jil\x07\u009bx'
"$KTRAIL" report "$T/rec.ktr" -o csv:"$T/r.csv" 2> "$T/report.err" ||
	{ show "$T/report.err"; fail "ktrail report exited $?"; }
show "$T/report.err" "ktrail report's stderr"
grep -qF "(recorded on $want, Linux" "$T/report.err" ||
	fail "the summary does not show the host name as '$want'"
"$KTRAIL" report --info "$T/rec.ktr" > "$T/info.txt" 2>&1 ||
	{ show "$T/info.txt"; fail "ktrail report --info exited $?"; }
grep -qxF "  hostname: $want" "$T/info.txt" || { show "$T/info.txt"; fail "--info does not show the host name as '$want'"; }
# No ESC, BEL or C1 byte anywhere.
for f in "$T/report.err" "$T/info.txt"; do
	if LC_ALL=C grep -q "$(printf '[\033\007]')" "$f" || LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$f"; then
		fail "$f holds a raw control character"
	fi
done
log "ok: the recording's host name is escaped in the summary and in --info"
assert_no_leftovers
