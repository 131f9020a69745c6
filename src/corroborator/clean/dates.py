"""Full dates written in text ("June 16, 2022", "16 June 2022", "2022-06-16"), for ``published_not_before``."""
from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
# month names in any case ("SEPTEMBER 16, 2013"); a comma may stand apart, as in tokenised text ("July 28 , 2004")
_MDY = re.compile(r"\b" + _MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?\s?,?\s+(\d{4})\b", re.I)
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"\s?,?\s+(\d{4})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# what may stand beside the date on a dateline: a clock time, a time zone, a weekday, a few words
_CLOCK = re.compile(r"\b\d{1,2}\s?[:.]\s?\d{2}(?:\s?[:.]\s?\d{2})?\s?(?:[ap]\.?\s?m\b\.?)?", re.I)
_ZONE = re.compile(r"\(?\b(?:GMT|UTC)\s?(?:[+-]\s?\d{1,2}(?:\s?:\s?\d{2})?)?\s?\)?|\b[A-Z]{1,3}T\b|\bIST\b|\bET\b")
_WEEKDAY = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I)


def _mk(y, m, d):
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def date_spans(text: str) -> list:
    """``(start, end, datetime.date)`` for every full calendar date written in ``text``."""
    out = []
    for m in _MDY.finditer(text):
        out.append((m.start(), m.end(), _mk(m.group(3), _MONTHS[m.group(1).lower().rstrip(".")[:3]], m.group(2))))
    for m in _DMY.finditer(text):
        out.append((m.start(), m.end(), _mk(m.group(3), _MONTHS[m.group(2).lower().rstrip(".")[:3]], m.group(1))))
    for m in _ISO.finditer(text):
        out.append((m.start(), m.end(), _mk(m.group(1), m.group(2), m.group(3))))
    return [x for x in out if x[2] is not None and 1900 <= x[2].year <= 2100]


def full_dates(text: str) -> list:
    """Every full calendar date (``datetime.date``) written in ``text``."""
    return [d for _, _, d in date_spans(text)]


def bare_date_line(line: str):
    """The date of a line that is a date and little else ("July 28 , 2004", "December 22nd, 2008 8:55 am",
    "4 October 2013, 18:07 (GMT+05:00)", "PARIS, Nov 12, 2011, 05.51AM IST"): a dateline without a "Posted"
    or "Updated" in front. None for any other line."""
    spans = date_spans(line)
    if not spans or len(line.split()) > 16:
        return None
    rest = line
    for a, b, _ in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    rest = _WEEKDAY.sub(" ", _ZONE.sub(" ", _CLOCK.sub(" ", rest)))
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return spans[0][2] if len(words) <= 2 else None


def latest_full_date(*texts) -> str | None:
    """The latest full date written in any of ``texts``, as ``YYYY-MM-DD`` (None if there is none)."""
    dates = [d for t in texts if t for d in full_dates(t)]
    return max(dates).isoformat() if dates else None
