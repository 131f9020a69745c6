"""Claim groups: within a story, the claims of different articles that state the same fact.

Two claims from different articles are scored by

    score = cosine of their sentence embeddings           (``ArticleAnalysis.claim_vectors``)
          + LEX_WEIGHT * Dice overlap of content words    (normalised text: "$ 10,000" == "$10,000")
          + ENT_WEIGHT * rarity-weighted overlap of global entities (via ``entity_map``)
          + quantity and time terms

Entities are weighted by their rarity in the story (idf over its claims) and compared with an overlap
coefficient (shared weight over the smaller claim's weight, floored at one rare entity's weight): a rare
place both claims name ("near Dorvik" / "around Dorvik") counts almost fully even when one claim names
more, while the story's subject, named everywhere, counts little.

Quantity and time terms keep facts apart from topics: the same quantities or dates raise the score; two
claims whose numbers of one unit are all different and far apart (two votes, a plan's cost and the debt it
cancels) are pushed far below the threshold. A number that differs only a little (732 vs 740) or a date
that differs (Tuesday vs Wednesday) lowers the score only slightly, so a near-identical sentence still
aligns and the difference is reported as a conflict by ``assess``.

The embeddings are first centred on the story (the story's mean claim vector, which every claim shares,
is subtracted), and content words are weighted by their rarity within the story, so that two claims about
the story's subject are not a match for that alone. This base score is not the decision: with the pair's
other features it goes to the fitted same-fact model (``samefact``), whose probability decides. Pairs at the
model's link threshold join groups strongest first (a link between two outlets' own-voice claims, which is what
makes a fact corroborated, needs the model's higher ``own_voice_link_threshold``); a join happens only when every pair of claims of two
articles it would bring together scores at least the related threshold (no chaining of topics), figures
that all disagree by far veto a link, and no group holds more than ``MAX_PER_ARTICLE`` claims of one
article. Weaker matches above the related threshold are listed as ``related`` groups.

Quantity anchors: a distinctive figure is strong evidence of one fact even when the sentences are worded
apart ("the brigade numbers in the hundreds" / "an estimated several hundred are deployed near Dorvik").
Two claims of different articles are linked when they carry agreeing figures that are distinctive (a count
of at least ``ANCHOR_MIN_VALUE`` or a vague range such as "hundreds", not a duration, age or year), rare in
both articles (at most ``ANCHOR_MAX_CLAIMS`` claims of each carry an agreeing figure), of one kind (two
vague ranges, or two values: "hundreds" and "about a thousand" touch at their edges but are not one
figure), counting the same thing (the words after the figure, "hundreds of residents" / "hundreds of
firefighters", must not differ; an elliptic figure, "several hundred are", counts whatever its sentence is
about), with no disagreeing figure or date, and with a score of at least ``ANCHOR_MIN_SCORE`` (not plainly
about something else).

Claims that state an attribute of the same entity (an age, a role) in two articles are linked too, so that
``assess`` can compare the attributes. Every claim is in exactly one group; a group's id hashes its sorted
claim ids.
"""
from __future__ import annotations

from collections import defaultdict

from bisect import bisect_left, bisect_right

import numpy as np

from .. import config
from ..ids import make_id
from ..annotate.embed import wordpieces
from ..annotate.vectors import embed_cached, take_tokens
from ..records import ClaimGroup
from ..unionfind import find_root_list
from . import samefact
from .claims_compat import (comparable_quantities, interval, quantities_agree, quantity_mismatches, ratio,
                            time_mismatch, time_values, unit_key)
