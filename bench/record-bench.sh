#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cost of recording on the traced system: ktrail record against the
# untraced IPC workload, trace-cmd record (its default zstd trace.dat,
# --compression none, and -F: only the command, as ktrail records it) and
# ktrail's live decoding to CSV, alternating, in one
# run (root).  Prints per configuration: slowdown (median of per-round
# ratios to that round's untraced run), the tracer's CPU time per event,
# its peak RSS and the file size; then the time `ktrail report` takes to
# decode ktrail's recording against `trace-cmd report` of trace-cmd's, and
# the calls found in each (expected: the workload's).
#
#   bench/record-bench.sh [N=200000] [ROUNDS=5]
#   READER=read CONFIGS="none record tracecmd_F" bench/record-bench.sh   # a subset, another reader
#   CLOCK=boot CONFIGS="none record tracecmd_nocomp" bench/record-bench.sh   # record's clock
#   KTRAIL_B=/old/ktrail CONFIGS="none record record_b live live_b" bench/record-bench.sh
#                                          # _b: another build, alternating
#   KTRAIL_OPTS="--compat off" ...         # options for every ktrail run
#   CONFIGS="none record record_nocomp record_zstd3 tracecmd" ...
#                                          # record compressed (default), not, zstd:3
#
# The workload is bench/workload.c (6 syscalls, 12 events per iteration).
# Files go to /dev/shm.  trace-cmd 3.1.6 needs -d and the LD_PRELOAD shim
# bench/hide_ftrace_files.c on this host; it records into a private
# instance (-B); `trace-cmd reset` is never used.
set -euo pipefail
N=${1:-200000}
ROUNDS=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
KTRAIL=${KTRAIL:-$top/ktrail}
KTRAIL_OPTS=${KTRAIL_OPTS:-}
out=${OUT:-/dev/shm/ktrail-record-bench}
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/workload" "$here/workload.c" -lrt
gcc -O2 -shared -fPIC -o "$out/hide.so" "$here/hide_ftrace_files.c" -ldl
command -v trace-cmd > /dev/null || { echo "trace-cmd is needed" >&2; exit 2; }
CALLS=sendmsg,recvmsg,mq_timedsend,mq_timedreceive,msgsnd,msgrcv
EV=""
for sc in ${CALLS//,/ }; do
	EV="$EV -e syscalls:sys_enter_$sc -e syscalls:sys_exit_$sc"
done
expected=$((N * 6))
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -1; }
timed() { /usr/bin/time -f "%U %S %M" -o "$out/time.txt" "$@"; }

run_none() { "$out/workload" "$N" all > "$out/wl.txt"; }
run_record() {	# $1: the binary (default $KTRAIL)
	# shellcheck disable=SC2086
	timed "${1:-$KTRAIL}" record $KTRAIL_OPTS -q --overwrite --reader "${READER:-auto}" --clock "${CLOCK:-auto}" \
		-e $CALLS -o "$out/rec.ktr" -- "$out/workload" "$N" all \
		> "$out/wl.txt" 2> "$out/err.txt"
	stat -c %s "$out/rec.ktr" > "$out/size.txt"
}
run_live() {	# $1: the binary (default $KTRAIL)
	# shellcheck disable=SC2086
	timed "${1:-$KTRAIL}" $KTRAIL_OPTS -q --overwrite -e $CALLS -o csv:"$out/live.csv" -- "$out/workload" "$N" all \
		> "$out/wl.txt" 2> "$out/err.txt"
	stat -c %s "$out/live.csv" > "$out/size.txt"
}
run_record_b() { run_record "$KTRAIL_B"; }
# record's sub-buffers as they are (version 1), and at zstd level 3
run_record_nocomp() { KTRAIL_OPTS="$KTRAIL_OPTS --compress none" run_record; }
run_record_zstd3() { KTRAIL_OPTS="$KTRAIL_OPTS --compress zstd:3" run_record; }
run_live_b() { run_live "$KTRAIL_B"; }
run_tc() {	# $1: extra trace-cmd options
	# shellcheck disable=SC2086
	(cd "$out" && LD_PRELOAD="$out/hide.so" timed trace-cmd record -q -d -B ktrb$$ $EV $1 \
		-o "$out/trace.dat" "$out/workload" "$N" all > "$out/wl.txt" 2> "$out/err.txt")
	stat -c %s "$out/trace.dat" > "$out/size.txt"
}
run_tracecmd() { run_tc ""; }
run_tracecmd_nocomp() { run_tc "--compression none"; }
# -F: only the command and its children, as ktrail does (set_event_pid).
run_tracecmd_F() { run_tc "-F --compression none"; }

