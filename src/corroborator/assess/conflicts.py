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

from .. import config
from ..link.claims import counted_words
from ..link.claims_compat import comparable_quantities, quantity_mismatches, ratio, time_mismatch, unit_key
from ..link.claims_text import content_words, normalize_text, words

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("assess.conflicts")
# a negated claim denies an affirmative one sharing at least this share of its content words (of the shorter)
NEGATED_MODALITY_OVERLAP = _C["negated_modality_overlap"]
# two exact figures of one unit this close (ratio), with no equal counterpart, are one figure misreported
NEAR_EXACT = _C["near_exact"]

_NEGATORS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "denied", "denies", "deny", "neither", "nor",
             "without", "rejected", "rejects", "reject", "disputed", "disputes", "dispute", "dismissed", "dismisses",
             "refuted", "refutes"}


@dataclass
class FoundConflict:
    claims: tuple
    kind: str
    detail: str
    values: tuple = ()        # (value of the first claim, value of the second) for a quantity


def _qtext(q) -> str:
    return " ".join(q.text.split()) if q.text else (f"{q.value:g}" if q.value is not None else f"{q.low}-{q.high}")


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "mister", "mx", "rev", "hon"}
_IDIOMS = re.compile(r"\b(?:can(?:no|')?t help but|could(?:n't| not) help but|not only\b.{0,80}\bbut|no doubt|"
                     r"nothing but|not least|never mind|no wonder|not to mention|none other than)\b", re.I)


def _negated(claim) -> bool:
    """The claim's main predicate is negated (or a denial), and not by an idiom ("can't help but think")."""
    return claim.modality == "negated" and not _IDIOMS.search(claim.text)


def _negators(claim) -> frozenset:
    """The negation and denial words of a claim ("don't" and "cannot" as "n't"): two reports that negate
    alike do not deny each other, however the parser read them."""
    out = set()
    for t in words(claim.text.replace("\u2019", "'")):
        if t in _NEGATORS:
            out.add(t)
        elif t.endswith("n't") or t == "cannot":
            out.add("n't")
    return frozenset(out)


def _speaker_of(claim, article_id, entity_map):
    if claim.speaker_entity is not None:
        gid = entity_map.get((article_id, claim.speaker_entity))
        return gid if gid is not None else (article_id, claim.speaker_entity)
    return claim.speaker_key


def _speakers_differ(ca, aa, cb, ab, entity_map) -> bool:
    """Both claims are speakers' words, of two different speakers (global entities across the articles): a
    dispute between them, not the outlets."""
    spk = ("speaker", "anonymous")
    return (ca.attribution in spk and cb.attribution in spk
            and _speaker_of(ca, aa, entity_map) != _speaker_of(cb, ab, entity_map))


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


# offices one person holds one at a time: "rep." against "senator" is a disagreement. A post inside a body
# (chairman, leader, spokesman, director) sits beside such an office ("Representative Serra, the chairman of
# the Harbour Committee"), and "father" against "rep." is two true descriptions of one person: neither differs.
_OFFICE_NAMES = {
    "president": "president", "pres": "president", "vice president": "vice president",
    "prime minister": "prime minister", "senator": "senator", "sen": "senator",
    "representative": "representative", "rep": "representative", "congressman": "representative",
    "congresswoman": "representative", "governor": "governor", "gov": "governor", "mayor": "mayor",
    "judge": "judge", "justice": "judge", "attorney general": "attorney general", "ambassador": "ambassador",
    "king": "monarch", "queen": "monarch", "pope": "pope"}


def _office(v):
    return _OFFICE_NAMES.get(v.rstrip(".")) if isinstance(v, str) else None


def _comparable_attribute(key, x, y) -> bool:
    """Attributes of one type that can disagree: ages, parties, two different offices one person cannot hold
    at once (not any role noun, and not two words for one office: "spokesman", "spokesperson")."""
    if key != "role":
        return True
    ox, oy = _office(x), _office(y)
    return ox is not None and oy is not None and ox != oy


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
            if va is None or vb is None or not _comparable_attribute(key, va, vb) or not _attributes_differ(va, vb):
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
    return _by_value(out, members, outlet_of)


def _by_value(found, members, outlet_of) -> list:
    """One record per disagreeing pair of figures in the group, naming every outlet that gives each figure
    ("Harbour Post: up to 2.4 million; Daily Ledger, Quay Radio: 2.3 million")."""
    if not any(f.kind == "quantity" and f.values for f in found):
        return found
    said = {}
    for aid, c in members:
        for q in c.quantities:
            said.setdefault(_qtext(q), set()).add(outlet_of[aid])
    out, done = [], set()
    for f in found:
        if f.kind != "quantity" or not f.values:
            out.append(f)
            continue
        key = frozenset(f.values)
        if key in done:
            continue
        done.add(key)
        va, vb = f.values
        f.detail = f"{', '.join(sorted(said.get(va, ())))}: {va}; {', '.join(sorted(said.get(vb, ())))}: {vb}"
        out.append(f)
    return out


def _pair_conflicts(ca, cb, oa, ob, units, seen, aa, ab, entity_map) -> list:
    pair = (ca.id, cb.id)
    out = _quantity_conflicts(ca, cb, oa, ob, units, seen, pair)
    out += _time_conflicts(ca, cb, oa, ob, units, seen, pair)
    if _denies(ca, cb, aa.article.id, ab.article.id, entity_map):
        (deny, dc), (affirm, ac) = ((oa, ca), (ob, cb)) if _negators(ca) else ((ob, cb), (oa, ca))
        out.append(FoundConflict(pair, "negation", f"{deny} denies it: {_short(dc.text)}; "
                                                   f"{affirm} asserts it: {_short(ac.text)}"))
    for key, name, va, vb in _attribute_conflicts(ca, cb, aa, ab, entity_map):
        out.append(FoundConflict(pair, "attribute", f"{name}'s {key}: {oa}: {va}; {ob}: {vb}"))
    return out


