# SPDX-License-Identifier: GPL-2.0-or-later
# tests/live/lib.sh - helpers of the live tests, sourced by each of them.
#
# The tests run under automake's test driver with these variables set:
#   KTRAIL     the ktrail binary
#   IPCWORK    the IPC workload (tests/workload/ipcwork)
#   IPCWORK32  its i386 build (may be absent)
#   TESTLIB    this file
#   CHECKER    tests/live/check_rows.py
#   srcdir     the source tree (for src/catalog/events.def)
# Exit status of a test: 0 pass, 1 fail, 77 skip (the reason is printed).
#
# Conventions of ktrail that the tests rely on:
#   - exit status 0 on success (or the traced command's status with -- CMD),
#     1 on runtime errors, 2 on usage errors, 3 when the kernel lacks a
#     feature that was asked for (e.g. --reader mmap on a kernel that cannot
#     map trace_pipe_raw): a test skips on 3, showing ktrail's message;
#   - once its setup is complete it prints a line with the word "tracing" on
#     standard error ("ktrail: tracing N events ..."): wait_ready waits
#     for it before a test starts the traced activity;
#   - its tracefs instance (and kprobe group) is named ktrail_<pid>_<token>
#     (16 hex digits), which the readiness line names ("instance NAME"):
#     instance_of finds it; it and its guard hold a lock on
#     /run/ktrail/<name>.lock while it runs;
#   - SIGINT, SIGTERM and SIGHUP end a trace normally (exit 0).
#
# Live tests hold an exclusive lock while they run: they compare tracefs
# before and after, which another ktrail running in a parallel test would
# disturb.  Set KT_KEEP_TMP=1 to keep a test's temporary directory.

set -u

TRACEFS=/sys/kernel/tracing
KT_READY_TIMEOUT=${KT_READY_TIMEOUT:-10}	# seconds
KT_TIMEOUT=${KT_TIMEOUT:-60}			# seconds, a whole ktrail run
# "tracing" as a word, not inside a path such as /sys/kernel/tracing.
KT_READY_RE='(^|[[:space:]:])tracing([[:space:]]|$)'

KT_BG_PIDS=
KT_RMDIRS=
KT_ME=${0##*/}

log() { printf '%s: %s\n' "$KT_ME" "$*" >&2; }
skip() { printf 'SKIP: %s: %s\n' "$KT_ME" "$*"; exit 77; }
fail() { printf 'FAIL: %s: %s\n' "$KT_ME" "$*"; exit 1; }
die() { fail "$@"; }

# Show a file in the log, indented (ktrail's stderr, a workload's output).
show() {	# show FILE [TITLE]
	[ -s "$1" ] || return 0
	printf -- '--- %s\n' "${2:-$1}" >&2
	sed 's/^/  | /' "$1" >&2
}

# --------------------------------------------------------------- setup

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (ktrail writes to tracefs)"
}

require_tracefs() {
	if [ ! -d "$TRACEFS/instances" ]; then
		[ -d "$TRACEFS" ] || skip "no $TRACEFS (kernel without tracing support)"
		mount -t tracefs nodev "$TRACEFS" 2> "$T/mount.err" ||
			skip "tracefs is not mounted and cannot be: $(cat "$T/mount.err")"
		[ -d "$TRACEFS/instances" ] || skip "tracefs at $TRACEFS has no instances/"
	fi
	[ -d "$TRACEFS/events/syscalls" ] ||
		skip "kernel without syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"
	kt_lock
	kt_snapshot > "$T/tracefs.before"
}

require_python() {
	command -v python3 > /dev/null || skip "python3 is needed by the checker"
}

require_ktrail() {
	[ -n "${KTRAIL:-}" ] && [ -x "$KTRAIL" ] ||
		fail "KTRAIL='${KTRAIL:-}' is not an executable (run through make check)"
}

