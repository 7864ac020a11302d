#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Decode JSON lines as released Tracee (0.24) decodes a trace.Event.

tracee_schema.py [--types] FILE...   every line of every FILE, or
tracee_schema.py --self-test         the checker's own cases

Written for ktrail from the facts of Tracee's types/trace/trace.go (the
Event members and their Go types, Argument.UnmarshalJSON's type names
and the value each takes), stricter where Tracee lets a value through
undecoded:

  - every member Tracee has must have its Go type's JSON form when
    present: an integer (no fraction, no exponent, in range) for int,
    uint and uint32 members, a string, a bool, an object or array of the
    right element type; null is Go's zero value and passes, as in Go;
    eventId is a string holding a decimal integer (`json:",string"`);
    unknown members (ktrail's own "ktrail") are ignored, as Go does;
  - every argument has a name and a type Tracee knows; an unknown type
    fails (Tracee fails only when the value is a number);
  - a number value: its type must be an integer type and the literal in
    its range (int8 int32 int64 uint8 uint16 uint32 uint64, trace.Pointer
    and any "...*" as uint64), or float/float64 for any number;
  - a string value: type "string"; an array: "[]string" of strings; a
    bool: "bool"; an object: "SockAddr", every member a string (Tracee's
    map[string]string);
  - argsNum equals the number of args.

Exit 0 when every line decodes, 1 otherwise (the first 20 errors and a
count on stderr).  --types prints how many arguments had each type.
"""
import json
import re
import sys

INT_LIT = re.compile(r"^-?(0|[1-9][0-9]*)$")

INT_TYPES = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
    "uint64": (0, (1 << 64) - 1),
    "trace.Pointer": (0, (1 << 64) - 1),
}
FLOAT_TYPES = {"float", "float64"}
KNOWN_TYPES = set(INT_TYPES) | FLOAT_TYPES | {"string", "[]string", "bool", "SockAddr"}

GO_INT = (-(1 << 63), (1 << 63) - 1)   # Go's int on 64-bit
GO_UINT = (0, (1 << 64) - 1)
GO_UINT32 = (0, (1 << 32) - 1)


class Num:
    """A JSON number kept as its literal (Go's json.Number)."""

    def __init__(self, text):
        self.text = text


def parse_line(text):
    # numbers stay literals, so that 1.0 is not an integer and no
    # precision is lost
    return json.loads(text, parse_int=Num, parse_float=Num,
                      parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def int_in(v, rng):
    if not isinstance(v, Num) or not INT_LIT.match(v.text):
        return False
    return rng[0] <= int(v.text) <= rng[1]


def check_int(errs, where, key, v, rng):
    if v is None:
        return
    if not int_in(v, rng):
        errs.append("%s: %s is %s, not a Go integer in [%d, %d]"
                    % (where, key, show(v), rng[0], rng[1]))


def check_str(errs, where, key, v):
    if v is not None and not isinstance(v, str):
        errs.append("%s: %s is %s, not a string" % (where, key, show(v)))


def check_bool(errs, where, key, v):
    if v is not None and not isinstance(v, bool):
        errs.append("%s: %s is %s, not a bool" % (where, key, show(v)))


def check_obj(errs, where, key, v, members):
    """members: name -> checker(errs, where, key, value)"""
    if v is None:
        return
    if not isinstance(v, dict):
        errs.append("%s: %s is %s, not an object" % (where, key, show(v)))
        return
    for m, fn in members.items():
        if m in v:
            fn(errs, where, key + "." + m, v[m])


def show(v):
    if isinstance(v, Num):
        return v.text
    return json.dumps(v, default=lambda x: x.text)[:80]


def S(errs, where, key, v):
    check_str(errs, where, key, v)


def B(errs, where, key, v):
    check_bool(errs, where, key, v)


def I(errs, where, key, v):
    check_int(errs, where, key, v, GO_INT)


def U(errs, where, key, v):
    check_int(errs, where, key, v, GO_UINT)


def U32(errs, where, key, v):
    check_int(errs, where, key, v, GO_UINT32)


def list_of(fn):
    def chk(errs, where, key, v):
        if v is None:
            return
        if not isinstance(v, list):
            errs.append("%s: %s is %s, not an array" % (where, key, show(v)))
            return
        for i, x in enumerate(v):
            fn(errs, where, "%s[%d]" % (key, i), x)
    return chk


def event_id(errs, where, key, v):
    # `json:"eventId,string"`: a JSON string holding an integer literal
    if v is None:
        return
    if not isinstance(v, str) or not INT_LIT.match(v) or not GO_INT[0] <= int(v) <= GO_INT[1]:
        errs.append("%s: %s is %s, not a string holding an integer" % (where, key, show(v)))


def any_obj(errs, where, key, v):
    if v is not None and not isinstance(v, dict):
        errs.append("%s: %s is %s, not an object" % (where, key, show(v)))


CONTAINER = {"id": S, "name": S, "image": S, "imageDigest": S}
KUBERNETES = {"podName": S, "podNamespace": S, "podUID": S, "podSandbox": B}
EVENT = {
    "timestamp": I, "threadStartTime": I, "processorId": I, "processId": I,
    "cgroupId": U, "threadId": I, "parentProcessId": I, "hostProcessId": I,
    "hostThreadId": I, "hostParentProcessId": I, "userId": I,
    "mountNamespace": I, "pidNamespace": I, "processName": S,
    "executable": lambda e, w, k, v: check_obj(e, w, k, v, {"path": S}),
    "hostName": S, "containerId": S,
    "container": lambda e, w, k, v: check_obj(e, w, k, v, CONTAINER),
    "kubernetes": lambda e, w, k, v: check_obj(e, w, k, v, KUBERNETES),
    "eventId": event_id, "eventName": S, "matchedPolicies": list_of(S),
    "argsNum": I, "returnValue": I, "syscall": S, "stackAddresses": list_of(U),
    "contextFlags": lambda e, w, k, v: check_obj(e, w, k, v,
                                                {"containerStarted": B, "isCompat": B}),
    "threadEntityId": U32, "processEntityId": U32, "parentEntityId": U32,
    "metadata": any_obj,
}


def check_arg(errs, where, a, types):
    """One Argument, as Argument.UnmarshalJSON and then stricter."""
    if not isinstance(a, dict):
        errs.append("%s: not an object" % where)
        return
    name, t, v = a.get("name"), a.get("type"), a.get("value")
    if not isinstance(name, str):
        errs.append("%s: name is %s, not a string" % (where, show(name)))
    if not isinstance(t, str):
        errs.append("%s: type is %s, not a string" % (where, show(t)))
        return
    where = "%s (%s %s)" % (where, name, t)
    types[t] = types.get(t, 0) + 1
    pointer = t.endswith("*")
    if t not in KNOWN_TYPES and not pointer:
        errs.append("%s: unrecognized argument type %s" % (where, t))
        return
    if v is None:
        return
    if isinstance(v, Num):
        if t in FLOAT_TYPES:
            try:
                float(v.text)
            except ValueError:
                errs.append("%s: %s is not a number" % (where, v.text))
        elif pointer:
            if not int_in(v, INT_TYPES["uint64"]):
                errs.append("%s: %s is not a uint64" % (where, v.text))
        elif t in INT_TYPES:
            if not int_in(v, INT_TYPES[t]):
                errs.append("%s: %s is not a %s" % (where, v.text, t))
        else:
            errs.append("%s: a number (%s) for type %s" % (where, v.text, t))
    elif isinstance(v, bool):
        if t != "bool":
            errs.append("%s: a bool for type %s" % (where, t))
    elif isinstance(v, str):
        if t != "string":
            errs.append("%s: a string (%s) for type %s" % (where, show(v), t))
    elif isinstance(v, list):
        if t != "[]string" or not all(isinstance(x, str) for x in v):
            errs.append("%s: an array %s for type %s" % (where, show(v), t))
    elif isinstance(v, dict):
        if t != "SockAddr" or not all(isinstance(x, str) for x in v.values()):
            errs.append("%s: an object %s for type %s" % (where, show(v), t))


def check_event(text, where, types):
    errs = []
    try:
        o = parse_line(text)
    except ValueError as e:
        return ["%s: not JSON: %s" % (where, e)]
    if not isinstance(o, dict):
        return ["%s: not a JSON object" % where]
    for k, fn in EVENT.items():
        if k in o:
            fn(errs, where, k, o[k])
    args = o.get("args")
    if args is not None and not isinstance(args, list):
        errs.append("%s: args is %s, not an array" % (where, show(args)))
        args = None
    for i, a in enumerate(args or []):
        check_arg(errs, "%s: args[%d]" % (where, i), a, types)
    n = o.get("argsNum")
    if isinstance(n, Num) and INT_LIT.match(n.text) and int(n.text) != len(args or []):
        errs.append("%s: argsNum %s, %d args" % (where, n.text, len(args or [])))
    return errs


def self_test():
    good = [
        '{"timestamp":1,"eventId":"69","argsNum":3,"args":['
        '{"name":"a","type":"int32","value":-2147483648},'
        '{"name":"p","type":"trace.Pointer","value":18446744073709551615},'
        '{"name":"f","type":"string","value":"IPC_NOWAIT","raw":2048}]}',
        '{"args":[{"name":"t","type":"float64","value":0.250000000},'
        '{"name":"s","type":"SockAddr","value":{"sa_family":"AF_INET","sin_port":"80"}},'
        '{"name":"v","type":"[]string","value":["a"]},'
        '{"name":"b","type":"bool","value":true},'
        '{"name":"n","type":"uint16","value":null},'
        '{"name":"x","type":"struct foo*","value":7}],"ktrail":{"any":1}}',
        '{"stackAddresses":[],"executable":{"path":"/bin/sh"},"cgroupId":18446744073709551615}',
    ]
    bad = [
        '{"args":[{"name":"a","type":"int","value":3}]}',              # C type name
        '{"args":[{"name":"a","type":"int","value":null}]}',           # unknown, even null
        '{"args":[{"name":"p","type":"trace.Pointer","value":"0x10"}]}',  # hex text
        '{"args":[{"name":"a","type":"int32","value":2147483648}]}',   # out of range
        '{"args":[{"name":"a","type":"uint64","value":-1}]}',
        '{"args":[{"name":"a","type":"int32","value":1.0}]}',          # not an integer
        '{"args":[{"name":"a","type":"int32","value":"IPC_NOWAIT"}]}',  # text for a number type
        '{"args":[{"name":"s","type":"SockAddr","value":{"sin_port":80}}]}',
        '{"eventId":69}',                                                 # must be a string
        '{"processId":"1"}',
        '{"cgroupId":-1}',
        '{"argsNum":2,"args":[]}',
        '{"contextFlags":{"isCompat":0}}',
        '[1]',
        '{"timestamp":NaN}',
    ]
    fails = 0
    for i, t in enumerate(good):
        e = check_event(t, "good %d" % i, {})
        if e:
            print("self-test: good case rejected: %s" % e, file=sys.stderr)
            fails += 1
    for i, t in enumerate(bad):
        if not check_event(t, "bad %d" % i, {}):
            print("self-test: bad case accepted: %s" % t, file=sys.stderr)
            fails += 1
    print("self-test: %d good and %d bad cases, %d wrong" % (len(good), len(bad), fails))
    return 1 if fails else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    want_types = bool(argv) and argv[0] == "--types"
    files = argv[1:] if want_types else argv
    if not files:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    errs, lines, types = [], 0, {}
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        if data and not data.endswith(b"\n"):
            errs.append("%s: the last line has no newline" % path)
        for n, raw in enumerate(data.split(b"\n"), 1):
            if not raw:
                continue
            lines += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                errs.append("%s:%d: not UTF-8: %s" % (path, n, e))
                continue
            errs += check_event(text, "%s:%d" % (path, n), types)
    for e in errs[:20]:
        print(e, file=sys.stderr)
    if want_types:
        for t in sorted(types):
            print("type %s %d" % (t, types[t]))
    print("%d lines, %d errors" % (lines, len(errs)))
    return 1 if errs or not lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
