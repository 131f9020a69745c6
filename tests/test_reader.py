"""The store reader of ``corroborator serve``: records by id through its row indexes, and the tables a store
may lack (a store of contract v1 has no disputes; one of v2 has them, and a story's part carries its own)."""
from __future__ import annotations

import json

from test_serve import sample_ledger, write_store


def test_records_by_id_and_by_article_are_the_ledgers(tmp_path):
    from corroborator.store.reader import LedgerReader
    ledger = sample_ledger()
    reader = LedgerReader.open(write_store(tmp_path / "ledger.duckdb", ledger))
    for table in ("articles", "entities", "quotes", "claims", "stories", "claim_groups"):
        for rec in ledger[table]:
            assert reader.record(table, rec["id"]) == rec
        assert reader.record(table, "no-such-id") is None
    for a in ledger["articles"]:
        assert reader._in("claims", "article", [a["id"]]) == [c for c in ledger["claims"] if c["article"] == a["id"]]
    assert reader.groups_of(["no-such-claim"]) == {}


def test_a_store_without_disputes_and_one_with_them(tmp_path):
    import duckdb

    from corroborator.store.reader import LedgerReader
    ledger = sample_ledger()
    path = write_store(tmp_path / "ledger.duckdb", ledger)
    story = ledger["stories"][0]
    part = LedgerReader.open(path).story_part(story["id"])
    assert part.get("disputes", []) == []

    claims = [c["id"] for c in ledger["claims"] if c["article"] in story["articles"]][:2]
    dispute = {"id": "d-1", "claims": claims, "speakers": ["ent-mira", None], "detail": "40 vs 60 workers"}
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE IF NOT EXISTS disputes (id VARCHAR, record JSON)")
    con.execute("INSERT INTO disputes VALUES (?, ?)", ["d-1", json.dumps(dispute)])
    con.close()
    reader = LedgerReader.open(path)
    part = reader.story_part(story["id"])
    assert part["disputes"] == [dispute]
    assert "ent-mira" in {e["id"] for e in part["entities"]}
    other = [s for s in ledger["stories"] if s["id"] != story["id"]][0]
    assert reader.story_part(other["id"])["disputes"] == []
