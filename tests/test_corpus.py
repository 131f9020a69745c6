"""Linking a whole store story by story (``corpus.link_store``): the same ledger as linking every analysis in
memory, however the stories are cut into chunks; entities merged across stories; a ledger read lazily."""
from __future__ import annotations

import json
import pathlib

import pytest

import corroborator
from corroborator import corpus
from corroborator.ledger import build_ledger
from corroborator.link.entities import CrossStoryMerge
from corroborator.pipeline import link_and_assess
from corroborator.store import Store

from conftest import validated

ROOT = pathlib.Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "examples" / "harbour-fire", ROOT / "tests" / "fixtures" / "engine",
          ROOT / "tests" / "fixtures" / "story" / "articles.jsonl"]


@pytest.fixture(scope="module")
def chunked_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "out"
    mp = pytest.MonkeyPatch()
    mp.setattr(corpus, "CHUNK_ARTICLES", 3)      # many chunks: stories and text reuse across chunks
    try:
        led = corroborator.analyze(INPUTS, out=out, workers=1, progress=False, write_report=False)
    finally:
        mp.undo()
    return out, led


def test_story_by_story_ledger_equals_the_in_memory_one(chunked_run):
    out, led = chunked_run
    data = validated(json.loads((out / "ledger.json").read_text(encoding="utf-8")))
    assert len(data["stories"]) >= 3 and len(data["articles"]) >= 8
    assert any(a["derived_from"] for a in data["articles"])      # the example's copied article
    with Store(out / "ledger.duckdb", read_only=True) as st:
        analyses = [an for _, an in st.analyses()]
    ref = build_ledger(data["run"], analyses, *link_and_assess(analyses))
    for table in ("articles", "entities", "quotes", "claims", "stories", "claim_groups", "timeline"):
        assert data[table] == ref[table], table
    assert led.claims == data["claims"]


