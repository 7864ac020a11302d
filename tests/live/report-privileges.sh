#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail report needs no privilege (issue 17): started as root on a
# root-only recording it opens it and its outputs, then runs as nobody
# (or --user NAME) with no capability, no supplementary group,
# no_new_privs and no core file; started by another user it keeps that
# user and sets no_new_privs; --user NAME is refused to a user that is
# not root (unless NAME is that user), and an unknown NAME is refused.
# Each running report is looked at while it is blocked writing its rows
# to a full pipe (report_status.py), so past its setup; its rows are
# the same bytes as those of a report written to a file.
. "$TESTLIB"
require_root
require_tracefs
require_workload
getent passwd daemon > /dev/null || skip "no user 'daemon' for --user"
command -v setpriv > /dev/null || skip "no setpriv (util-linux) to run a report as nobody"
status="${TESTLIB%/*}/report_status.py"
nobody=$(id -u nobody 2> /dev/null || echo 65534)
nogroup=$(id -g nobody 2> /dev/null || echo 65534)
daemon_uid=$(id -u daemon)
daemon_gid=$(id -g daemon)
# Capabilities: none in the effective, permitted, inheritable and ambient
# sets; the bounding set stays what it was (no_new_privs makes it moot).
zero=0000000000000000

# A recording only root may read.
rc=0
run_ktrail record -q -o "$T/rec.ktr" -e ipc_msgq,net_snd_rcv -- "$IPCWORK" --loops 20 \
	> "$T/wl.txt" 2> "$T/rec.err" < /dev/null || rc=$?
[ $rc = 0 ] || { show "$T/rec.err"; fail "ktrail record exited $rc"; }
chmod 600 "$T/rec.ktr"
rc=0
run_ktrail report -q "$T/rec.ktr" -o csv:"$T/ref.csv" 2> "$T/ref.err" || rc=$?
[ $rc = 0 ] || { show "$T/ref.err"; fail "ktrail report to a file exited $rc"; }
[ "$(wc -c < "$T/ref.csv")" -gt 20000 ] ||
	fail "the report holds $(wc -c < "$T/ref.csv") bytes: too few to fill a pipe after its header"

# look NAME COMMAND...: the report's state while it runs, into $T/NAME.st;
# its standard output into $T/NAME.out, standard error into $T/NAME.err.
look() {
	local name=$1 rc=0
	shift
	timeout -k 5 60 python3 "$status" "$T/$name.out" "$@" > "$T/$name.st" 2> "$T/$name.err" ||
		rc=$?
	[ $rc = 0 ] || { show "$T/$name.st"; show "$T/$name.err"; fail "$name: report_status.py exited $rc"; }
}
# want NAME KEY VALUE: the value seen
want() {
	local got
	got=$(sed -n "s/^$2=//p" "$T/$1.st")
	[ "$got" = "$3" ] || { show "$T/$1.st"; show "$T/$1.err"; fail "$1: $2 is '$got', want '$3'"; }
}

# 1. Root, no --user: the ktrail user where one exists, else nobody.
du=$(drop_uid)
dg=$(drop_gid)
look root "$KTRAIL" report -q "$T/rec.ktr" -o csv
for k in "uid $du,$du,$du,$du" "gid $dg,$dg,$dg,$dg" \
	"groups " "capinh $zero" "capprm $zero" "capeff $zero" "capamb $zero" "nonewprivs 1" \
	"core 0,0" "exit 0"; do
	want root "${k%% *}" "${k#* }"
done
cmp -s "$T/root.out" "$T/ref.csv" || fail "root: the rows differ from the report to a file"
log "ok: root: $(tr '\n' ' ' < "$T/root.st")"

