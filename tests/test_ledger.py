"""The ledger format of the contract: schema, offsets, source maps, ids, the Python API."""
from __future__ import annotations

import json

import pytest

import corroborator
from corroborator.ledger import TABLES, Ledger, schema, validate
from conftest import EXAMPLE


def test_schema_ships_in_the_package_and_rejects_bad_ledgers(example_run):
    data, _ = example_run
    assert schema()["$id"] == "corroborator.ledger/2"
    broken = json.loads(json.dumps(data))
    broken["claim_groups"][0]["status"] = "probably_true"
    with pytest.raises(Exception):
        validate(broken)


def test_offsets_and_source_maps_point_back_to_the_input(example_run):
    data, _ = example_run
    for a in data["articles"]:
        text = a["text"]
        assert a["source_map"], a["path"]
        for s, e, src in a["source_map"]:
            assert 0 <= s <= e <= len(text)
        for h in a["headings"]:
            assert 0 <= h["start"] < h["end"] <= len(text)
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for c in data["claims"]:
        assert texts[c["article"]][c["start"]:c["end"]] == c["text"]
        for q in c["quantities"] + c["times"]:
            assert c["start"] <= q["start"] < q["end"] <= c["end"]
    for q in data["quotes"]:
        assert 0 <= q["start"] < q["end"] <= len(texts[q["article"]])
    for e in data["entities"]:
        for m in e["mentions"]:
            assert 0 <= m["start"] < m["end"] <= len(texts[m["article"]])


def test_txt_source_map_reproduces_the_file(example_run):
    data, _ = example_run
    a = next(a for a in data["articles"] if a["path"].endswith(".txt"))
    source = open(a["path"], encoding="utf-8").read()
    for s, e, src in a["source_map"]:
        assert a["text"][s:e] == source[src:src + e - s]


def test_references_resolve(example_run):
    data, _ = example_run
    art = {a["id"] for a in data["articles"]}
    claims = {c["id"] for c in data["claims"]}
    ents = {e["id"] for e in data["entities"]}
    quotes = {q["id"] for q in data["quotes"]}
    for g in data["claim_groups"]:
        assert set(g["claims"]) <= claims
    assert sorted(c for g in data["claim_groups"] for c in g["claims"]) == sorted(claims)
    for c in data["claims"]:
        assert c["article"] in art and set(c["entities"]) <= ents
        assert c["attribution"]["quote"] in quotes | {None}
    for s in data["stories"]:
        assert set(s["articles"]) <= art


def test_rerun_gives_the_same_ledger(tmp_path):
    a = corroborator.analyze([EXAMPLE], out=tmp_path / "a", progress=False).data
    b = corroborator.analyze([EXAMPLE], out=tmp_path / "b", progress=False).data
    for d in (a, b):
        d.pop("run")
    assert a == b


def test_python_api_tables(example_run):
    data, _ = example_run
    ledger = Ledger(data)
    df = ledger.table("claims")
    assert len(df) == len(data["claims"]) and "text" in df.columns
    assert ledger.to_arrow("articles").num_rows == len(data["articles"])
    assert json.loads(ledger.to_json())["schema"] == "corroborator.ledger/2"
    with pytest.raises(KeyError):
        ledger.table("nonsense")


def test_to_json_writes_a_file_whole(example_run, tmp_path):
    data, _ = example_run
    ledger = Ledger(data)
    out = ledger.to_json(tmp_path / "ledger.json")
    assert out == tmp_path / "ledger.json"
    assert out.read_text(encoding="utf-8") == ledger.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.json"]      # no partial file left behind


def test_ledger_json_puts_each_record_on_a_line_of_its_own(example_run):
    data, _ = example_run
    text = Ledger(data).to_json()
    assert json.loads(text) == data
    records = [json.loads(line.strip().rstrip(",")) for line in text.splitlines() if line.startswith("  {")]
    assert len(records) == sum(len(data[t]) for t in TABLES)
    assert json.loads(Ledger(data).to_json(indent=2)) == data
