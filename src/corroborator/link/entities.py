"""Global entities: the local entities of all articles merged, with the reason for every merge kept.

Three passes, each over blocks (never all pairs):

A. Everywhere (across stories too): names that are strongly equal merge: the same multi-word name
   (initials, function words, case, accents and word order ignored) and the same kind of thing; single-word
   names only for places and nationalities ("Ukraine", "Ukrainian").
B. Within a story: names that agree token by token, allowing inflection ("Russia"/"Russian"), shortened words
   ("Free"/"Freedom"), spelling slips (one or two edits) and word order. Within a story the same exact name
   merges even when the tagger gave it two non-person types ("Bakhmut" ORG and GPE).
C. Within a story: a short form joins the only fuller name it can stand for ("Putin" -> "Vladimir Putin";
   "Legion" -> "Freedom of Russia Legion"), never when two fuller names compete.

A merge is refused when both names keep words the other lacks ("International Legion of Ukraine" vs
"Freedom of Russia Legion"; persons with different first names), when a person would join a non-person,
and when any pair of full names across the two clusters would be refused (no chaining through a short form).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from ..extract.entities_names import STOP, acronym_of, align, content_tokens, fold, head_tokens, stem
from ..ids import make_id
from ..records import Entity

PLACE = {"GPE", "LOC"}
MAX_BLOCK = 400          # a blocking key shared by more entities than this is too common to compare on


def _cls(typ: str) -> str:
    return "PLACE" if typ in PLACE else typ


class _Item:
    __slots__ = ("idx", "aid", "story", "ent", "person", "key", "keys", "nmentions")

    def __init__(self, idx, aid, story, ent):
        self.idx, self.aid, self.story, self.ent = idx, aid, story, ent
        self.person = ent.type == "PERSON"
        self.key = tuple(content_tokens(ent.name, person=self.person))
        keys = {self.key}
        for al in ent.aliases:
            k = tuple(content_tokens(al, person=self.person))
            if k:
                keys.add(k)
        self.keys = keys
        self.nmentions = len(ent.mentions)


class _UF:
    def __init__(self, n):
        self.parent = list(range(n))
        self.members = {i: [i] for i in range(n)}

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


def name_relation(a: tuple, b: tuple, person: bool):
    """How two names (content-token tuples) relate: ("equal"|"variant"|"a_short"|"b_short"|None, detail)."""
    if not a or not b:
        return None, ""
    if sorted(a) == sorted(b):
        return "equal", "same name"
    pairs, ua, ub, kinds = align(list(a), list(b), person=person)
    if not pairs:
        return None, ""
    if ua and ub:
        return None, f"modifiers disagree ({' '.join(ua)} / {' '.join(ub)})"
    if not ua and not ub:
        return "variant", "name variant (" + ", ".join(sorted(kinds - {"same"}) or ["word order"]) + ")"
    short, full = (a, b) if not ua else (b, a)
    tag = "a_short" if short is a else "b_short"
    if person:
        if len(short) == 1 and (short[0] == full[-1] or short[0] == full[0]):
            return tag, "surname" if short[0] == full[-1] else "first name"
        if len(short) >= 2 and short[0] == full[0] and short[-1] == full[-1]:
            return "variant", "name variant (middle name)"
        return None, ""
    heads = head_tokens(" ".join(full))
    if heads & set(short) or any(stem(h) == stem(s) for h in heads for s in short):
        return tag, "short form keeps the head word"
    if tuple(full[:len(short)]) == tuple(short):
        return tag, "short form keeps the first words"
    return None, ""


def _acronym_relation(a: tuple, b: tuple):
    """ "AP" and "Associated Press": the single token is the initials of the other name."""
    for short, full, tag in ((a, b, "a_short"), (b, a, "b_short")):
        if len(short) == 1 and len(full) >= 2 and 2 <= len(short[0]) <= 6 and short[0].isalpha():
            if short[0] in acronym_of(" ".join(full)):
                return tag, "acronym"
    return None, ""


def _refused(k1: tuple, k2: tuple, person: bool) -> bool:
    rel, detail = name_relation(k1, k2, person)
    return rel is None and detail.startswith("modifiers disagree")


def _types_ok(x: _Item, y: _Item, exact: bool) -> bool:
    if x.person != y.person:
        return False
    if _cls(x.ent.type) == _cls(y.ent.type):
        return True
    # the tagger often calls a town an organisation; an identical name within a story overrides it
    return exact and not x.person and "NORP" not in (x.ent.type, y.ent.type)


def merge_entities(analyses, stories):
    """Merge the local entities of all articles; returns ``(entities, {(article_id, local_id): entity_id})``."""
    story_of = {}
    for st in sorted(stories, key=lambda s: s.id):
        for aid in st.articles:
            story_of.setdefault(aid, st.id)
    items = []
    for an in sorted(analyses, key=lambda a: a.article.id):
        aid = an.article.id
        for ent in sorted(an.entities, key=lambda e: e.local_id):
            if not ent.mentions:
                continue
            items.append(_Item(len(items), aid, story_of.get(aid, "solo:" + aid), ent))
    uf = _UF(len(items))
    evidence = defaultdict(list)     # root -> [str]

    def cluster_ok(a: int, b: int) -> bool:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return False
        A, B = uf.members[ra], uf.members[rb]
        if len(A) * len(B) > 20000:
            return True
        for i in A:
            x = items[i]
            for j in B:
                y = items[j]
                if x.person != y.person:
                    return False
                if x.aid == y.aid and x.ent.local_id != y.ent.local_id:
                    return False       # the article itself kept them apart
                if len(x.key) >= 2 and len(y.key) >= 2 and _refused(x.key, y.key, x.person):
                    return False
        return True

    def join(a: int, b: int, why: str):
        ra, rb = uf.find(a), uf.find(b)
        ev = evidence.pop(ra, []) + evidence.pop(rb, [])
        r = uf.union(a, b)
        x, y = items[a], items[b]
        ev.append(f"{why}: '{x.ent.name}' ({x.ent.type}, {x.aid}) = '{y.ent.name}' ({y.ent.type}, {y.aid})")
        evidence[r] = ev

    # ---- A: strongly equal names, everywhere
    strong = defaultdict(list)
    for it in items:
        k = it.key
        if len(k) >= 2 or (len(k) == 1 and _cls(it.ent.type) in ("PLACE", "NORP") and len(k[0]) >= 3):
            strong[(_cls(it.ent.type), " ".join(sorted(k)))].append(it.idx)
    for key in sorted(strong):
        idxs = strong[key]
        for j in idxs[1:]:
            if cluster_ok(idxs[0], j):
                join(idxs[0], j, "same name")

    # ---- B and C: within each story, over blocks of shared name tokens
    by_story = defaultdict(list)
    for it in items:
        by_story[it.story].append(it)
    for sid in sorted(by_story):
        members = by_story[sid]
        blocks = defaultdict(set)
        for it in members:
            for k in it.keys:
                for t in k:
                    if t in STOP or len(t) < 2:
                        continue
                    blocks["t:" + stem(fold(t))[:5]].add(it.idx)
                    if len(t) >= 5:   # spelling slips keep the first three letters, mostly
                        blocks["p:" + t[:3] + str(len(t) // 3)].add(it.idx)
                if len(k) == 1 and 2 <= len(k[0]) <= 6:
                    blocks["a:" + k[0]].add(it.idx)
                for ac in acronym_of(" ".join(k)) if len(k) >= 2 else ():
                    blocks["a:" + ac].add(it.idx)
        pairs = set()
        for bk in sorted(blocks):
            idxs = sorted(blocks[bk])
            if len(idxs) > MAX_BLOCK:
                continue
            for n, i in enumerate(idxs):
                for j in idxs[n + 1:]:
                    if items[i].aid != items[j].aid:
                        pairs.add((i, j))
        shorts = []
        for i, j in sorted(pairs):
            x, y = items[i], items[j]
            person = x.person and y.person
            rel, detail = name_relation(x.key, y.key, person)
            if rel in ("equal", "variant"):
                if _types_ok(x, y, rel == "equal") and cluster_ok(i, j):
                    join(i, j, detail)
                continue
            if rel in ("a_short", "b_short"):
                if _types_ok(x, y, False):
                    shorts.append((i, j, rel, detail))
                continue
            if detail:      # refused: the modifiers disagree
                continue
            rel, detail = _acronym_relation(x.key, y.key)
            if rel and not person and _types_ok(x, y, False):
                shorts.append((i, j, rel, detail))
                continue
            # the names the articles settled on differ; a fuller alias may still agree
            for kx in sorted(x.keys, key=lambda k: (-len(k), k)):
                if len(kx) < 2:
                    continue
                hit = None
                for ky in sorted(y.keys, key=lambda k: (-len(k), k)):
                    if len(ky) < 2:
                        continue
                    r2, d2 = name_relation(kx, ky, person)
                    if r2 in ("equal", "variant"):
                        hit = (r2, d2)
                        break
                if hit:
                    if _types_ok(x, y, hit[0] == "equal") and cluster_ok(i, j):
                        join(i, j, hit[1] + " of an alias")
                    break
        # C: a short form goes to its only candidate cluster
        cand = defaultdict(set)
        why = {}
        for i, j, rel, detail in shorts:
            s, f = (i, j) if rel == "a_short" else (j, i)
            cand[s].add(f)
            why[(s, f)] = detail
        for s in sorted(cand):
            roots = {uf.find(f) for f in cand[s]} - {uf.find(s)}
            if len(roots) != 1:
                continue
            f = min(f for f in cand[s] if uf.find(f) in roots)
            if cluster_ok(s, f):
                join(s, f, why[(s, f)] + ", the only fuller name in the story")

    # ---- build the global entities
    clusters = defaultdict(list)
    for it in items:
        clusters[uf.find(it.idx)].append(it)
    entities, mapping = [], {}
    for root, its in clusters.items():
        mentions = sorted({(it.aid, s, e) for it in its for s, e in it.ent.mentions})
        eid = make_id("e", *mentions)
        names = Counter()
        for it in its:
            names[it.ent.name] += it.nmentions
        name = max(names, key=lambda n: (len(content_tokens(n)), names[n], len(n), n))
        types = Counter()
        person_evidence = False
        for it in its:
            types[it.ent.type] += it.nmentions
            if it.ent.type == "PERSON" and any(k in (it.ent.attributes or {}) for k in ("age", "call_sign")):
                person_evidence = True
        typ = "PERSON" if person_evidence else max(types, key=lambda t: (types[t], t))
        aliases = sorted({al for it in its for al in it.ent.aliases})
        members = sorted((it.aid, it.ent.local_id) for it in its)
        entities.append(Entity(id=eid, name=name, type=typ, aliases=aliases, mentions=mentions, members=members,
                               evidence=sorted(evidence.get(root, []))))
        for m in members:
            mapping[m] = eid
    entities.sort(key=lambda e: (e.name, e.id))
    return entities, mapping
