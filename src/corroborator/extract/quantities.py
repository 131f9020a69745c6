"""Quantities in news text, normalised to a value or a range with unit and approximation.

A rule-based grammar (regular expressions plus a little logic), fast enough to run on every article:

- exact numbers in digits or words: "127,000", "5.2", "$ 10,000", "five thousand", "a dozen"; signed ones:
  "-0.4%", "minus 12 degrees" (a hyphen after a number or a word is a range or a code, not a sign);
- fractions: "3/4", "½", "two-thirds", "three fifths", "two and a half million"; "a third", "a quarter",
  "half" only before "of" ("a quarter of the budget"; "a third term" is an ordinal); shares: "one in five",
  "3 out of 10" (0.2, 0.3; not "two in three days");
- scales and units: "$732 billion" (732e9, USD), "155-millimeter" (155, millimetre), "5 %" (percent),
  "32-year-old" (32, year), and ages written as apposition: "Caesar, 50," (50, year);
- vague amounts as ranges: "hundreds" / "several hundred" / "a few hundred" (200-999), "dozens" (24-99),
  "thousands" (2000-9999), "tens of thousands" (20000-99999), all ``approximate``;
- bounds: "more than 127,000" / "topped 5,000" (value and low, approximate), "up to 700" / "nearly 100"
  (value and high, approximate), "about 300" (approximate);
- ranges: "between 10 and 20", "10-20", "5k-20k", "10 to 20 million", and two bounds joined by "and" / "but" /
  a comma: "more than 10 and less than 40" (low, high; value None);
- votes and scores: a pair written high first, "251-174", "251 to 174", is ONE quantity with unit "score",
  ``low``/``high`` the smaller/larger number and value None (so "251-174" and "the vote was 251 to 174" compare
  equal, "251-174" and "250-175" do not). "from 20 to 10" (a change) gives two quantities.

Not quantities: years ("2022", "the 1990s"), the day and year of dates ("June 16, 2022"), ordinals ("16th"),
times of day ("10:30", "9 a.m."), codes ("M16", "COVID-19", "Section 230"), and a bare "one".
"""
from __future__ import annotations

import re
from bisect import bisect_right

from ..records import Quantity
from .quantities_units import (ATTACHED_ONLY, CURRENCY_ALT, SCALE_ATTACHED, SCALE_SPACED, UNIT_ALT,
                               canonical_unit, currency_of, scale_of)
from .quantities_words import WORDFRAC, WORDNUM, parse_fraction_words, parse_words
from .times_grammar import masked_spans

_DIGITS = (r"(?:\d{1,3}(?:,\d{3})+(?![\d,]\d)|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?!\d)|\d{1,3}(?:\ \d{3}){2,}(?!\d)|\d+)"
           r"(?:\.\d+|\s\.\s\d+(?=\s?(?:" + SCALE_SPACED + r"|%|percent)))?|(?<![\d.])\.\d+")
_FRACTION = r"(?:\d+\s)?[1-9]/(?:16|10|[2-58])(?![\d/])|(?:\d+\s?)?[½¼¾⅓⅔⅛]"
_VAGUE = (r"(?:(?:many|several|a\sfew|few|some)\s)?"
          r"(?:tens\sof\s(?:thousands|millions|billions)|(?:hundreds|thousands|millions|billions|dozens)"
          r"(?:\sof\s(?:thousands|millions|billions)\b)?)"
          r"|(?:several|a\sfew|few|a\scouple\sof|a\scouple|many)\s(?:hundred|thousand|million|billion|dozen)(?!s)")

QTY_RE = re.compile(
    r"(?P<cur>" + CURRENCY_ALT + r")?\s?"
    r"(?:(?P<frac>" + _FRACTION + r")|(?P<wfrac>\b(?:" + WORDFRAC + r"))\b|(?P<dig>" + _DIGITS + r")|(?P<vague>\b(?:" + _VAGUE + r"))\b"
    r"|(?P<word>\b" + WORDNUM + r")\b)"
    r"(?:(?P<ssep>\s?-?\s?)(?P<scale>" + SCALE_SPACED + r")\b|(?P<sattach>" + SCALE_ATTACHED + r")(?![A-Za-z]))?"
    r"(?:(?P<usep>\s?-\s?|\s?)(?P<unit>" + UNIT_ALT + r")(?![A-Za-z0-9²]))?",
    re.I)