from .claims_text import (STOPWORDS, content_stems, content_words, hashed_vectors, normalize_text, stable_hash,
                          words)

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("link.claims")
THRESHOLD = _C["threshold"]
CENTER_SHRINK = _C["center_shrink"]
LEX_WEIGHT = _C["lex_weight"]
ENT_WEIGHT = _C["ent_weight"]
SPEAKER_BONUS = _C["speaker_bonus"]
MAX_PER_ARTICLE = _C["max_per_article"]
QTY_MATCH_BONUS = _C["qty_match_bonus"]
QTY_FAR_PENALTY = _C["qty_far_penalty"]
QTY_NEAR_PENALTY = _C["qty_near_penalty"]
QTY_NEAR_RATIO = _C["qty_near_ratio"]
TIME_MATCH_BONUS = _C["time_match_bonus"]
TIME_MISMATCH_PENALTY = _C["time_mismatch_penalty"]
ANCHOR_MIN_VALUE = _C["anchor_min_value"]
ANCHOR_MAX_CLAIMS = _C["anchor_max_claims"]
ANCHOR_MIN_SCORE = _C["anchor_min_score"]
MAX_RELATED = _C["max_related"]
PREFILTER_MARGIN = _C["prefilter_margin"]
_LEX_DIM = 4096


def _claim_vectors(an) -> np.ndarray:
    vs = an.claim_vectors
    if len(vs) == len(an.claims) and all(v is not None and len(v) for v in vs):
        m = np.asarray(np.stack([np.asarray(v, dtype=np.float32) for v in vs]), dtype=np.float32) \
            if len(vs) else np.zeros((0, 384), dtype=np.float32)
        m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        return m
    return None


def _lex_matrix(stem_sets) -> np.ndarray:
    """Which hashed content stems each claim holds (``stem_sets``: a set of stems per claim), 0/1 as bytes (a
    story of 2,000 claims: 8 MB, not 32)."""
    m = np.zeros((len(stem_sets), _LEX_DIM), dtype=np.uint8)
    column = {}                       # stem -> its column (a story's claims share most of their words)
    for i, stems in enumerate(stem_sets):
        for w in stems:
            j = column.get(w)
            if j is None:
                j = column[w] = stable_hash(w) % _LEX_DIM
            m[i, j] = 1.0
    return m


def _frame_spans(claim, quote) -> list:
    """Spans of the claim's attribution frame ("..., Caesar said.", "Officials told Reuters that ..."): the
    speaker and the cue of its quote, where they lie inside the claim."""
    out = []
    if quote is None:
        return out
    for a, b in ((quote.speaker_start, quote.speaker_end), (quote.cue_start, quote.cue_end)):
        if a is not None and b is not None and claim.start <= a < b <= claim.end:
            out.append((a, b))
    return sorted(out)


def _content(an, claim, quote) -> tuple:
    """(text, content entities) of a claim without its attribution frame: who says it is not what is said, so
    "..., Caesar said" and "... reported that Caesar had ..." do not share content for naming Caesar."""
    frame = _frame_spans(claim, quote)
    ents = set(claim.entities)
    if not frame:
        return claim.text, ents
    text, parts, pos = an.article.text, [], claim.start
    for a, b in frame:
        if a > pos:
            parts.append(text[pos:a])
        pos = max(pos, b)
    parts.append(text[pos:claim.end])
    by_id = {e.local_id: e for e in an.entities}
    for lid in list(ents):
        e = by_id.get(lid)
        inside = [(s, t) for s, t in (e.mentions if e is not None else ()) if s < claim.end and t > claim.start]
        if inside and all(any(a <= s and t <= b for a, b in frame) for s, t in inside):
            ents.discard(lid)
    return " ".join(parts), ents


def _plain_stems(an, claim, quote, spans) -> set:
    """The content stems of the claim's words outside its attribution frame and the names it holds: what it
    says of them (two claims sharing "Harbour Governor Lena Ostrova" but not what he did share none).
    ``spans``: the article's entity mentions as sorted ``(start, end)``."""
    cut = list(_frame_spans(claim, quote))
    for k in range(max(0, bisect_left(spans, (claim.start, -1)) - 8), len(spans)):
        ms, me = spans[k]
        if ms >= claim.end:
            break
        if me > claim.start:
            cut.append((ms, me))
    text, parts, pos = an.article.text, [], claim.start
    for a, b in sorted(cut):
        if a > pos:
            parts.append(text[pos:min(a, claim.end)])
        pos = max(pos, b)
    if pos < claim.end:
        parts.append(text[pos:claim.end])
    return set(content_stems(" ".join(parts)))


