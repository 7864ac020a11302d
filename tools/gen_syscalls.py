#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate src/catalog/syscalls.def: one catalog row per syscall event.

A maintainer's tool, run when the sources below change; its output is
committed, so building ktrail needs none of them:

  tools/gen_syscalls.py --tracee REF.md --events-def src/catalog/events.def \
      --unistd64 H --unistd32 H --unistd-arm64 H --unistd-arm H \
      --tracepoints LIST --formats FORMATS > src/catalog/syscalls.def

  REF.md       Tracee's event definitions as facts (names, ids, sets,
               argument names and types): Appendix A of
               shared/reference/tracee-events.md
  --unistd64   <asm/unistd_64.h> of x86_64 (native numbers)
  --unistd32   <asm/unistd_32.h> of x86_64 (i386 numbers)
  --unistd-arm64 <asm/unistd_64.h> of arm64 (arm64 numbers of the
               syscalls Tracee lacks; Tracee's arm64 ids are its numbers)
  --unistd-arm <asm/unistd-eabi.h> of armhf (ARM EABI numbers)
  --tracepoints  a list of syscalls/sys_enter_* names of a kernel, one a
               line (tools/data/): the tracepoint base when it is not the
               event's own name (newstat, sendfile64, umount ...)
  --formats    the argument fields of a kernel's syscalls/sys_enter_*
               formats, one syscall a line (tools/data/, made by
               `tools/gen_syscalls.py --capture-formats /sys/kernel/tracing`)
  whatis(1) (manpages-dev) gives each syscall's one-line description.

The unistd headers are those of linux-libc-dev (Debian ships every
arch's under /usr/lib/linux/uapi/ARCH/asm/); the committed output was
made from linux-libc-dev 7.2.13-1.

Events already written by hand in events.def are skipped.

Syscalls newer than Tracee's catalog (in a unistd table, with no Tracee
or hand-written row for their number) get rows of their own when the
formats list has their tracepoint: ktrail's own ids, KT_ID_OWN_BASE
(20000) + the syscall's x86_64 number (its arm64 number when x86_64 has
none), the same on every arch, which no Tracee id reaches (Tracee's are
below 10000); the argument names and C types of the tracepoint's
fields, in their order; the sets of the Tracee event named in SIBLING,
else `syscalls` alone.  A syscall with no captured format (no kernel
here has it) gets no row: its argument names are unknown; the header
of the output lists them.

