"""Global entities: the local entities of all articles merged, with the reason for every merge kept.

Within each story, three passes, each over blocks (never all pairs); then one across stories:

A. Names that are strongly equal merge: the same multi-word name
   (initials, function words, case, accents and word order ignored) and the same kind of thing; single-word
   names only for places and nationalities ("Ukraine", "Ukrainian").
B. Within a story: names that agree token by token, allowing inflection ("Russia"/"Russian"), shortened words
   ("Free"/"Freedom"), spelling slips (one or two edits) and word order. Within a story the same exact name
   merges even when the tagger gave it two non-person types ("Bakhmut" ORG and GPE).
C. Within a story: a short form joins the only fuller name it can stand for ("Putin" -> "Vladimir Putin";
   "Legion" -> "Freedom of Russia Legion"), never when two fuller names compete.

Names are compared by their keys (``names.name_key``): tokenised, dotted and undotted initials, possessives
and a person's titles made equal ("U. S." = "US", "Sgt. Tomas Vell" = "Tomas Vell"). Before A, the items of
one multi-word name take one side, person or not, by the majority of its mentions (the tagger calls one
boxer a person here and a nationality there).

Across stories, entities that share a strongly equal name (A) merge, never two that one story kept apart: an
identical multi-word name whatever the tagger's non-person types, never a person with a non-person. A
surname alone joins the one full name of the corpus that ends in it, and an acronym ("NRE", "N.R.E.") the
one multi-word name whose initials or text ("Full Name (NRE)", kept as an alias) give it; neither joins when
two full names own it, and a surname no full name owns stays apart.

A merge is refused when both names keep words the other lacks ("International Legion of Ukraine" vs
"Freedom of Russia Legion"; persons with different first names), when a person would join a non-person,
and when any pair of full names across the two clusters would be refused (no chaining through a short form).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from .. import config
from ..extract.entities_names import STOP, acronym_of, align, content_tokens, fold, head_tokens, stem
from ..ids import make_id
from ..records import Entity
from ..unionfind import find_root, find_root_list
from .mentions import spread_names
from .names import acronym_form, is_orgish, name_key, tidy

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("link.entities")
MAX_BLOCK = _C["max_block"]            # a blocking key shared by more entities than this is too common to compare on
MAX_PAIR_CHECK = _C["max_pair_check"]  # clusters with more pairs than this join without each pair checked
MAX_OWNERS = _C["max_owners"]          # a short name owned by more full names than this joins none of them
DOMINANT_ARTICLES = _C["dominant_articles"]    # an organisation's short form goes to a fuller name this dominant

PLACE = {"GPE", "LOC"}


def _cls(typ: str) -> str:
    return "PLACE" if typ in PLACE else typ


class _Item:
    __slots__ = ("idx", "aid", "story", "ent", "typ", "person", "key", "keys", "nmentions")

    def __init__(self, idx, aid, story, ent):
        self.idx, self.aid, self.story, self.ent = idx, aid, story, ent
        self.typ = ent.type         # the type the merge compares: the tagger's, or the one the story votes
        self.nmentions = len(ent.mentions)
        self.set_person(ent.type == "PERSON")

    def set_person(self, person: bool) -> None:
        """Take the item as a person (or not) and key its names accordingly (``names.name_key``)."""
        self.person = person
        self.key = name_key(self.ent.name, person=person)
        keys = {self.key}
        for al in self.ent.aliases:
            k = name_key(al, person=person)
            if k:
                keys.add(k)
        self.keys = keys

    def acronyms(self) -> set:
        """The acronym forms among the item's names ("FBI", "F.B.I." -> "fbi")."""
        return {a for a in (acronym_form(n) for n in [self.ent.name, *self.ent.aliases]) if a}


class _UF:
    def __init__(self, n):
        self.parent = list(range(n))
        self.members = {i: [i] for i in range(n)}

    def find(self, i):
        return find_root_list(self.parent, i)

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


