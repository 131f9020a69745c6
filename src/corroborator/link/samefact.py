"""The same-fact model: the probability that two claims of different articles state one fact.

A pair of claims is described by plain features (``FEATURES``): how close their sentence vectors are (raw
and centred on the story), the rarity-weighted content words and entities they share (and the words they
share outside the names they hold: what they say of them, ``lex_plain``), whether their main
predicates and the heads of its arguments agree (who did what to whom), their figures and dates, who states
each (the outlet, one speaker, two speakers), negation, length, whether each is the other's best match in its
article, how well they align word by word with the embedder's contextual word vectors (``alignment``), and
how close the sentences that hold them are (``sent_cos``: a claim cut from a longer sentence, compared through
its context). The last two are costly and computed only when the model weighs them; the shipped model does
not (``eval/fit_samefact.py --without`` says what they were measured to give). A
logistic regression over them, fitted on labelled pairs by ``eval/fit_samefact.py``, turns them into a
probability; the fitted model ships as ``samefact_model.json`` (weights, the features' means and scales, the
link and related thresholds, the higher threshold a link between two outlets' own-voice claims needs, and the
evaluation that set them), pinned by its digest.

Only pairs worth scoring are scored: a pair whose base score (``claims._Story.base_scores``) is far below
any link, and that shares no distinctive figure, is given probability 0.
"""
from __future__ import annotations

import hashlib
import json
import math
import pathlib
from functools import lru_cache

import numpy as np

from .. import config
from ..errors import ModelError
from .claims_compat import quantity_mismatches, ratio, time_mismatch
from .claims_text import words

# declared in default_config.toml [link.samefact]: the model file is part of the configuration, pinned by its sha256
_C = config.section("link.samefact")
MIN_BASE = _C["min_base"]           # pairs with a lower base score (and no anchor figure) are not scored
MODEL = _C["model"]                 # the model file, relative to this folder or absolute
MODEL_SHA256 = _C["model_sha256"]   # its digest: a file that does not match is refused
MODEL_PATH = pathlib.Path(__file__).with_name(MODEL)
_SPEECH = {"say", "tell", "add", "state", "write", "note", "claim", "argue", "insist", "explain", "report",
           "announce", "declare", "describe", "call", "suggest", "believe", "think", "ask"}

FEATURES = (
    "cos", "cos_raw", "cos_raw_sq", "lex", "ent", "ent_shared", "same_speaker", "two_speakers", "one_quoted",
    "both_outlet", "qty_match", "qty_far", "qty_near", "time_agree", "time_differ", "neg_differ", "len_min",
    "len_ratio", "pred_same", "core_jaccard", "core_shared", "best_ab", "best_ba", "mutual", "margin",
    "anchor", "base", "align", "align_w", "ent_clash", "lex_plain", "sent_cos", "sent_cos_sq",
)
_ALIGN = ("align", "align_w")
_CONTEXT = ("sent_cos", "sent_cos_sq")
_SLOT_TYPES = ("PERSON", "GPE", "LOC", "ORG", "EVENT")   # a place, person, body or event a fact is about


@lru_cache(maxsize=4)
def _load(path: str, expected: str | None) -> dict:
    try:
        raw = pathlib.Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the same-fact model {path}: {exc.strerror or exc}") from exc
    sha = hashlib.sha256(raw).hexdigest()
    if expected is not None and sha != expected:
        raise ModelError(f"the same-fact model {path} has sha256 {sha}, but the configuration pins {expected} "
                         "(link.samefact.model_sha256): restore the file, or after refitting it "
                         "(eval/fit_samefact.py --write) put its new digest in default_config.toml")
    m = json.loads(raw)
    m["digest"] = sha[:16]
    return m


def model(path=None) -> dict:
    """The fitted model (a dict: ``features``, ``mean``, ``scale``, ``weights``, ``bias``, ``link_threshold``,
    ``related_threshold``, ``digest``). Without ``path``, the configured one (``MODEL``), checked against
    ``MODEL_SHA256``; a ``path`` given here (an evaluation trying a candidate model) is not checked."""
    if path is not None:
        return _load(str(path), None)
    p = pathlib.Path(MODEL)
    return _load(str(p if p.is_absolute() else pathlib.Path(__file__).with_name(MODEL)), MODEL_SHA256)


