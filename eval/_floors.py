"""Floors shared by the evaluations: each eval's pinned minimums live in eval/floors/NAME.json.

A floor is raised when a figure improves and lowered only with a written reason in the commit.
"""
from __future__ import annotations

import json
import pathlib

FLOORS_DIR = pathlib.Path(__file__).resolve().parent / "floors"


def below_floors(name: str, figures: dict) -> list:
    """The figures under their floor, as lines to print; a numeric floor whose figure is missing counts too."""
    floors = json.loads((FLOORS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    bad = []
    for key, floor in floors.items():
        if isinstance(floor, bool) or not isinstance(floor, (int, float)):
            continue
        if key not in figures:
            bad.append(f"{key}: no figure measured (floor {floor})")
        elif figures[key] < floor:
            bad.append(f"{key} = {figures[key]:.4f} < floor {floor}")
    return bad


def report(bad: list) -> int:
    """Print the figures below their floors; the exit status for ``--check``."""
    for line in bad:
        print("BELOW FLOOR:", line)
    return 1 if bad else 0