_GENERATIONS = frozenset("jr sr ii iii iv".split())


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
        while len(full) > 2 and full[-1].rstrip(".") in _GENERATIONS:
            full = full[:-1]            # "Arcade Joseph Comeaux Jr": the surname is "Comeaux"
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
    if _cls(x.typ) == _cls(y.typ):
        return True
    # the tagger often calls a town an organisation; an identical name within a story overrides it
    return exact and not x.person and "NORP" not in (x.typ, y.typ)


class Part:
    """One story's entity: a cluster of local entities of that story's articles, and what the merge across
    stories needs of it (its strong names, its full names, its counts)."""
    __slots__ = ("story", "person", "strong", "full", "names", "types", "person_ev", "aliases", "mentions",
                 "members", "evidence", "id")

    def __init__(self, story, person, strong, full, names, types, person_ev, aliases, mentions, members, evidence):
        self.story, self.person, self.strong, self.full = story, person, strong, full
        self.names, self.types, self.person_ev, self.aliases = names, types, person_ev, aliases
        self.mentions, self.members, self.evidence = mentions, members, evidence
        self.id = make_id("e", *mentions)

    def to_json(self) -> dict:
        return {"story": self.story, "person": self.person, "strong": self.strong,
                "full": [list(k) for k in self.full], "names": self.names, "types": self.types,
                "person_ev": self.person_ev, "aliases": self.aliases,
                "mentions": [list(m) for m in self.mentions], "members": [list(m) for m in self.members],
                "evidence": self.evidence}

    @classmethod
    def from_json(cls, d) -> "Part":
        return cls(d["story"], d["person"], d["strong"], [tuple(k) for k in d["full"]], d["names"], d["types"],
                   d["person_ev"], d["aliases"], [tuple(m) for m in d["mentions"]],
                   [tuple(m) for m in d["members"]], d["evidence"])


def _strong_key(it: _Item):
    """The item's strong name: a multi-word name (persons apart from the rest: a person's name and a place's
    are a clash of types, an organisation's and a place's are the tagger's noise), or a single-word place or
    nationality."""
    k = it.key
    if len(k) >= 2:
        return ("PERSON|" if it.person else "NAME|") + " ".join(sorted(k))
    if len(k) == 1 and _cls(it.typ) in ("PLACE", "NORP") and len(k[0]) >= 3:
        return _cls(it.typ) + "|" + k[0]
    return None


def _owner_keys(its: list) -> tuple:
    """The keys under which a cluster of items meets, across stories, the one full name that owns its short
    form: a person's surname ("SUR|smith", from a full name or a surname alone) and an organisation's or
    place's acronym ("ACR|ORG|fbi", from an acronym form or the initials of a multi-word name). Returns
    ``(keys, acronym forms)``; the acronym forms are those of a cluster that has no multi-word name."""
    keys, forms = set(), set()
    person = its[0].person
    multi = [k for it in its for k in it.keys if len(k) >= 2]
    if person:
        for k in multi:
            keys.add("SUR|" + k[-1])
        if not multi:
            keys.update("SUR|" + k[0] for it in its for k in it.keys if len(k) == 1 and len(k[0]) >= 3)
        return keys, forms
    for it in its:
        cls = _cls(it.typ)
        for ac in it.acronyms():
            keys.add(f"ACR|{cls}|{ac}")
            if not multi:
                forms.add((ac,))
        for n in [it.ent.name, *it.ent.aliases]:
            if len(name_key(n)) >= 2:
                keys.update(f"ACR|{cls}|{ac}" for ac in acronym_of(tidy(n)) if 2 <= len(ac) <= 6)
    return keys, forms