_LOWER = r"(?:greater|more|bigger|larger|higher)\s(?:than\s)?or\sequal\s(?:to|than)|equal\sto\sor\s(?:more|greater)\sthan|" \
         r"(?:bigger|larger|higher)\sthan|" \
         r">\s?=|>|≥|more\sthan|over|at\sleast|upwards\sof|in\sexcess\sof|greater\sthan|above|no\s(?:fewer|less)\sthan|north\sof|" \
         r"a\sminimum\sof|well\sover|just\sover|well\sabove|not\sless\sthan|exceeding|beyond"
_UPPER = r"(?:less|smaller|fewer|lower)\s(?:than\s)?or\sequal\s(?:to|than)|equal\sto\sor\s(?:less|fewer)\sthan|" \
         r"(?:smaller|lower)\sthan|" \
         r"<\s?=|<|≤|less\sthan|fewer\sthan|under|below|up\sto|at\smost|no\smore\sthan|not\smore\sthan|as\smany\sas|" \
         r"as\smuch\sas|a\smaximum\sof|just\sunder|nearly|almost|close\sto|just\sshy\sof|barely"
_APPROX = r"about|around|roughly|approximately|approx\.|some|an\sestimated|estimated|circa|c\.|~|" \
          r"more\sor\sless|an\saverage\sof|on\saverage"
LEFT_MOD_RE = re.compile(r"(?:(?P<lower>" + _LOWER + r")|(?P<upper>" + _UPPER + r")|(?P<approx>" + _APPROX
                         + r"))\s?$", re.I)
LEFT_VERB_RE = re.compile(r"\b(?:topped|tops|top|topping|exceeded|exceeds|exceed|surpassed|surpasses|surpass|"
                          r"surpassing|passed\sthe|crossed\sthe|broke\sthe)\s$", re.I)
RIGHT_MOD_RE = re.compile(r"^(?:(?P<lower>\s?\+|-plus|\sor\smore|\sand\smore|\sor\sgreater|\splus\b)"
                          r"|(?P<upper>\sor\sless|\sor\sfewer|\sat\smost)|(?P<approx>\sor\sso))", re.I)
_RANGE_GAP = re.compile(r"^\s?(?:-|–|—|~)\s?$|^\s(?:to|through|and|or)\s$")
_CHANGE_BEFORE = re.compile(r"\b(?:rose|rise|rising|risen|fell|fall|falling|fallen|increased?|increasing|"
                            r"decreased?|decreasing|dropped|drop|climbed|climb|grew|grow|grown|jumped|jump|"
                            r"declined?|up|down|cut|raised?|lowered?|reduced?|expanded?|went|shrank|slipped|"
                            r"soared|plunged|plummeted|revised|changed?)\s(?:\w+\s){0,3}?from\s$", re.I)
_LABEL_BEFORE = re.compile(r"\b(?:article|section|no\.?|number|page|chapter|flight|route|highway|room|level|"
                           r"phase|category|grade|apollo|version|act|resolution|item|line|gate|platform|"
                           r"building|channel|episode|season|part|volume|vol\.|model|type|class|block|unit|"
                           r"district|ward|precinct|squad|brigade|battalion|regiment|division|corps|fleet|"
                           r"group|stage|tier|step|paragraph|clause|rule|bus|train|pier|terminal|exit|"
                           r"interstate|i-|us-|sr-|camp|zone|sector|cell|block|lot)\s?#?$", re.I)