def _weighted(M, idf, rows) -> np.ndarray:
    """Rows ``rows`` of the 0/1 stem matrix ``M``, each stem weighted by its rarity ``idf`` (float32)."""
    w = M[rows].astype(np.float32)
    w *= idf[None, :]
    return w


def _rarity(M) -> tuple:
    """(idf of each stem column of ``M`` in the story, each row's summed weight). The rows are weighted block
    by block: the weighted matrix of a 2,000-claim story is 32 MB."""
    n = len(M)
    idf = np.log((n + 1) / (M.sum(0, dtype=np.float32) + 0.5)).astype(np.float32)
    size = (np.concatenate([_weighted(M, idf, np.arange(lo, min(lo + 128, n))).sum(1) for lo in range(0, n, 128)])
            if n else np.zeros(0, dtype=np.float32))
    return idf, size


def _entity_matrix(ent_sets) -> np.ndarray:
    index = {}
    for s in ent_sets:
        for e in s:
            index.setdefault(e, len(index))
    m = np.zeros((len(ent_sets), max(len(index), 1)), dtype=np.float32)
    for i, s in enumerate(ent_sets):
        for e in s:
            m[i, index[e]] = 1.0
    return m


def _attribute_keys(an, entity_map) -> dict:
    """claim index -> {(global entity, attribute name)} for claims that state an entity's attribute."""
    out = defaultdict(set)
    text = an.article.text
    for e in an.entities:
        attrs = {k: v for k, v in (e.attributes or {}).items() if isinstance(v, (int, float, str))
                 and not isinstance(v, bool)}
        if not attrs:
            continue
        gid = entity_map.get((an.article.id, e.local_id))
        if gid is None:
            continue
        for k, v in attrs.items():
            needle = normalize_text(str(v)).lower()
            for ci, c in enumerate(an.claims):
                if e.local_id not in c.entities and not any(c.start <= s < c.end for s, _ in e.mentions):
                    continue
                if needle and needle in normalize_text(text[c.start:c.end]).lower():
                    out[ci].add((gid, k))
                    break
    return out


def _sentence_text(an, claim) -> str:
    """The text of the sentence(s) of article analysis ``an`` that hold ``claim`` (the claim's own text when the
    analysis has no sentences)."""
    spans = an.sentences
    if not spans:
        return claim.text.strip()
    starts = [s for s, _ in spans]
    i = max(bisect_right(starts, claim.start) - 1, 0)
    j = max(bisect_right(starts, max(claim.end - 1, claim.start)) - 1, i)
    return an.article.text[spans[i][0]:spans[j][1]].strip() or claim.text.strip()