class _StoryMerge:
    """The merge of one story's local entities (``_Item``, numbered from 0): their union-find and the
    evidence of every merge, kept by cluster root."""

    def __init__(self, items: list):
        self.items = items
        self.uf = _UF(len(items))
        self.evidence = defaultdict(list)     # root -> [str]

    def may_join(self, a: int, b: int) -> bool:
        """Whether the clusters of items ``a`` and ``b`` may merge: not already one, and no pair across them
        that is a person and a non-person, two entities their article kept apart, or two refused full names."""
        uf, items = self.uf, self.items
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return False
        A, B = uf.members[ra], uf.members[rb]
        if len(A) * len(B) > MAX_PAIR_CHECK:
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

    def join(self, a: int, b: int, why: str) -> None:
        """Merge the clusters of items ``a`` and ``b``, with ``why`` added to their evidence."""
        ra, rb = self.uf.find(a), self.uf.find(b)
        ev = self.evidence.pop(ra, []) + self.evidence.pop(rb, [])
        r = self.uf.union(a, b)
        x, y = self.items[a], self.items[b]
        ev.append(f"{why}: '{x.ent.name}' ({x.ent.type}, {x.aid}) = '{y.ent.name}' ({y.ent.type}, {y.aid})")
        self.evidence[r] = ev


def story_parts(analyses, story_id: str) -> list:
    """The entities of one story: the local entities of its articles merged (A, B and C of the module's
    doc, all within the story), as ``Part`` records in a fixed order. First, the story's names are found
    where an article's tagger missed them (``mentions.spread_names``)."""
    spread_names(analyses)
    items = _story_items(analyses, story_id)
    _vote_person(items)
    _vote_team_names(items)
    merge = _StoryMerge(items)
    _merge_strong_names(merge)
    if len({it.aid for it in items}) > 1:
        shorts = []                 # B, in pair order; the short forms it finds wait for C
        for i, j in _candidate_pairs(items):
            short = _merge_pair(merge, i, j)
            if short is not None:
                shorts.append(short)
        _merge_short_forms(merge, shorts)
    return _parts_of(merge, story_id)


def _story_items(analyses, story_id: str) -> list:
    """The story's local entities that have mentions, as ``_Item`` (by article id, then local id)."""
    items = []
    for an in sorted(analyses, key=lambda a: a.article.id):
        aid = an.article.id
        for ent in sorted(an.entities, key=lambda e: e.local_id):
            if not ent.mentions:
                continue
            items.append(_Item(len(items), aid, story_id, ent))
    return items


def _vote_team_names(items: list) -> None:
    """A single name the tagger calls a person that is the last word of an organisation's fuller name in the
    story, and the surname of no person's, is that organisation's short form ("Lions" beside "Harbor Lions"):
    it takes the organisation's type."""
    heads = {}
    surnames = set()
    for it in items:
        if len(it.key) >= 2:
            if it.person:
                surnames.add(it.key[-1])
            else:
                heads.setdefault(it.key[-1], it.typ)
    for it in items:
        if it.person and len(it.key) == 1 and it.key[0] in heads and it.key[0] not in surnames:
            it.set_person(False)
            it.typ = heads[it.key[0]]


def _vote_person(items: list) -> None:
    """One multi-word name is a person in all of the story's articles or in none: the tagger calls the same
    boxer a person in one article and a nationality in the next. Items that share a name (keyed as a person's,
    titles and initials aside) take the type of most of its mentions, person or not; names with an
    organisation word ("Walt Disney Company") keep their own. A one-word name written in capitals ("NORVEX")
    is voted on too."""
    by_name = defaultdict(list)
    for it in items:
        k = name_key(it.ent.name, person=True)
        if len(k) >= 2 and not is_orgish(k) or len(k) == 1 and len(it.ent.name) >= 4 and it.ent.name.isupper():
            by_name[tuple(sorted(k))].append(it)
    for its in by_name.values():
        if len({it.person for it in its}) < 2:
            continue
        person = sum(it.nmentions for it in its if it.person)
        person = 2 * person > sum(it.nmentions for it in its)
        typ = Counter(it.typ for it in its if it.person == person).most_common(1)[0][0]
        for it in its:
            if it.person != person:
                it.set_person(person)
                if person or len(it.key) == 1:
                    it.typ = typ


def _merge_strong_names(merge: _StoryMerge) -> None:
    """A: names that are strongly equal merge (each with the first item of its name, in name order)."""
    strong = defaultdict(list)
    for it in merge.items:
        k = _strong_key(it)
        if k is not None:
            strong[k].append(it.idx)
    for key in sorted(strong):
        idxs = strong[key]
        for j in idxs[1:]:
            if merge.may_join(idxs[0], j):
                merge.join(idxs[0], j, "same name")


