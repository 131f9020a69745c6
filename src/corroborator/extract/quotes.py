"""Quotes: direct, indirect and mixed, each with its cue and its speaker.

Works only from the ``Annotation`` (tokens, lemmas, dependencies): no model runs here.

1. Quotation-mark spans are paired per paragraph (curly, straight, guillemets, low-high, single curly);
   an opening mark left open at a paragraph's end runs to that paragraph's end (the press convention for
   quotes that go on over several paragraphs).
2. Every communication verb outside quotation marks with content (a that-clause or complement clause, an
   "as reported by" / "according to" frame, a parenthetical "X, he said, Y", a that-clause hung on "said in a
   statement", a claim noun put forward: "raised the concern that ...") gives a quote. Its content is
   extended to whole quotation spans it touches: kind ``direct`` (only quoted text), ``mixed`` (reported
   speech with a quoted fragment) or ``indirect``.
3. Remaining quotation spans look for a cue right after them ("...," he said) or right before ("X said:").
   A quotation that fills its sentence with no cue continues the previous quote's speaker when that quote is
   in the same or the previous paragraph; other quotation spans (scare quotes, titles) are not quotes.
4. Speakers (``quotes_speakers``): the cue's subject (inherited through xcomp/conj/advcl, the antecedent of
   "who", the agent of a passive, the object of "according to"). Pronouns resolve to the latest compatible
   named speaker or PERSON subject. A name becomes a ``LocalEntity`` (added when missing); a speaker with no
   name is kept as a description. ORG/GPE/LOC-typed names that speak with person evidence (he/she, an age, a
   call sign, a person noun in apposition) are retyped PERSON.
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from collections import defaultdict

from .. import config
from ..ids import make_id
from ..records import Quote
from .quotes_lexicon import (CLAIM_NOUNS, COMMIT_VERBS, DOUBLE_CLOSE, DOUBLE_OPEN, PARTICLE_SPEECH, PERSON_NOUNS,
                             RAISE_VERBS, SPEECH_VERBS, STANCE_VERBS, STATEMENT_NOUNS, WEAK_SPEECH)
from .quotes_speakers import (SUBJ_DEPS, _name_beside_quotation, _speaker_from_tokens, _speaker_of, _SpeakerState,
                              block_events, document_authors)

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.quotes")
OWNER_MAX_PARAS = _C["owner_max_paras"]
CUE_AFTER_CHARS = _C["cue_after_chars"]
CUE_AFTER_TOKENS = _C["cue_after_tokens"]
CUE_BEFORE_CHARS = _C["cue_before_chars"]
CUE_BEFORE_TOKENS = _C["cue_before_tokens"]

CONTENT_DEPS = ("ccomp",)
PUNCT_STRIP = " \t\n,;:—–-"


# ------------------------------------------------------------------ quotation marks
def find_quote_spans(text: str) -> list:
    """Spans ``(start, end, open_ended)`` of quoted text, quotation marks included."""
    spans = []
    orig = text
    # typewriter pairs (``...'' and ''...'') count as double quotation marks; offsets are kept
    text = text.replace("``", '"\u200b').replace("''", '"\u200b')
    for pm in re.finditer(r"[^\n]+", text):
        para_start, para = pm.start(), pm.group()
        i, n = 0, len(para)
        open_at, open_kind = None, None
        single_at = None
        while i < n:
            c = para[i]
            if open_at is None:
                if c in DOUBLE_OPEN or (c == '"' and i + 1 < n and not para[i + 1].isspace()):
                    open_at, open_kind = i, c
                elif c == "‘" and (i == 0 or not para[i - 1].isalnum()) and single_at is None:
                    single_at = i
                elif c == "’" and single_at is not None and (i + 1 == n or not para[i + 1].isalnum()):
                    if i - single_at > 3:
                        spans.append((para_start + single_at, para_start + i + 1, False))
                    single_at = None
            else:
                closes = (c in DOUBLE_CLOSE or c == '"' or (open_kind == "„" and c == "“"))
                if closes and i > open_at + 1:
                    spans.append((para_start + open_at, para_start + i + 1, False))
                    open_at, open_kind, single_at = None, None, None
                elif c in "“«" and open_kind in "“«" and i > open_at + 1 and para[i - 1].isspace():
                    # a new opening mark while one is open: the first was never closed; restart here
                    open_at, open_kind = i, c
            i += 1
        if open_at is not None:
            end = len(para.rstrip())
            if end - open_at > 3:
                spans.append((para_start + open_at, para_start + end, True))
    out = []
    for a, b, oe in sorted(spans):
        if b < len(orig) and orig[b - 1:b + 1] in ("''",):
            b += 1
        out.append((a, b, oe))
    return out


# ------------------------------------------------------------------ helpers over the annotation
class _Doc:
    def __init__(self, text, ann):
        self.text = text
        self.toks = ann.tokens
        self.children = defaultdict(list)
        for t in self.toks:
            if t.head != t.i:
                self.children[t.head].append(t.i)
        self._sub = {}
        # paragraph index of each character offset: paragraphs are separated by newlines
        self.para_bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        self.sent_of_char = ann.sentences
        starts = [a for a, _ in self.para_bounds]
        self.tok_para = [max(0, bisect.bisect_right(starts, t.start) - 1) for t in self.toks]
        self._starts = starts
        self.in_quote = {}      # character offset -> quotation span (set by find_quotes)

    def subtree(self, i, exclude=()):
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            if k in exclude:
                continue
            out.append(k)
            stack.extend(self.children.get(k, ()))
        return sorted(out)

    def span(self, idxs):
        idxs = [k for k in idxs if self.toks[k].pos != "SPACE"]
        if not idxs:
            return None
        return self.toks[min(idxs)].start, self.toks[max(idxs)].end

    def sent_toks(self, si):
        if not hasattr(self, "_sent_index"):
            self._sent_index = defaultdict(list)
            for t in self.toks:
                self._sent_index[t.sent].append(t.i)
        return self._sent_index[si]

    def para_of(self, pos):
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def same_para(self, idxs, i):
        p = self.tok_para[i]
        return [k for k in idxs if self.tok_para[k] == p]


def _trim(text, s, e, quotes_chars=()):
    while s < e and text[s] in PUNCT_STRIP:
        s += 1
    while e > s and (text[e - 1] in PUNCT_STRIP or (text[e - 1] in ".!?" and e - 1 not in quotes_chars)):
        e -= 1
    return s, e


def _is_speech_verb(t, doc=None):
    """A verb of saying; with ``doc``, also a verb that says with its particle ("shot back", "lashed out")."""
    if t.pos not in ("VERB", "AUX"):
        return False
    if t.lemma.lower() in SPEECH_VERBS or t.text.lower() in SPEECH_VERBS:
        return True
    prt = PARTICLE_SPEECH.get(t.lemma.lower())
    return doc is not None and prt is not None and any(
        doc.toks[c].dep in ("prt", "advmod") and c == t.i + 1 and doc.toks[c].text.lower() == prt
        for c in doc.children.get(t.i, ()))


# ------------------------------------------------------------------ main
def find_quotes(article, ann, entities) -> list:
    """The quotes of one annotated article, in text order: ``[Quote]`` (empty without tokens).

    ``article``: the cleaned ``Article``; ``ann``: its ``Annotation``; ``entities``: its ``LocalEntity`` list,
    which speakers are matched against (a named speaker missing from it is added; some are retyped PERSON).
    The steps are those of the module docstring: quotation spans (1), cues with content (2), quotation spans
    with a cue beside them (3), then the quotes with their speakers and continuations (4).
    """
    text = article.text
    if not ann.tokens:
        return []
    doc = _Doc(text, ann)
    qspans = find_quote_spans(text)                                             # 1
    in_quote = _quotation_of_char(qspans)
    doc.in_quote = in_quote
    # an event whose content swallows another event's cue (nested reporting) keeps the larger one only
    # when the cues differ; keep both but avoid duplicates of the same content
    events = _dedupe(_cue_events(doc, qspans, in_quote))                        # 2
    consumed = {qi for ev in events for qi in ev["quotes"]}
    heading_spans = list(getattr(article, "headings", []) or [])
    cued = _quotation_events(doc, qspans, in_quote, consumed, heading_spans)    # 3
    consumed.update(qi for ev in cued for qi in ev["quotes"])
    events += cued
    blocks = block_events(doc, events, in_quote)
    consumed.update(qi for ev in blocks for qi in ev["quotes"])
    events += blocks
    events.sort(key=lambda ev: ev["content"][0])
    state = _SpeakerState(text, doc, entities, in_quote)                        # 4
    quotes = _build_quotes(article.id, doc, events, qspans, consumed, in_quote, state)
    state.finish()
    return quotes


def _quotation_of_char(qspans) -> dict:
    """Character offset -> index of the quotation span holding it."""
    in_quote = {}
    for qi, (a, b, _) in enumerate(qspans):
        for k in range(a, b):
            in_quote[k] = qi
    return in_quote


def _cue_events(doc, qspans, in_quote) -> list:
    """Step 2: an event (a dict: content span, cue, speaker tokens, quotation spans used) for every speech
    verb or "according to" outside quotation marks that has content; the content is extended over any
    quotation span it touches."""
    events = []
    for t in doc.toks:
        if t.start in in_quote:
            continue
        ev = _cue_event(doc, t)
        if ev is None:
            continue
        s, e = ev["content"]
        used = sorted({in_quote[k] for k in range(s, e) if k in in_quote})
        for qi in used:
            a, b, _ = qspans[qi]
            s, e = min(s, a), max(e, b)
        s, e = _quotation_after_colon(doc, t, ev, (s, e), qspans, used)
        ev["content"] = (s, e)
        ev["quotes"] = used
        events.append(ev)
    return events


def _quotation_after_colon(doc, t, ev, content, qspans, used):
    """'In her speech, Rhimes declared the need for calm: "Change the world," she said': what the cue after a
    quotation reports is the quotation, not the lead-in before its colon (another cue's)."""
    s, e = content
    frame = min([doc.toks[t.i].start] + ([ev["sp_start"]] if ev.get("sp_start") is not None else []))
    for qi in used:
        a, b, _ = qspans[qi]
        if s < a and b <= frame and not doc.text[b:frame].strip(" ,\u201d\"'") and ":" in doc.text[s:a]:
            return a, (e if e <= frame else b)
    return s, e


def _cue_event(doc, t):
    """The event of token ``t`` when it is a cue with content ("according to X", a speech verb), else None."""
    lem = t.lemma.lower()
    if t.text.lower() == "according" and any(doc.toks[c].text.lower() == "to" for c in doc.children.get(t.i, ())):
        return _according_event(doc, t)
    if _is_speech_verb(t, doc):
        if t.tag == "VB" and t.dep in ("ccomp", "xcomp") and doc.toks[t.head].lemma.lower() in _CAUSATIVES:
            return None     # "threatened to make the director testify": what someone is to be made to say
        return _verb_event(doc, t, lem)
    if t.pos == "VERB" and lem == "point" and _object_content(doc, t, doc.children.get(t.i, ())):
        return _verb_event(doc, t, lem)     # "pointed to the vote as an example of ..."
    if t.pos == "VERB" and lem in RAISE_VERBS:
        return _claim_noun_event(doc, t)
    if t.pos == "NOUN" and lem in CLAIM_NOUNS:
        return _possessed_claim_event(doc, t)
    return None


def _possessed_claim_event(doc, t):
    """ "the mayor's claim that the harbor lost 2,000 jobs": the that-clause of a claim noun is the words of
    the noun's possessor (a name or a pronoun); the cue is the noun."""
    toks = doc.toks
    poss = [c for c in doc.children.get(t.i, ()) if toks[c].dep == "poss" and toks[c].pos in ("PROPN", "PRON")]
    if not poss or toks[poss[0]].text.lower() in ("its", "their", "our", "my", "your"):
        return None
    content = doc.same_para(_that_clause(doc, t.i), t.i)
    if len([k for k in content if toks[k].pos not in ("PUNCT", "SPACE")]) < 3:
        return None
    owner = [k for k in doc.subtree(poss[0]) if toks[k].dep != "case"]
    ev = {"cue": t.i, "cue_span": (t.start, t.end), "content": doc.span(content)}
    ev.update(_speaker_from_tokens(doc, poss[0], owner))
    return ev


def _that_clause(doc, i):
    """Tokens of the that-clause hanging from token ``i`` (a clause child marked "that"), else []."""
    for c in doc.children.get(i, ()):
        if doc.toks[c].dep in ("acl", "ccomp", "relcl") and c > i and _has_mark(doc, doc.toks[c], "that"):
            return [k for k in doc.subtree(c) if k > i]
    return []


def _claim_noun_event(doc, t):
    """ "X raised the concern that ..." / "X made the argument that ...": the that-clause of a claim noun that
    is the verb's object is X's reported speech; the cue is the verb and the noun."""
    toks = doc.toks
    for c in doc.children.get(t.i, ()):
        if toks[c].dep == "dobj" and toks[c].lemma.lower() in CLAIM_NOUNS:
            content = doc.same_para(_that_clause(doc, c), t.i)
            if len([k for k in content if toks[k].pos not in ("PUNCT", "SPACE")]) < 3:
                return None
            ev = {"cue": t.i, "cue_span": (t.start, toks[c].end), "content": doc.span(content)}
            ev.update(_speaker_of(doc, t))
            return ev
    return None


def _quotation_events(doc, qspans, in_quote, consumed, heading_spans) -> list:
    """Step 3: an event for each quotation span not in ``consumed`` (nor in a heading, nor too short) with a
    speech verb right after or before it; a quote that begins mid-sentence takes the sentence's lead-in."""
    text, toks = doc.text, doc.toks
    events = []
    for qi, (a, b, _) in enumerate(qspans):
        if qi in consumed:
            continue
        if b - a < 4 or len(text[a:b].split()) < 1:
            continue
        if any(hs <= a < he for hs, he in heading_spans):
            continue
        cue = _adjacent_cue(doc, text, a, b, in_quote)
        if cue is None:
            ev = _stance_event(doc, a, b, in_quote)
            if ev is not None:
                ev["quotes"] = [qi]
                events.append(ev)
            continue
        ev = {"cue": cue, "content": (a, b), "quotes": [qi], "kind": "direct"}
        # "...," he said. -> the quote may begin mid-sentence: include the sentence lead-in (mixed)
        lead = _lead_in(doc, text, a, cue)
        if lead is not None:
            ev["content"] = (lead, b)
        sp = _speaker_of(doc, toks[cue])
        if not sp and _infinitive_cue(doc, toks[cue]):
            # "Biden was quick to retort:": the subject of the clause the infinitive hangs from
            head = toks[cue]
            while head.head != head.i and head.pos not in ("VERB", "AUX"):
                head = toks[head.head]
            sp = _speaker_of(doc, head) if head.pos in ("VERB", "AUX") else {}
        ev.update(sp)
        events.append(ev)
    return events


def _stance_event(doc, a, b, in_quote):
    """ "She called the levy 'a tax on every net'", "X praised the council 'for ...'": a quotation inside the
    object or complement of a verb of taking a stance (before it, outside quotation marks, with a subject) is
    the subject's words. The content runs from after the verb to the quotation's end; the cue is the verb."""
    toks = doc.toks
    inside = [t for t in toks if a <= t.start < b]
    if not inside:
        return None
    verb = toks[inside[0].head]     # climb from the quotation's first word to the stance verb it hangs on
    for _ in range(4):
        if verb.start >= a or verb.start in in_quote or verb.sent != inside[0].sent:
            return None
        if verb.pos == "VERB" and verb.lemma.lower() in STANCE_VERBS:
            break
        if verb.head == verb.i:
            return None
        verb = toks[verb.head]
    else:
        return None
    sp = _speaker_of(doc, verb)
    if not sp:
        return None
    after = [k for k in doc.subtree(verb.i) if k > verb.i and toks[k].start < b and k not in sp["tok_idxs"]]
    span = doc.span(doc.same_para(after, verb.i))
    if span is None:
        return None
    ev = {"cue": verb.i, "cue_span": (verb.start, verb.end), "content": (span[0], b), "kind": "mixed"}
    ev.update(sp)
    return ev


def _build_quotes(article_id, doc, events, qspans, consumed, in_quote, state) -> list:
    """Step 4: the quotes in text order: one per event (its speaker resolved by ``state``), and one per
    quotation span left over that continues the previous quote's speaker (see ``_continued_quote``)."""
    pending = sorted([(qspans[qi][0], qi) for qi in range(len(qspans)) if qi not in consumed])
    items = [("ev", ev["content"][0], ev) for ev in events] + [("q", a, qi) for a, qi in pending]
    items.sort(key=lambda x: x[1])
    quotes = []
    last = None    # (Quote, paragraph index, end)
    emitted = set()  # spans already given a quote: a quote id is its article and span, so one per span
    for kind, pos, obj in items:
        if kind == "ev":
            q = _reported_quote(article_id, doc, obj, pos, qspans, in_quote, state, emitted)
            para = None if q is None else doc.para_of(q.end)
        else:
            q = _continued_quote(article_id, doc, qspans[obj], last, emitted, in_quote)
            para = None if q is None else doc.para_of(q.start)
        if q is None:
            continue
        q = _document_owner(doc, q, quotes)
        if kind == "ev":
            q = _document_authors_quote(doc, q, obj, state)
        quotes.append(q)
        emitted.add((q.start, q.end))
        last = (q, para, q.end)
    return quotes


_OWNED_DOC_RE = re.compile(r"\b(?:in|by|through)\s+(?:a|an|the|his|her|their|its)\s+(?:[\w’'-]+\s+){0,2}?(%s)\b"
                           % "|".join(sorted(STATEMENT_NOUNS)), re.I)
_DEFINITE_DOC_RE = re.compile(r"^(?:the|this|that|his|her|their)\s+(?:[\w’'-]+\s+){0,2}?(%s)$"
                              % "|".join(sorted(STATEMENT_NOUNS)), re.I)


def _document_owner(doc, q, earlier):
    """A quote spoken by "the statement" ("..., the statement continued") is the words of the named speaker
    who, at most ``OWNER_MAX_PARAS`` paragraphs before, "said in a statement": the quote takes that speaker.
    Else the quote unchanged."""
    if q.speaker_entity is not None or not q.speaker_text:
        return q
    m = _DEFINITE_DOC_RE.match(q.speaker_text.strip())
    if m is None:
        return q
    noun = m.group(1).lower()
    para = doc.para_of(q.start)
    text = doc.text
    for prev in reversed(earlier):
        if prev.speaker_entity is None or prev.cue_end is None or para - doc.para_of(prev.cue_end) > OWNER_MAX_PARAS:
            continue
        line_end = text.find("\n", prev.cue_end)
        frame = text[prev.cue_start:line_end if line_end >= 0 else len(text)]
        frame = re.split(r"(?<=[.!?])\s", frame, maxsplit=1)[0]
        fm = _OWNED_DOC_RE.search(frame)
        if fm and fm.group(1).lower() == noun:
            return dataclasses.replace(q, speaker_entity=prev.speaker_entity, speaker_text=prev.speaker_text,
                                       speaker_start=prev.speaker_start, speaker_end=prev.speaker_end,
                                       speaker_description=prev.speaker_description)
        break
    return q


def _document_authors_quote(doc, q, ev, state):
    """A quote spoken by a letter or a statement the article credits to its authors ("a letter from the
    faculty", "the letter, signed by 90 professors") takes the authors as its speaker: their entity when
    they are named, else their description (the speaker span stays the document's). Else the quote unchanged (its speaker stays the document)."""
    if q.speaker_entity is not None or not q.speaker_description:
        return q
    found = document_authors(doc, q, ev.get("tok_idxs") or [])
    if found is None:
        return q
    sp = state.resolve(found, found["sp_start"])
    if sp.get("entity") is None and not sp.get("description"):
        return q
    # the speaker span stays the document the text names; the entity and description are its authors
    return dataclasses.replace(q, speaker_entity=sp.get("entity"), speaker_description=sp.get("description"))


def _reported_quote(article_id, doc, ev, pos, qspans, in_quote, state, emitted):
    """The quote of one event, or None when its content, once trimmed, is too short or already a quote."""
    text = doc.text
    cue_t = doc.toks[ev["cue"]] if ev.get("cue") is not None else None
    sp = state.resolve(ev, pos)
    s, e = ev["content"]
    s, e = _trim(text, s, e, in_quote)
    if e - s < 3 or (s, e) in emitted:
        return None           # two cues can give one content once trimmed: "now, he says, ... he said"
    qkind = "direct" if ev.get("block") else _kind(text, s, e, ev["quotes"], qspans)
    cue_s, cue_e = ev.get("cue_span") or ((cue_t.start, cue_t.end) if cue_t else (None, None))
    return Quote(id=make_id("q", article_id, s, e), start=s, end=e, kind=qkind,
                 speaker_entity=sp.get("entity"), speaker_text=sp.get("text"),
                 speaker_start=sp.get("start"), speaker_end=sp.get("end"),
                 speaker_description=sp.get("description"),
                 cue_text=text[cue_s:cue_e] if cue_s is not None else None, cue_start=cue_s, cue_end=cue_e)


def _continued_quote(article_id, doc, qspan, last, emitted, in_quote):
    """A quotation with no cue that fills its sentence(s) continues the previous quote (``last``: quote,
    paragraph, end) when that one has a speaker and is in the same paragraph, or in the one before and this
    paragraph opens with the quotation; it keeps the cue only in the same paragraph. Else None."""
    text = doc.text
    a, b, _ = qspan
    if last is None or (a, b) in emitted or not _fills_sentences(doc, text, a, b, in_quote):
        return None
    lq, lpara, lend = last
    para = doc.para_of(a)
    if para - lpara > 1 or (lq.speaker_entity is None and lq.speaker_description is None):
        return None
    if para - lpara == 1 and not _para_is_quote(doc, text, para, a):
        return None
    if para - lpara == 1 and _speaks_of(text[a:b], lq):
        # someone else's words about the last speaker, the speaker not named: a quote of an unknown source
        return Quote(id=make_id("q", article_id, a, b), start=a, end=b, kind="direct")
    same_para = para == lpara
    return Quote(id=make_id("q", article_id, a, b), start=a, end=b, kind="direct",
                 speaker_entity=lq.speaker_entity, speaker_text=lq.speaker_text,
                 speaker_start=lq.speaker_start, speaker_end=lq.speaker_end,
                 speaker_description=lq.speaker_description,
                 cue_text=lq.cue_text if same_para else None,
                 cue_start=lq.cue_start if same_para else None,
                 cue_end=lq.cue_end if same_para else None)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|me|my|mine|we|we're|we’re|us|our|ours)\b", re.I)
_THIRD_PERSON = re.compile(r"\b(?:he|he's|he’s|his|him|she|she's|she’s|her)\b", re.I)


def _speaks_of(quoted, last) -> bool:
    """Whether a quotation that opens a new paragraph speaks of the previous quote's speaker rather than as
    them ('"Her record shames the office. She has cut ..."' after the mayor's own words): it names them
    by surname, or says he/his/she/her twice, and never says I, me, we or our."""
    if _FIRST_PERSON.search(quoted):
        return False
    name = (last.speaker_text or "").split()
    surname = name[-1] if name and name[-1][:1].isupper() and name[-1].lower() not in ("he", "she") else None
    return bool(surname and re.search(r"\b%s\b" % re.escape(surname), quoted)) or \
        len(_THIRD_PERSON.findall(quoted)) >= 2


def _dedupe(events):
    out, seen = [], set()
    for ev in sorted(events, key=lambda ev: (ev["content"][0], -(ev["content"][1] - ev["content"][0]))):
        key = ev["content"]
        if key in seen:
            continue
        seen.add(key)
        out.append(ev)
    # a content that contains another event's cue and content entirely (nested report) is kept; the inner
    # one is dropped when it sits inside a quotation of the outer (already excluded by tok_in_quote)
    return out


def _kind(text, s, e, used, qspans):
    if not used:
        return "indirect"
    qchars = set()
    for qi in used:
        a, b, _ = qspans[qi]
        qchars.update(range(a, b))
    rest = "".join(text[k] for k in range(s, e) if k not in qchars)
    return "direct" if len(re.sub(r"[\W_]+", "", rest)) <= 0 else "mixed"


def _content_from_children(doc, t):
    """Content tokens of a speech verb: its complement clauses (ccomp, or xcomp of 'say')."""
    kids = doc.children.get(t.i, ())
    content = []
    after = any(doc.toks[c].dep in CONTENT_DEPS and c > t.i for c in kids)
    for c in kids:
        ct = doc.toks[c]
        if ct.dep in CONTENT_DEPS:
            if c < t.i and after and any(doc.toks[k].text in (":", ";") and c < k < t.i for k in kids):
                continue    # "A round of fights began: Republicans said B": B alone is what they said
            content.extend(doc.subtree(c))
        elif ct.dep == "xcomp" and doc.toks[c].lemma in ("be",):
            content.extend(doc.subtree(c))
    if not content:
        # "said in a statement that ...": the parser may hang the that-clause on the noun
        for c in kids:
            if doc.toks[c].dep == "prep" and c > t.i:
                for o in doc.children.get(c, ()):
                    if doc.toks[o].dep == "pobj" and doc.toks[o].lemma.lower() in STATEMENT_NOUNS:
                        content.extend(_that_clause(doc, o))
    if not content:
        # "said on CNN's 'Morning Show' that ...": a programme's name taken for the object, the that-clause
        # hung on it (a clause marked "that" is what was said, never a relative clause of the name)
        for c in kids:
            if doc.toks[c].dep == "dobj" and c > t.i:
                content.extend(_that_clause(doc, c))
    if not content and t.lemma.lower() in COMMIT_VERBS:
        # "pledged to push for an amendment", "urged supporters to monitor the polls": the promise or the
        # call is what was said (the object who is urged belongs to it)
        for c in kids:
            if doc.toks[c].dep == "xcomp" and c > t.i:
                content.extend(doc.subtree(c))
                content.extend(k for d in kids if doc.toks[d].dep == "dobj" and t.i < d < c for k in doc.subtree(d))
    if not content and t.lemma.lower() in OBJECT_SPEECH:
        content = _object_content(doc, t, kids)
    if not content and t.pos == "VERB":
        content = _topic_content(doc, t, kids)
    if not content:
        content = _inverted_clause(doc, t, kids)
    elif t.pos == "VERB":
        content.extend(_but_continuation(doc, t, kids, max(content)))
    return content


_MODALS = frozenset("would will could can may might should must".split())
# verbs of saying whose object is what is said of it: "described the mayor as 'a career politician'",
# "mentioned the remarks as examples of ...", "noted the rule in an interview", "pointed to the vote as ...",
# "recalled the storm of 1990", "tweeted a photo of the pier", "said the same of the mayor" (and a reported
# clause the parser took for an object: "Aides say the more ferries he adds, the more ...")
OBJECT_SPEECH = {"describe": None, "mention": None, "note": None, "point": "to", "recall": None, "tweet": None,
                 "say": None}


_POINTERS = PERSON_NOUNS | {"scholar", "scholars", "critic", "critics", "economist", "economists", "advocate",
                            "advocates", "supporter", "supporters", "opponent", "opponents", "expert", "experts"}


def _someone_points(doc, t) -> bool:
    """Whether the subject of "pointed to" is someone (a name, a person pronoun, a person's role): "the
    scholars pointed to the cuts" says something, "the data points to a slowdown" is the outlet's reading."""
    toks = doc.toks
    for c in doc.children.get(t.i, ()):
        if toks[c].dep in SUBJ_DEPS:
            w = toks[c]
            return w.pos == "PROPN" or w.text.lower() in ("he", "she", "they", "we", "i") or \
                w.lemma.lower() in _POINTERS or w.text.lower() in _POINTERS
    return False


def _object_content(doc, t, kids):
    """The object of an ``OBJECT_SPEECH`` verb (of "pointed to", of its preposition) and what follows it in the
    verb's clause, as PolNeAR's annotators draw such content; [] without an object after the verb, and for
    "pointed to" without an "as" saying what it was pointed to as ("the data points to a slowdown" says
    nothing)."""
    toks = doc.toks
    prep = OBJECT_SPEECH[t.lemma.lower()]
    if prep:
        heads = [c for c in kids if c == t.i + 1 and toks[c].dep in ("prep", "prt") and toks[c].text.lower() == prep]
        if not heads:
            return []
        kids = [c for c in kids if c != heads[0]] + list(doc.children.get(heads[0], ()))
        obj_deps = ("pobj",)
    else:
        obj_deps = ("dobj",)
    if not any(toks[c].dep in obj_deps and c > t.i for c in kids):
        return []
    out = []
    if prep and not _someone_points(doc, t) and not any(
            toks[k].text.lower() == "as" and toks[k].dep == "prep" for c in kids if c > t.i for k in doc.subtree(c)):
        return []
    for c in sorted(kids):
        if c > t.i and toks[c].dep not in ("punct", "cc", "conj", "advcl", "parataxis", "mark", "ccomp"):
            out.extend(doc.subtree(c))
    return out


def _topic_content(doc, t, kids):
    """What a verb of saying is about ("wrote about the ferry's debts", "asked the mayor about the levy"): the
    object of its "about", as PolNeAR's annotators draw such content; [] when there is none. ("Spoke about"
    and "talked about" as cues raised PolNeAR's figures but cost two right corroborated groups of the fact
    gold: they are left out.)"""
    toks = doc.toks
    for c in (c for c in kids if c > t.i and toks[c].dep == "prep"):
        if toks[c].text.lower() == "about":
            objs = [k for k in doc.children.get(c, ()) if toks[k].dep in ("pobj", "pcomp")]
            if objs:
                return [k for o in objs for k in doc.subtree(o)]
    return []


def _but_continuation(doc, t, kids, end):
    """"X says A, but B": a clause B joined to the cue verb by "but" after the content A goes on with what X
    says (PolNeAR's annotators read it so), unless B has a cue of its own ("but the mayor said ...") or is the
    narration's ("said A but declined to elaborate": no subject of its own and no modal, as in "... but would
    eventually add $12 billion")."""
    toks = doc.toks
    out = []
    for c in kids:
        if toks[c].dep != "conj" or c < end:
            continue
        gkids = doc.children.get(c, ())
        ccs = [k for k in list(kids) + list(gkids) if toks[k].dep == "cc" and end < k < c]
        if not ccs or toks[ccs[0]].text.lower() != "but":
            continue
        sub = doc.subtree(c)
        if any(_is_speech_verb(toks[k], doc) for k in sub):
            continue
        if not any(toks[k].dep in SUBJ_DEPS for k in gkids) and \
                not any(toks[k].dep == "aux" and toks[k].text.lower() in _MODALS for k in gkids):
            continue
        out.extend(ccs)
        out.extend(sub)
    return out


def _inverted_clause(doc, t, kids):
    """"P, observers said later.": the parser may hang the reported clause P anywhere (an adverbial clause
    of the verb, a clause of a noun). With the verb the sentence's root, its subject right after a comma,
    nothing but adverbs after the verb, and P a clause of its own (a verb, no subordinating word first:
    "When the storm hit, the mayor said." reports nothing), P is what was said."""
    toks = doc.toks
    subj = [c for c in kids if toks[c].dep in SUBJ_DEPS and c < t.i]
    if not subj or t.head != t.i or any(toks[c].dep not in ("advmod", "punct", "npadvmod") and c > t.i
                                        for c in kids):
        return []
    first = min(doc.subtree(subj[0]))
    if first == 0 or toks[first - 1].text != ",":
        return []
    span = [k for k in doc.sent_toks(t.sent) if k < first - 1]
    words = [k for k in span if toks[k].pos not in ("PUNCT", "SPACE")]
    if len(words) < 4 or toks[words[0]].text.lower() in _SUBORDINATORS or not any(
            toks[k].pos in ("VERB", "AUX") for k in span):
        return []
    return span


_CAUSATIVES = frozenset("make let have force compel allow get".split())
_SUBORDINATORS = frozenset("when whenever while after before as since because although though once until unless "
                           "whereas where".split())


def _verb_event(doc, t, lem):
    toks = doc.toks
    content = _content_from_children(doc, t)
    cue_idx = [t.i]
    # particles and auxiliaries of the cue ("pointed out", "has told")
    for c in doc.children.get(t.i, ()):
        if toks[c].dep in ("prt", "neg") and abs(c - t.i) <= 2:
            cue_idx.append(c)
    if content:
        # content must not swallow the subject (inverted "said one soldier ...")
        subj = [c for c in doc.children.get(t.i, ()) if toks[c].dep in SUBJ_DEPS]
        excl = set()
        for sj in subj:
            excl.update(doc.subtree(sj))
        content = [k for k in content if k not in excl]
        if not subj and any(k < t.i for k in content) and _name_beside_quotation(doc, t):
            # '"...," said Robin Olsen, half joking': what follows the name is no part of what was said
            content = [k for k in content if k < t.i]
        if not content:
            return None
    else:
        if lem in WEAK_SPEECH and not (t.dep == "advcl" and _has_mark(doc, t, "as")):
            return None
        if any(toks[c].dep == "mark" and toks[c].text.lower() in _SUBORDINATORS - {"as"}
               for c in doc.children.get(t.i, ())):
            return None     # "... after the levy was approved": a time clause, not a frame of what was said
        as_frame = t.dep == "advcl" and _has_mark(doc, t, "as")
        # "A man walked up, saying: '...'": a participle after the main clause reports its own words, not the
        # main clause (which is the narration)
        participle = t.dep == "advcl" and t.tag == "VBG" and not as_frame
        reported = t.dep == "ccomp" and _is_speech_verb(toks[t.head], doc)     # "said the team responded ..."
        if t.head != t.i and not participle and not reported and (t.dep == "parataxis" or as_frame or
                              (t.dep in ("ccomp", "advcl") and t.i > t.head and
                               not any(toks[c].dep in ("dobj", "ccomp", "xcomp") for c in doc.children.get(t.i, ())))):
            skip = set(doc.subtree(t.i))
            # the rest of the sentence is what is reported ("X, he argued, Y" / "Y, as reported by X")
            content = [k for k in doc.sent_toks(t.sent) if k not in skip]
            pre = [k for k in content if k < min(skip)]
            post = [k for k in content if k > max(skip)]
            if len([k for k in pre if toks[k].pos != "PUNCT"]) < 2 or \
                    len([k for k in post if toks[k].pos != "PUNCT"]) < 2:
                content = pre if len(pre) >= len(post) else post
            if as_frame:
                for c in doc.children.get(t.i, ()):
                    if toks[c].dep == "mark":
                        cue_idx.append(c)
        else:
            return None
    content = _without_own_participles(doc, doc.same_para(content, t.i), t.i)
    speaker = _speaker_of(doc, t)
    if speaker and any(k > t.i for k in content) and set(speaker["tok_idxs"]) & set(content):
        # the parser made the speaker part of a clause before the cue ("..., but Sen. Ivo Brandt (a ...) says
        # he was ..."): what was said is after the cue
        content = [k for k in content if k > t.i]
    sp = doc.span(content)
    if sp is None:
        return None
    # reject tiny contents ("said so")
    if len([k for k in content if toks[k].pos not in ("PUNCT", "SPACE")]) < 2:
        return None
    ev = {"cue": t.i, "content": sp}
    cs, ce = doc.span(cue_idx)
    ev["cue_span"] = (cs, ce)
    sp = speaker
    if sp and toks[sp["head"]].text.lower() == "it" and toks[sp["head"]].dep in ("nsubjpass", "expl") or \
            any(toks[c].dep == "expl" for c in doc.children.get(t.i, ())):
        return None     # "it is estimated that ...": a hedge, not a quote
    ev.update(sp)
    return ev


def _without_own_participles(doc, content, cue):
    """Content tokens without what follows the statement in the sentence and is not part of it:
    - a trailing participle of saying ("X said A, arguing that B"): B is the speaker's next statement, with
      a cue of its own;
    - a second verb of saying ("said it was opposed to the test and warned the council to stop", "... and
      the rivals accused them of stalling"): a statement of its own;
    - a clause after a semicolon outside quotation marks ("said the timing was chance; they learned of it on
      Friday"): the narration goes on."""
    toks = doc.toks
    cut = set()
    last = max(content) if content else -1
    for k in content:
        t = toks[k]
        if k in cut or k < cue:
            continue
        if t.text == ";" and t.start not in doc.in_quote:
            cut.update(j for j in content if j >= k)
            continue
        participle = t.tag == "VBG" and t.dep in ("advcl", "xcomp", "conj") and (
            _is_speech_verb(t, doc) or t.lemma.lower() == "cite")     # "..., citing the port's debts"
        # "... and warned the council to stop" (the same speaker); "... and Democrats accused the party of ..."
        # (another speaker)
        own_subject = any(toks[c].dep in SUBJ_DEPS for c in doc.children.get(k, ()))
        second = t.dep == "conj" and t.tag in ("VBD", "VBZ", "VBP") and (
            _is_speech_verb(t, doc) or own_subject and t.lemma.lower() in STANCE_VERBS)
        if participle or second:
            sub = doc.subtree(k)
            if max(sub) >= last:        # it runs to the content's end
                cut.update(sub)
                cut.update(c for c in doc.children.get(t.head, ()) if toks[c].dep == "cc" and c < k)
    if not cut:
        return content
    kept = [k for k in content if k not in cut]
    while kept and toks[kept[-1]].pos in ("PUNCT", "CCONJ", "SPACE"):
        kept.pop()
    return kept if len(kept) >= 2 else content


def _has_mark(doc, t, word):
    return any(doc.toks[c].dep == "mark" and doc.toks[c].text.lower() == word for c in doc.children.get(t.i, ()))


def _according_event(doc, t):
    toks = doc.toks
    to = [c for c in doc.children.get(t.i, ()) if toks[c].text.lower() == "to"][0]
    # the source; "according to watch officers" may be parsed as a clause ("watch" a verb): its subtree then
    pobj = [c for c in doc.children.get(to, ()) if toks[c].dep in ("pobj", "pcomp")]
    if not pobj:
        return None
    src = doc.subtree(pobj[0])
    skip = set(doc.subtree(t.i))
    root = t.head
    while toks[root].head != root and toks[root].dep not in ("ROOT",) and toks[root].sent == t.sent:
        if toks[root].pos in ("VERB", "AUX") and toks[root].dep in ("ROOT", "ccomp", "conj"):
            break
        root = toks[root].head
    content = doc.same_para([k for k in doc.subtree(root, exclude=skip) if toks[k].sent == t.sent], t.i)
    src = doc.same_para(src, t.i)
    if src:
        pre = [k for k in content if k < t.i]
        post = [k for k in content if k > max(src)]
        content = pre if len(pre) >= len(post) else post
    sp = doc.span(content)
    if sp is None:
        return None
    cs, ce = doc.span([t.i, to])
    ev = {"cue": t.i, "cue_span": (cs, ce), "content": sp}
    ev.update(_speaker_from_tokens(doc, pobj[0], src))
    return ev


def _adjacent_cue(doc, text, a, b, in_quote):
    """A speech verb right after a quotation ("...," he said: among its first ``CUE_AFTER_TOKENS`` tokens within
    ``CUE_AFTER_CHARS`` characters) or right before it ("X said:": among the last ``CUE_BEFORE_TOKENS`` tokens of
    the ``CUE_BEFORE_CHARS`` characters before it, on its line)."""
    toks = doc.toks
    # after: tokens starting after b, same paragraph, before the next sentence end / quotation
    after = [t for t in toks if b <= t.start < b + CUE_AFTER_CHARS]
    for t in after[:CUE_AFTER_TOKENS]:
        if "\n" in text[b:t.start] or t.start in in_quote:
            break
        if _is_speech_verb(t, doc):
            return t.i
        if t.text in (".", "!", "?") or (t.text == ";"):
            break
    # before: the lead-in ends with ":" or "," right before the quotation
    lead = text[max(0, a - CUE_BEFORE_CHARS):a]
    if "\n" in lead:
        lead = lead[lead.rfind("\n") + 1:]
    if re.search(r"[:,]\s*$", lead) or _LEAD_CUE_RE.search(lead):
        before = [t for t in toks if a - len(lead) <= t.start < a and t.start not in in_quote]
        # after a colon the whole lead-in introduces the quotation ("X shot back, in reference to ...: '...'")
        reach = len(before) if lead.rstrip().endswith(":") else CUE_BEFORE_TOKENS
        for t in reversed(before[-reach:]):
            if t.text in (".", "!", "?") and t.end < a - 2:
                break
            if _is_speech_verb(t, doc) or _infinitive_cue(doc, t):
                return t.i
    return None


# a lead-in that ends in a verb of saying, or in one and a short time or place ("tweeted on Friday")
_LEAD_CUE_RE = re.compile(
    r"\b(?:said|says|told|added|declared|stated|wrote|tweeted|posted|insisted|argued|replied|responded|"
    r"answered|warned|explained)(?:\s+(?:on|in|at|last|this|late|early)(?:\s+[\w’'.-]+){1,2})?\s*$")


def _infinitive_cue(doc, t):
    """ "was quick to retort:" where the tagger read the verb after "to" as a noun."""
    return t.i > 0 and doc.toks[t.i - 1].text.lower() == "to" and t.text.lower() in SPEECH_VERBS and \
        t.text.lower() not in WEAK_SPEECH and t.pos == "NOUN"


def _lead_in(doc, text, a, cue):
    """For '<lead-in> "quote," he said': the start of the sentence when the quote begins mid-sentence."""
    t = doc.toks[cue]
    if t.start < a:
        return None
    # find the sentence start of the quote's first character
    line_start = text.rfind("\n", 0, a) + 1
    prev = text[line_start:a]
    m = list(re.finditer(r"[.!?][\"”’]?\s+", prev))
    s = line_start + (m[-1].end() if m else 0)
    lead = text[s:a]
    if len(re.sub(r"\W+", "", lead)) < 3 or re.search(r"[“”\"]", lead):
        return None
    return s


def _fills_sentences(doc, text, a, b, in_quote):
    """True when a quotation stands as its own sentence(s): only punctuation around it."""
    line_start = text.rfind("\n", 0, a) + 1
    before = text[line_start:a]
    if before.strip() and not re.search(r"[.!?][\"”’]?\s*$", before):
        return False
    line_end = text.find("\n", b)
    line_end = len(text) if line_end < 0 else line_end
    after = text[b:line_end]
    m = re.match(r"[\s.!?,]*", after)
    rest = after[m.end():]
    return not rest.strip() or rest.lstrip()[:1] in "“\"«" or bool(re.match(r"^[A-Z]", rest.lstrip()))


def _para_is_quote(doc, text, para, a):
    ps, pe = doc.para_bounds[para]
    return not text[ps:a].strip()
