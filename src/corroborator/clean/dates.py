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
_MDY = re.compile(_MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _mk(y, m, d):
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def full_dates(text: str) -> list:
    """Every full calendar date (``datetime.date``) written in ``text``."""
    out = []
    for m in _MDY.finditer(text):
        out.append(_mk(m.group(3), _MONTHS[m.group(1).lower()[:3]], m.group(2)))
    for m in _DMY.finditer(text):
        out.append(_mk(m.group(3), _MONTHS[m.group(2).lower()[:3]], m.group(1)))
    for m in _ISO.finditer(text):
        out.append(_mk(m.group(1), m.group(2), m.group(3)))
    return [d for d in out if d is not None and 1900 <= d.year <= 2100]


def latest_full_date(*texts) -> str | None:
    """The latest full date written in any of ``texts``, as ``YYYY-MM-DD`` (None if there is none)."""
    dates = [d for t in texts if t for d in full_dates(t)]
    return max(dates).isoformat() if dates else None
