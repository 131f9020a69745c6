"""Conflicts between the claims of one group, each with a sentence a reader can check.

Only claims from different independent units (articles not derived from one another) are compared:

* ``quantity``: numbers of the same unit with no agreeing counterpart ("Outlet A says $732 billion, Outlet B
  says $740 billion"); vague ranges that overlap agree ("hundreds" / "several hundred").
* ``time``: dates that cannot both hold ("2024-03-05" vs "2024-03-06"; a month vs a day in another month).
* ``negation``: one report denies what the other asserts: a negation word that only one of two otherwise
  near-identical sentences has, or a claim whose modality is ``negated`` against an affirmative claim that
  shares a good part of its content words (``NEGATED_MODALITY_OVERLAP``). A negated sentence about something
  else in the same group ("the unit has not been in the spotlight" next to "the unit numbers in the
  hundreds") is no denial.
* ``attribute``: the same global entity given different attributes (age, role, party, place) in the two
  articles, stated in these claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..link.claims import counted_words
from ..link.claims_compat import quantity_mismatches, time_mismatch
from ..link.claims_text import content_words, normalize_text, words

_NEGATORS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "denied", "denies", "deny", "neither", "nor",
             "without", "rejected", "rejects", "reject", "disputed", "disputes", "dispute", "dismissed", "dismisses",
             "refuted", "refutes"}
NEGATED_MODALITY_OVERLAP = 0.4   # ... and when one claim's modality is ``negated``


@dataclass
class FoundConflict:
    claims: tuple
    kind: str
    detail: str


def _qtext(q) -> str:
    return normalize_text(q.text) if q.text else (f"{q.value:g}" if q.value is not None else f"{q.low}-{q.high}")


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "mister", "mx", "rev", "hon"}
_IDIOMS = re.compile(r"\b(?:can(?:no|')?t help but|could(?:n't| not) help but|not only\b.{0,80}\bbut|no doubt|"
                     r"nothing but|not least|never mind|no wonder|not to mention|none other than)\b", re.I)


def _negated(claim) -> bool:
    """The claim's main predicate is negated (or a denial), and not by an idiom ("can't help but think")."""
    return claim.modality == "negated" and not _IDIOMS.search(claim.text)


def _negators(claim) -> frozenset:
    """The negation and denial words of a claim: two reports that negate alike do not deny each other, however
    the parser read them."""
    return frozenset(t for t in words(claim.text.replace("n't", " n't")) if t in _NEGATORS)


def _speakers_differ(ca, cb) -> bool:
    """Both claims are speakers' words, of two different speakers: a dispute between them, not the outlets."""
    spk = ("speaker", "anonymous")
    return (ca.attribution in spk and cb.attribution in spk
            and (ca.speaker_entity, ca.speaker_key) != (cb.speaker_entity, cb.speaker_key))


# nouns that count people in general, and kinds of people (stems, as ``content_words`` gives them): "19
# people" counts what "14 dock workers" counts when the two claims state one fact
_PEOPLE = {"people", "person", "individual", "other", "adult"}
_KINDS_OF_PEOPLE = _PEOPLE | {
    "worker", "employee", "staff", "passenger", "patient", "victim", "soldier", "officer", "firefighter",
    "student", "child", "children", "pupil", "member", "volunteer", "civilian", "resident", "miner", "crew",
    "driver", "pilot", "nurse", "doctor", "teacher", "protester", "demonstrator", "migrant", "refugee",
    "prisoner", "inmate", "customer", "voter", "man", "men", "woman", "women", "fighter", "troop", "tourist",
    "visitor", "guest", "fan", "spectator", "police", "policeman", "agent", "official", "hostage"}


def _same_count(ca, qa, cb, qb) -> bool:
    """Two figures count the same thing: the words after them ("2.4 million customers") share a noun, or one
    counts people in general and the other a kind of person, or neither names what it counts (the claims'
    link says they state one fact)."""
    wa, wb = counted_words(ca, qa), counted_words(cb, qb)
    if wa & wb or not (wa or wb):
        return True
    return bool((wa & _PEOPLE and wb & _KINDS_OF_PEOPLE) or (wb & _PEOPLE and wa & _KINDS_OF_PEOPLE))


def _time_text(claim, value) -> str:
    t = next(t for t in claim.times if t.value == value)
    return normalize_text(t.text)


def _overlap(a, b) -> float:
    wa, wb = set(content_words(a.text)), set(content_words(b.text))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _attr_value(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = normalize_text(str(v)).lower().strip().rstrip(".")
    return None if not s or s in _HONORIFICS else s


def _attributes_differ(x, y) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, float) and isinstance(y, float) and abs(x - y) > 1e-9
    tx, ty = set(x.split()), set(y.split())
    return not (tx & ty) and x not in y and y not in x