def _blocks(items) -> dict:
    """The blocking keys of the items' names: word stems, the first letters of long words (for spelling slips),
    short single words and acronyms; each key to the items that have it."""
    blocks = defaultdict(set)
    for it in items:
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
    return blocks


def _candidate_pairs(items) -> list:
    """The pairs of items of different articles that share a blocking key (one shared by more than
    ``MAX_BLOCK`` items is too common to compare on), in order."""
    blocks = _blocks(items)
    pairs = set()
    for bk in sorted(blocks):
        idxs = sorted(blocks[bk])
        if len(idxs) > MAX_BLOCK:
            continue
        for n, i in enumerate(idxs):
            for j in idxs[n + 1:]:
                if items[i].aid != items[j].aid:
                    pairs.add((i, j))
    return sorted(pairs)


def _merge_pair(merge: _StoryMerge, i: int, j: int):
    """B: items ``i`` and ``j`` merge when their names (or, failing that, their fuller aliases) are equal or
    variants. Returns ``(i, j, relation, detail)`` when one is a short form of the other (for C), else None."""
    x, y = merge.items[i], merge.items[j]
    person = x.person and y.person
    rel, detail = name_relation(x.key, y.key, person)
    if rel in ("equal", "variant"):
        if _types_ok(x, y, rel == "equal") and merge.may_join(i, j):
            merge.join(i, j, detail)
        return None
    if rel in ("a_short", "b_short"):
        return (i, j, rel, detail) if _types_ok(x, y, False) else None
    if detail:      # refused: the modifiers disagree
        return None
    rel, detail = _acronym_relation(x.key, y.key)
    if rel and not person and _types_ok(x, y, False):
        return i, j, rel, detail
    # the names the articles settled on differ; a fuller alias may still agree
    hit = _alias_match(x, y, person)
    if hit and _types_ok(x, y, hit[0] == "equal") and merge.may_join(i, j):
        merge.join(i, j, hit[1] + " of an alias")
    return None


def _alias_match(x: _Item, y: _Item, person: bool):
    """``(relation, detail)`` of the first pair of full names of ``x`` and ``y`` (longest first) that are
    equal or variants, or None."""
    for kx in sorted(x.keys, key=lambda k: (-len(k), k)):
        if len(kx) < 2:
            continue
        for ky in sorted(y.keys, key=lambda k: (-len(k), k)):
            if len(ky) < 2:
                continue
            r2, d2 = name_relation(kx, ky, person)
            if r2 in ("equal", "variant"):
                return r2, d2
    return None


def _merge_short_forms(merge: _StoryMerge, shorts: list) -> None:
    """C: a short form goes to its only candidate cluster (never when two fuller names compete)."""
    uf = merge.uf
    cand = defaultdict(set)
    why = {}
    for i, j, rel, detail in shorts:
        s, f = (i, j) if rel == "a_short" else (j, i)
        cand[s].add(f)
        why[(s, f)] = detail
    for s in sorted(cand):
        fs = cand[s]
        roots = {uf.find(f) for f in fs} - {uf.find(s)}
        because = "the only fuller name in the story"
        if len(roots) > 1 and merge.items[s].person:
            # a person's single name is the surname of one fuller name and the first name of others
            # ("Obama": "Barack Obama", "Obama White House"): the surname wins
            fs = {f for f in fs if why[(s, f)] == "surname"}
            roots = {uf.find(f) for f in fs} - {uf.find(s)}
        elif len(roots) > 1:
            roots = _dominant_owner(merge, roots)
            because = "the fuller name most of the story's articles use"
        if len(roots) != 1:
            continue
        f = min(f for f in fs if uf.find(f) in roots)
        if merge.may_join(s, f):
            merge.join(s, f, f"{why[(s, f)]}, {because}")