configs=${CONFIGS:-"none record tracecmd tracecmd_nocomp tracecmd_F live"}
printf 'config\tround\tns_per_iter\tratio\ttracer_cpu_s\tns_per_event\tpeak_rss_kb\tfile_bytes\n' \
	> "$out/runs.tsv"
for r in $(seq 1 "$ROUNDS"); do
	base=""
	for c in $configs; do
		"run_$c"
		ns=$(field ns_per_iter "$out/wl.txt")
		[ "$c" = none ] && base=$ns
		ratio=$(awk -v a="$ns" -v b="$base" 'BEGIN { printf "%.3f", a / b }')
		cpu=-; nspe=-; rss=-; size=-
		if [ "$c" != none ]; then
			read -r u s rss < "$out/time.txt"
			wu=$(field self_utime_us "$out/wl.txt")
			ws=$(field self_stime_us "$out/wl.txt")
			cpu=$(awk -v u="$u" -v s="$s" -v wu="$wu" -v ws="$ws" \
				'BEGIN { printf "%.3f", u + s - (wu + ws) / 1e6 }')
			nspe=$(awk -v c="$cpu" -v n="$((expected * 2))" 'BEGIN { printf "%.0f", c * 1e9 / n }')
			size=$(cat "$out/size.txt")
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$r" "$ns" "$ratio" "$cpu" "$nspe" \
			"$rss" "$size" >> "$out/runs.tsv"
		echo "round $r $c done" >&2
	done
done
# Decoding afterwards, once: the last round's files.
run_record
pid=$(field pid "$out/wl.txt")
t0=$(date +%s.%N)
"$KTRAIL" report -q --overwrite "$out/rec.ktr" -o csv:"$out/rep.csv"
t1=$(date +%s.%N)
kcap=$(awk -F, -v p="$pid" 'NR > 1 && $3 == p && $13 == "complete" { n++ } END { print n + 0 }' \
	"$out/rep.csv")
run_tracecmd_nocomp
pid2=$(field pid "$out/wl.txt")
t2=$(date +%s.%N)
tcap=$(trace-cmd report -i "$out/trace.dat" 2> /dev/null | grep -c -- "-$pid2 .*sys_exit_" || true)
t3=$(date +%s.%N)

echo "N=$N ROUNDS=$ROUNDS expected syscalls=$expected (events: $((expected * 2)))"
echo "kernel $(uname -r), $(nproc) CPUs, $(trace-cmd --version 2> /dev/null | head -1 | tr -d '\n' || true)"
cat "$out/runs.tsv"
echo
echo "median per config:"
for c in $configs; do
	awk -F'\t' -v c="$c" '
	BEGIN { n = 0 }
	$1 == c { r[n] = $4; cpu[n] = $5; pe[n] = $6; rss[n] = $7; sz[n] = $8; n++ }
	function med(a, n,   i, j, t) { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int(n / 2)] }
	END {
		m_rss = 0; for (i = 0; i < n; i++) if (rss[i] + 0 > m_rss) m_rss = rss[i] + 0
		printf "%-16s slowdown %sx  tracer CPU %s s (%s ns/event)  peak RSS %s KiB  file %.1f MB\n", c, med(r, n), med(cpu, n), med(pe, n), m_rss, med(sz, n) / 1e6
	}' "$out/runs.tsv"
done
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v k="$kcap" -v t="$tcap" -v e="$expected" 'BEGIN {
	printf "decode afterwards: ktrail report %.2f s (%.0f k events/s) found %d/%d calls; trace-cmd report %.2f s (%.0f k events/s) found %d/%d calls\n", b - a, 2 * e / (b - a) / 1000, k, e, d - c, 2 * e / (d - c) / 1000, t, e }'