The calls whose exit the kernel never writes (NORETURN: exit,
exit_group and the sigreturns, which set the syscall number to -1 on
their way out) get FLAG(NORETURN): their record is made at entry.
"""
import argparse
import re
import subprocess
import sys

GO_TYPES = {
    "int32": ("INT", "K"),
    "uint32": ("UINT", "K"),
    "int64": ("LONG", "K"),
    "uint64": ("ULONG", "K"),
    "uint16": ("U16", "K"),
    "uint8": ("UINT", "K"),
    "bool": ("INT", "K"),
    "trace.Pointer": ("PTR", "K"),
    "string": ("STR", "U | TOCTOU"),
    "SockAddr": ("SOCKADDR", "U | TOCTOU"),
    "float64": ("TIMESPEC", "U | TOCTOU | OPT"),
    # What only user memory holds and no recipe reads yet: the pointer.
    "[]string": ("PTR", "K"),
    "[2]int": ("PTR", "K"),
    "[2]int32": ("PTR", "K"),
    "[]uint64": ("PTR", "K"),
    "[]byte": ("PTR", "K"),
}

# Tracee event -> the 32-bit syscall's name where the rules below miss it.
NAME32 = {
    "select": "_newselect",
    "old_select": "select",
    "llseek": "_llseek",
    "sendfile": "sendfile64",
    "sendfile32": "sendfile",
    "getrlimit": "ugetrlimit",
    "old_getrlimit": "getrlimit",
    "newfstatat": "fstatat64",
    # The 32-bit mmap (old_mmap) takes one pointer to its arguments: its
    # calls are not mmap's; 32-bit tasks call mmap2 (an event of its own).
    "mmap": None,
}

# Tracepoint bases that are not the event's own name.
TP = {
    "stat": "newstat",
    "lstat": "newlstat",
    "fstat": "newfstat",
    "uname": "newuname",
    "sendfile": "sendfile64",
    "umount2": "umount",
}


# The calls that never reach the syscall exit tracepoint.
NORETURN = {"exit", "exit_group", "rt_sigreturn", "sigreturn"}

KT_ID_OWN_BASE = 20000

# A syscall Tracee lacks -> the Tracee event whose sets it takes (when the
# kinship is plain from the names; the others are in `syscalls` alone).
SIBLING = {
    "fchmodat2": "fchmodat",
    "futex_waitv": "futex",
    "futex_wake": "futex",
    "futex_wait": "futex",
    "futex_requeue": "futex",
    "setxattrat": "setxattr",
    "getxattrat": "getxattr",
    "listxattrat": "listxattr",
    "removexattrat": "removexattr",
    "open_tree_attr": "open_tree",
    "set_mempolicy_home_node": "set_mempolicy",
    "mseal": "mprotect",
    "file_getattr": "statx",
    "file_setattr": "fchmodat",
}

# One line for the syscalls Tracee lacks (whatis(1) of Debian 12 knows
# none of them).
DOC = {
    "cachestat": "query the page cache state of a file range",
    "fchmodat2": "change permissions of a file, with flags",
    "file_getattr": "get the extended attributes (fsxattr) of a file",
    "file_setattr": "set the extended attributes (fsxattr) of a file",
    "futex_requeue": "wake waiters of a futex and requeue the others",
    "futex_wait": "wait on a futex",
    "futex_waitv": "wait on one of several futexes",
    "futex_wake": "wake waiters of a futex",
    "getxattrat": "get an extended attribute value, relative to a directory",
    "listmount": "list the mounts below a mount",
    "listxattrat": "list extended attribute names, relative to a directory",
    "lsm_get_self_attr": "get a security module attribute of the calling task",
    "lsm_list_modules": "list the active security modules",
    "lsm_set_self_attr": "set a security module attribute of the calling task",
    "mseal": "seal a memory range against changes to its mapping",
    "open_tree_attr": "open a mount tree and set its attributes",
    "removexattrat": "remove an extended attribute, relative to a directory",
    "set_mempolicy_home_node": "set the home NUMA node of a memory range",
    "setxattrat": "set an extended attribute value, relative to a directory",
    "statmount": "get information about a mount",
    "uprobe": "the uprobe trampoline's call into the kernel (x86_64)",
    "uretprobe": "the uretprobe trampoline's call into the kernel (x86_64)",
}

# C type of a tracepoint field -> ktrail type, origin.
C_TYPES = {
    "int": "INT", "pid_t": "INT", "key_serial_t": "INT", "clockid_t": "INT",
    "mqd_t": "INT", "rwf_t": "INT", "timer_t": "INT",
    "unsigned int": "UINT", "unsigned": "UINT", "u32": "UINT", "__u32": "UINT",
    "uid_t": "UINT", "gid_t": "UINT", "qid_t": "UINT",
    "long": "LONG", "off_t": "LONG", "loff_t": "LONG", "ssize_t": "LONG",
    "unsigned long": "ULONG", "size_t": "ULONG", "u64": "ULONG", "__u64": "ULONG",
    "aio_context_t": "ULONG",
    "umode_t": "U16",
}


def field_arg(name, ctype):
    """ARG(...) of tracepoint field @ctype @name."""
    ct = re.sub(r"\s+", " ", ctype.strip())
    if ct.endswith("*"):
        base = ct[:-1].strip()
        ct = base + "*"
        if base in ("const char", "char"):
            return f"\tARG({name}, {cstr(ct)}, STR, U | TOCTOU)"
        return f"\tARG({name}, {cstr(ct)}, PTR, K)"
    if ct not in C_TYPES:
        raise ValueError(f"unknown C type {ct!r} of {name}")
    return f"\tARG({name}, {cstr(ct)}, {C_TYPES[ct]}, K)"


def parse_formats(path):
    """syscall -> [(C type, name)] of its enter fields."""
    out = {}
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        name, _, rest = line.partition(":")
        fields = []
        for f in [f.strip() for f in rest.split(";") if f.strip()]:
            m = re.match(r"(.*?)\s*\b(\w+)$", f)
            fields.append((m.group(1), m.group(2)))
        out[name.strip()] = fields
    return out


def capture_formats(tracefs):
    """The --formats list of the running kernel, to stdout."""
    import os
    d = os.path.join(tracefs, "events", "syscalls")
    print("# syscalls/sys_enter_* argument fields: name: type field; ...")
    for ev in sorted(os.listdir(d)):
        if not ev.startswith("sys_enter_"):
            continue
        fields = []
        for line in open(os.path.join(d, ev, "format")):
            m = re.match(r"\s*field:(.*);\s*offset:", line)
            if not m or m.group(1).startswith("common_"):
                continue
            if "__syscall_nr" in m.group(1) or " common_" in m.group(1):
                continue
            fields.append(m.group(1).strip())
        print(ev[len("sys_enter_"):] + ":" + "".join(" " + f + ";" for f in fields).rstrip(";"))


def parse_unistd(path):
    nrs = {}
    for line in open(path):
        m = re.match(r"#define\s+__NR_(\w+)\s+(?:\(__NR_SYSCALL_BASE\s*\+\s*)?(\d+)", line)
        if m:
            nrs[m.group(1)] = int(m.group(2))
    return nrs


def nr32(name, nrs):
    if name in NAME32:
        n = NAME32[name]
        return nrs.get(n, -1) if n else -1
    if name.endswith("16") and name[:-2] in nrs:
        return nrs[name[:-2]]
    if name.endswith("_time32") and name[:-7] in nrs:
        return nrs[name[:-7]]
    for cand in (name + "_time64", name + "32", name):
        if cand in nrs:
            return nrs[cand]
    return -1


def whatis(name):
    try:
        out = subprocess.run(["whatis", "-s", "2", name], capture_output=True,
                             text=True, check=False).stdout
    except OSError:
        return ""
    for line in out.splitlines():
        m = re.match(r"(\S+) \(2\)\s+- (.*)", line)
        if m and m.group(1) == name:
            return m.group(2).strip()
    return ""


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capture-formats", metavar="TRACEFS")
    ap.add_argument("--tracee")
    ap.add_argument("--events-def")
    ap.add_argument("--unistd64")
    ap.add_argument("--unistd32")
    ap.add_argument("--unistd-arm64")
    ap.add_argument("--unistd-arm")
    ap.add_argument("--tracepoints")
    ap.add_argument("--formats")
    a = ap.parse_args()
    if a.capture_formats:
        capture_formats(a.capture_formats)
        return
    for k, v in vars(a).items():
        if v is None and k != "capture_formats":
            ap.error("--" + k.replace("_", "-") + " is needed")

    hand_text = open(a.events_def).read()
    hand = set(re.findall(r"^SYSCALL\((\w+),", hand_text, re.M))
    n64 = parse_unistd(a.unistd64)
    n32 = parse_unistd(a.unistd32)
    na64 = parse_unistd(a.unistd_arm64)
    narm = parse_unistd(a.unistd_arm)
    tps = set(l.strip() for l in open(a.tracepoints) if l.strip())
    formats = parse_formats(a.formats)

    rows = []
    in_a = False
    for line in open(a.tracee):
        if line.startswith("## Appendix A"):
            in_a = True
            continue
        if in_a and line.startswith("## "):
            break
        if not in_a:
            continue
        m = re.match(r"\| (\w+) \| (\d+) \| (\d+) \| ([^|]*) \| ([^|]*) \|", line)
        if not m:
            continue
        name, idx, ida, sets, fields = m.groups()
        sets = [s.strip() for s in sets.split(",") if s.strip()]
        if "syscalls" not in sets or name in hand:
            continue
        rows.append((name, int(idx), int(ida), sets, fields.strip()))

    tracee_sets = {r[0]: r[3] for r in rows}
    for hm in re.finditer(r"^SYSCALL\((\w+), (-?\d+), (-?\d+), ([^\"]*), \"", hand_text, re.M):
        tracee_sets.setdefault(hm.group(1), [])
    own, skipped = new_rows(a, hand_text, rows, n64, n32, na64, narm, formats, tracee_sets)

    used32, usedarm = {}, {}
    print("/* SPDX-License-Identifier: GPL-2.0-or-later */")
    print("/*")
    print(" * Every other syscall event: GENERATED by tools/gen_syscalls.py from")
    print(" * Tracee's event definitions (names, ids, sets, argument names and")
    print(" * types), the kernels' syscall tables and whatis(1).  Do not edit:")
    print(" * change the generator or move the event to events.def (hand-written")
    print(" * rows win) and regenerate.  Format: see events.def.")
    print(" *")
    print(" * After Tracee's: the syscalls Tracee's catalog lacks, with ktrail's own")
    print(" * ids (20000 + the syscall number) and the arguments of their tracepoint")
    print(" * formats (tools/data/).  Without a captured format, so no row:")
    for line in wrap(", ".join(skipped) + ".", 70):
        print(" *   " + line)
    print(" */")
    for name, idx, ida, sets, fields in rows:
        native = n64.get(name, -1)
        if native != -1 and native != idx:
            print(f"gen_syscalls: {name}: x86_64 {native} != Tracee id {idx}", file=sys.stderr)
            native = -1
        b32 = "32bit_unique" in sets
        nat64 = -1 if b32 else native
        arm64 = ida if ida < 9000 and not b32 else -1
        i386 = nr32(name, n32)
        arm = nr32(name, narm)
        for nr, used, abi in ((i386, used32, "i386"), (arm, usedarm, "arm")):
            if nr >= 0:
                if nr in used:
                    print(f"gen_syscalls: {abi} {nr}: {name} and {used[nr]}", file=sys.stderr)
                used[nr] = name
        tp = TP.get(name, name)
        if tp not in tps and name in tps:
            tp = name
        setexpr = " | ".join("S(" + s.upper() + ")" for s in sets if s != "syscalls")
        setexpr = "SYS" + (" | " + setexpr if setexpr else "")
        doc = whatis(name) or whatis(re.sub(r"(16|32|64|_time32|_time64)$", "", name))
        if not doc:
            doc = "the " + name + " system call"
        print()
        print(f"SYSCALL({name}, {idx}, {ida}, {setexpr}, {cstr(tp)}, {nat64}, {i386}, {arm64}, {arm},")
        print(f"\t{cstr(doc)})")
        for f in [f.strip() for f in fields.split(";") if f.strip()]:
            fm = re.match(r"(\w+):(\S+)(?: \[(.*)\])?$", f)
            if not fm:
                print(f"gen_syscalls: {name}: cannot parse field {f!r}", file=sys.stderr)
                sys.exit(1)
            an, gt, ct = fm.groups()
            if gt not in GO_TYPES:
                print(f"gen_syscalls: {name}.{an}: unknown type {gt}", file=sys.stderr)
                sys.exit(1)
            t, o = GO_TYPES[gt]
            ct = ct or gt
            print(f"\tARG({an}, {cstr(ct)}, {t}, {o})")
        if name in NORETURN:
            print("\tFLAG(NORETURN)")
        print(f"END({name})")
    for name, oid, sets, nrs, doc, args in own:
        print()
        print(f"SYSCALL({name}, {oid}, {oid}, {sets}, {cstr(name)}, "
              f"{nrs[0]}, {nrs[1]}, {nrs[2]}, {nrs[3]},")
        print(f"\t{cstr(doc)})")
        for arg in args:
            print(arg)
        if name in NORETURN:
            print("\tFLAG(NORETURN)")
        print(f"END({name})")


def wrap(text, width):
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines


def new_rows(a, hand_text, rows, n64, n32, na64, narm, formats, tracee_sets):
    """Rows of the syscalls in the tables that no Tracee or hand row has."""
    taken = [set(), set(), set(), set()]
    for r in re.finditer(r"^SYSCALL\(\w+, [^\"]*\"\w+\", (-?\d+), (-?\d+), (-?\d+), (-?\d+),",
                         hand_text, re.M):
        for i in range(4):
            taken[i].add(int(r.group(i + 1)))
    for name, idx, ida, sets, _ in rows:
        b32 = "32bit_unique" in sets
        native = n64.get(name, -1)
        taken[0].add(-1 if b32 or native != idx else native)
        taken[1].add(nr32(name, n32))
        taken[2].add(ida if ida < 9000 and not b32 else -1)
        taken[3].add(nr32(name, narm))
    tables = (n64, n32, na64, narm)
    names = set()
    for t in tables:
        names.update(t)
    own, skipped, ids = [], [], {}
    for name in sorted(names):
        nrs = [t.get(name, -1) for t in tables]
        if any(nr >= 0 and nr in taken[i] for i, nr in enumerate(nrs)):
            continue
        if name in tracee_sets:
            continue
        if name not in formats:
            skipped.append(name)
            continue
        base = nrs[0] if nrs[0] >= 0 else nrs[2]
        if base < 0:
            skipped.append(name)
            continue
        oid = KT_ID_OWN_BASE + base
        if oid in ids:
            print(f"gen_syscalls: id {oid}: {name} and {ids[oid]}", file=sys.stderr)
            sys.exit(1)
        ids[oid] = name
        sib = SIBLING.get(name)
        if sib and sib not in tracee_sets:
            print(f"gen_syscalls: {name}: sibling {sib} is not a Tracee event", file=sys.stderr)
            sys.exit(1)
        extra = [x for x in (tracee_sets.get(sib, []) if sib else [])
                 if x not in ("syscalls", "default")]
        setexpr = "SYS" + "".join(" | S(" + x.upper() + ")" for x in extra)
        doc = DOC.get(name) or whatis(name) or "the " + name + " system call"
        try:
            args = [field_arg(fn, ct) for ct, fn in formats[name]]
        except ValueError as e:
            print(f"gen_syscalls: {name}: {e}", file=sys.stderr)
            sys.exit(1)
        own.append((name, oid, setexpr, nrs, doc, args))
    own.sort(key=lambda r: r[1])
    return own, skipped


if __name__ == "__main__":
    main()
