"""Numbers spelled out in English words ("five thousand", "twenty-six", "a million", "half a dozen")."""
from __future__ import annotations

import re

UNITS = {"zero": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "lakh": 100_000, "crore": 10_000_000}

_WORD = "|".join(sorted(list(UNITS) + list(TENS) + list(SCALES) + ["dozen"], key=len, reverse=True))
# A run of number words, joined by spaces, hyphens or "and"; may start with "a" / "half a" before a scale.
WORDNUM = (r"(?:(?:half\s(?:a\s)?|a\s)(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
           r"(?:" + _WORD + r")(?:(?:\s?-\s?|\s+(?:and\s+)?)(?:" + _WORD + r"))*")
WORDNUM_RE = re.compile(r"\b" + WORDNUM + r"\b", re.I)
_SPLIT = re.compile(r"[\s\-]+")


def parse_words(s):
    """Value of a spelled-out number, or None. "two hundred and five" -> 205, "half a million" -> 500000."""
    words = [w for w in _SPLIT.split(s.lower()) if w and w != "and"]
    factor = 1.0
    if words and words[0] == "half":
        factor, words = 0.5, words[1:]
    if words and words[0] == "a":
        words = ["one"] + words[1:]
    if not words:
        return None
    total, current, seen = 0, 0, False
    for w in words:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    return float((total + current) * factor)


# Fractions in words: "two-thirds", "three fifths", "one eighth", "two and a half" are always fractions; "a third",
# "a quarter", "three quarters", "half" only before "of" ("a quarter of the budget"): "a third term", "the last
# three quarters" are not.
DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
                "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_DEN = "|".join(sorted(DENOMINATORS, key=len, reverse=True))
_SINGULAR = r"(?:half|third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
_PLURAL = r"(?:thirds|fourths|fifths|sixths|sevenths|eighths|ninths|tenths)"
_NUMER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine)"
WORDFRAC = (r"(?:(?:" + WORDNUM + r"|\d+)\sand\s(?:a|an|one)\s" + _SINGULAR
            + r"|" + _NUMER + r"-(?:" + _DEN + r")"
            + r"|(?:two|three|four|five|six|seven|eight|nine)\s" + _PLURAL
            + r"|one\s(?:third|fifth|sixth|seventh|eighth|ninth|tenth)"
            # not "the second half of", "an hour and a half of"
            + r"|(?<!first\s)(?<!second\s)(?<!other\s)(?<!and\s)(?<!\ba\s)(?<!\ban\s)(?:" + _NUMER + r"\s)?(?:" + _DEN + r")(?=\sof\b))"
            + r"(?!-)")


def parse_fraction_words(s):
    """Value of a fraction in words, or None. "two-thirds" -> 0.667, "two and a half" -> 2.5, "half" -> 0.5."""
    words = [w for w in _SPLIT.split(s.lower()) if w]
    if not words or words[-1] not in DENOMINATORS:
        return None
    den = DENOMINATORS[words[-1]]
    head = words[:-1]
    whole = 0.0
    if "and" in head:
        k = head.index("and")
        w = " ".join(head[:k])
        whole = float(w) if w.isdigit() else parse_words(w)
        if whole is None:
            return None
        head = head[k + 1:]
    num = 1.0
    if head:
        num = 1.0 if head == ["a"] or head == ["an"] else parse_words(" ".join(head))
        if num is None or num >= den:
            return None
    return whole + num / den
