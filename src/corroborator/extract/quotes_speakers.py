"""Speakers of quotes (step 4 of ``quotes``): the subject of a cue, and who a speaker phrase names.

``_speaker_of`` finds the speaker tokens of a cue in the parse (the cue's subject, inherited through
xcomp/conj/advcl, the antecedent of "who", the agent of a passive); ``_SpeakerState`` maps those phrases to
the article's ``LocalEntity`` list in text order: pronouns resolve to the latest compatible named speaker or
PERSON subject, a name missing from the list is added, a speaker with no name is kept as a description, and
ORG/GPE/LOC-typed names that speak with person evidence are retyped PERSON (``finish``).
"""
from __future__ import annotations

import re

from .. import config
from ..records import LocalEntity
from .entities_names import HONORIFICS, fold
from .quotes_lexicon import (AGE_APPOS_RE, CALL_SIGN_RE, ORG_WORDS, PERSON_NOUNS, PRONOUNS_GROUP, PRONOUNS_PERSON,
                             SPEECH_VERBS, is_document_phrase)

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.quotes_speakers")
LONG_SUBJECT_TOKENS = _C["long_subject_tokens"]
GROUP_PRONOUN_REACH = _C["group_pronoun_reach"]
BLOCK_MAX_PARAS = _C["block_max_paras"]
AUTHOR_MAX_PARAS = _C["author_max_paras"]
AUTHOR_MAX_WORDS = _C["author_max_words"]

SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")

# channels a person or organisation speaks through: "X's website said" is X speaking
OWN_VOICE_NOUNS = frozenset("website site statement tweet tweets post posts release account page feed blog "
                            "newsletter email spokesman spokeswoman spokesperson".split())


def _participle_clause(toks, t):
    """A participle cue hung on a reported clause ("X disputed that the dam was neglected, saying ...") speaks
    for the clause that reports it: the verb to climb from is the reporting one, not the reported clause
    (whose subject, "the dam", says nothing)."""
    if t.tag != "VBG" or t.dep != "advcl" or t.head == t.i:
        return t
    h = toks[t.head]
    while h.dep == "ccomp" and h.head != h.i and h.head < h.i:   # the reporting verb comes first
        h = toks[h.head]
    return t if h.i == t.head else h


def _speaker_of_parse(doc, t):
    """Subject of a speech verb, climbing through xcomp/conj/advcl and relative clauses."""
    toks = doc.toks
    cur, hops = _participle_clause(toks, t), 0
    while hops < 4:
        kids = doc.children.get(cur.i, ())
        subj = [c for c in kids if toks[c].dep in SUBJ_DEPS and not (hops == 0 and toks[c].dep == "nsubjpass")]
        # a subject outside quotation marks before one inside ('"... One pilot in a thousand," Rep. Ortiz said')
        subj.sort(key=lambda c: toks[c].start in doc.in_quote)
        if not subj and hops == 0 and cur.i > 0 and toks[cur.i - 1].pos == "PROPN" and toks[cur.i - 1].head == cur.i:
            subj = [cur.i - 1]      # "Nils Ortega shot back": a name the parser hung on the verb as a modifier
        if not subj and hops == 0:
            inverted = _name_after_opening_cue(doc, cur) or _name_beside_quotation(doc, cur) or \
                _name_left_unparsed(doc, cur)
            if inverted:
                return _speaker_from_tokens(doc, inverted[-1], inverted)
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
        if cur.dep == "pcomp" and cur.head != cur.i and toks[cur.head].head != cur.head:
            cur = toks[toks[cur.head].head]     # "began by saying ...": the verb the preposition hangs on
            hops += 1
            continue
        if cur.dep == "acomp" and cur.head != cur.i:     # "voters were more likely to say ..."
            cur = toks[cur.head]
            hops += 1
            continue
        if cur.dep in ("xcomp", "conj", "advcl", "ccomp", "acl") and cur.head != cur.i:
            if cur.dep == "xcomp":
                dobj = [c for c in doc.children.get(cur.head, ()) if toks[c].dep == "dobj"]
                if dobj:
                    return _speaker_from_tokens(doc, dobj[0], doc.subtree(dobj[0]))
            if cur.dep == "acl":
                h = cur.head
                if cur.tag == "VBG" and toks[h].dep == "dobj" and toks[h].head != h:
                    # "issued a statement saying ...", "emailed supporters saying ...": the sender speaks
                    cur = toks[toks[h].head]
                    hops += 1
                    continue
                return _speaker_from_tokens(doc, h, doc.subtree(h, exclude=set(doc.subtree(cur.i))))
            cur = _reporting_verb(toks, cur)
            hops += 1
            continue
        break
    return {}


