"""Claims: the factual statements of an article's body, each with its attribution and modality.

A claim is a body sentence (cut at paragraph breaks; a long sentence joined by ';' is split when both sides
are clauses of their own). Questions, headings and verbless fragments are not claims.

Attribution: ``speaker`` when the claim lies in a quote (direct, mixed or indirect) of a named speaker,
``anonymous`` when that speaker has no name (``speaker_key`` normalises the description so one anonymous
source is recognised twice), ``document`` when it rests on posts, a report or a law ("according to its
Telegram posts"), else ``outlet`` (the outlet's own narration).

Span: when the sentence is a quote framed only by a short speaker and a cue at its start or end ("Caesar
said the unit has grown.", "\u201cThe unit has grown,\u201d he said."), the claim is the quoted content alone: who says it
is recorded in the attribution, and the frame would otherwise make every claim of one speaker look alike to
claim alignment (and unlike the same fact in the outlet's own words). Attribution and modality are read
from the whole sentence ("X claimed that ..." stays hedged).

Modality, first that applies: ``unverified`` (the article says it could not verify the speaker's claims:
every claim of that speaker in the article), ``negated`` (the main predicate is negated or a denial),
``hedged`` (reportedly, allegedly, it is estimated, claims, may, believed to ...), else ``asserted``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .. import config
from ..ids import make_id
from ..records import Claim
from .quotes_lexicon import (COMMIT_VERBS, HEDGE_RE, SPEECH_VERBS, STANCE_VERBS, UNVERIFIED_RE, description_key, is_document_phrase)

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.claims")
MIN_WORDS = _C["min_words"]
FRAME_MAX_SPEAKER_WORDS = _C["frame_max_speaker_words"]
QUOTE_COVER_CLAIM = _C["quote_cover_claim"]
QUOTE_COVER_QUOTE = _C["quote_cover_quote"]
FRAME_MIN_CONTENT_WORDS = _C["frame_min_content_words"]

NEG_DETS = {"no", "none", "neither", "nor", "never", "nobody", "nothing"}
DENIAL_LEMMAS = {"deny", "refute", "dismiss", "reject"}
DOC_ACCORDING_RE = re.compile(
    r"\baccording to (?:its|their|his|her|the|a|an|this|that|these|those|official|new|recent|latest)?\s*"
    r"(?:[\w’'-]+\s+){0,3}?(?:posts?|reports?|laws?|statements?|documents?|data|stud(?:y|ies)|surveys?|polls?|"
    r"records?|filings?|website|channel|tweets?|figures|estimates|releases?|memos?|letters?|analys[ie]s|"
    r"assessments?|bulletins?|decrees?|orders?|resolutions?|bills?|transcripts?|rulings?|indictments?|"
    r"complaints?|affidavits?|footage|videos?|maps?|accounts?|announcements?|census|database|registers?)\b",
    re.I)


def _pieces(text, ann, headings):
    """Candidate claim spans: sentences cut at line breaks, long ';' sentences split into clauses."""
    out = []
    for si, (s, e) in enumerate(ann.sentences):
        ts, te = ann.sent_tokens[si]
        for m in re.finditer(r"[^\n]+", text[s:e]):
            a, b = s + m.start(), s + m.end()
            if any(hs <= a < he or hs < b <= he for hs, he in headings):
                continue
            parts = [(a, b)]
            if ";" in text[a:b]:
                parts, start = [], a
                for sm in re.finditer(";", text[a:b]):
                    cut = a + sm.start()
                    parts.append((start, cut))
                    start = cut + 1
                parts.append((start, b))
                toks = [t for t in ann.tokens[ts:te]]
                ok = all(len(text[p:q].split()) >= MIN_WORDS and
                         any(t.pos in ("VERB", "AUX") and p <= t.start < q for t in toks) for p, q in parts)
                if not ok:
                    parts = [(a, b)]
            for p, q in parts:
                while p < q and text[p].isspace():
                    p += 1
                while q > p and text[q - 1].isspace():
                    q -= 1
                if q > p:
                    out.append((p, q, si))
    return out


_FRAME_FILLER = re.compile(r"(?:[\W_]|\b(?:that|also|has|had|then|later|further|again|once)\b)*", re.I)
_EDGE_OPEN = "\"\u201c\u2018'\u00ab"
_EDGE_CLOSE = "\"\u201d\u2019'\u00bb,;:"


def _trim_frame(text, s, e, q, toks):
    """(start, end) of the claim without a leading or trailing attribution frame; ``(s, e)`` when there is
    none, or when the frame says more than who speaks (a number, an apposition, a time, a second clause)."""
    if q is None or q.speaker_start is None or q.speaker_end is None or q.cue_start is None or q.cue_end is None:
        return s, e
    speaker = text[q.speaker_start:q.speaker_end]
    if len(speaker.split()) > FRAME_MAX_SPEAKER_WORDS or re.search(r"[\d,(\u2014\u2013]", speaker):
        return s, e
    frame = [(q.speaker_start, q.speaker_end), (q.cue_start, q.cue_end)]
    if not all(s <= a < b <= e for a, b in frame):
        return s, e
    if _keeps_frame(q, toks):
        return s, e
    cs, ce = max(s, q.start), min(e, q.end)
    if ce <= cs or (cs == s and ce == e) or any(cs < b and a < ce for a, b in frame):
        return s, e

    def only_frame(a, b):
        rest = "".join(" " if any(x <= i < y for x, y in frame) else text[i] for i in range(a, b))
        return _FRAME_FILLER.fullmatch(rest) is not None

    if not (only_frame(s, cs) and only_frame(ce, e)):
        return s, e
    cs, ce = _strip(text, cs, ce, _EDGE_OPEN, _EDGE_CLOSE, that=cs > s)
    return (cs, ce) if _is_clause(text, cs, ce, toks) else (s, e)


def _strip(text, a, b, lead_chars, tail_chars, that=False):
    """[a, b) without white space and the characters ``lead_chars`` at its start, white space and
    ``tail_chars`` at its end (and, with ``that``, without a leading "that ")."""
    while a < b and (text[a].isspace() or text[a] in lead_chars):
        a += 1
    m = re.match(r"that\s+", text[a:b], re.I) if that else None
    if m:
        a += m.end()
    while b > a and (text[b - 1].isspace() or text[b - 1] in tail_chars):
        b -= 1
    return a, b


def _is_clause(text, a, b, toks) -> bool:
    """[a, b) has ``MIN_WORDS`` words and a verb: a claim of its own."""
    return len(text[a:b].split()) >= MIN_WORDS and any(t.pos in ("VERB", "AUX") and a <= t.start < b for t in toks)


_CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "NUM")
_FRAME_EDGE = " \t\n,;:\u2014\u2013-\"\u201c\u201d\u2018\u2019'"


def _speaker_name_end(text, q) -> int:
    """Where the speaker's name ends: before an apposition or a relative clause ("Ostrova, who is 52"); a
    party and state tag ("(D-Ohio)") is part of the name."""
    m = re.search(r",|\s(?:who|which|whose)\b|\s\((?![A-Z]-[A-Z][\w. ]*(?:\)|$))", text[q.speaker_start:q.speaker_end])
    return q.speaker_start + m.start() if m else q.speaker_end


_WHEN_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday today yesterday tonight morning
afternoon evening night""".split())


