"""Time expressions in news text, normalised to YYYY | YYYY-MM | YYYY-MM-DD | YYYY-Www (or None).

A regular grammar (no dateparser: it is too slow to run on every article). What it finds:

- absolute dates: "June 16, 2022", "16 June 2022", "Tuesday, June 16", "2022-06-16", "06/16/2022"
  (US order unless the first number is over 12; "16.06.2022" is day first), "June 2022", "2022", "mid-2011";
- month and day without a year: "In August", "early June", "June 16" (the year comes from the anchor);
- relative expressions: "today", "yesterday", "tomorrow", "this morning", weekdays ("on Tuesday": the latest
  such day on or before the anchor; "next Tuesday": the first after it), "last week" / "this week" (ISO week),
  "this month", "last year", "three days ago", "the third quarter of 2009" (-> the year), seasons (-> the year).

Anchors. ``published`` (YYYY-MM-DD) resolves everything. Without it, ``not_before`` (YYYY-MM-DD, the article
is known to be no older) gives only a year for expressions that name a month: "In August" is the latest
August not after ``not_before``. Expressions that need the day of publication ("this month", "yesterday",
"last week", "on Tuesday") keep value None. Today's date is never used.
A month without a modifier is taken in the past ("In August" in an October article is this year's August,
in a February article last year's), as news mostly reports what has happened.
"""
from __future__ import annotations

import datetime as dt
import re

from ..records import TimeExpr
from .times_grammar import DAY, DAY_MONTH_YEAR, ISO_DATE, MONTH, MONTH_DAY_YEAR, MONTH_NUM, NUMERIC_DATE, WEEKDAY_NUM, \
    YEAR

_WEEKDAY_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_PREFIX = r"(?:" + _WEEKDAY_FULL + r"\s?,?\s)?"
_PART = r"(?:\s(?:morning|afternoon|evening|night))?"
_EDGE = (r"(?:(?:the\s)?(?:very\s)?(?:early|late|mid|end\sof|beginning\sof|start\sof|middle\sof)"
         r"(?:\s(?:of\s)?|-)|(?:the\s)?(?:end|beginning|start|middle)\sof\s)")
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\sfew|a\scouple\sof)"
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_PATTERNS = [
    ("mdy", _WD_PREFIX + MONTH_DAY_YEAR),
    ("dmy", _WD_PREFIX + DAY_MONTH_YEAR),
    ("iso", ISO_DATE),
    ("num", NUMERIC_DATE),
    ("quarter", r"(?:the\s)?(?P<qn>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]quarter"
                r"(?:\s(?:of\s)?(?:(?P<qy>" + YEAR + r")|(?P<qrel>this|last|next)\syear))?"
                r"|\bQ[1-4]\s?(?P<qy2>" + YEAR + r")"),
    ("month", r"(?P<mmod>(?:earlier|later|early|late)\sthis\s|(?:last|next|this|coming|past)\s|" + _EDGE + r")?"
              r"(?P<m4>" + MONTH + r")(?:\s?,?\s(?:of\s)?(?P<y4>" + YEAR + r")\b)?"),
    ("season", r"(?P<smod>(?:earlier|later|early|late)\sthis\s|(?:last|next|this|coming|past)\s|" + _EDGE
               + r"|(?:the|in)\s)?(?P<sname>spring|summer|autumn|fall|winter)(?:\s(?:of\s)?(?P<sy>" + YEAR
               + r")\b)?"),
    ("ago", r"(?P<an>" + _NUMW + r")\s(?P<au>day|week|month|year)s?\sago\b"),
    ("rel", r"(?P<rmod>(?:(?:the\s)?(?:earlier|later|early|late|end\sof|beginning\sof|start\sof|middle\sof)\s)?"
            r"(?:this|last|next|the\scoming|the\sprevious|previous|the\sfollowing)|(?:this|the)\spast)"
            r"\s(?P<runit>weekend|week|month|year)\b"),
    ("clock", r"(?:\d{1,2}\s?:\s?\d{2}|\d{1,2}\s?(?:[ap]\.\s?m\.|[ap]m\b))(?:\s?(?:[ap]\.?\s?m\b\.?))?"
              r"(?:\s?\(?\s?(?:GMT|UTC|[A-Z]{1,2}T)(?:\s?[+-]\s?\d{1,2})?\s?\)?)?"
              r"(?:\s(?:on\s)?(?P<cday>today|yesterday|tomorrow|(?P<cwd>" + _WEEKDAY_FULL + r")))?"),
    ("day", r"(?P<rday>the\sday\sbefore\syesterday|the\sday\safter\stomorrow|today|tonight|yesterday|tomorrow|"
            r"last\snight|this\s(?:morning|afternoon|evening))" + _PART),
    ("weekday", r"(?P<wmod>(?:last|next|this|this\spast|this\scoming|coming|past|earlier\sthis)\s)?"
                r"(?P<wd>" + _WEEKDAY_FULL + r")(?!\s?,?\s(?:" + MONTH + r")\s" + DAY + r")" + _PART),
    ("year", r"(?P<ymod>" + _EDGE + r"|(?:fiscal|FY)\s?)?(?P<y5>" + YEAR + r")(?!\s?(?:%|-\d|\d|,\d))"),
]
TIME_RE = re.compile(r"\b(?:" + "|".join(r"(?P<%s>%s)" % (name, pat) for name, pat in _PATTERNS) + r")\b", re.I)
_COUNT_BEFORE = re.compile(r"(?:\$|€|£|#|\bmore\sthan|\babout|\bnearly|\bsome|\bover|\bup\sto|\bat\sleast|"
                           r"\baround|\balmost|\bunder|\bthe\s(?:top|first|last))\s?$", re.I)
