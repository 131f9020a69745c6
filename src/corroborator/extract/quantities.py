"""First version: digits with optional thousands separators."""
from __future__ import annotations

import re

from ..records import Quantity

NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def find_quantities(text, start=0, end=None) -> list:
    end = len(text) if end is None else end
    out = []
    for m in NUM_RE.finditer(text, start, end):
        v = float(m.group(0).replace(",", ""))
        out.append(Quantity(m.start(), m.end(), m.group(0), value=v))
    return out
