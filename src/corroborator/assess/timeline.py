"""The timeline: dated claims ordered by date."""
from __future__ import annotations


def dated(claim) -> list:
    """The time values a claim is placed at on the timeline (days, months, years; not weeks)."""
    return [t.value for t in claim.times if t.value and len(t.value) >= 4 and "W" not in t.value]


def build_timeline(analyses, groups) -> list:
    by_value = {}
    for a in analyses:
        for c in a.claims:
            for v in dated(c):
                by_value.setdefault(v, []).append(c.id)
    return [(v, sorted(set(ids))) for v, ids in sorted(by_value.items())]
