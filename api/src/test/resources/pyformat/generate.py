#!/usr/bin/env python3
"""Prints the golden cases of io.fulmen.pyformat as CSV, computed by this CPython.

    python3 api/src/test/resources/pyformat/generate.py > api/src/test/resources/pyformat/cases.csv

Columns: kind, value, arg, expected.
  kind     format (format(value, arg)), repr, str, ascii, timedelta_str, timedelta_repr,
           kwformat (arg.format(**value)), dictformat (arg.format(value): ModelCheckpoint's {0[name]} fields)
  value    a typed token: int:5, float:0.1 (repr, so it parses back to the same double), str:abc,
           bool:True, none: ; for the *format kinds, name=token pairs joined by '|'; for timedelta_* a
           number of microseconds (int:...)
  expected the result, or "error:" and str(exception) when CPython raises ValueError, KeyError, IndexError or
           OverflowError (format errors must match exactly, template errors are contained in the Java message)

Every field is quoted, quotes doubled, so JUnit's @CsvFileSource reads it (and keeps blanks and empty strings);
in every field a backslash is doubled and control and line-separator characters are written as \\uXXXX.
"""
import csv
import locale
import math
import random
import struct
import sys
import unicodedata
from datetime import timedelta

locale.setlocale(locale.LC_ALL, "C")  # 'n' is then 'd' / 'g', as the Java side implements it

ERRORS = (ValueError, KeyError, IndexError, OverflowError)


def token(v):
    if v is None:
        return "none:"
    if isinstance(v, bool):
        return "bool:" + repr(v)
    if isinstance(v, int):
        return "int:" + str(v)
    if isinstance(v, float):
        return "float:" + repr(v)
    if isinstance(v, str):
        return "str:" + v
    raise TypeError(v)


def escape(c):
    """A backslash doubled, and the characters a CSV reader or an editor could mangle as \\uXXXX."""
    if c == "\\":
        return "\\\\"
    if unicodedata.category(c) in ("Cc", "Zl", "Zp"):
        return "\\u%04x" % ord(c)
    return c


def escaped(s):
    return "".join(escape(c) for c in s)


def mapping(d):
    return "|".join(k + "=" + token(v) for k, v in d.items())


def run(f):
    try:
        return f()
    except ERRORS as e:
        return "error:" + str(e)


INTS = [0, 1, -1, 3, 7, 42, 65, 255, -255, 1000, 1234, -1234, 1234567, -1234567, 10 ** 15, 2 ** 53 + 1,
        2 ** 63 - 1, -2 ** 63, 2 ** 64, -(3 ** 45)]

FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.1, 0.1 + 0.2, 1 / 3, 2 / 3, 12.0, 100.0,
          1234.5, -1234.5678, 1234567.0, 123456789.0, 0.0001234, 1e-5, 1e-4, 1.5e-7, 0.03, 123.456, 1.12,
          -0.001, 2.675, 0.045, 1.005, 9.995, 99.95, 9.5, 10.5, 999999.5, 0.99995, 0.5e-4,
          1e15, 1e16, 1e22, 1e23, 1e100, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
          struct.unpack("f", struct.pack("f", 0.3))[0], 2.82879384806159e17, 1.9400994884341945e25,
          float("nan"), float("inf"), float("-inf")]

# format specs for every int and float
NUMBER_SPECS = [
    "", "n", ",", "_", "f", "F", ".0f", "#.0f", ".2f", ".4f", ".20f", "e", "E", ".0e", "#.0e", ".3e", ".30e",
    "g", "G", "#g", ".0g", ".1g", ".3g", "#.3g", ".17g", ".25g", "%", ".1%", ".0%", ".1", ".3", "#", "#.3",
    ".17", "10.2f", "<10", ">10", "^10", "=10", "*^12.3f", "x<8", "+.2f", " .2f", "+", " ", "-", "-.1e",
    ",.2f", "_.2f", "010,", "010,.2f", "0=10,", "020", "0.5f", "^+10.1f", "z.2f", "z.1e", "z", "z.0f",
    "+z.1f", ",.3g", "_e", ",%",
    # rejected by CPython: the Java side must reject them with the same message
    ".2ff", ".", ",_", "_,", ",n", "_n", "s", "q",
]

# specs for ints only, tried on a few floats to see them rejected
INT_SPECS = [
    "d", "c", "b", "#b", "o", "#o", "x", "#x", "X", "#X", "_b", "_x", "_o", ",d", "_d", "05d", "+05d",
    "012_x", "#012_x", "=+#10x",
    ",x", ",b", ",c", "_c", ".2d", ".2x", "+c", "#c", "z.2d", "zd",
]

STRINGS = ["", "a", "abc", "it's", 'say "hi"', "both ' and \"", "tab\there", "new\nline", "back\\slash",
           "na\u00efve", "party \U0001F389", "\x7f\x00\x1b", "\u2028", "caf\u00e9 \u00a0"]

STRING_SPECS = ["", "s", "10", "<10", ">10", "^10", "*^11", ".2", "10.2s", "010", "_<6", "0<6",
                "=10", "+", " ", "#", "d", ",", "_", "z", ".2f", "x"]

BOOL_SPECS = ["", "d", ">5", ".2f", "x", "s", "10", "^7"]