def _frame_words(toks, a, b, q, name_end, skip=frozenset()) -> int:
    """Content words of [a, b) outside the speaker's name (up to ``name_end``) and the cue of quote ``q``, other
    than verbs of saying and the words in ``skip``."""
    name = (q.speaker_start, name_end) if q.speaker_start is not None else (0, 0)
    cue = (q.cue_start, q.cue_end or q.cue_start + 1) if q.cue_start is not None else (0, 0)
    return sum(1 for t in toks if a <= t.start < b and t.pos in _CONTENT_POS
               and not name[0] <= t.start < name[1] and not cue[0] <= t.start < cue[1]
               and t.lemma.lower() not in SPEECH_VERBS and t.text.lower() not in skip)


def _says_more(text, a, b, q, toks) -> bool:
    """Whether the frame piece [a, b) narrates more than who speaks: ``FRAME_MIN_CONTENT_WORDS`` content words
    outside the speaker's name and the cue (an apposition, a prefatory clause, where and when it was said)."""
    n = _frame_words(toks, a, b, q, _speaker_name_end(text, q) if q.speaker_start is not None else 0)
    return n >= FRAME_MIN_CONTENT_WORDS and len(text[a:b].split()) >= MIN_WORDS


def _reports_speech(a, b, q, toks, children) -> bool:
    """Whether the frame piece [a, b) is itself reported speech: it holds a verb of saying or of taking a
    stance, other than the quote's cue, with its own clause in the piece ("Lind disputed that the
    dam had been neglected, saying ..."). Such a piece is the speaker's claim, not the outlet's."""
    at = {x.i: x for x in toks}
    for t in toks:
        if not (a <= t.start < b) or t.lemma.lower() not in SPEECH_VERBS | STANCE_VERBS:
            continue
        if q.cue_start is not None and q.cue_start <= t.start < (q.cue_end or q.cue_start + 1):
            continue
        if any(k in at and at[k].dep in ("ccomp", "xcomp") and a <= at[k].start < b
               for k in children.get(t.i, ())):
            return True
    return False


