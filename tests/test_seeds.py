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


# Gold groups reached so far; raise when alignment improves (never lower without a written reason).
CORROBORATED_GROUPS_FLOOR = 3


def test_corroborated_gold_groups_reach_their_floor_with_two_outlets(scorer):
    corroborated = [g for g in scorer.claim_groups() if "(corroborated)" in g[0]]
    passed = [name for name, ok, _ in corroborated if ok]
    assert len(passed) >= CORROBORATED_GROUPS_FLOOR, _failed(corroborated)


@pytest.mark.xfail(strict=False, reason="paraphrases with no shared words or figures (the vetting pair, the "
                                        "identities pair) are beyond embedding + structure alignment so far")
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
