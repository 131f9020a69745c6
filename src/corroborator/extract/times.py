"""Time expressions in news text, normalised to YYYY | YYYY-MM | YYYY-MM-DD | YYYY-Www (or None).

A regular grammar (no dateparser: it is too slow to run on every article). What it finds:

- absolute dates: "June 16, 2022", "16 June 2022", "Tuesday, June 16", "2022-06-16", "06/16/2022"
  (US order unless the first number is over 12; "16.06.2022" is day first), "June 2022", "2022", "mid-2011",
  "since '82";
- month and day without a year: "In August", "early June", "June 16", "October of next year";
- relative expressions: "today", "yesterday", "tomorrow", "this morning", "next Tuesday" (the first after the
  anchor), "last Tuesday" (the last before it), "last week" / "this week" (ISO week), "this month", "last
  year", "three days ago", "a week ago" (that day), "later in the day", "the end of the month", "the third
  quarter of 2009" (-> the year), seasons (-> the year); a time of day ("at 18:00 UTC") or "the day" in
  "ended the day" is the day named beside it in the sentence, else the day of publication.

Tense (``times_tense``: the governing verb in the parse when ``tokens`` are given, else the words of the
clause) decides what the grammar leaves open: a weekday named alone ("on Wednesday") in the past is the latest
such day on or before publication (the same day counts), in the future ("will meet on Wednesday", "is
scheduled for Wednesday", "is meeting on Wednesday") the next on or after it, and with no tense cue it stays
unresolved. A month or month-day without a year, and a quarter not yet begun, follow the tense the same way.

Event names are not dates: "9/11", "the Sept. 11 attacks", "the Jan. 6 committee", "July 4 organisers",
"Fourth of July", "Black Monday" give no time expression, and "the 12 July 4 organisers" reads no "12 July".

Anchors. ``published`` (YYYY-MM-DD) resolves everything. Without it, ``not_before`` (YYYY-MM-DD, the article
is known to be no older) gives only a year for expressions that name a month: "In August" is the latest
August not after ``not_before``. Expressions that need the day of publication ("this month", "yesterday",
"last week", "on Tuesday") keep value None. Today's date is never used.
A month without a modifier or tense is read nearest the publication date, in the past unless it is less than
five months ahead ("In August" in an October article is this year's August, "the vote in November" too).
"""
from __future__ import annotations

import datetime as dt
import re

from .. import config
from ..records import TimeExpr
from .times_grammar import DAY, DAY_MONTH_YEAR, ISO_DATE, MONTH, MONTH_DAY_YEAR, MONTH_NUM, NUMERIC_DATE, YEAR
from .times_resolve import resolve
from .times_tense import TokenTense, lexical_tense

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.times")
DAY_REACH = _C["day_reach"]

_WEEKDAY_FULL = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WD_PREFIX = r"(?:" + _WEEKDAY_FULL + r"[^\S\n]?,?[^\S\n])?"   # "Friday, June 16"; never across a line
_PART = r"(?:\s(?:morning|afternoon|evening|night))?"
_EDGE = (r"(?:(?:the\s)?(?:very\s)?(?:early|late|mid|end\sof|beginning\sof|start\sof|middle\sof)"
         r"(?:\s(?:of\s)?|-)|(?:the\s)?(?:end|beginning|start|middle)\sof\s)")
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\sfew|a\scouple\sof)"


