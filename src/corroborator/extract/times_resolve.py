"""The value of one time expression: a match of ``times.TIME_RE`` normalised to YYYY | YYYY-MM | YYYY-MM-DD |
YYYY-Www, or None (see the ``times`` module docstring for what each kind of expression means).

``resolve`` hands each kind of match to its resolver (``_RESOLVERS``); every resolver takes the match, the
text, the publication date, the anchor for the year (publication, else not-before) and the clause's tense
(a function, asked only where it decides).
"""
from __future__ import annotations

import datetime as dt
import re

from .. import config
from .times_grammar import MONTH_NUM, WEEKDAY_NUM
from .times_tense import FUTURE, PAST

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.times_resolve")
NEAREST_AHEAD_MONTHS = _C["nearest_ahead_months"]
NEAREST_BACK_MONTHS = _C["nearest_back_months"]

_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def _week(d):
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_shift(y, m, k):
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _year_for(month, day, ref, mod, nearest=False, tense=None):
    """The year of a month (and day) named without a year, relative to ``ref`` (a date).

    With a modifier ("next", "last", "this") it decides. Else the tense of the clause: past, the latest such
    month (day) on or before ``ref``; future, the next on or after it. Without either: the latest not after
    ``ref``; with ``nearest`` (the publication date is known), a month less than ``NEAREST_AHEAD_MONTHS`` ahead
    is read in the future ("the vote in November" in October) and one more than ``NEAREST_BACK_MONTHS`` back as
    the coming one (a month counted as 31 days).
    """
    key, rkey = (month, day or 0), (ref.month, ref.day if day else 0)
    mod = (mod or "").strip().lower()
    if mod.startswith("next") or mod.startswith("coming") or mod.startswith("this coming"):
        return ref.year + (1 if key <= rkey else 0)
    if mod.startswith("last") or mod.startswith("past"):
        return ref.year - (1 if key >= rkey else 0)
    if mod.startswith("this") or "this" in mod:
        return ref.year
    if tense == PAST:
        return ref.year if key <= rkey else ref.year - 1
    if tense == FUTURE:
        return ref.year if key >= rkey else ref.year + 1
    if key <= rkey:
        if nearest and (rkey[0] - key[0]) * 31 + rkey[1] - key[1] > NEAREST_BACK_MONTHS * 31:
            return ref.year + 1           # "January" in a December article: the coming one
        return ref.year
    if nearest and (key[0] - rkey[0]) * 31 + key[1] - rkey[1] < NEAREST_AHEAD_MONTHS * 31:
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


def resolve(m, text, pub, nb, tense):
    """Normalised value for one match, or None. ``pub``: publication date; ``nb``: not-before date; ``tense()``:
    the tense of the clause (``times_tense``), asked only where it decides.

    Each kind of match has its resolver in ``_RESOLVERS``; those in ``_NEEDS_PUBLICATION`` need the day of
    publication, the others only a year (``pub`` or else ``nb``) or none."""
    kind = m.lastgroup
    if kind in _NEEDS_PUBLICATION and pub is None:
        return None
    resolver = _RESOLVERS.get(kind)
    return None if resolver is None else resolver(m, text, pub, pub or nb, tense)


# Every resolver takes (m, text, pub, ref, tense): ``ref`` is ``pub`` or else the not-before date, for
# expressions that need only the year (month, day-of-month).
def _tense_if_pub(pub, tense):
    """The clause's tense, or None without a publication date: against a not-before date a tense says
    nothing of the year."""
    return tense() if pub is not None else None


def _month_of(word):
    return MONTH_NUM.get(re.sub(r"[\s.]", "", word).lower())


def _count(word):
    """A count written as digits or a small number word ("three"), else None."""
    n = word.lower()
    return int(n) if n.isdigit() else _SMALL.get(n)


def _step(mod):
    """-1 for "last"/"previous", 1 for "next"/"coming"/"following", else 0 (this)."""
    if "last" in mod or "previous" in mod:
        return -1
    return 1 if ("next" in mod or "coming" in mod or "following" in mod) else 0


def _year_month(y, mo):
    return f"{y:04d}-{mo:02d}"


_REL_YEAR = {"this": 0, "last": -1, "next": 1}
_QUARTER_NUM = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
                "final": 4}