def _dominant_owner(merge: _StoryMerge, roots: set) -> set:
    """Of the fuller names that compete for an organisation's short form, the one named in at least
    ``DOMINANT_ARTICLES`` times as many articles as all the others together, each of those named in one
    article only ("Harbor Lions": named in nine articles; "Harbor Lions beat Sharks", a headline's words the
    tagger glued to the name, in one), as a set of one root; else ``roots`` unchanged."""
    arts = {r: len({merge.items[i].aid for i in merge.uf.members[r]}) for r in roots}
    best = max(sorted(roots), key=lambda r: arts[r])
    rest = [arts[r] for r in roots if r != best]
    if max(rest) == 1 and arts[best] >= DOMINANT_ARTICLES * sum(rest):
        return {best}
    return roots


def _parts_of(merge: _StoryMerge, story_id: str) -> list:
    """One ``Part`` per cluster, ordered by its first member."""
    clusters = defaultdict(list)
    for it in merge.items:
        clusters[merge.uf.find(it.idx)].append(it)
    parts = [_part(story_id, its, merge.evidence.get(root, [])) for root, its in clusters.items()]
    parts.sort(key=lambda p: p.members[0])
    return parts


def _part(story_id: str, its: list, evidence: list) -> Part:
    """The ``Part`` of one cluster of items: its names and types counted by mentions, its strong and full
    names, aliases, mentions, members and evidence."""
    names, types = Counter(), Counter()
    person_ev = False
    for it in its:
        names[it.ent.name] += it.nmentions
        types[it.ent.type] += it.nmentions
        if it.ent.type == "PERSON" and any(k in (it.ent.attributes or {}) for k in ("age", "call_sign")):
            person_ev = True
    owner_keys, acronym_forms = _owner_keys(its)
    return Part(
        story=story_id, person=its[0].person,
        strong=sorted({k for k in (_strong_key(it) for it in its) if k is not None} | owner_keys),
        full=sorted({it.key for it in its if len(it.key) >= 2} | acronym_forms),
        names=dict(sorted(names.items())), types=dict(sorted(types.items())), person_ev=person_ev,
        aliases=sorted({al for it in its for al in it.ent.aliases}),
        mentions=sorted({(it.aid, s, e) for it in its for s, e in it.ent.mentions}),
        members=sorted((it.aid, it.ent.local_id) for it in its), evidence=sorted(evidence))


class CrossStoryMerge:
    """The merge of the stories' entities: parts (numbered in a fixed order) that share a strong name (the same
    multi-word name, or the same place or nationality, with the same kind of thing) are one entity, unless
    that would join a person with a non-person, two entities one story kept apart, or two full names that
    are refused (their modifiers disagree). Fed one strong name at a time, in name order."""

    def __init__(self):
        self.parent = {}
        self.info = {}       # root -> (person, {stories}, {full names})

    def find(self, x):
        return find_root(self.parent, x)

    def _info(self, r, person, story, full):
        if r not in self.info:
            self.info[r] = (person, {story}, set(full))
        return self.info[r]

    def add_group(self, members) -> None:
        """``members``: ``[(part number, story, person, full names)]`` sharing one strong name, by number.

        Where some members know the name only by a short form (a surname alone; an acronym alone, whose full
        names are its one-word acronym forms), the group is a short form and the full names that own it: all
        join when one full name owns it (its variants aside), none when two do, and a surname that no
        full name owns stays apart."""
        if not self._one_owner(members):
            return
        first = members[0]
        for pidx, story, person, full in members[1:]:
            ra, rb = self.find(first[0]), self.find(pidx)
            if ra == rb:
                continue
            A = self._info(ra, first[2], first[1], first[3]) if ra == first[0] else self.info[ra]
            B = self._info(rb, person, story, full) if rb == pidx else self.info[rb]
            if A[0] != B[0] or A[1] & B[1]:
                continue
            if len(A[2]) * len(B[2]) <= MAX_PAIR_CHECK and any(
                    _refused(x, y, A[0]) for x in A[2] for y in B[2]):
                continue
            if rb < ra:
                ra, rb, A, B = rb, ra, B, A
            self.parent[rb] = ra
            A[1].update(B[1])
            A[2].update(B[2])
            del self.info[rb]

    @staticmethod
    def _one_owner(members) -> bool:
        """Whether a group may join: one that is not a short form with its owners may (the merge checks
        each pair); a short form's group when its full names are one name and its variants."""
        shorts = [m for m in members if not any(len(k) >= 2 for k in m[3])]
        if not shorts:
            return True
        person = members[0][2]
        if not person and not any(m[3] for m in shorts):
            return True         # a single-word place or nationality: its members join pair by pair
        owners = sorted({k for m in members for k in m[3] if len(k) >= 2})
        if not owners:
            return not person   # an acronym alone in several stories is one; a surname alone is not
        if len(owners) > MAX_OWNERS:
            return False
        for n, a in enumerate(owners):
            for b in owners[n + 1:]:
                rel, _ = name_relation(a, b, person)
                if rel not in ("equal", "variant", "a_short", "b_short"):
                    return False
        return True

    def roots(self) -> dict:
        """``{part number: root part number}`` for every part joined to another."""
        out = {}
        for x in list(self.parent):
            r = self.find(x)
            out[x] = out[r] = r
        return out


