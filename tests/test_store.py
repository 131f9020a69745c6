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


def _as_schema_1(path) -> None:
    """Turn the store at ``path`` back into schema 1: analyses in a table with DuckDB's own compression."""
    import duckdb
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE old_analyses (doc_key VARCHAR PRIMARY KEY, article_id VARCHAR, path VARCHAR, "
                "payload BLOB, vectors BLOB)")
    con.execute("INSERT INTO old_analyses SELECT * FROM analyses ORDER BY rowid")
    con.execute("DROP TABLE analyses")
    con.execute("ALTER TABLE old_analyses RENAME TO analyses")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def test_a_schema_1_store_is_read_as_it_is_and_upgraded_when_written(example_run, tmp_path):
    import shutil
    data, out = example_run
    path = tmp_path / "ledger.duckdb"
    shutil.copy(out / "ledger.duckdb", path)
    with Store(path, read_only=True) as store:
        before = {k: an for k, an in store.analyses()}
    _as_schema_1(path)
    with Store(path, read_only=True) as store:         # a reader (serve) opens an old store unchanged
        assert store.read_ledger() == data
    with Store(path) as store:                          # a writer converts it, losing nothing
        assert store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
        after = {k: an for k, an in store.analyses()}
        kinds = dict(store.con.execute("SELECT DISTINCT column_name, compression FROM pragma_storage_info('analyses') "
                                       "WHERE segment_type = 'BLOB'").fetchall())
        assert store.read_ledger() == data
    assert after.keys() == before.keys()
    for k, an in before.items():
        assert after[k].article == an.article and after[k].claims == an.claims
    # analyses are read row by row: DuckDB's compression would decompress 2,048 of them to read one
    assert kinds == {"payload": "Uncompressed", "vectors": "Uncompressed"}


def test_a_store_of_an_unknown_schema_is_refused_not_rewritten(example_run, tmp_path):
    import shutil

    import duckdb
    _, out = example_run
    path = tmp_path / "ledger.duckdb"
    shutil.copy(out / "ledger.duckdb", path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    for read_only in (True, False):
        with pytest.raises(LedgerError, match="schema 99"):
            Store(path, read_only=read_only)


def test_a_statement_short_of_memory_runs_again_under_a_raised_cap_then_the_cap_is_restored(tmp_path):
    import duckdb
    with Store(tmp_path / "s.duckdb") as st:
        st.con.execute("CREATE TABLE t AS SELECT (i % 5000)::VARCHAR AS k, i FROM range(200000) r(i)")
        sql = "SELECT count(*) FROM t WHERE k IN (SELECT k FROM t GROUP BY k HAVING count(*) > 1)"
        setting = "SELECT current_setting('memory_limit')"
        with st.memory_cap(1):
            cap = st.con.execute(setting).fetchone()[0]
            with pytest.raises(duckdb.OutOfMemoryException):
                st.con.execute(sql)               # a hash join needs more than 1 MB whatever its input
            assert st.run(sql).fetchone()[0] == 200000
            assert st.memory_retries >= 1
            assert st.con.execute(setting).fetchone()[0] == cap