def _resolve_month_day(m, text, pub, ref, tense):
    """"June 16, 2022", "16 June", "Tuesday, June 16"."""
    g = m.group
    mon = _month_of(g("m1") or g("m2"))
    day = int(re.match(r"\d+", g("d1") or g("d2")).group(0))
    y = g("y1") or g("y2")
    if mon is None:
        return None
    if y:
        d = _valid(int(y), mon, day)
    else:
        if ref is None:
            return None
        d = _valid(_year_for(mon, day, ref, None, nearest=pub is not None, tense=_tense_if_pub(pub, tense)),
                   mon, day)
    return d.isoformat() if d else None


def _resolve_iso(m, text, pub, ref, tense):
    g = m.group
    if g("id"):
        d = _valid(int(g("iy")), int(g("im")), int(g("id")))
        return d.isoformat() if d else None
    return f"{g('iy')}-{g('im')}"


def _resolve_numeric(m, text, pub, ref, tense):
    """"06/16/2022" (US order unless the first number is over 12), "16.06.2022" (day first)."""
    g = m.group
    a, b, y = int(g("na")), int(g("nb")), _two_digit_year(g("ny"))
    sep = "." if "." in g("num") else "/"
    if sep == "." or a > 12:
        a, b = b, a                       # day first
    d = _valid(y, a, b)
    return d.isoformat() if d else None


def _resolve_quarter(m, text, pub, ref, tense):
    """"the third quarter of 2009", "Q3 2009", "the fourth quarter": the year."""
    g = m.group
    if g("qy") or g("qy2"):
        return g("qy") or g("qy2")
    if pub is None:
        return None
    if g("qrel"):
        return str(pub.year + _REL_YEAR[g("qrel").lower()])
    cur = (pub.month - 1) // 3 + 1
    n = _QUARTER_NUM.get(g("qn").lower())
    if n is None:                         # "the last quarter": the one before the current quarter
        return str(pub.year - (1 if cur == 1 else 0))
    if n <= cur:                          # begun by then: this year's
        return str(pub.year)
    t = tense()                           # not begun: the last one ended or the coming one starts
    if t is None:                         # the nearer of the two ("the fourth quarter" in August: ahead)
        t = PAST if pub.month - (3 * n - 12) <= (3 * n - 2) - pub.month else FUTURE
    return str(pub.year if t == FUTURE else pub.year - 1)


def _resolve_month(m, text, pub, ref, tense):
    """"June 2022", "In August", "early June", "October of next year"."""
    g = m.group
    mon = _month_of(g("m4"))
    if mon is None:
        return None
    if g("y4"):
        return f"{g('y4')}-{mon:02d}"
    if g("myrel"):                        # "October of next year"
        return None if pub is None else _year_month(pub.year + _REL_YEAR[g("myrel").lower()], mon)
    if ref is None:
        return None
    y = _year_for(mon, None, ref, g("mmod"), nearest=pub is not None,
                  tense=None if g("mmod") else _tense_if_pub(pub, tense))
    return _year_month(y, mon)


def _resolve_season(m, text, pub, ref, tense):
    """"summer 2011", "last winter": the year."""
    g = m.group
    if g("sy"):
        return g("sy")
    if pub is None:
        return None
    mod = (g("smod") or "").lower()
    return str(pub.year + (1 if "next" in mod or "coming" in mod else -1 if ("last" in mod or "past" in mod)
                           else 0))


def _resolve_year(m, text, pub, ref, tense):
    return m.group("y5")


def _resolve_apos(m, text, pub, ref, tense):
    """"since '82": the latest such year not after the anchor."""
    if ref is None:
        return None
    y = ref.year - (ref.year - int(m.group("ay"))) % 100
    return str(y)


def _resolve_ago(m, text, pub, ref, tense):
    """"three days ago", "a week ago" (that day), "two months ago", "a year ago"."""
    n = _count(m.group("an"))
    if n is None:
        return None
    unit = m.group("au").lower()
    if unit == "day":
        return (pub - dt.timedelta(days=n)).isoformat()
    if unit == "week":                    # "a week ago": that day
        return (pub - dt.timedelta(weeks=n)).isoformat()
    if unit == "month":
        return _year_month(*_month_shift(pub.year, pub.month, -n))
    return str(pub.year - n)


def _resolve_rel(m, text, pub, ref, tense):
    """"last week" / "this week" (ISO week), "this month", "next year"."""
    k = _step(m.group("rmod").lower())
    unit = m.group("runit").lower()
    if unit in ("week", "weekend"):
        return _week(pub + dt.timedelta(weeks=k))
    if unit == "month":
        return _year_month(*_month_shift(pub.year, pub.month, k))
    return str(pub.year + k)


