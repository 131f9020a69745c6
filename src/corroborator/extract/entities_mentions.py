"""Step 1 of ``entities``: the mentions of one article, before they are read in context and merged.

The tagger's name spans, cut at line breaks, without leading determiners, titles, bullets or trailing
possessives; junk (numbers, dates, lower-case words) dropped. Names the tagger missed are added when the
context shows one (``with the call sign Zaza``, an untagged proper noun that speaks, a run of proper nouns
ending in an organisation word).
"""
from __future__ import annotations

import re
from collections import Counter

from .entities_names import HONORIFICS, ORG_WORDS, SPEECH_LEMMAS, TITLES, fold, head_tokens, looks_like_name, tokens

TYPE_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP", "EVENT": "EVENT",
            "FAC": "LOC", "WORK_OF_ART": "OTHER", "LAW": "OTHER", "PRODUCT": "OTHER", "LANGUAGE": "OTHER"}

_LEAD_STRIP = re.compile(r"^(?:[\s\"'“”‘’«»•·*#|()\[\]/:;,.\-–—]+|(?:the|The|THE|a|A|an|An)\s+|"
                         r"(?:Said|Says|Added|Asked|Told)\s+(?=[A-Z]))+")      # "Said Varga:" opening a sentence
_TAIL_STRIP = re.compile(r"(?:['’]s?|[\s\"'“”‘’«»•·*#|()\[\]/:;,.\-–—]+)+$")

_CALLSIGN = r"(?:military\s+|radio\s+|combat\s+)?(?:call[\s-]?sign|nom\s+de\s+guerre|code[\s-]?name|nickname|pseudonym)"
_CALLSIGN_NAME = re.compile(r"(?:\b" + _CALLSIGN + r"|\bnicknamed|\bcode-?named|\bknown\s+only\s+as|\bwho\s+goes\s+by)"
                            r"\s*(?:is\s+|of\s+)?[:,]?\s*[\"“‘']?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", re.I)
_WORD = re.compile(r"[\w'’-]+")


class _Mention:
    __slots__ = ("start", "end", "text", "label", "group", "attrs", "evidence", "variant")

    def __init__(self, start, end, text, label):
        self.start, self.end, self.text, self.label = start, end, text, label
        self.group = None
        self.attrs = {}
        self.evidence = set()
        self.variant = False        # another spelling of a name found elsewhere ("ROBERT SMITH"): never the name


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


def _is_orgish(name: str) -> bool:
    toks = tokens(name)
    return any(t in ORG_WORDS for t in toks) or (name.isupper() and len(name) <= 6)


def _raw_mentions(article, ann, doc):
    """Step 1: the mentions of ``article`` (``_Mention``, in text order, none overlapping): the tagger's names,
    then those it missed (call signs, untagged speakers, organisation names), checked against the parse."""
    text = article.text
    out = _tagged_mentions(text, ann)
    out += _call_sign_mentions(text)           # names the tagger missed: "the call sign Zaza"
    out += _speaker_mentions(text, doc, out)   # an untagged proper noun that speaks: "Zaza said"
    out.extend(_propn_chunks(text, doc, out))
    return _checked_mentions(text, doc, _longest_first(out))


def _covered_offsets(mentions) -> set:
    covered = set()
    for m in mentions:
        covered.update(range(m.start, m.end))
    return covered


def _tagged_mentions(text, ann) -> list:
    """The tagger's names of the kinds in ``TYPE_MAP``, cleaned (``_clean_span``), titles cut off persons."""
    out = []
    for e in ann.entities:
        if e.label not in TYPE_MAP:
            continue
        for s, t in _clean_span(text, e.start, e.end):
            m = _tagged_mention(text, e.label, s, t)
            if m is not None:
                out.append(m)
    return out


def _tagged_mention(text, tag, s, t):
    """The mention of ``text[s:t]``, a piece of a name tagged ``tag``; None when it does not look like a name.
    An honorific makes it a person; a leading title ("President Jane Roe") is cut off into its role."""
    role = None
    w0 = _WORD.match(text, s)
    w0 = fold(w0.group(0)).rstrip(".") if w0 else ""
    e_label = "PERSON" if w0 in HONORIFICS else tag
    if e_label == "PERSON" or (tag in ("ORG", "NORP", "GPE") and w0 in TITLES):
        s2, t2, role = _strip_titles(text, s, t)
        if role and tag != "PERSON":
            # "President Jane Roe" mis-tagged: the rest must still look like a name
            if not looks_like_name(text[s2:t2]):
                s2, role = s, None
        s = s2
    surface = text[s:t]
    if not looks_like_name(surface):
        return None
    label = TYPE_MAP[e_label]
    if role:
        label = "PERSON"
    m = _Mention(s, t, surface, label)
    if role:
        m.attrs["role"] = role
    return m


