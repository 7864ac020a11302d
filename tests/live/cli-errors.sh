#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: the exact exit status and a message that names the problem,
# and nothing left in tracefs.  Also --help, --version, list, and the
# traced command's exit status.
. "$TESTLIB"
require_root
require_tracefs

# expect "STATUS..." REGEX ARGS...: ktrail ARGS must exit with one of
# STATUS and its stderr must match the extended REGEX.
expect() {
	local want=$1 re=$2 rc=0
	shift 2

	run_ktrail "$@" > "$T/out" 2> "$T/err" < /dev/null || rc=$?
	case " $want " in
	*" $rc "*) ;;
	*) show "$T/err"; fail "ktrail $*: exit $rc, want $want" ;;
	esac
	grep -Eq -- "$re" "$T/err" ||
		{ show "$T/err"; fail "ktrail $*: stderr does not match /$re/"; }
	log "ok: ktrail $* -> $rc: $(head -n 1 "$T/err")"
}

out=csv:$T/x.csv
expect 2 "nosuchevent" -e nosuchevent -o "$out" -- true
expect 2 "nosuchevent" -e ipc_msgq,nosuchevent -o "$out" -- true
expect 2 "xml" -o xml -- true
expect 2 "xml" -o xml:"$T/x.xml" -- true
expect 2 "bogus" --reader bogus -o "$out" -- true
expect 2 "frobnicate" --frobnicate
expect "1 2" "(^|[^0-9])0([^0-9]|$)" -p 0 -o "$out"
expect "1 2" "abc" -p abc -o "$out"
expect "1 2" "-1" -p -1 -o "$out"
dead=$(dead_pid)
expect "1 2" "(^|[^0-9])$dead([^0-9]|$)" -p "$dead" -o "$out"
[ -e "$T/x.csv" ] && log "note: an output file was created by a failing run"

# Not root: exit 1 and a message about the privilege.  A copy of the binary
# in the test's directory, which uid 65534 can reach.
if command -v setpriv > /dev/null; then
	cp "$KTRAIL" "$T/ktrail" && chmod 755 "$T/ktrail"
	rc=0
	timeout -k 5 30 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$T/ktrail" -e ipc_msgq -o csv:/dev/null -- true > /dev/null 2> "$T/err" < /dev/null || rc=$?
	show "$T/err" "ktrail as uid 65534"
	[ $rc = 1 ] || fail "ktrail as uid 65534: exit $rc, want 1"
	grep -Eqi "permission|root|capabilit|privilege" "$T/err" ||
		fail "ktrail as uid 65534: the message does not say it needs privileges"
else
	log "note: no setpriv: the non-root case is not tested"
fi

# --help, --version, list.
rc=0
run_ktrail --help > "$T/help" 2>&1 || rc=$?
[ $rc = 0 ] || fail "ktrail --help exited $rc"
for opt in -e -o -p; do
	grep -Eq -- "(^|[^[:alnum:]-])$opt([^[:alnum:]-]|$)" "$T/help" || fail "--help does not mention $opt"
done
rc=0
run_ktrail --version > "$T/version" 2>&1 || rc=$?
[ $rc = 0 ] || fail "ktrail --version exited $rc"
grep -Eq '[0-9]+\.[0-9]+' "$T/version" || fail "--version prints no version: $(cat "$T/version")"
log "ok: --version: $(head -n 1 "$T/version")"
rc=0
run_ktrail list > "$T/list" 2>&1 || rc=$?
[ $rc = 0 ] || { show "$T/list"; fail "ktrail list exited $rc"; }
for w in msgsnd mq_timedreceive recvmmsg ipc net_snd_rcv; do
	grep -qw -- "$w" "$T/list" || fail "ktrail list does not mention $w"
done

# With -- CMD, ktrail exits with the command's status.
rc=0
run_ktrail -e ipc_msgq -o csv:"$T/st.csv" -- sh -c 'exit 7' > /dev/null 2> "$T/err" < /dev/null || rc=$?
[ $rc = 7 ] || { show "$T/err"; fail "ktrail -- sh -c 'exit 7' exited $rc, want 7"; }

# Output files: an existing one is not replaced without --overwrite, a
# symbolic link is never followed (its target keeps its content), a FIFO
# is written as it is with --output-device (tests/live/outputs.sh: more).
echo keep > "$T/exists.csv"
expect 1 "exists.*--overwrite" -e ipc_msgq -o csv:"$T/exists.csv" -- true
[ "$(cat "$T/exists.csv")" = keep ] || fail "an existing output file was changed"
echo secret > "$T/target"
ln -s "$T/target" "$T/link.csv"
expect 1 "symbolic link" -e ipc_msgq --overwrite -o csv:"$T/link.csv" -- true
[ "$(cat "$T/target")" = secret ] || fail "ktrail wrote through a symbolic link"
rc=0
run_ktrail --overwrite -e ipc_msgq -o csv:"$T/exists.csv" -- true > /dev/null 2> "$T/err" < /dev/null || rc=$?
[ $rc = 0 ] && head -n 1 "$T/exists.csv" | grep -q '^timestamp,' ||
	{ show "$T/err"; fail "--overwrite did not replace the file (exit $rc)"; }
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/from-fifo" &
rc=0
run_ktrail --output-device -e ipc_msgq -o csv:"$T/fifo" -- true > /dev/null 2> "$T/err" < /dev/null || rc=$?
wait
[ $rc = 0 ] && head -n 1 "$T/from-fifo" | grep -q '^timestamp,' ||
	{ show "$T/err"; fail "writing into a FIFO failed (exit $rc)"; }
log "ok: outputs: no replacing without --overwrite, no symbolic link, FIFOs written"

assert_no_leftovers