def _resolve_clock(m, text, pub, ref, tense):
    """A time of day: the day it names, else the publication day."""
    g = m.group
    if g("cwd"):
        return _weekday(pub, WEEKDAY_NUM[g("cwd").lower()], tense())
    off = {"yesterday": -1, "tomorrow": 1}.get((g("cday") or "").lower(), 0)
    return (pub + dt.timedelta(days=off)).isoformat()


_DAY_OFFSET = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2}


def _resolve_day(m, text, pub, ref, tense):
    """"today", "yesterday", "this morning", "the day after tomorrow"."""
    off = _DAY_OFFSET.get(m.group("rday").lower(), 0)
    return (pub + dt.timedelta(days=off)).isoformat()


def _resolve_week_and_day(m, text, pub, ref, tense):
    """"Tuesday of next week": that day of that ISO week."""
    g = m.group
    k = _step((g("wkm") or g("wkm2")).lower())
    wd = WEEKDAY_NUM[(g("wkd") or g("wkd2")).lower()]
    return (pub + dt.timedelta(days=7 * k + wd - pub.weekday())).isoformat()


def _resolve_ahead(m, text, pub, ref, tense):
    """"in two weeks", "three days from now": ahead of publication."""
    g = m.group
    if g("hn") and not re.search(r"(?:now|today|time)$", m.group(0), re.I) and tense() != FUTURE:
        return None                       # "built in two weeks", "the first rain in three days": a duration
    n = _count(g("hn") or g("fn"))
    if n is None:
        return None
    unit = (g("hu") or g("fu")).lower()
    base = pub + dt.timedelta(days=1 if (g("fref") or "").lower() == "tomorrow" else 0)
    if unit in ("day", "week"):
        return (base + dt.timedelta(days=n * (7 if unit == "week" else 1))).isoformat()
    if unit == "month":
        return _year_month(*_month_shift(base.year, base.month, n))
    return str(base.year + n)


def _resolve_span(m, text, pub, ref, tense):
    """"later in the day", "the end of the month": the current one."""
    unit = m.group("spunit").lower()
    return pub.isoformat() if unit == "day" else _week(pub) if unit == "week" else \
        _year_month(pub.year, pub.month) if unit == "month" else str(pub.year)


def _resolve_theday(m, text, pub, ref, tense):
    """"ended the day down 3%": the day reported (anchored later)."""
    return pub.isoformat()


def _resolve_weekday(m, text, pub, ref, tense):
    """"next Tuesday" (the first after the anchor), "last Tuesday" (the last before it), "this Tuesday" (in the
    anchor's week), "on Tuesday" (by the tense)."""
    wd = WEEKDAY_NUM[m.group("wd").lower()]
    mod = (m.group("wmod") or "").lower()
    if any(w in mod for w in ("next", "coming", "following")):
        delta = (wd - pub.weekday()) % 7 or 7
    elif any(w in mod for w in ("last", "past", "previous", "earlier")):
        delta = -((pub.weekday() - wd) % 7 or 7)
    elif mod.strip() == "this":
        delta = wd - pub.weekday()        # the day in the anchor's week
    else:
        t = tense()
        if t is None and re.search(r"\b(?:until|till|by)\s$", text[max(0, m.start() - 7):m.start()], re.I):
            t = FUTURE                    # "closed until Friday": the coming one
        return _weekday(pub, wd, t)
    return (pub + dt.timedelta(days=delta)).isoformat()


_RESOLVERS = {
    "mdy": _resolve_month_day, "dmy": _resolve_month_day, "iso": _resolve_iso, "num": _resolve_numeric,
    "quarter": _resolve_quarter, "month": _resolve_month, "season": _resolve_season, "year": _resolve_year,
    "apos": _resolve_apos, "ago": _resolve_ago, "rel": _resolve_rel, "clock": _resolve_clock, "day": _resolve_day,
    "wkday": _resolve_week_and_day, "ahead": _resolve_ahead, "span": _resolve_span, "theday": _resolve_theday,
    "weekday": _resolve_weekday,
}
# the kinds that need the day of publication: without it their value is None
_NEEDS_PUBLICATION = frozenset({"ago", "rel", "clock", "day", "wkday", "ahead", "span", "theday", "weekday"})


def _weekday(pub, wd, tense):
    """A weekday named alone: past, the latest on or before ``pub`` (the same day counts); future, the next on
    or after it; no tense, unresolved."""
    if tense == PAST:
        return (pub - dt.timedelta(days=(pub.weekday() - wd) % 7)).isoformat()
    if tense == FUTURE:
        return (pub + dt.timedelta(days=(wd - pub.weekday()) % 7)).isoformat()
    return None