def _reporting_verb(toks, cur):
    """The verb to climb to from ``cur``: its head, or for a verb of saying joined to the clause another verb of
    saying reports ("He said the emails should be kept and said the team had answered"), that reporting verb:
    the second cue is the first one's speaker's, not the reported clause's subject's."""
    h = toks[cur.head]
    if cur.dep == "conj" and cur.lemma.lower() in SPEECH_VERBS and h.dep == "ccomp" and h.head != h.i and \
            toks[h.head].lemma.lower() in SPEECH_VERBS and h.head < cur.i:
        return toks[h.head]
    return h


def _name_after_opening_cue(doc, t) -> list:
    """ "Said Varga: '...'": the run of proper nouns right after a cue that opens its sentence, else []."""
    toks = doc.toks
    if not (t.i == 0 or toks[t.i - 1].sent != t.sent or toks[t.i - 1].text in ("\n", "\n\n")):
        return []
    run = []
    k = t.i + 1
    while k < len(toks) and toks[k].pos == "PROPN" and toks[k].sent == t.sent:
        run.append(k)
        k += 1
    return run


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


_CLOSING = frozenset({'"', "''", "\u201d", "'"})
_NOMINAL = frozenset({"PROPN", "NOUN", "DET", "ADJ"})


def _name_beside_quotation(doc, t) -> list:
    """A cue right after a closing quotation that the parser left without a subject: '"...," said Robin Olsen,
    half joking' (the name taken for the subject of a clause after it), '"...," screenwriter Ada Holm wrote'
    (a title taken for a verb). The speaker is the run of nominal words, with a proper noun among them, right
    after the cue or between the quotation and the cue; else []."""
    toks = doc.toks

    def closes(k):
        return 0 <= k < len(toks) and toks[k].text in _CLOSING and toks[k].start - 1 in doc.in_quote

    if closes(t.i - 1):     # "...," said NAME
        run, k = [], t.i + 1
        while k < len(toks) and toks[k].sent == t.sent and (
                toks[k].pos in _NOMINAL or toks[k].tag == "VBG" and run or
                toks[k].text == "." and toks[k - 1].pos == "PROPN" and len(toks[k - 1].text) <= 3):
            run.append(k)
            k += 1
        while run and toks[run[-1]].pos not in ("PROPN", "NOUN"):
            run.pop()
        return run
    k = t.i - 1     # "...," NAME wrote
    run = []
    while k >= 0 and not closes(k) and toks[k].pos != "PUNCT" and len(run) < 6:
        run.insert(0, k)
        k -= 1
    if not run or not closes(k) or toks[run[-1]].pos != "PROPN" or \
            any(toks[j].pos not in _NOMINAL and toks[j].tag not in ("NN", "VB", "VBP") for j in run):
        return []
    return run


_SHARES = frozenset("half third thirds quarter quarters percent majority most".split())


def _name_left_unparsed(doc, t) -> list:
    """A cue whose subject the parser hung elsewhere: the non-relative subject of a clause taken for the cue's
    complement, a share of those polled, or a name set off by commas right before the cue (see the three
    helpers); else []."""
    found = _subject_of_relative_complement(doc, t)
    if found is not None:
        return found
    if t.head != t.i or t.tag in ("VBG", "VBN"):
        return []       # "..., in Tulsa, Oklahoma, arguing that": a participle's subject is the main clause's
    return _polled_share(doc, t) or _name_set_off_before(doc, t)


def _subject_of_relative_complement(doc, t):
    """'Ruiz, meanwhile, who chairs the board, said ...': the name made a subject of the relative clause, which
    the parser took for the cue's complement. The name's tokens ([] when the clause has no name), or None when
    the cue has no such clause."""
    toks = doc.toks
    for c in doc.children.get(t.i, ()):
        if c < t.i and toks[c].dep == "ccomp":
            subj = [k for k in doc.children.get(c, ()) if toks[k].dep in SUBJ_DEPS]
            if any(toks[k].tag == "WP" for k in subj):
                named = [k for k in subj if toks[k].tag != "WP" and toks[k].pos in ("PROPN", "NOUN")
                         and k < min(j for j in subj if toks[j].tag == "WP")]
                return [k for k in doc.subtree(named[0]) if k <= named[0]] if named else []
    return None


def _polled_share(doc, t) -> list:
    """ "About 4 in 10 say ...", "Nearly half say ...": a share of those polled, the parser's modifier of the cue."""
    toks = doc.toks
    lead = [k for k in doc.sent_toks(t.sent) if k < t.i and toks[k].pos != "SPACE"]
    if 2 <= len(lead) <= 6 and any(toks[k].pos == "NUM" or toks[k].text.lower() in _SHARES for k in lead) and all(
            toks[k].pos in ("NUM", "ADV", "ADP", "DET", "NOUN", "ADJ") for k in lead):
        return lead
    return []