def probability(X: np.ndarray, m: dict) -> np.ndarray:
    """Calibrated same-fact probabilities of feature rows ``X`` (columns in ``FEATURES`` order)."""
    cols = [FEATURES.index(f) for f in m["features"]]
    Z = (X[:, cols] - np.asarray(m["mean"])) / np.asarray(m["scale"])
    z = Z @ np.asarray(m["weights"]) + m["bias"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def vetoed(x) -> bool:
    """A pair the model may score high but that is never linked as one fact: its figures of one kind all
    disagree, and by far (no figure in common; "$400 billion" against "$10,000"). Two reports of one count
    that differ a little are a conflict to show; figures far apart are two facts that share a topic."""
    return bool(x[FEATURES.index("qty_far")]) and not x[FEATURES.index("qty_match")]


def _core_sets(claim) -> tuple:
    pred = claim.predicate if claim.predicate and claim.predicate not in _SPEECH else None
    return pred, set(claim.core or ()) - _SPEECH


def _kind(claim) -> str:
    return "speaker" if claim.attribution in ("speaker", "anonymous") else claim.attribution


def _n_words(st, i) -> int:
    """Words of the story's claim ``i``, counted once per story (a claim is in many pairs)."""
    cache = st.__dict__.setdefault("_n_words", {})
    if i not in cache:
        cache[i] = len(words(st.items[i][1].text))
    return cache[i]


def alignment(st, i, j) -> tuple:
    """How well claims ``i`` and ``j`` align word by word (after BERTScore, Zhang et al. 2020): each word's
    best cosine with a word of the other claim, in context, averaged one way and the other (F1 of the two);
    once plainly and once with each word weighted by its rarity in the story."""
    (Ha, wa), (Hb, wb) = st.tokens[i], st.tokens[j]
    S = Ha @ Hb.T
    pa, pb = S.max(1), S.max(0)
    f1 = _f1(float(pa.mean()), float(pb.mean()))
    return f1, _f1(float(pa @ wa / wa.sum()), float(pb @ wb / wb.sum()))


def entity_clash(ta: dict, tb: dict) -> bool:
    """Both claims name a person, place, body or event of one type, and none in common: the same kind of fact
    about two different ones ("an earthquake struck Iran" / "an earthquake struck Indonesia")."""
    return any(ta.get(t) and tb.get(t) and not (ta[t] & tb[t]) for t in _SLOT_TYPES)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def uses_alignment(m: dict) -> bool:
    """Whether model ``m`` weighs the word-by-word alignment (else it is not computed: it needs the claims'
    word vectors, the costliest feature)."""
    return _weighs(m, _ALIGN)


def uses_context(m: dict) -> bool:
    """Whether model ``m`` weighs the similarity of the claims' sentences (else their vectors are not made)."""
    return _weighs(m, _CONTEXT)


def _weighs(m: dict, names) -> bool:
    return any(w != 0.0 for f, w in zip(m["features"], m["weights"]) if f in names)


def pair_features(st, ia, ib, S, Sadj, anchored, align: bool = True, context: bool = True) -> tuple:  # noqa: C901 (one row, in order)
    """Feature rows for the pairs of claims ``ia`` x ``ib`` (two articles of one story) worth scoring.

    ``S``: base scores, ``Sadj``: base scores with the figure and date terms (``claims.score_claims``),
    ``anchored``: (row, col) pairs sharing a distinctive figure; ``align``: whether to compute the word-by-word
    alignment, ``context``: the similarity of the claims' sentences (each left at 0 otherwise). Returns ``(pairs, X)``: the (row, col) of each
    row of ``X``."""
    anch = set(anchored)
    rows, cols = np.nonzero(S >= MIN_BASE)
    cand = sorted(set(zip(rows.tolist(), cols.tolist())) | anch)
    if not cand:
        return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
    best_b, best_a = Sadj.argmax(1), Sadj.argmax(0)
    srt_b = np.sort(Sadj, axis=1)
    second_b = srt_b[:, -2] if Sadj.shape[1] > 1 else np.full(Sadj.shape[0], -1.0)
    comp = st.components(ia, ib, plain=True)
    cos, lex, ent, shared = comp["cos"], comp["lex"], comp["ent"], comp["ent_shared"]
    raw = st.V0[ia] @ st.V0[ib].T
    if align:
        st.pieces([int(ia[r]) for r, _ in cand] + [int(ib[c]) for _, c in cand])
    if context:
        st.contexts([int(ia[r]) for r, _ in cand] + [int(ib[c]) for _, c in cand])
    X = np.zeros((len(cand), len(FEATURES)), dtype=np.float32)
    for k, (r, c) in enumerate(cand):
        i, j = int(ia[r]), int(ib[c])
        ca, cb = st.items[i][1], st.items[j][1]
        f = X[k]
        f[0], f[1] = cos[r, c], raw[r, c]
        f[2] = raw[r, c] ** 2
        f[3], f[4], f[5] = lex[r, c], ent[r, c], min(3.0, shared[r, c])
        sa, sb = st.speaker[i], st.speaker[j]
        ka, kb = _kind(ca), _kind(cb)
        f[6] = float(sa >= 0 and sa == sb)
        f[7] = float(ka == "speaker" and kb == "speaker" and not (sa >= 0 and sa == sb))
        f[8] = float((ka == "speaker") != (kb == "speaker"))
        f[9] = float(ka == "outlet" and kb == "outlet")
        matched, mism = quantity_mismatches(ca, cb)
        far = bool(mism) and (any(ratio(qa, qb) > 2.0 or n > 1 for qa, qb, n in mism) or len(mism) > 1)
        f[10], f[11], f[12] = min(2, matched), float(far), float(bool(mism) and not far)
        pair, agree = time_mismatch(ca, cb)
        f[13], f[14] = float(agree), float(pair is not None)
        f[15] = float((ca.modality == "negated") != (cb.modality == "negated"))
        na, nb = _n_words(st, i), _n_words(st, j)
        f[16], f[17] = math.log1p(min(na, nb)), min(na, nb) / max(na, nb, 1)
        pa, coa = _core_sets(ca)
        pb, cob = _core_sets(cb)
        f[18] = float(pa is not None and pa == pb)
        inter = len(coa & cob)
        f[19] = inter / len(coa | cob) if coa | cob else 0.0
        f[20] = min(3, inter)
        f[21], f[22] = float(best_b[r] == c), float(best_a[c] == r)
        f[23] = f[21] * f[22]
        f[24] = Sadj[r, c] - (second_b[r] if best_b[r] == c else srt_b[r, -1])
        f[25] = float((r, c) in anch)
        f[26] = Sadj[r, c]
        if align:
            f[27], f[28] = alignment(st, i, j)
        f[29] = float(entity_clash(st.ent_typed[i], st.ent_typed[j]))
        f[30] = comp["lex_plain"][r, c]
        if context:
            f[31] = float(st.context[i] @ st.context[j])
            f[32] = f[31] ** 2
    return cand, X
