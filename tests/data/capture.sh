#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture test data for the unit tests from the running kernel (root):
# the raw per-CPU sub-buffers of a command's IPC syscalls, the formats
# needed to decode them, and the command's own output (the expected
# values).  Independent of ktrail, so ktrail's decoder is tested against
# what the kernel wrote, not against itself.
#
#   tests/data/capture.sh OUTDIR COMMAND [ARGS...]
set -euo pipefail
out=$1
shift
T=/sys/kernel/tracing
[ -d $T/instances ] || mount -t tracefs nodev $T
inst=$T/instances/ktrail_capture_$$
fifo=$(mktemp -u)
cleanup() {
	echo 0 > "$inst/tracing_on" 2>/dev/null || true
	echo 0 > "$inst/events/enable" 2>/dev/null || true
	rmdir "$inst" 2>/dev/null || true
	rm -f "$fifo"
}
trap cleanup EXIT
mkdir -p "$out"
mkdir "$inst"
echo 0 > "$inst/tracing_on"
echo boot > "$inst/trace_clock"
echo 1 > "$inst/options/event-fork"
mkfifo "$fifo"
( read -r _ < "$fifo"; exec "$@" > "$out/workload.txt" ) &
child=$!
echo "$child" > "$inst/set_event_pid"
events="task/task_newtask task/task_rename sched/sched_process_exec sched/sched_process_exit"
for sc in msgsnd msgrcv msgget msgctl mq_open mq_unlink mq_timedsend mq_timedreceive \
	mq_notify mq_getsetattr sendmsg recvmsg sendmmsg recvmmsg sendto recvfrom; do
	events="$events syscalls/sys_enter_$sc syscalls/sys_exit_$sc"
done
for e in $events; do
	echo 1 > "$inst/events/$e/enable"
	mkdir -p "$out/formats/${e%/*}"
	cp "$inst/events/$e/format" "$out/formats/$e.format"
done
cp "$inst/events/header_page" "$out/formats/header_page"
echo 1 > "$inst/tracing_on"
echo go > "$fifo"
wait "$child"
echo 0 > "$inst/tracing_on"
for d in "$inst"/per_cpu/cpu*; do
	cpu=${d##*/cpu}
	# Whole sub-buffers until the buffer is empty (EAGAIN ends dd).
	dd if="$d/trace_pipe_raw" of="$out/cpu$cpu.raw" bs=4096 iflag=nonblock status=none 2>/dev/null || true
	[ -s "$out/cpu$cpu.raw" ] || rm -f "$out/cpu$cpu.raw"
done
{
	echo "kernel $(uname -r) $(uname -m)"
	echo "captured $(date -u +%Y-%m-%d) with: $*"
} > "$out/README"