def random_floats(n, seed=1):
    rnd = random.Random(seed)
    out = []
    while len(out) < n:
        bits = rnd.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if math.isfinite(x):
            out.append(x)
    for _ in range(n):  # moderate exponents too, where repr switches between fixed and exponent form
        out.append(rnd.uniform(-1, 1) * 10 ** rnd.randint(-8, 20))
    return out


TIMEDELTAS_US = [0, 1, 999999, 1000000, 3600 * 10 ** 6, 86400 * 10 ** 6, 86400 * 10 ** 6 - 1,
                 2 * 86400 * 10 ** 6 + 5500000, -1, -10 ** 6, -86400 * 10 ** 6, -86400 * 10 ** 6 - 1,
                 123456789012345, 999999999 * 86400 * 10 ** 6, -3 * 86400 * 10 ** 6 + 7 * 3600 * 10 ** 6]

KW_TEMPLATES = [
    ("epoch={epoch}-step={step}", {"epoch": 3, "step": 120}),
    ("{epoch:02d}-{val_loss:.2f}", {"epoch": 3, "val_loss": 0.125}),
    ("{val_loss:.4f}", {"val_loss": 0.3}),
    ("{val_loss}", {"val_loss": 0.1 + 0.2}),
    ("{{x}}", {}),
    ("{{{x}}}", {"x": 7}),
    ("a}}b{{c", {}),
    ("{x!r}-{x!s}-{x!a}", {"x": "caf\u00e9"}),
    ("{x!r:>12}", {"x": "it's"}),
    ("{x:{w}.{p}f}", {"x": 3.14159, "w": 10, "p": 3}),
    ("{x:{fill}^{w}}", {"x": "mid", "fill": "*", "w": 9}),
    ("{name:<8}|{n:>6,}", {"name": "loss", "n": 1234567}),
    ("{b} {b:d} {n}", {"b": True, "n": None}),
    ("{x", {"x": 1}),
    ("x}", {}),
    ("{x}", {}),
    ("{x!q}", {"x": 1}),
    ("{x!rr}", {"x": 1}),
    ("{x!}", {"x": 1}),
    ("{x:.2d}", {"x": 1}),
    ("{0}", {}),
    ("{}", {}),
    ("{x:{w:{p}}}", {"x": 1, "w": 5, "p": 1}),
    ("{x{y}", {"x": 1}),
]

DICT_TEMPLATES = [
    ("epoch={0[epoch]}-step={0[step]}", {"epoch": 0, "step": 100}),
    ("epoch={0[epoch]:02d}-val_loss={0[val_loss]:.2f}", {"epoch": 3, "val_loss": 0.125}),
    ("{0[val/mAP@0.50]:.4f}", {"val/mAP@0.50": 0.2}),
    ("{0[val.loss]:.3f}", {"val.loss": 0.1234}),
    ("{0[v]}", {"v": struct.unpack("f", struct.pack("f", 0.3))[0]}),
    ("{0[val_loss!r]:>8}", {"val_loss!r": 0}),
    ("{0[missing]}", {"x": 1}),
    ("{0[a]}{0[b]:{0[w]}}", {"a": 1, "b": 2.5, "w": 6}),
    ("{0[val_loss]:d}", {"val_loss": 0.5}),
    ("{0[x]!r}", {"x": 0.5}),
    ("{0[x]]}", {"x": 1}),
    ("{0[x]y}", {"x": 1}),
    ("{0[x}", {"x": 1}),
    ("{1[x]}", {"x": 1}),
    ("{0[]}", {"": 1}),
]


def rows():
    yield ["kind", "value", "arg", "expected"]
    for v in INTS + FLOATS:
        for spec in NUMBER_SPECS:
            yield ["format", token(v), spec, run(lambda: format(v, spec))]
    for v in INTS + [0.5, -0.0, float("nan")]:
        for spec in INT_SPECS:
            yield ["format", token(v), spec, run(lambda: format(v, spec))]
    for v in [True, False]:
        for spec in BOOL_SPECS:
            yield ["format", token(v), spec, run(lambda: format(v, spec))]
    for s in STRINGS:
        for spec in STRING_SPECS:
            yield ["format", token(s), spec, run(lambda: format(s, spec))]
    for v in INTS + FLOATS + random_floats(300) + STRINGS + [True, False, None]:
        yield ["repr", token(v), "", repr(v)]
        yield ["str", token(v), "", str(v)]
    for s in STRINGS:
        yield ["ascii", token(s), "", ascii(s)]
    for us in TIMEDELTAS_US:
        td = timedelta(microseconds=us)
        yield ["timedelta_str", token(us), "", str(td)]
        yield ["timedelta_repr", token(us), "", repr(td)]
    for template, values in KW_TEMPLATES:
        yield ["kwformat", mapping(values), template, run(lambda: template.format(**values))]
    for template, values in DICT_TEMPLATES:
        yield ["dictformat", mapping(values), template, run(lambda: template.format(values))]


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")
    print("# generated by generate.py with CPython " + sys.version.split()[0] + "; do not edit")
    out = csv.writer(sys.stdout, quoting=csv.QUOTE_ALL, lineterminator="\n")
    out.writerows([escaped(field) for field in row] for row in rows())
