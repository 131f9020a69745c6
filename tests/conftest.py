"""Shared fixtures: paths, and ledgers of the bundled example and of the seeds (run once per session)."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-fire"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"

# ../shared (the seeds and the public data sets) sits beside a working copy of the project, never inside it; a
# fresh clone has none, and every test that reads it is skipped with this one-line reason.
NO_SHARED = "../shared/seeds not present (a clone without the shared seeds and data sets)"
needs_seeds = pytest.mark.skipif(not (SEEDS / "seeds-gold.json").exists(), reason=NO_SHARED)


def pytest_terminal_summary(terminalreporter):
    """Name the suites that were skipped, one line each with its reason, at the end of every run."""
    suites = {}
    for rep in terminalreporter.stats.get("skipped", []):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reason = reason.removeprefix("Skipped: ")
        suites.setdefault((rep.nodeid.split("::", 1)[0], reason), []).append(rep.nodeid)
    if suites:
        terminalreporter.section("skipped suites")
        for (module, reason), ids in sorted(suites.items()):
            terminalreporter.write_line(f"{module}: {len(ids)} skipped: {reason}")


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