# a sign: "-3.2%", "−40", "minus 5 degrees"; not the hyphen of a range or score ("10-20", "251 -174") or a code
_NEG_BEFORE = re.compile(r"(?:(?<![\w.,)%\]\-−])(?<!\d\s)[-−]|\b(?:minus|negative)\s)$", re.I)
# a conjunction between two bounds of one range: "more than 10 and less than 40", "at least 20, at most 100"
_BOUNDS_GAP = re.compile(r"^\s?(?:,\s?)?(?:and|but)\s$|^,\s$")
_AGE_BEFORE = re.compile(r"(?:[A-Z][\w'’.\-]+\s?,\s?$)|(?:\b(?:aged|age|ages)\s$)")
_AGE_AFTER = re.compile(r"^\s?(?:,|\)|;|\.\s|$|\sand\s[A-Z])")

_VAGUE_BASE = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_SMALL_ROUND = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "dozen": 12.0}


class _Q:
    """A quantity being built (mutable), turned into a ``Quantity`` at the end."""
    __slots__ = ("start", "end", "value", "low", "high", "unit", "approximate", "scaled", "plain_int", "kind")
    # ``scaled`` holds the scale multiplier applied (1.0 when none), so a range can share it: "10-20 million".

    def __init__(self, start, end, value=None, low=None, high=None, unit=None, approximate=False, scaled=False,
                 plain_int=False, kind="num"):
        self.start, self.end = start, end
        self.value, self.low, self.high, self.unit = value, low, high, unit
        self.approximate, self.scaled, self.plain_int, self.kind = approximate, scaled, plain_int, kind


def _parse_digits(s):
    s = s.replace(",", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    try:
        return float(s)
    except ValueError:
        return None


_UNICODE_FRAC = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}


def _parse_fraction(s):
    s = s.strip()
    whole = 0.0
    if s[-1] in _UNICODE_FRAC:
        head = s[:-1].strip()
        return (float(head) if head else 0.0) + _UNICODE_FRAC[s[-1]]
    if " " in s:
        w, s = s.split(" ", 1)
        whole = float(w)
    n, d = s.split("/")
    n, d = float(n), float(d)
    if n >= d:        # "9/11", "5/3": not a simple fraction
        return None
    return whole + n / d


def _vague_range(s):
    """(low, high) for a vague amount: "hundreds" -> (200, 999), "tens of thousands" -> (20000, 99999)."""
    t = re.sub(r"\s+", " ", s.lower())
    t = re.sub(r"^(?:many|several|a few|few|some|a couple of|a couple) ", "", t)
    m = re.match(r"(tens|hundreds|thousands|millions|billions|dozens)(?: of (thousands|millions|billions))?$", t)
    if m:
        outer = {"tens": 10.0}.get(m.group(1), _VAGUE_BASE.get(m.group(1)))
        inner = _VAGUE_BASE[m.group(2)] if m.group(2) else 1.0
        base = outer * inner
        if m.group(1) == "dozens":
            return 24.0 * inner, 99.0 * inner
        return 2 * base, 10 * base - 1
    if t in _SMALL_ROUND:
        base = _SMALL_ROUND[t]
        if t == "dozen":
            return 24.0, 99.0
        return 2 * base, 10 * base - 1
    return None


def _is_year(text, m, value):
    d = m.group("dig")
    return (d is not None and re.fullmatch(r"\d{4}", d) is not None and 1500 <= value <= 2100
            and not m.group("cur") and not m.group("scale") and not m.group("sattach") and not m.group("unit"))


def _build(text, m, lo, hi):
    """One regex match -> a _Q, or None when it is not a quantity (a year, an ordinal, a code)."""
    s, e, cur, unit_form, unit = _match_span(text, m)
    number = _number_of(m, unit_form)
    if number is None:
        return None
    kind, value, low, high, approximate, plain_int = number
    if _glued_to_text(text, m, kind, m.start("cur") if cur else s, e, lo, hi):
        return None
    scale = _scale_of_match(m)
    if _scale_after_no_number(m, kind):
        return None
    if kind == "num" and value is not None and _is_year(text, m, value):
        return None
    if scale and value is None:
        # a vague amount times a scale ("several hundred million"): its bounds are scaled instead
        low, high = (low * scale if low is not None else None), (high * scale if high is not None else None)
        scale = None
    value, plain_int, unit = _scaled(value, plain_int, scale, cur, unit)
    if kind == "num" and not cur and value is not None:
        sign = _NEG_BEFORE.search(text[max(lo, s - 9):s])
        if sign:
            value, s, plain_int = -value, s - len(sign.group(0)), False
    q = _Q(s, e, value=value, low=low, high=high, unit=unit, approximate=approximate, scaled=scale or 1.0,
           plain_int=plain_int and not unit, kind=kind)
    if kind == "num" and m.group("word") is None and not unit and not scale and _LABEL_BEFORE.search(
            text[max(lo, s - 14):s]):
        return None
    if q.unit is None and q.plain_int and value is not None and 1 <= value <= 120:
        if _AGE_BEFORE.search(text[max(lo, s - 40):s]) and _AGE_AFTER.match(text[e:min(hi, e + 5)]):
            q.unit = "year"
    return q