# A test that sets a KTRAIL_TEST_* variable (doc/test-hooks.md) needs a
# ktrail configured with --enable-test-hooks, which its --version says.
# Without: skip, naming the hooks; with KT_REQUIRE_TEST_HOOKS=1 (set by
# contrib/run-tests.sh and contrib/sanitize.sh, whose builds have them):
# fail, so that no such test is ever skipped there.
require_test_hooks() {	# require_test_hooks HOOK...
	local v
	v=$("$KTRAIL" --version 2>&1) || fail "ktrail --version exited $?: $v"
	case $v in
	*"
test hooks: yes"*) return 0 ;;
	*"
test hooks: no"*) ;;
	*) fail "ktrail --version says nothing of the test hooks: $v" ;;
	esac
	[ "${KT_REQUIRE_TEST_HOOKS:-0}" != 1 ] ||
		fail "needs the test hooks $* and KT_REQUIRE_TEST_HOOKS=1, but this ktrail has none (configure --enable-test-hooks)"
	skip "needs the test hooks $* (ktrail --version: test hooks: no; configure --enable-test-hooks)"
}

require_workload() {
	[ -n "${IPCWORK:-}" ] && [ -x "$IPCWORK" ] ||
		fail "IPCWORK='${IPCWORK:-}' is not an executable (run through make check)"
	[ -n "${CHECKER:-}" ] && [ -r "$CHECKER" ] ||
		fail "CHECKER='${CHECKER:-}' is not readable (run through make check)"
	require_python
}

# The i386 workload, and a kernel that runs it: else skip, saying why.
require_ipcwork32() {
	local rc=0

	[ -n "${IPCWORK32:-}" ] && [ -e "$IPCWORK32" ] ||
		skip "no i386 workload (${IPCWORK32:-IPCWORK32 unset}): the compiler cannot build -m32 programs (gcc-multilib)"
	"$IPCWORK32" --loops 0 > "$T/probe.out" 2> "$T/probe.err" < /dev/null || rc=$?
	if [ $rc = 126 ] && grep -qi "exec format error" "$T/probe.err"; then
		skip "the kernel refuses 32-bit executables (exec gives ENOEXEC: IA32 emulation disabled)"
	elif [ $rc = 127 ] || [ $rc = 126 ]; then
		skip "cannot run $IPCWORK32: $(tr '\n' ' ' < "$T/probe.err")(no 32-bit C library?)"
	elif [ $rc != 0 ]; then
		show "$T/probe.err"
		fail "$IPCWORK32 --loops 0 exited $rc"
	fi
}

# One live test at a time (make -j check runs tests in parallel).
kt_lock() {
	local lock=/run/lock/ktrail-live-tests.lock

	[ -d /run/lock ] && [ -w /run/lock ] || lock=${TMPDIR:-/tmp}/ktrail-live-tests.lock
	exec 9> "$lock" || fail "cannot open the lock file $lock"
	if command -v flock > /dev/null; then
		flock -w 900 9 || fail "another live test held $lock for 15 minutes"
	fi
}

# ------------------------------------------------- tracefs state / leftovers

# Everything ktrail may create and must remove: instances, the runs' lock
# files, probes of every kind, events enabled at the top level.
kt_snapshot() {
	local f

	(cd "$TRACEFS/instances" 2> /dev/null && ls -1A) | sed 's/^/instance /'
	(cd /run/ktrail 2> /dev/null && ls -1A) | sed 's/^/lockfile /'
	for f in kprobe_events uprobe_events dynamic_events set_event; do
		[ -r "$TRACEFS/$f" ] && sed "s|^|$f |" "$TRACEFS/$f" 2> /dev/null
	done
	return 0
}

# Fail, listing them, if instances named ktrail_* or lock files or probes
# or top-level events appeared since the test started, or if instances that are not
# ktrail's disappeared.
assert_no_leftovers() {
	local bad=0 line

	kt_snapshot > "$T/tracefs.after"
	while IFS= read -r line; do
		case $line in
		"instance ktrail_"*)
			log "leftover tracefs instance: ${line#instance }"; bad=1 ;;
		"instance "*)
			log "note: an instance appeared during the test (not ktrail's): ${line#instance }" ;;
		"lockfile "*)
			log "leftover lock file: /run/ktrail/${line#lockfile }"; bad=1 ;;
		*)
			log "leftover in $TRACEFS/${line%% *}: ${line#* }"; bad=1 ;;
		esac
	done < <(grep -vxF -f "$T/tracefs.before" "$T/tracefs.after")
	while IFS= read -r line; do
		case $line in
		"instance ktrail_"*)
			log "note: stale instance removed: ${line#instance }" ;;
		"lockfile "*)
			log "note: stale lock file removed: /run/ktrail/${line#lockfile }" ;;
		"instance "*)
			log "an instance that is not ktrail's was removed: ${line#instance }"; bad=1 ;;
		esac
	done < <(grep -vxF -f "$T/tracefs.after" "$T/tracefs.before")
	[ $bad = 0 ] || fail "tracefs holds what the test did not find there (see above)"
}