_AFTER_COUNT = re.compile(r"^\s?(?:people|persons|troops|soldiers|workers|jobs|employees|dealers(?:hips)?|"
                          r"units|cars|vehicles|votes|members|homes|times|points|feet|metres|meters|km|miles|"
                          r"tons|tonnes|rounds|pages|words|dollars|euros|shares|acres)\b", re.I)
_FUTURE_CUE = re.compile(r"\b(?:will|shall|'ll|’ll|to\sbe\sheld|scheduled|expected\sto|is\sset\sto|are\sset\sto|"
                         r"plans?\sto|planning\sto|due\sto|until|starting)\b", re.I)
_MAY_CONTEXT = re.compile(r"\b(?:in|since|until|till|by|of|from|through|to|during|early|late|mid|last|next|this|"
                          r"before|after|on)[\s-]$", re.I)


def _date(s):
    try:
        return dt.date.fromisoformat(s[:10]) if s else None
    except (TypeError, ValueError):
        return None


def _week(d):
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_shift(y, m, k):
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _year_for(month, day, ref, mod, nearest=False):
    """The year of a month (and day) named without a year, relative to ``ref`` (a date).

    Without a modifier: the latest such month (day) not after ``ref``; with ``nearest`` (the publication date
    is known), a month less than half a year ahead is read in the future ("the vote in November" in October).
    """
    key, rkey = (month, day or 0), (ref.month, ref.day if day else 0)
    mod = (mod or "").strip().lower()
    if mod.startswith("next") or mod.startswith("coming") or mod.startswith("this coming"):
        return ref.year + (1 if key <= rkey else 0)
    if mod.startswith("last") or mod.startswith("past"):
        return ref.year - (1 if key >= rkey else 0)
    if mod.startswith("this") or "this" in mod:
        return ref.year
    if key <= rkey:
        if nearest and (rkey[0] - key[0]) * 31 + rkey[1] - key[1] > 7 * 31:
            return ref.year + 1           # "January" in a December article: the coming one
        return ref.year
    if nearest and (key[0] - rkey[0]) * 31 + key[1] - rkey[1] < 5 * 31:
        return ref.year
    return ref.year - 1