def _match_span(text, m):
    """The span of match ``m`` as a quantity, with its currency and unit: ``(start, end, cur, unit_form,
    unit)``. A unit that may only be written attached and is not here is dropped (the span then ends at the
    number or its scale); a blank currency group is none, and a leading space is left out."""
    s, e = m.start(), m.end()
    cur, unit_form = m.group("cur"), m.group("unit")
    # The optional separator before a unit is greedy; drop a unit that is not one here.
    unit = None
    if unit_form:
        attached = m.group("usep") == ""
        form = unit_form.lower()
        if form in ATTACHED_ONLY and (not attached or unit_form != unit_form.lower()):
            e = m.start("unit") - len(m.group("usep"))
            unit_form = None
        else:
            unit = canonical_unit(unit_form)
    if unit_form is None:
        e = m.end("scale") if m.group("scale") else (m.end("sattach") if m.group("sattach") else
                                                     max(m.end(g) for g in ("frac", "wfrac", "dig", "vague", "word")
                                                         if m.group(g) is not None))
    if cur and not m.group("cur").strip():
        cur = None
    if cur is None and s < e and text[s].isspace():
        s += 1
    return s, e, cur, unit_form, unit


def _number_of(m, unit_form):
    """What the number of match ``m`` says: ``(kind, value, low, high, approximate, plain_int)``, ``kind``
    "num" or "vague" (a range: "hundreds"); None when it is no quantity ("007", a bare "one", no value)."""
    kind = "num"
    value = low = high = None
    approximate = False
    plain_int = False
    if m.group("dig") is not None:
        if re.match(r"0\d", m.group("dig")):
            return None        # "000", "007": a code or a split number, not a quantity
        value = _parse_digits(m.group("dig"))
        plain_int = value is not None and value == int(value) and "." not in m.group("dig")
    elif m.group("frac") is not None:
        value = _parse_fraction(m.group("frac"))
    elif m.group("wfrac") is not None:
        value = parse_fraction_words(m.group("wfrac"))
    elif m.group("vague") is not None:
        rng = _vague_range(m.group("vague"))
        if rng is None:
            return None
        low, high, approximate, kind = rng[0], rng[1], True, "vague"
    else:
        w = m.group("word")
        if w.strip().lower() in ("one", "a", "zero", "nought", "naught") and not unit_form:
            return None
        value = parse_words(w)
        plain_int = value is not None
    if value is None and kind != "vague":
        return None
    return kind, value, low, high, approximate, plain_int


def _glued_to_text(text, m, kind, num_start, e, lo, hi):
    """True when the number (from ``num_start``, its currency included, to ``e``) is part of a word, code or
    address rather than a quantity: a letter, "#", "@", "_" or a decimal point before digits ("A4", "#5",
    "F-16", but "5k-20k" is a range); a letter or digit after them ("16th", "1990s", "4G", "3D"); "12/5",
    "10:30", "192.168.1.2"."""
    before = text[max(lo, num_start - 12):num_start] if num_start > lo else ""
    after_i = e
    after = text[after_i] if after_i < hi else ""
    scaled_range = re.search(r"\d(?:k|m|bn)-$", before, re.I) is not None        # "5k-20k"
    if before and (before[-1].isalpha() or (before[-1] == "-" and len(before) > 1 and before[-2].isalpha()
                                            and not scaled_range)
                   or (before[-1] == "/" and len(before) > 1 and before[-2].isalnum())
                   or before[-1] in "#@_" or (before[-1] == "." and len(before) > 1 and before[-2].isdigit())):
        if kind == "num" and m.group("word") is None and m.group("wfrac") is None:
            return True
    if after and (after.isalnum() or after == "_") and m.group("word") is None and m.group("wfrac") is None:
        return True            # "16th", "1990s", "4G", "3D"
    if after in ("/", ":") and m.group("dig") and after_i + 1 < hi and text[after_i + 1].isdigit():
        return True
    if after == "." and after_i + 1 < hi and text[after_i + 1].isdigit():
        return True            # "192.168.1.2", "1.2.3"
    return False