# ------------------------------------------------------ processes, ktrail

# Remember a background process to kill (by its pid) if the test ends early.
kt_bg() {
	KT_BG_PIDS="$KT_BG_PIDS $*"
}

# Remember a directory (a fake tracefs instance) to remove at exit.
kt_rmdir_at_exit() {
	KT_RMDIRS="$KT_RMDIRS $*"
}

# run_ktrail ARGS...: ktrail bounded in time, so that a hang fails the test
# instead of blocking CI.  Status 124: it had to be stopped.
run_ktrail() {
	local rc=0

	timeout -k 10 -s INT "$KT_TIMEOUT" "$KTRAIL" "$@" || rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		log "ktrail $* did not end within $KT_TIMEOUT s: stopped (status $rc)"
	fi
	return $rc
}

# The skip convention: status 3 means the kernel lacks what was asked for.
# skip_if_unsupported STATUS ERRFILE [WORD]: skip (77) when STATUS is 3 and
# ktrail's message mentions WORD (any message if no WORD).
skip_if_unsupported() {
	local rc=$1 err=$2 word=${3:-}

	[ "$rc" = 3 ] || return 0
	if [ -z "$word" ] || grep -qi -- "$word" "$err"; then
		skip "ktrail says the kernel cannot do it (exit 3): $(grep -v "$KT_READY_RE" "$err" | tail -n 3 | tr '\n' ' ')"
	fi
}

# wait_ready ERRFILE PID: wait until ktrail (PID, writing its stderr to
# ERRFILE) says it is tracing; fail if it exits first or takes too long.
wait_ready() {
	local err=$1 pid=$2 i=0 n=$((KT_READY_TIMEOUT * 20))

	while [ $i -lt $n ]; do
		if grep -Eq "$KT_READY_RE" "$err" 2> /dev/null; then
			kill -0 "$pid" 2> /dev/null && return 0
			break
		fi
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	show "$err" "ktrail's stderr"
	kill -0 "$pid" 2> /dev/null || fail "ktrail (pid $pid) exited before it was ready"
	fail "ktrail (pid $pid) did not say it was tracing within $KT_READY_TIMEOUT s"
}

# instance_of ERRFILE: the instance name ktrail's readiness line gives.
instance_of() {
	sed -n 's/.*[( ]instance \(ktrail_[0-9]*_[0-9a-f]*\)[,)].*/\1/p' "$1" | head -n 1
}