_PATTERNS = [
    ("mdy", _WD_PREFIX + MONTH_DAY_YEAR),
    ("dmy", _WD_PREFIX + DAY_MONTH_YEAR),
    ("iso", ISO_DATE),
    ("num", NUMERIC_DATE),
    ("quarter", r"(?:the\s)?(?P<qn>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]quarter"
                r"(?:\s(?:of\s)?(?:(?P<qy>" + YEAR + r")|(?P<qrel>this|last|next)\syear))?"
                r"|\bQ[1-4]\s?(?P<qy2>" + YEAR + r")"),
    ("month", r"(?P<mmod>(?:earlier|later|early|late)\sthis\s|(?:last|next|this|coming|past)\s|" + _EDGE + r")?"
              r"(?P<m4>" + MONTH + r")(?:\s?,?\s(?:of\s)?(?P<y4>" + YEAR + r")\b|\s(?:of\s)?(?P<myrel>next|last|this)"
              r"\syear\b)?"),
    ("season", r"(?P<smod>(?:earlier|later|early|late)\sthis\s|(?:last|next|this|coming|past)\s|" + _EDGE
               + r"|(?:the|in)\s)?(?P<sname>spring|summer|autumn|fall|winter)(?:\s(?:of\s)?(?P<sy>" + YEAR
               + r")\b)?"),
    ("span", r"(?P<spmod>(?:earlier|later|early|late)\sin|(?:the\s)?(?:very\s)?(?:end|beginning|start|middle)\sof)"
             r"\s(?:the\s)?(?P<spunit>day|week|month|year)\b(?!\s(?:of|\d))"),
    ("theday", r"the\sday\b(?!\s?(?:before|after|of|that|when|in\swhich|on\swhich|[a-z]+ed\b|he|she|they|it|we|i|-))"),
    ("wkday", r"(?P<wkm>next|last|this|previous|following|the\sfollowing|the\sprevious)\sweek,?\s(?:on\s)?"
              r"(?P<wkd>" + _WEEKDAY_FULL + r")|(?:on\s)?(?P<wkd2>" + _WEEKDAY_FULL + r")\sof\s(?:the\s)?"
              r"(?P<wkm2>next|last|this|previous|following|coming)\sweek"),
    ("ahead", r"(?:in|within)\s(?:another\s)?(?P<hn>" + _NUMW + r")\s(?P<hu>day|week|month|year)s?\b(?!\s(?:of|and)\b)"
              r"(?:\s(?:from\s(?:now|today)|time))?|(?P<fn>" + _NUMW + r")\s(?P<fu>day|week|month|year)s?\sfrom\s"
              r"(?P<fref>now|today|tomorrow)"),
    ("ago", r"(?P<an>" + _NUMW + r")\s(?P<au>day|week|month|year)s?\sago\b"),
    ("rel", r"(?P<rmod>(?:(?:the\s)?(?:earlier|later|early|late|end\sof|beginning\sof|start\sof|middle\sof)\s)?"
            r"(?:this|last|next|the\scoming|the\sprevious|previous|the\sfollowing)|(?:this|the)\spast)"
            r"\s(?:(?:fiscal|financial|calendar)\s)?(?P<runit>weekend|week|month|year)\b"),
    ("clock", r"(?:\d{1,2}\s?:\s?\d{2}|\d{1,2}\s?(?:[ap]\.\s?m\.|[ap]m\b)|[0-2]\d[0-5]\d(?=\s?(?:GMT|UTC)\b))"
              r"(?:\s?(?:[ap]\.?\s?m\b\.?))?"
              r"(?:\s?\(?\s?(?:GMT|UTC|[A-Z]{1,2}T)(?:\s?[+-]\s?\d{1,2})?\s?\)?)?"
              r"(?:\s(?:on\s)?(?P<cday>today|yesterday|tomorrow|(?P<cwd>" + _WEEKDAY_FULL + r")))?"),
    ("day", r"(?P<rday>the\sday\sbefore\syesterday|the\sday\safter\stomorrow|today|tonight|yesterday|tomorrow|"
            r"last\snight|this\s(?:morning|afternoon|evening))" + _PART),
    ("weekday", r"(?P<wmod>(?:last|next|this|this\spast|this\scoming|this\supcoming|coming|upcoming|past|previous|"
                r"following|earlier\sthis)\s)?"
                r"(?P<wd>" + _WEEKDAY_FULL + r")(?![^\S\n]?,?[^\S\n](?:" + MONTH + r")\s" + DAY + r")" + _PART),
    ("apos", r"(?<=[^\S\n]['’])(?P<ay>\d\d)(?!['’]?s\b|\d)"),
    ("year", r"(?P<ymod>" + _EDGE + r"|(?:fiscal|FY)\s?)?(?P<y5>" + YEAR + r")(?!\s?(?:%|-\d|\d|,\d))"),
]
TIME_RE = re.compile(r"\b(?:" + "|".join(r"(?P<%s>%s)" % (name, pat) for name, pat in _PATTERNS) + r")\b", re.I)
_COUNT_BEFORE = re.compile(r"(?:\$|€|£|#|\bmore\sthan|\babout|\bnearly|\bsome|\bover|\bup\sto|\bat\sleast|"
                           r"\baround|\balmost|\bunder|\bthe\s(?:top|first|last))\s?$", re.I)