# 2. Root, --user daemon, a file output too: daemon's, created as daemon.
mkdir -m 0777 "$T/open"
look user "$KTRAIL" report -q --user daemon "$T/rec.ktr" -o csv -o csv:"$T/open/d.csv"
for k in "uid $daemon_uid,$daemon_uid,$daemon_uid,$daemon_uid" \
	"gid $daemon_gid,$daemon_gid,$daemon_gid,$daemon_gid" "groups " "capinh $zero" \
	"capprm $zero" "capeff $zero" "capamb $zero" "nonewprivs 1" "core 0,0" "exit 0"; do
	want user "${k%% *}" "${k#* }"
done
cmp -s "$T/user.out" "$T/ref.csv" || fail "--user daemon: the rows differ"
cmp -s "$T/open/d.csv" "$T/ref.csv" || fail "--user daemon: the file's rows differ"
[ "$(stat -c %U "$T/open/d.csv")" = daemon ] ||
	fail "--user daemon: the output belongs to $(stat -c %U "$T/open/d.csv")"
log "ok: --user daemon: $(tr '\n' ' ' < "$T/user.st")"

# --user where daemon may not write; an unknown user.
mkdir -m 0700 "$T/closed"
rc=0
run_ktrail report -q --user daemon "$T/rec.ktr" -o csv:"$T/closed/d.csv" 2> "$T/c.err" || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/c.err")" = "ktrail: report: cannot open output $T/closed/d.csv: Permission denied" ] ||
	{ show "$T/c.err"; fail "--user daemon into a root-only directory: exit $rc"; }
[ ! -e "$T/closed/d.csv" ] || fail "--user daemon created a file in a root-only directory"
rc=0
run_ktrail report -q --user nosuchuser-kt "$T/rec.ktr" -o csv:"$T/x.csv" 2> "$T/u.err" || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/u.err")" = "ktrail: report: --user: no such user: nosuchuser-kt" ] ||
	{ show "$T/u.err"; fail "--user nosuchuser-kt: exit $rc"; }
[ ! -e "$T/x.csv" ] || fail "--user nosuchuser-kt: the output was created"
log "ok: --user daemon refused a root-only directory, an unknown user refused"

# 3. Not root: that user, no_new_privs.
cp "$T/rec.ktr" "$T/open/pub.ktr"
chmod 644 "$T/open/pub.ktr"
asn=(setpriv --reuid="$nobody" --regid="$nogroup" --clear-groups --inh-caps=-all)
look plain "${asn[@]}" "$KTRAIL" report -q "$T/open/pub.ktr" -o csv
for k in "uid $nobody,$nobody,$nobody,$nobody" "gid $nogroup,$nogroup,$nogroup,$nogroup" \
	"groups " "capprm $zero" "capeff $zero" "nonewprivs 1" "core 0,0" "exit 0"; do
	want plain "${k%% *}" "${k#* }"
done
cmp -s "$T/plain.out" "$T/ref.csv" || fail "as nobody: the rows differ"
rc=0
"${asn[@]}" "$KTRAIL" report -q --user daemon "$T/open/pub.ktr" -o csv > /dev/null \
	2> "$T/nr.err" || rc=$?
[ $rc = 1 ] && [ "$(cat "$T/nr.err")" = "ktrail: report: --user daemon: only root can become another user (this is uid $nobody)" ] ||
	{ show "$T/nr.err"; fail "not root, --user daemon: exit $rc"; }
rc=0
"${asn[@]}" "$KTRAIL" report -q --user nobody "$T/open/pub.ktr" -o csv:"$T/open/n.csv" \
	2> "$T/nn.err" || rc=$?
[ $rc = 0 ] && cmp -s "$T/open/n.csv" "$T/ref.csv" ||
	{ show "$T/nn.err"; fail "as nobody, --user nobody: exit $rc or other rows"; }
log "ok: as nobody: $(tr '\n' ' ' < "$T/plain.st"); --user daemon refused, --user nobody taken"
assert_no_leftovers
echo "PASS: report-privileges (root: nobody and --user daemon with no capability, no group, no_new_privs, no core; not root: no_new_privs)"
