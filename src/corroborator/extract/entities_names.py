"""Name normalisation shared by the in-article (extract) and cross-article (link) entity steps.

Everything here is plain string work: folding, tokens, titles, heads, fuzzy token equality.
"""
from __future__ import annotations

import re
import unicodedata

from .. import config

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("extract.entities_names")
INFLECTION_MIN_LEN = _C["inflection_min_len"]
SHORTENED_MAX_EXTRA = _C["shortened_max_extra"]
SPELLING_MIN_LEN = _C["spelling_min_len"]
SPELLING_EDITS = _C["spelling_edits"]
SPELLING_LONG_LEN = _C["spelling_long_len"]
SPELLING_LONG_EDITS = _C["spelling_long_edits"]

# function words inside names ("Freedom of Russia Legion", "Bank of England")
STOP = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "von", "van", "der", "den", "al", "el",
        "in", "on", "at", "a", "an", "&", "to"}

# honorifics: a capitalised word after one is a person's name ("Ms. O’Dwyer"), whatever its tag
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})

# titles and honorifics that precede a person's name; stripped from the name, kept as the role
TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "gen", "general", "col", "colonel", "lt", "lieutenant", "maj", "major", "capt", "captain", "sgt", "sergeant",
    "cpl", "corporal", "pvt", "private", "adm", "admiral", "cmdr", "commander", "brig", "marshal",
    "sen", "senator", "rep", "representative", "gov", "governor", "president", "vice", "prime", "minister",
    "chancellor", "premier", "king", "queen", "prince", "princess", "pope", "rev", "reverend", "father",
    "sheikh", "judge", "justice", "mayor", "secretary", "ambassador", "chief", "deputy", "foreign", "defense",
    "defence", "interior", "finance", "presidential", "adviser", "advisor", "spokesman", "spokeswoman",
    "spokesperson", "officer", "detective", "inspector", "sheriff", "coach", "ceo", "chairman", "chairwoman",
    "director", "attorney", "lawmaker", "congressman", "congresswoman", "mp", "former", "late", "sr", "jr",
    "councillor", "councilor", "councilman", "councilwoman", "alderman", "alderwoman", "assemblyman", "assemblywoman",
}

# titles that only ever stand before a person's name (a name after one is a person's, whatever its tag)
PERSON_TITLES = frozenset("mr mrs ms miss mx dr sir dame rep sen gov senator representative governor mayor judge "
                          "gen col sgt capt lt prof congressman congresswoman councillor councilman councilwoman".split())

# nouns that describe a person (an appositive "X, a 32-year-old soldier" makes X a person)
PERSON_NOUNS = {
    "soldier", "fighter", "spokesperson", "spokesman", "spokeswoman", "official", "officer", "commander",
    "leader", "representative", "adviser", "advisor", "analyst", "journalist", "reporter", "lawmaker",
    "politician", "president", "minister", "director", "chief", "founder", "resident", "student", "teacher",
    "doctor", "nurse", "lawyer", "attorney", "actor", "actress", "singer", "player", "coach", "veteran",
    "volunteer", "instructor", "father", "mother", "son", "daughter", "wife", "husband", "man", "woman",
    "boy", "girl", "victim", "suspect", "witness", "executive", "chairman", "chairwoman", "economist",
    "professor", "researcher", "scientist", "activist", "mercenary", "colonel", "general", "sergeant",
    "pilot", "driver", "manager", "owner", "worker", "farmer", "priest", "nationalist", "dissident",
    "engineer", "publicist", "writer", "author", "editor", "producer", "detective", "agent", "diplomat",
    "ambassador", "governor", "senator", "mayor", "candidate", "citizen", "recruit", "legionnaire",
    "trainee", "sniper", "medic", "commentator", "expert", "blogger", "correspondent", "photographer",
    "rapper", "musician", "artist", "athlete", "champion", "striker", "goalkeeper", "prisoner", "inmate",
    "gunman", "shooter", "assailant", "hostage", "spy", "paramedic", "firefighter", "surgeon", "mechanic",
    "grandmother", "grandfather", "brother", "sister", "uncle", "aunt", "businessman", "businesswoman",
    "entrepreneur", "politico", "deputy", "secretary", "judge", "prosecutor", "councillor", "councilor",
    "mp", "marine", "sailor", "captain", "lieutenant", "major", "private", "corporal", "guard", "neighbour",
    "neighbor", "mother-of-two", "father-of-two", "pensioner", "retiree", "teenager", "partner", "ceo",
    "serviceman", "servicewoman", "paratrooper", "gunner", "scout", "operator", "militant", "rebel",
}