def _name_set_off_before(doc, t) -> list:
    """'As part of his plea, Ivo Brandt, 44, said', 'In a letter to the Courier, her adviser, Ada Holm, said':
    a phrase set off by commas right before the cue that the parser hung on the phrase before it (an apposition,
    a second object of its preposition); else the run of nominal words ending in a proper noun right before the
    cue, after a comma, a conjunction or a parenthesis ("..., but Sen. Ivo Brandt (a Varn Democrat ...) says")."""
    toks = doc.toks
    end = t.i - 2 if t.i >= 1 and toks[t.i - 1].text == "," else t.i - 1
    for k in doc.sent_toks(t.sent):
        if k > end:
            break
        if toks[k].head < k and toks[k].pos in ("PROPN", "NOUN") and toks[k].dep not in ("compound", "poss"):
            sub = doc.subtree(k)
            if max(sub) in (end, t.i - 1) and min(sub) > 0 and toks[min(sub) - 1].text == ",":
                return sub
    k = t.i - 1
    if k >= 0 and toks[k].text == ")":
        while k >= 0 and toks[k].text != "(" and toks[k].sent == t.sent:
            k -= 1
        k -= 1
    if k >= 0 and toks[k].text == ",":
        k -= 1
    run = []
    while k >= 0 and toks[k].sent == t.sent and toks[k].pos in _NOMINAL and len(run) < 5:
        run.insert(0, k)
        k -= 1
    if not run or toks[run[-1]].pos != "PROPN" or not (k < 0 or toks[k].text == "," or toks[k].pos == "CCONJ"
                                                       or toks[k].sent != t.sent):
        return []
    return run


def _speaker_from_tokens(doc, head, idxs):
    toks = doc.toks
    idxs = doc.same_para(idxs, head)
    idxs = [k for k in idxs if toks[k].pos not in ("SPACE",)]
    if len(idxs) > LONG_SUBJECT_TOKENS:   # cut relative clauses off long subjects
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
        self.subjects = []     # (pos, local_id, in a main clause, sentence) PERSON subjects in text order
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
                    self.subjects.append((t.start, ent.local_id, _main_clause(doc.toks, t), t.sent))
        self.person_evidence = set()
        self.sent_at = {t.start: t.sent for t in doc.toks}

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
            if self.history and s - self.history[-1][0] < GROUP_PRONOUN_REACH:
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
        """(entity, description) of the latest compatible speaker or PERSON subject before ``pos``: the subject of
        a main clause, or of any clause of the pronoun's own sentence."""
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
        sent = self.sent_at.get(pos)
        for p, lid, main, si in self.subjects:
            # a subject of an embedded clause only within the pronoun's own sentence ("When X spoke, he said")
            if best_pos < p < pos and (main or si == sent):
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
        titled = head > 0 and _honorific(toks[head - 1].text) and htok.text[:1].isupper()
        if htok.pos == "PROPN" or titled:
            # a name the tagger missed: the run of proper nouns around the head (a capitalised word after
            # "Ms." is a name whatever its tag: "Ms. O’Dwyer"), without the honorific
            i0 = i1 = head
            while i0 - 1 >= 0 and toks[i0 - 1].pos == "PROPN" and toks[i0 - 1].dep == "compound":
                i0 -= 1
            while i0 < head and _honorific(toks[i0].text):
                i0 += 1
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
        return self._owner_of_voice(head)

    def _owner_of_voice(self, head):
        """ "the Harbour Alliance's website said", "the mayor's statement read": a channel a person or organisation
        speaks through (``OWN_VOICE_NOUNS``) speaks for its named owner."""
        toks = self.doc.toks
        if toks[head].text.lower() not in OWN_VOICE_NOUNS:
            return None
        for c in self.doc.children.get(head, ()):
            ent = self.by_char.get(toks[c].start) if toks[c].dep in ("poss", "nmod", "compound") and c < head else None
            if ent is not None and ent.type in ("PERSON", "ORG"):
                return ent
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


def _main_clause(toks, t) -> bool:
    """Whether subject ``t`` is the subject of its sentence's main clause (the root verb, or a verb joined to it
    by "and"): a pronoun that begins the next sentence refers back to it, not to a subject of an embedded
    clause ("a story about Hale rebuilding a barn. And she then added ...": she is not Hale)."""
    v = toks[t.head]
    while v.dep == "conj" and v.head != v.i:
        v = toks[v.head]
    return v.dep not in _EMBEDDED_DEPS