def entity_of_parts(parts) -> Entity:
    """The entity of one or more parts (a part alone keeps its own id: the hash of its mentions)."""
    if len(parts) == 1:
        p = parts[0]
        mentions, names, types, person_ev = p.mentions, p.names, p.types, p.person_ev
        aliases, members, evidence, eid = p.aliases, p.members, p.evidence, p.id
    else:
        mentions = sorted(m for p in parts for m in p.mentions)
        names, types = Counter(), Counter()
        for p in parts:
            names.update(p.names)
            types.update(p.types)
        person_ev = any(p.person_ev for p in parts)
        aliases = sorted({a for p in parts for a in p.aliases})
        members = sorted(m for p in parts for m in p.members)
        evidence = sorted([e for p in parts for e in p.evidence] +
                          [f"same name across stories: {p.story}" for p in parts[1:]])
        eid = make_id("e", *mentions)
    name = max(names, key=lambda n: (len(content_tokens(n)), names[n], len(n), n))
    typ = "PERSON" if person_ev else max(types, key=lambda t: (types[t], t))
    return Entity(id=eid, name=name, type=typ, aliases=list(aliases), mentions=list(mentions),
                  members=list(members), evidence=list(evidence))


def strong_groups(parts):
    """``(strong name, [(part number, story, person, full names)])`` for names held by two parts or more,
    in name order (the in-memory form of what the store's query yields)."""
    by_key = defaultdict(list)
    for i, p in enumerate(parts):
        for k in p.strong:
            by_key[k].append((i, p.story, p.person, p.full))
    for k in sorted(by_key):
        if len(by_key[k]) > 1:
            yield k, by_key[k]


def merge_entities(analyses, stories):
    """Merge the local entities of all articles; returns ``(entities, {(article_id, local_id): entity_id})``.

    Each story's entities are merged within the story (``story_parts``), then across stories by strong
    names (``CrossStoryMerge``). An article outside every story is a story of its own.
    """
    story_of = {}
    for st in sorted(stories, key=lambda s: s.id):
        for aid in st.articles:
            story_of.setdefault(aid, st.id)
    by_story = defaultdict(list)
    for an in analyses:
        aid = an.article.id
        by_story[story_of.get(aid, "solo:" + aid)].append(an)
    parts = []
    for sid in sorted(by_story):
        parts.extend(story_parts(by_story[sid], sid))
    merge = CrossStoryMerge()
    for _key, members in strong_groups(parts):
        merge.add_group(members)
    roots = merge.roots()
    clusters = defaultdict(list)
    for i, p in enumerate(parts):
        clusters[roots.get(i, i)].append(p)
    entities, mapping = [], {}
    for _root, ps in sorted(clusters.items()):
        ent = entity_of_parts(ps)
        entities.append(ent)
        for m in ent.members:
            mapping[m] = ent.id
    entities.sort(key=lambda e: (e.name, e.id))
    return entities, mapping
