"""The tense a time expression is used in: "past", "future" or None (no cue).

``times`` resolves expressions that name a day or a month without saying which one ("on Wednesday", "in
January", "the fourth quarter") by it: a past one is the latest such day on or before publication, a future
one the next on or after, and a weekday with no cue stays unresolved.

Two readers, one answer format:

- ``TokenTense`` reads the governing verb in the parse (records.Token: tag, dep, head), as the pipeline has
  it: VBD, or VBN with "has"/"was" -> past; "will"/"shall"/another modal, "going to", a present progressive
  ("is meeting on Friday"), a present passive of scheduling ("is scheduled for Friday") -> future;
- ``lexical_tense`` reads the words of the clause when no parse is given: the verb cue nearest the expression.
"""
from __future__ import annotations

import bisect
import re

from .. import config

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.times_tense")
LEXICAL_WINDOW = _C["lexical_window"]
AFTER_COST = _C["after_cost"]
CLAUSE_COST = _C["clause_cost"]

PAST, FUTURE = "past", "future"

_FUTURE_MODALS = {"will", "shall", "'ll", "’ll", "wo", "can", "could", "may", "might", "must", "should",
                  "would", "ca"}
_PRESENT_BE = {"is", "are", "am", "'s", "’s", "'re", "’re", "be"}
_PAST_AUX = {"was", "were", "has", "have", "had", "'ve", "’ve", "'d", "’d", "did", "been"}
# A verb whose present passive or bare participle places its complement ahead ("is scheduled for Friday",
# "the vote, set for Friday").
_SCHEDULE = {"schedule", "set", "slate", "plan", "expect", "due", "book", "program", "programme", "timetable",
             "tip", "poise", "intend", "hope", "aim", "propose"}
# Present-tense reporting verbs say nothing of when the reported thing happens ("police say ... Monday").
_SAY = {"say", "tell", "report", "claim", "state", "add", "note", "write", "announce", "confirm", "insist"}