def _exact(q) -> bool:
    return q.value is not None and q.low is None and q.high is None and not q.approximate


def _quantity_conflicts(ca, cb, oa, ob, units, seen, pair) -> list:
    """Figures of one unit counting the same thing, with no agreeing counterpart; and exact figures that
    nearly match ("$5,687.75" / "$5,587.75"), which an open bound elsewhere in the claim ("over $300") would
    otherwise excuse."""
    _, mism = quantity_mismatches(ca, cb)
    cands = [(qa, qb, False) for qa, qb, _k in mism]
    ea = [q for q in comparable_quantities(ca) if _exact(q)]
    eb = [q for q in comparable_quantities(cb) if _exact(q)]
    for qa in ea:
        same_unit = [qb for qb in eb if unit_key(qb.unit) == unit_key(qa.unit)]
        if same_unit and not any(abs(qa.value - qb.value) < 1e-9 for qb in same_unit):
            qb = min(same_unit, key=lambda q: ratio(qa, q))
            if ratio(qa, qb) <= NEAR_EXACT and not any(abs(qb.value - x.value) < 1e-9 for x in ea):
                cands.append((qa, qb, True))   # two precise figures this close: one side naming nothing is enough
    cands += [(qa, qb, False) for qa, qb in _ceiling_pairs(ca, cb)]
    cands += [(qa, qb, False) for qb, qa in _ceiling_pairs(cb, ca)]
    out = []
    for qa, qb, lenient in cands:
        # a copy repeats its source's figures: report each disagreement once per pair of units
        key = ("quantity", units, tuple(sorted((_qtext(qa), _qtext(qb)))))
        if key not in seen and (_same_count(ca, qa, cb, qb) or (lenient and not (
                counted_words(ca, qa) and counted_words(cb, qb)))):
            seen.add(key)
            out.append(FoundConflict(pair, "quantity", f"{oa}: {_qtext(qa)}; {ob}: {_qtext(qb)}",
                                     (_qtext(qa), _qtext(qb))))
    return out


_CEILING = re.compile(r"^(?:up to|as many as|as much as)\b", re.I)


def _ceiling_pairs(ca, cb) -> list:
    """A ceiling given as the figure ("up to 2.4 million customers") against a close exact figure below it
    for the same count ("2.3 million customers"): two reports of one count that differ. "Nearly 90" is an
    approximation, not a ceiling, and agrees with 88."""
    out = []
    for qa in comparable_quantities(ca):
        if qa.high is None or qa.low is not None or not _CEILING.match(" ".join(qa.text.split())):
            continue
        for qb in comparable_quantities(cb):
            if (_exact(qb) and unit_key(qb.unit) == unit_key(qa.unit) and qb.value < qa.high
                    and qa.high / max(qb.value, 1e-9) <= NEAR_EXACT):
                out.append((qa, qb))
    return out


def _time_conflicts(ca, cb, oa, ob, units, seen, pair) -> list:
    """Dates of the same granularity that differ, in words that differ, dating the same event: both claims'
    main predicates agree when both are known ("urged on Wednesday" / "signed on Thursday" are two events)."""
    tp, _agree = time_mismatch(ca, cb)
    if tp is None or len(tp[0]) != len(tp[1]) or ("time", units, tuple(sorted(tp))) in seen:
        return []
    if ca.predicate and cb.predicate and ca.predicate != cb.predicate:
        return []
    ta, tb = _time_text(ca, tp[0]), _time_text(cb, tp[1])
    if ta.lower() == tb.lower():          # the same words dated from two publication dates agree
        return []
    seen.add(("time", units, tuple(sorted(tp))))
    return [FoundConflict(pair, "time", f"{oa}: {ta} ({tp[0]}); {ob}: {tb} ({tp[1]})")]


_LIGHT_VERBS = {"be", "have", "get", "become", "remain", "seem"}   # the predicate is their complement


def _same_predicate(ca, cb) -> bool:
    """The two claims' main predicates agree: equal, or one is among the other's core words (a parse may head
    "if they don't pass it, it will raise the risk" by "pass"); unknown predicates do not disagree."""
    pa, pb = ca.predicate, cb.predicate
    if pa and pa == pb and pa in _LIGHT_VERBS:
        # "X was not strict enough" and "X was part of a panel": one verb, two predicates; the
        # complements must agree too (two core words past the verb: the subject and what is said of it)
        return len((set(ca.core or ()) & set(cb.core or ())) - {pa}) >= 2
    if not pa or not pb or pa == pb:
        return True
    return pa in (cb.core or ()) or pb in (ca.core or ())


def _denies(ca, cb, aid_a, aid_b, entity_map) -> bool:
    """One claim denies what the other asserts: their main predicates agree (when both are known), one is
    negated (not by an idiom), the other
    has no negation or denial word at all, they share a good part of their content words, and they are not
    two speakers' words (that is a dispute)."""
    if not _same_predicate(ca, cb):
        return False      # "gave no indication he would quit" does not deny "he plans to compete"
    na, nb = _negated(ca), _negated(cb)
    return (na != nb and bool(_negators(ca)) != bool(_negators(cb)) and bool(_negators(ca)) == na
            and not _speakers_differ(ca, aid_a, cb, aid_b, entity_map)
            and _overlap(ca, cb) >= NEGATED_MODALITY_OVERLAP)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= n else text[:n - 1].rstrip() + "\u2026") + "\u201d"
