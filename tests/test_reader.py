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
    assert ledger["disputes"]
    path = write_store(tmp_path / "ledger.duckdb", ledger)
    reader = LedgerReader.open(path)
    for d in ledger["disputes"]:
        story = next(s for s in ledger["stories"]
                     if any(c["id"] in d["claims"] and c["article"] in s["articles"] for c in ledger["claims"]))
        assert d in reader.story_part(story["id"])["disputes"]
    other = [s for s in ledger["stories"]
             if not any(c["article"] in s["articles"] for d in ledger["disputes"] for c in ledger["claims"]
                        if c["id"] in d["claims"])]
    assert other and all(reader.story_part(s["id"])["disputes"] == [] for s in other)
    reader.close()

    # a store of contract v1 has no disputes table: it still opens, with no disputes
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE disputes")
    con.close()
    reader = LedgerReader.open(path)
    story = ledger["stories"][0]
    assert reader.story_part(story["id"]).get("disputes", []) == []
    assert reader.record("claims", ledger["claims"][0]["id"]) == ledger["claims"][0]