# words that make a name an organisation (it does not become a person by speaking)
ORG_WORDS = {
    "ministry", "army", "legion", "group", "party", "council", "agency", "office", "department", "service",
    "services", "court", "police", "news", "times", "post", "company", "inc", "corp", "corporation", "ltd",
    "llc", "university", "college", "school", "committee", "union", "bank", "institute", "force", "forces",
    "movement", "association", "government", "commission", "network", "channel", "guard", "brigade",
    "battalion", "regiment", "division", "command", "federation", "foundation", "society", "club", "team",
    "board", "authority", "administration", "parliament", "congress", "senate", "assembly", "front",
    "media", "press", "radio", "tv", "television", "journal", "magazine", "gazette", "daily", "tribune",
    "herald", "review", "center", "centre", "hospital", "church", "republic", "kingdom", "state", "states",
    "city", "county", "region", "province", "district", "fund", "trust", "airlines", "airways", "group's",
}

SPEECH_LEMMAS = {
    "say", "tell", "declare", "state", "add", "explain", "claim", "announce", "assert", "proclaim", "comment",
    "express", "respond", "mention", "note", "insist", "deny", "confirm", "warn", "argue", "write", "reply",
    "answer", "admit", "acknowledge", "recall", "remark", "stress", "emphasize", "emphasise", "highlight",
    "vow", "promise", "tweet", "post", "testify", "continue", "describe", "suggest", "predict", "complain",
    "joke", "recount", "boast", "urge", "ask", "allege", "report", "reveal", "disclose", "concede",
}

MALE_FEMALE = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def fold(s: str) -> str:
    """Casefolded, accent-free, with typographic quotes and dashes made plain."""
    s = unicodedata.normalize("NFKD", s.translate(_APOS))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold()


_TOKEN_RE = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*", re.UNICODE)


def tokens(s: str) -> list:
    """Folded word tokens of a name ("U.S." -> "u.s", "Putin's" -> "putin's")."""
    out = []
    for t in _TOKEN_RE.findall(fold(s)):
        if t.endswith("'s"):
            t = t[:-2]
        if t:
            out.append(t)
    return out


def is_initial(t: str) -> bool:
    return len(t) == 1 and t.isalpha()


_CUT = re.compile(r"\s*,\s*|\s+(?:in|at|near|on|from|outside|based\s+in)\s+(?=[A-Z])")
# words that describe a person and stand before a full name in headlines and captions
DESCRIPTIONS = PERSON_NOUNS | {"comedian", "comedienne", "star", "host", "model", "swimmer", "boxer", "dancer",
                               "quarterback", "receiver", "pitcher", "golfer", "skier", "climber", "mountaineer",
                               "stepmom", "stepdad", "pinup", "legend", "icon", "notorious", "disgraced", "jailed"}

GENERIC_SUFFIX = {"com", "org", "net", "magazine", "newspaper", "inc", "corp", "corporation", "co", "ltd",
                  "llc", "plc"}


def content_tokens(s: str, person: bool = False) -> list:
    """Tokens that carry the name: no function words, no initials (persons), no leading titles (persons),
    no trailing place ("Center in Malibu, California" -> "center"), no ".com" / "Inc." / "Magazine"."""
    m = _CUT.search(s)
    if m and m.start() > 0 and re.search(r"[A-Za-z]", s[:m.start()]):
        s = s[:m.start()]
    toks = tokens(s)
    while len(toks) > 1 and toks[-1].rstrip(".") in GENERIC_SUFFIX:
        toks = toks[:-1]
    if person:
        while len(toks) > 1 and toks[0].rstrip(".") in TITLES:
            toks = toks[1:]
        # "Comedian Nina Berg", "Actress Nina Berg": a word that describes a person, before a full name
        while len(toks) > 2 and toks[0] in DESCRIPTIONS:
            toks = toks[1:]
        core = [t for t in toks if not is_initial(t.rstrip("."))]
        toks = core or toks
    out = [t for t in toks if t not in STOP]
    return out or toks


