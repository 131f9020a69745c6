"""Speakers named by their office or by a pronoun, resolved to the person the article has named.

``find_quotes`` keeps a speaker it cannot name as a description ("the governor", "the Vermont senator",
"he"). Within one article such a description usually refers to a person named before it:

* a **definite office** ("the governor", "the Texas senator", "the lawmaker") is the one person of the article,
  named before the quote, who holds that office by the article's own words: a title before a mention ("Gov.
  Ana Ruiz", "Sen. Ruiz"), an office in apposition ("Ana Ruiz, the state's governor,") or the office the
  entity extraction read (``attributes["role"]``). Two such people, or none, leave the description as it is;
* a **name** the entity extraction did not make an entity ("Summers", "Ms. Oduya") is the one person of the
  article whose name ends with that surname;
* a **pronoun** ("he", "she") left unresolved is the speaker of the latest named quote in the same or the
  previous two paragraphs, when there is one;
* a **group** named only by its kind ("the pilots") takes the fuller name the text last gave it ("the
  Lindqvist pilots"), and stays anonymous.

Indefinite and plural descriptions ("a senior official", "aides", "one soldier") are anonymous sources and
are never given a name. The description is kept beside the name it resolved to.
"""
from __future__ import annotations

import re

from .. import config

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.speakers")
PRONOUN_REACH = _C["pronoun_reach"]   # paragraphs back to look for the named speaker a pronoun continues
OFFICE_SALIENCE = _C["office_salience"]   # among holders of one office, the one named this many times as often

# an office (as a speaker's description names it) -> the offices, titles and apposition words that hold it
OFFICES = {
    "governor": {"governor", "gov"},
    "senator": {"senator", "sen"},
    "representative": {"representative", "rep", "congressman", "congresswoman"},
    "congressman": {"representative", "rep", "congressman"},
    "congresswoman": {"representative", "rep", "congresswoman"},
    "lawmaker": {"senator", "sen", "representative", "rep", "congressman", "congresswoman", "lawmaker",
                 "assemblyman", "assemblywoman", "legislator"},
    "legislator": {"senator", "sen", "representative", "rep", "legislator", "assemblyman", "assemblywoman"},
    "president": {"president", "pres"},
    "mayor": {"mayor"},
    "secretary": {"secretary", "sec"},
    "chairman": {"chairman", "chairwoman", "chair"},
    "chairwoman": {"chairman", "chairwoman", "chair"},
    "speaker": {"speaker"},
    "judge": {"judge"},
    "minister": {"minister"},
    "commissioner": {"commissioner"},
    "sheriff": {"sheriff"},
    "prosecutor": {"prosecutor", "attorney"},
    "spokesman": {"spokesman", "spokeswoman", "spokesperson"},
    "spokeswoman": {"spokesman", "spokeswoman", "spokesperson"},
    "spokesperson": {"spokesman", "spokeswoman", "spokesperson"},
}
_PRONOUNS = {"he", "she", "him", "her", "his"}
_INDEFINITE = re.compile(r"^(?:an?|one|two|three|several|some|many|other|another|no)\b", re.I)
_TITLE_BEFORE = re.compile(r"(?:^|[\s(\"'\u201c])([A-Za-z]+)\.?\s+$")     # the word right before a name
_APPOSITION = re.compile(r"^\s*,\s+(?:the|a|an)?\s*(?:[\w.'\u2019-]+\s+){0,4}?([a-z]+)\b")


def _office_of(description) -> str | None:
    """The office a definite description names ("the Vermont senator" -> "senator", "the former
    representative, who ..." -> "representative", "the ex-congressman"), else ``None``."""
    d = " ".join((description or "").split()).split(",")[0]
    if not d or _INDEFINITE.match(d) or not re.match(r"^the\b", d, re.I):
        return None
    head = re.sub(r"^(?:ex|former)-", "", d.lower().rstrip(".").split()[-1])
    return head if head in OFFICES else None


_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|dame|lady|lord|prof)\.?\s+", re.I)
_NAME = re.compile(r"^[A-Z][\w'\u2019.-]+(?:\s+[A-Z][\w'\u2019.-]+){0,3}$")


def _by_name(quote, description, people) -> int | None:
    """A speaker written as a name the entity extraction missed ("Summers", "Ms. Oduya"): the one person
    of the article whose name ends with that surname."""
    d = _HONORIFIC.sub("", " ".join(description.split()))
    if not _NAME.match(d) or d.lower() in _PRONOUNS:
        return None
    last = d.split()[-1].lower().rstrip(".")
    found = {e.local_id for e in people
             if any(n.split()[-1].lower().rstrip(".") == last for n in [e.name] + list(e.aliases) if n.split())}
    return found.pop() if len(found) == 1 else None


def _offices_held(text, entity) -> set:
    """The office words the article attaches to a person: titles before its mentions, appositions after,
    and the role the entity extraction read."""
    held = set()
    role = (entity.attributes or {}).get("role")
    if isinstance(role, str):
        held.update(role.lower().replace(".", "").split())
    for s, e in entity.mentions:
        m = _TITLE_BEFORE.search(text[max(0, s - 40):s])
        if m:
            held.add(m.group(1).lower())
        m = _APPOSITION.match(text[e:e + 80])
        if m:
            held.add(m.group(1).lower())
    return held