def _call_sign_mentions(text) -> list:
    """Persons named after a call sign, a nickname or a code name ("the call sign Zaza")."""
    out = []
    for g in _CALLSIGN_NAME.finditer(text):
        s, t = g.span(1)
        w = g.group(1)
        if not w[0].isupper():
            continue
        for s2, t2 in _clean_span(text, s, t):
            if looks_like_name(text[s2:t2]) and fold(text[s2:t2]) not in ("the", "a"):
                out.append(_Mention(s2, t2, text[s2:t2], "PERSON"))
    return out


def _speaker_mentions(text, doc, found) -> list:
    """Persons the tagger missed: an untagged, capitalised proper noun (with the proper nouns before it) that
    is the subject of a speech verb, with no determiner: "Zaza said". ``found``: the mentions so far."""
    covered = _covered_offsets(found)
    toks = doc.toks
    out = []
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
    return out


def _longest_first(mentions) -> list:
    """Overlapping mentions de-duplicated: in text order, the longer of two that overlap is kept."""
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept, last_end = [], -1
    for m in mentions:
        if m.start < last_end:
            continue
        kept.append(m)
        last_end = m.end
    return kept


def _lower_case_words(text) -> set:
    """The lower-case words of ``text`` outside lines with a web address."""
    lower_words = set()
    for line in text.split("\n"):
        if "http" in line or "www" in line:
            continue
        lower_words.update(re.findall(r"(?<![\w/.-])[a-z][a-z']+(?![\w/-])", line))
    return lower_words