def _valid(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _two_digit_year(s):
    y = int(s)
    if len(s) == 2:
        y += 2000 if y < 50 else 1900
    return y


def _resolve(m, text, pub, nb):
    """Normalised value for one match, or None. ``pub``: publication date; ``nb``: not-before date."""
    kind = m.lastgroup
    g = m.group
    ref = pub or nb                       # for expressions that need only the year (month, day-of-month)
    if kind in ("mdy", "dmy"):
        mon = MONTH_NUM.get(re.sub(r"[\s.]", "", (g("m1") or g("m2"))).lower())
        day = int(re.match(r"\d+", g("d1") or g("d2")).group(0))
        y = g("y1") or g("y2")
        if mon is None:
            return None
        if y:
            d = _valid(int(y), mon, day)
        else:
            if ref is None:
                return None
            d = _valid(_year_for(mon, day, ref, None, nearest=pub is not None), mon, day)
        return d.isoformat() if d else None
    if kind == "iso":
        if g("id"):
            d = _valid(int(g("iy")), int(g("im")), int(g("id")))
            return d.isoformat() if d else None
        return f"{g('iy')}-{g('im')}"
    if kind == "num":
        a, b, y = int(g("na")), int(g("nb")), _two_digit_year(g("ny"))
        sep = "." if "." in g("num") else "/"
        if sep == "." or a > 12:
            a, b = b, a                   # day first
        d = _valid(y, a, b)
        return d.isoformat() if d else None
    if kind == "quarter":
        if g("qy") or g("qy2"):
            return g("qy") or g("qy2")
        if pub is None:
            return None
        if g("qrel"):
            return str(pub.year + {"this": 0, "last": -1, "next": 1}[g("qrel").lower()])
        cur = (pub.month - 1) // 3 + 1
        n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4}.get(g("qn").lower())
        if n is None:                     # "the last quarter": the one before the current quarter
            return str(pub.year - (1 if cur == 1 else 0))
        return str(pub.year if n <= cur else pub.year - 1)   # the latest such quarter begun by then
    if kind == "month":
        mon = MONTH_NUM.get(re.sub(r"[\s.]", "", g("m4")).lower())
        if mon is None:
            return None
        if g("y4"):
            return f"{g('y4')}-{mon:02d}"
        if ref is None:
            return None
        return f"{_year_for(mon, None, ref, g('mmod'), nearest=pub is not None):04d}-{mon:02d}"
    if kind == "season":
        if g("sy"):
            return g("sy")
        if pub is None:
            return None
        mod = (g("smod") or "").lower()
        return str(pub.year + (1 if "next" in mod or "coming" in mod else -1 if ("last" in mod or "past" in mod)
                               else 0))
    if kind == "year":
        return g("y5")
    if pub is None:                       # everything below needs the day of publication
        return None
    if kind == "ago":
        n = g("an").lower()
        n = int(n) if n.isdigit() else _SMALL.get(n)
        if n is None:
            return None
        unit = g("au").lower()
        if unit == "day":
            return (pub - dt.timedelta(days=n)).isoformat()
        if unit == "week":
            return _week(pub - dt.timedelta(weeks=n))
        if unit == "month":
            y, mo = _month_shift(pub.year, pub.month, -n)
            return f"{y:04d}-{mo:02d}"
        return str(pub.year - n)
    if kind == "rel":
        mod = g("rmod").lower()
        k = -1 if ("last" in mod or "previous" in mod) else 1 if ("next" in mod or "coming" in mod
                                                                  or "following" in mod) else 0
        unit = g("runit").lower()
        if unit in ("week", "weekend"):
            return _week(pub + dt.timedelta(weeks=k))
        if unit == "month":
            y, mo = _month_shift(pub.year, pub.month, k)
            return f"{y:04d}-{mo:02d}"
        return str(pub.year + k)
    if kind == "clock":                   # a time of day: the day it names, else the publication day
        if g("cwd"):
            wd = WEEKDAY_NUM[g("cwd").lower()]
            return (pub - dt.timedelta(days=(pub.weekday() - wd) % 7)).isoformat()
        off = {"yesterday": -1, "tomorrow": 1}.get((g("cday") or "").lower(), 0)
        return (pub + dt.timedelta(days=off)).isoformat()
    if kind == "day":
        r = g("rday").lower()
        off = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2}.get(r, 0)
        return (pub + dt.timedelta(days=off)).isoformat()
    if kind == "weekday":
        wd = WEEKDAY_NUM[g("wd").lower()]
        mod = (g("wmod") or "").lower()
        if "next" in mod or "coming" in mod:
            delta = (wd - pub.weekday()) % 7 or 7
        elif mod.strip() == "this":
            delta = wd - pub.weekday()    # the day in the anchor's week
        else:
            delta = -((pub.weekday() - wd) % 7)
            clause = re.split(r"[.!?;\n]", text[max(0, m.start() - 80):m.start()])[-1]
            if delta and _FUTURE_CUE.search(clause):
                delta += 7                # "the vote will be held on Thursday": the coming one
        return (pub + dt.timedelta(days=delta)).isoformat()
    return None


