"""Entities of one article: NER spans cleaned, typed from context, and merged into local entities.

Steps:
1. Mentions: the tagger's name spans, cut at line breaks, without leading determiners, titles, bullets or
   trailing possessives; junk (numbers, dates, lower-case words) dropped. Names the tagger missed are added
   when the context shows one (``with the call sign Zaza``, an untagged proper noun that speaks).
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
from .entities_names import (MALE_FEMALE, ORG_WORDS, PERSON_NOUNS, SPEECH_LEMMAS, TITLES, acronym_of,
                             content_tokens, fold, head_tokens, looks_like_name, tokens)

TYPE_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP", "EVENT": "EVENT",
            "FAC": "LOC", "WORK_OF_ART": "OTHER", "LAW": "OTHER", "PRODUCT": "OTHER", "LANGUAGE": "OTHER"}

_LEAD_STRIP = re.compile(r"^(?:[\s\"'“”‘’«»•·*#|()\[\]/:;,.\-–—]+|(?:the|The|THE|a|A|an|An)\s+)+")
_TAIL_STRIP = re.compile(r"(?:['’]s?|[\s\"'“”‘’«»•·*#|()\[\]/:;,.\-–—]+)+$")

_AGE_AFTER = [
    re.compile(r"^\s*,\s*(\d{1,3})\s*[,.;)]"),
    re.compile(r"^\s*\(\s*(\d{1,3})\s*\)"),
    re.compile(r"^\s*,\s*aged\s+(\d{1,3})\b"),
    re.compile(r"^\s*,\s*(?:an?|the)\s+(\d{1,3})[- ]years?[- ]old\b"),
    re.compile(r"^\s*,\s*(?:[a-z]+\s+){0,2}(\d{1,3})\s+years?\s+old\b"),
]
_CALLSIGN = r"(?:military\s+|radio\s+|combat\s+)?(?:call[\s-]?sign|nom\s+de\s+guerre|code[\s-]?name|nickname|pseudonym)"
_CALLSIGN_AFTER = [
    re.compile(r"^\s*[-–—,(]\s*(?:the|his|her|a)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*,\s*(?:an?|the)\s+[^,.;\"“”]{0,80}?\bwith\s+(?:a|the|his|her)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*,\s*(?:whose|with\s+the|who\s+goes\s+by\s+the)\s+" + _CALLSIGN + r"\b", re.I),
    re.compile(r"^\s*\(\s*(?:a\s+)?" + _CALLSIGN + r"\s*\)", re.I),
]
_CALLSIGN_BEFORE = re.compile(r"(?:\b" + _CALLSIGN + r"|\bnicknamed|\bcode-?named|\bknown\s+only\s+as|\bwho\s+goes\s+by)"
                              r"\s*(?:is\s+|of\s+)?[:,]?\s*[\"“‘']?$", re.I)
_CALLSIGN_NAME = re.compile(r"(?:\b" + _CALLSIGN + r"|\bnicknamed|\bcode-?named|\bknown\s+only\s+as|\bwho\s+goes\s+by)"
                            r"\s*(?:is\s+|of\s+)?[:,]?\s*[\"“‘']?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", re.I)
_ROLE_AFTER = re.compile(r"^\s*,\s*(?:an?|the|one)\s+((?:[\w'’-]+\s+){0,5}?)([a-z][\w-]*)\b")
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"}
_PLACE_PREPS = {"in", "near", "around", "outside", "inside", "across", "throughout", "towards", "toward"}
_PLACE_NOUNS = {"region", "city", "oblast", "province", "district", "area", "county", "airport", "suburb",
                "outskirts", "town", "village", "state", "capital"}
_WORD = re.compile(r"[\w'’-]+")


class _Mention:
    __slots__ = ("start", "end", "text", "label", "group", "attrs", "evidence")

    def __init__(self, start, end, text, label):
        self.start, self.end, self.text, self.label = start, end, text, label
        self.group = None
        self.attrs = {}
        self.evidence = set()


def _clean_span(text: str, start: int, end: int):
    """Trim one span; return ``(start, end)`` pieces (split at line breaks), possibly none."""
    out = []
    pos = start
    for piece in re.split(r"(\n+)", text[start:end]):
        p_start, p_end = pos, pos + len(piece)
        pos = p_end
        if not piece.strip() or piece.startswith("\n"):
            continue
        s = text[p_start:p_end]
        m = _LEAD_STRIP.match(s)
        if m:
            p_start += m.end()
        s = text[p_start:p_end]
        m = _TAIL_STRIP.search(s)
        if m and m.start() > 0:
            p_end = p_start + m.start()
        if p_end < pos and text[p_end] == "." and re.search(r"(?:^|[\s.])[A-Z]$", text[p_start:p_end]):
            p_end += 1      # "U.S.", "St."
        if p_end > p_start:
            out.append((p_start, p_end))
    return out


def _strip_titles(text: str, start: int, end: int):
    """Remove leading titles ("Mr.", "President", "Ukrainian Presidential Adviser") from a person span."""
    role = []
    while True:
        m = _WORD.match(text, start)
        if not m or m.end() >= end:
            break
        w = fold(m.group(0)).rstrip(".")
        if w in TITLES and (m.group(0)[0].isupper()):
            role.append(w)
            start = m.end()
            while start < end and text[start] in ". \t":
                start += 1
            continue
        break
    return start, end, " ".join(role) or None


class _Doc:
    """Token look-ups over the annotation."""

    def __init__(self, text, ann):
        self.text = text
        self.toks = ann.tokens
        self.starts = [t.start for t in self.toks]
        self.by_start = {t.start: t.i for t in self.toks}
        self.ends = {t.end: t.i for t in self.toks}

    def token_range(self, start, end):
        import bisect
        i = bisect.bisect_right(self.starts, start) - 1
        i = max(i, 0)
        j = i
        while j < len(self.toks) and self.toks[j].start < end:
            j += 1
        return i, j

    def root(self, start, end):
        i, j = self.token_range(start, end)
        for k in range(i, j):
            h = self.toks[k].head
            if not (i <= h < j) or h == k:
                return self.toks[k]
        return self.toks[j - 1] if j > i else None


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


def _is_orgish(name: str) -> bool:
    toks = tokens(name)
    return any(t in ORG_WORDS for t in toks) or (name.isupper() and len(name) <= 6)


def _raw_mentions(article, ann, doc):
    text = article.text
    out = []
    for e in ann.entities:
        if e.label not in TYPE_MAP:
            continue
        for s, t in _clean_span(text, e.start, e.end):
            role = None
            w0 = _WORD.match(text, s)
            w0 = fold(w0.group(0)).rstrip(".") if w0 else ""
            if w0 in _HONORIFICS:
                e_label = "PERSON"
            else:
                e_label = e.label
            if e_label == "PERSON" or (e.label in ("ORG", "NORP", "GPE") and w0 in TITLES):
                s2, t2, role = _strip_titles(text, s, t)
                if role and e.label != "PERSON":
                    # "President Jane Roe" mis-tagged: the rest must still look like a name
                    if not looks_like_name(text[s2:t2]):
                        s2, role = s, None
                s = s2
            surface = text[s:t]
            if not looks_like_name(surface):
                continue
            label = TYPE_MAP[e_label]
            if role:
                label = "PERSON"
            m = _Mention(s, t, surface, label)
            if role:
                m.attrs["role"] = role
            out.append(m)
    # names the tagger missed: "the call sign Zaza"
    for g in _CALLSIGN_NAME.finditer(text):
        s, t = g.span(1)
        w = g.group(1)
        if not w[0].isupper():
            continue
        for s2, t2 in _clean_span(text, s, t):
            if looks_like_name(text[s2:t2]) and fold(text[s2:t2]) not in ("the", "a"):
                m = _Mention(s2, t2, text[s2:t2], "PERSON")
                out.append(m)
    # an untagged proper noun that is the subject of a speech verb, with no determiner: "Zaza said"
    covered = set()
    for m in out:
        covered.update(range(m.start, m.end))
    toks = doc.toks
    for t in toks:
        if t.pos != "PROPN" or t.start in covered or not t.text[:1].isupper():
            continue
        if t.dep not in ("nsubj",) or toks[t.head].lemma.lower() not in SPEECH_LEMMAS:
            continue
        i = t.i
        while i > 0 and toks[i - 1].pos == "PROPN" and toks[i - 1].head == t.i and toks[i - 1].start not in covered:
            i -= 1
        if i > 0 and toks[i - 1].text.lower() in ("the", "a", "an", "its", "this"):
            continue
        s, e = toks[i].start, t.end
        s, e, role = _strip_titles(text, s, e)
        surface = text[s:e]
        if looks_like_name(surface) and not _is_orgish(surface):
            m = _Mention(s, e, surface, "PERSON")
            if role:
                m.attrs["role"] = role
            out.append(m)
    out.extend(_propn_chunks(text, doc, out))
    # de-duplicate overlapping spans: keep the longer
    out.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept, last_end = [], -1
    for m in out:
        if m.start < last_end:
            continue
        kept.append(m)
        last_end = m.end
    covered = set()
    for m in kept:
        covered.update(range(m.start, m.end))
    lower_words = set()
    for line in text.split("\n"):
        if "http" in line or "www" in line:
            continue
        lower_words.update(re.findall(r"(?<![\w/.-])[a-z][a-z']+(?![\w/-])", line))
    final = []
    for m in kept:
        i, j = doc.token_range(m.start, m.end)
        # a lone capitalised common word ("Soldiers" opening a caption, "Enjoy" in a promo) is no name
        if j - i == 1 and m.label != "NORP" and not m.text.isupper() and "call_sign" not in m.attrs:
            t = toks[i]
            if t.pos not in ("PROPN",) or m.text.lower() in lower_words:
                continue
        # "Ilya Ponomarev" when the tagger kept only "Ponomarev"
        while i > 0 and m.label == "PERSON":
            p = toks[i - 1]
            if (p.pos == "PROPN" and p.dep == "compound" and i <= p.head < j and p.text[:1].isupper()
                    and p.start not in covered and "\n" not in text[p.start:m.start]
                    and fold(p.text).rstrip(".") not in TITLES):
                m.start = p.start
                m.text = text[m.start:m.end]
                i -= 1
            else:
                break
        final.append(m)
    return final


def _propn_chunks(text, doc, found):
    """Organisation names the tagger missed: a run of proper nouns (``of`` allowed inside) that ends in an
    organisation word or in the head of an organisation the tagger did find ("Freedom of Russia Legion"
    when only "the Legion" was tagged)."""
    org_heads = set()
    person_at = set()
    for m in found:
        if m.label == "ORG":
            org_heads |= head_tokens(m.text)
        elif m.label == "PERSON":
            person_at.update(range(m.start, m.end))
    toks = doc.toks
    out = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if not (t.tag in ("NNP", "NNPS") and t.text[:1].isupper()):
            i += 1
            continue
        j = i + 1
        while j < n:
            u = toks[j]
            if u.tag in ("NNP", "NNPS") and u.text[:1].isupper() and "\n" not in text[toks[j - 1].end:u.start]:
                j += 1
            elif (u.text == "of" and j + 1 < n and toks[j + 1].tag in ("NNP", "NNPS")
                  and toks[j + 1].text[:1].isupper()):
                j += 2
            else:
                break
        if j - i >= 2:
            last = fold(toks[j - 1].text)
            if (last in ORG_WORDS or last in org_heads) and last not in ("state", "states", "city", "republic"):
                # not in a title-case line (a heading), where every word is capitalised
                ls = text.rfind("\n", 0, toks[i].start) + 1
                le = text.find("\n", toks[j - 1].end)
                line = text[ls: le if le >= 0 else len(text)]
                ws = re.findall(r"[A-Za-z][\w'’-]*", line)
                caps = sum(1 for w in ws if w[0].isupper())
                first = fold(toks[i].text).rstrip(".")
                if (not (len(ws) >= 4 and caps >= 0.8 * len(ws)) and first not in TITLES
                        and not any(k in person_at for k in range(toks[i].start, toks[j - 1].end))):
                    s, e = toks[i].start, toks[j - 1].end
                    out.append(_Mention(s, e, text[s:e], "ORG"))
        i = j
    return out


def _key(surface: str, person_like: bool) -> tuple:
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
    """Group mentions into entities: same key, then short forms into fuller names."""
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

    # a group's mentions do not change while groups are merged: what is asked of a group many times over
    # (in the loop over pairs below) is computed once per group
    person = {}
    top_label = {}
    heads = {}
    for g in groups:
        lab = _labels(g.mentions)
        ev = set().union(*(m.evidence for m in g.mentions))
        person[g.gid] = lab.get("PERSON", 0) * 2 >= sum(lab.values()) or bool(ev & {"age", "call_sign"})
        top_label[g.gid] = lab.most_common(1)[0][0]

    def is_person(g):
        return person[g.gid]

    def head_of(h):
        hd = heads.get(h.gid)
        if hd is None:
            hd = heads[h.gid] = head_tokens(h.mentions[0].text)
        return hd

    def first_pos(g):
        return min(m.start for m in g.mentions)

    # longest names first; a short form joins a longer one
    order = sorted(groups, key=lambda g: (-len(g.key), first_pos(g)))
    for g in order:
        if len(g.key) > 2:
            continue
        surf = g.mentions[0].text
        cands = []
        # acronym defined in the text
        if len(g.key) == 1 and surf.isupper() and 2 <= len(surf) <= 6 and surf.isalpha():
            ac = surf.lower()
            cands = [h for h in groups if h is not g and len(h.key) >= 2
                     and any(ac in acronym_of(m.text) for m in h.mentions[:3])]
            kind = "acronym"
        if not cands:
            kind = "short"
            for h in groups:
                if h is g or len(h.key) <= len(g.key):
                    continue
                hk = h.key
                if is_person(h):
                    if len(g.key) == 1 and g.key[0] in (hk[-1], hk[0]):
                        cands.append(h)
                    elif len(g.key) == 2 and g.key[0] == hk[0] and g.key[-1] == hk[-1]:
                        cands.append(h)
                else:
                    if is_person(g):
                        continue
                    hd = head_of(h)
                    g_lab = top_label[g.gid]
                    h_lab = top_label[h.gid]
                    if g_lab != h_lab and not ({g_lab, h_lab} <= {"ORG", "OTHER", "EVENT"}):
                        continue
                    if len(hk) >= 2 and ((hd & set(g.key) and set(g.key) <= set(hk))
                                         or tuple(hk[:len(g.key)]) == g.key):
                        # "Russia" is not a short form of "Freedom of Russia Legion": the head must be kept
                        cands.append(h)
        cands = [h for h in cands if _find(h) is not _find(g)]
        if not cands:
            continue
        roots = {}
        for h in cands:
            roots.setdefault(_find(h).gid, _find(h))
        if len(roots) == 1:
            target = next(iter(roots.values()))
        elif is_person(g) or kind == "acronym":
            # nearest preceding fuller mention of the first short mention
            pos = first_pos(g)
            best = None
            for h in cands:
                prev = [m.start for m in h.mentions if m.start < pos]
                score = (1, max(prev)) if prev else (0, -first_pos(h))
                if best is None or score > best[0]:
                    best = (score, _find(h))
            target = best[1]
        else:
            # the most mentioned organisation wins
            target = max(roots.values(), key=lambda r: (sum(len(x.mentions) for x in groups if _find(x) is r),
                                                        -first_pos(r)))
        g.parent = target if _find(target) is not g else None
    return groups


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
    """Add uncovered occurrences of unambiguous names (and "the <Head>" of organisations) as mentions."""
    covered = [False] * (len(text) + 1)
    for m in mentions:
        for k in range(m.start, m.end):
            covered[k] = True
    alias_owner = {}
    for g in groups:
        r = _find(g)
        for m in g.mentions:
            s = m.text
            if len(s) < 3 or not s[0].isupper():
                continue
            alias_owner.setdefault(s, set()).add(r.gid)
    # acronyms of organisation names the tagger missed: "the CLF" after "Coastal Liberation Front"
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
    # organisation heads: "the Legion" for "Freedom of Russia Legion"
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
    added = []
    by_gid = {g.gid: g for g in groups}
    for alias, owners in alias_owner.items():
        if len(owners) != 1:
            continue
        owner = by_gid[next(iter(owners))]
        for s, e in _word_occurrences(text, alias):
            if any(covered[s:e]):
                continue
            m = _Mention(s, e, alias, owner.mentions[0].label)
            m.group = owner
            owner.mentions.append(m)
            added.append(m)
            for k in range(s, e):
                covered[k] = True
    for head, owners in head_owner.items():
        if head in alias_owner:
            continue  # already a name of its own (or handled as an alias)
        target = max(owners.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        owner = by_gid[target]
        for s, e in _word_occurrences(text, head):
            if any(covered[s:e]):
                continue
            # the head alone must not be part of a longer capitalised name ("International Legion of Ukraine")
            before = text[max(0, s - 30):s]
            after = text[e:e + 20]
            if re.search(r"[A-Z][\w'’-]*\s+$", before) and not re.search(r"(?:^|\s)(?:The|A)\s+$", before):
                continue
            if re.match(r"^\s+of\s+[A-Z]", after):
                continue
            m = _Mention(s, e, head, owner.mentions[0].label)
            m.group = owner
            owner.mentions.append(m)
            added.append(m)
            for k in range(s, e):
                covered[k] = True
    return added


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
        name = max(forms, key=lambda f: (len(content_tokens(f)), forms[f], len(f),
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
