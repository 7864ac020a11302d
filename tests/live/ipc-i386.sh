#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The i386 build of the workload: its calls come through the 32-bit ABI
# (on a 64-bit kernel the compat one: isCompat), including the old
# mq_timedsend_time32 / mq_timedreceive_time32 (279/280) and the time64
# syscalls 417-419 that are the events recvmmsg, mq_timedsend and
# mq_timedreceive.
. "$TESTLIB"
require_root
require_tracefs
require_workload
require_ipcwork32
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
