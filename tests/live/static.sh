#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The static ktrail (contrib/static-build.sh x86_64, or KTRAIL_STATIC):
# the IPC workload's every call exact, and the same calls and results as
# the dynamic ktrail's; --user UID:GID, a name from /etc/passwd, and a
# name it cannot resolve without NSS refused with the reason.
. "$TESTLIB"
require_root
require_tracefs
require_workload
require_python
STATIC=${KTRAIL_STATIC:-${srcdir:-.}/build-static/x86_64/ktrail}
[ -x "$STATIC" ] || skip "no static build: $STATIC is missing (sh contrib/static-build.sh x86_64 makes it)"
readelf -lW "$STATIC" | grep -q INTERP && fail "$STATIC has a program interpreter: not static"
"$STATIC" --version | grep -qx 'linked: static (users from /etc/passwd and /etc/group, no NSS; no libtraceevent plugins)' ||
	fail "$STATIC --version does not say it is static: $("$STATIC" --version)"
DYNAMIC=$KTRAIL
"$DYNAMIC" --version | grep -qx 'linked: dynamic' || fail "$DYNAMIC --version does not say it is dynamic"
EVENTS=ipc_msgq,net_snd_rcv

# The same trace by each: every row exact, the same calls.
for b in dynamic static; do
	bin=$DYNAMIC
	[ $b = static ] && bin=$STATIC
	rc=0
	KTRAIL=$bin run_ktrail --reader read -e $EVENTS -o csv:"$T/$b.csv" -o json:"$T/$b.jsonl" \
		-- "$IPCWORK" --fork --loops 2 > "$T/$b.wl" 2> "$T/$b.err" < /dev/null || rc=$?
	show "$T/$b.err" "$b ktrail's stderr"
	[ $rc = 0 ] || fail "$b ktrail exited $rc, want 0"
	check_rows --workload "$T/$b.wl" --csv "$T/$b.csv" --json "$T/$b.jsonl" \
		--events $EVENTS --comm "$(comm_of "$IPCWORK")" ||
		fail "the $b ktrail's rows do not match the workload (see above)"
done
# Each row's call and result, sorted (the two tasks interleave as they
# like), without what differs from one run to the next: time, task ids,
# addresses, and the queue id msgget returns.
calls() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    ret = "ID" if r["eventName"] == "msgget" else r["returnValue"]
    print(r["eventName"], r["isCompat"], ret, r["processName"])
' "$1" | sort
}
calls "$T/dynamic.csv" > "$T/dynamic.calls"
calls "$T/static.csv" > "$T/static.calls"
[ -s "$T/static.calls" ] || fail "no row from the static ktrail"
diff "$T/dynamic.calls" "$T/static.calls" ||
	fail "the static ktrail's calls differ from the dynamic one's (above)"
log "ok: static and dynamic: $(wc -l < "$T/static.calls") rows, the same calls and results"

# --user UID:GID: the output belongs to them, with no lookup.
mkdir -m 0777 "$T/open"
for bin in "$DYNAMIC" "$STATIC"; do
	rm -f "$T/open/u.csv"
	rc=0
	KTRAIL=$bin run_ktrail --user 54321:54322 -e ipc_msgq -o csv:"$T/open/u.csv" -- true \
		> /dev/null 2> "$T/u.err" < /dev/null || rc=$?
	[ $rc = 0 ] || { show "$T/u.err"; fail "$bin --user 54321:54322: exit $rc"; }
	[ "$(stat -c %u:%g "$T/open/u.csv")" = 54321:54322 ] ||
		fail "$bin --user 54321:54322: the output belongs to $(stat -c %u:%g "$T/open/u.csv")"
done
# A name from /etc/passwd, which the static ktrail reads itself.
if grep -q '^daemon:' /etc/passwd; then
	want=$(awk -F: '$1 == "daemon" { print $3 ":" $4 }' /etc/passwd)
	rm -f "$T/open/d.csv"
	rc=0
	KTRAIL=$STATIC run_ktrail --user daemon -e ipc_msgq -o csv:"$T/open/d.csv" -- true \
		> /dev/null 2> "$T/d.err" < /dev/null || rc=$?
	[ $rc = 0 ] || { show "$T/d.err"; fail "static --user daemon: exit $rc"; }
	[ "$(stat -c %u:%g "$T/open/d.csv")" = "$want" ] ||
		fail "static --user daemon: the output belongs to $(stat -c %u:%g "$T/open/d.csv"), want $want"
fi
# A name it cannot resolve, and a malformed UID:GID.
rc=0
KTRAIL=$STATIC run_ktrail --user nosuchuser-kt -e ipc_msgq -o csv:"$T/x.csv" -- true \
	> /dev/null 2> "$T/n.err" < /dev/null || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/n.err")" = "ktrail: --user: no such user in /etc/passwd: nosuchuser-kt (this ktrail is linked statically and reads /etc/passwd itself, without NSS: give a user of LDAP or NIS as a numeric UID or UID:GID)" ] ||
	{ show "$T/n.err"; fail "static --user nosuchuser-kt: exit $rc"; }
rc=0
KTRAIL=$STATIC run_ktrail --user 12:ab -e ipc_msgq -o csv:"$T/x.csv" -- true \
	> /dev/null 2> "$T/m.err" < /dev/null || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/m.err")" = "ktrail: --user: '12:ab' is not UID:GID (two decimal numbers)" ] ||
	{ show "$T/m.err"; fail "static --user 12:ab: exit $rc"; }
[ -e "$T/x.csv" ] && fail "a refused --user left $T/x.csv"
log "ok: --user UID:GID in both builds, a /etc/passwd name, an unknown name and a bad UID:GID refused"
assert_no_leftovers
