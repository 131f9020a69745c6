"""Incremental runs: analyse into an existing DIR, reuse what is stored, and end with the fresh-run ledger."""
import json
import pathlib
import shutil
import time

import pytest

import corroborator.pipeline as pipeline
from corroborator import analyze

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "engine"
FIRST = ("harbor_gazette", "coastal_wire", "metro_ledger")
LATER = ("valley_courier",)


def _copy(names, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        for suffix in (".txt", ".meta.json"):
            shutil.copy(FIXTURES / (n + suffix), dest / (n + suffix))


def _ledger(out):
    data = json.loads((pathlib.Path(out) / "ledger.json").read_text(encoding="utf-8"))
    data["run"].pop("started")
    data["run"].pop("finished")
    return data


@pytest.fixture
def counted(monkeypatch):
    """Record the path of every document that goes through the per-article stages."""
    seen = []
    original = pipeline.analyse_batch      # the first phase of process_batch: every analysed doc passes here

    def counting(docs, **kw):
        docs = list(docs)
        seen.extend(d.path for d in docs)
        return original(docs, **kw)

    monkeypatch.setattr(pipeline, "analyse_batch", counting)
    return seen


def test_adding_articles_reuses_stored_analyses(tmp_path, counted):
    inputs = tmp_path / "in"
    _copy(FIRST, inputs)
    out = tmp_path / "out"
    t0 = time.perf_counter()
    analyze([inputs], out=out, write_report=False)
    first_s = time.perf_counter() - t0
    assert len(counted) == 3

    # the same inputs again: nothing is analysed, and the ledger does not change
    counted.clear()
    before = _ledger(out)
    t0 = time.perf_counter()
    analyze([inputs], out=out, write_report=False)
    rerun_s = time.perf_counter() - t0
    assert counted == []
    assert _ledger(out) == before
    assert rerun_s < first_s

    # one new article: only it is analysed, and it joins the existing story and claim groups
    counted.clear()
    _copy(LATER, inputs)
    analyze([inputs], out=out, write_report=False)
    assert [pathlib.Path(p).name for p in counted] == ["valley_courier.txt"]
    updated = _ledger(out)
    assert len(updated["articles"]) == 4
    new_id = next(a["id"] for a in updated["articles"] if a["path"].endswith("valley_courier.txt"))
    assert any(new_id in s["articles"] for s in updated["stories"])

    # ... and the result is exactly what a fresh run over all four inputs gives
    analyze([inputs], out=tmp_path / "fresh", write_report=False)
    assert updated == _ledger(tmp_path / "fresh")


def test_changed_article_is_reanalysed(tmp_path, counted):
    inputs = tmp_path / "in"
    _copy(FIRST, inputs)
    out = tmp_path / "out"
    analyze([inputs], out=out, write_report=False)
    counted.clear()
    p = inputs / "metro_ledger.txt"
    p.write_text(p.read_text(encoding="utf-8") + "\nThe vote was postponed once in January.\n", encoding="utf-8")
    analyze([inputs], out=out, write_report=False)
    assert [pathlib.Path(x).name for x in counted] == ["metro_ledger.txt"]
    texts = [a["text"] for a in _ledger(out)["articles"]]
    assert any("postponed once in January" in t for t in texts)


def test_a_new_analyser_version_analyses_every_input_again(tmp_path, counted, monkeypatch):
    inputs = tmp_path / "in"
    _copy(FIRST, inputs)
    out = tmp_path / "out"
    analyze([inputs], out=out, write_report=False)
    assert len(counted) == 3
    counted.clear()
    # stored analyses were made by other extractors: none of them may be reused
    monkeypatch.setattr(pipeline, "__version__", "0.0.0-other")
    ledger = analyze([inputs], out=out, write_report=False)
    assert sorted(counted) == sorted(str(inputs / (n + ".txt")) for n in FIRST)
    assert len(ledger.articles) == 3
