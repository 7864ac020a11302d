#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The IPC workload and a forked child traced with the read() reader: every
# call's exact values in CSV and JSON lines.
. "$TESTLIB"
require_root
require_tracefs
require_workload
ipc_trace read "$IPCWORK" ipc_msgq,net_snd_rcv
