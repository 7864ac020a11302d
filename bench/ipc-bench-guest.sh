#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The IPC workload in Debian's 6.12 kernel under QEMU (TCG): untraced, under
# ktrail with kprobes (--probes kprobe: entry/exit kprobes and the detail
# probes that read user memory) and under ktrail with syscall tracepoints
# only (--probes tracepoint), alternating in each round, in one boot; and
# ktrail's start-up and teardown alone (the workload doing nothing).
# QEMU's absolute times mean nothing; the ratios to the untraced run do.
#
# usage: bench/ipc-bench-guest.sh [LOOPS] [ROUNDS]   (default 3000 5)
#   LOOPS: ipcwork --loops (32 IPC syscalls each, and its forked twin none)
# Needs what tests/kernels/run.sh needs (it boots the guest).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
LOOPS=${1:-3000}
ROUNDS=${2:-5}
WORK=${KT_WORK:-/tmp/ktrail-bench}

KT_BOOT_ONLY=1 KT_WORK=$WORK KT_QEMU_TIMEOUT=${KT_QEMU_TIMEOUT:-1800} \
	KAPPEND="kt_bench=$LOOPS kt_rounds=$ROUNDS" "$REPO/tests/kernels/run.sh" 6.12 > "$WORK.log" 2>&1 || true
log=$WORK/6.12/console.log
[ -f "$log" ] && grep -q '^@@ BENCH' "$log" || {
	echo "no benchmark output (see $WORK.log and $log)" >&2
	exit 1
}
echo "kernel: $(sed -n 's/^@@ BEGIN kernel=\([^ ]*\).*/\1/p' "$log"), QEMU TCG, ipcwork --loops $LOOPS ($((LOOPS * 32)) IPC syscalls), $ROUNDS rounds"
awk '
/^@@ BENCH/ {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	t[v["how"]] = t[v["how"]] " " v["seconds"]; n[v["how"]]++
	if (v["how"] == "none") base[v["round"]] = v["seconds"]
	else if (v["how"] !~ /^setup/) { r[v["how"]] = r[v["how"]] " " v["seconds"] / base[v["round"]]; rows[v["how"]] = v["rows"] }
}
function median(s,   a, k, i, j, x) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
END {
	printf "%-12s %-8s %-28s %s\n", "run", "median s", "ratio to untraced (median)", "CSV lines"
	printf "%-12s %-8.2f %-28s %s\n", "untraced", median(t["none"]), "1.00", "-"
	printf "%-12s %-8.2f %-28.2f %s\n", "kprobe", median(t["kprobe"]), median(r["kprobe"]), rows["kprobe"]
	printf "%-12s %-8.2f %-28.2f %s\n", "tracepoint", median(t["tracepoint"]), median(r["tracepoint"]), rows["tracepoint"]
	printf "start-up + teardown alone (ipcwork --loops 0): kprobe %.2f s, tracepoint %.2f s (medians)\n", median(t["setup-kprobe"]), median(t["setup-tracepoint"])
	printf "per round, seconds: untraced%s | kprobe%s | tracepoint%s\n", t["none"], t["kprobe"], t["tracepoint"]
}' "$log"