def _qualifiers(description, office) -> list:
    """The capitalised words of a definite office that narrow it ("the Varn senator" -> ["Varn"])."""
    d = " ".join(description.split()).split(",")[0]
    return [w for w in re.findall(r"[A-Z][\w'’-]+", d) if w.lower() not in ("the", office)]


def _by_office(quote, office, people, text, held, description="") -> int | None:
    """The person named before ``quote`` who holds ``office`` (``held``: each person's offices, read once):
    the one holder; among several, the one whose mentions carry the office's qualifiers ("the Varn
    senator": "Sen. Ana Ruiz (D-Varn)"), else the one the article names far more often before the
    quote (at least ``OFFICE_SALIENCE`` times the next: the article's subject, not a governor in passing)."""
    words = OFFICES[office]
    found = {}
    for e in people:
        before = sum(1 for s, _ in e.mentions if s < quote.start)
        if before:
            if e.local_id not in held:
                held[e.local_id] = _offices_held(text, e)
            if held[e.local_id] & words:
                found[e.local_id] = (e, before)
    quals = _qualifiers(description, office)
    if len(found) > 1 and quals:
        found = {k: v for k, v in found.items()
                 if all(any(q in text[max(0, s - 12):e + 12] for s, e in v[0].mentions) for q in quals)}
    if len(found) == 1:
        return next(iter(found))
    counts = sorted(((n, k) for k, (_, n) in found.items()), reverse=True)
    if len(counts) > 1 and counts[0][0] >= OFFICE_SALIENCE * counts[1][0]:
        return counts[0][1]
    return None


_BODY = re.compile(r"^the\s+([a-z]{4,})$", re.I)


def _by_body(quote, noun, bodies) -> int | None:
    """A body named by its kind ("the authority", "the department"): the one organisation named before
    ``quote`` whose name holds that word ("Kellen Port Authority")."""
    found = {e.local_id for e in bodies if any(s < quote.start for s, _ in e.mentions)
             and any(noun in n.lower().split() for n in [e.name] + list(e.aliases))}
    return found.pop() if len(found) == 1 else None


def _paragraph_of(text, pos) -> int:
    return text.count("\n\n", 0, pos)


def _by_pronoun(quote, named, text) -> int | None:
    """The speaker of the latest named quote before ``quote``, within ``PRONOUN_REACH`` paragraphs."""
    para = _paragraph_of(text, quote.start)
    before = [q for q in named if q.start < quote.start]
    if not before:
        return None
    last = max(before, key=lambda q: q.start)
    return last.speaker_entity if para - _paragraph_of(text, last.start) <= PRONOUN_REACH else None


_GROUP = re.compile(r"^the\s+([a-z]{4,}s)$", re.I)
_DETERMINERS = {"the", "these", "those", "a", "an", "some", "many", "several", "all"}


def _fuller_description(text, pos, head) -> str | None:
    """ "the pilots", after "The Lindqvist pilots pointed to ...": the same group as the text last named it
    before ``pos`` with capitalised words that say whose ("the Lindqvist pilots"); a capitalised word that
    only opens a sentence ("As pilots, we ...") says nothing. None when no earlier mention says more."""
    found = None
    for m in re.finditer(r"((?:[A-Z][\w'’.&-]*\s+){1,3})" + re.escape(head) + r"\b", text[:pos]):
        words = m.group(1).split()
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".!?\n\"”:":
            words = words[1:]           # the sentence's first word is capitalised whatever it is
        words = [w for w in words if w.lower() not in _DETERMINERS]
        if words:
            found = "the " + " ".join(words) + " " + head
    return found


def resolve_speakers(article, entities, quotes) -> None:
    """Give quotes whose speaker is a definite office or a pronoun the named person it refers to (in place)."""
    text = article.text
    people = [e for e in entities if e.type == "PERSON"]
    bodies = [e for e in entities if e.type == "ORG"]
    named = [q for q in quotes if q.speaker_entity is not None]
    held: dict = {}
    for q in sorted(quotes, key=lambda q: q.start):
        if q.speaker_entity is not None or not q.speaker_description:
            continue
        desc = " ".join(q.speaker_description.split())
        office = _office_of(desc)
        if office is not None:
            q.speaker_entity = _by_office(q, office, people, text, held, desc)
        elif desc.lower() in _PRONOUNS:
            q.speaker_entity = _by_pronoun(q, named, text)
        elif _BODY.match(desc):
            q.speaker_entity = _by_body(q, _BODY.match(desc).group(1).lower(), bodies)
        else:
            q.speaker_entity = _by_name(q, desc, people)
        if q.speaker_entity is not None:
            named.append(q)
        elif _GROUP.match(desc):
            q.speaker_description = _fuller_description(text, q.start, _GROUP.match(desc).group(1)) or desc