# clauses inside another: adverbial, adjectival, relative, a preposition's complement ("a complement clause"
# is not among them: the parser hangs one sentence's main verb on the next as ccomp)
_EMBEDDED_DEPS = frozenset("advcl acl relcl pcomp pobj csubj xcomp amod".split())


def _honorific(word) -> bool:
    return fold(word).rstrip(".") in HONORIFICS


def _person_description(desc):
    words = re.findall(r"[a-z]+", desc.lower())
    words = words[:words.index("who")] if "who" in words else words
    return any(w in PERSON_NOUNS for w in words[:6]) and not any(w in ORG_WORDS for w in words[:3])


def _org_like(name):
    words = re.findall(r"[A-Za-z]+", name.lower())
    return any(w in ORG_WORDS for w in words)


# ------------------------------------------------------------------ block quotes
_FIRST_PERSON_RE = re.compile(r"\b(?:I|we|We|our|Our|us|my|My|me|ours)\b")
_QUOTE_OPEN = "“\"«„"


def _block_intro_cue(doc, para, in_quote, cues):
    """The speech verb (or "released a statement") of a paragraph that ends with a colon and introduces what follows ("In a letter to the
    mayor, the residents wrote:"), when its last sentence has one outside quotation marks and it is not
    already a cue with content of its own; else None."""
    ps, pe = doc.para_bounds[para]
    if not doc.text[ps:pe].rstrip().endswith(":"):
        return None
    colon = doc.text.rindex(":", ps, pe)
    toks = [t for t in doc.toks if ps <= t.start < colon and t.start not in in_quote]
    if not toks:
        return None
    last_sent = toks[-1].sent
    for t in reversed(toks):
        if t.sent != last_sent:
            break
        if t.i in cues:
            return None
        if t.pos in ("VERB", "AUX") and (t.lemma.lower() in SPEECH_VERBS or t.lemma.lower() == "read" or
                                         _issues_document(doc, t)):
            return t
    return None


def _issues_document(doc, t):
    """ "The company released a statement:" / "the residents sent a letter:": a verb of writing or sending
    whose object is a letter or a statement."""
    return t.lemma.lower() in _AUTHOR_VERBS and any(
        doc.toks[c].dep == "dobj" and doc.toks[c].lemma.lower() in AUTHORED_NOUNS for c in doc.children.get(t.i, ()))


def _block_paragraph(doc, para, in_quote, cued_paras, first):
    """(start, end) of paragraph ``para`` when it goes on with a block quote, else None: it carries no cue of
    its own; the first paragraph after the introduction always goes on, a later one only when it opens with
    a quotation mark or speaks in the first person outside quotation marks."""
    if para >= len(doc.para_bounds) or para in cued_paras:
        return None
    ps, pe = doc.para_bounds[para]
    body = doc.text[ps:pe]
    if len(body.split()) < 3:
        return None
    if first or body.lstrip()[:1] in _QUOTE_OPEN:
        return ps, pe
    outside = "".join(c for k, c in enumerate(body) if ps + k not in in_quote)
    return (ps, pe) if _FIRST_PERSON_RE.search(outside) else None


def block_events(doc, events, in_quote) -> list:
    """Events for block quotes: the paragraphs after one that ends "X wrote:" / "the statement said:" are X's
    words, paragraph after paragraph, until a paragraph has a cue of its own (the text says who speaks) or
    stops reading as X's words (see ``_block_paragraph``); at most ``BLOCK_MAX_PARAS`` paragraphs."""
    cues = {ev["cue"] for ev in events if ev.get("cue") is not None}
    cued_paras = {doc.para_of(ev["content"][0]) for ev in events} | {doc.tok_para[c] for c in cues}
    out = []
    for para in range(len(doc.para_bounds) - 1):
        cue = _block_intro_cue(doc, para, in_quote, cues)
        if cue is None:
            continue
        sp = _speaker_of(doc, cue)
        if not sp:
            continue
        for k in range(1, BLOCK_MAX_PARAS + 1):
            span = _block_paragraph(doc, para + k, in_quote, cued_paras, k == 1)
            if span is None:
                break
            ev = {"cue": cue.i, "cue_span": (cue.start, cue.end), "content": span, "block": True,
                  "quotes": sorted({in_quote[c] for c in range(*span) if c in in_quote})}
            ev.update(sp)
            out.append(ev)
    return out


