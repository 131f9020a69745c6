"""Speakers of quotes (step 4 of ``quotes``): the subject of a cue, and who a speaker phrase names.

``_speaker_of`` finds the speaker tokens of a cue in the parse (the cue's subject, inherited through
xcomp/conj/advcl, the antecedent of "who", the agent of a passive); ``_SpeakerState`` maps those phrases to
the article's ``LocalEntity`` list in text order: pronouns resolve to the latest compatible named speaker or
PERSON subject, a name missing from the list is added, a speaker with no name is kept as a description, and
ORG/GPE/LOC-typed names that speak with person evidence are retyped PERSON (``finish``).
"""
from __future__ import annotations

import re

from ..records import LocalEntity
from .quotes_lexicon import (AGE_APPOS_RE, CALL_SIGN_RE, ORG_WORDS, PERSON_NOUNS, PRONOUNS_GROUP, PRONOUNS_PERSON,
                             is_document_phrase)

SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")


def _speaker_of_parse(doc, t):
    """Subject of a speech verb, climbing through xcomp/conj/advcl and relative clauses."""
    toks = doc.toks
    cur, hops = t, 0
    while hops < 4:
        kids = doc.children.get(cur.i, ())
        subj = [c for c in kids if toks[c].dep in SUBJ_DEPS]
        if cur.dep == "relcl" and (not subj or toks[subj[0]].tag in ("WP", "WDT")):
            h = cur.head
            return _speaker_from_tokens(doc, h, doc.subtree(h, exclude=set(doc.subtree(cur.i))))
        if subj:
            sj = subj[0]
            if toks[sj].tag in ("WP", "WDT") and cur.dep == "relcl":
                h = cur.head
                return _speaker_from_tokens(doc, h, doc.subtree(h, exclude=set(doc.subtree(cur.i))))
            return _speaker_from_tokens(doc, sj, doc.subtree(sj))
        agent = [c for c in kids if toks[c].dep == "agent"]
        if agent:
            pobj = [c for c in doc.children.get(agent[0], ()) if toks[c].dep == "pobj"]
            if pobj:
                return _speaker_from_tokens(doc, pobj[0], doc.subtree(pobj[0]))
        if cur.dep in ("xcomp", "conj", "advcl", "ccomp", "acl") and cur.head != cur.i:
            if cur.dep == "xcomp":
                dobj = [c for c in doc.children.get(cur.head, ()) if toks[c].dep == "dobj"]
                if dobj:
                    return _speaker_from_tokens(doc, dobj[0], doc.subtree(dobj[0]))
            if cur.dep == "acl":
                h = cur.head
                return _speaker_from_tokens(doc, h, doc.subtree(h, exclude=set(doc.subtree(cur.i))))
            cur = toks[cur.head]
            hops += 1
            continue
        break
    return {}


def _speaker_of(doc, t):
    sp = _speaker_of_parse(doc, t)
    if sp and doc.tok_para[sp["head"]] != doc.tok_para[t.i]:
        # the parser ran a sentence over a paragraph break: take the last subject before the cue instead
        p = doc.tok_para[t.i]
        before = [k for k in range(t.i - 1, -1, -1) if doc.tok_para[k] == p]
        cands = [k for k in before if doc.toks[k].dep in SUBJ_DEPS]
        if not cands:
            cands = [k for k in reversed(before) if doc.toks[k].pos == "PROPN"][:1]
        if not cands:
            return {}
        return _speaker_from_tokens(doc, cands[0], doc.subtree(cands[0]))
    return sp


def _speaker_from_tokens(doc, head, idxs):
    toks = doc.toks
    idxs = doc.same_para(idxs, head)
    idxs = [k for k in idxs if toks[k].pos not in ("SPACE",)]
    if len(idxs) > 18:   # cut relative clauses off long subjects
        cut = set()
        for k in idxs:
            if toks[k].dep in ("relcl", "acl") and toks[k].head in idxs:
                cut.update(doc.subtree(k))
        idxs = [k for k in idxs if k not in cut] or idxs
    # trim punctuation at the edges
    while idxs and toks[idxs[0]].pos == "PUNCT":
        idxs = idxs[1:]
    while idxs and toks[idxs[-1]].pos == "PUNCT":
        idxs = idxs[:-1]
    if not idxs:
        return {}
    s, e = toks[idxs[0]].start, toks[idxs[-1]].end
    return {"head": head, "sp_start": s, "sp_end": e, "tok_idxs": idxs}