def _cue_lemma(q, toks) -> str | None:
    """The lemma of quote ``q``'s cue word, found among ``toks`` (tokens in text order), else None."""
    if q.cue_start is None:
        return None
    i = bisect_left(toks, q.cue_start, key=lambda t: t.start)
    return toks[i].lemma.lower() if i < len(toks) and toks[i].start == q.cue_start else None


def _keeps_frame(q, toks) -> bool:
    """Whether quote ``q``'s cue is part of what the claim says: a stance ("praised the council 'for ...'"),
    whose content is no statement on its own."""
    return _cue_lemma(q, toks) in STANCE_VERBS - SPEECH_VERBS


def _commitment(q, toks) -> bool:
    """Whether quote ``q`` is a promise or a call to act ("vowed to respond", "urged lawmakers to change the
    bill"): a quote of its speaker's, but the sentence reports an act the outlet states (BASIL fact gold), so
    no claim rests on it."""
    return _cue_lemma(q, toks) in COMMIT_VERBS


def _split_frame(text, s, e, q, toks, children):
    """A quoted claim whose frame narrates more than who speaks, split in two: ``(content, [pieces])``, the
    quote's content inside [s, e) (the speaker's words) and the frame's pieces before and after it that say
    more (the outlet's narration: "Ostrova, who is 52, said"), each as ``(start, end, reported)`` where
    ``reported`` says the piece is itself the speaker's reported speech. ``None`` when the frame says no
    more, or the content is no clause of its own."""
    if q is None:
        return None
    cs, ce = _strip(text, max(s, q.start), min(e, q.end), _FRAME_EDGE, _FRAME_EDGE + ".", that=True)
    if (cs, ce) == (s, e) or not _is_clause(text, cs, ce, toks):
        return None
    pieces = []
    for a, b in ((s, max(s, q.start)), (min(e, q.end), e)):
        a, b = _strip(text, a, b, _FRAME_EDGE, _FRAME_EDGE + ".")
        if b > a and _says_more(text, a, b, q, toks):
            pieces.append((a, b, _reports_speech(a, b, q, toks, children)))
    return ((cs, ce), pieces) if pieces else None


def _bare_frame(text, s, e, quotes, toks) -> bool:
    """Whether [s, e) is only the frame of a quote whose words lie outside it ("Rep. Ortiz (D-Ohio) tweeted on
    Friday", the sentence the parser cut off before the quotation): its speaker, its cue, and fewer than
    ``FRAME_MIN_CONTENT_WORDS`` other content words besides when and how it was said. Such a piece says only
    that someone spoke, which the quote's attribution records; it is no claim."""
    for q in quotes:
        if q.cue_start is None or not s <= q.cue_start < e or _overlap(s, e, q.start, q.end) > 0:
            continue
        if _frame_words(toks, s, e, q, q.speaker_end or 0, _WHEN_WORDS) < FRAME_MIN_CONTENT_WORDS:
            return True
    return False


