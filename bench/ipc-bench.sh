#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ktrail against the untraced IPC workload and against trace-cmd record,
# alternating, in one run (root).  Prints per configuration: slowdown
# (median of per-round ratios to that round's untraced run), records
# captured versus expected, lost events, the tracer's CPU time per event,
# its peak RSS, and ktrail's live decode rate (events decoded and written
# as CSV per second of ktrail CPU).
#
#   bench/ipc-bench.sh [N=200000] [ROUNDS=5]
#   KTRAIL_B=/old/ktrail bench/ipc-bench.sh   # and config ktrail_b: another build, alternating
#   CONFIGS="none ktrail ktrail_b" bench/ipc-bench.sh   # a subset
#   PIN=1 bench/ipc-bench.sh     # workload on CPU 0, tracers on CPU 1 (less noise)
#
# Configurations: none (untraced), ktrail (its default live trace to CSV),
# ktrail_b (the same with $KTRAIL_B), ktrail_sum (-o summary-csv only, no
# rows), ktrail_off (--compat off), ktrail_on
# (--compat on: raw_syscalls on from the start), ktrail_read (--reader read),
# ktrail_local (--clock local, the trace clock trace-cmd uses),
# ktrail_sys (-e syscalls: every syscall event, the same workload; captured
# counts the six calls), record (ktrail record to /dev/shm; record_on with
# --compat on, record_read with --reader read), tracecmd
# (trace-cmd record: every task), tracecmd_F (trace-cmd record -F: only the
# command and its children, through set_event_pid as ktrail does), floor (the 12 tracepoints enabled in an instance of
# its own, tracing on, nobody reading: the kernel's own cost).  The default
# set is none ktrail [ktrail_b] [tracecmd].
#
# The workload (bench/workload.c, from the project's perf lab) does N
# iterations of sendmsg+recvmsg, mq_timedsend+mq_timedreceive and
# msgsnd+msgrcv: 6 syscalls, 12 tracepoint events per iteration.  Outputs
# go to /dev/shm to keep disk noise out.  trace-cmd 3.1.6 needs -d and an
# LD_PRELOAD shim on hosts whose function-tracer files are unreadable
# (bench/hide_ftrace_files.c); it records into a private instance (-B), and
# `trace-cmd reset` is never used.
set -euo pipefail
N=${1:-200000}
ROUNDS=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
KTRAIL=${KTRAIL:-$top/ktrail}
out=${OUT:-/dev/shm/ktrail-bench}
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/workload" "$here/workload.c" -lrt
# PIN=1: the workload on CPU 0 and every tracer on CPU 1 (taskset), in
# every configuration alike: less of the scheduler's noise.
WL=$out/workload
TR=
if [ "${PIN:-0}" = 1 ]; then
	printf '#!/bin/sh\nexec taskset -c 0 "%s" "$@"\n' "$out/workload" > "$out/workload-pinned"
	chmod +x "$out/workload-pinned"
	WL=$out/workload-pinned
	TR="taskset -c 1"
fi
gcc -O2 -shared -fPIC -o "$out/hide.so" "$here/hide_ftrace_files.c" -ldl
have_tc=0
command -v trace-cmd > /dev/null && have_tc=1
EV=""
for sc in sendmsg recvmsg mq_timedsend mq_timedreceive msgsnd msgrcv; do
	EV="$EV -e syscalls:sys_enter_$sc -e syscalls:sys_exit_$sc"
done
expected=$((N * 6))

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }

