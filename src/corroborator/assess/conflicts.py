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

from dataclasses import dataclass

from ..link.claims_compat import quantity_mismatches, time_mismatch
from ..link.claims_text import content_words, normalize_text, words

_NEGATORS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "denied", "denies", "deny", "neither", "nor", "without"}
NEGATION_OVERLAP = 0.6       # content-word overlap above which a lone negation word is a denial
NEGATED_MODALITY_OVERLAP = 0.4   # ... and when one claim's modality is ``negated``


@dataclass
class FoundConflict:
    claims: tuple
    kind: str
    detail: str


def _qtext(q) -> str:
    return normalize_text(q.text) if q.text else (f"{q.value:g}" if q.value is not None else f"{q.low}-{q.high}")


def _negated(claim) -> bool:
    if claim.modality == "negated":
        return True
    toks = words(claim.text.replace("n't", " n't"))
    return any(t in _NEGATORS for t in toks)


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
    s = normalize_text(str(v)).lower().strip()
    return s or None


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


def find_conflicts(members, art, outlet_of, unit_of, entity_map) -> list:
    """Conflicts among ``members`` (``[(article id, Claim)]``) of one group; one per kind and claim pair."""
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
            oa, ob = outlet_of[aid_a], outlet_of[aid_b]
            pair = (ca.id, cb.id)
            # a copy repeats its source's figures: report each disagreement once per pair of units
            units = tuple(sorted((unit_of(aid_a), unit_of(aid_b))))
            _, mism = quantity_mismatches(ca, cb)
            for qa, qb, _k in mism:
                key = ("quantity", units, tuple(sorted((_qtext(qa), _qtext(qb)))))
                if key not in seen:
                    seen.add(key)
                    out.append(FoundConflict(pair, "quantity", f"{oa} says {_qtext(qa)}, {ob} says {_qtext(qb)}"))
            tp, _agree = time_mismatch(ca, cb)
            if tp is not None and ("time", units, tuple(sorted(tp))) not in seen:
                seen.add(("time", units, tuple(sorted(tp))))
                ta = next(t for t in ca.times if t.value == tp[0])
                tb = next(t for t in cb.times if t.value == tp[1])
                out.append(FoundConflict(pair, "time", f"{oa} says {normalize_text(ta.text)} ({tp[0]}), "
                                                         f"{ob} says {normalize_text(tb.text)} ({tp[1]})"))
            na, nb = _negated(ca), _negated(cb)
            need = NEGATED_MODALITY_OVERLAP if "negated" in (ca.modality, cb.modality) else NEGATION_OVERLAP
            if na != nb and _overlap(ca, cb) >= need:
                deny, affirm = (oa, ob) if na else (ob, oa)
                out.append(FoundConflict(pair, "negation", f"{deny} reports a denial of what {affirm} reports"))
            for key, name, va, vb in _attribute_conflicts(ca, cb, art[aid_a], art[aid_b], entity_map):
                out.append(FoundConflict(pair, "attribute", f"{oa} gives {name}'s {key} as {va}, {ob} as {vb}"))
    return out