def _is_claim(text, s, e, toks):
    frag = text[s:e]
    if len(frag.split()) < MIN_WORDS:
        return False
    if frag.rstrip("\"”’' )").endswith("?"):
        return False
    letters = re.sub(r"[^A-Za-z]", "", frag)
    if letters and letters.isupper():
        return False
    if frag.lstrip().startswith(("•", "Read more", "Read Next", "Click here")):
        return False
    return any(t.pos in ("VERB", "AUX") for t in toks)


def _overlap(a, b, c, d):
    return max(0, min(b, d) - max(a, c))


def _quote_for(s, e, quotes, root=None):
    """The quote a claim rests on: of the quotes overlapping it whose content covers ``QUOTE_COVER_CLAIM`` of
    the claim, or lies ``QUOTE_COVER_QUOTE`` inside it, or whose cue lies in it, the one overlapping it most.

    A short quote inside a sentence whose main verb is the outlet's narration ("A man approached him, saying:
    'Hi.'"; "He looks irritated and asks 'who are you?' before knocking the camera down") does not make the
    sentence the speaker's: the outlet asserts what happened. ``root``: the claim's main verb (a token)."""
    best, best_ov = None, 0
    n = e - s
    for q in quotes:
        ov = _overlap(s, e, q.start, q.end)
        cue_in = q.cue_start is not None and s <= q.cue_start < e
        if ov < QUOTE_COVER_CLAIM * n and _narrated_around(root, q):
            continue
        if (ov >= QUOTE_COVER_CLAIM * n or (cue_in and ov > 0)
                or (ov >= QUOTE_COVER_QUOTE * (q.end - q.start) and ov > 0)):
            if ov > best_ov:
                best, best_ov = q, ov
    return best


# verbs of denial whose sentence is its subject's claim even without a quote ("X rejected claims that ...");
# "X criticized Y for Z" stays the outlet's: Z is a fact the outlet states too (BASIL fact gold)
STANCE_CLAIM_VERBS = frozenset("reject dismiss deny dispute refute rebut".split())


def _narrated_around(root, q) -> bool:
    """Whether the claim's main verb ``root`` is narration around quote ``q``: a verb that is not a verb of
    saying, outside the quote's content and cue."""
    if root is None or root.pos not in ("VERB", "AUX") or root.lemma.lower() in SPEECH_VERBS | STANCE_VERBS:
        return False
    if q.start <= root.start < q.end:
        return False
    return not (q.cue_start is not None and q.cue_start <= root.start < (q.cue_end or q.cue_start + 1))


def _root(toks, s, e, starts):
    """The main verb of the claim [s, e) as parsed (before ``_main_predicate`` looks past a verb of saying).
    ``starts``: the tokens' start offsets (in text order): the tokens starting in [s, e) are one slice."""
    inside = toks[bisect_left(starts, s):bisect_left(starts, e)]
    idx = {t.i for t in inside}
    roots = [t for t in inside if t.head == t.i or t.head not in idx]
    roots = [t for t in roots if t.pos in ("VERB", "AUX")] or roots
    return roots[0] if roots else None


def _main_predicate(toks, root, s, e, children):
    """The claim's predicate: its main verb ``root`` (``_root``), or past a verb of saying what is reported."""
    if root is None:
        return None
    if root.lemma.lower() in SPEECH_VERBS:
        for c in children.get(root.i, ()):
            if toks[c].dep == "ccomp" and s <= toks[c].start < e:
                return toks[c]
    return root


_CORE_DEPS = {"nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd", "acomp", "agent", "pobj", "prep", "xcomp",
              "ccomp", "advcl", "npadvmod", "compound", "conj"}


def _core(toks, pred, children, s, e) -> list:
    """Lemmas of the predicate and of the content words two dependency steps below it (its subject, object,
    prepositional objects and their heads), inside the claim: who did what to whom."""
    if pred is None:
        return []
    out, frontier = [pred.lemma.lower()], [pred.i]
    for _depth in range(2):
        nxt = []
        for h in frontier:
            for c in children.get(h, ()):
                t = toks[c]
                if t.dep in _CORE_DEPS and s <= t.start < e:
                    nxt.append(c)
                    if t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "NUM"):
                        out.append(t.lemma.lower())
        frontier = nxt
    return sorted(set(out))