def head_tokens(s: str) -> set:
    """Possible head words of a name: the last word, and the word before an ``of`` phrase
    ("International Legion of Ukraine" -> {"legion", "ukraine"}; "Freedom of Russia Legion" -> {"legion", "freedom"})."""
    toks = tokens(s)
    if not toks:
        return set()
    out = {toks[-1]}
    if "of" in toks[1:]:
        out.add(toks[toks.index("of", 1) - 1])
    return out - STOP


def acronym_of(s: str) -> set:
    """Possible acronyms of a multi-word name ("National Resistance Army" -> {"nra"})."""
    toks = tokens(s)
    if len(toks) < 2:
        return set()
    full = "".join(t[0] for t in toks)
    content = "".join(t[0] for t in toks if t not in STOP)
    return {a for a in (full, content) if len(a) >= 2}


_SUFFIXES = ("ians", "ian", "ans", "ese", "ish", "an", "es", "s", "e", "a", "n", "i")


def stem(t: str) -> str:
    for suf in _SUFFIXES:
        if t.endswith(suf) and len(t) - len(suf) >= 4:
            return t[: -len(suf)]
    return t


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    prev2 = prev
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)     # a swap of two letters is one slip
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def token_match(a: str, b: str, person: bool = False) -> str | None:
    """How two name tokens agree: "same", "inflection" (not for persons: one a stem or a shortening of the
    other, "Russia"/"Russian", "Free"/"Freedom"), "spelling" (a few edits: one, two in a long token) or None."""
    if a == b:
        return "same"
    a2, b2 = a.replace(".", ""), b.replace(".", "")
    if a2 == b2:
        return "same"
    n = min(len(a2), len(b2))
    if not person:
        if n >= INFLECTION_MIN_LEN and stem(a2) == stem(b2):
            return "inflection"
        if (n >= INFLECTION_MIN_LEN and (a2.startswith(b2) or b2.startswith(a2))
                and abs(len(a2) - len(b2)) <= SHORTENED_MAX_EXTRA):
            return "inflection"
    if n >= SPELLING_MIN_LEN and edit_distance(a2, b2, max(SPELLING_EDITS, SPELLING_LONG_EDITS)) <= (
            SPELLING_LONG_EDITS if n >= SPELLING_LONG_LEN else SPELLING_EDITS):
        return "spelling"
    return None


def align(a: list, b: list, person: bool = False):
    """Match the tokens of two names in any order.

    Returns ``(pairs, unmatched_a, unmatched_b, kinds)`` where ``kinds`` is the set of match kinds used.
    """
    used = set()
    pairs, ua, kinds = [], [], set()
    for x in a:
        best = None
        for j, y in enumerate(b):
            if j in used:
                continue
            k = token_match(x, y, person)
            if k == "same":
                best = (j, k)
                break
            if k and best is None:
                best = (j, k)
        if best is None:
            ua.append(x)
        else:
            used.add(best[0])
            pairs.append((x, b[best[0]]))
            kinds.add(best[1])
    ub = [y for j, y in enumerate(b) if j not in used]
    return pairs, ua, ub, kinds


def looks_like_name(text: str) -> bool:
    """A surface form worth keeping as a name: has letters, starts upper-case, is not a bare number or date."""
    t = text.strip()
    if len(t) < 2 or not any(ch.isalpha() for ch in t):
        return False
    if not (t[0].isupper() or (t[0].isdigit() and any(ch.isupper() for ch in t))):
        return False
    if fold(t) in _JUNK:
        return False
    return True


_JUNK = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "our", "this", "that", "these",
    "those", "read", "click", "share", "comment", "comments", "subscribe", "advertisement", "photo",
}
