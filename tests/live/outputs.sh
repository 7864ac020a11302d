#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Output files as root (issue 17, "Outputs" and "SIGPIPE"), each refusal
# with its exact message and exit status, nothing written where it was
# refused, no hang, nothing left in tracefs:
#  - a FIFO planted by another user is not an output without
#    --output-device; with it and no reader, ktrail does not block;
#  - --overwrite does not replace another user's file;
#  - no symbolic link is followed anywhere in the path;
#  - a block device is not an output without --output-device;
#  - a new file is mode 0600;
#  - report: an output that is the recording, two spellings of one file,
#    standard output that is another output;
#  - a closed pipe (| head): report and live trace stop cleanly with
#    exit 4, one line naming the output, the other outputs whole rows.
. "$TESTLIB"
require_root
require_tracefs
require_workload
events=ipc_msgq,net_snd_rcv
chmod 0755 "$T"
cd "$T" || fail "cd $T"
# a recording whose report is much more than a pipe holds
rc=0
run_ktrail record -o "$T/rec.ktr" -e $events -- "$IPCWORK" --loops 400 > /dev/null \
	2> "$T/rec.err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/rec.err"; fail "ktrail record: exit $rc"; }

# expect STATUS MESSAGE ARGS...: ktrail ARGS exits STATUS and its standard
# error holds the line "ktrail: MESSAGE" exactly.
expect() {
	local want=$1 msg=$2 rc=0
	shift 2

	run_ktrail "$@" > "$T/out" 2> "$T/err" < /dev/null || rc=$?
	[ $rc = "$want" ] || { show "$T/err"; fail "ktrail $*: exit $rc, want $want"; }
	grep -Fxq -- "ktrail: $msg" "$T/err" ||
		{ show "$T/err"; fail "ktrail $*: no line 'ktrail: $msg'"; }
	log "ok: ktrail $* -> $rc: $msg"
}

# -- a FIFO planted by another user
mkfifo -m 0666 "$T/fifo"
chown nobody "$T/fifo"
expect 1 "output $T/fifo is a FIFO: ktrail writes only regular files unless --output-device is given" \
	-e ipc_msgq -o csv:"$T/fifo" -- true
expect 1 "report: output $T/fifo is a FIFO: ktrail writes only regular files unless --output-device is given" \
	report "$T/rec.ktr" --overwrite -o csv:"$T/fifo"
# with --output-device and no reader: refused at once (run_ktrail's
# timeout would say 124 had root blocked in open())
expect 1 "output $T/fifo is a FIFO that no process reads: start its reader first" \
	--output-device -e ipc_msgq -o csv:"$T/fifo" -- true
# with a reader, as asked: written
timeout 30 cat "$T/fifo" > "$T/from-fifo" &
reader=$!
rc=0
run_ktrail --output-device -e ipc_msgq -o csv:"$T/fifo" -- true > /dev/null 2> "$T/err" < /dev/null || rc=$?
wait $reader
[ $rc = 0 ] && head -n 1 "$T/from-fifo" | grep -q '^timestamp,' ||
	{ show "$T/err"; fail "--output-device: writing into a FIFO failed (exit $rc)"; }
log "ok: --output-device: a FIFO with a reader written"
assert_no_leftovers

# -- another user's file is not replaced
echo theirs > "$T/nobody.csv"
chown nobody "$T/nobody.csv"
expect 1 "output $T/nobody.csv belongs to nobody (uid 65534): --overwrite replaces only a file of the user who writes, root (uid 0)" \
	--overwrite -e ipc_msgq -o csv:"$T/nobody.csv" -- true
[ "$(cat "$T/nobody.csv")" = theirs ] || fail "--overwrite changed nobody's file"
# nor root's by --user daemon
echo mine > "$T/root.csv"
expect 1 "output $T/root.csv belongs to root (uid 0): --overwrite replaces only a file of the user who writes, daemon (uid $(id -u daemon))" \
	--user daemon --overwrite -e ipc_msgq -o csv:"$T/root.csv" -- true
[ "$(cat "$T/root.csv")" = mine ] || fail "--user daemon --overwrite changed root's file"
assert_no_leftovers

# -- no symbolic link in the path, as root; how it was checked is named
how="openat2 RESOLVE_NO_SYMLINKS"
[ "$(uname -r | awk -F. '{ print ($1 * 100 + $2 >= 506) }')" = 1 ] ||
	how="a walk of its components with O_NOFOLLOW"
mkdir -m 0777 "$T/chosen"
ln -s "$T/chosen" "$T/ldir"
expect 1 "output $T/ldir/x.csv: $T/ldir is a symbolic link, and ktrail, writing as root, follows none in an output's path (checked with $how): give the path it points to" \
	-e ipc_msgq -o csv:"$T/ldir/x.csv" -- true
expect 1 "report: output $T/ldir/x.csv: $T/ldir is a symbolic link, and ktrail, writing as root, follows none in an output's path (checked with $how): give the path it points to" \
	report "$T/rec.ktr" -o csv:"$T/ldir/x.csv"