def _negated(toks, pred, children):
    if pred is None:
        return False
    if pred.lemma.lower() in DENIAL_LEMMAS:
        return True
    kids = children.get(pred.i, ())
    for c in kids:
        ct = toks[c]
        if ct.dep == "neg" or (ct.dep == "advmod" and ct.text.lower() == "never"):
            return True
        if ct.dep in ("nsubj", "nsubjpass", "dobj", "attr") and (
                ct.text.lower() in NEG_DETS or any(toks[g].dep == "det" and toks[g].text.lower() in NEG_DETS
                                                   for g in children.get(c, ()))):
            return True
    # an auxiliary head chain ("did not", "has not been")
    for c in kids:
        if toks[c].dep in ("aux", "auxpass") and any(toks[g].dep == "neg" for g in children.get(c, ())):
            return True
    return False


def _hedged(text, s, e, toks):
    if HEDGE_RE.search(text[s:e]):
        return True
    return any(t.lemma.lower() in ("claim", "allege") and t.pos == "VERB" for t in toks)


def _unverified_targets(text, ann, entities, quotes):
    """Speakers whose claims the article says it could not verify: entity ids and description keys."""
    ids, keys = set(), set()
    for s, e in ann.sentences:
        m = UNVERIFIED_RE.search(text[s:e])
        if not m:
            continue
        tail = text[s + m.end(): e]
        named = None
        pm = re.match(r"\s+(?:the\s+)?(?:claims?|statements?|account|assertions?|figures?|reports?)?\s*"
                      r"(?:(?:by|of|from)\s+)?([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*?)(?:’s|'s)?\b", tail)
        pos = s + m.end()
        if pm and pm.group(1):
            name = pm.group(1)
            for ent in entities:
                if name == ent.name or name in ent.aliases or name in ent.name.split():
                    named = ent.local_id
                    break
        if named is not None:
            ids.add(named)
            continue
        # "his claims", "these claims", "the claims": the latest speaker before the marker
        prior = [q for q in quotes if q.start < pos and (q.speaker_entity is not None or q.speaker_description)]
        if prior:
            q = max(prior, key=lambda q: q.start)
            if q.speaker_entity is not None:
                ids.add(q.speaker_entity)
            else:
                keys.add(description_key(q.speaker_description))
    return ids, keys


