"""The DuckDB store: ledger round trip, read-only opening, clear errors."""
from __future__ import annotations

import pytest

from corroborator.errors import LedgerError
from corroborator.store import Store


def test_ledger_round_trips_through_the_store(example_run):
    data, out = example_run
    with Store(out / "ledger.duckdb", read_only=True) as store:
        back = store.read_ledger()
    assert back == data


def test_opening_a_missing_or_foreign_store_is_a_ledger_error(tmp_path):
    with pytest.raises(LedgerError):
        Store(tmp_path / "missing.duckdb", read_only=True)
    import duckdb
    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(LedgerError):
        Store(tmp_path / "other.duckdb", read_only=True)


def test_analyses_round_trip(example_run):
    data, out = example_run
    with Store(out / "ledger.duckdb", read_only=True) as store:
        analyses = [an for _, an in store.analyses()]
    assert {an.article.id for an in analyses} >= {a["id"] for a in data["articles"]}
    for an in analyses:
        assert len(an.claim_vectors) == len(an.claims)
        assert an.doc_vector is not None and len(an.doc_vector) == 384
