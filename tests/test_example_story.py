"""The bundled example story: what a reader of the demo must see."""
from __future__ import annotations

import pathlib


def _by_outlet(data):
    return {a["outlet"]: a for a in data["articles"]}


def test_all_four_outlets_are_one_story(example_run):
    data, _ = example_run
    outlets = _by_outlet(data)
    assert set(outlets) == {"The Coastal Ledger", "Vellan Daily Post", "Northline Wire", "Meridian Radio News"}
    assert len(data["stories"]) == 1 and len(data["stories"][0]["articles"]) == 4


def test_the_copied_article_is_derived_from_the_original(example_run):
    data, _ = example_run
    outlets = _by_outlet(data)
    derived = outlets["Northline Wire"]["derived_from"]
    assert [d["article"] for d in derived] == [outlets["The Coastal Ledger"]["id"]]
    assert derived[0]["share"] > 0.3
    assert not outlets["Meridian Radio News"]["derived_from"]


def test_the_injury_count_conflict_is_detected(example_run):
    data, _ = example_run
    claims = {c["id"]: c for c in data["claims"]}
    hits = [g for g in data["claim_groups"] if g["status"] == "conflicting"
            and any("19" in claims[c]["text"] or "Nineteen" in claims[c]["text"] for c in g["claims"])
            and any("14" in claims[c]["text"] for c in g["claims"])]
    assert hits, "the 14 vs 19 injured conflict was not found"
    kinds = {c["kind"] for g in hits for c in g["conflicts"]}
    assert "quantity" in kinds


def test_the_copy_does_not_count_as_independent(example_run):
    data, _ = example_run
    claims = {c["id"]: c for c in data["claims"]}
    outlet_of = {a["id"]: a["outlet"] for a in data["articles"]}
    for g in data["claim_groups"]:
        outs = {outlet_of[claims[c]["article"]] for c in g["claims"]}
        if outs == {"The Coastal Ledger", "Northline Wire"}:
            assert g["independent_outlets"] == 1 and g["status"] != "corroborated"


def test_captions_and_boilerplate_are_kept_apart(example_run):
    data, _ = example_run
    post = _by_outlet(data)["Vellan Daily Post"]
    assert "Subscribe for $1" not in post["text"] and "Read Next" not in post["text"]
    assert "is committed to independent local journalism" not in post["text"]
    assert any("Firefighters battle the blaze" in c["text"] for c in post["captions"])
    assert "sprinklers." in post["text"]


def test_report_is_self_contained_and_escapes_article_text(tmp_path):
    import corroborator
    src = tmp_path / "in"
    src.mkdir()
    (src / "hostile.txt").write_text(
        "Pier collapse in Hollowmere injures three\n\n"
        "Three people were hurt when part of the Hollowmere pier collapsed on Sunday, the coastguard said. "
        "<script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
        "The coastguard said the pier had been closed since 2024 after a storm damaged its supports.\n")
    corroborator.analyze([src], out=tmp_path / "out", progress=False)
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Hollowmere" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    # self-contained: nothing is loaded from the network
    assert "src=\"http" not in html and "<link" not in html and "@import" not in html