def _scale_of_match(m):
    """The multiplier of the match's scale word ("million") or attached scale ("5bn"), else None."""
    if m.group("scale"):
        return scale_of(m.group("scale"))
    if m.group("sattach"):
        return scale_of(m.group("sattach"))
    return None


def _scale_after_no_number(m, kind) -> bool:
    """A plural scale after a number word that is no number ("millions" after a word that parses to none)."""
    return bool(m.group("scale") and m.group("scale").lower().endswith("s") and kind == "num"
                and m.group("dig") is None and m.group("word") and parse_words(m.group("word")) is None)


def _scaled(value, plain_int, scale, cur, unit):
    """The value times its scale, in millions after a currency ("$5m", "€2.5m": not metres), and the unit a
    currency gives: ``(value, plain_int, unit)``."""
    if scale:
        value *= scale
        plain_int = False
    if cur and unit == "metre" and value is not None:
        value *= 1e6               # "$5m", "€2.5m": millions, not metres
        plain_int = False
    if cur:
        unit = currency_of(cur) or "USD"
    return value, plain_int, unit


def _merge_ranges(text, qs, lo):
    out = []
    i = 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs) and a.kind == "num" and qs[i + 1].kind == "num":
            b = qs[i + 1]
            gap = text[a.end:b.start]
            g = _RANGE_GAP.match(gap)
            if g and a.value is not None and b.value is not None:
                word = gap.strip().lower()
                head = text[max(lo, a.start - 40):a.start]
                between = re.search(r"\bbetween\s$", head, re.I) is not None
                from_ = re.search(r"\bfrom\s$", head, re.I) is not None
                if word == "and" and not between:
                    out.append(a)
                    i += 1
                    continue
                if from_ and _CHANGE_BEFORE.search(head):
                    out.append(a)
                    i += 1
                    continue
                av, bv = a.value, b.value
                if a.scaled == 1.0 and b.scaled != 1.0 and av * b.scaled <= bv:
                    av *= b.scaled          # "10-20 million", "$5 to 10 billion"
                if a.unit and b.unit and a.unit != b.unit:
                    out.append(a)           # "rose 6.2% to $1.45 billion": two quantities
                    i += 1
                    continue
                unit = a.unit or b.unit
                if (a.plain_int and b.plain_int and av >= bv and not between and not from_
                        and word in ("-", "–", "—", "to")):
                    r = _Q(a.start, b.end, value=None, low=bv, high=av, unit="score", kind="score")
                elif av <= bv:
                    r = _Q(a.start, b.end, value=None, low=av, high=bv, unit=unit, approximate=word == "or",
                           kind="range")
                else:
                    out.append(a)
                    i += 1
                    continue
                if between:
                    r.start = a.start - len(re.search(r"between\s$", head, re.I).group(0))
                out.append(r)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _apply_modifiers(text, q, lo, hi):
    head = text[max(lo, q.start - 30):q.start]
    m = LEFT_MOD_RE.search(head)
    base = q.value if q.value is not None else None
    if m and not (m.start() == 0 or not head[m.start() - 1].isalnum() or m.group(0)[0] in "<>≤≥~"):
        m = None
    if m:
        q.start -= len(head) - m.start()
        q.approximate = True
        if base is not None:
            if m.group("lower"):
                q.low = base
            elif m.group("upper"):
                q.high = base
    elif LEFT_VERB_RE.search(head) and base is not None:
        q.approximate, q.low = True, base
    tail = text[q.end:min(hi, q.end + 14)]
    r = RIGHT_MOD_RE.match(tail)
    if r and base is not None and (not m or m.group("approx")):
        q.end += r.end()
        q.approximate = True
        if r.group("lower"):
            q.low = base
        elif r.group("upper"):
            q.high = base


