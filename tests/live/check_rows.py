#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Assert ktrail's CSV and JSON lines output against what ipcwork printed.

  check_rows.py [--workload WL.txt] [--csv OUT.csv] [--json OUT.jsonl]
                [--events SPEC] [--pid N] [--compat 0|1] [--comm TEXT]
                [--absent-pid N]... [--allow-lost] [--catalog events.def]
                [--arch x86_64|i386|arm64|arm] [--unproducible EVENT]...

The workload (tests/workload/ipcwork.c) prints one line per syscall:

  @@ <event> tid=<tid> ret=<ret> <arg>=<value> ...

with the scalar arguments (what a syscall tracepoint can show), then after
' |' the values only kprobes read (user memory, and ktrail's own ARGX
arguments), plus
'@@ start pid=P' (first line), '@@ start pid=C ppid=P' (a forked child),
'# nosys <event> tid=T' (the call got -ENOSYS) and '# done pid=P calls=N'
(the last line of each process).  Other lines are ignored.

For every event line (of the events selected by --events, if given) there
must be exactly one row of ktrail with the same eventName, threadId == tid,
returnValue == ret and every printed argument equal, in the same relative
order per thread (the file's order); that row must be 'complete', have the
processId of its process, the expected isCompat and processName.  The
user-memory arguments (strings, sockaddrs, timespecs, and ktrail's own
ARGX ones) must be empty in CSV and null in JSON; with --user-memory they
must instead equal what the workload printed after ' |' (and be empty when
it printed nothing for them).  The workload's
threads must have no other rows.  A call that got -ENOSYS ('nosys') may or
may not have a row.

Independently of the workload, every file is checked for its form: the CSV
header (exactly the catalog's columns for --events), the same field count on
every record, a complete last line, an import into SQLite (the python module,
and the sqlite3 program's '.import --csv' when it is installed); every JSON
line an object of the documented shape; values typed as the catalog says;
eventId the catalog's; no lost_events rows unless --allow-lost.  The
duration (CSV column, JSON "ktrail" member) is a non-negative integer on
the complete rows of calls that return (SYSCALL blocks without
FLAG(NORETURN)), empty or null on every other row.  With both files, they
must hold the same records (durations included) in the same order.

Flag and enum arguments (src/xlat/argfmt.def) may be rendered by name
(ktrail without --raw): 'IPC_CREAT|0600' in CSV, and in JSON that text as
"value" with the number as "raw".  The checker turns the names back into
numbers (Python's os, socket, signal ... modules and the Linux values in
LINUX_NAMES below) and checks the text against "raw"; a name it does not
know leaves the CSV text as it is (no comparison with the workload can
then succeed, and the difference names it).  The process context columns
(parentProcessId, userId, mountNamespace, pidNamespace) are integers or
empty.

--arch is the machine ktrail ran on (default: this one's, platform.machine()):
it decides the eventId column (Tracee's arm64 ids on arm64 and arm, the
x86_64 ones elsewhere) and the arch-dependent flag values (O_LARGEFILE).  A
QEMU guest's output checked on an x86_64 host needs it.

--unproducible EVENT: an event --events selects that ktrail said it cannot
produce on that kernel: its columns stay in the header, it must have no
row, and the workload's lines of it are not expected.

Exit status: 0 if everything holds (last line 'N passed, 0 failed', N being
the workload lines checked, per file), 1 otherwise with every difference
listed, 2 on bad usage or unreadable input.

Standard library only.
"""
import argparse
import csv
import difflib
import io
import json
import fnmatch
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys

FIXED = ["timestamp", "processorId", "processId", "threadId", "processName",
         "parentProcessId", "userId", "mountNamespace", "pidNamespace",
         "eventId", "eventName", "isCompat", "state", "returnValue", "duration"]
# The process context: empty in CSV (absent in JSON) when ktrail did not
# know the process.
CONTEXT = ["parentProcessId", "userId", "mountNamespace", "pidNamespace"]
JSON_CONTEXT = ["parentProcessId", "hostParentProcessId", "userId",
                "mountNamespace", "pidNamespace"]
STATES = {"complete", "unfinished", "no_exit", "no_enter"}
# Catalog types whose value is read from user memory: the syscall
# tracepoints cannot show them, the workload does not print them.
USER_TYPES = {"STR", "SOCKADDR", "TIMESPEC"}
INT_RANGE = {
    "INT": (-2 ** 31, 2 ** 31 - 1), "UINT": (0, 2 ** 32 - 1),
    "LONG": (-2 ** 63, 2 ** 63 - 1), "ULONG": (0, 2 ** 64 - 1),
    "U16": (0, 2 ** 16 - 1), "PTR": (0, 2 ** 64 - 1),
}
SET_NAMES = {"SYS": "syscalls", "IPC": "ipc", "IPC_MSGQ": "ipc_msgq",
             "NET": "net", "NET_SND_RCV": "net_snd_rcv", "B32": "32bit_unique"}
PTR_RE = re.compile(r"^0x[0-9a-f]+$")
INT_RE = re.compile(r"^-?[0-9]+$")
ENOSYS = 38
MAX_REPORT = 200


class Fatal(Exception):
    """Input that cannot be checked at all (exit 2)."""


failures = []


def fail(msg):
    failures.append(msg)


# ----------------------------------------------------------------- catalog

class Event:
    def __init__(self, name, ids, sets):
        self.name = name
        self.ids = ids                  # (x86_64, arm64)
        self.sets = sets
        self.args = []                  # [(name, ctype, TYPE, extra)]
        self.rendered = set()           # argument names argfmt.def renders
        self.syscall = False            # a SYSCALL block (not EVENT, KEVENT)
        self.noreturn = False           # FLAG(NORETURN): no exit, no duration

    def timed(self):
        """Its complete records have a duration."""
        return self.syscall and not self.noreturn

    def scalar_args(self):
        return [a for a in self.args if a[2] not in USER_TYPES and not a[3]]

    def user_args(self):
        return [a for a in self.args if a[2] in USER_TYPES or a[3]]

    def arg(self, name):
        for a in self.args:
            if a[0] == name:
                return a
        return None


def load_catalog(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise Fatal("cannot read the catalog %s: %s" % (path, e.strerror))
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    events = []
    # The generated rows of every other syscall sit next to events.def.
    gen = os.path.join(os.path.dirname(path), "syscalls.def")
    if os.path.exists(gen):
        with open(gen, encoding="utf-8") as f:
            text += re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    tok = re.compile(r'(?:SYSCALL|EVENT)\(\s*(\w+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*([\w\s|()]+?)\s*,'
                     r'|ARG([XO]?)\(\s*(\w+)\s*,\s*"([^"]*)"\s*,\s*(\w+)\s*,'
                     r'|END\(\s*(\w+)\s*\)'
                     r'|FLAG\(\s*(NORETURN)\s*\)')
    cur = None
    for m in tok.finditer(text):
        if m.group(1):
            sets = {SET_NAMES.get(s.strip(), re.sub(r"^S\((\w+)\)$", r"\1", s.strip()).lower())
                    for s in m.group(4).split("|")}
            cur = Event(m.group(1), (int(m.group(2)), int(m.group(3))), sets)
            cur.syscall = m.group(0).startswith("SYSCALL") and (
                m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))
            events.append(cur)
        elif m.group(6):
            if cur is None:
                raise Fatal("%s: ARG(%s) outside an event" % (path, m.group(6)))
            cur.args.append((m.group(6), m.group(7), m.group(8), m.group(5) != ""))
        elif m.group(10):
            if cur is None:
                raise Fatal("%s: FLAG(NORETURN) outside an event" % path)
            cur.noreturn = True
        else:
            cur = None
    if not events:
        raise Fatal("%s: no events found" % path)
    lost = Event("lost_events", (9990, 9990), set())
    lost.args.append(("lost", "unsigned long", "ULONG", False))
    load_argfmt(os.path.join(os.path.dirname(path), "..", "xlat", "argfmt.def"), events)
    return events, lost


def load_argfmt(path, events):
    """Mark the arguments src/xlat/argfmt.def renders by name ("*": an
    argument of that name in every event)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    except OSError:
        return                          # an older tree: numbers only
    rows = re.findall(r'ARGFMT\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*\)', text)
    for e in events:
        for ev, arg, _ in rows:
            a = e.arg(arg)
            if ev in ("*", e.name) and a is not None and a[2] in INT_RANGE and a[2] != "PTR":
                e.rendered.add(arg)


# ----------------------------------------------------- flags and enums

# The machine ktrail ran on: --arch, else this one (set before the tables
# below are built; main() rebuilds them for --arch).
TARGET = None


def target_machine():
    return (TARGET or platform.machine()).lower()


def is_arm(machine):
    return machine in ("aarch64", "arm64") or machine.startswith("arm")


def _linux_names():
    """Names ktrail's tables (src/xlat/) print, and their values here:
    first the Linux values every arch ktrail knows shares (or the kernel's
    own where Python has the C library's: O_LARGEFILE is 0 in a 64-bit
    glibc, SIGRTMIN is glibc's 34), then what Python's modules know."""
    import fcntl
    import mmap
    import resource
    import select
    import signal
    import socket
    import stat
    import time
    arm = is_arm(target_machine())
    names = {
        "O_LARGEFILE": 0o400000 if arm else 0o100000, "__O_SYNC": 0o4000000,
        "__O_TMPFILE": 0o20000000, "O_ACCMODE": 3,
        "AT_FDCWD": -100, "AT_SYMLINK_NOFOLLOW": 0x100, "AT_EACCESS": 0x200,
        "AT_REMOVEDIR": 0x200, "AT_SYMLINK_FOLLOW": 0x400, "AT_NO_AUTOMOUNT": 0x800,
        "AT_EMPTY_PATH": 0x1000, "AT_STATX_SYNC_AS_STAT": 0, "AT_STATX_FORCE_SYNC": 0x2000,
        "AT_STATX_DONT_SYNC": 0x4000, "AT_RECURSIVE": 0x8000,
        "IPC_CREAT": 0o1000, "IPC_EXCL": 0o2000, "IPC_NOWAIT": 0o4000, "IPC_RMID": 0,
        "IPC_SET": 1, "IPC_STAT": 2, "IPC_INFO": 3, "IPC_64": 0x100,
        "MSG_NOERROR": 0o10000, "MSG_EXCEPT": 0o20000, "MSG_COPY": 0o40000,
        "MSG_STAT": 11, "MSG_INFO": 12, "MSG_STAT_ANY": 13,
        "SHM_RDONLY": 0o10000, "SHM_RND": 0o20000, "SHM_REMAP": 0o40000,
        "SHM_EXEC": 0o100000, "SHM_HUGETLB": 0o4000, "SHM_NORESERVE": 0o10000,
        "SHM_LOCK": 11, "SHM_UNLOCK": 12, "SHM_STAT": 13, "SHM_INFO": 14, "SHM_STAT_ANY": 15,
        "GETPID": 11, "GETVAL": 12, "GETALL": 13, "GETNCNT": 14, "GETZCNT": 15,
        "SETVAL": 16, "SETALL": 17, "SEM_STAT": 18, "SEM_INFO": 19, "SEM_STAT_ANY": 20,
        "F_GETLK64": 12, "F_SETLK64": 13, "F_SETLKW64": 14, "SIGRTMIN": 32,
        "__WNOTHREAD": 0x20000000, "__WALL": 0x40000000, "__WCLONE": 0x80000000,
        "EPOLL_CTL_ADD": 1, "EPOLL_CTL_DEL": 2, "EPOLL_CTL_MOD": 3, "PROT_NONE": 0,
        "MAP_SHARED_VALIDATE": 3, "MAP_FIXED": 0x10, "MAP_GROWSDOWN": 0x100,
        "MAP_LOCKED": 0x2000, "MAP_NORESERVE": 0x4000, "MAP_NONBLOCK": 0x10000,
        "MAP_HUGETLB": 0x40000, "MAP_SYNC": 0x80000, "MAP_FIXED_NOREPLACE": 0x100000,
    }
    if arm:     # arm and arm64 (an x86 host's os module has its own values)
        names.update({"O_DIRECTORY": 0o40000, "O_NOFOLLOW": 0o100000, "O_DIRECT": 0o200000})
    for mod, prefixes in ((os, ("O_", "SEEK_", "P_", "W", "SCHED_", "EFD_", "MFD_",
                                "CLONE_", "F_OK", "R_OK", "W_OK", "X_OK")),
                          (fcntl, ("F_", "LOCK_")),
                          (socket, ("AF_", "SOCK_", "MSG_", "SOL_", "IPPROTO_", "SHUT_")),
                          (mmap, ("PROT_", "MAP_", "MADV_")), (select, ("EPOLL",)),
                          (time, ("CLOCK_",)), (resource, ("RLIMIT_",)),
                          (stat, ("S_IF", "S_IS")), (signal, ("SIG",))):
        for n in dir(mod):
            v = getattr(mod, n)
            if n.startswith(prefixes) and isinstance(v, int) and n not in names:
                names[n] = int(v)
    return names


LINUX_NAMES = _linux_names()
SYM_PART = re.compile(r"^(?:0x([0-9a-f]+)|0([0-7]+)|(-?[0-9]+)|SIGRTMIN\+([0-9]+)"
                      r"|([A-Za-z_][A-Za-z0-9_]*))$")
UNKNOWN = object()


def symbolic(text):
    """The number of a rendering ('O_RDWR|O_CREAT|0x40000000', '0600',
    'AT_FDCWD'): None if @text is not of that form, UNKNOWN if it names
    something the checker does not know."""
    total = 0
    for part in text.split("|"):
        m = SYM_PART.match(part)
        if not m:
            return None
        if m.group(1) is not None:
            total |= int(m.group(1), 16)
        elif m.group(2) is not None:
            total |= int(m.group(2), 8)
        elif m.group(3) is not None:
            total |= int(m.group(3))
        elif m.group(4) is not None:
            total |= LINUX_NAMES["SIGRTMIN"] + int(m.group(4))
        elif m.group(5) in LINUX_NAMES:
            total |= LINUX_NAMES[m.group(5)]
        else:
            return UNKNOWN
    return total


def to_type(v, t):
    """@v cut to the width of catalog type @t, signed or not."""
    bits = {"INT": 32, "UINT": 32, "U16": 16, "LONG": 64, "ULONG": 64}[t]
    v &= (1 << bits) - 1
    if t in ("INT", "LONG") and v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def default_catalog():
    here = os.path.dirname(os.path.abspath(__file__))
    cands = []
    if os.environ.get("srcdir"):
        cands.append(os.path.join(os.environ["srcdir"], "src", "catalog", "events.def"))
    cands.append(os.path.join(here, "..", "..", "src", "catalog", "events.def"))
    for c in cands:
        if os.path.exists(c):
            return c
    return cands[-1]


def select(events, spec):
    """The events an -e SPEC selects, as ktrail's kt_select() does."""
    on = {}
    first = True
    for word in spec.split(","):
        if not word:
            raise Fatal("--events %s: empty word" % spec)
        val = True
        if word.startswith("-"):
            word, val = word[1:], False
            if first:
                for e in events:
                    on[e.name] = True
        hit = False
        isset = any(word in e.sets for e in events)
        for e in events:
            named = not isset and (fnmatch.fnmatchcase(e.name, word) if re.search(r"[*?[]", word)
                                   else word == e.name)
            if word == "all" or named or word in e.sets:
                on[e.name] = val
                hit = True
        if not hit:
            raise Fatal("--events %s: unknown event or set '%s'" % (spec, word))
        first = False
    return [e for e in events if on.get(e.name)]


def expected_header(selected, lost):
    cols = []
    for e in selected + [lost]:
        for a in e.args:
            name = a[0]
            if name.lower() in (f.lower() for f in FIXED):
                name = "arg_" + name
            if name not in cols:
                cols.append(name)
    return FIXED + cols


def arm_ids():
    return is_arm(target_machine())


# ---------------------------------------------------------------- workload

class Call:
    def __init__(self, lineno, text, event, tid, ret, args, uargs):
        self.lineno = lineno
        self.text = text
        self.event = event
        self.tid = tid
        self.ret = ret
        self.args = args                # {name: int}
        self.uargs = uargs              # {name: text}: what kprobes read

    def key(self, ev):
        return (self.event, self.ret,
                tuple(self.args.get(a[0]) for a in ev.scalar_args()))


def parse_value(ev, name, text, where):
    a = ev.arg(name)
    if a is None:
        raise Fatal("%s: %s has no argument '%s' in the catalog" % (where, ev.name, name))
    if a[2] in USER_TYPES:
        raise Fatal("%s: %s=%s is read from user memory and must not be printed"
                    % (where, name, text))
    try:
        if a[2] == "PTR":
            if not PTR_RE.match(text):
                raise ValueError
            return int(text, 16)
        if not INT_RE.match(text):
            raise ValueError
        return int(text)
    except ValueError:
        raise Fatal("%s: %s=%r is not a %s" % (where, name, text, a[2]))


def read_workload(path, catalog):
    """Returns (pids, children {pid: ppid}, calls, nosys [(event, tid)]).
    pids[0] is the workload's own pid."""
    byname = {e.name: e for e in catalog}
    starts, children, calls, nosys, done = [], {}, [], [], {}
    try:
        f = open(path, "rb")
    except OSError as e:
        raise Fatal("cannot read the workload output %s: %s" % (path, e.strerror))
    with f:
        for lineno, raw in enumerate(f, 1):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("# nosys ") or line.startswith("# done "):
                line = "@@ " + line[2:]
            elif not line.startswith("@@ "):
                continue
            where = "%s:%d" % (path, lineno)
            uparts = []
            if " | " in line:
                line, utext = line.split(" | ", 1)
                uparts = utext.split()
            elif line.endswith(" |"):
                line = line[:-2]
            parts = line.split()
            if len(parts) < 2:
                raise Fatal("%s: malformed line %r" % (where, line))
            kind = parts[1]
            kv = {}
            for p in parts[2:]:
                if "=" not in p:
                    if kind == "nosys" and p == parts[2]:
                        continue
                    raise Fatal("%s: malformed field %r" % (where, p))
                k, v = p.split("=", 1)
                if k in kv:
                    raise Fatal("%s: %s twice" % (where, k))
                kv[k] = v
            try:
                if kind == "start" and "ppid" in kv:
                    children[int(kv["pid"])] = int(kv["ppid"])
                elif kind == "start":
                    starts.append(int(kv["pid"]))
                elif kind == "done":
                    done[int(kv["pid"])] = int(kv["calls"])
                elif kind == "nosys":
                    nosys.append((parts[2], int(kv["tid"])))
                else:
                    ev = byname.get(kind)
                    if ev is None:
                        raise Fatal("%s: event '%s' is not in the catalog" % (where, kind))
                    tid, ret = int(kv.pop("tid")), int(kv.pop("ret"))
                    names = list(kv)
                    want = [a[0] for a in ev.scalar_args()]
                    if names != want:
                        raise Fatal("%s: %s prints %s; the catalog's scalar args are %s"
                                    % (where, kind, names, want))
                    args = {k: parse_value(ev, k, v, where) for k, v in kv.items()}
                    uargs = {}
                    unames = [a[0] for a in ev.user_args()]
                    for p in uparts:
                        k, _, v = p.partition("=")
                        if k not in unames or k in uargs:
                            raise Fatal("%s: %s: '%s' after ' |' is not one of its "
                                        "user-memory arguments %s (or is there twice)"
                                        % (where, kind, k, unames))
                        uargs[k] = v
                    calls.append(Call(lineno, raw.decode("utf-8", "replace").rstrip("\n"),
                                      kind, tid, ret, args, uargs))
            except (KeyError, ValueError) as e:
                raise Fatal("%s: malformed line %r (%s)" % (where, line, e))
    if not starts:
        raise Fatal("%s: no '@@ start pid=' line" % path)
    pids = starts + list(children)
    for p in pids:
        n = sum(1 for c in calls if c.tid == p)
        if p not in done:
            fail("workload: process %d printed no '# done' line (it did not finish)" % p)
        elif done[p] != n:
            fail("workload: process %d says it made %d calls, printed %d" % (p, done[p], n))
    return pids, children, calls, nosys


# ------------------------------------------------------------------- rows

class Row:
    """One record of ktrail, from either format, normalised."""

    def __init__(self, src, lineno, text):
        self.src = src
        self.lineno = lineno
        self.text = text
        self.event = None
        self.tid = None
        self.pid = None
        self.comm = None
        self.ret = None
        self.dur = None                 # duration (ns), None when empty/null
        self.state = None
        self.compat = None
        self.ts = None
        self.cpu = None
        self.ppid = None                # the process context, if known
        self.uid = None
        self.args = {}                  # name: int, str or None

    def where(self):
        return "%s line %d" % (self.src, self.lineno)

    def key(self, ev):
        return (self.event, self.ret,
                tuple(self.args.get(a[0]) for a in ev.scalar_args()))


def typed(ev, a, value, where, is_json, raw=None):
    """Check a value's form; return it normalised (int, str or None).
    @raw: the JSON "raw" member, if any."""
    name, t = a[0], a[2]
    if is_json and raw is not None and not (name in ev.rendered and isinstance(value, str)):
        fail("%s: %s %s has \"raw\":%r, only a value rendered by name has one"
             % (where, ev.name, name, raw))
    if value is None or (not is_json and value == ""):
        return None
    if name in ev.rendered and isinstance(value, str):
        # a flag or enum by name, or (--raw) its number; "0600" is octal
        sym = symbolic(value)
        if sym is None:
            fail("%s: %s %s=%r: neither a number nor flags or an enum by name"
                 % (where, ev.name, name, value))
            return value
        if is_json:
            if not isinstance(raw, int) or isinstance(raw, bool):
                fail("%s: %s %s=%r: a value by name needs its number in \"raw\" (%r)"
                     % (where, ev.name, name, value, raw))
                return value
            if sym is not UNKNOWN and to_type(sym, t) != raw:
                fail("%s: %s %s=%r is %d, but \"raw\" is %d"
                     % (where, ev.name, name, value, to_type(sym, t), raw))
            value = raw
        elif sym is UNKNOWN:
            return value
        else:
            value = str(to_type(sym, t))
    if t in INT_RANGE:
        if t == "PTR" and is_json:
            # Tracee's trace.Pointer: a decimal JSON integer
            if not isinstance(value, int) or isinstance(value, bool):
                fail("%s: %s %s=%r: a pointer must be a JSON integer" % (where, ev.name, name, value))
                return value
            v = value
        elif t == "PTR":
            ok = isinstance(value, str) and PTR_RE.match(value)
            if not ok:
                fail("%s: %s %s=%r: a pointer must be a%s lowercase '0x...' text"
                     % (where, ev.name, name, value, " JSON string," if is_json else ""))
                return value
            v = int(value, 16)
        elif is_json:
            if not isinstance(value, int) or isinstance(value, bool):
                fail("%s: %s %s=%r: must be a JSON integer" % (where, ev.name, name, value))
                return value
            v = value
        else:
            if not INT_RE.match(value):
                fail("%s: %s %s=%r: must be a decimal integer" % (where, ev.name, name, value))
                return value
            v = int(value)
        lo, hi = INT_RANGE[t]
        if not lo <= v <= hi:
            fail("%s: %s %s=%s is out of the range of %s (%s)"
                 % (where, ev.name, name, v, a[1], t))
        return v
    return value


def check_common(row, ev, where):
    if ev.name != "lost_events":
        if row.state not in STATES:
            fail("%s: %s: state %r is not one of %s" % (where, ev.name, row.state,
                                                       sorted(STATES)))
    if row.ts is None or row.ts <= 0:
        fail("%s: timestamp %r" % (where, row.ts))
    # A duration exactly on the complete rows of calls that return.
    if ev.timed() and row.state == "complete":
        if row.dur is None:
            fail("%s: %s is complete but has no duration" % (where, ev.name))
    elif row.dur is not None:
        fail("%s: %s (%s) has duration %r, want none (%s)"
             % (where, ev.name, row.state, row.dur,
                "not complete" if ev.timed() else "not a call that returns"))


CSV_CTL_RE = re.compile(r"\\\\|\\xc2\\x([89][0-9a-f])|\\x([01][0-9a-f]|7f)")


def csv_unctl(s):
    """CSV writes control characters (C0, DEL, C1) as \\xHH where the text
    form keeps them: back to the text form (an escaped backslash stays)."""
    if "\\x" not in s:
        return s

    def one(m):
        if m.group(0) == "\\\\":
            return m.group(0)
        if m.group(1):
            return chr(int(m.group(1), 16))
        return chr(int(m.group(2), 16))
    return CSV_CTL_RE.sub(one, s)


def read_csv(path, byname, lost, header_want, ids_arm):
    rows = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Fatal("cannot read %s: %s" % (path, e.strerror))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("csv: not valid UTF-8 at byte %d" % e.start)
        text = data.decode("utf-8", "replace")
    if not text:
        fail("csv: %s is empty (no header)" % path)
        return None, rows
    if not text.endswith("\n"):
        fail("csv: the last line is incomplete (no final newline): %r" % text[-80:])
    # Physical line numbers for messages (a quoted field may span lines);
    # only CR and LF end a line, as in RFC 4180.
    rd = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(rd)
    except csv.Error as e:
        fail("csv: header: %s" % e)
        return None, rows
    if header[:len(FIXED)] != FIXED:
        fail("csv: header starts %s, want %s" % (header[:len(FIXED)], FIXED))
    if len(set(header)) != len(header):
        fail("csv: header has duplicate columns: %s" % header)
    if header_want is not None and header != header_want:
        fail("csv: header\n    %s\n  want (the catalog's columns for --events)\n    %s"
             % (",".join(header), ",".join(header_want)))
    col = {h: i for i, h in enumerate(header)}
    argcol = {}
    for e in list(byname.values()):
        for a in e.args:
            n = a[0]
            c = "arg_" + n if n.lower() in (f.lower() for f in FIXED) else n
            argcol[(e.name, n)] = c
    while True:
        lineno = rd.line_num + 1
        try:
            rec = next(rd)
        except StopIteration:
            break
        except csv.Error as e:
            fail("csv line %d: %s" % (lineno, e))
            break
        r = Row("csv", lineno, ",".join(rec))
        where = r.where()
        if len(rec) != len(header):
            fail("%s: %d fields, the header has %d: %r" % (where, len(rec), len(header),
                                                          r.text[:200]))
            continue
        v = dict(zip(header, (csv_unctl(x) for x in rec)))
        r.event = v["eventName"]
        ev = byname.get(r.event)
        if ev is None:
            fail("%s: eventName %r is not a catalog event" % (where, r.event))
            continue
        r.comm = v["processName"]
        r.state = v["state"] if ev is not lost else None
        for k in ["timestamp", "processorId", "processId", "threadId", "returnValue",
                  "duration"] + CONTEXT:
            if v[k] != "" and not INT_RE.match(v[k]):
                fail("%s: %s=%r is not an integer" % (where, k, v[k]))
                v[k] = ""
        if v["parentProcessId"] == "" and any(v[k] for k in CONTEXT):
            fail("%s: a process context without parentProcessId: %s"
                 % (where, ",".join(v[k] for k in CONTEXT)))
        if ev is lost and any(v[k] for k in CONTEXT):
            fail("%s: lost_events has a process context" % where)
        r.ppid = int(v["parentProcessId"]) if v["parentProcessId"] else None
        r.uid = int(v["userId"]) if v["userId"] else None
        r.ts = int(v["timestamp"]) if v["timestamp"] else None
        r.cpu = int(v["processorId"]) if v["processorId"] else None
        r.pid = int(v["processId"]) if v["processId"] else None
        r.tid = int(v["threadId"]) if v["threadId"] else None
        r.ret = int(v["returnValue"]) if v["returnValue"] else None
        r.dur = int(v["duration"]) if v["duration"] else None
        if r.dur is not None and r.dur < 0:
            fail("%s: duration %d is negative" % (where, r.dur))
        want_id = ev.ids[1] if ids_arm else ev.ids[0]
        if v["eventId"] != str(want_id):
            fail("%s: %s eventId %r, the catalog says %d" % (where, r.event, v["eventId"],
                                                            want_id))
        if v["isCompat"] not in ("0", "1"):
            fail("%s: isCompat %r, want 0 or 1" % (where, v["isCompat"]))
        r.compat = v["isCompat"] == "1"
        if v["processorId"] == "":
            fail("%s: processorId is empty" % where)
        if ev is lost and v["state"] != "":
            fail("%s: lost_events has state %r, want empty" % (where, v["state"]))
        check_common(r, ev, where)
        mine = set()
        for a in ev.args:
            c = argcol[(ev.name, a[0])]
            if c not in col:
                fail("%s: no column %s for %s's argument %s" % (where, c, ev.name, a[0]))
                continue
            mine.add(c)
            r.args[a[0]] = typed(ev, a, v[c], where, False)
        for h in header[len(FIXED):]:
            if h not in mine and v[h] != "":
                fail("%s: %s has a value in column %s=%r, which is not one of its arguments"
                     % (where, ev.name, h, v[h]))
        rows.append(r)
    check_sqlite(path, header, text, len(rows))
    return header, rows


def check_sqlite(path, header, text, nrows):
    """Import the file into SQLite: the python module, then the CLI."""
    records = list(csv.reader(io.StringIO(text, newline="")))[1:]
    records = [rec for rec in records if len(rec) == len(header)]
    try:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE ev (%s)" % ",".join('"%s"' % h.replace('"', '""')
                                                       for h in header))
        db.executemany("INSERT INTO ev VALUES (%s)" % ",".join("?" * len(header)), records)
        n = db.execute("SELECT count(*) FROM ev").fetchone()[0]
        if n != len(records):
            fail("csv: sqlite3 (python) holds %d rows, the file %d" % (n, len(records)))
        for name, cnt in db.execute("SELECT eventName, count(*) FROM ev GROUP BY eventName"):
            want = sum(1 for r in records if r[FIXED.index("eventName")] == name)
            if cnt != want:
                fail("csv: sqlite3 (python): %d %s rows, the file %d" % (cnt, name, want))
        db.close()
    except sqlite3.Error as e:
        fail("csv: sqlite3 (python) import failed: %s" % e)
    cli = shutil.which("sqlite3")
    if not cli:
        return
    try:
        p = subprocess.run([cli, "-batch", ":memory:", "-cmd", ".import --csv '%s' ev"
                            % path.replace("'", "''"), "SELECT count(*) FROM ev;"],
                           capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        fail("csv: sqlite3 .import: %s" % e)
        return
    if p.returncode != 0 or p.stderr.strip():
        fail("csv: sqlite3 .import --csv failed (exit %d): %s" % (p.returncode,
                                                                  p.stderr.strip()[:500]))
    elif p.stdout.strip() != str(len(records)):
        fail("csv: sqlite3 .import --csv loaded %s rows, the file has %d"
             % (p.stdout.strip(), len(records)))


JSON_KEYS = {"timestamp": int, "processorId": int, "processId": int, "threadId": int,
             "hostProcessId": int, "hostThreadId": int,
             "processName": str, "eventId": str, "eventName": str, "argsNum": int,
             "contextFlags": dict, "args": list}
# -o json's argument types: Tracee's Go names for the catalog's types; a
# flag or enum printed by name is a "string" (tracee_schema.py decodes
# them all as Tracee does)
GO_TYPE = {"INT": "int32", "UINT": "uint32", "LONG": "int64", "ULONG": "uint64",
           "U16": "uint16", "PTR": "trace.Pointer", "STR": "string", "SOCKADDR": "SockAddr",
           "TIMESPEC": "float64", "BOOL": "bool"}


def read_json(path, byname, lost, ids_arm):
    rows = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Fatal("cannot read %s: %s" % (path, e.strerror))
    if data and not data.endswith(b"\n"):
        fail("json: the last line is incomplete (no final newline)")
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if not raw:
            continue
        r = Row("json", lineno, raw.decode("utf-8", "replace"))
        where = r.where()
        try:
            o = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            fail("%s: not JSON: %s: %r" % (where, e, r.text[:200]))
            continue
        if not isinstance(o, dict):
            fail("%s: not a JSON object" % where)
            continue
        bad = False
        for k, t in JSON_KEYS.items():
            if not isinstance(o.get(k), t) or (t is int and isinstance(o.get(k), bool)):
                fail("%s: %s is %r, want a %s" % (where, k, o.get(k), t.__name__))
                bad = True
        if bad:
            continue
        r.event = o["eventName"]
        ev = byname.get(r.event)
        if ev is None:
            fail("%s: eventName %r is not a catalog event" % (where, r.event))
            continue
        want_id = ev.ids[1] if ids_arm else ev.ids[0]
        if o["eventId"] != str(want_id):
            fail("%s: %s eventId %r, the catalog says \"%d\"" % (where, r.event, o["eventId"],
                                                                want_id))
        # the host ids: processId and threadId are the task's pid namespace's
        r.ts, r.pid, r.tid = o["timestamp"], o["hostProcessId"], o["hostThreadId"]
        r.cpu = o["processorId"]
        r.comm = o["processName"]
        ctx = [k for k in JSON_CONTEXT if k in o]
        if ctx and ctx != JSON_CONTEXT:
            fail("%s: process context %s, want all of %s or none" % (where, ctx, JSON_CONTEXT))
        for k in ctx:
            if not isinstance(o[k], int) or isinstance(o[k], bool) or o[k] < 0:
                fail("%s: %s is %r, want a non-negative integer" % (where, k, o[k]))
        if ctx == JSON_CONTEXT:
            if (o["processId"] == o["hostProcessId"] and
                    o["parentProcessId"] != o["hostParentProcessId"]):
                fail("%s: parentProcessId %r, hostParentProcessId %r in the host's pid namespace"
                     % (where, o["parentProcessId"], o["hostParentProcessId"]))
            r.ppid, r.uid = o["hostParentProcessId"], o["userId"]
        if "returnValue" in o:
            if not isinstance(o["returnValue"], int) or isinstance(o["returnValue"], bool):
                fail("%s: returnValue %r is not an integer" % (where, o["returnValue"]))
            else:
                r.ret = o["returnValue"]
        c = o["contextFlags"].get("isCompat")
        if not isinstance(c, bool):
            fail("%s: contextFlags.isCompat %r, want true or false" % (where, c))
        r.compat = c
        kt = o.get("ktrail")
        if ev is lost:
            r.state = None
        elif not isinstance(kt, dict) or not isinstance(kt.get("state"), str):
            fail("%s: no \"ktrail\":{\"state\":...}" % where)
        else:
            r.state = kt["state"]
            if "duration" not in kt:
                fail("%s: no \"ktrail\":{\"duration\":...} (null when none)" % where)
            d = kt.get("duration")
            if d is not None and (not isinstance(d, int) or isinstance(d, bool) or d < 0):
                fail("%s: duration %r, want a non-negative integer or null" % (where, d))
            else:
                r.dur = d
        check_common(r, ev, where)
        if o["argsNum"] != len(o["args"]):
            fail("%s: argsNum %d, %d args" % (where, o["argsNum"], len(o["args"])))
        names = [a.get("name") if isinstance(a, dict) else None for a in o["args"]]
        if names != [a[0] for a in ev.args]:
            fail("%s: %s args %s, the catalog's are %s" % (where, ev.name, names,
                                                          [a[0] for a in ev.args]))
        for a, j in zip(ev.args, o["args"]):
            if not isinstance(j, dict) or "value" not in j:
                fail("%s: %s arg %s has no value (null when unknown)" % (where, ev.name, a[0]))
                continue
            want_t = GO_TYPE.get(a[2])
            if a[0] in ev.rendered and isinstance(j["value"], str):
                want_t = "string"
            if j.get("type") != want_t:
                fail("%s: %s arg %s type %r, want %r (the catalog's %s)"
                     % (where, ev.name, a[0], j.get("type"), want_t, a[2]))
            r.args[a[0]] = typed(ev, a, j["value"], where, True, j.get("raw"))
        rows.append(r)
    return rows


# --------------------------------------------------------------- matching

def fmt_row(r, ev):
    parts = ["%s tid=%s ret=%s" % (r.event, r.tid, r.ret)]
    for a in ev.args:
        v = r.args.get(a[0])
        if a[2] == "PTR" and isinstance(v, int):
            v = hex(v)
        parts.append("%s=%s" % (a[0], "" if v is None else v))
    parts.append("state=%s" % r.state)
    return "%s: %s" % (r.where(), " ".join(parts))


def user_text(a, v):
    """A user-memory value in the workload's notation (see ipcwork.c)."""
    if v is None:
        return None
    if a[2] == "SOCKADDR":
        if isinstance(v, dict):
            fam = v.get("sa_family")
            addr = v.get("sun_path", v.get("sin_addr", v.get("sin6_addr", "")))
            port = v.get("sin_port", v.get("sin6_port"))
        else:
            kv = dict(p.partition("=")[::2] for p in v.split(" "))
            fam, addr, port = kv.get("family"), kv.get("path", kv.get("addr", "")), kv.get("port")
        return "%s:%s%s" % (fam, addr, ":%s" % port if port is not None else "")
    if a[2] == "TIMESPEC" and not isinstance(v, str):
        return "%.9f" % v
    return str(v)


def compare(call, row, ev, pid_of, compat, comm, user_memory):
    """Differences between a workload line and the row aligned with it."""
    d = []
    if row.event != call.event:
        return ["eventName %s, want %s" % (row.event, call.event)]
    if row.ret != call.ret:
        d.append("returnValue %s, want %d" % (row.ret, call.ret))
    for a in ev.scalar_args():
        got, want = row.args.get(a[0]), call.args.get(a[0])
        if got != want:
            fmt = hex if a[2] == "PTR" else str
            d.append("%s=%s, want %s" % (a[0], fmt(got) if isinstance(got, int) else got,
                                         fmt(want)))
    for a in ev.user_args():
        got = user_text(a, row.args.get(a[0]))
        want = call.uargs.get(a[0]) if user_memory else None
        if got != want:
            if want is None:
                d.append("%s=%r, must be %s (%s)"
                         % (a[0], got, "null" if row.src == "json" else "empty",
                            "nothing to read" if user_memory else
                            "user memory: not readable by the tracepoints"))
            else:
                d.append("%s=%r, want %r (read by a kprobe)" % (a[0], got, want))
    if row.state != "complete":
        d.append("state %s, want complete" % row.state)
    want_pid = pid_of(call.tid)
    if row.pid != want_pid:
        d.append("processId %s, want %d" % (row.pid, want_pid))
    if compat is not None and row.compat != compat:
        d.append("isCompat %s, want %s" % (row.compat, compat))
    if comm is not None and row.comm != comm:
        d.append("processName %r, want %r" % (row.comm, comm))
    return d


def match(src, rows, calls, nosys, byname, pid_of, compat, comm, selected, user_memory):
    """Align the workload's calls with the rows of its threads.  Returns
    the number of workload lines that matched a row in every respect."""
    tids = sorted({c.tid for c in calls} | {t for _, t in nosys} | set(pid_of.tids))
    ok = 0
    for tid in tids:
        want = [c for c in calls if c.tid == tid and c.event in selected]
        got = [r for r in rows if r.tid == tid and r.event != "lost_events"]
        # Calls the kernel answered with -ENOSYS may leave a row or not.
        tolerated = [n for n, t in nosys if t == tid]
        kept = []
        for r in got:
            if r.ret == -ENOSYS and r.event in tolerated:
                tolerated.remove(r.event)
                continue
            kept.append(r)
        got = kept
        wk = [c.key(byname[c.event]) for c in want]
        gk = [r.key(byname[r.event]) for r in got]
        sm = difflib.SequenceMatcher(None, wk, gk, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                for c, r in zip(want[i1:i2], got[j1:j2]):
                    d = compare(c, r, byname[c.event], pid_of, compat, comm, user_memory)
                    if d:
                        fail("%s: tid %d: workload line %d\n    want %s\n    got  %s\n    %s"
                             % (src, tid, c.lineno, c.text, fmt_row(r, byname[r.event]),
                                "\n    ".join(d)))
                    else:
                        ok += 1
                continue
            ws, gs = want[i1:i2], got[j1:j2]
            # Pair lines and rows of the same event in order: mismatches.
            while ws and gs:
                c = ws[0]
                k = next((i for i, r in enumerate(gs) if r.event == c.event), None)
                if k is None:
                    break
                for r in gs[:k]:
                    fail("%s: tid %d: EXTRA row, the workload made no such call\n    %s"
                         % (src, tid, fmt_row(r, byname[r.event])))
                r = gs[k]
                gs = gs[k + 1:]
                ws = ws[1:]
                d = compare(c, r, byname[c.event], pid_of, compat, comm, user_memory)
                fail("%s: tid %d: MISMATCH for workload line %d\n    want %s\n    got  %s\n    %s"
                     % (src, tid, c.lineno, c.text, fmt_row(r, byname[r.event]),
                        "\n    ".join(d or ["out of order"])))
            for c in ws:
                hint = ""
                if any(r.key(byname[r.event]) == c.key(byname[c.event]) for r in got):
                    hint = " (an equal row exists elsewhere: out of order or duplicated?)"
                fail("%s: tid %d: MISSING row for workload line %d%s\n    want %s"
                     % (src, tid, c.lineno, hint, c.text))
            for r in gs:
                fail("%s: tid %d: EXTRA row, the workload made no such call\n    %s"
                     % (src, tid, fmt_row(r, byname[r.event])))
    return ok


class PidOf:
    """The process id of each workload thread (ipcwork is single-threaded)."""

    def __init__(self, pids, main_pid):
        self.tids = list(pids)
        self.pids = set(pids)
        self.main = main_pid

    def __call__(self, tid):
        return tid if tid in self.pids else self.main


# ------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description="Check ktrail's CSV/JSON output against the ipcwork workload.")
    ap.add_argument("--workload", help="the workload's output (@@ lines)")
    ap.add_argument("--csv", help="ktrail's CSV output")
    ap.add_argument("--json", help="ktrail's JSON lines output")
    ap.add_argument("--events", help="the -e given to ktrail: the exact CSV header "
                    "and which workload lines are expected")
    ap.add_argument("--pid", type=int, help="the workload's pid (default: '@@ start')")
    ap.add_argument("--compat", type=int, choices=(0, 1), default=0,
                    help="the isCompat the workload's rows must have (default 0)")
    ap.add_argument("--comm", help="the processName the workload's rows must have")
    ap.add_argument("--absent-pid", type=int, action="append", default=[],
                    help="no row may have this processId or threadId")
    ap.add_argument("--user-memory", action="store_true",
                    help="ktrail ran with kprobes: the values after ' |' must be there")
    ap.add_argument("--allow-lost", action="store_true",
                    help="lost_events rows are not a failure")
    ap.add_argument("--catalog", default=default_catalog(), help="src/catalog/events.def")
    ap.add_argument("--unproducible", action="append", default=[], metavar="EVENT",
                    help="a selected event ktrail cannot produce there: no row, its workload "
                    "lines not expected")
    ap.add_argument("--arch", choices=("x86_64", "i386", "arm64", "aarch64", "arm", "armhf"),
                    help="the machine ktrail ran on (default: this one): eventIds and "
                    "arch-dependent flag values")
    a = ap.parse_args()
    if a.arch:
        global TARGET, LINUX_NAMES
        TARGET = a.arch
        LINUX_NAMES = _linux_names()
    if not a.csv and not a.json:
        ap.error("give --csv and/or --json")
    try:
        catalog, lost = load_catalog(a.catalog)
        byname = {e.name: e for e in catalog}
        byname[lost.name] = lost
        selected = select(catalog, a.events) if a.events else catalog
        header_want = expected_header(selected, lost) if a.events else None
        selnames = {e.name for e in selected}
        for u in a.unproducible:
            if u not in selnames:
                raise Fatal("--unproducible %s: not an event --events selects" % u)
        selnames -= set(a.unproducible)
        ids_arm = arm_ids()
        results = {}
        if a.csv:
            _, results["csv"] = read_csv(a.csv, byname, lost, header_want, ids_arm)
        if a.json:
            results["json"] = read_json(a.json, byname, lost, ids_arm)
        wl = read_workload(a.workload, catalog) if a.workload else None
    except Fatal as e:
        print("ERROR:", e)
        return 2

    for src, rows in results.items():
        for r in rows:
            if r.event not in selnames and r.event != "lost_events":
                fail("%s: a %s row, but --events %s does not select it"
                     % (r.where(), r.event, a.events))
            if r.event == "lost_events" and not a.allow_lost:
                fail("%s: LOST events: %s on cpu %s: the workload is small, nothing "
                     "may be lost (--allow-lost)" % (r.where(), r.args.get("lost"), r.cpu))
            if r.pid in a.absent_pid or r.tid in a.absent_pid:
                fail("%s: a row of process %s (tid %s), which must not be traced\n    %s"
                     % (r.where(), r.pid, r.tid, fmt_row(r, byname[r.event])))
    if "csv" in results and "json" in results:
        # The lost_events pseudo-event has no process: empty in CSV, 0 in JSON.
        ck = [(r.ts, r.cpu, r.tid or 0, r.event, r.ret, r.dur, r.ppid, r.uid)
              for r in results["csv"]]
        jk = [(r.ts, r.cpu, r.tid or 0, r.event, r.ret, r.dur, r.ppid, r.uid)
              for r in results["json"]]
        if ck != jk:
            fail("csv and json hold different records (%d and %d rows); first difference "
                 "at row %d" % (len(ck), len(jk), next(
                     (i for i, (x, y) in enumerate(zip(ck, jk)) if x != y),
                     min(len(ck), len(jk))) + 1))

    passed = 0
    if wl:
        pids, children, calls, nosys = wl
        main_pid = a.pid if a.pid is not None else pids[0]
        pid_of = PidOf(pids, main_pid)
        want = [c for c in calls if c.event in selnames]
        if not want:
            fail("the workload printed no call of the selected events")
        for src, rows in results.items():
            passed += match(src, rows, calls, nosys, byname, pid_of,
                            bool(a.compat), a.comm, selnames, a.user_memory)
        n = len(want) * len(results)
        print("checked %d workload calls (%d threads) against %s" %
              (len(want), len({c.tid for c in want}),
               " and ".join("%s (%d rows)" % (s, len(r)) for s, r in results.items())))
    else:
        passed = sum(len(r) for r in results.values()) if not failures else 0
        n = passed
        print("form checked: %s" % ", ".join("%s (%d rows)" % (s, len(r))
                                               for s, r in results.items()))

    for f in failures[:MAX_REPORT]:
        print("FAIL:", f)
    if len(failures) > MAX_REPORT:
        print("FAIL: ... and %d more" % (len(failures) - MAX_REPORT))
    print("%d passed, %d failed" % (passed, len(failures) if failures else n - passed))
    return 1 if failures or passed != n else 0


if __name__ == "__main__":
    sys.exit(main())
