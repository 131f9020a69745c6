"""How eval/fit_samefact.py picks a link threshold from out-of-fold scores (invented scores: no ../shared)."""
from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "eval"))

from fit_samefact import choose_threshold  # noqa: E402


def _pairs(spec):
    """``spec``: (score, right pairs, wrong pairs) -> arrays of scores and labels."""
    P, y = [], []
    for score, right, wrong in spec:
        P += [score] * (right + wrong)
        y += [1.0] * right + [0.0] * wrong
    return np.array(P), np.array(y)


def test_threshold_stops_where_precision_first_falls_short():
    # from the top down: 0.95 (all right), 0.85 (pairs at or above: 18 of 20), 0.75 (18 of 30, too low),
    # 0.55 (a lucky band of right pairs lifts the precision at or above it back to 0.9)
    P, y = _pairs([(0.95, 10, 0), (0.85, 8, 2), (0.75, 0, 10), (0.55, 87, 1)])
    thr = choose_threshold(P, y, 0.85)
    # the lowest threshold that keeps the 0.75 pairs out (no pair scores between 0.75 and 0.85); never 0.55,
    # below the failing 0.75
    assert 0.75 < thr <= 0.85


def test_threshold_ignores_too_few_pairs_at_the_top():
    # one wrong pair at the very top is too few pairs to end the scan
    P, y = _pairs([(0.99, 0, 1), (0.9, 30, 1), (0.6, 5, 20)])
    assert 0.6 < choose_threshold(P, y, 0.85) <= 0.9


def test_threshold_stays_high_when_nothing_is_precise_enough():
    P, y = _pairs([(0.9, 5, 10), (0.5, 10, 40)])
    assert 0.6 < choose_threshold(P, y, 0.85) <= 0.99