def _accept(m, text, lo):
    """False for matches that are not time expressions here ("May" the verb, "2000 people", "fall" the verb)."""
    kind = m.lastgroup
    before = text[max(lo, m.start() - 14):m.start()]
    if kind == "month":
        word = m.group("m4")
        if not word[0].isupper():
            return False
        w = re.sub(r"[\s.]", "", word).lower()
        if w == "may":                    # "May" the verb
            return bool(m.group("y4") or m.group("mmod") or _MAY_CONTEXT.search(before))
        return w in MONTH_NUM and (len(w) > 4 or w in ("june", "july") or bool(m.group("y4")))
    if kind == "season":
        return bool(m.group("sy") or (m.group("smod") and m.group("smod").strip().lower() not in ("the", "in"))
                    or re.search(r"\b(?:in|during|this|last|next|by|until|since)\s(?:the\s)?$", before, re.I))
    if kind == "weekday":
        return m.group("wd")[0].isupper()
    if kind in ("mdy", "dmy"):
        word = m.group("m1") or m.group("m2")
        return word[0].isupper() or bool(m.group("y1") or m.group("y2"))
    if kind == "year":
        if m.group("ymod"):
            return True
        if before and (before[-1].isalnum() or _COUNT_BEFORE.search(before)):
            return False
        if before.endswith("-") and len(before) > 1 and before[-2].isalpha() and not before.lower().endswith("mid-"):
            return False                  # "F-2022", a model number
        return not _AFTER_COUNT.match(text[m.end():m.end() + 14])
    return True


def find_times(text, start=0, end=None, published=None, not_before=None) -> list:
    """Time expressions in ``text[start:end]`` (offsets into ``text``), normalised as the module docstring says."""
    if not text:
        return []
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    pub, nb = _date(published), _date(not_before)
    out = []
    for m in _time_matches(text, start, end):
        if m.end() <= m.start() or not _accept(m, text, start):
            continue
        out.append(TimeExpr(m.start(), m.end(), m.group(0), _resolve(m, text, pub, nb)))
    return out


_WORD_START = re.compile(r"\b\w")


def _time_matches(text, start, end):
    """The matches of ``TIME_RE.finditer(text, start, end)``, found faster: every alternative of ``TIME_RE``
    begins with a letter or a digit right after its leading ``\\b``, so a match can only start where a word
    starts; ``TIME_RE`` is tried there alone instead of at every character (``\\b`` looks at the real
    text on both sides of the position, as in a search). Keep this true when adding alternatives."""
    pos = start
    while True:
        w = _WORD_START.search(text, pos, end)
        if w is None:
            return
        m = TIME_RE.match(text, w.start(), end)
        if m is not None and m.end() > m.start():
            yield m
            pos = m.end()
        else:
            pos = w.start() + 1
