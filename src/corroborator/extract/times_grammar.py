"""Shared regular grammar for dates and times of day.

Used by ``times`` (to find and normalise dates) and by ``quantities`` (to leave the numbers inside
dates and clock times alone). Patterns tolerate tokenised text ("June 16 , 2022", "10 : 30").
"""
from __future__ import annotations

import re

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12}
MONTH_NUM = {m: i + 1 for i, m in enumerate(MONTHS)}
MONTH_NUM.update(MONTH_ABBR)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_ABBR = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5,
                "sun": 6}
WEEKDAY_NUM = {d: i for i, d in enumerate(WEEKDAYS)}
WEEKDAY_NUM.update(WEEKDAY_ABBR)

# "May" is also a modal verb: full month names other than May are always months; "May" needs a day or
# a year next to it, or a preposition before it (handled by the callers).
_MONTH_ALT = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
MONTH = _MONTH_ALT + r"(?:\s?\.)?"   # "Sept." / tokenised "Sept ."
WEEKDAY = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
           r"|sat(?:urday)?|sun(?:day)?)")
_ORD = r"(?:\s?(?:st|nd|rd|th))?"
DAY = r"(?:[12]\d|3[01]|0?[1-9])" + _ORD
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_COMMA = r"\s?,?\s?"

# Day-precise and month-precise dates with a month name. Named groups let ``times`` read them.
MONTH_DAY_YEAR = (r"(?P<m1>" + MONTH + r")\s(?P<d1>" + DAY + r")\b(?:" + _COMMA + r"(?P<y1>" + YEAR + r")\b)?")
DAY_MONTH_YEAR = (r"(?:the\s)?(?P<d2>" + DAY + r")\s(?:of\s)?(?P<m2>" + MONTH + r")\b(?:" + _COMMA
                  + r"(?P<y2>" + YEAR + r")\b)?")
MONTH_YEAR = r"(?P<m3>" + MONTH + r")\s?,?\s(?P<y3>" + YEAR + r")\b"
ISO_DATE = r"(?P<iy>" + YEAR + r")-(?P<im>0[1-9]|1[0-2])(?:-(?P<id>0[1-9]|[12]\d|3[01]))?\b"
NUMERIC_DATE = r"(?P<na>\d{1,2})\s?[/.]\s?(?P<nb>\d{1,2})\s?[/.]\s?(?P<ny>\d{4}|\d{2})\b"

# Times of day: "10:30", "10 : 30", "10 a.m.", "10pm", "10 o'clock", "1600 GMT".
TIME_OF_DAY = (r"\b\d{1,2}\s?:\s?\d{2}(?:\s?:\s?\d{2})?(?:\s?(?:[ap]\.?\s?m\b\.?|gmt|utc|[a-z]{1,2}t))?"
               r"|\b\d{1,2}\s?(?:[ap]\.\s?m\.|[ap]m\b|o'clock|o’clock)"
               r"|\b[0-2]\d[0-5]\d\s?(?:gmt|utc|hrs|hours\s(?:gmt|utc|local))\b")

DATE_MASK_RE = re.compile(
    r"\b(?:" + MONTH_DAY_YEAR + "|" + DAY_MONTH_YEAR + "|" + MONTH_YEAR + "|" + ISO_DATE + "|" + NUMERIC_DATE
    + ")|" + TIME_OF_DAY, re.I)


def masked_spans(text, start=0, end=None):
    """Character spans of dates and clock times in ``text[start:end]`` (numbers there are not quantities)."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in DATE_MASK_RE.finditer(text, start, end)]