def _bound(q):
    """"lower" / "upper" for a one-sided bound ("more than 10", "at most 100"), else None."""
    if q.kind != "num" or q.value is None:
        return None
    if q.low is not None and q.high is None:
        return "lower"
    if q.high is not None and q.low is None:
        return "upper"
    return None


def _merge_bounds(text, qs):
    """A lower and an upper bound joined by "and" / "but" / a comma are one range: "more than 10 and less than 40"."""
    out, i = [], 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs):
            b = qs[i + 1]
            kinds = (_bound(a), _bound(b))
            if kinds in (("lower", "upper"), ("upper", "lower")) and _BOUNDS_GAP.match(text[a.end:b.start]) \
                    and (a.unit is None or b.unit is None or a.unit == b.unit):
                lower, upper = (a, b) if kinds[0] == "lower" else (b, a)
                if lower.low <= upper.high:
                    out.append(_Q(a.start, b.end, value=None, low=lower.low, high=upper.high,
                                  unit=a.unit or b.unit, approximate=True, kind="range"))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


_RATIO_BEFORE = re.compile(r"(?<![\w.,])(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\s"
                           r"(?P<link>out\sof|in)\s$", re.I)
_SMALL_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
_TIME_AFTER = re.compile(r"^\s(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|decades?|centur(?:y|ies)|"
                         r"games?|matches|seasons?|races?)\b", re.I)


def _merge_ratios(text, qs, lo):
    """"one in five", "3 out of 10", "nine in ten": a share, one quantity of value num/den ("one" alone is not
    a quantity, so the numerator is read from the text before the denominator). Not after "in" where a span of
    time or of events follows ("two in three days"), nor when the denominator is not the larger number."""
    out = []
    for q in qs:
        m = _RATIO_BEFORE.search(text, max(lo, q.start - 16), q.start)
        if (m and q.kind == "num" and q.value is not None and q.low is None and q.high is None and q.unit is None
                and q.plain_int and not (m.group("link").lower() == "in" and _TIME_AFTER.match(text[q.end:]))):
            w = m.group("num").lower()
            num = float(_SMALL_WORDS[w]) if w in _SMALL_WORDS else float(w)
            if 0 < num < q.value and not (1500 <= q.value <= 2100):
                if out and out[-1].end == m.end("num") and out[-1].start >= m.start("num"):
                    out.pop()                          # the numerator, read as a quantity of its own
                out.append(_Q(m.start("num"), q.end, value=num / q.value, kind="num"))
                continue
        out.append(q)
    return out


def _inside(spans, starts, s, e):
    k = bisect_right(starts, s) - 1
    return k >= 0 and spans[k][0] <= s < spans[k][1] or (k + 1 < len(spans) and s <= spans[k + 1][0] < e)


def find_quantities(text, start=0, end=None) -> list:
    """Quantities in ``text[start:end]``, with offsets into ``text`` (see the module docstring)."""
    if not text:
        return []
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    if start >= end:
        return []
    spans = masked_spans(text, start, end)
    starts = [a for a, _ in spans]
    qs = []
    for m in QTY_RE.finditer(text, start, end):
        if m.end() == m.start():
            continue
        q = _build(text, m, start, end)
        if q is None or q.end <= q.start:
            continue
        if spans and _inside(spans, starts, q.start, q.end):
            continue
        qs.append(q)
    qs = _merge_ratios(text, _merge_ranges(text, qs, start), start)
    for q in qs:
        _apply_modifiers(text, q, start, end)
    out = []
    for q in _merge_bounds(text, qs):
        out.append(Quantity(q.start, q.end, text[q.start:q.end], value=q.value, low=q.low, high=q.high,
                            unit=q.unit, approximate=q.approximate))
    return out
