#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Native tasks' calls through raw_syscalls (issue 15), the recipe of a
# kernel without syscall tracepoints (CONFIG_FTRACE_SYSCALLS), forced here
# with --probes raw_syscalls:
#  1. check and describe name it;
#  2. the IPC workload (--compat off and on), famwork's file and socket
#     calls and -e syscalls: every row exact (check_rows) and the same rows
#     as the syscall tracepoints give (same_rows.py: the workload runs with
#     its addresses fixed, setarch -R);
#  3. native and 32-bit workloads at once: one raw_syscalls pair serves
#     both ABIs, each task's rows exact with its own isCompat;
#  4. KTRAIL_TEST_NO_SYSCALL_TP hides events/syscalls: the plan takes
#     raw_syscalls by itself, with exit_group's number in its filter for
#     the exit status;
#  5. record and report: the same rows, and a recorded i386 command's
#     rows (its ABI is in the recording).
. "$TESTLIB"
require_root
require_tracefs
require_python
require_workload
[ -d "$TRACEFS/events/raw_syscalls" ] || skip "kernel without raw_syscalls"
command -v setarch > /dev/null || skip "no setarch (util-linux): the runs' addresses differ"
[ -x "${FAMWORK:-}" ] || fail "FAMWORK='${FAMWORK:-}' is not an executable (run through make check)"
SAME="$(dirname "$CHECKER")/same_rows.py"
ipc=ipc_msgq,net_snd_rcv
files=openat,pwrite64,close,unlinkat,socket,bind,connect
native=$(uname -m)

# 1. What check says.
"$KTRAIL" check --probes raw_syscalls --compat off -e msgsnd > "$T/check.txt" 2>&1 ||
	{ show "$T/check.txt"; fail "ktrail check --probes raw_syscalls exited $?"; }
grep -qx 'msgsnd: yes: raw_syscalls' "$T/check.txt" ||
	{ show "$T/check.txt"; fail "check does not say msgsnd comes from raw_syscalls"; }
grep -qx 'raw_syscalls on: from the start (native tasks'"'"' calls)' "$T/check.txt" ||
	{ show "$T/check.txt"; fail "check does not say raw_syscalls is on from the start"; }
if [ "$native" = x86_64 ]; then
	grep -qx '  tracepoints  raw_syscalls/sys_enter raw_syscalls/sys_exit (id == 69, x86_64 tasks)' \
		"$T/check.txt" || { show "$T/check.txt"; fail "check does not name msgsnd's id filter"; }
	grep -qx 'raw_syscalls filter: ranges of the x86_64 numbers, 8 bytes' "$T/check.txt" ||
		{ show "$T/check.txt"; fail "check does not describe the filter 'id == 69'"; }
fi
"$KTRAIL" describe msgsnd --probes raw_syscalls --compat off > "$T/desc.txt" 2>&1 ||
	{ show "$T/desc.txt"; fail "ktrail describe msgsnd --probes raw_syscalls exited $?"; }
grep -q '^  - raw_syscalls filtered by the 64-bit syscall number' "$T/desc.txt" ||
	{ show "$T/desc.txt"; fail "describe's card has no native raw_syscalls recipe"; }
grep -qx 'msgsnd: yes: raw_syscalls' "$T/desc.txt" ||
	{ show "$T/desc.txt"; fail "describe's check part does not say raw_syscalls"; }

# run NAME WORKLOAD-ARGS... -- KTRAIL-ARGS...: the workload with fixed
# addresses under ktrail, CSV and JSON in $T/NAME.*, its output NAME.wl.
run() {
	local name=$1 rc=0 wl=()
	shift
	while [ "$1" != -- ]; do
		wl+=("$1")
		shift
	done
	shift
	setarch "$native" -R timeout -k 10 -s INT "$KT_TIMEOUT" "$KTRAIL" "$@" \
		-o csv:"$T/$name.csv" -o json:"$T/$name.jsonl" -- "${wl[@]}" \
		> "$T/$name.wl" 2> "$T/$name.err" < /dev/null || rc=$?
	[ $rc = 0 ] || { show "$T/$name.err"; fail "$name: ktrail exited $rc, want 0"; }
}

