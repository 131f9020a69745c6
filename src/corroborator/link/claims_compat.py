"""Are two quantities, or two time values, the same fact? Shared by claim alignment and conflict detection.

A quantity is read as an interval: an exact value is ``[v, v]`` (with a small tolerance), an approximate
one ``[0.9 v, 1.1 v]``, a vague or bounded one its ``[low, high]`` (an open side is unbounded), so
"hundreds" (200-999), "several hundred" and "a few hundred" overlap and agree, while "$732 billion" and
"$740 billion" do not. Times agree when one value is a prefix of the other ("2024-03" and "2024-03-05").
"""
from __future__ import annotations

import math
import re

from .. import config

# declared in default_config.toml [link.claims_compat]
_C = config.section("link.claims_compat")
EXACT_TOLERANCE = _C["exact_tolerance"]     # relative: 1,000,000 and 1,004,000 are the same rounded figure
APPROX_TOLERANCE = _C["approx_tolerance"]

_UNIT_ALIASES = {"usd": "$", "dollar": "$", "dollars": "$", "us$": "$", "eur": "€", "euro": "€", "euros": "€",
                 "gbp": "£", "pound": "£", "pounds": "£", "percent": "%", "per cent": "%", "pct": "%",
                 "millimeter": "mm", "millimetre": "mm", "millimeters": "mm", "millimetres": "mm",
                 "kilometer": "km", "kilometre": "km", "kilometers": "km", "kilometres": "km",
                 "mile": "mi", "miles": "mi", "year": "year", "years": "year", "year-old": "year",
                 "years old": "year", "age": "year"}


def unit_key(unit) -> str:
    if not unit:
        return ""
    u = str(unit).strip().lower()
    return _UNIT_ALIASES.get(u, u)


def interval(q) -> tuple:
    """(low, high) of a quantity; ``None`` when it carries no number."""
    lo, hi, v = q.low, q.high, q.value
    if lo is None and hi is None:
        if v is None:
            return None
        tol = APPROX_TOLERANCE if q.approximate else EXACT_TOLERANCE
        d = abs(v) * tol
        return (v - d, v + d)
    if lo is None:
        lo = -math.inf if v is None or q.high is not None else v
    if hi is None:
        hi = math.inf if v is None or q.low is not None else v
    if v is not None and q.approximate and lo == hi == v:
        d = abs(v) * APPROX_TOLERANCE
        lo, hi = v - d, v + d
    return (lo, hi)


def centre(q):
    iv = interval(q)
    if iv is None:
        return None
    lo, hi = iv
    if q.value is not None:
        return q.value
    if math.isinf(lo) and math.isinf(hi):
        return None
    if math.isinf(lo):
        return hi
    if math.isinf(hi):
        return lo
    return (lo + hi) / 2


def quantities_agree(a, b) -> bool:
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        return True
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def ratio(a, b) -> float:
    """How far apart two quantities are (>= 1; inf when not comparable)."""
    ca, cb = centre(a), centre(b)
    if ca is None or cb is None or ca == 0 or cb == 0 or (ca > 0) != (cb > 0):
        return math.inf
    ca, cb = abs(ca), abs(cb)
    return max(ca, cb) / min(ca, cb)


def comparable_quantities(claim) -> list:
    """The claim's quantities that carry a number and are not part of one of its dates."""
    out = []
    for q in claim.quantities:
        if interval(q) is None:
            continue
        if any(t.start <= q.start and q.end <= t.end for t in claim.times):
            continue
        out.append(q)
    return out


def quantity_mismatches(ca, cb) -> tuple:
    """(matched, mismatched pairs) between two claims' quantities of the same unit.

    ``mismatched`` lists ``(qa, qb, k)``: for each unit where both sides have numbers without an agreeing
    counterpart on the other side, the closest such pair and ``k`` the number of such numbers (the
    smaller side's count: two differing tallies are two different votes, not one misreported figure).
    """
    qa, qb = comparable_quantities(ca), comparable_quantities(cb)
    matched, mismatched = 0, []
    units = {unit_key(q.unit) for q in qa} & {unit_key(q.unit) for q in qb}
    for u in sorted(units):
        xa = [q for q in qa if unit_key(q.unit) == u]
        xb = [q for q in qb if unit_key(q.unit) == u]
        ua = [x for x in xa if not any(quantities_agree(x, y) for y in xb)]
        ub = [y for y in xb if not any(quantities_agree(x, y) for x in xa)]
        matched += len(xa) - len(ua)
        if ua and ub:
            pair = min(((x, y) for x in ua for y in ub), key=lambda p: (ratio(*p), p[0].start, p[1].start))
            mismatched.append((pair[0], pair[1], min(len(ua), len(ub))))
    return matched, mismatched


_TIME_OK = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def times_agree(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def time_values(claim) -> list:
    return sorted({t.value for t in claim.times if t.value and _TIME_OK.match(t.value)})


def time_mismatch(ca, cb):
    """The closest pair of disagreeing time values when no value of one claim agrees with one of the other."""
    ta, tb = time_values(ca), time_values(cb)
    if not ta or not tb:
        return None, False
    if any(times_agree(x, y) for x in ta for y in tb):
        return None, True
    # same granularity first: "2024-03-05" vs "2024-03-06" is the clearest disagreement
    pairs = sorted(((x, y) for x in ta for y in tb), key=lambda p: (len(p[0]) != len(p[1]), p))
    return pairs[0], False