_AFTER_COUNT = re.compile(r"^\s?(?:people|persons|troops|soldiers|workers|jobs|employees|dealers(?:hips)?|"
                          r"units|cars|vehicles|votes|members|homes|times|points|feet|metres|meters|km|miles|"
                          r"tons|tonnes|rounds|pages|words|dollars|euros|shares|acres)\b", re.I)
_THE_DAY_BEFORE = re.compile(r"\b(?:end(?:s|ed|ing)?|finish(?:es|ed|ing)?|clos(?:e|es|ed|ing)|start(?:s|ed|ing)?|"
                             r"open(?:s|ed|ing)?|beg[ia]n|begins|beginning|for)\s$", re.I)
_MAY_CONTEXT = re.compile(r"\b(?:in|since|until|till|by|of|from|through|to|during|early|late|mid|last|next|this|"
                          r"before|after|on)[\s-]$", re.I)


def _date(s):
    try:
        return dt.date.fromisoformat(s[:10]) if s else None
    except (TypeError, ValueError):
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
    if kind == "theday":                  # "ended the day", "for the day": the day of trading reported
        return bool(_THE_DAY_BEFORE.search(before))
    if kind == "apos":
        return bool(re.search(r"\b(?:since|in|of|from|until|till|by|to|through|before|after)\s['’]$", before, re.I))
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


def find_times(text, start=0, end=None, published=None, not_before=None, tokens=None) -> list:
    """Time expressions in ``text[start:end]`` (offsets into ``text``), normalised as the module docstring says.

    ``tokens`` (``records.Token`` over ``text``, as ``Annotation.tokens``) give the tense of the verb governing
    an expression; without them the tense is read from the words of the clause.
    """
    if not text:
        return []
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    pub, nb = _date(published), _date(not_before)
    parse = TokenTense(tokens) if tokens else None
    out, floating = [], []

    def not_here(m):                      # a reading the text rules out: look on from the next word
        return _number_before_month_day(m, text)

    for m in _time_matches(text, start, end, not_here):
        if m.end() <= m.start() or not _accept(m, text, start) or _event_name(m, text):
            continue

        def tense(m=m):
            if parse is not None:
                return parse.at(m.start(), m.end())
            return lexical_tense(text, m.start(), m.end())
        value = resolve(m, text, pub, nb, tense)
        if value is None and m.lastgroup == "ahead" and pub is not None:
            continue                      # "in two weeks" read as a duration, not a date
        out.append(TimeExpr(m.start(), m.end(), m.group(0), value))
        if _needs_day(m) and out[-1].value:
            floating.append(len(out) - 1)
    floating_set = set(floating)
    for k in floating:                    # "at 18:00 UTC" beside "on Tuesday": that Tuesday
        day = _day_beside(out, k, text, floating_set)
        if day:
            t = out[k]
            out[k] = TimeExpr(t.start, t.end, t.text, day)
    return out


def _needs_day(m):
    """A time of day or "the day" with no day of its own: it takes the day named beside it, else publication's."""
    kind = m.lastgroup
    return (kind == "clock" and not m.group("cday")) or kind == "theday" or (
        kind == "span" and m.group("spunit").lower() == "day")


_SENTENCE_BREAK = re.compile(r"[!?\n]|\.\s+[A-Z\"“]|\s\.\s")


def _day_beside(out, k, text, floating, reach=None):
    """The value of the nearest expression giving a day, in the same sentence as ``out[k]``, if any.
    ``out`` is in text order, so only the neighbours within ``reach`` characters (default ``DAY_REACH``) are
    looked at."""
    reach = DAY_REACH if reach is None else reach
    me, best, best_d = out[k], None, None
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(out):
            t = out[j]
            gap = (t.end, me.start) if step < 0 else (me.end, t.start)
            if gap[1] - gap[0] > reach:
                break
            j += step
            if j - step in floating or not t.value or len(t.value) != 10 or gap[1] < gap[0]:
                continue
            if _SENTENCE_BREAK.search(text, gap[0], gap[1]):
                break
            if best_d is None or gap[1] - gap[0] < best_d:
                best, best_d = t.value, gap[1] - gap[0]
            break
    return best