run_none() {
	"$WL" "$N" all > "$out/wl.txt"
}
run_ktrail() {	# $1: the binary (default $KTRAIL)
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		"${1:-$KTRAIL}" -e sendmsg,recvmsg,mq_timedsend,mq_timedreceive,msgsnd,msgrcv \
		--overwrite -o csv:"$out/k.csv" -- "$WL" "$N" all > "$out/wl.txt" 2> "$out/err.txt"
}
run_ktrail_b() { run_ktrail "$KTRAIL_B"; }
run_ktrail_sum() {	# a summary only (-o summary-csv), no rows
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		"$KTRAIL" -e sendmsg,recvmsg,mq_timedsend,mq_timedreceive,msgsnd,msgrcv \
		--overwrite -o summary-csv:"$out/s.csv" -- "$WL" "$N" all > "$out/wl.txt" 2> "$out/err.txt"
}
run_kopt() {	# ktrail's default trace with options $* (KBIN: another binary)
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		"${KBIN:-$KTRAIL}" "$@" -e sendmsg,recvmsg,mq_timedsend,mq_timedreceive,msgsnd,msgrcv \
		--overwrite -o csv:"$out/k.csv" -- "$WL" "$N" all > "$out/wl.txt" 2> "$out/err.txt"
}
run_ktrail_off() { run_kopt --compat off; }
run_ktrail_on() { run_kopt --compat on; }
run_ktrail_read() { run_kopt --reader read; }
run_ktrail_local() { run_kopt --clock local; }
run_ktrail_b_off() { KBIN=$KTRAIL_B run_kopt --compat off; }
run_ktrail_b_read() { KBIN=$KTRAIL_B run_kopt --reader read; }
run_ktrail_sys() {
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		"$KTRAIL" -e syscalls --overwrite -o csv:"$out/k.csv" -- "$WL" "$N" all \
		> "$out/wl.txt" 2> "$out/err.txt"
}
run_record() {	# $*: options of ktrail record
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		"$KTRAIL" record "$@" -e sendmsg,recvmsg,mq_timedsend,mq_timedreceive,msgsnd,msgrcv \
		--overwrite -o "$out/rec.ktr" -- "$WL" "$N" all > "$out/wl.txt" 2> "$out/err.txt"
}
run_record_on() { run_record --compat on; }
run_record_read() { run_record --reader read; }
run_floor() {
	local inst=/sys/kernel/tracing/instances/ktfloor$$ sc

	mkdir "$inst"
	echo 0 > "$inst/tracing_on"
	echo 4096 > "$inst/buffer_size_kb"
	for sc in sendmsg recvmsg mq_timedsend mq_timedreceive msgsnd msgrcv; do
		echo 1 > "$inst/events/syscalls/sys_enter_$sc/enable"
		echo 1 > "$inst/events/syscalls/sys_exit_$sc/enable"
	done
	echo 1 > "$inst/tracing_on"
	/usr/bin/time -f "%U %S %M" -o "$out/time.txt" "$WL" "$N" all > "$out/wl.txt"
	echo 0 > "$inst/tracing_on"
	echo 0 > "$inst/events/enable"
	rmdir "$inst"
	echo "0 0 0" > "$out/time.txt"	# no tracer process
}
run_tracecmd() {	# $*: more options of trace-cmd record
	(cd "$out" && LD_PRELOAD="$out/hide.so" /usr/bin/time -f "%U %S %M" -o "$out/time.txt" $TR \
		trace-cmd record -q -d "$@" -B ktbench$$ $EV -o "$out/trace.dat" \
		"$WL" "$N" all > "$out/wl.txt" 2> "$out/err.txt")
}
run_tracecmd_F() { run_tracecmd -F; }