# recipes NAME WANT: ktrail's recipes line starts with WANT.
recipes() {
	local got

	got=$(grep -o 'recipes: .*' "$T/$1.err" | head -1)
	[ "${got#"$2"}" != "$got" ] ||
		{ show "$T/$1.err"; fail "$1: ktrail says '$got', want '$2...'"; }
}

# same A B ARGS...: the two runs' rows are the same.  An addrlen (sendto,
# bind, connect) is the length of an abstract socket name holding the
# workload's pid, whose digits may differ between the two runs
# (check_rows has it exact).
same() {
	python3 "$SAME" --label-a "$1" --label-b "$2" "$T/$1.csv" "$T/$2.csv" \
		--ignore sendto.addrlen --ignore bind.addrlen --ignore connect.addrlen "${@:3}" \
		> "$T/same-$1.txt" 2>&1 ||
		{ show "$T/same-$1.txt"; fail "$1 and $2 give different rows"; }
}

# 2. The IPC workload, both ways, --compat off and on.
for c in off on; do
	run raw-$c "$IPCWORK" --fork --loops 2 -- --probes raw_syscalls --compat $c -e $ipc
	recipes raw-$c "recipes: 0 syscall tracepoints, 0 kprobes, 16 raw_syscalls, 32-bit tasks: 0 kprobes, $([ $c = on ] && echo 18 || echo 0) raw_syscalls; "
	grep -q 'off until a 32-bit task' "$T/raw-$c.err" &&
		fail "raw-$c: raw_syscalls waited for a 32-bit task, but native calls need it"
	check_rows --workload "$T/raw-$c.wl" --csv "$T/raw-$c.csv" --json "$T/raw-$c.jsonl" \
		--events $ipc --comm "$(comm_of "$IPCWORK")" ||
		fail "raw-$c: the rows do not match the workload (see above)"
	run tp-$c "$IPCWORK" --fork --loops 2 -- --compat $c -e $ipc
	recipes tp-$c "recipes: 16 syscall tracepoints, 0 kprobes, 32-bit tasks"
	check_rows --workload "$T/tp-$c.wl" --csv "$T/tp-$c.csv" --json "$T/tp-$c.jsonl" \
		--events $ipc --comm "$(comm_of "$IPCWORK")" ||
		fail "tp-$c: the rows do not match the workload (see above)"
	same raw-$c tp-$c
done

# famwork's file and socket calls, numbers raw as families.sh checks them.
mkdir "$T/fa" "$T/fb"
run fam-raw "$FAMWORK" "$T/fa" -- --probes raw_syscalls --raw -e $files
recipes fam-raw "recipes: 0 syscall tracepoints, 0 kprobes, 7 raw_syscalls, "
run fam-tp "$FAMWORK" "$T/fb" -- --raw -e $files
for r in fam-raw fam-tp; do
	check_rows --workload "$T/$r.wl" --csv "$T/$r.csv" --json "$T/$r.jsonl" --events $files ||
		fail "$r: the file and socket rows differ from the workload's calls"
done
same fam-raw fam-tp

# -e syscalls: every syscall event.  The first exec's argv and envp are
# stack addresses, which the environment's size moves.  Under the
# sanitizers (contrib/sanitize.sh) LeakSanitizer stops the world at each
# process's exit (ptrace, wait4, sched_yield spins), a number of calls
# that differs from run to run: it is off for these two runs.
noleak=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
ASAN_OPTIONS=$noleak run all-raw "$IPCWORK" --fork --loops 2 -- --probes raw_syscalls -e syscalls
recipes all-raw "recipes: 0 syscall tracepoints, 0 kprobes, "
ASAN_OPTIONS=$noleak run all-tp "$IPCWORK" --fork --loops 2 -- -e syscalls
# (The workload writes lines holding its pid: their lengths may differ.)
same all-raw all-tp --ignore execve.argv --ignore execve.envp --ignore write.count \
	--ignore write.returnValue
n=$(grep -c ',msgsnd,' "$T/all-raw.csv" || true)
[ "$n" = "$(grep -c '^@@ msgsnd ' "$T/all-raw.wl")" ] ||
	fail "-e syscalls: $n msgsnd rows, want the workload's $(grep -c '^@@ msgsnd ' "$T/all-raw.wl")"

