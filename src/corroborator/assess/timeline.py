"""The timeline: dated claims ordered by date."""
from __future__ import annotations


def build_timeline(analyses, groups) -> list:
    by_value = {}
    for a in analyses:
        for c in a.claims:
            for t in c.times:
                if t.value and len(t.value) >= 4 and "W" not in t.value:
                    by_value.setdefault(t.value, []).append(c.id)
    return [(v, sorted(set(ids))) for v, ids in sorted(by_value.items())]
