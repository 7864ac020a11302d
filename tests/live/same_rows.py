#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two runs of the same workload under two recipes: the same rows.

Compares ktrail's CSV outputs A and B row by row.  What differs between
two runs of a program is left out or named by its order: the times, CPU,
process and thread ids, durations; the numbers a run's kernel handed out
(msgget's queue ids, the pids fork/clone returned, the run's own task
ids), replaced in every column by their order of appearance (Q0, T1...);
columns named with --ignore EVENT.COLUMN.  Run the workload with
its addresses fixed (setarch -R) so that pointers match.
"""
import argparse
import csv
import sys

RUN_COLS = {"timestamp", "processorId", "processId", "threadId", "parentProcessId",
            "hostProcessId", "hostThreadId", "hostParentProcessId", "duration"}
# Calls whose return value is a number the kernel handed out to this run.
HANDED_OUT = {"msgget", "clone", "clone3", "fork", "vfork"}


IGNORED = set()


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    names = {}
    # The run's own tasks, wherever their ids show (getpid's return...).
    for r in rows:
        for k in ("processId", "threadId"):
            if r.get(k, "").isdigit() and r[k] not in names:
                names[r[k]] = "T%d" % len(names)
    for r in rows:
        if r.get("eventName") in HANDED_OUT and r.get("returnValue", "").isdigit() \
                and r["returnValue"] not in names:
            names[r["returnValue"]] = "Q%d" % len(names)
    out = []
    for r in rows:
        out.append({k: names.get(v, v) for k, v in r.items() if k not in RUN_COLS and
                    "%s.%s" % (r.get("eventName"), k) not in IGNORED})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--label-a", default="A")
    ap.add_argument("--label-b", default="B")
    ap.add_argument("--ignore", action="append", default=[], metavar="EVENT.COLUMN",
                    help="a column of one event that differs between runs")
    o = ap.parse_args()
    IGNORED.update(o.ignore)
    a, b = load(o.a), load(o.b)
    bad = 0
    if len(a) != len(b):
        print("%s has %d rows, %s %d" % (o.label_a, len(a), o.label_b, len(b)))
        bad += 1
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        diff = ["%s=%r/%r" % (k, x.get(k), y.get(k)) for k in sorted(set(x) | set(y))
                if x.get(k) != y.get(k)]
        print("row %d (%s): %s" % (i + 2, x.get("eventName"), ", ".join(diff)))
        bad += 1
        if bad > 20:
            break
    print("compared %d rows: %s" % (min(len(a), len(b)), "same" if not bad else
                                    "%d differ" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