# ------------------------------------------------------------------ a document's authors
# documents whose words the article may credit to the people who wrote or signed them
AUTHORED_NOUNS = frozenset("letter statement petition memo email message note".split())
_AUTHOR_VERBS = frozenset("write sign send issue release publish pen author circulate deliver submit".split())


def _authored_noun(description):
    """The authored-document noun heading a speaker description ("the letter" -> "letter"), else None."""
    words = re.findall(r"[a-z]+", (description or "").lower())
    for stop in ("from", "by", "signed", "written", "sent", "of", "which", "that"):
        if stop in words[1:]:
            words = words[:words.index(stop, 1)]
    return words[-1] if words and words[-1] in AUTHORED_NOUNS else None


def _author_phrase(doc, head):
    """The authors' phrase headed by token ``head``: its subtree in the same sentence and paragraph without
    relative clauses, or None when it is a pronoun, a document, too long or empty."""
    toks = doc.toks
    cut = set()
    for k in doc.subtree(head):
        if toks[k].dep in ("relcl", "acl", "appos") and k != head:
            cut.update(doc.subtree(k))
    sp = _speaker_from_tokens(doc, head, [k for k in doc.subtree(head) if k not in cut and
                                          toks[k].sent == toks[head].sent])
    if not sp or toks[head].pos == "PRON":
        return None
    words = [toks[k] for k in sp["tok_idxs"] if toks[k].pos != "PUNCT"]
    if not words or len(words) > AUTHOR_MAX_WORDS or is_document_phrase(doc.text[sp["sp_start"]:sp["sp_end"]]):
        return None
    return sp


def _authors_of_noun(doc, n):
    """The authors an article gives the document noun at token ``n``: "a letter from X", "a letter signed /
    written / sent by X", "X wrote / signed / sent a letter"; else None."""
    toks = doc.toks
    for c in doc.children.get(n, ()):
        if toks[c].dep == "prep" and toks[c].text.lower() in ("from", "by"):
            pobj = [o for o in doc.children.get(c, ()) if toks[o].dep == "pobj"]
            if pobj:
                return _author_phrase(doc, pobj[0])
        if toks[c].dep in ("acl", "relcl") and toks[c].lemma.lower() in _AUTHOR_VERBS:
            for a in doc.children.get(c, ()):
                if toks[a].dep == "agent":
                    pobj = [o for o in doc.children.get(a, ()) if toks[o].dep == "pobj"]
                    if pobj:
                        return _author_phrase(doc, pobj[0])
    h = toks[toks[n].head]
    if toks[n].dep == "dobj" and h.lemma.lower() in _AUTHOR_VERBS:
        subj = [c for c in doc.children.get(h.i, ()) if toks[c].dep == "nsubj"]
        if subj:
            return _author_phrase(doc, subj[0])
    return _signed_by_after(doc, n)


def _signed_by_after(doc, n):
    """"a letter sent on Monday and signed by X": a participle of authorship a few tokens after the noun,
    in its sentence, with "by X" (the parser may hang it on the main verb)."""
    toks = doc.toks
    for k in range(n + 1, min(n + 8, len(toks))):
        if toks[k].sent != toks[n].sent or toks[k].text in (".", ";"):
            return None
        if toks[k].tag == "VBN" and toks[k].lemma.lower() in _AUTHOR_VERBS:
            for c in doc.children.get(k, ()):
                if toks[c].text.lower() == "by" and toks[c].dep in ("prep", "agent"):
                    pobj = [o for o in doc.children.get(c, ()) if toks[o].dep == "pobj"]
                    if pobj:
                        return _author_phrase(doc, pobj[0])
    return None


def document_authors(doc, q, speaker_tokens):
    """The authors of the document a quote's speaker names ("the letter", "a letter from the faculty"): a
    dict (``sp_start``, ``sp_end``, ``head``) for the phrase, read in the speaker phrase itself or, for the
    nearest earlier mention of the same kind of document within ``AUTHOR_MAX_PARAS`` paragraphs; else None."""
    noun = _authored_noun(q.speaker_description)
    if noun is None:
        return None
    toks = doc.toks
    own = [k for k in speaker_tokens if toks[k].lemma.lower() == noun or toks[k].text.lower() == noun]
    for k in own:
        found = _authors_of_noun(doc, k)
        if found:
            return found
    para = doc.para_of(q.start)
    first = min(speaker_tokens) if speaker_tokens else len(toks)
    for k in range(min(first, len(toks)) - 1, -1, -1):
        if para - doc.tok_para[k] > AUTHOR_MAX_PARAS:
            break
        if toks[k].text.lower() == noun and toks[k].pos in ("NOUN", "PROPN"):
            found = _authors_of_noun(doc, k)
            if found:
                return found
    return None
