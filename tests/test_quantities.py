"""find_quantities: the values, ranges, units and bounds a reader relies on; what must not be a quantity."""
import json
from pathlib import Path

import pytest

from corroborator.extract.quantities import find_quantities

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def one(text):
    qs = find_quantities(text)
    assert len(qs) == 1, [(q.text, q.value) for q in qs]
    return qs[0]


@pytest.mark.parametrize("text, span, value, low, high, unit, approx", [
    ("The fund now has more than 127,000 donors.", "more than 127,000", 127000, 127000, None, None, True),
    ("Sign-ups have topped 5,000 this week.", "5,000", 5000, 5000, None, None, True),
    ("Rebels in the valley number in the hundreds.", "hundreds", None, 200, 999, None, True),
    ("Several hundred drones were launched.", "Several hundred", None, 200, 999, None, True),
    ("A few hundred protesters gathered.", "A few hundred", None, 200, 999, None, True),
    ("Dozens of homes burned.", "Dozens", None, 24, 99, None, True),
    ("Tens of thousands fled.", "Tens of thousands", None, 20000, 99999, None, True),
    ("Some five thousand volunteers enlisted.", "Some five thousand", 5000, None, None, None, True),
    ("They fired a 155-millimeter shell.", "155-millimeter", 155, None, None, "millimetre", False),
    ("Ortiz, a 41-year-old mechanic, said", "41-year-old", 41, None, None, "year", False),
    ("Marlowe, 63, resigned on the spot.", "63", 63, None, None, "year", False),
    ("Lawmakers approved a $ 412 billion package.", "$ 412 billion", 412e9, None, None, "USD", False),
    ("The fine was €2.5m, officials said.", "€2.5m", 2.5e6, None, None, "EUR", False),
    ("Turnout fell 5 % in the north.", "5 %", 5, None, None, "percent", False),
    ("Between 10 and 20 people were hurt.", "Between 10 and 20", None, 10, 20, None, False),
    ("Officials expect 10-20 million visitors.", "10-20 million", None, 10e6, 20e6, None, False),
    ("The bill passed 251 - 174 on Friday.", "251 - 174", None, 174, 251, "score", False),
    ("Up to 700 contract workers may go.", "Up to 700", 700, None, 700, None, True),
    ("Nearly two-thirds of the council backed it.", "Nearly two-thirds", 2 / 3, None, 2 / 3, None, True),
    ("More than half of the ferries were idle.", "More than half", 0.5, 0.5, None, None, True),
    ("A quarter of the budget goes to roads.", "A quarter", 0.25, None, None, None, False),
    ("One in five adults skip breakfast.", "One in five", 0.2, None, None, None, False),
    ("About 3 out of 10 voters agreed.", "About 3 out of 10", 0.3, None, None, None, True),
    ("Some two and a half million tickets sold.", "Some two and a half million", 2.5e6, None, None, None, True),
    ("Output shrank -0.4% in May.", "-0.4%", -0.4, None, None, "percent", False),
    ("The low was minus 12 degrees overnight.", "minus 12 degrees", -12, None, None, "degree", False),
    ("More than 10 and less than 40 boats sank.", "More than 10 and less than 40", None, 10, 40, None, True),
    ("at least 20, but no more than 30 trucks", "at least 20, but no more than 30", None, 20, 30, None, True),
    ("Fares will be 5k-20k a year.", "5k-20k", None, 5000, 20000, None, False),
    ("About five hundred or more came.", "About five hundred or more", 500, 500, None, None, True),
])
def test_values(text, span, value, low, high, unit, approx):
    q = one(text)
    assert q.text == span and text[q.start:q.end] == span
    assert (q.value, q.low, q.high, q.unit, q.approximate) == (value, low, high, unit, approx)


def test_vote_written_two_ways_compares_equal():
    a, b = one("the chamber voted 218-206"), one("the tally was 218 to 206")
    assert (a.low, a.high, a.unit) == (b.low, b.high, b.unit) == (206, 218, "score")
    assert (one("voted 217-207").low, one("voted 217-207").high) != (a.low, a.high)


def test_quarters_counted_are_not_a_fraction():
    assert [q.value for q in find_quantities("Profits fell in the last three quarters.")] == [3]
    assert [q.value for q in find_quantities("Three quarters of the seats changed hands.")] == [0.75]


def test_a_change_is_two_quantities_not_a_range():
    assert [q.value for q in find_quantities("Prices fell from 30 to 25 dollars.")] == [30, 25]


@pytest.mark.parametrize("text", [
    "The summit opened on June 16, 2022 in Vilnius.", "It was built in 1998.", "the 1990s", "at 10:30 a.m.",
    "the 3rd battalion", "M16 rifles and COVID-19 cases", "Section 230 of the act", "9 p.m. on 4/5/2021",
    "One official said", "by 16 March 2023", "She won a third term.",
    "the second half of the match", "an hour and a half of talks",
])
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_range_bounds_respected():
    text = "Crowds of 300 gathered; later 4,000 marched."
    qs = find_quantities(text, start=text.index(";"))
    assert [q.value for q in qs] == [4000]
    assert find_quantities(text, 0, text.index(";"))[0].value == 300


def test_seed_gold_quantities():
    gold_path = SEEDS / "seeds-gold.json"
    if not gold_path.is_file():
        pytest.skip("seeds not available")
    gold = json.loads(gold_path.read_text())
    by_file = {}
    for item in gold["quantities"]:
        by_file.setdefault(item["article"], []).append(item)
    for name, items in by_file.items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        qs = find_quantities(text)
        for item in items:
            anchor = item.get("context", item["text"])
            spots = [i + anchor.index(item["text"]) for i in _occurrences(text, anchor)]
            assert spots, item
            ok = False
            for s in spots:
                e = s + len(item["text"])
                for q in qs:
                    if q.start < e and s < q.end and _holds(q, item):
                        ok = True
            assert ok, (item, [(q.text, q.value, q.low, q.high, q.unit) for q in qs if any(
                q.start < s + len(item["text"]) and s < q.end for s in spots)])


def _occurrences(text, sub):
    i = text.find(sub)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1)


def _holds(q, item):
    for key in ("value", "low", "high", "unit"):
        if key in item and getattr(q, key) != item[key]:
            return False
    if item.get("approximate_lower_bound"):
        return q.approximate and q.low == item["value"]
    return True


def test_vague_amount_inside_quotation_marks_keeps_its_range():
    """'had a "few hundred" members': the quote mark between 'a' and 'few' must not turn it into exactly 100."""
    from corroborator.extract import find_quantities
    text = 'The minister said the militia had a "few hundred" members.'
    (q,) = find_quantities(text)
    assert text[q.start:q.end] == "few hundred"
    assert (q.low, q.high, q.value, q.approximate) == (200, 999, None, True)


def test_a_count_over_a_span_of_time_is_not_a_share():
    qs = find_quantities("Two in three days were lost to rain, and 4 in 2019.")
    assert [q.value for q in qs] == [2, 3, 4]


def test_one_in_five_and_two_out_of_ten_are_the_same_share():
    a = one("One in five households lack broadband.")
    b = one("Two out of ten households lack broadband.")
    assert a.value == b.value == 0.2


def test_a_vague_amount_times_a_scale_is_a_scaled_range_not_a_crash():
    from corroborator.extract.quantities import find_quantities
    (q,) = find_quantities("Several hundred million people watched.")
    assert q.value is None and q.low == 200e6 and q.high == 999e6 and q.approximate