# 3. Both ABIs at once through the one pair.
ev32=$ipc,mq_timedsend_time32,mq_timedreceive_time32
if [ -n "${IPCWORK32:-}" ] && "$IPCWORK32" --loops 0 > /dev/null 2>&1 < /dev/null; then
	setarch "$native" -R timeout -k 10 -s INT "$KT_TIMEOUT" "$KTRAIL" --probes raw_syscalls \
		--compat on -e $ev32 -o csv:"$T/mix.csv" -- sh -c \
		'"$1" --fork --loops 3 > "$3/n.wl" & "$2" --fork --loops 3 > "$3/c.wl"; wait' \
		sh "$IPCWORK" "$IPCWORK32" "$T" > /dev/null 2> "$T/mix.err" < /dev/null ||
		{ show "$T/mix.err"; fail "mix: ktrail exited $?"; }
	python3 - "$T" <<'EOF' || fail "cannot split the rows by process"
import csv, re, sys
t = sys.argv[1]
rows = list(csv.DictReader(open(t + "/mix.csv", newline="")))
for w in ("n", "c"):
    pids = {int(m) for m in re.findall(r"^@@ start pid=(\d+)", open("%s/%s.wl" % (t, w)).read(), re.M)}
    with open("%s/mix-%s.csv" % (t, w), "w", newline="") as f:
        o = csv.DictWriter(f, fieldnames=rows[0].keys() if rows else [])
        o.writeheader()
        o.writerows(r for r in rows if r["processId"] and int(r["processId"]) in pids)
EOF
	check_rows --workload "$T/n.wl" --csv "$T/mix-n.csv" --events $ev32 --compat 0 \
		--comm "$(comm_of "$IPCWORK")" || fail "mix: the native workload's rows (see above)"
	check_rows --workload "$T/c.wl" --csv "$T/mix-c.csv" --events $ev32 --compat 1 \
		--comm "$(comm_of "$IPCWORK32")" || fail "mix: the i386 workload's rows (see above)"
	[ $(($(wc -l < "$T/mix-n.csv") + $(wc -l < "$T/mix-c.csv"))) = $(($(wc -l < "$T/mix.csv") + 1)) ] ||
		fail "mix: rows of neither workload in $T/mix.csv"
else
	log "no runnable i386 workload: the mixed-ABI case is left out"
fi

# 5 (before 4, which may leave its case out). ktrail record, then report:
# the recording says which events came through raw_syscalls for native
# tasks, and the ABI of the command's program (its exec is recorded, its
# ABI was not: a 32-bit command's calls were all left out before).
for c in auto off; do
	run_ktrail record --probes raw_syscalls --compat $c -e $ipc -o "$T/rec-$c.ktr" \
		-- "$IPCWORK" --fork --loops 2 > "$T/rec-$c.wl" 2> "$T/rec-$c.err" < /dev/null ||
		{ show "$T/rec-$c.err"; fail "record --compat $c exited $?"; }
	recipes rec-$c "recipes: 0 syscall tracepoints, 0 kprobes, 16 raw_syscalls, "
	"$KTRAIL" report "$T/rec-$c.ktr" -o csv:"$T/rep-$c.csv" -o json:"$T/rep-$c.jsonl" \
		2> "$T/rep-$c.err" || { show "$T/rep-$c.err"; fail "report --compat $c exited $?"; }
	grep -q 'whose ABI the recording does not tell' "$T/rep-$c.err" &&
		{ show "$T/rep-$c.err"; fail "report --compat $c: calls left out"; }
	check_rows --workload "$T/rec-$c.wl" --csv "$T/rep-$c.csv" --json "$T/rep-$c.jsonl" \
		--events $ipc --comm "$(comm_of "$IPCWORK")" ||
		fail "report --compat $c: the rows do not match the workload (see above)"
