#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A process name with a comma, a double quote, a newline, an invalid UTF-8
# byte and a backslash: every CSV row keeps the header's field count, the
# file imports into SQLite, and processName is the escaped text (0xff as
# the four characters \xff, a backslash as \\; the CSV quotes the field).
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv
name=$'a,b"c\nd\xff\\z'		# 9 bytes: prctl keeps up to 15
want=$'a,b"c\nd\\xff\\\\z'	# what the writers must show
rc=0
run_ktrail -e $events -o csv:"$T/out.csv" -o json:"$T/out.jsonl" -o table:"$T/out.txt" \
	-- "$IPCWORK" --comm "$name" > "$T/wl.txt" 2> "$T/ktrail.err" < /dev/null || rc=$?
show "$T/ktrail.err" "ktrail's stderr"
[ $rc = 0 ] || fail "ktrail exited $rc, want 0"
check_rows --workload "$T/wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" \
	--events $events --comm "$want" ||
	fail "the hostile name broke the output (see above)"
# The table is for a terminal: neither the raw byte nor the raw newline.
[ -s "$T/out.txt" ] || fail "the table output is empty"
LC_ALL=C grep -q $'\xff' "$T/out.txt" && fail "the table holds the raw byte 0xff"
grep -q '^d\\xff' "$T/out.txt" && fail "the table holds the name's raw newline"
grep -qF 'a,b"c\nd\xff' "$T/out.txt" || log "note: the table does not show the name as a,b\"c\\nd\\xff (truncated?)"
assert_no_leftovers
