#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The IPC workload and a forked child traced with the memory-mapped ring
# buffer reader: every call's exact values in CSV and JSON lines.  Skips
# when ktrail says (exit 3) that this kernel cannot map the ring buffer.
. "$TESTLIB"
require_root
require_tracefs
require_workload
ipc_trace mmap "$IPCWORK" ipc_msgq,net_snd_rcv
