"""``corroborator export``: the ledger's tables and a facts sheet as Parquet, CSV and xlsx."""
from __future__ import annotations

import json

import pytest

from corroborator.cli import main

TABLES = ("articles", "entities", "quotes", "claims", "stories", "claim_groups", "timeline")


@pytest.fixture(scope="module")
def ledger(example_run):
    data, out = example_run
    return data, out / "ledger.duckdb"


def test_parquet_files_read_back_with_the_ledgers_row_counts(ledger, tmp_path):
    import duckdb
    data, store = ledger
    assert main(["export", "--ledger", str(store), "--format", "parquet", "--out", str(tmp_path)]) == 0
    con = duckdb.connect()
    for table in TABLES:
        n = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path / (table + '.parquet')}')").fetchone()[0]
        assert n == len(data[table]), table
    facts = con.execute(f"SELECT * FROM read_parquet('{tmp_path / 'facts.parquet'}')").fetchdf()
    assert len(facts) == len(data["claim_groups"])
    assert list(facts["claim_group"]) == [g["id"] for g in data["claim_groups"]]
    claims = {c["id"]: c for c in data["claims"]}
    published = {a["id"]: a["published"] for a in data["articles"]}
    for g, (_, row) in zip(data["claim_groups"], facts.iterrows()):
        assert row["status"] == g["status"]
        assert row["fact"] == g.get("fact", claims[g["claims"][0]]["text"])
        assert row["outlets"] == "; ".join(g["outlets"])
        assert row["conflicts"] == "; ".join(c["detail"] for c in g["conflicts"])
        dates = sorted(d for d in (published[claims[c]["article"]] for c in g["claims"]) if d)
        if dates:
            assert str(row["first_published"])[:10] == dates[0] and str(row["last_published"])[:10] == dates[-1]
    # typed columns: integers stay integers; a nested field is its JSON text
    claims_pq = con.execute(f"SELECT start, quantities FROM read_parquet('{tmp_path / 'claims.parquet'}')").fetchall()
    assert isinstance(claims_pq[0][0], int) and isinstance(json.loads(claims_pq[0][1]), list)


def test_csv_is_read_by_pandas(ledger, tmp_path):
    import pandas as pd
    data, store = ledger
    assert main(["export", "--ledger", str(store), "--format", "csv", "--out", str(tmp_path)]) == 0
    articles = pd.read_csv(tmp_path / "articles.csv")
    assert len(articles) == len(data["articles"])
    assert list(articles["text"]) == [a["text"] for a in data["articles"]]      # newlines, quotes, commas
    facts = pd.read_csv(tmp_path / "facts.csv")
    assert len(facts) == len(data["claim_groups"]) and {"fact", "status", "confidence", "outlets", "conflicts",
                                                       "first_published", "last_published"} <= set(facts.columns)
    inputs = pd.read_csv(tmp_path / "inputs.csv")
    assert len(inputs) == len(data["run"]["inputs"])


def test_xlsx_opens_with_a_facts_sheet(ledger, tmp_path):
    import openpyxl
    data, store = ledger
    assert main(["export", "--ledger", str(store), "--format", "xlsx", "--out", str(tmp_path)]) == 0
    wb = openpyxl.load_workbook(tmp_path / "ledger.xlsx", read_only=True)
    assert wb.sheetnames[0] == "facts" and set(TABLES) <= set(wb.sheetnames)
    rows = list(wb["facts"].iter_rows(values_only=True))
    assert rows[0][:4] == ("claim_group", "fact", "status", "confidence")
    assert len(rows) - 1 == len(data["claim_groups"])
    assert len(list(wb["claims"].iter_rows())) - 1 == len(data["claims"])


def test_xlsx_keeps_untrusted_text_as_text(tmp_path):
    """An article whose text starts with '=' is a string in the workbook, not a formula; a long one is cut."""
    import corroborator
    import openpyxl
    from corroborator.store import export as ex
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("=HYPERLINK(\"http://example.invalid\",\"x\") Council approves new harbour wall.\n\n"
                               "The Kestel council approved a new harbour wall on Tuesday, its chair said.\n")
    corroborator.analyze([src], out=tmp_path / "out", progress=False)
    ex.XLSX_CELL_MAX, old = 80, ex.XLSX_CELL_MAX
    try:
        ex.export_store(tmp_path / "out" / "ledger.duckdb", "xlsx", tmp_path / "x")
    finally:
        ex.XLSX_CELL_MAX = old
    wb = openpyxl.load_workbook(tmp_path / "x" / "ledger.xlsx")
    ws = wb["articles"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("text") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.value.endswith(ex.CUT_MARK)


def test_export_errors_are_one_line(tmp_path, capsys):
    assert main(["export", "--ledger", str(tmp_path / "none.duckdb"), "--format", "csv"]) == 1
    assert "no ledger store" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--ledger", "x", "--format", "ods"])