class _Builder:
    """What ``find_claims`` needs of one article to turn a span into a ``Claim``."""

    def __init__(self, article, ann, entities, quotes):
        self.article, self.text, self.toks = article, article.text, ann.tokens
        self.children = {}
        for t in self.toks:
            if t.head != t.i:
                self.children.setdefault(t.head, []).append(t.i)
        self.starts = [t.start for t in self.toks]
        # every entity mention as (start, end, local id), by start: the entities a claim names are found
        # among the mentions starting less than the longest mention before it
        self.spans = sorted((ms, me, x.local_id) for x in entities for ms, me in x.mentions)
        self.span_starts = [m[0] for m in self.spans]
        self.longest = max((me - ms for ms, me, _ in self.spans), default=0)
        self.unv_ids, self.unv_keys = _unverified_targets(self.text, ann, entities, quotes)
        self.voiced = {x.local_id for x in entities if x.type in ("PERSON", "ORG")}

    def stance_speaker(self, root):
        """The entity whose denial a sentence states though it quotes nothing ("Mayor Brandt rejected claims
        that ..."): the named person or organisation that is the subject of the sentence's main verb, a verb
        of denial (``STANCE_CLAIM_VERBS``); else None."""
        if root is None or root.pos != "VERB" or root.lemma.lower() not in STANCE_CLAIM_VERBS:
            return None
        subj = [c for c in self.children.get(root.i, ()) if self.toks[c].dep == "nsubj"]
        if not subj:
            return None
        at = self.toks[subj[0]].start
        lo = bisect_right(self.span_starts, at - self.longest)
        for ms, me, lid in self.spans[lo:bisect_right(self.span_starts, at)]:
            if ms <= at < me and lid in self.voiced:
                return lid
        return None

    def attribution(self, s, e, q):
        """(kind, speaker entity, quote id, description key) of the claim [s, e) resting on quote ``q``."""
        if q is None:
            return ("document" if DOC_ACCORDING_RE.search(self.text[s:e]) else "outlet"), None, None, None
        if q.speaker_entity is not None:
            return "speaker", q.speaker_entity, q.id, None
        if q.speaker_description and is_document_phrase(q.speaker_description):
            return "document", None, q.id, None
        return "anonymous", None, q.id, description_key(q.speaker_description or q.speaker_text or "unknown")

    def modality(self, s, e, stoks, pred, attribution, spk, key):
        if (attribution == "speaker" and spk in self.unv_ids) or (attribution == "anonymous" and key in self.unv_keys):
            return "unverified"
        if _negated(self.toks, pred, self.children):
            return "negated"
        return "hedged" if _hedged(self.text, s, e, stoks) else "asserted"

    def claim(self, s, e, attribution, spk, qid, key, modality, pred):
        lo, hi = bisect_right(self.span_starts, s - self.longest), bisect_left(self.span_starts, e)
        ents = sorted({lid for ms, me, lid in self.spans[lo:hi] if ms < e and me > s})
        return Claim(id=make_id("c", self.article.id, s, e), start=s, end=e, text=self.text[s:e],
                     attribution=attribution, speaker_entity=spk, quote=qid, modality=modality,
                     entities=ents, speaker_key=key,
                     predicate=pred.lemma.lower() if pred is not None else None,
                     core=_core(self.toks, pred, self.children, s, e))

    def piece(self, a, b, stoks, q=None):
        """The claim [a, b), a piece of a quoted sentence's frame: the outlet's own narration, or the words
        of the other quote ``q`` it holds; its predicate and modality are its own."""
        root = _root(self.toks, a, b, self.starts)
        pred = _main_predicate(self.toks, root, a, b, self.children)
        ptoks = [t for t in stoks if a <= t.start < b]
        who = self.attribution(a, b, q) if q is not None else ("outlet", None, None, None)
        return self.claim(a, b, *who, self.modality(a, b, ptoks, pred, who[0], who[1], who[3]), pred)


def find_claims(article, ann, entities, quotes) -> list:
    """The article's claims, in text order (a quote's narrating frame follows its content)."""
    B = _Builder(article, ann, entities, quotes)
    quotes = [q for q in quotes if not _commitment(q, B.toks)]
    text, toks = B.text, B.toks
    headings = list(getattr(article, "headings", []) or [])
    claims = []
    seen, kept = set(), set()
    for s, e, si in _pieces(text, ann, headings):
        ts, te = ann.sent_tokens[si]
        stoks = [t for t in toks[ts:te] if s <= t.start < e]
        if not _is_claim(text, s, e, stoks) or (s, e) in seen or _bare_frame(text, s, e, quotes, stoks):
            continue
        seen.add((s, e))
        root = _root(toks, s, e, B.starts)
        q = _quote_for(s, e, quotes, root)
        attribution, spk, qid, key = B.attribution(s, e, q)
        denier = B.stance_speaker(root) if q is None else None
        if denier is not None:
            attribution, spk = "speaker", denier
        pred = _main_predicate(toks, root, s, e, B.children)
        modality = B.modality(s, e, stoks, pred, attribution, spk, key)
        split = _split_frame(text, s, e, q, stoks, B.children) if attribution != "outlet" else None
        frame = []
        if split is not None:
            (s, e), frame = split
        else:
            s, e = _trim_frame(text, s, e, q, stoks)
        for a, b, reported in [(s, e, True)] + frame:
            if (a, b) in kept:
                continue
            kept.add((a, b))
            other = _quote_for(a, b, [x for x in quotes if x is not q]) if (a, b) != (s, e) else None
            if other is not None or not reported:   # "X said A, but the authority replied that B"
                claims.append(B.piece(a, b, stoks, other))
            else:
                claims.append(B.claim(a, b, attribution, spk, qid, key, modality, pred))
    return claims
