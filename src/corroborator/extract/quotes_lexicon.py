"""Word lists shared by the quote and claim extractors (and the PolNeAR evaluation)."""
from __future__ import annotations

import re

# Lemmas of verbs that report speech or writing. A verb only becomes a cue when it has content
# (a that-clause, a complement clause, or a quotation next to it).
SPEECH_VERBS = frozenset("""
say tell add state declare explain note write claim announce report argue insist assert contend maintain
proclaim comment remark reply respond answer ask recall continue mention express stress emphasize emphasise
highlight acknowledge admit concede confirm deny warn predict promise suggest tweet post testify reveal
disclose indicate complain urge describe observe agree boast joke quip shout yell scream chant whisper vow
pledge threaten allege conclude caution lament recount tout told says said added speculate
counter retort concur assure brag grumble muse reiterate repeat affirm charge
""".split())

# Verbs of saying whose infinitive complement is what was said: a promise, a threat, a call to act.
COMMIT_VERBS = frozenset("pledge vow promise threaten swear urge".split())

# Verbs that need an explicit that-clause / complement to count (too often used otherwise).
WEAK_SPEECH = frozenset("continue express highlight indicate describe observe agree reveal post report "
                        "estimate note add ask answer charge".split())

# Verbs that put a claim noun forward: "raised the concern that ...", "made the argument that ...".
RAISE_VERBS = frozenset("raise voice express make repeat reiterate press advance".split())
CLAIM_NOUNS = frozenset("""
concern concerns claim argument charge accusation allegation point question possibility fear worry assertion
suggestion case warning complaint
""".split())

# Verbs of taking a stance in words: a sentence built on one reports what its subject said, and a quotation
# in its object or complement ("called the levy 'a tax on every net'", "praised the council 'for ...'") is the
# subject's words.
STANCE_VERBS = frozenset("""
dispute refer call accuse reject dismiss praise criticize criticise blast slam defend condemn endorse congratulate
apologize apologise thank blame question challenge label dub brand hail mock ridicule fault chide scold rebuke
""".split())

# Verbs of speech only with a particle: "shot back", "fired back", "hit back", "lashed out".
PARTICLE_SPEECH = {"shoot": "back", "fire": "back", "hit": "back", "snap": "back",
                   "lash": "out", "chime": "in", "weigh": "in", "point": "out", "speak": "out"}

# Nouns of a speech act a that-clause can hang from: "said in a statement that ...".
STATEMENT_NOUNS = frozenset("statement interview letter email release post tweet speech remarks "
                            "news conference briefing".split())

PRONOUNS_PERSON = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m"}
PRONOUNS_GROUP = {"they", "them"}

# Head nouns of a speaker that is a document, not a person.
DOCUMENT_NOUNS = frozenset("""
post posts report reports law laws statement statements document documents data study studies survey surveys
poll polls record records filing filings website site channel tweet tweets figures figure estimates estimate
release releases memo letter letters analysis analyses assessment bulletin decree order resolution bill
transcript court ruling indictment complaint affidavit footage video videos map maps account accounts
announcement communique message messages page pages census database register registry article articles
book paper papers
""".split())

# Nouns that mark a person: used to fix entity types from context.
PERSON_NOUNS = frozenset("""
soldier soldiers fighter fighters spokesperson spokesman spokeswoman officer commander man woman adviser
advisor official minister president lawmaker senator governor mayor leader general colonel captain
sergeant lieutenant volunteer veteran father mother son daughter wife husband resident farmer student
teacher doctor nurse instructor trainee recruit journalist reporter analyst expert activist dissident
founder chief director secretary ambassador politician candidate prisoner member citizen worker driver
pilot priest lawyer attorney judge businessman businesswoman engineer scientist professor researcher
sniper medic paramedic guard boy girl
""".split())

# Words that make a name an organisation (so it is never retyped to PERSON).
ORG_WORDS = frozenset("""
ministry party times post news agency office department committee council corp inc ltd group legion army
court government kremlin pentagon house campaign university institute foundation association union
bank company service services command force forces guard police media network journal press tv radio
channel commission bureau board administration parliament congress senate movement front brigade
battalion regiment unit republic state states federation
""".split())

CALL_SIGN_RE = re.compile(r"\b(?:call[\s-]?sign|callsign|nom de guerre|nickname)s?\b", re.I)
AGE_APPOS_RE = re.compile(r"^\s*,\s*(?:\d{1,3}\s*,|an?\s+\d{1,3}-year-old\b)")

HEDGE_RE = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|supposedly|apparently|possibly|presumably|perhaps|"
    r"it is (?:estimated|believed|thought|understood|reported|alleged|claimed|said)|"
    r"(?:is|are|was|were) (?:believed|thought|said|reported|alleged|rumou?red|estimated|understood) to|"
    r"estimated|believed to|thought to|said to be|rumou?red|unconfirmed|"
    r"may|might|could (?:be|have)|appears? to|appeared to|seems? to|seemed to|likely|unlikely|"
    r"suspected|alleged|according to (?:unconfirmed|some) reports)\b", re.I)

UNVERIFIED_RE = re.compile(
    r"\b(?:(?:was|were|is|are|has been|have been|had been)\s+(?:un|not )able\s+to|could\s*n[o']t|cannot|can't|"
    r"did\s*n[o']t|does\s*n[o']t|has\s*n[o']t|have\s*n[o']t|not\s+able\s+to)\s+(?:be\s+)?"
    r"(?:immediately\s+|independently\s+|yet\s+)*(?:verify|verified|confirm|confirmed|corroborate|corroborated)\b",
    re.I)

DOUBLE_OPEN = "“„«‹\u201f"
DOUBLE_CLOSE = "”»›"


def is_document_phrase(text: str) -> bool:
    """True when a speaker phrase names a document, post, report or law rather than a person."""
    words = re.findall(r"[A-Za-z]+", (text or "").lower())
    if not words:
        return False
    # the head of a simple noun phrase is its last word before "of"/"by"/"from"
    cut = words
    for stop in ("of", "by", "from", "on", "in", "published", "released", "issued"):
        if stop in cut[1:]:
            cut = cut[:cut.index(stop, 1)]
    return bool(cut) and cut[-1] in DOCUMENT_NOUNS


def description_key(text: str) -> str:
    """A normalised key for an anonymous speaker's description ("anon:one soldier")."""
    t = (text or "").lower()
    t = re.sub(r",?\s*(?:who|which|that)\b.*$", "", t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    words = [w for w in t.split() if w not in ("a", "an", "the", "of", "one", "another", "some")]
    return "anon:" + " ".join(words[:6])
