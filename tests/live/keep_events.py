#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Keep the rows of the events a workload printed, for check_rows.py.

  keep_events.py WL.txt IN.csv IN.jsonl OUT.csv OUT.jsonl

A trace of a whole set (-e syscalls, -e all) also has the rows of calls
the workload does not print (its start, its writes): check_rows.py would
call them EXTRA.  This keeps, of ktrail's CSV and JSON lines output, the
rows whose eventName is one the workload printed ('@@ EVENT tid=...' or
'# nosys EVENT tid=...'), every row of those events, whoever made it, so
that check_rows.py still sees any row too many.  Prints the events kept
and how many rows.  Standard library only.
"""
import csv
import json
import sys


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    wl, icsv, ijson, ocsv, ojson = sys.argv[1:]
    events = set()
    with open(wl, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[0] == "@@" and p[2].startswith("tid="):
                events.add(p[1])
            elif len(p) >= 4 and p[:2] == ["#", "nosys"]:
                events.add(p[2])
    if not events:
        sys.exit("%s: the workload printed no call" % wl)
    n = 0
    with open(icsv, newline="", encoding="utf-8") as f, \
            open(ocsv, "w", newline="", encoding="utf-8") as o:
        rd = csv.reader(f)
        wr = csv.writer(o, lineterminator="\n")
        header = next(rd)
        col = header.index("eventName")
        wr.writerow(header)
        for rec in rd:
            if len(rec) > col and rec[col] in events:
                wr.writerow(rec)
                n += 1
    m = 0
    with open(ijson, encoding="utf-8") as f, open(ojson, "w", encoding="utf-8") as o:
        for line in f:
            if json.loads(line).get("eventName") in events:
                o.write(line)
                m += 1
    print("kept %s: %d csv rows, %d json lines" % (",".join(sorted(events)), n, m))


if __name__ == "__main__":
    main()
