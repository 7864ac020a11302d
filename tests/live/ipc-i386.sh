#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The i386 build of the workload: its calls come through the 32-bit ABI
# (on a 64-bit kernel the compat one: isCompat), including the old
# mq_timedsend_time32 / mq_timedreceive_time32 (279/280) and the time64
# syscalls 417-419 that are the events recvmmsg, mq_timedsend and
# mq_timedreceive.
. "$TESTLIB"
require_root
[ -n "${IPCWORK32:-}" ] && [ -e "$IPCWORK32" ] ||
	skip "no i386 workload (${IPCWORK32:-IPCWORK32 unset}): the compiler cannot build -m32 programs (gcc-multilib)"
require_tracefs
require_workload
# Can this kernel run it at all?
rc=0
"$IPCWORK32" --loops 0 > "$T/probe.out" 2> "$T/probe.err" < /dev/null || rc=$?
if [ $rc = 126 ] && grep -qi "exec format error" "$T/probe.err"; then
	skip "the kernel refuses 32-bit executables (exec gives ENOEXEC: IA32 emulation disabled)"
elif [ $rc = 127 ] || [ $rc = 126 ]; then
	skip "cannot run $IPCWORK32: $(tr '\n' ' ' < "$T/probe.err")(no 32-bit C library?)"
elif [ $rc != 0 ]; then
	show "$T/probe.err"
	fail "$IPCWORK32 --loops 0 exited $rc"
fi
# 32-bit tasks are compat tasks on a 64-bit kernel only.
case $(uname -m) in
x86_64 | aarch64 | arm64) compat=1 ;;
*) compat=0 ;;
esac
events=ipc_msgq,net_snd_rcv,mq_timedsend_time32,mq_timedreceive_time32
ipc_trace auto "$IPCWORK32" $events --compat $compat
for ev in mq_timedsend_time32 mq_timedreceive_time32 mq_timedsend mq_timedreceive recvmmsg; do
	grep -q "^@@ $ev tid=" "$T/wl.txt" ||
		fail "the i386 workload made no $ev call: $(grep "^@@ nosys" "$T/wl.txt" | tr '\n' ' ')"
done