def test_the_staging_is_removed_after_a_run(chunked_run):
    out, _ = chunked_run
    with Store(out / "ledger.duckdb", read_only=True) as st:
        tables = {r[0] for r in st.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert not [t for t in tables if t.startswith("stage_") or t.endswith("__new")]
    assert not list(out.glob("corroborator-*"))          # no scratch file left beside the store


def test_rowid_windows_yield_every_analysis_once(chunked_run):
    out, _ = chunked_run
    with Store(out / "ledger.duckdb", read_only=True) as st:
        keys = [k for k, _ in st.analyses()]
        seen = [k for k, _, _ in st.scan_analyses(window=2)]
        some = [k for k, _, _ in st.scan_analyses(keys[::2], window=3)]
    assert sorted(seen) == sorted(keys) and len(seen) == len(set(seen))
    assert sorted(some) == sorted(keys[::2])


def test_a_lazy_ledger_reads_each_table_when_used(chunked_run, tmp_path):
    out, _ = chunked_run
    led = corroborator.ledger.Ledger.lazy(out / "ledger.duckdb")
    assert led._data is None
    stories = led.stories
    assert led._data is None and "stories" in led._parts      # one table read, not the whole ledger
    data = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    assert stories == data["stories"] and led.run == data["run"]
    assert led.data["claims"] == data["claims"]


def test_same_name_joins_across_stories_unless_refused():
    m = CrossStoryMerge()
    # "Dana Reyes" in stories s1, s2 and s3: one entity; s3 also holds a refused fuller name
    m.add_group([(0, "s1", True, {("dana", "reyes")}), (1, "s2", True, {("dana", "reyes")})])
    m.add_group([(2, "s2", False, {("reyes", "group")}), (3, "s3", True, {("reyes", "group")})])
    # part 4 is another "Dana Reyes" that story s1 kept apart from part 0: it stays apart; s3's joins
    m.add_group([(0, "s1", True, {("dana", "reyes")}), (4, "s1", True, {("dana", "reyes")}),
                 (5, "s3", True, {("dana", "reyes")})])
    roots = m.roots()
    assert roots[1] == roots[0] == roots[5] == 0
    assert 2 not in roots and 3 not in roots                  # a person never joins a non-person
    assert 4 not in roots


def test_the_published_ledger_is_checkpointed_when_linking_returns(tmp_path):
    # rows left in DuckDB's write-ahead log are written out by the next checkpoint all at once, in whichever
    # reader comes next (hundreds of MB for a large corpus): linking writes them out itself, under its cap
    out = tmp_path / "out"
    corroborator.analyze([ROOT / "examples" / "harbour-fire"], out=out, workers=1, progress=False,
                         write_report=False)
    with Store(out / "ledger.duckdb") as st:
        keys = [k for k, _ in st.article_keys([r["doc_key"] for r in st.inputs() if r["doc_key"]])]
        st.con.execute("SET wal_autocheckpoint = '1GB'")     # as if the ledger were too large for the log
        counts = corpus.link_store(st, keys, {"version": "test"})
        wal = out / "ledger.duckdb.wal"
        assert counts["articles"] == len(keys)
        assert not wal.exists() or wal.stat().st_size < 1024


def test_a_large_ledger_is_reported_in_part_by_its_largest_stories(chunked_run):
    import re

    from corroborator.report import render_store_report
    out, _ = chunked_run
    data = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    by_size = sorted(data["stories"], key=lambda s: (-len(s["articles"]), s["title"], s["id"]))
    budget = len(by_size[0]["articles"]) + len(by_size[1]["articles"])
    with Store(out / "ledger.duckdb", read_only=True) as st:
        part = render_store_report(st, max_articles=budget)
        whole = render_store_report(st, max_articles=len(data["articles"]))
    ids = set(re.findall(r'id="([^"]+)"', part))
    stories = {i[len("story-"):] for i in ids if i.startswith("story-")}
    articles = {i[len("article-"):] for i in ids if i.startswith("article-")}
    expected = {s["id"] for s in by_size[:2]}
    assert stories == expected                         # the two largest stories, within the budget
    assert articles == {a for s in by_size[:2] for a in s["articles"]}
    assert 'id="partial"' in part and f"of {len(data['articles'])} articles" in part
    assert {r[1:] for r in re.findall(r'href="(#[^"]+)"', part)} <= ids      # no link to what was left out
    assert 'id="partial"' not in whole
    assert {i for i in re.findall(r'id="(article-[^"]+)"', whole)} == {"article-" + a["id"] for a in data["articles"]}


def test_a_statement_that_needs_more_memory_than_the_cap_runs_again_not_the_whole_linking(tmp_path, monkeypatch,
                                                                                       caplog):
    import logging
    example = [ROOT / "examples" / "harbour-fire"]
    ref = corroborator.analyze(example, out=tmp_path / "ref", workers=1, progress=False, write_report=False)
    monkeypatch.setattr(corpus, "DUCKDB_MEMORY_MB", 4)       # too little for some of DuckDB's joins
    monkeypatch.setattr(corpus, "SCAN_MEMORY_MB", 4)
    counts = {}
    real = corpus._link_store

    def spy(*args, **kwargs):
        counts.update(real(*args, **kwargs))
        return counts
    monkeypatch.setattr(corpus, "_link_store", spy)
    with caplog.at_level(logging.INFO, logger="corroborator"):
        got = corroborator.analyze(example, out=tmp_path / "small", workers=1, progress=False, write_report=False)
    assert "running it again under" in caplog.text and "linking again" not in caplog.text
    assert counts["memory_retries"] >= 1 and counts["restarts"] == 0
    for table in ("articles", "entities", "claims", "stories", "claim_groups"):
        assert getattr(got, table) == getattr(ref, table), table


def test_linking_starts_again_with_more_memory_when_a_statement_cannot_be_run_again(tmp_path, monkeypatch, caplog):
    import logging

    from corroborator.store import duckdb_store
    example = [ROOT / "examples" / "harbour-fire"]
    ref = corroborator.analyze(example, out=tmp_path / "ref", workers=1, progress=False, write_report=False)
    monkeypatch.setattr(corpus, "DUCKDB_MEMORY_MB", 1)
    monkeypatch.setattr(corpus, "SCAN_MEMORY_MB", 1)
    monkeypatch.setattr(duckdb_store, "RETRY_MAX_MB", 1)     # no statement is run again: the last resort
    with caplog.at_level(logging.INFO, logger="corroborator"):
        got = corroborator.analyze(example, out=tmp_path / "small", workers=1, progress=False, write_report=False)
    assert "linking again with" in caplog.text
    for table in ("articles", "entities", "claims", "stories", "claim_groups"):
        assert getattr(got, table) == getattr(ref, table), table


def test_ledger_json_is_written_again_with_more_memory_when_duckdb_needs_it(example_run, tmp_path, monkeypatch,
                                                                            caplog):
    import logging

    from corroborator import ledger
    _, out = example_run
    expected = (out / "ledger.json").read_text(encoding="utf-8")
    monkeypatch.setattr(ledger, "READ_MEMORY_MB", 1)         # too little for DuckDB to read a window
    with Store(out / "ledger.duckdb", read_only=True) as st, \
            caplog.at_level(logging.INFO, logger="corroborator"):
        ledger.write_ledger_json(st, tmp_path / "ledger.json")
    assert "writing again with" in caplog.text
    assert (tmp_path / "ledger.json").read_text(encoding="utf-8") == expected
    assert not (tmp_path / "ledger.json.part").exists()


def test_records_are_read_in_the_ledgers_order_whatever_the_window(example_run):
    data, out = example_run
    with Store(out / "ledger.duckdb", read_only=True) as st:
        for table in ("articles", "claims"):
            got = [json.loads(r)["id"] for r in st.iter_records(table, size=1, window_bytes=1)]
            assert got == [r["id"] for r in data[table]]
            got = [json.loads(r)["id"] for r in st.iter_records(table, size=3, window_bytes=10_000)]
            assert got == [r["id"] for r in data[table]]


@pytest.mark.parametrize("missing", [0, -1])
def test_an_article_without_a_doc_vector_puts_every_article_on_the_words_path(chunked_run, tmp_path, missing):
    # the first or the last article scanned lacks its doc vector: the store's stories are the in-memory ones
    from corroborator.link import cluster_stories
    out, _ = chunked_run
    with Store(out / "ledger.duckdb", read_only=True) as st:
        stored = list(st.analyses())
    stored[missing][1].doc_vector = None
    st = Store(tmp_path / "ledger.duckdb")
    st.put_results(stored, [])
    corpus.link_store(st, [k for k, _ in stored], {"version": "test", "started": None, "finished": None,
                                                   "inputs": []})
    got = sorted(s["articles"] for s in st.read_table("stories"))
    st.close()
    want = sorted(s.articles for s in cluster_stories([an for _, an in stored]))
    assert got == want and len(want) >= 3
