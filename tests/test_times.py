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


# ------------------------------------------------------------------ tense, event names (issue 21)
TUE = "2023-03-14"          # a Tuesday


def _tokens(text):
    from corroborator.annotate import annotate
    return annotate(text).tokens


def resolved(text, published, parsed):
    tokens = _tokens(text) if parsed else None
    return [(t.text, t.value) for t in find_times(text, published=published, tokens=tokens)]


@pytest.mark.parametrize("parsed", [True, False], ids=["parse", "words"])
@pytest.mark.parametrize("text, published, expected", [
    # past: the latest such day on or before publication (the same day counts)
    ("Police said on Wednesday that the fire was under control.", TUE, [("Wednesday", "2023-03-08")]),
    ("The man was arrested Wednesday afternoon.", TUE, [("Wednesday afternoon", "2023-03-08")]),
    ("The mayor resigned on Wednesday.", PUB, [("Wednesday", "2023-03-15")]),
    ("The port reopened on Monday.", PUB, [("Monday", "2023-03-13")]),
    # future: the next on or after it
    ("The council will meet on Wednesday.", TUE, [("Wednesday", "2023-03-15")]),
    ("The vote is scheduled for Wednesday.", TUE, [("Wednesday", "2023-03-15")]),
    ("The board is meeting on Friday.", TUE, [("Friday", "2023-03-17")]),
    ("The council will meet on Tuesday.", TUE, [("Tuesday", "2023-03-14")]),
    # no tense: unresolved rather than guessed
    ("Fire at the harbour Wednesday", TUE, [("Wednesday", None)]),
])
def test_weekday_by_tense(text, published, expected, parsed):
    assert resolved(text, published, parsed) == expected


@pytest.mark.parametrize("parsed", [True, False], ids=["parse", "words"])
def test_weekdays_of_one_sentence_take_their_own_verbs(parsed):
    text = "The man, who was arrested on Monday, will appear in court on Friday."
    assert resolved(text, TUE, parsed) == [("Monday", "2023-03-13"), ("Friday", "2023-03-17")]


def test_weekday_with_a_modifier_needs_no_tense():
    assert values("Fire at the harbour last Wednesday", published=TUE) == [("last Wednesday", "2023-03-08")]
    assert values("Fire drill next Wednesday", published=TUE) == [("next Wednesday", "2023-03-15")]
    assert values("Vote last Tuesday", published=TUE) == [("last Tuesday", "2023-03-07")]


@pytest.mark.parametrize("parsed", [True, False], ids=["parse", "words"])
def test_month_without_year_by_tense(parsed):
    # "January" in a September article: the past one when told in the past, the coming one when ahead
    assert resolved("Sales fell in January.", "2023-09-07", parsed) == [("January", "2023-01")]
    assert resolved("The plant will open in January.", "2023-09-07", parsed) == [("January", "2024-01")]


@pytest.mark.parametrize("text", [
    "The museum marks the 9/11 attacks.",
    "Security changed after the Sept. 11 attacks.",
    "It was his first trip since the September 11th attacks.",
    "His grandfather fought in World War II.",
    "She testified before the Jan. 6 committee.",
    "The Jan. 6 riot and the Jan. 6 hearings were discussed.",
    "Families watched the July 4 parade.",
    "Crowds gathered for July 4 celebrations.",
    "Four of the 12 July 4 organisers resigned.",
    "Fourth of July fireworks lit the bay.",
    "Markets fell on what is known as Black Monday.",
])
@pytest.mark.parametrize("parsed", [True, False], ids=["parse", "words"])
def test_event_names_are_not_dates(text, parsed):
    assert resolved(text, PUB, parsed) == []


def test_dates_beside_event_like_words_stay_dates():
    # a meeting on a day is dated; a number and a month-day apart by a comma is two things
    assert values("A June 3 hearing has been scheduled.", published="2023-05-14") == [("June 3", "2023-06-03")]
    assert values("On 12 July, 4 people were hurt.", published=PUB) == [("12 July", "2022-07-12")]
    assert values("It opened on 12 July 2021.", published=PUB) == [("12 July 2021", "2021-07-12")]
    assert values("The attack on Sept. 11, 2001 changed travel.", published=PUB) == [("Sept. 11, 2001", "2001-09-11")]


def test_time_of_day_takes_the_day_beside_it():
    text = "The jet made its first flight Tuesday in Everett at 18:00 UTC."
    assert [v for _, v in resolved(text, "2023-03-15", True)] == ["2023-03-14", "2023-03-14"]
    assert values("Trading resumed at 10:30 a.m.", published=PUB) == [("10:30 a.m", PUB)]


def test_ahead_of_publication_and_weekday_of_a_week():
    assert values("The vote will be held in two weeks.", published=TUE) == [("in two weeks", "2023-03-28")]
    assert values("The bridge was built in two weeks.", published=TUE) == []          # a duration
    assert values("Talks resume on Tuesday of next week.", published=TUE) == [
        ("on Tuesday of next week", "2023-03-21")]
    assert values("Sales rose last fiscal year.", published=TUE) == [("last fiscal year", "2022")]