done
if [ -n "${IPCWORK32:-}" ] && "$IPCWORK32" --loops 0 > /dev/null 2>&1 < /dev/null; then
	for p in raw_syscalls auto; do
		run_ktrail record --probes $p --compat on -e $ev32 -o "$T/rec32-$p.ktr" \
			-- "$IPCWORK32" --fork --loops 2 > "$T/rec32-$p.wl" 2> "$T/rec32-$p.err" \
			< /dev/null || { show "$T/rec32-$p.err"; fail "record of the i386 workload exited $?"; }
		"$KTRAIL" report "$T/rec32-$p.ktr" -o csv:"$T/rep32-$p.csv" 2> "$T/rep32-$p.err" ||
			{ show "$T/rep32-$p.err"; fail "report of the i386 workload exited $?"; }
		check_rows --workload "$T/rec32-$p.wl" --csv "$T/rep32-$p.csv" --events $ev32 \
			--compat 1 --comm "$(comm_of "$IPCWORK32")" ||
			{ show "$T/rep32-$p.err"; fail "report of the i386 workload (--probes $p): its rows (see above)"; }
	done
fi

# 4. A kernel without syscall tracepoints: the plan's own choice.
if "$KTRAIL" --version | grep -q 'test hooks: yes'; then
	KTRAIL_TEST_NO_SYSCALL_TP=1 "$KTRAIL" check --compat off -e msgsnd > "$T/hcheck.txt" 2>&1 ||
		{ show "$T/hcheck.txt"; fail "check with KTRAIL_TEST_NO_SYSCALL_TP exited $?"; }
	{ grep -qx 'syscall tracepoints: no; raw_syscalls: yes' "$T/hcheck.txt" &&
		grep -qx 'msgsnd: yes: raw_syscalls' "$T/hcheck.txt" &&
		grep -qx '  not used: kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)' \
			"$T/hcheck.txt"; } ||
		{ show "$T/hcheck.txt"; fail "KTRAIL_TEST_NO_SYSCALL_TP: check does not choose raw_syscalls"; }
	# Where the kernel has kprobes they do better: --probes tracepoint
	# leaves them out (raw_syscalls is a tracepoint).
	probes=()
	[ -e "$TRACEFS/kprobe_events" ] && probes=(--probes tracepoint)
	KTRAIL_TEST_NO_SYSCALL_TP=1 KTRAIL_DEBUG_FILTERS=1 \
		run hook "$IPCWORK" --fork --loops 2 -- "${probes[@]}" -e $ipc
	recipes hook "recipes: 0 syscall tracepoints, 0 kprobes, 16 raw_syscalls, "
	check_rows --workload "$T/hook.wl" --csv "$T/hook.csv" --json "$T/hook.jsonl" \
		--events $ipc --comm "$(comm_of "$IPCWORK")" ||
		fail "hook: the rows do not match the workload (see above)"
	# exit_group's number is in the filter: the process table's feed,
	# whose status the exit rows carry.
	if [ "$native" = x86_64 ]; then
		grep -Eq '^ktrail: filter raw_syscalls \(ranges, [0-9]+ bytes\): .*id == 231( |$)' \
			"$T/hook.err" ||
			{ show "$T/hook.err"; fail "hook: raw_syscalls' filter lacks exit_group (231)"; }
	fi
	mkdir "$T/fh"
	KTRAIL_TEST_NO_SYSCALL_TP=1 run hookfam "$FAMWORK" "$T/fh" -- "${probes[@]}" \
		-e openat,sched_process_exit
	python3 - "$T/hookfam.csv" "$T/hookfam.wl" <<'PY' || fail "hook: see above"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
wl = open(sys.argv[2]).read()
child = int(re.search(r"^# child pid=(\d+) status=7$", wl, re.M).group(1))
ex = [r for r in rows if r["eventName"] == "sched_process_exit" and int(r["threadId"]) == child]
if len(ex) != 1 or ex[0]["exit_code"] != "7":
    print("FAIL: the child's exit row (exit_group(7)): %r" % ex)
    sys.exit(1)
PY
elif [ "${KT_REQUIRE_TEST_HOOKS:-0}" = 1 ]; then
	fail "this ktrail has no test hooks (KTRAIL_TEST_NO_SYSCALL_TP)"
else
	log "no test hooks: the hidden-tracepoints case is left out"
fi
assert_no_leftovers
