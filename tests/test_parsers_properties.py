"""Property tests: the quantity and time parsers never raise, and their spans are true to the text."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborator.extract.quantities import find_quantities
from corroborator.extract.times import find_times

# Text built from pieces that exercise the grammars, mixed with arbitrary unicode.
PIECES = st.sampled_from([
    "more than", "about", "$", " ", "-", "–", ",", ".", "%", "million", "hundreds", "several", "dozen", "5",
    "127,000", "2022", "June", "16", "May", "Tuesday", "last", "week", "this month", "yesterday", "to", "and",
    "between", "10:30", "a.m.", "½", "3/4", "year-old", "km", "€", "US$", "topped", "\n", "’s", "0", "99",
])
TEXT = st.one_of(st.text(max_size=200), st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=60).map("".join))
ANCHOR = st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))


def _check(text, start, end, published, not_before):
    n = len(text)
    lo = max(0, min(start, n))
    hi = n if end is None else max(lo, min(end, n))
    for q in find_quantities(text, start, end):
        assert lo <= q.start < q.end <= hi
        assert text[q.start:q.end] == q.text
        assert q.low is None or q.high is None or q.low <= q.high
    for t in find_times(text, start, end, published=published, not_before=not_before):
        assert lo <= t.start < t.end <= hi
        assert text[t.start:t.end] == t.text
        assert t.value is None or isinstance(t.value, str)


ARGS = dict(text=TEXT, start=st.integers(0, 220), end=st.one_of(st.none(), st.integers(0, 220)),
            published=ANCHOR, not_before=ANCHOR)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**ARGS)
def test_parsers_total_and_faithful(text, start, end, published, not_before):
    _check(text, start, end, published, not_before)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**ARGS)
def test_parsers_total_and_faithful_long(text, start, end, published, not_before):
    _check(text, start, end, published, not_before)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, start=st.integers(0, 220), end=st.one_of(st.none(), st.integers(0, 220)))
def test_time_scan_finds_what_the_plain_regex_finds(text, start, end):
    # find_times tries its grammar only where a word starts; that must lose no match of a full scan
    from corroborator.extract.times import TIME_RE, _time_matches
    n = len(text)
    lo = max(0, min(start, n))
    hi = n if end is None else max(lo, min(end, n))
    plain = [(m.start(), m.end()) for m in TIME_RE.finditer(text, lo, hi) if m.end() > m.start()]
    fast = [(m.start(), m.end()) for m in _time_matches(text, lo, hi)]
    assert fast == plain