def _attribute_conflicts(ca, cb, aa, ab, entity_map):
    """Attributes of one global entity, mentioned in both claims, that differ between the two articles."""
    out = []
    ents_a = {entity_map.get((aa.article.id, e.local_id)): e for e in aa.entities
              if e.local_id in ca.entities or any(ca.start <= s < ca.end for s, _ in e.mentions)}
    ents_b = {entity_map.get((ab.article.id, e.local_id)): e for e in ab.entities
              if e.local_id in cb.entities or any(cb.start <= s < cb.end for s, _ in e.mentions)}
    for gid in sorted(k for k in ents_a if k is not None and k in ents_b):
        ea, eb = ents_a[gid], ents_b[gid]
        for key in sorted(set(ea.attributes or {}) & set(eb.attributes or {})):
            va, vb = _attr_value(ea.attributes[key]), _attr_value(eb.attributes[key])
            if va is None or vb is None or not _attributes_differ(va, vb):
                continue
            # the claims must state the attribute, not merely name the entity
            sa, sb = normalize_text(ca.text).lower(), normalize_text(cb.text).lower()
            ra = str(ea.attributes[key]).lower()
            rb = str(eb.attributes[key]).lower()
            ra = ra[:-2] if ra.endswith(".0") else ra
            rb = rb[:-2] if rb.endswith(".0") else rb
            if ra in sa and rb in sb:
                out.append((key, ea.name, ea.attributes[key], eb.attributes[key]))
    return out


def find_conflicts(members, art, outlet_of, unit_of, entity_map, confident=None) -> list:
    """Conflicts among ``members`` (``[(article id, Claim)]``) of one group; one per kind and claim pair.

    ``confident``: the claim pairs (frozensets) linked as one fact with confidence; only they are compared (two
    claims merely in one group may state different parts of it)."""
    out = []
    seen = set()
    # articles that head their unit (sources, not copies) first: a conflict is reported on the original
    members = sorted(members, key=lambda m: (unit_of(m[0]) != m[0], m[0], m[1].start))
    for i in range(len(members)):
        aid_a, ca = members[i]
        for j in range(i + 1, len(members)):
            aid_b, cb = members[j]
            if aid_a == aid_b or unit_of(aid_a) == unit_of(aid_b):
                continue
            if confident is not None and frozenset((ca.id, cb.id)) not in confident:
                continue
            units = tuple(sorted((unit_of(aid_a), unit_of(aid_b))))
            out.extend(_pair_conflicts(ca, cb, outlet_of[aid_a], outlet_of[aid_b], units, seen,
                                       art[aid_a], art[aid_b], entity_map))
    return out


def _pair_conflicts(ca, cb, oa, ob, units, seen, aa, ab, entity_map) -> list:
    out = []
    pair = (ca.id, cb.id)
    # a copy repeats its source's figures: report each disagreement once per pair of units
    _, mism = quantity_mismatches(ca, cb)
    for qa, qb, _k in mism:
        key = ("quantity", units, tuple(sorted((_qtext(qa), _qtext(qb)))))
        if key not in seen and _same_count(ca, qa, cb, qb):
            seen.add(key)
            out.append(FoundConflict(pair, "quantity", f"{oa}: {_qtext(qa)}; {ob}: {_qtext(qb)}"))
    tp, _agree = time_mismatch(ca, cb)
    if tp is not None and len(tp[0]) == len(tp[1]) and ("time", units, tuple(sorted(tp))) not in seen:
        ta, tb = _time_text(ca, tp[0]), _time_text(cb, tp[1])
        if ta.lower() != tb.lower():          # the same words dated from two publication dates agree
            seen.add(("time", units, tuple(sorted(tp))))
            out.append(FoundConflict(pair, "time", f"{oa}: {ta} ({tp[0]}); {ob}: {tb} ({tp[1]})"))
    na, nb = _negated(ca), _negated(cb)
    if na != nb and _negators(ca) != _negators(cb) and not _speakers_differ(ca, cb) \
            and _overlap(ca, cb) >= NEGATED_MODALITY_OVERLAP:
        (deny, dc), (affirm, ac) = ((oa, ca), (ob, cb)) if na else ((ob, cb), (oa, ca))
        out.append(FoundConflict(pair, "negation", f"{deny} denies it: {_short(dc.text)}; "
                                                   f"{affirm} asserts it: {_short(ac.text)}"))
    for key, name, va, vb in _attribute_conflicts(ca, cb, aa, ab, entity_map):
        out.append(FoundConflict(pair, "attribute", f"{name}'s {key}: {oa}: {va}; {ob}: {vb}"))
    return out


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= n else text[:n - 1].rstrip() + "\u2026") + "\u201d"
