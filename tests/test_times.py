"""find_times: dates normalised against the publication date, the not-before year, or left None."""
import json
from pathlib import Path

import pytest

from corroborator.extract.times import find_times

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PUB = "2023-03-15"          # a Wednesday


def values(text, **kw):
    return [(t.text, t.value) for t in find_times(text, **kw)]


@pytest.mark.parametrize("text, expected", [
    ("The talks ended on March 3, 2021.", [("March 3, 2021", "2021-03-03")]),
    ("It began 7 November 2019 in Tallinn.", [("7 November 2019", "2019-11-07")]),
    ("Filed 2020-02-29 and 02/03/2021.", [("2020-02-29", "2020-02-29"), ("02/03/2021", "2021-02-03")]),
    ("In January, the mayor resigned.", [("January", "2023-01")]),
    ("The ferry sank in November.", [("November", "2022-11")]),
    ("The port reopened on Monday.", [("Monday", "2023-03-13")]),
    ("Voting resumed yesterday.", [("yesterday", "2023-03-14")]),
    ("Shelling intensified last week.", [("last week", "2023-W10")]),
    ("This month, prices rose.", [("This month", "2023-03")]),
    ("Revenue doubled last year.", [("last year", "2022")]),
    ("The mill closed three days ago.", [("three days ago", "2023-03-12")]),
    ("Profits fell in the first quarter of 2022.", [("the first quarter of 2022", "2022")]),
    ("The ruling came in May 2020.", [("May 2020", "2020-05")]),
])
def test_with_publication_date(text, expected):
    assert values(text, published=PUB) == expected


def test_not_before_gives_only_the_year_for_months():
    assert values("In August, the unit signed a pact.", not_before="2022-10-10") == [("August", "2022-08")]
    assert values("In November, it was founded.", not_before="2022-10-10") == [("November", "2021-11")]
    for rel in ("This month, troops moved.", "It happened yesterday.", "last week", "on Tuesday"):
        assert all(v is None for _, v in values(rel, not_before="2022-10-10")), rel


def test_never_resolved_against_today():
    for text in ("This month, members met.", "In August, they left.", "yesterday", "on Friday", "last year"):
        assert all(v is None for _, v in values(text)), text


def test_may_the_verb_is_not_a_month():
    assert values("Prices may rise in spring.", published=PUB) == [("spring", "2023")] or \
        all(t != "may" for t, _ in values("Prices may rise in spring.", published=PUB))
    assert values("Officials said they may resign.", published=PUB) == []


def test_future_weekday_with_future_cue():
    assert values("The council will vote on Friday.", published=PUB) == [("Friday", "2023-03-17")]


def test_seed_gold_times():
    gold_path = SEEDS / "seeds-gold.json"
    if not gold_path.is_file():
        pytest.skip("seeds not available")
    gold = json.loads(gold_path.read_text())
    meta = gold.get("articles", {})
    for item in gold["times"]:
        name = item["article"]
        text = (SEEDS / name).read_text(encoding="utf-8")
        m = meta.get(name, {})
        ts = find_times(text, published=m.get("published"), not_before=m.get("published_not_before"))
        spots = []
        i = text.find(item["text"])
        while i >= 0:
            spots.append(i)
            i = text.find(item["text"], i + 1)
        assert spots, item
        hits = [t for t in ts for s in spots if t.start < s + len(item["text"]) and s < t.end]
        assert hits, (item, "not found")
        assert all(t.value == item["value"] for t in hits), (item, [(t.text, t.value) for t in hits])
