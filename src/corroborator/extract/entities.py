"""Entities of one article: NER spans cleaned, typed from context, and merged into local entities.

Steps:
1. Mentions: the tagger's name spans, cut at line breaks, without leading determiners, titles, bullets or
   trailing possessives; junk (numbers, dates, lower-case words) dropped. Names the tagger missed are added
   when the context shows one (``with the call sign Zaza``, an untagged proper noun that speaks). They are
   found in ``entities_mentions``.
2. Context: age (``X, 50,``; ``X, a 32-year-old soldier``), call sign, role (``X, a spokesperson``,
   ``President X``) and speech (subject of say/tell/declare...) are read around every mention.
3. Merge: equal names (initials ignored) are one entity; short forms join the fuller name they abbreviate:
   surnames and first names of persons, acronyms defined in the text (``National Resistance Army ... the NRA``),
   partial names that keep the head word (``the Legion``, ``the Free Legion``). Ambiguous short forms go to
   the nearest preceding person, or the most mentioned organisation.
4. Every remaining occurrence of a known, unambiguous name in the text becomes a mention.
5. Type: a person by evidence (age, call sign, person role, speech with a he/she nearby) whatever the tagger
   said; otherwise the majority of the tagger's labels.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..records import LocalEntity
from .entities_mentions import (_CALLSIGN, _DOTTED, _WORD, _Doc, _is_orgish, _Mention, _raw_mentions, is_confident_name,
                                person_surnames, spelling_variants, variant_stands_alone)
from .entities_names import (MALE_FEMALE, PERSON_NOUNS, PERSON_TITLES, SPEECH_LEMMAS, TITLES, acronym_of, content_tokens, fold,
                             head_tokens)

_AGE_AFTER = [
    re.compile(r"^\s*,\s*(\d{1,3})\s*[,.;)]"),
    re.compile(r"^\s*\(\s*(\d{1,3})\s*\)"),
    re.compile(r"^\s*,\s*aged\s+(\d{1,3})\b"),
    re.compile(r"^\s*,\s*(?:an?|the)\s+(\d{1,3})[- ]years?[- ]old\b"),
    re.compile(r"^\s*,\s*(?:[a-z]+\s+){0,2}(\d{1,3})\s+years?\s+old\b"),
]
_CALLSIGN_AFTER = [
    re.compile(r"^\s*[-–—,(]\s*(?:the|his|her|a)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*,\s*(?:an?|the)\s+[^,.;\"“”]{0,80}?\bwith\s+(?:a|the|his|her)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*,\s*(?:whose|with\s+the|who\s+goes\s+by\s+the)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*\(\s*(?:a\s+)?" + _CALLSIGN + r"\s*\)", re.I),
]
_CALLSIGN_BEFORE = re.compile(r"(?:\b" + _CALLSIGN + r"|\bnicknamed|\bcode-?named|\bknown\s+only\s+as|\bwho\s+goes\s+by)"
                              r"\s*(?:is\s+|of\s+)?[:,]?\s*[\"“‘']?$", re.I)
_ROLE_AFTER = re.compile(r"^\s*,\s*(?:an?|the|one)\s+((?:[\w'’-]+\s+){0,5}?)([a-z][\w-]*)\b")
_PLACE_PREPS = {"in", "near", "around", "outside", "inside", "across", "throughout", "towards", "toward"}
_PLACE_NOUNS = {"region", "city", "oblast", "province", "district", "area", "county", "airport", "suburb",
                "outskirts", "town", "village", "state", "capital"}


def _speaks(doc, m) -> bool:
    r = doc.root(m.start, m.end)
    if r is None:
        return False
    if r.dep in ("nsubj", "nsubjpass") and doc.toks[r.head].lemma.lower() in SPEECH_LEMMAS:
        return True
    # "X, a soldier, said": the appositive's head
    return False


def _pronoun_near(doc, m) -> bool:
    r = doc.root(m.start, m.end)
    if r is None:
        return False
    for t in doc.toks[r.i + 1: r.i + 80]:
        if t.sent > r.sent + 1:
            break
        if t.text.lower() in MALE_FEMALE:
            return True
    return False


def _context(doc, m):
    """Read age, call sign, role and speech around a mention into ``m.attrs`` / ``m.evidence``."""
    text = doc.text
    after = text[m.end:m.end + 160]
    before = text[max(0, m.start - 60):m.start]
    for rx in _AGE_AFTER:
        g = rx.match(after)
        if g:
            age = int(g.group(1))
            if 0 < age < 120:
                m.attrs["age"] = age
                m.evidence.add("age")
            break
    if any(rx.match(after) for rx in _CALLSIGN_AFTER) or _CALLSIGN_BEFORE.search(before):
        m.attrs["call_sign"] = True
        m.evidence.add("call_sign")
    g = _ROLE_AFTER.match(after)
    if g:
        words = g.group(1).split() + [g.group(2)]
        root = doc.root(m.start, m.end)
        for w in words:
            lw = fold(w)
            if lw in PERSON_NOUNS and "year" not in lw:
                # the role noun must be the name's apposition, not the subject of the next clause
                pos = m.end + after.find(w, g.start(1) if g.group(1) else g.start(2))
                t = doc.by_start.get(pos)
                if t is not None and root is not None and doc.toks[t].dep == "appos" and doc.toks[t].head == root.i:
                    m.attrs.setdefault("role", lw)
                    m.evidence.add("role")
                break
    # a role word right before the name: "spokesperson Jane Roe", "Presidential Adviser Jane Roe"
    prev = _WORD.findall(before[-40:])
    if prev:
        lw = fold(prev[-1]).rstrip(".")
        if lw in PERSON_NOUNS and lw not in ("man", "woman", "general", "major", "private"):
            m.attrs.setdefault("role", lw)
        elif lw in TITLES and prev[-1][0].isupper() and lw not in ("former", "late", "sr", "jr", "vice"):
            m.attrs.setdefault("role", lw)
            if lw in PERSON_TITLES:
                m.evidence.add("role")      # "Rep. Ode Ballantyne": a person, whatever the tagger said
    r = doc.root(m.start, m.end)
    if r is not None:
        h = doc.toks[r.head]
        if r.dep == "pobj" and h.text.lower() in _PLACE_PREPS:
            m.evidence.add("place")
        elif r.dep == "compound" and h.lemma.lower() in _PLACE_NOUNS:
            m.evidence.add("place")
    if _speaks(doc, m):
        m.evidence.add("speaks")
        if _pronoun_near(doc, m):
            m.evidence.add("he_she")


def _key(surface: str, person_like: bool) -> tuple:
    if _DOTTED.match(surface):
        surface = surface.replace(" ", "")      # "U. S." is "U.S."
    return tuple(content_tokens(surface, person=person_like))


class _Group:
    __slots__ = ("key", "mentions", "parent", "gid")

    def __init__(self, gid, key):
        self.gid, self.key, self.mentions, self.parent = gid, key, [], None


def _find(g):
    while g.parent is not None:
        g = g.parent
    return g


def _labels(ms):
    return Counter(m.label for m in ms)


def _merge_groups(mentions, doc):
    """Step 3: group mentions into entities: same key, then short forms into fuller names.

    Returns the groups (``_Group``); a group merged into another points to it through ``parent``
    (``_find`` gives the entity's root). Mentions without a key get no group."""
    groups = _groups_by_key(mentions)
    facts = _GroupFacts(groups)
    # longest names first; a short form joins a longer one
    order = sorted(groups, key=lambda g: (-len(g.key), _first_pos(g)))
    for g in order:
        if len(g.key) > 2:
            continue
        cands, kind = _fuller_forms(g, groups, facts, doc.text)
        cands = [h for h in cands if _find(h) is not _find(g)]
        if not cands:
            continue
        target = _merge_target(g, cands, kind, groups, facts)
        g.parent = target if _find(target) is not g else None
    return groups


def _groups_by_key(mentions) -> list:
    """One group per key (the name's content words), its mentions in order; ``m.group`` is set."""
    groups, by_key = [], {}
    for m in mentions:
        person_like = m.label == "PERSON"
        key = _key(m.text, person_like)
        if not key:
            continue
        g = by_key.get(key)
        if g is None:
            g = by_key[key] = _Group(len(groups), key)
            groups.append(g)
        g.mentions.append(m)
        m.group = g
    return groups


def _first_pos(g):
    return min(m.start for m in g.mentions)


class _GroupFacts:
    """What is asked of a group many times over while groups are merged, computed once per group: its
    mentions do not change meanwhile."""

    def __init__(self, groups):
        self.person, self.top_label, self.heads = {}, {}, {}
        for g in groups:
            lab = _labels(g.mentions)
            ev = set().union(*(m.evidence for m in g.mentions))
            self.person[g.gid] = lab.get("PERSON", 0) * 2 >= sum(lab.values()) or bool(ev & {"age", "call_sign"})
            self.top_label[g.gid] = lab.most_common(1)[0][0]

    def is_person(self, g):
        return self.person[g.gid]

    def head_of(self, h):
        hd = self.heads.get(h.gid)
        if hd is None:
            hd = self.heads[h.gid] = head_tokens(h.mentions[0].text)
        return hd


def _defined_in_brackets(g, groups, text):
    """The group whose name the text gives just before ``g``'s first mention in brackets ("Doctors Abroad
    (MSA)"), or None."""
    m = g.mentions[0]
    if not re.search(r"\(\s*$", text[max(0, m.start - 3):m.start]) or not re.match(r"\s*\)", text[m.end:m.end + 3]):
        return None
    bracket = text.rfind("(", 0, m.start)
    for h in groups:
        if h is not g and len(h.key) >= 2 and any(0 <= bracket - x.end <= 1 for x in h.mentions):
            return h
    return None


def _fuller_forms(g, groups, facts, text=""):
    """The groups short form ``g`` may stand for, and how: ``(groups, "acronym")`` for an acronym defined in
    the text (by its initials, or in brackets after the name), else ``(groups, "short")`` for the names it
    shortens."""
    surf = g.mentions[0].text
    if len(g.key) == 1 and surf.isupper() and 2 <= len(surf) <= 6 and surf.isalpha():
        h = _defined_in_brackets(g, groups, text) if text else None
        if h is not None:
            return [h], "acronym"
        ac = surf.lower()
        cands = [h for h in groups if h is not g and len(h.key) >= 2
                 and any(ac in acronym_of(m.text) for m in h.mentions[:3])]
        if cands:
            return cands, "acronym"
    return [h for h in groups if h is not g and len(h.key) > len(g.key) and _shortens(g, h, facts)], "short"


def _shortens(g, h, facts) -> bool:
    """Group ``g`` is a short form of the longer group ``h``: a person's surname or first name (or first and
    last), or an organisation's name that keeps the head word of the fuller name."""
    hk = h.key
    if facts.is_person(h):
        if len(g.key) == 1 and g.key[0] in (hk[-1], hk[0]):
            return True
        return len(g.key) == 2 and g.key[0] == hk[0] and g.key[-1] == hk[-1]
    if facts.is_person(g):
        return False
    hd = facts.head_of(h)
    g_lab = facts.top_label[g.gid]
    h_lab = facts.top_label[h.gid]
    if g_lab == "NORP" and h_lab in ("NORP", "GPE", "LOC") and len(g.key) == 1 and len(hk) >= 2 and g.key[0] == hk[-1]:
        return True     # "Klitschko" after "Vadim Klitschko", both given odd types: a name's last word
    if g_lab != h_lab and not ({g_lab, h_lab} <= {"ORG", "OTHER", "EVENT"}):
        return False
    # "Russia" is not a short form of "Freedom of Russia Legion": the head must be kept
    return bool(len(hk) >= 2 and ((hd & set(g.key) and set(g.key) <= set(hk))
                                  or tuple(hk[:len(g.key)]) == g.key))


def _merge_target(g, cands, kind, groups, facts):
    """The entity (a root group) short form ``g`` joins among its candidates ``cands``: the only one; else,
    for a person or an acronym, the nearest fuller mention before its first mention; else the most mentioned
    organisation."""
    roots = {}
    for h in cands:
        roots.setdefault(_find(h).gid, _find(h))
    if len(roots) == 1:
        return next(iter(roots.values()))
    if facts.is_person(g) or kind == "acronym":
        # nearest preceding fuller mention of the first short mention
        pos = _first_pos(g)
        best = None
        for h in cands:
            prev = [m.start for m in h.mentions if m.start < pos]
            score = (1, max(prev)) if prev else (0, -_first_pos(h))
            if best is None or score > best[0]:
                best = (score, _find(h))
        return best[1]
    # the most mentioned organisation wins
    return max(roots.values(), key=lambda r: (sum(len(x.mentions) for x in groups if _find(x) is r),
                                              -_first_pos(r)))


def _is_word_char(ch: str) -> bool:
    """``ch`` matches the regular expression ``\\w`` (``str`` patterns: Unicode alphanumerics and ``_``)."""
    return ch.isalnum() or ch == "_"


def _word_occurrences(text: str, word: str):
    """Spans of ``word`` in ``text`` not glued to a longer word: the matches of
    ``(?<![\\w'’-])WORD(?![\\w-])``, left to right and not overlapping (as ``re.finditer`` gives them),
    found with ``str.find`` instead of compiling a pattern per name."""
    n = len(word)
    if not n:
        return
    i = text.find(word)
    while i >= 0:
        e = i + n
        if i > 0:
            b = text[i - 1]
            ok = not (_is_word_char(b) or b in "'’-")
        else:
            ok = True
        if ok and e < len(text):
            a = text[e]
            ok = not (_is_word_char(a) or a == "-")
        if ok:
            yield i, e
            i = text.find(word, e)
        else:
            i = text.find(word, i + 1)


def _propagate(text, groups, mentions, doc):
    """Step 4: add uncovered occurrences of unambiguous names (and "the <Head>" of organisations) as mentions.

    Returns the mentions added (each also appended to its group); ``mentions``: those found so far."""
    covered = [False] * (len(text) + 1)
    for m in mentions:
        for k in range(m.start, m.end):
            covered[k] = True
    alias_owner = _alias_owners(groups)
    head_owner = _head_owners(groups)
    by_gid = {g.gid: g for g in groups}
    added = []
    for alias, owners in alias_owner.items():
        if len(owners) != 1:
            continue
        added += _claim_occurrences(text, alias, by_gid[next(iter(owners))], covered)
    added += _claim_variants(text, groups, alias_owner, by_gid, covered)
    for head, owners in head_owner.items():
        if head in alias_owner:
            continue  # already a name of its own (or handled as an alias)
        target = max(owners.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        added += _claim_occurrences(text, head, by_gid[target], covered, accept=_head_stands_alone)
    return added


def _claim_variants(text, groups, alias_owner, by_gid, covered) -> list:
    """Step 4b: the other spellings of confident, unambiguous names ("ROBERT SMITH", "SMITH", "U. S.") become
    mentions of the entity that owns the name, longest first, where they stand alone
    (``variant_stands_alone``). Returns the mentions added."""
    names_of, labels_of = defaultdict(set), defaultdict(list)
    for g in groups:
        r = _find(g)
        names_of[r.gid].update(m.text for m in g.mentions)
        labels_of[r.gid].extend(m.label for m in g.mentions)
    wanted = {}
    for alias, owners in alias_owner.items():
        if len(owners) != 1:
            continue
        gid = next(iter(owners))
        if not is_confident_name(alias, labels_of[gid], names_of[gid]):
            continue
        for v in spelling_variants(alias):
            wanted.setdefault(v, set()).add(gid)
    for gid, names in names_of.items():
        if Counter(labels_of[gid]).most_common(1)[0][0] == "PERSON":
            for v in person_surnames(names):       # "Timmons" after "Jermayne Timmons"
                wanted.setdefault(v, set()).add(gid)
    added = []
    for v in sorted(wanted, key=lambda w: (-len(w), w)):
        if len(wanted[v]) == 1 and v not in alias_owner:
            added += _claim_occurrences(text, v, by_gid[next(iter(wanted[v]))], covered, accept=variant_stands_alone)
    for m in added:
        m.variant = True
    return added


def _alias_owners(groups) -> dict:
    """Name -> the gids of the entities (root groups) it names: every capitalised mention of three or more
    characters, and the acronyms of organisation names the tagger missed ("the CLF" after "Coastal
    Liberation Front")."""
    alias_owner = {}
    for g in groups:
        r = _find(g)
        for m in g.mentions:
            s = m.text
            if len(s) < 3 or not s[0].isupper():
                continue
            alias_owner.setdefault(s, set()).add(r.gid)
    for g in groups:
        r = _find(g)
        if any(m.label == "PERSON" for m in g.mentions):
            continue
        for m in g.mentions[:1]:
            words = [w for w in _WORD.findall(m.text) if w[0].isupper()]
            if len(words) >= 2 and len(words) == len([w for w in _WORD.findall(m.text) if fold(w) not in
                                                       ("of", "the", "and", "for")]):
                for ac in acronym_of(m.text):
                    if len(ac) >= 3:
                        alias_owner.setdefault(ac.upper(), set()).add(r.gid)
    return alias_owner


def _head_owners(groups) -> dict:
    """Head word -> {root gid: weight}: the capitalised head words of organisation names ("Legion" of "Freedom
    of Russia Legion"), each weighted by the mentions of the entities whose names hold it."""
    roots = {}
    members_of = {}                   # root gid -> its members' mentions, groups in order
    for g in groups:
        r = _find(g)
        roots.setdefault(r.gid, r)
        members_of.setdefault(r.gid, []).extend(g.mentions)
    head_owner = {}
    for r in roots.values():
        members = members_of[r.gid]
        if any(m.label == "PERSON" for m in members) or any(m.evidence & {"age", "call_sign"} for m in members):
            continue
        for m in members:
            toks = m.text.split()
            if len(toks) < 2:
                continue
            hd = head_tokens(m.text)
            for w in toks:
                fw = fold(w)
                fw = fw[:-2] if fw.endswith("'s") else fw
                if fw in hd and w[0].isupper() and len(w) >= 3:
                    head_owner.setdefault(w, {})
                    head_owner[w][r.gid] = head_owner[w].get(r.gid, 0) + len(members)
    return head_owner


def _claim_occurrences(text, word, owner, covered, accept=None) -> list:
    """New mentions of group ``owner`` at the occurrences of ``word`` not yet ``covered`` (and that
    ``accept(text, start, end)``, when given); they are appended to the group and marked covered."""
    added = []
    for s, e in _word_occurrences(text, word):
        if any(covered[s:e]):
            continue
        if accept is not None and not accept(text, s, e):
            continue
        m = _Mention(s, e, word, owner.mentions[0].label)
        m.group = owner
        owner.mentions.append(m)
        added.append(m)
        for k in range(s, e):
            covered[k] = True
    return added


def _head_stands_alone(text, s, e) -> bool:
    """The head word at ``text[s:e]`` is not part of a longer capitalised name ("International Legion of
    Ukraine")."""
    before = text[max(0, s - 30):s]
    after = text[e:e + 20]
    if re.search(r"[A-Z][\w'’-]*\s+$", before) and not re.search(r"(?:^|\s)(?:The|A)\s+$", before):
        return False
    return not re.match(r"^\s+of\s+[A-Z]", after)


def find_entities(article, ann) -> list:
    """The entities of one article: mentions merged, types fixed from context, attributes kept."""
    text = article.text
    doc = _Doc(text, ann)
    mentions = _raw_mentions(article, ann, doc)
    for m in mentions:
        _context(doc, m)
    groups = _merge_groups(mentions, doc)
    mentions = [m for m in mentions if m.group is not None]
    mentions += _propagate(text, groups, mentions, doc)
    for m in mentions:
        if not m.evidence and not m.attrs:
            _context(doc, m)

    members = defaultdict(list)
    for m in mentions:
        members[_find(m.group).gid].append(m)
    entities = []
    for gid, ms in members.items():
        ms.sort(key=lambda m: (m.start, m.end))
        ev = set().union(*(m.evidence for m in ms))
        attrs = {}
        for m in ms:
            for k, v in m.attrs.items():
                attrs.setdefault(k, v)
        labels = Counter(m.label for m in ms)
        # the fullest name: most tokens, then most used, then first
        forms = Counter(m.text for m in ms)
        spelled = {m.text for m in ms if not m.variant}
        name = max(forms, key=lambda f: (f in spelled, len(content_tokens(f)), forms[f], len(f),
                                         -min(m.start for m in ms if m.text == f)))
        orgish = _is_orgish(name)
        if ev & {"age", "call_sign"}:
            typ = "PERSON"
        elif not orgish and ("role" in attrs and labels.get("PERSON", 0) + labels.get("ORG", 0) + labels.get(
                "GPE", 0) > 0 and "role" in ev):
            typ = "PERSON"
        elif not orgish and "speaks" in ev and "he_she" in ev and labels.get("NORP", 0) == 0:
            typ = "PERSON"
        elif (labels.get("PERSON", 0) and sum(1 for m in ms if "place" in m.evidence) > 0
              and not ev & {"role", "speaks"} and "role" not in attrs):
            # "in Kyiv", "the Kyiv region": the tagger's PERSON is a place
            typ = "GPE"
        else:
            # majority vote, ties to the label of the fullest form
            top = max(labels.values())
            best = [lab for lab, c in labels.items() if c == top]
            name_label = Counter(m.label for m in ms if m.text == name).most_common(1)[0][0]
            typ = name_label if name_label in best else sorted(best)[0]
        if typ != "PERSON" and labels.get("PERSON", 0) == 0:
            attrs.pop("role", None)
        aliases = sorted(forms)
        entities.append((ms[0].start, LocalEntity(
            local_id=0, name=name, type=typ, aliases=aliases,
            mentions=[(m.start, m.end) for m in ms], attributes=attrs)))
    entities.sort(key=lambda x: (x[0], x[1].name))
    out = []
    for i, (_, ent) in enumerate(entities):
        ent.local_id = i
        out.append(ent)
    return out