configs="none ktrail"
[ -n "${KTRAIL_B:-}" ] && configs="$configs ktrail_b"
[ $have_tc = 1 ] && configs="$configs tracecmd"
configs=${CONFIGS:-$configs}
printf 'config\tround\tns_per_iter\tratio\tcaptured\tlost\ttracer_cpu_s\tns_per_event\tpeak_rss_kb\n' > "$out/runs.tsv"
for r in $(seq 1 "$ROUNDS"); do
	base=""
	for c in $configs; do
		"run_$c"
		ns=$(field ns_per_iter "$out/wl.txt")
		pid=$(field pid "$out/wl.txt")
		[ "$c" = none ] && base=$ns
		ratio=$(awk -v a="$ns" -v b="$base" 'BEGIN { printf "%.3f", a / b }')
		cap=-; lost=-; cpu=-; nspe=-; rss=-
		if [ "$c" != none ] && [ "$c" != floor ]; then
			read -r u s rss < "$out/time.txt"
			wu=$(field self_utime_us "$out/wl.txt")
			ws=$(field self_stime_us "$out/wl.txt")
			cpu=$(awk -v u="$u" -v s="$s" -v wu="$wu" -v ws="$ws" 'BEGIN { printf "%.3f", u + s - (wu + ws) / 1e6 }')
			nspe=$(awk -v c="$cpu" -v n="$((expected * 2))" 'BEGIN { printf "%.0f", c * 1e9 / n }')
		fi
		case $c in
		ktrail | ktrail_b | ktrail_off | ktrail_on | ktrail_read | ktrail_local | ktrail_sys | ktrail_b_*)
			# The six calls' complete rows, columns by the header's names.
			cap=$(awk -F, -v p="$pid" '
				NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
				$h["processId"] == p && $h["state"] == "complete" &&
				$h["eventName"] ~ /^(sendmsg|recvmsg|mq_timedsend|mq_timedreceive|msgsnd|msgrcv)$/ { n++ }
				END { print n + 0 }' "$out/k.csv")
			lost=$(sed -n 's/.* \([0-9]*\) events lost.*/\1/p' "$out/err.txt")
			;;
		ktrail_sum)
			# The six calls' complete rows: calls less incomplete.
			cap=$(awk -F, 'NR > 1 && $1 ~ /^(sendmsg|recvmsg|mq_timedsend|mq_timedreceive|msgsnd|msgrcv)$/ {
				n += $2 - $11 } END { print n + 0 }' "$out/s.csv")
			lost=$(sed -n 's/.* \([0-9]*\) events lost.*/\1/p' "$out/err.txt")
			;;
		record | record_on | record_read)
			"$KTRAIL" report -q --overwrite "$out/rec.ktr" -o csv:"$out/k.csv" 2> /dev/null
			cap=$(awk -F, -v p="$pid" '
				NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
				$h["processId"] == p && $h["state"] == "complete" && $h["eventName"] != "lost_events" { n++ }
				END { print n + 0 }' "$out/k.csv")
			lost=$(sed -n 's/.* \([0-9]*\) events lost.*/\1/p' "$out/err.txt")
			;;
		tracecmd | tracecmd_F)
			cap=$(trace-cmd report -i "$out/trace.dat" 2>/dev/null | grep -c -- "-$pid ") || true
			cap=$((cap / 2))
			lost=$(trace-cmd report -i "$out/trace.dat" 2>/dev/null | grep -c "EVENTS DROPPED" || true)
			;;
		esac
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$r" "$ns" "$ratio" "$cap" "$lost" "$cpu" "$nspe" "$rss" >> "$out/runs.tsv"
		rm -f "$out/k.csv" "$out/trace.dat" "$out/rec.ktr"
	done
	echo "round $r done" >&2
done
echo "N=$N ROUNDS=$ROUNDS expected syscalls=$expected (events: $((expected * 2)))"
echo "kernel $(uname -r), $(nproc) CPUs, $(trace-cmd --version 2>/dev/null | head -1 | tr -d '\n' || true)"
cat "$out/runs.tsv"
echo
echo "median per config:"
for c in $configs; do
	awk -F'\t' -v c="$c" '
	BEGIN { n = 0 }
	$1 == c { r[n] = $4; cpu[n] = $7; pe[n] = $8; rss[n] = $9; cap[n] = $5; lost[n] = $6; n++ }
	function med(a, n,   i, j, t) { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int(n / 2)] }
	END {
		m_rss = 0; for (i = 0; i < n; i++) if (rss[i] + 0 > m_rss) m_rss = rss[i] + 0
		printf "%-9s slowdown %sx  captured %s/%s  lost %s  tracer CPU %s s (%s ns/event)  peak RSS %s KiB", c, med(r, n), med(cap, n), '"$expected"', med(lost, n), med(cpu, n), med(pe, n), m_rss
		if (c ~ /^ktrail/ && med(cpu, n) > 0) printf "  decode %.0f events/s of CPU", '"$((expected * 2))"' / med(cpu, n)
		printf "\n"
	}' "$out/runs.tsv"
done
