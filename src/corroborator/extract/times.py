"""First version: ISO-like and 'Month D, YYYY' dates only."""
from __future__ import annotations

import re

from ..records import TimeExpr

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
DATE_RE = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTHS) + r") (\d{1,2}), (\d{4})\b")


def find_times(text, start=0, end=None, published=None, not_before=None) -> list:
    end = len(text) if end is None else end
    out = []
    for m in DATE_RE.finditer(text, start, end):
        mon = MONTHS.index(m.group(1).lower()) + 1
        out.append(TimeExpr(m.start(), m.end(), m.group(0), f"{m.group(3)}-{mon:02d}-{int(m.group(2)):02d}"))
    return out
