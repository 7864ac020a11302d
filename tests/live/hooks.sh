#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The environment variables ktrail reads (doc/test-hooks.md, issue 17):
# ktrail --version says whether the KTRAIL_TEST_* hooks are compiled in,
# and the binary holds their names exactly then.  A release build ignores
# a KTRAIL_TEST_* variable with one warning and traces as usual; a test
# build refuses a bad value (exit 2, the variable and what it must be)
# before it touches tracefs.  Both refuse a KTRAIL_DEBUG_* value that is
# not 1 or 0, or a name they do not know.
. "$TESTLIB"
require_root
require_tracefs

rc=0
"$KTRAIL" --version > "$T/version" 2>&1 || rc=$?
[ $rc = 0 ] || { show "$T/version"; fail "ktrail --version exited $rc"; }
line=$(grep '^test hooks: ' "$T/version" || true)
names=$(grep -a -c -e KTRAIL_TEST_PROBE_SYMBOL -e KTRAIL_TEST_OPEN_AFTER_DROP "$KTRAIL" || true)
case $line in
"test hooks: no")
	hooks=no
	[ "$names" = 0 ] || fail "test hooks: no, yet the binary names them ($names lines)"
	;;
"test hooks: yes (KTRAIL_TEST_* variables are read: a test build, not for an installed ktrail)")
	hooks=yes
	[ "$names" -gt 0 ] || fail "test hooks: yes, yet the binary does not name them"
	;;
*) show "$T/version"; fail "--version's test hooks line is '$line'" ;;
esac
log "ok: ktrail --version: $line"

# refused WANT-MESSAGE VAR=VALUE...: exit 2, the one line WANT-MESSAGE,
# nothing created.
refused() {
	local want=$1 rc=0
	shift
	env "$@" "$KTRAIL" -q -e msgsnd -o csv:"$T/r.csv" -- true > /dev/null 2> "$T/r.err" \
		< /dev/null || rc=$?
	[ $rc = 2 ] || { show "$T/r.err"; fail "$*: exit $rc, want 2"; }
	[ "$(cat "$T/r.err")" = "ktrail: $want" ] ||
		{ show "$T/r.err"; fail "$*: not 'ktrail: $want'"; }
	[ ! -e "$T/r.csv" ] || fail "$*: the output was created"
}

refused "KTRAIL_DEBUG_RING=yes: want 1 (on) or 0 (off)" KTRAIL_DEBUG_RING=yes
refused "KTRAIL_DEBUG_NOSUCH: no such variable of ktrail's (doc/test-hooks.md)" KTRAIL_DEBUG_NOSUCH=1
n=2
if [ $hooks = yes ]; then
	refused "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd a=+0(%di):u32: the symbol must be a kernel symbol's name (letters, digits, '_' and '.', not a digit first, 95 bytes at most)" \
		"KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd a=+0(%di):u32"
	refused "KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd?-:x/y: the symbol must be a kernel symbol's name (letters, digits, '_' and '.', not a digit first, 95 bytes at most)" \
		"KTRAIL_TEST_PROBE_SYMBOL=msgsnd_d=ksys_msgsnd
-:x/y"
	refused "KTRAIL_TEST_BAD_FETCH=nosuch_d: want a probe event of ktrail's (EVENT_e, _x, _d, _ce, _cx or _cd, e.g. msgsnd_d)" \
		KTRAIL_TEST_BAD_FETCH=nosuch_d
	refused "KTRAIL_TEST_OPEN_AFTER_DROP=etc/shadow: want an absolute path (printable, shorter than 4096 bytes)" \
		KTRAIL_TEST_OPEN_AFTER_DROP=etc/shadow
	refused "KTRAIL_TEST_RAW_FILTER=id == 1?: want a filter of printable ASCII, 8191 bytes at most" \
		"KTRAIL_TEST_RAW_FILTER=id == 1
"
	refused "KTRAIL_TEST_IDFILTER_MAX=4097: want a number of bytes from 1 to 4096" \
		KTRAIL_TEST_IDFILTER_MAX=4097
	refused "KTRAIL_TEST_NO_KFILTER=yes: want 1 (on) or 0 (off)" KTRAIL_TEST_NO_KFILTER=yes
	refused "KTRAIL_TEST_NOSUCH: no such test hook (doc/test-hooks.md)" KTRAIL_TEST_NOSUCH=1
	n=10
else
	# Ignored, said once, and the trace runs as without it.
	rc=0
	KTRAIL_TEST_PROBE_SYMBOL='msgsnd_d=ksys msgsnd' run_ktrail -q -e msgsnd -o csv:"$T/i.csv" -- true > /dev/null 2> "$T/i.err" \
		< /dev/null || rc=$?
	[ $rc = 0 ] || { show "$T/i.err"; fail "release build, KTRAIL_TEST_* set: exit $rc, want 0"; }
	want="ktrail: KTRAIL_TEST_PROBE_SYMBOL ignored: this ktrail is built without test hooks (ktrail --version)"
	[ "$(grep -c KTRAIL_TEST "$T/i.err")" = 1 ] && grep -qxF "$want" "$T/i.err" ||
		{ show "$T/i.err"; fail "release build: not the one line '$want'"; }
	[ "$(head -n 1 "$T/i.csv" | cut -d, -f1)" = timestamp ] ||
		fail "release build, KTRAIL_TEST_* set: no CSV written"
	log "ok: KTRAIL_TEST_* ignored with one warning"
fi
assert_no_leftovers
echo "PASS: hooks (test hooks: $hooks; $n bad values refused with exit 2, nothing left)"
