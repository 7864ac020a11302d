#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What pushing a filter into the kernel saves (root).  The workload (the
# IPC one of bench/workload.c) makes N iterations of 6 IPC syscalls; ktrail
# traces those 6 events with a filter that keeps none of them
# (msgsnd.data.msqid=-7 and the like: no such queue).  Three configurations,
# alternating, ROUNDS times:
#   none     the workload untraced
#   kernel   the filter in the tracepoints' filter files (ktrail's default)
#   user     the same filter applied in user space only
#            (KTRAIL_TEST_NO_KFILTER=1): every event reaches the ring
# Then the same with a scope that matches no task (--scope comm=nosuch),
# which the kernel filters on both tracepoints of each call (kernel-scope,
# user-scope).
# Prints per configuration the slowdown (median of per-round ratios to that
# round's untraced run), ktrail's CPU time and the events the kernel wrote.
#
#   bench/filter-bench.sh [N=100000] [ROUNDS=5]
set -euo pipefail
N=${1:-100000}
ROUNDS=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
KTRAIL=${KTRAIL:-$top/ktrail}
out=${OUT:-/dev/shm/ktrail-fbench}
# The user-space modes set a test hook: a build with --enable-test-hooks.
"$KTRAIL" --version | grep -q '^test hooks: yes' || {
	echo "filter-bench: $KTRAIL has no test hooks (KTRAIL_TEST_NO_KFILTER): configure --enable-test-hooks" >&2
	exit 2
}
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/workload" "$here/workload.c" -lrt
S=(--scope comm=nosuch -e msgsnd,msgrcv,sendmsg,recvmsg,mq_timedsend,mq_timedreceive)
F=(-e 'msgsnd.data.msqid=-7' -e 'msgrcv.data.msqid=-7' -e 'sendmsg.data.sockfd=-7'
   -e 'recvmsg.data.sockfd=-7' -e 'mq_timedsend.data.mqdes=-7' -e 'mq_timedreceive.data.mqdes=-7')

now() { date +%s.%N; }
declare -A ratio cpu
for r in $(seq "$ROUNDS"); do
	t0=$(now); "$out/workload" "$N" all > /dev/null; t1=$(now)
	base=$(echo "$t1 - $t0" | bc -l)
	for mode in kernel user kernel-scope user-scope; do
		env=()
		case $mode in user*) env=(KTRAIL_TEST_NO_KFILTER=1) ;; esac
		case $mode in *scope) args=("${S[@]}") ;; *) args=("${F[@]}") ;; esac
		/usr/bin/time -f 'cpu=%U+%S' -o "$out/time" env "${env[@]}" "$KTRAIL" -q --overwrite \
			"${args[@]}" -o csv:"$out/$mode.csv" -- sh -c "t0=\$(date +%s.%N); $out/workload $N all > /dev/null; t1=\$(date +%s.%N); echo \"\$t0 \$t1\" > $out/wall" \
			2> "$out/$mode.err"
		read -r a b < "$out/wall"
		ratio[$mode]+="$(echo "($b - $a) / $base" | bc -l) "
		cpu[$mode]+="$(sed -n 's/cpu=//p' "$out/time" | bc -l) "
		rows=$(($(wc -l < "$out/$mode.csv") - 1))
		[ "$rows" = 0 ] || { echo "filter-bench: $mode kept $rows rows, want 0" >&2; exit 1; }
	done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf '%-13s %10s %14s\n' config slowdown "ktrail CPU s"
printf '%-13s %10s %14s\n' none 1.00 -
for mode in kernel user kernel-scope user-scope; do
	printf '%-13s %9.2fx %14.2f\n' $mode "$(echo "${ratio[$mode]}" | median)" \
		"$(echo "${cpu[$mode]}" | median)"
done
echo "(N=$N iterations of 6 syscalls, $ROUNDS rounds; no row kept in either mode)"
