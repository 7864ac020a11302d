#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Overload: four copies of the IPC workload against 4 KiB per CPU of
# kernel buffer.  ktrail must lose events and say so: its lost_events rows
# add up, per CPU, to exactly what the kernel's own per-CPU statistics of
# its instance count (overrun + commit overrun + dropped events), read
# while the trace is still open; every row stays whole; no hang.  (Rows
# without a count mark where a sub-buffer said "events lost" without the
# number; the numbers come in the rows of the end's reconciliation.)
. "$TESTLIB"
require_root
require_tracefs
require_workload

for reader in mmap read; do
	rc=0
	# The command ends with a pause in which the test reads the stats.
	run_ktrail --reader $reader --buffer-size 4 -e ipc_msgq,net_snd_rcv -o csv:"$T/$reader.csv" \
		-- sh -c "for i in 1 2 3 4; do '$IPCWORK' --loops 300 > /dev/null & done; wait;
			  echo done > '$T/$reader.done'; sleep 2" \
		> /dev/null 2> "$T/$reader.err" < /dev/null &
	kt=$!
	kt_bg $kt
	i=0
	while [ ! -e "$T/$reader.done" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$T/$reader.done" ] || fail "$reader: the workloads did not finish"
	inst=$(ls -d "$TRACEFS"/instances/ktrail_* 2> /dev/null | head -1)
	[ -n "$inst" ] || fail "$reader: no ktrail instance while tracing"
	: > "$T/$reader.stats"
	for s in "$inst"/per_cpu/cpu*/stats; do
		cpu=${s%/stats}
		cpu=${cpu##*/cpu}
		awk -v c="$cpu" '/^overrun:|^commit overrun:|^dropped events:/ { n += $NF }
			END { print c, n + 0 }' "$s" >> "$T/$reader.stats"
	done
	wait $kt || rc=$?
	show "$T/$reader.err" "ktrail's stderr ($reader)"
	skip_if_unsupported $rc "$T/$reader.err" "$reader"
	[ $rc = 0 ] || fail "$reader: ktrail exited $rc"
	kernel=$(awk '{ n += $2 } END { print n + 0 }' "$T/$reader.stats")
	[ "$kernel" -gt 0 ] || fail "$reader: the kernel lost nothing: no overload (raise the load)"
	# lost_events rows per CPU, from the CSV.
	python3 - "$T/$reader.csv" "$T/$reader.stats" <<'PY' || fail "$reader: lost events do not match the kernel's statistics"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
got = {}
marks = 0
for r in rows:
    if r["eventName"] == "lost_events":
        # A row without a count marks where a sub-buffer said "lost, count
        # unknown"; the end's reconciliation row carries those counts.
        if r["lost"] == "":
            marks += 1
            continue
        got[r["processorId"]] = got.get(r["processorId"], 0) + int(r["lost"])
want = {c: int(n) for c, n in (l.split() for l in open(sys.argv[2]))}
bad = [c for c in set(got) | set(want) if got.get(c, 0) != want.get(c, 0)]
print("per CPU, ktrail's lost_events rows vs the kernel's stats:",
      ", ".join("cpu%s %d/%d" % (c, got.get(c, 0), want.get(c, 0)) for c in sorted(want)),
      "(and %d rows marking a loss of unknown size)" % marks)
sys.exit("differ on cpu " + ",".join(sorted(bad)) if bad else 0)
PY
	grep -Eq "events lost \(cpu0 [0-9]+" "$T/$reader.err" || fail "$reader: no per-CPU loss line on stderr"
	check_rows --csv "$T/$reader.csv" --events ipc_msgq,net_snd_rcv --allow-lost ||
		fail "$reader: the CSV is not well-formed under overload"
	log "ok: $reader: $kernel events lost, every one reported on its CPU, $(($(wc -l < "$T/$reader.csv") - 1)) rows"
	assert_no_leftovers
done