# Nouns that make a date before them the name of an event: any date ("the March 11 attacks", "the Sept. 11
# hijackers"), and, after the dates that name events of their own, the nouns a dated meeting also takes
# ("the Jan. 6 hearings", "July 4 organisers", where "a June 3 hearing" is a date).
_EVENT_HEAD = re.compile(
    r"[^\S\n]?-?[^\S\n]?(?:attacks|attackers|hijack(?:ers|ings)|bombings|bombers|massacre|riots|rioters|"
    r"insurrection(?:ists)?|uprising|terror(?:ism|ists?)?|truthers?|commission|era|generation)\b", re.I)
_EVENT_HEAD_WEAK = re.compile(
    r"[^\S\n]?-?[^\S\n]?(?:attack|hijacking|bombing|riot|anniversar(?:y|ies)|committee|panel|hearings?|"
    r"memorials?|parades?|holidays?|celebrations?|festivities|fireworks|organi[sz]ers|victims|survivors|"
    r"responders|defendants|probe|investigation|weekend|picnics?|barbecues?|sales?)\b", re.I)
# Dates that name an event of their own: 9/11, Jan. 6, July 4.
_EVENT_DATES = {(9, 11), (1, 6), (7, 4)}
_EVENT_DATE_BEFORE = re.compile(r"(?:\b(?:since|after|before|of|the)|\bpost|\bpre)[\s-]$", re.I)
_HOLIDAY_BEFORE = re.compile(r"\b(?:fourth|4th)\s(?:of\s)?$", re.I)
_HOLIDAY_AFTER = re.compile(r"^\s(?:fourth|4th)\b", re.I)
_NAMED_WEEKDAY = re.compile(r"\b(?:Black|Cyber|Super|Good|Easter|Bloody|Ash|Holy|Maundy|Palm|Shrove|Giving)\s$")


def _month_day(m):
    """(month, day) of a month-and-day match without a year, else None."""
    kind = m.lastgroup
    if kind not in ("mdy", "dmy") or m.group("y1") or m.group("y2"):
        return None
    mon = MONTH_NUM.get(re.sub(r"[\s.]", "", (m.group("m1") or m.group("m2"))).lower())
    day = re.match(r"\d+", m.group("d1") or m.group("d2"))
    return (mon, int(day.group(0))) if mon and day else None


def _number_before_month_day(m, text):
    """"the 12 July 4 organisers": a number, then a month and day; "12 July" is not a date there."""
    return m.lastgroup == "dmy" and _month_day(m) is not None and bool(
        re.match(r"[^\S\n]\d{1,2}(?:st|nd|rd|th)?\b(?!\s?[:.,/]\s?\d)", text[m.end():m.end() + 8]))


def _event_name(m, text):
    """True for a date that names an event rather than dates what is said ("the Sept. 11 attacks", "Jan. 6
    hearings", "9/11", "July 4 parade", "Fourth of July", "Black Monday"). A name has no date of the story."""
    kind = m.lastgroup
    before = text[max(0, m.start() - 12):m.start()]
    after = text[m.end():m.end() + 24]
    if kind == "weekday" and not m.group("wmod"):
        return bool(_NAMED_WEEKDAY.search(before))
    if kind == "month" and not m.group("y4") and not m.group("mmod"):
        return bool(_HOLIDAY_BEFORE.search(before) or _HOLIDAY_AFTER.match(after))
    md = _month_day(m)
    if md is None:
        return False
    if kind == "dmy" and md == (7, 4) and re.search(r"\bof\s", m.group(0)):
        return True                       # "4th of July"
    if _EVENT_HEAD.match(after) or _HOLIDAY_BEFORE.search(before):
        return True
    return md in _EVENT_DATES and bool(_EVENT_HEAD_WEAK.match(after) or _EVENT_DATE_BEFORE.search(before))


_WORD_START = re.compile(r"\b\w")


def _time_matches(text, start, end, not_here=None):
    """The matches of ``TIME_RE.finditer(text, start, end)``, found faster: every alternative of ``TIME_RE``
    begins with a letter or a digit right after its leading ``\\b``, so a match can only start where a word
    starts; ``TIME_RE`` is tried there alone instead of at every character (``\\b`` looks at the real
    text on both sides of the position, as in a search). Keep this true when adding alternatives.
    A match for which ``not_here(m)`` is true is passed over and the scan goes on from the next word."""
    pos = start
    while True:
        w = _WORD_START.search(text, pos, end)
        if w is None:
            return
        m = TIME_RE.match(text, w.start(), end)
        if m is not None and m.end() > m.start() and not (not_here is not None and not_here(m)):
            yield m
            pos = m.end()
        else:
            pos = w.start() + 1