# wait_gone PATH SECONDS: wait until PATH no longer exists; status 1 if it
# still does.
wait_gone() {
	local i=0 n=$(($2 * 20))

	while [ -e "$1" ]; do
		[ $i -lt $n ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 0
}

# wait_exit PID SECONDS: wait until PID is gone; status 1 if still running.
wait_exit() {
	local pid=$1 i=0 n=$(($2 * 20))

	while kill -0 "$pid" 2> /dev/null; do
		[ $i -lt $n ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 0
}

# wait_line FILE PATTERN PID: wait (10 s) for a line of a workload's output.
wait_line() {
	local i=0

	while ! grep -q -- "$2" "$1" 2> /dev/null; do
		kill -0 "$3" 2> /dev/null || fail "pid $3 exited before printing '$2'"
		[ $i -lt 200 ] || fail "no '$2' in $1 after 10 s"
		sleep 0.05
		i=$((i + 1))
	done
}

# A pid that no process has.
dead_pid() {
	local max p

	max=$(cat /proc/sys/kernel/pid_max 2> /dev/null || echo 32768)
	p=$((max - 1))
	while [ -e /proc/$p ] || kill -0 $p 2> /dev/null; do
		p=$((p - 1))
	done
	echo $p
}

# The process name the kernel gives a program: its file name, 15 bytes.
# The user ktrail becomes without --user (kt_priv_default_user): the
# system user ktrail where it exists and is not root, else nobody, else
# 65534.  drop_uid, drop_gid print its ids.
drop_user() {
	local u
	for u in ktrail nobody; do
		if id -u "$u" > /dev/null 2>&1 && [ "$(id -u "$u")" != 0 ] && [ "$(id -g "$u")" != 0 ]; then
			echo "$u"
			return
		fi
	done
	echo 65534
}
drop_uid() { local u; u=$(drop_user); [ "$u" = 65534 ] && echo 65534 || id -u "$u"; }
drop_gid() { local u; u=$(drop_user); [ "$u" = 65534 ] && echo 65534 || id -g "$u"; }

comm_of() {
	local b=${1##*/}

	printf '%s' "${b:0:15}"
}

# check_rows ARGS...: the checker, with the catalog of this source tree.
check_rows() {
	local cat=

	if [ -n "${srcdir:-}" ] && [ -r "$srcdir/src/catalog/events.def" ]; then
		cat="--catalog=$srcdir/src/catalog/events.def"
	fi
	python3 "$CHECKER" ${cat:+"$cat"} "$@"
}

# --------------------------------------------------- the IPC trace tests

# ipc_trace READER WORKLOAD EVENTS [CHECKER ARGS...]: run the workload (and
# a forked child) under ktrail with CSV and JSON outputs, then check every
# call's row.  Shared by ipc-mmap.sh, ipc-read.sh and ipc-i386.sh.
ipc_trace() {
	local reader=$1 wl=$2 events=$3 rc=0
	shift 3

	run_ktrail --reader "$reader" -e "$events" \
		-o csv:"$T/out.csv" -o json:"$T/out.jsonl" \
		-- "$wl" --fork --loops 2 > "$T/wl.txt" 2> "$T/ktrail.err" < /dev/null || rc=$?
	show "$T/ktrail.err" "ktrail's stderr"
	skip_if_unsupported $rc "$T/ktrail.err" "${reader/auto/}"
	if [ $rc != 0 ]; then
		show "$T/wl.txt" "workload output"
		fail "ktrail --reader $reader ... -- ${wl##*/} exited $rc, want 0 (the workload's status)"
	fi
	grep -Eq "$KT_READY_RE" "$T/ktrail.err" ||
		fail "ktrail never said it was tracing"
	# The readiness line names the reader it chose: it must be the one asked.
	if [ "$reader" != auto ] && grep -q 'reader ' "$T/ktrail.err" &&
		! grep -q "reader $reader" "$T/ktrail.err"; then
		fail "ktrail --reader $reader used another reader"
	fi
	check_rows --workload "$T/wl.txt" --csv "$T/out.csv" --json "$T/out.jsonl" \
		--events "$events" --comm "$(comm_of "$wl")" "$@" ||
		fail "ktrail's rows do not match the workload (see above)"
	assert_no_leftovers
}

# ----------------------------------------------------------------- start

kt_finish() {
	local rc=$? p d

	trap - EXIT INT TERM HUP
	for p in $KT_BG_PIDS; do
		kill -0 "$p" 2> /dev/null || continue
		kill -TERM "$p" 2> /dev/null
		wait_exit "$p" 5 || kill -KILL "$p" 2> /dev/null
	done
	for d in $KT_RMDIRS; do
		[ -d "$d" ] && rmdir "$d" 2> /dev/null
	done
	if [ "${KT_KEEP_TMP:-0}" = 1 ]; then
		log "kept $T"
	else
		rm -rf "$T"
	fi
	exit $rc
}

T=$(mktemp -d "${TMPDIR:-/tmp}/ktrail-live.XXXXXX") || fail "mktemp"
chmod 755 "$T"
trap kt_finish EXIT
trap 'fail "interrupted"' INT TERM HUP
require_ktrail