class TokenTense:
    """Tense of the verb governing a character span, read from the article's tokens (``records.Token``)."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.starts = [t.start for t in tokens]

    def at(self, start, end):
        i = bisect.bisect_right(self.starts, start) - 1
        toks = self.tokens
        if i < 0 or i >= len(toks) or toks[i].end <= start:
            i += 1
        if i >= len(toks) or toks[i].start >= end:
            return None
        # the token of the span whose head lies outside it (the span's own head)
        span = [i]
        while span[-1] + 1 < len(toks) and toks[span[-1] + 1].start < end:
            span.append(span[-1] + 1)
        head = next((j for j in span if toks[j].head not in span or toks[j].head == j), span[-1])
        verb = self._governing_verb(head)
        return None if verb is None else self._tense_of(verb, depth=0)

    def _governing_verb(self, j):
        toks = self.tokens
        for _ in range(10):
            t = toks[j]
            if t.pos in ("VERB", "AUX") and t.dep not in ("aux", "auxpass"):
                return j
            if t.head == j:
                return None
            j = t.head
        return None

    def _aux_of(self, v):
        toks = self.tokens
        lo, hi = max(0, v - 8), min(len(toks), v + 3)
        return [toks[k] for k in range(lo, hi) if k != v and toks[k].head == v
                and toks[k].dep in ("aux", "auxpass", "neg")]

    def _tense_of(self, v, depth):
        toks = self.tokens
        t = toks[v]
        aux = self._aux_of(v)
        words = {a.text.lower() for a in aux}
        if any(a.tag == "MD" or a.text.lower() in _FUTURE_MODALS for a in aux):
            return FUTURE
        if "to" in words or (t.tag == "VB" and any(a.tag == "TO" for a in aux)):
            # an infinitive: ahead of a present or future governor ("plans to vote Friday", "is going to")
            if depth < 2 and t.head != v and toks[t.head].pos in ("VERB", "AUX"):
                up = self._tense_of(t.head, depth + 1)
                if up == FUTURE or toks[t.head].tag in ("VBZ", "VBP") or (
                        toks[t.head].tag == "VBG" and words & _PRESENT_BE):
                    return FUTURE
                if toks[t.head].lemma == "go" and toks[t.head].tag == "VBG":
                    return FUTURE if up != PAST else None
                return None
            return FUTURE if t.dep == "ROOT" else None   # a headline's "Markets to remain closed until Friday"
        if words & {"did"}:
            return PAST
        if t.tag == "VBD":
            return PAST
        if t.tag == "VBN":
            if t.lemma in _SCHEDULE and not words & {"was", "were", "had"}:
                return FUTURE             # "is scheduled for", "has been set for Friday"
            if words & _PAST_AUX:
                return PAST
            if words & _PRESENT_BE:
                return None               # a present passive: "Smith is charged on Monday"
            if t.dep not in ("acl", "relcl", "ROOT") and depth < 2 and t.head != v \
                    and toks[t.head].pos in ("VERB", "AUX"):
                return self._tense_of(t.head, depth + 1)   # "kept markets closed until Friday"
            return PAST                   # a bare participle: "the man arrested Wednesday"
        if t.tag == "VBG":
            if words & {"was", "were"}:
                return PAST
            if words & _PRESENT_BE:
                return FUTURE             # present progressive: "is meeting on Friday"
            if depth < 2 and t.head != v and toks[t.head].pos in ("VERB", "AUX"):
                return self._tense_of(t.head, depth + 1)
            return None
        if t.tag in ("VBZ", "VBP"):
            if t.lemma == "be":
                return FUTURE             # "the vote is on Friday", "is due Friday"
            if t.lemma in _SAY:
                return None
            return None
        return None


# ------------------------------------------------------------------ without a parse
_IRREGULAR_PAST = (
    "said|told|was|were|had|did|went|came|took|made|gave|found|left|met|saw|held|began|fell|rose|won|lost|got|"
    "brought|bought|caught|sent|spent|struck|ran|shot|broke|chose|drove|flew|fled|fought|grew|hung|knew|led|paid|"
    "sold|sought|spoke|stood|stole|swore|threw|understood|wrote|became|forgot|froze|hid|rode|rang|sang|sank|"
    "shook|slept|stuck|swam|tore|wore|woke|withdrew|thought|felt|kept|heard|meant|sat|lay|laid|built|sent|"
    "taught|overtook|undertook|arose|awoke|bore|bound|bred|dealt|dug|drew|drank|ate|fed|forbade|forgave|"
    "ground|leapt|lent|lit|mistook|overcame|overran|overthrew|rebuilt|rewrote|shone|shrank|slid|spun|split|"
    "sprang|stung|stank|strode|strove|swept|swung|upheld|wept|wound|wrung")
_FUTURE_WORDS = re.compile(
    r"\b(?:(?:will|shall|would|could|may|might|must|should|can|won['’]t)\s(?:not\s)?(?:\w+ly\s)?"
    r"(?:be\s|have\s(?:been\s)?)?[a-z]+|going\sto|gonna|scheduled|slated|set\sto|due\s(?:to|on|for|in)|expected\sto|"
    r"plans?\sto|planning\sto|intends?\sto|upcoming|to\sbe\sheld|"
    r"(?:is|are|am)\s(?:\w+\s)?\w+ing)\b|['’]ll\b", re.I)
_PAST_WORDS = re.compile(r"\b(?:" + _IRREGULAR_PAST + r"|(?:has|have|had)\s(?:\w+\s)?\w+(?:ed|en)|"
                         r"[a-z]{2,}(?<!need)(?<!speed)(?<!seed)(?<!feed)(?<!deed)(?<!indeed)(?<!hundred)"
                         r"(?<!bed)(?<!red)(?<!shed)(?<!led)ed)\b", re.I)
# the end of a sentence or clause ("U.S. officials" and "Apple Inc. released" go on)
_CLAUSE_STOP = re.compile(r"[!?;:\n\"“”]|\.(?=\s+[A-Z\"“(])|\s\.\s|\.$")


def lexical_tense(text, start, end, window=None):
    """Tense from the words of the clause around ``text[start:end]`` (at most ``window`` characters each side,
    default ``LEXICAL_WINDOW``): the verb cue nearest the span, a cue after it counting ``AFTER_COST`` times
    its distance, and ``CLAUSE_COST`` more across a comma or a bracket."""
    window = LEXICAL_WINDOW if window is None else window
    lo = max(0, start - window)
    left = text[lo:start]
    cut = list(_CLAUSE_STOP.finditer(left))
    if cut:
        lo += cut[-1].end()
    hi = min(len(text), end + window)
    stop = _CLAUSE_STOP.search(text, end, hi)
    if stop:
        hi = stop.start()
    best, best_d = None, None
    future = [(m.start(), m.end()) for m in _FUTURE_WORDS.finditer(text, lo, hi)]
    past = [(m.start(), m.end()) for m in _PAST_WORDS.finditer(text, lo, hi)
            if not any(f[0] < m.end() and m.start() < f[1] for f in future)]   # "has been scheduled": ahead
    for spans, tense in ((future, FUTURE), (past, PAST)):
        for s, e in spans:
            if s < end and start < e:
                continue
            gap = text[e:start] if e <= start else text[end:s]
            d = len(gap) if e <= start else len(gap) * AFTER_COST     # cues before count more
            if "," in gap or "(" in gap or ")" in gap:
                d += CLAUSE_COST          # across a comma: another clause, likely
            if best_d is None or d < best_d:
                best, best_d = tense, d
    return best
