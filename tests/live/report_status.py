#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run COMMAND (a ktrail report writing to standard output) with its
standard output a pipe of one page, and look at it while it is blocked
writing to it (/proc/PID/wchan: pipe_write) with something already in it:
its header is written whole before the drop, so it is blocked on rows,
past its setup; then read the rest into OUT and wait for it.

    report_status.py OUT COMMAND...

Prints, one per line: uid, gid (the four ids each, comma-separated),
groups, capinh, capprm, capeff, capamb, capbnd, nonewprivs (as
/proc/PID/status has them), core (the soft and hard RLIMIT_CORE of
/proc/PID/limits), then exit=STATUS.  Exit status 1, with the reason, if
the command ended before it blocked, or did not within 30 s."""
import fcntl
import os
import struct
import subprocess
import sys
import termios
import time

F_SETPIPE_SZ = 1031
F_GETPIPE_SZ = 1032


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    size = fcntl.fcntl(w, F_GETPIPE_SZ)
    p = subprocess.Popen(cmd, stdout=w, stdin=subprocess.DEVNULL)
    os.close(w)
    deadline = time.time() + 30
    while True:
        n = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0" * 4))[0]
        try:
            with open(f"/proc/{p.pid}/wchan") as f:
                wchan = f.read()
        except OSError:
            wchan = ""
        # Blocked on the pipe with the header in it: writing rows.
        if n and wchan.endswith("pipe_write"):
            break
        if p.poll() is not None:
            print(f"report_status: the command ended (status {p.returncode}) before "
                  f"it filled the pipe ({n} of {size} bytes)")
            return 1
        if time.time() > deadline:
            p.kill()
            print(f"report_status: the pipe holds {n} of {size} bytes after 30 s, "
                  f"the command waits in '{wchan}'")
            return 1
        time.sleep(0.01)
    with open(f"/proc/{p.pid}/status") as f:
        st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    core = "?"
    with open(f"/proc/{p.pid}/limits") as f:
        for line in f:
            if line.startswith("Max core file size"):
                core = ",".join(line.split()[4:6])
    print("uid=" + ",".join(st["Uid"].split()))
    print("gid=" + ",".join(st["Gid"].split()))
    print("groups=" + ",".join(st.get("Groups", "").split()))
    for k in ("CapInh", "CapPrm", "CapEff", "CapAmb", "CapBnd", "NoNewPrivs"):
        print(f"{k.lower()}={st.get(k, '?')}")
    print(f"core={core}")
    with open(out, "wb") as f:
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            f.write(b)
    print(f"exit={p.wait()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