class _SpeakerState:
    """Maps speaker phrases to entities, resolves pronouns and retypes entities from context."""

    def __init__(self, text, doc, entities, in_quote):
        self.text, self.doc, self.entities = text, doc, entities
        self.history = []      # (pos, entity local_id or None, description)
        self.subjects = []     # (pos, local_id) PERSON subjects in text order
        ents_by_char = {}
        for ent in entities:
            for ms, me in ent.mentions:
                for k in range(ms, me):
                    ents_by_char.setdefault(k, ent)
        self.by_char = ents_by_char
        for t in doc.toks:
            if t.dep in SUBJ_DEPS and t.start not in in_quote:
                ent = ents_by_char.get(t.start)
                if ent is not None and ent.type == "PERSON":
                    self.subjects.append((t.start, ent.local_id))
        self.person_evidence = set()

    def _entity_by_id(self, lid):
        for ent in self.entities:
            if ent.local_id == lid:
                return ent
        return None

    def resolve(self, ev, pos):
        if "sp_start" not in ev:
            return {}
        toks = self.doc.toks
        s, e, head = ev["sp_start"], ev["sp_end"], ev["head"]
        htok = toks[head]
        low = htok.text.lower()
        out = {"text": self.text[s:e], "start": s, "end": e}
        if htok.pos == "PRON" and low in PRONOUNS_PERSON and e - s <= len(htok.text) + 1:
            lid, desc = self._antecedent(s)
            if lid is not None:
                out["entity"] = lid
                self._mark_person(lid)
            elif desc is not None:
                out["description"] = desc
            self.history.append((s, out.get("entity"), out.get("description")))
            return out
        if htok.pos == "PRON" and low in PRONOUNS_GROUP and e - s <= len(htok.text) + 1:
            if self.history and s - self.history[-1][0] < 600:
                _, lid, desc = self.history[-1]
                out["entity"], out["description"] = lid, desc
            self.history.append((s, out.get("entity"), out.get("description")))
            return out
        if htok.pos == "PRON" and low in ("i", "we", "you", "it", "this", "that", "who", "which"):
            self.history.append((s, None, None))
            return out
        ent = self._entity_in(ev, s, e, head)
        if ent is not None:
            out["entity"] = ent.local_id
            if self._person_evidence(ent, s, e, ev):
                self._mark_person(ent.local_id)
        elif not is_document_phrase(out["text"]):
            out["description"] = re.sub(r"\s+", " ", out["text"]).strip()
        else:
            out["description"] = re.sub(r"\s+", " ", out["text"]).strip()
            out["document"] = True
        self.history.append((s, out.get("entity"), out.get("description")))
        return out

    def _antecedent(self, pos):
        """(entity, description) of the latest compatible speaker or PERSON subject before ``pos``."""
        best_pos, best, best_desc = -1, None, None
        for p, lid, desc in self.history:
            if not (best_pos < p < pos):
                continue
            if lid is not None:
                ent = self._entity_by_id(lid)
                if ent is not None and (ent.type == "PERSON" or not _org_like(ent.name)):
                    best_pos, best, best_desc = p, lid, None
            elif desc and _person_description(desc):
                best_pos, best, best_desc = p, None, desc
        for p, lid in self.subjects:
            if best_pos < p < pos:
                best_pos, best, best_desc = p, lid, None
        return best, best_desc

    def _entity_in(self, ev, s, e, head):
        toks = self.doc.toks
        htok = toks[head]
        cands = []
        for ent in self.entities:
            for ms, me in ent.mentions:
                if ms < e and me > s:
                    cands.append((ent, ms, me))
        # the head token's own entity first
        for ent, ms, me in cands:
            if ms <= htok.start < me and ent.type in ("PERSON", "ORG", "GPE", "LOC", "OTHER", "NORP") \
                    and not (ent.type == "NORP" and htok.pos != "PROPN"):
                if ent.type == "NORP":
                    continue
                return ent
        # a call sign / nickname inside the phrase: the name after it
        phrase = self.text[s:e]
        m = CALL_SIGN_RE.search(phrase)
        if m:
            after = phrase[m.end():]
            nm = re.match(r"\s+(?:of\s+)?[\"“‘']?([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?)", after)
            if nm:
                name = nm.group(1)
                ns = s + m.end() + nm.start(1)
                return self._ensure_entity(name, ns, ns + len(name), call_sign=True)
        persons = [c for c in cands if c[0].type == "PERSON"]
        if persons and htok.pos in ("PROPN",):
            return persons[0][0]
        if htok.pos == "PROPN":
            # a name the tagger missed: the run of proper nouns around the head
            i0 = i1 = head
            while i0 - 1 >= 0 and toks[i0 - 1].pos == "PROPN" and toks[i0 - 1].dep == "compound":
                i0 -= 1
            while i1 + 1 < len(toks) and toks[i1 + 1].pos == "PROPN" and toks[i1 + 1].head == i1 + 1 \
                    and toks[i1].dep == "compound":
                i1 += 1
            ns, ne = toks[i0].start, toks[i1].end
            name = self.text[ns:ne]
            if name[:1].isupper() and not _org_like(name):
                return self._ensure_entity(name, ns, ne)
        if persons and htok.pos == "NOUN" and any(ms >= htok.start for _e, ms, _m in persons):
            # "a spokesman, John Doe," / "lawmaker Jane Roe": a person named inside the phrase
            return persons[0][0]
        return None

    def _ensure_entity(self, name, ns, ne, call_sign=False):
        for ent in self.entities:
            if ent.name == name or name in ent.aliases:
                if (ns, ne) not in ent.mentions:
                    ent.mentions.append((ns, ne))
                    ent.mentions.sort()
                if call_sign:
                    ent.attributes["call_sign"] = True
                    self._mark_person(ent.local_id)
                return ent
        for ent in self.entities:
            for ms, me in ent.mentions:
                if ms <= ns and ne <= me:
                    return ent
        lid = max([x.local_id for x in self.entities], default=-1) + 1
        ent = LocalEntity(lid, name, "PERSON", [name], [(ns, ne)])
        if call_sign:
            ent.attributes["call_sign"] = True
        self.entities.append(ent)
        return ent

    def _person_evidence(self, ent, s, e, ev):
        if ent.type == "PERSON":
            return True
        if _org_like(ent.name):
            return False
        for ms, me in ent.mentions:
            around = self.text[max(0, ms - 40):me + 80]
            if CALL_SIGN_RE.search(around):
                ent.attributes.setdefault("call_sign", True)
                return True
            after = self.text[me:me + 60]
            m = AGE_APPOS_RE.match(after)
            if m:
                am = re.search(r"\d{1,3}", m.group())
                if am:
                    ent.attributes.setdefault("age", int(am.group()))
                return True
            ap = re.match(r"^\s*(?:,|—|–)\s*(?:an?|the)\s+([\w\s-]{0,40}?)\b(\w+)\b", after)
            if ap and ap.group(2).lower() in PERSON_NOUNS:
                return True
        return False

    def _mark_person(self, lid):
        self.person_evidence.add(lid)

    def finish(self):
        for ent in self.entities:
            if ent.local_id in self.person_evidence and ent.type in ("ORG", "GPE", "LOC", "OTHER", "NORP") \
                    and not _org_like(ent.name):
                ent.type = "PERSON"


def _person_description(desc):
    words = re.findall(r"[a-z]+", desc.lower())
    words = words[:words.index("who")] if "who" in words else words
    return any(w in PERSON_NOUNS for w in words[:6]) and not any(w in ORG_WORDS for w in words[:3])


def _org_like(name):
    words = re.findall(r"[A-Za-z]+", name.lower())
    return any(w in ORG_WORDS for w in words)
