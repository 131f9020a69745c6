"""The founding example (../shared/seeds): the acceptance checks of the end-to-end product.

The seeds are read at test time (never copied); the whole module is skipped when they are absent.
"""
from __future__ import annotations

import json
import sys

import pytest

from conftest import ROOT, SEEDS, needs_seeds

pytestmark = needs_seeds

sys.path.insert(0, str(ROOT / "eval"))
from seeds_eval import SeedScorer  # noqa: E402


@pytest.fixture(scope="module")
def scorer(seeds_run):
    data, _ = seeds_run
    gold = json.loads((SEEDS / "seeds-gold.json").read_text(encoding="utf-8"))
    return SeedScorer(data, gold)


def _failed(items):
    return [(name, detail) for name, ok, detail in items if not ok]


def test_the_two_seeds_form_one_story(scorer):
    assert not _failed(scorer.stories())


def test_caesar_is_one_person_across_both_articles(scorer):
    caesar = [r for r in scorer.entities() if "Caesar" in r[0] and not r[0].startswith("distinct")
              and not r[0].startswith("stretch")]
    assert caesar and not _failed(caesar)


def test_no_look_alike_pair_shares_a_group(scorer):
    """Precision first: two claims that share names or a topic but state different facts are never one group."""
    pairs = scorer.lookalikes()
    assert pairs and not _failed(pairs)


@pytest.mark.xfail(strict=False, reason="precision first (issue 20): the seeds' same-fact pairs score 0.00-0.37 "
                                        "with the fitted same-fact model, no higher than their look-alikes (up to "
                                        "0.33), so none reaches the link threshold; they are listed as related")
def test_every_corroborated_gold_group_is_found_with_two_outlets(scorer):
    corroborated = [g for g in scorer.claim_groups() if "(corroborated)" in g[0]]
    assert corroborated and not _failed(corroborated)


def test_the_seed_input_folder_exits_cleanly(tmp_path):
    """The gold .json beside the seeds is not article records: skipped with a reason, never a failure."""
    import corroborator
    ledger = corroborator.analyze([SEEDS], out=tmp_path, progress=False)
    status = {i["path"].rsplit("/", 1)[-1]: i for i in ledger.run["inputs"]}
    assert status["seeds-gold.json"]["status"] == "skipped" and status["seeds-gold.json"]["reason"]
    assert len(ledger.articles) == 2
