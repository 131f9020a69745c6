"""Shared fixtures: paths, and ledgers of the bundled example and of the seeds (run once per session)."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-fire"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def validated(data: dict) -> dict:
    """Every ledger a test makes is validated against the JSON Schema shipped in the package."""
    from corroborator.ledger import validate
    validate(data)
    return data


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    """The bundled example analysed once: (ledger dict, output folder)."""
    import corroborator
    out = tmp_path_factory.mktemp("example-out")
    ledger = corroborator.analyze([EXAMPLE], out=out, progress=False)
    return validated(ledger.data), out


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory):
    """The two seed articles analysed once (skipped when ../shared/seeds is absent)."""
    if not (SEEDS / "seeds-gold.json").exists():
        pytest.skip("../shared/seeds not present")
    import corroborator
    out = tmp_path_factory.mktemp("seeds-out")
    ledger = corroborator.analyze(sorted(SEEDS.glob("*.txt")), out=out, progress=False)
    return validated(ledger.data), out


@pytest.fixture(scope="session")
def seeds():
    """(gold, {file name: ArticleAnalysis}) of the seed articles, per article (no linking); skips without them."""
    import json

    gold_p = SEEDS / "seeds-gold.json"
    if not gold_p.exists():
        pytest.skip("seeds not available")
    from corroborator.annotate import annotate
    from corroborator.clean import clean_document
    from corroborator.extract import extract_article
    from corroborator.ingest import read_input
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for doc in read_input(path):
            art = clean_document(doc)
            out[path.name] = extract_article(art, annotate(art.text))
    return json.loads(gold_p.read_text(encoding="utf-8")), out