[ -z "$(ls -A "$T/chosen")" ] || fail "a file was created through a symbolic link: $(ls "$T/chosen")"
echo secret > "$T/target"
ln -s "$T/target" "$T/link.csv"
expect 1 "output $T/link.csv is a symbolic link: ktrail does not write through one (give the path it points to)" \
	--overwrite -e ipc_msgq -o csv:"$T/link.csv" -- true
[ "$(cat "$T/target")" = secret ] || fail "ktrail wrote through a symbolic link"
assert_no_leftovers

# -- a block device (a node of an unused loop minor: never opened)
mknod "$T/blk" b 7 250
expect 1 "output $T/blk is a block device: ktrail writes only regular files unless --output-device is given" \
	--overwrite -e ipc_msgq -o csv:"$T/blk" -- true
if [ -b /dev/loop0 ]; then
	expect 1 "report: output /dev/loop0 is a block device: ktrail writes only regular files unless --output-device is given" \
		report "$T/rec.ktr" -o csv:/dev/loop0
fi

# -- a new file is 0600, whatever the umask lets through
rc=0
(umask 0; run_ktrail -e ipc_msgq -o csv:"$T/new.csv" -o json:"$T/new.jsonl" -- true) \
	> /dev/null 2> "$T/err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/err"; fail "a trace into new files: exit $rc"; }
for f in new.csv new.jsonl; do
	[ "$(stat -c %a "$T/$f")" = 600 ] || fail "$f was created $(stat -c %a "$T/$f"), want 600"
done
log "ok: new outputs are mode 0600"
assert_no_leftovers

# -- report: the input and its outputs are distinct files
cp "$T/rec.ktr" "$T/keep.ktr"
expect 1 "report: output $T/rec.ktr is the recording being reported, $T/rec.ktr" \
	report "$T/rec.ktr" --overwrite -o csv:"$T/rec.ktr"
expect 1 "report: output $T/./rec.ktr is the recording being reported, $T/rec.ktr" \
	report "$T/rec.ktr" --overwrite -o json:"$T/a.jsonl" -o csv:"$T/./rec.ktr"
cmp -s "$T/rec.ktr" "$T/keep.ktr" || fail "a refused report changed its recording"
[ -e "$T/a.jsonl" ] && fail "a refused report left its first output behind"
expect 1 "report: output ./a.csv is the same file as output a.csv" \
	report "$T/rec.ktr" -o csv:a.csv -o json:./a.csv
[ -e a.csv ] && fail "a refused report left a.csv behind"
# standard output is a file that is also an output
rc=0
"$KTRAIL" report "$T/rec.ktr" -o csv --overwrite -o json:"$T/so.csv" > "$T/so.csv" 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -Fxq "ktrail: report: output $T/so.csv is the same file as standard output" "$T/err" ||
	{ show "$T/err"; fail "report with standard output as one of its outputs: exit $rc"; }
# standard output appends to the recording
rc=0
"$KTRAIL" report "$T/rec.ktr" -o csv >> "$T/rec.ktr" 2> "$T/err" || rc=$?
[ $rc = 1 ] && grep -Fxq "ktrail: report: standard output is the recording being reported, $T/rec.ktr" "$T/err" ||
	{ show "$T/err"; fail "report with standard output appending to the recording: exit $rc"; }
cmp -s "$T/rec.ktr" "$T/keep.ktr" || fail "a refused report appended to its recording"
log "ok: report: the recording, two spellings, standard output: refused, nothing written"

# -- a closed pipe: report
rc=0
"$KTRAIL" report "$T/rec.ktr" -o csv:"$T/rp.csv" -o json 2> "$T/rp.err" | head -n 1 > /dev/null
rc=${PIPESTATUS[0]}
show "$T/rp.err" "report | head"
[ $rc = 4 ] || fail "report | head: exit $rc, want 4"
grep -Fxq "ktrail: report: writing standard output: Broken pipe (its reader closed it): stopped there, the other outputs end with a whole row" \
	"$T/rp.err" || fail "report | head: no message naming standard output"
[ "$(tail -c 1 "$T/rp.csv" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "report | head: the CSV output does not end with a whole row"
check_rows --csv "$T/rp.csv" --events $events --allow-lost ||
	fail "report | head: the CSV output is not well-formed"
log "ok: report | head: exit 4, $(($(wc -l < "$T/rp.csv") - 1)) whole rows in the other output"

# -- a closed pipe: a live trace, with a file output too
run_ktrail -e $events -o csv -o json:"$T/live.jsonl" -- "$IPCWORK" --loops 400 \
	2> "$T/live.err" < /dev/null | head -n 3 > /dev/null
rc=${PIPESTATUS[0]}
show "$T/live.err" "trace | head"
[ $rc = 4 ] || fail "trace | head: exit $rc, want 4"
grep -Fxq "ktrail: writing standard output: Broken pipe (its reader closed it): stopped there, the other outputs end with a whole row" \
	"$T/live.err" || fail "trace | head: no message naming standard output"
[ "$(tail -c 1 "$T/live.jsonl" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "trace | head: the JSON output does not end with a whole row"
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/live.jsonl" ||
	fail "trace | head: a JSON line is not whole"
log "ok: trace | head: exit 4, $(wc -l < "$T/live.jsonl") whole JSON lines, the instance removed"
assert_no_leftovers
