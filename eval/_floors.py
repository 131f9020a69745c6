"""Deprecated: use eval/_gate.py (``Gate``), which also says SKIPPED, records the data digest and is what
eval/run_all.py reads. Kept so a script not yet moved to the gate still reads the floors files (both forms).
"""
from __future__ import annotations

from _gate import FLOORS_DIR, judge, load_floors


def below_floors(name: str, figures: dict) -> list:
    """The figures missing or under their floor in eval/floors/NAME.json, as lines to print."""
    doc = load_floors(FLOORS_DIR / f"{name}.json")
    if doc is None:
        return [f"no floors file eval/floors/{name}.json"]
    return [line.split(": ", 1)[1] for line in judge(doc["floors"], figures)]


def report(bad: list) -> int:
    """Print the figures below their floors; the exit status for ``--check``."""
    for line in bad:
        print("BELOW FLOOR:", line)
    return 1 if bad else 0