def _line_bounds(text: str, pos: int) -> tuple:
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _title_case_line(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` is written in title case (a headline: "Mayor Ortiz Checks Into ...")."""
    ls, le = _line_bounds(text, pos)
    words = [w for w in _WORD.findall(text[ls:le]) if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _named_elsewhere(text: str, phrase: str, pos: int) -> bool:
    """Whether ``phrase`` (as whole words) occurs in ``text`` outside the line holding ``pos``."""
    ls, le = _line_bounds(text, pos)
    return any(not (ls <= m.start() < le)
               for m in re.finditer(r"(?<![\w'’])" + re.escape(phrase) + r"(?![\w'’])", text))


def _headline_core(text, m, lower_words):
    """In a headline the tagger glues title-case words to a name ("Lindsay Lohan Checks Into", "Actress Nina
    Berg Dies"): the longest run of the mention's capitalised words that the text names outside the headline,
    when the whole mention is found nowhere else; None otherwise (or for a lone common word: "Star")."""
    words = list(_WORD.finditer(text, m.start, m.end))
    if len(words) < 2 or not _title_case_line(text, m.start) or _named_elsewhere(text, m.text, m.start):
        return None
    n = len(words)
    for size in range(n - 1, 0, -1):
        for i in range(n - size + 1):
            run = words[i:i + size]
            s, e = run[0].start(), run[-1].end()
            if not all(w.group(0)[0].isupper() for w in run):
                continue
            if size == 1 and (run[0].group(0).lower() in lower_words or len(run[0].group(0)) < 3):
                continue
            if _named_elsewhere(text, text[s:e], m.start):
                return s, e
    return None


def _trim_headline(text, m, lower_words) -> None:
    core = _headline_core(text, m, lower_words)
    if core:
        m.start, m.end = core
        m.text = text[m.start:m.end]


# lower-case words that join the words of a name ("Bank of the North", "Ludwig van Holm", "Texas A and M")
_NAME_JOINERS = frozenset("of the and de del della di da do dos das du des la le les van von der den ter bin ibn "
                          "al el y e for on in at upon und".split())
_CUT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC"})


def _cut_at_lower_word(text, m) -> None:
    """A name the tagger ran on into the words after it ("Harbor Lions beat Sharks", "Sharks went on"): the
    mention ends before its first lower-case word that joins no name, when a capitalised word comes before it."""
    if m.label not in _CUT_LABELS:
        return
    words = list(_WORD.finditer(text, m.start, m.end))
    for n, w in enumerate(words[1:], 1):
        word = w.group(0)
        if word[0].islower() and word.lower() not in _NAME_JOINERS:
            head = [x for x in words[:n] if x.group(0)[0].isupper()]
            if head and len(text[m.start:head[-1].end()]) >= 3:
                m.end = head[-1].end()
                m.text = text[m.start:m.end]
            return


def _checked_mentions(text, doc, kept) -> list:
    """``kept`` without lone capitalised common words ("Soldiers" opening a caption, "Enjoy" in a promo); a
    person's mention takes in the proper nouns of its name the tagger left out ("Ilya" of "Ilya Ponomarev")."""
    covered = _covered_offsets(kept)
    lower_words = _lower_case_words(text)
    toks = doc.toks
    final = []
    for m in kept:
        _cut_at_lower_word(text, m)
        _trim_headline(text, m, lower_words)
        i, j = doc.token_range(m.start, m.end)
        if j - i == 1 and m.label != "NORP" and not m.text.isupper() and "call_sign" not in m.attrs:
            t = toks[i]
            if t.pos not in ("PROPN",) or m.text.lower() in lower_words:
                continue
        if m.label == "PERSON":
            _extend_name_leftwards(text, doc, m, i, j, covered)
            _trim_headline(text, m, lower_words)
        final.append(m)
    return final


def _extend_name_leftwards(text, doc, m, i, j, covered):
    """Grow person mention ``m`` (tokens ``i:j``) over the capitalised proper-noun compounds before it
    ("Ilya Ponomarev" when the tagger kept only "Ponomarev"): no titles, no line break, nothing covered."""
    toks = doc.toks
    while i > 0:
        p = toks[i - 1]
        if (p.pos == "PROPN" and p.dep == "compound" and i <= p.head < j and p.text[:1].isupper()
                and p.start not in covered and "\n" not in text[p.start:m.start]
                and fold(p.text).rstrip(".") not in TITLES):
            m.start = p.start
            m.text = text[m.start:m.end]
            i -= 1
        else:
            break


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


# ------------------------------------------------------------------ step 4b: other spellings of confident names
_CONFIDENT_LABELS = {"PERSON", "ORG", "GPE"}
_DOTTED = re.compile(r"^(?:[A-Z] ?\. ?){2,}$")
_INITIALS_RUN = re.compile(r"(?<![\w.])(?:[A-Z] ?\. ?){1,}[A-Z] ?\.")
_CAP_WORD = re.compile(r"[A-Z][\w'’-]*")


def spelling_variants(name: str) -> list:
    """Other spellings of ``name`` within one article, longest first: all capitals (a headline's "ROBERT
    SMITH" for "Robert Smith"; three letters at least) and initials joined or tokenised apart ("U.S.",
    "U. S.", "U . S ." for any one of them, also inside a longer name). ``name`` itself is not among them."""
    out = set()
    if any(ch.islower() for ch in name) and sum(ch.isalpha() for ch in name) >= 3:
        out.add(name.upper())
    run = _INITIALS_RUN.search(name)
    if run:
        letters = re.findall(r"[A-Z]", run.group(0))
        rest = name[run.end():].lstrip()
        for sep in (".", ". ", " . "):
            initials = (sep.join(letters) + sep).rstrip()
            out.add(name[:run.start()] + initials + (" " + rest if rest else ""))
    out.discard(name)
    return sorted(out, key=lambda v: (-len(v), v))


def is_confident_name(name: str, labels, owner_names) -> bool:
    """A name worth looking for in its other spellings: its entity is a person, an organisation or a place
    (``labels``: the tagger's labels of the entity's mentions) and the name has two words or more, is a
    dotted acronym ("U.S."), or is a short form of a multi-word name the entity owns (``owner_names``)."""
    if not labels or Counter(labels).most_common(1)[0][0] not in _CONFIDENT_LABELS:
        return False
    if _DOTTED.match(name) or len(_WORD.findall(name)) >= 2:
        return True
    if len(labels) >= 2 and len(set(labels)) == 1:
        return True         # one word the tagger found twice, as the same kind
    short = fold(name)
    return any(short in tokens(n) for n in owner_names if len(_WORD.findall(n)) >= 2)


def person_surnames(names) -> set:
    """The surnames of a person's full names (``names``: the entity's mentions' texts), as written and in
    capitals: "Timmons", "TIMMONS" for "Jermayne Timmons"; titles and initials are not surnames."""
    out = set()
    for n in names:
        words = _WORD.findall(n)
        if len(words) < 2:
            continue
        last = words[-1]
        if (last[0].isupper() and len(last) >= 3 and any(ch.islower() for ch in last)
                and fold(last).rstrip(".") not in TITLES and not last.endswith(("'s", "’s"))):
            out.add(last)
            out.update(spelling_variants(last))
    return out


def variant_stands_alone(text: str, s: int, e: int) -> bool:
    """The variant at ``text[s:e]`` is a name of its own: not inside a longer, different name (no capitalised
    word glued before or after it on the same line, "Smith College" is not "Smith", unless the line is all
    capitals, a headline, where every word is), and a one-word variant is not a common word the article
    writes in lower case ("WILL" is not "Will" when the text says "will")."""
    word = text[s:e]
    if " " not in word and "." not in word and word.lower() in _lower_case_words(text):
        return False
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    line = text[ls: le if le >= 0 else len(text)]
    if not any(ch.islower() for ch in line):
        return True
    before = re.search(r"([\w'’.-]+)[ \t]*$", text[ls:s])
    if before and _CAP_WORD.fullmatch(before.group(1)) and fold(before.group(1)) not in ("the", "a"):
        return False        # "Smith" in "Acme Smith"; "Dr. Smith" and "Police. Smith" end in a period
    after = re.match(r"[ \t]*([\w'’-]+)", text[e:le if le >= 0 else len(text)])
    return not (after and _CAP_WORD.fullmatch(after.group(1)))
