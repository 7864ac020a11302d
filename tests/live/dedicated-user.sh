#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dedicated user (issue 17): where a system user "ktrail" exists (the
# Debian package creates it), a trace and a report become it after setup
# instead of nobody, whose uid other processes share; --user still wins.
# Without one here the test creates it (useradd --system) and removes it
# at the end; one that exists already is left as it is.
. "$TESTLIB"
require_root
require_tracefs
require_workload
command -v useradd > /dev/null || skip "no useradd (passwd) to create the ktrail user"
status="${TESTLIB%/*}/report_status.py"
made=0
if ! id -u ktrail > /dev/null 2>&1; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin ktrail || fail "useradd ktrail failed"
	made=1
	# (exit $rc): kt_finish takes the test's status from $?.
	trap 'rc=$?; userdel -f ktrail 2> /dev/null; (exit $rc); kt_finish' EXIT
fi
ku=$(id -u ktrail)
kg=$(id -g ktrail)
[ "$ku" != 0 ] || skip "the ktrail user here is root"
[ "$(drop_uid)" = "$ku" ] || fail "the tests' drop_uid is $(drop_uid), want ktrail's $ku"

# A whole-system trace: its uids once set up.
"$KTRAIL" -e ipc_msgq -o csv:"$T/a.csv" 2> "$T/a.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/a.err" $kt
uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' /proc/$kt/status)
gid=$(awk '/^Gid:/ { print $2 "," $3 "," $4 "," $5 }' /proc/$kt/status)
"$IPCWORK" > "$T/a.wl"
kill -INT $kt
wait_exit $kt 10 || fail "ktrail did not stop on SIGINT"
wait $kt || { show "$T/a.err"; fail "ktrail exited $?"; }
[ "$uid" = "$ku,$ku,$ku,$ku" ] || fail "after setup the trace's uids are $uid, want ktrail's ($ku)"
[ "$gid" = "$kg,$kg,$kg,$kg" ] || fail "after setup the trace's gids are $gid, want ktrail's ($kg)"
check_rows --workload "$T/a.wl" --csv "$T/a.csv" --events ipc_msgq --allow-lost ||
	fail "the rows written as ktrail do not match the workload"
log "ok: the trace ran as ktrail ($ku:$kg)"

# --user still chooses (its output in a directory nobody may write).
mkdir "$T/nb"
chmod 1777 "$T/nb"
"$KTRAIL" --user nobody -e ipc_msgq -o csv:"$T/nb/b.csv" 2> "$T/b.err" < /dev/null &
kt=$!
kt_bg $kt
wait_ready "$T/b.err" $kt
uid=$(awk '/^Uid:/ { print $2 }' /proc/$kt/status)
kill -INT $kt
wait_exit $kt 10 || fail "ktrail --user nobody did not stop on SIGINT"
wait $kt || true
[ "$uid" = "$(id -u nobody)" ] || fail "--user nobody: the trace's uid is $uid"
log "ok: --user nobody still runs as nobody"

# A report, blocked writing to a full pipe, looked at (report_status.py).
run_ktrail record -q -o "$T/rec.ktr" -e ipc_msgq -- "$IPCWORK" --loops 20 \
	> /dev/null 2> "$T/rec.err" < /dev/null || { show "$T/rec.err"; fail "record failed"; }
timeout -k 5 60 python3 "$status" "$T/r.out" "$KTRAIL" report -q "$T/rec.ktr" -o csv \
	> "$T/r.st" 2> "$T/r.err" ||
	{ show "$T/r.err"; show "$T/r.st"; fail "report_status.py failed"; }
got=$(sed -n 's/^uid=//p' "$T/r.st")
[ "$got" = "$ku,$ku,$ku,$ku" ] || { show "$T/r.st"; fail "the report's uids are '$got', want ktrail's ($ku)"; }
log "ok: the report ran as ktrail"
[ $made = 0 ] || log "(the ktrail user was made for this test and is removed)"
assert_no_leftovers