class _Story:
    """The claims of one story, with the matrices used to score them."""

    def __init__(self, members, entity_map):
        self.members = members
        self.items = []                   # (article index in members, claim)
        vec_parts, fallback = [], False
        contents, ents, speakers, plains = [], [], [], []
        self.ent_typed = []               # per claim: entity type -> the global entities of that type it names
        for ai, an in enumerate(members):
            v = _claim_vectors(an)
            if v is None:
                fallback = True
            vec_parts.append(v)
            quotes = {q.id: q for q in an.quotes}
            spans = sorted((ms, me) for e in an.entities for ms, me in e.mentions)
            aid = an.article.id
            etype = {e.local_id: e.type for e in an.entities}
            for c in an.claims:
                self.items.append((ai, c))
                text, local = _content(an, c, quotes.get(c.quote))
                stems = set(content_stems(text))
                contents.append(stems)
                plains.append(_plain_stems(an, c, quotes.get(c.quote), spans))
                ents.append({entity_map.get((aid, lid), f"{aid}:{lid}") for lid in local})
                typed = defaultdict(set)
                for lid in local:
                    typed[etype.get(lid, "OTHER")].add(entity_map.get((aid, lid), f"{aid}:{lid}"))
                self.ent_typed.append(typed)
                speakers.append(entity_map.get((aid, c.speaker_entity))
                                if c.attribution == "speaker" and c.speaker_entity is not None else None)
        self.ent_ids = ents
        texts = [c.text for _, c in self.items]
        self.hashed = fallback or not vec_parts
        if self.hashed:
            self.V = hashed_vectors(texts)
        else:
            self.V = np.concatenate(vec_parts) if vec_parts else np.zeros((0, 384), dtype=np.float32)
        # topic removal: the story's mean claim vector is what every claim of the story shares; subtracting
        # it (shrunk for small stories) leaves what a claim says in particular
        self.V0 = self.V / np.maximum(np.linalg.norm(self.V, axis=1, keepdims=True), 1e-9)
        if len(self.V):
            alpha = len(self.V) / (len(self.V) + CENTER_SHRINK)
            self.V = self.V - alpha * self.V.mean(0, keepdims=True)
            self.V /= np.maximum(np.linalg.norm(self.V, axis=1, keepdims=True), 1e-9)
        # content words weighted by their rarity in the story: "Bakhmut" counts, the story's subject does not
        self.L = _lex_matrix(contents)    # weighted rows are made for the claims compared, never all at once
        self.idf, self.lsize = _rarity(self.L)
        self.lfloor = float(3 * np.log((len(texts) + 1) / 1.5))   # three rare words
        # the same over the words outside the names the claims hold
        self.P = _lex_matrix(plains)
        self.pidf, self.psize = _rarity(self.P)
        self.E = _entity_matrix(ents)
        edf = self.E.sum(0)
        eidf = np.log((len(ents) + 1) / (edf + 0.5)).astype(np.float32)
        self.Ew = self.E * eidf[None, :]
        self.esize = self.Ew.sum(1)
        self.efloor = float(np.log((len(ents) + 1) / 1.5))
        self.article = np.array([ai for ai, _ in self.items], dtype=np.int64)
        sp_index = {}
        self.speaker = np.array([-1 if x is None else sp_index.setdefault(x, len(sp_index)) for x in speakers],
                                dtype=np.int64)

    def pieces(self, idx) -> None:
        """Make sure claims ``idx`` have their word-piece vectors (``self.tokens``: claim index -> (vectors of
        the word-initial pieces, their rarity weights)), computed once per story, and only for the claims a
        pair is scored for."""
        if not hasattr(self, "tokens"):
            self.tokens = {}
            texts = [c.text for _, c in self.items]
            lists = wordpieces(texts)
            df = defaultdict(int)
            for ps in lists:
                for piece in set(ps):
                    df[piece] += 1
            n = len(lists)
            self._piece_idf = {piece: float(np.log((n + 1) / (k + 0.5))) for piece, k in df.items()}
        todo = sorted({int(i) for i in idx} - self.tokens.keys())
        for i, (ps, H) in zip(todo, take_tokens([self.items[i][1].text for i in todo])):
            w = np.array([self._piece_idf.get(p, 0.0) for p in ps], dtype=np.float32)
            self.tokens[i] = (H.astype(np.float32), np.maximum(w, 1e-3))

    def contexts(self, idx) -> None:
        """Make sure claims ``idx`` have the unit vector of the sentence they stand in (``self.context``: claim
        index -> vector), computed once per story and only for the claims a pair is scored for. A claim cut
        from a longer sentence is compared through its context too: "he is challenging the incumbent for the
        post" says whose post only with the rest of its sentence. A claim that is its whole sentence keeps its
        own vector."""
        if not hasattr(self, "context"):
            self.context = {}
        todo = sorted({int(i) for i in idx} - self.context.keys())
        texts = [_sentence_text(self.members[self.items[i][0]], self.items[i][1]) for i in todo]
        fresh = [k for k, (i, t) in enumerate(zip(todo, texts)) if t != self.items[i][1].text.strip()]
        vecs = (hashed_vectors if self.hashed else embed_cached)([texts[k] for k in fresh]) if fresh else []
        for i in todo:
            self.context[i] = self.V0[i]
        for k, v in zip(fresh, vecs):
            self.context[todo[k]] = np.asarray(v, dtype=np.float32)

    def _weighted(self, rows) -> np.ndarray:
        """The content-stem rows of claims ``rows``, each stem weighted by its rarity in the story."""
        return _weighted(self.L, self.idf, rows)

    def components(self, ia: np.ndarray, ib: np.ndarray, plain: bool = False) -> dict:
        """The parts of the base score of claims ``ia`` x ``ib``: centred cosine, rarity-weighted content-word
        overlap, entity overlap, shared entities, same speaker (matrices); with ``plain``, also the overlap of
        the words outside names (``lex_plain``, a model feature)."""
        cos = self.V[ia] @ self.V[ib].T
        inter = self._weighted(ia) @ self.L[ib].T.astype(np.float32)
        dice = 2 * inter / np.maximum(self.lsize[ia][:, None] + self.lsize[ib][None, :], 1)
        # a short claim restated inside a longer, multi-clause one: Dice counts the long claim's other
        # clauses against it; the overlap coefficient (shared weight over the smaller claim's) does not
        over = inter / np.maximum(np.minimum(self.lsize[ia][:, None], self.lsize[ib][None, :]), self.lfloor)
        dice = 0.5 * (dice + np.minimum(over, 1.0))
        einter = self.Ew[ia] @ self.E[ib].T
        esmall = np.minimum(self.esize[ia][:, None], self.esize[ib][None, :])
        eover = einter / np.maximum(esmall, self.efloor)
        sa, sb = self.speaker[ia][:, None], self.speaker[ib][None, :]
        same_speaker = ((sa == sb) & (sa >= 0)).astype(np.float32)
        out = {"cos": cos, "lex": dice, "ent": eover, "ent_shared": self.E[ia] @ self.E[ib].T,
               "same_speaker": same_speaker}
        if plain:
            pinter = _weighted(self.P, self.pidf, ia) @ self.P[ib].T.astype(np.float32)
            small = np.minimum(self.psize[ia][:, None], self.psize[ib][None, :])
            out["lex_plain"] = np.minimum(pinter / np.maximum(small, self.lfloor), 1.0)
        return out

    def base_scores(self, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
        c = self.components(ia, ib)
        return c["cos"] + LEX_WEIGHT * c["lex"] + ENT_WEIGHT * c["ent"] + SPEAKER_BONUS * c["same_speaker"]


def fact_adjustment(ca, cb) -> float:
    """The quantity and time terms of the score of two claims."""
    adj = 0.0
    matched, mism = quantity_mismatches(ca, cb)
    if mism:
        far = any(ratio(qa, qb) > QTY_NEAR_RATIO or k > 1 for qa, qb, k in mism) or len(mism) > 1
        adj -= QTY_FAR_PENALTY if far else QTY_NEAR_PENALTY
    elif matched:
        adj += QTY_MATCH_BONUS
    pair, agree = time_mismatch(ca, cb)
    if agree:
        adj += TIME_MATCH_BONUS
    elif pair is not None:
        adj -= TIME_MISMATCH_PENALTY
    return adj


_DURATION_UNITS = {"year", "month", "week", "day", "hour", "minute", "second", "decade", "century"}


def counted_words(claim, q) -> set:
    """Content words naming what a figure counts ("hundreds of residents" -> {"resident"}); empty when the
    figure is elliptic ("several hundred are located ...")."""
    text = claim.text
    rel = q.start - claim.start
    if not (0 <= rel and text[rel:rel + len(q.text)] == q.text):
        rel = q.start if text[q.start:q.start + len(q.text)] == q.text else text.find(q.text)
    if rel < 0:
        return set()
    after = words(text[rel + len(q.text):])[:4]
    if after and after[0] == "of":
        after = after[1:]
    out = []
    for w in after:
        if w in STOPWORDS or w[0].isdigit():
            break
        out.extend(content_words(w))
        if len(out) >= 2:
            break
    return set(out)


def anchor_quantities(claim) -> list:
    """The claim's distinctive figures: counts of at least ``ANCHOR_MIN_VALUE`` or vague ranges, not durations,
    ages or bare years."""
    out = []
    for q in comparable_quantities(claim):
        u = unit_key(q.unit)
        if u in _DURATION_UNITS or u.rstrip("s") in _DURATION_UNITS:
            continue
        iv = interval(q)
        lo = iv[0] if iv else None
        if lo is None or not np.isfinite(lo) or lo < ANCHOR_MIN_VALUE:
            if not (q.low is not None and q.high is not None and q.low >= ANCHOR_MIN_VALUE):
                continue
        if not u and q.value is not None and not q.approximate and 1900 <= q.value <= 2100 \
                and float(q.value).is_integer():
            continue
        out.append(q)
    return out


def _is_range(q) -> bool:
    return q.low is not None and q.high is not None and q.low != q.high


def _same_figure(x, y) -> bool:
    """Agreeing figures of one unit and one kind: two vague ranges, or two values ("hundreds" and "about a
    thousand" touch at their edges but are not one figure)."""
    return (unit_key(x.unit) == unit_key(y.unit) and _is_range(x) == _is_range(y) and quantities_agree(x, y))


def _anchor_pairs(st: _Story, ia, ib) -> list:
    """(row, col) pairs of ``ia`` x ``ib`` sharing a distinctive agreeing figure that counts the same thing."""
    qa = [anchor_quantities(st.items[i][1]) for i in ia]
    qb = [anchor_quantities(st.items[j][1]) for j in ib]
    pairs = []
    for r, xs in enumerate(qa):
        for x in xs:
            hits = [(c, y) for c, ys in enumerate(qb) for y in ys if _same_figure(x, y)]
            if not hits or len({c for c, _ in hits}) > ANCHOR_MAX_CLAIMS:
                continue
            back = {r2 for r2, xs2 in enumerate(qa) for x2 in xs2 for _, y in hits
                    if _same_figure(x2, y)}
            if len(back) > ANCHOR_MAX_CLAIMS:
                continue
            wx = counted_words(st.items[ia[r]][1], x)
            for c, y in hits:
                wy = counted_words(st.items[ib[c]][1], y)
                if wx and wy and not (wx & wy):
                    continue
                pairs.append((r, c))
    return sorted(set(pairs))


def score_claims(st: _Story, ia, ib, base=None) -> np.ndarray:
    S = (st.base_scores(ia, ib) if base is None else base).copy()
    rows, cols = np.nonzero(S >= THRESHOLD - PREFILTER_MARGIN)
    for r, c in zip(rows.tolist(), cols.tolist()):
        S[r, c] += fact_adjustment(st.items[ia[r]][1], st.items[ib[c]][1])
    return S


def needs_word_vectors() -> bool:
    """Whether linking with the configured model uses the claims' word vectors (``samefact.alignment``): the
    embedding run then keeps them for it."""
    return samefact.uses_alignment(samefact.model())


def story_pairs(members, entity_map, m=None, all_features: bool = False, align: bool | None = None) -> tuple:
    """Every scored pair of claims of different articles of one story: ``(st, pairs)`` where ``pairs`` lists
    ``(x, y, probability, features)`` with ``x < y`` indexes of ``st.items`` (see ``samefact``). Features the
    model does not weigh are not computed unless ``all_features`` (fitting a model); ``align`` says whether to
    compute the word-by-word alignment whatever the model weighs (the costliest feature)."""
    m = m or samefact.model()
    align = (all_features or samefact.uses_alignment(m)) if align is None else align
    context = all_features or samefact.uses_context(m)
    st = _Story(members, entity_map)
    out = []
    per_article = [np.nonzero(st.article == ai)[0] for ai in range(len(members))]
    for a in range(len(members)):
        for b in range(a + 1, len(members)):
            ia, ib = per_article[a], per_article[b]
            if not len(ia) or not len(ib):
                continue
            S = st.base_scores(ia, ib)
            Sadj = score_claims(st, ia, ib, base=S)
            anchored = [(r, c) for r, c in _anchor_pairs(st, ia, ib) if Sadj[r, c] >= ANCHOR_MIN_SCORE
                        and fact_adjustment(st.items[ia[r]][1], st.items[ib[c]][1]) >= 0]
            cand, X = samefact.pair_features(st, ia, ib, S, Sadj, anchored, align=align,
                                            context=context)
            if not cand:
                continue
            P = samefact.probability(X, m)
            for (r, c), p, x in zip(cand, P.tolist(), X):
                i, j = int(ia[r]), int(ib[c])
                out.append((min(i, j), max(i, j), float(p), x))
    return st, out


def _merge_links(links, parent, find, article, allowed=None) -> None:
    """Join the linked claims, strongest link first, into groups holding at most ``MAX_PER_ARTICLE`` claims of
    any one article. ``allowed(members_x, members_y)``, when given, must accept every pair a merge would join
    (a link joins two groups only when the claims it would bring together all state one fact: links made pair
    by pair and closed transitively run topics together)."""
    counts = {i: {int(article[i]): 1} for i in range(len(parent))}
    members = {i: [i] for i in range(len(parent))}
    for _score, x, y in sorted(links, key=lambda t: (-t[0], t[1], t[2])):
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        cx, cy = counts[rx], counts[ry]
        if any(cx.get(a, 0) + k > MAX_PER_ARTICLE for a, k in cy.items()):
            continue
        if allowed is not None and not allowed(members[rx], members[ry]):
            continue
        root, other = min(rx, ry), max(rx, ry)
        parent[other] = root
        merged = dict(counts.pop(other))
        for a, k in counts[root].items():
            merged[a] = merged.get(a, 0) + k
        counts[root] = merged
        members[root] = members[root] + members.pop(other)


def _evidence(st, x, y, entity_names=None) -> dict:
    """What two linked claims share: entities, figures, dates and rare content words."""
    ca, cb = st.items[x][1], st.items[y][1]
    ents = sorted(st.ent_ids[x] & st.ent_ids[y])
    qty = sorted({q.text for q in ca.quantities for r in cb.quantities
                  if unit_key(q.unit) == unit_key(r.unit) and quantities_agree(q, r) and q.value is not None})
    tms = sorted(set(time_values(ca)) & set(time_values(cb)))
    wa, wb = set(content_words(ca.text)), set(content_words(cb.text))
    shared = sorted(wa & wb, key=lambda w: (-len(w), w))[:8]
    return {"entities": [e for e in ents if ":" not in e], "quantities": qty[:5], "times": tms[:5],
            "words": sorted(shared)}


def group_claims(analyses, stories, entity_map, scores: dict | None = None) -> list:
    """``ClaimGroup`` records (status not yet assessed) covering every claim of ``analyses`` exactly once, each
    with its same-fact links (and their evidence), confidence, central fact and related groups.

    ``scores`` (a dict), when given, receives ``(claim id, claim id) -> probability`` of every scored pair."""
    by_id = {a.article.id: a for a in analyses}
    m = samefact.model()
    groups = []
    for story in stories:
        members = [by_id[aid] for aid in sorted(story.articles) if aid in by_id]
        if not members:
            continue
        if len(members) == 1:
            # an article alone in its story: no claims of another article to link to, so every claim is a
            # group of its own; no need for the story's score matrices
            for c in members[0].claims:
                groups.append(ClaimGroup(id=make_id("g", c.id), story=story.id, claims=[c.id], fact=c.text))
            continue
        groups.extend(_story_groups(members, story, entity_map, m, scores))
    groups.sort(key=lambda g: (g.story, g.claims[0]))
    return groups


def _story_groups(members, story, entity_map, m, scores) -> list:
    st, pairs = story_pairs(members, entity_map, m)
    n = len(st.items)
    prob = {(x, y): p for x, y, p, _ in pairs}
    if scores is not None:
        for (x, y), p in prob.items():
            scores[(st.items[x][1].id, st.items[y][1].id)] = p
    link_t, floor_t = m["link_threshold"], m["related_threshold"]
    # two outlets stating a fact in their own voice is what makes it corroborated: a link between such
    # claims needs a higher score
    own_link_t = max(link_t, m.get("own_voice_link_threshold", link_t))
    own = np.array([c.attribution == "outlet" for _, c in st.items], dtype=bool)
    vetoed = {(x, y) for x, y, _p, f in pairs if samefact.vetoed(f)}
    links = [(p, x, y) for (x, y), p in prob.items()
             if p >= (own_link_t if own[x] and own[y] else link_t) and (x, y) not in vetoed]

    def allowed(xs, ys):
        # every claim pair the merge would join (of two articles) must be at least a related match
        return all(prob.get((min(a, b), max(a, b)), 0.0) >= floor_t
                   for a in xs for b in ys if st.article[a] != st.article[b])

    parent = list(range(n))
    _merge_links(links, parent, lambda x: find_root_list(parent, x), st.article, allowed)
    comps = defaultdict(list)
    for i in range(n):
        comps[find_root_list(parent, i)].append(i)
    gid_of, out = {}, []
    for root, idx in comps.items():
        ids = sorted(st.items[i][1].id for i in idx)
        g = ClaimGroup(id=make_id("g", *ids), story=story.id, claims=ids)
        inside = [(p, x, y) for p, x, y in links if find_root_list(parent, x) == root
                  and find_root_list(parent, y) == root]
        g.links = [{"claims": sorted([st.items[x][1].id, st.items[y][1].id]), "score": round(p, 4),
                    "evidence": _evidence(st, x, y)} for p, x, y in sorted(inside, key=lambda t: -t[0])]
        g.confidence = round(min(p for p, _, _ in inside), 4) if inside else None
        g.fact = _central(st, idx, prob).text
        for i in idx:
            gid_of[i] = g.id
        out.append(g)
    _related(out, prob, gid_of, floor_t)
    return out


def _central(st, idx, prob):
    """The group's most central claim: the most strongly linked to the others, in its outlet's own voice first."""
    def key(i):
        c = st.items[i][1]
        tie = sum(prob.get((min(i, j), max(i, j)), 0.0) for j in idx if j != i)
        return (-tie, c.attribution != "outlet", c.start, c.id)
    return st.items[min(idx, key=key)][1]


def _related(groups, prob, gid_of, floor_t) -> None:
    """Each group's related groups: the best pair across two groups scoring at least ``floor_t``."""
    best = defaultdict(dict)
    for (x, y), p in prob.items():
        gx, gy = gid_of[x], gid_of[y]
        if gx == gy or p < floor_t:
            continue
        for a, b in ((gx, gy), (gy, gx)):
            if p > best[a].get(b, 0.0):
                best[a][b] = p
    for g in groups:
        g.related = [{"group": k, "score": round(v, 4)}
                     for k, v in sorted(best[g.id].items(), key=lambda t: (-t[1], t[0]))[:MAX_RELATED]]
