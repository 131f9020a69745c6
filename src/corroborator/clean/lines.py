"""Classify the lines of a plain-text scrape: body, heading, caption, or a kind of boilerplate.

Each line (a paragraph; hard-wrapped lines are first joined into paragraphs) is judged by its own form
(length, final punctuation, capitalisation, credit and promo patterns) and by its context: repetition,
its neighbours, and where it stands against the main run of body paragraphs (found as the stretch of
lines with the highest body score). Everything stays as offsets into the source, so the cleaned text
maps back exactly.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .. import config
from .dates import bare_date_line

# ---------------------------------------------------------------- patterns
_END_PUNCT = re.compile(r"[.!?…。！？][\"”’'»)\]」』）]*$|[\"”»」』]$")
# scripts written without spaces between words (CJK): about two characters make a word
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")
_BULLET = re.compile(r"^(?:[•·▪►◦‣*]|-\s|\d{1,2}[.)]\s)\s*")
_RELATED = re.compile(
    r"^(?:read next|read more|related(?: articles?| stories| coverage| content)?|see also|more from [\w ]+|"
    r"recommended(?: for you| stories)?|also read|must read|editor['’]?s picks?|more stories|"
    r"trending(?: now)?|you may also like|more on this|further reading|watch|listen|top stories|"
    r"most read|most popular|latest news|more news|popular)\s*[:|\-–—]",
    re.I)
_RELATED_ALONE = re.compile(
    r"^(?:read next|read more|related(?: articles?| stories| coverage| content)?|see also|recommended(?: for you)?|"
    r"more stories|you may also like|most read|most popular|trending(?: now)?|more from [\w .]{1,30}|"
    r"top stories|latest news|more news|further reading|up next|what to read next)\s*:?$", re.I)
_SOURCE_TAIL = re.compile(r"\(\s*(source|photo|image|credit|via|photo credit|pictured)\s*:\s*([^()]{1,60})\)\s*$", re.I)
_CREDIT_WORDS = (r"(?:submitted photo|contributed photo|staff photo|photo submitted|photo courtesy|getty images|ap photo|associated press|reuters|afp|epa|shutterstock|alamy|anadolu|"
                 r"photo by|photograph(?:ed)? by|image by|pictures? by|courtesy of|imagn|sipa|pool photo|file photo|"
                 r"via getty|/getty|/ap\b|/reuters|/afp|photo:|image:|credit:|photos:|illustration:|illustration by)")
_CREDIT_LINE = re.compile(r"^(?:\(?[^.!?]{0,80}?" + _CREDIT_WORDS + r"[^.!?]{0,80}\)?|(?:photo|image|credit|source)s?\s*:.{1,80})$", re.I)
_CREDIT_TAIL = re.compile(r"(?:[.…]\s+|\.\.\.\s*)((?:[^.!?]{0,60}?)" + _CREDIT_WORDS + r"[^.!?]{0,60})$", re.I)
_CAPTION_START = re.compile(
    r"^(?:in )?(?:this|the|a|an|these)?\s*(?:undated |handout |aerial |file |recent |satellite |grainy )*"
    r"(?:photo(?:graph)?s?|pictures?|images?|video(?: still| grab)?s?|still|screenshots?|screen ?grabs?|"
    r"file photo|satellite image)\b[^.]{0,60}?\b(?:shows?|showing|taken|released|provided|obtained|made available|"
    r"posted|shared|depicts?|captured)\b", re.I)
_PROMO = re.compile(
    r"\b(?:subscribe|subscription|subscribers? only|sign up|newsletter|ad-free|advertisement|advertising|"
    r"delivered to your (?:door|inbox)|click here|tap here|download (?:the|our) app|follow us|share this|"
    r"share on|log ?in\b|sign in\b|create an account|unlock|premium|cookies?\b|privacy policy|terms of (?:use|service)|"
    r"all rights reserved|copyright|©|comment on articles|app updates|support (?:our|independent) journalism|"
    r"become a member|donate|gift (?:this )?article|listen to this article|print this|skip to|back to top|"
    r"get the latest|want more|don['’]t miss|we use cookies|accept all|manage preferences)\b", re.I)
_SELF_REF = re.compile(
    r"^(?:At |The )?([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}) (?:is|are|remains) (?:committed|dedicated) to\b")
_USES_AI = re.compile(r"^(?:to (?:read|learn|find out) (?:how|more about how) )([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3}) ", re.I)
_BIO_HEAD = re.compile(r"^(?:about (?:the )?(?:writers?|authors?|reporters?|contributors?)|author bio|meet the author)\s*:?$", re.I)
_NAME = r"[A-Z][a-zA-Z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zA-Z'’-]+)){1,3}"
_BIO_LINE = re.compile(
    r"^(" + _NAME + r") (?:is|was|has been|covers|writes|joined)\b(?: (?:a|an|the))?"
    r"(?:\s*(?:([A-Z][\w&.'’ -]{1,40}?)['’]s\s+))?[\w ,&'’-]{0,80}?\b(?i:correspondent|reporter|editor|writer|"
    r"journalist|columnist|contributor|producer|author|analyst|intern|fellow|covers|newsroom|bureau|staff)\b")
_BIO_NAME_HEAD = re.compile(r"^(?i:about|sobre|über|à propos de) [A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){1,2}$")
_BIO_IS = re.compile(r" (?:is|was) (?:a|an|the)\b")
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by|story by|posted by)\s+(" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*)", re.I)
_DATELINE = re.compile(r"^(?:published|updated|posted|last updated|first published|modified|on)\b[^.]{0,60}\d{4}", re.I)
_READ_MORE_TAIL = re.compile(r"(?:\.\.\.|…)\s*(?:read more|more)\s*$", re.I)
_SHARE = re.compile(r"^(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|reddit|copy link|comments?)(?:\s*[|/·]\s*\w+)*$", re.I)

# lines that end an article's main text in a page scrape: comment sections, tag lists, share bars
_BREAK = re.compile(
    r"^\d+\s+(?:responses?|comments?|replies|reactions)\b|^(?:\S+\s+){0,8}\S*\s*(?:says|said|wrote|replied):$|"
    r"^(?:posted in|filed under|tags?|topics?|categories)\s*:|\b\d+\s+comments?\b|^leave a (?:reply|comment)|"
    r"^(?:join|start) the (?:discussion|conversation)|^comments?(?:\s*\(\d+\))?$|^share this\b|"
    r"^(?:view|show|load|read) (?:all |more )?comments|^(?:related|recommended)(?: \w+){0,2}\s*:?$", re.I)

# the start of a comment section: it always ends the run it falls in
_COMMENTS_START = re.compile(
    r"^\d+\s+(?:responses?|comments?|replies)\s*(?:to\b.*)?$|^leave (?:a )?(?:reply|comments?)|"
    r"^(?:join|start) the (?:discussion|conversation)|^comments?(?:\s*\([\d+]*\))?$|"
    r"^(?:view|show|load|read|see) (?:all |more |the )?(?:\d+ )?comments|"
    r"^(?:post|add|write|submit|log ?in to|sign in to)(?: (?:a|your|new))? comments?\b|"
    r"^(?:top|most|best)(?: rated| recent| popular| liked)? comments$|comments? (?:are|is) (?:closed|disabled)|"
    r"comments? powered by|^commenting(?: rules| policy| guidelines)?$|^(?:reader )?comments? (?:policy|rules)$|"
    # the same in a few other languages (Italian, Portuguese, Spanish, French, German, Dutch)
    r"^(?:lascia(?:re)? un commento|deixe (?:uma resposta|um comentário|seu comentário)|deja (?:un|tu) comentario|"
    r"laisser un commentaire|(?:\d+ )?(?:commenti|comentários|comentarios|commentaires|kommentare|reacties)$)", re.I)
_BRACKETS = " []()|•·-–—:"
# the heading of a block of other stories: what follows it is no longer the article
_MORE_STORIES = re.compile(
    r"^(?:most (?:read|popular|viewed|shared|commented)(?: stories| articles| posts)?|"
    r"you (?:may|might) (?:also )?(?:like|enjoy)|more stories|latest (?:news|stories)|more news|"
    r"recommended(?: for you| stories| articles)?|top stories|what to read next|popular (?:stories|posts|now|articles)|"
    r"more (?:from|on) (?:the )?[\w .]{1,30}|(?:other|similar) (?:stories|articles|posts)|we recommend|"
    r"more (?:[\w'’]+ ){1,3}(?:stories|articles|news|posts|reads)|"
    # the same in a few other languages
    r"você (?:também )?pode gostar|ti potrebbe(?:ro)? (?:interessare|piacere)|te puede interesar|"
    r"vous aimerez aussi|das könnte sie auch interessieren|leia também|veja também|leggi anche|lee también|lire aussi|"
    r"(?:artigos|notícias|posts|matérias) relacionad[oa]s|articoli correlati|artículos relacionados|"
    r"articles (?:similaires|connexes)|ähnliche artikel|weitere (?:beiträge|artikel)(?: zum thema)?)"
    r"\W*$", re.I)
# furniture inside an article's text: a gallery's counter, "story continues below"
_INLINE = re.compile(r"^(?:(?:the )?(?:story|article|text) continues (?:below|after)|continue reading (?:below|after)|"
                     r"(?:image|photo|picture|slide)?\s*\(?\d{1,3}\s*(?:of|/)\s*\d{1,3}\)?)\b", re.I)

_WORD_RE = re.compile(r"\w+")
_DATE_ONLY = re.compile(r"\b(?:19|20)\d\d\b|\d{1,2}:\d\d|\bago\b", re.I)
_LETTERS = re.compile(r"[\W\d_]+")
# a headline glued to its summary with no space, as a browser copy gives a teaser
_GLUE = re.compile(r"(?:[a-z]{2}|[0-9’'”)?!])(?:The|A|An|In|On|At|It|Its|This|That|These|When|While|After|Before|"
                   r"For|If|As|He|She|They|We|You|I|Our|His|Her|There|What|How|Why|Who|Officials|According|"
                   r"Police|More|From|With|Some|One|Two|Three|New|Last|Every|Here)\s")
_GLUE_ANY = re.compile(r"[a-z]{2}[A-Z][a-z]|[0-9)?!’'”][A-Z][a-z]")
# the forms of a list's items (``_shape``)
_MONTH_START = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
_NUM_START = re.compile(r"[0-9]+([.):]?)")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$")
_LIST_MARKS = (" -- ", " – ", " — ", " - ", " @ ", ": ", " | ", " / ")

# ---------------------------------------------------------------- numbers the classification turns on
# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml;
# a stretch of non-prose lines (score <= GAP_MAX) costs more the longer it runs (``GAP_FREE``, ``GAP_STEP``)
_C = config.section("clean.lines")
DATE_SCORE = _C["date_score"]
MORE_RUN = _C["more_run"]
PROSE_STOP = _C["prose_stop"]
LOW_STOP = _C["low_stop"]
GAP_MAX = _C["gap_max"]
GAP_FREE = _C["gap_free"]
GAP_STEP = _C["gap_step"]
GAP_EXEMPT = _C["gap_exempt"]
LIST_MIN = _C["list_min"]
MIN_LIST = _C["min_list"]
# the kinds of a line that is not the article's text (nor a caption, heading or title)
_KINDS_REMOVED = ("promo", "caption_credit", "related_link", "byline", "author_bio", "navigation", "duplicate", "other")

_STOP_INDEX = None      # (stopword -> the jusText languages listing it, language -> stoplist)


def _stop_index():
    global _STOP_INDEX
    if _STOP_INDEX is None:
        index, lists = {}, {}
        try:
            import justext
            for lang in sorted(justext.get_stoplists()):
                lists[lang] = justext.get_stoplist(lang)
                for w in lists[lang]:
                    index.setdefault(w, []).append(lang)
        except Exception:  # noqa: BLE001 - no stoplists: no stopword feature
            pass
        _STOP_INDEX = index, lists
    return _STOP_INDEX


def page_stoplist(text: str):
    """The stopwords of the page's language (jusText's stoplists), or None when no list fits.

    The language is the one whose stoplist best covers the page's words; a word counts 1/n for each of
    the n lists holding it (several lists are contaminated with English words), and a list's size is
    discounted (big lists cover more by chance)."""
    index, lists = _stop_index()
    if not index:
        return None
    words = Counter(_WORD_RE.findall(text.lower()))
    score = Counter()
    for w, n in words.items():
        langs = index.get(w)
        if langs:
            share = n / len(langs)
            for lang in langs:
                score[lang] += share
    if not score:
        return None
    lang = max(score, key=lambda k: score[k] / len(lists[k]) ** 0.3)
    stoplist = lists[lang]
    if sum(n for w, n in words.items() if w in stoplist) < 0.15 * sum(words.values()):
        return None
    return stoplist


def stop_density(text: str, stoplist) -> float | None:
    words = _WORD_RE.findall(text.lower())
    if stoplist is None or not words:
        return None
    return sum(1 for w in words if w in stoplist) / len(words)


# ---------------------------------------------------------------- units
@dataclass
class Unit:
    """One paragraph of the source: the spans it is made of (hard-wrapped lines joined by a space)."""
    spans: list                 # [(start, end)] into the source
    text: str
    kind: str = ""              # body|heading|caption|title|<removed kind>
    caption: tuple | None = None    # (start, end) of the caption part when a credit is cut off
    credit: tuple | None = None     # (start, end) of that credit
    info: dict = field(default_factory=dict)

    @property
    def start(self):
        return self.spans[0][0]

    @property
    def words(self):
        w = self.__dict__.get("_words")
        if w is None:
            w = len(self.text.split())
            cjk = len(_CJK.findall(self.text))
            if cjk:
                w += cjk // 2
            self.__dict__["_words"] = w
        return w

    @property
    def ends_punct(self):
        return bool(_END_PUNCT.search(self.text))


def _stripped_lines(source: str):
    pos = 0
    for line in source.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and source[s].isspace():
            s += 1
        while e > s and source[e - 1].isspace():
            e -= 1
        yield s, e


def split_units(source: str) -> list:
    """The paragraphs of ``source``. Hard-wrapped text (lines cut near one width, paragraphs separated by
    blank lines) has its lines joined back into paragraphs."""
    lines = list(_stripped_lines(source))
    nonempty = [(s, e) for s, e in lines if e > s]
    if not nonempty:
        return []
    lengths = sorted(e - s for s, e in nonempty)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    wrapped = (20 <= width <= 100 and len(nonempty) >= 6 and any(e == s for s, e in lines)
               and sum(1 for n in lengths if 0.6 * width <= n <= width + 2) >= 0.6 * len(lengths))
    units = []
    if not wrapped:
        for s, e in nonempty:
            units.append(Unit([(s, e)], source[s:e]))
        return units
    block = []
    for s, e in lines + [(0, 0)]:
        if e > s:
            if block:
                ps, pe = block[-1]
                # a short line ends its paragraph unless the next one visibly continues its sentence
                if (pe - ps) < 0.6 * width and not source[s].islower():
                    units.append(Unit(list(block), " ".join(source[a:b] for a, b in block)))
                    block = []
            block.append((s, e))
        elif block:
            units.append(Unit(list(block), " ".join(source[a:b] for a, b in block)))
            block = []
    return units


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _title_case_share(text: str) -> float:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text)]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


# ---------------------------------------------------------------- classification
@dataclass
class Classified:
    units: list
    title_unit: Unit | None
    outlets: Counter            # outlet names seen in credits/self-references (weighted)
    authors: list
    page_date: str | None


def _line_kind(u: Unit, info_out: dict) -> str:
    """Kinds a line has from its form alone ('' when it needs context)."""
    t = u.text
    w = u.words
    if _BULLET.match(t) and w <= 12 and _PROMO.search(t):
        return "promo"
    m = _SELF_REF.match(t)
    if m and w <= 40:
        info_out.setdefault("outlets", []).append((m.group(1), 3))
        return "promo"
    m = _USES_AI.match(t)
    if m and w <= 25:
        return "promo"
    if _BIO_HEAD.match(t) or _BIO_NAME_HEAD.match(t):
        return "author_bio"
    m = _BIO_LINE.match(t) if w <= 70 else None
    if m and _BIO_IS.match(t, m.end(1)):
        info_out.setdefault("authors", []).append(m.group(1))
        return "author_bio"
    if _RELATED.match(t) or _RELATED_ALONE.match(t):
        return "related_link"
    m = _SOURCE_TAIL.search(t)
    if m and w <= 25:
        if m.group(1).lower() == "source":
            info_out.setdefault("outlets", []).append((m.group(2).strip(), 1))
        return "caption_credit"
    if w <= 14 and not u.ends_punct and _CREDIT_LINE.match(t):
        return "caption_credit"
    m = _BYLINE.match(t)
    if m and w <= 14:
        info_out.setdefault("authors", []).extend(a.strip() for a in re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1)) if a.strip())
        return "byline"
    if _DATELINE.match(t) and w <= 16:
        info_out.setdefault("datelines", []).append(t)
        return "byline"
    if _SHARE.match(t):
        return "navigation"
    if w <= 25 and _PROMO.search(t):
        return "promo"
    if _READ_MORE_TAIL.search(t) and w <= 60:
        m = _BIO_LINE.match(t)
        if m:
            info_out.setdefault("authors", []).append(m.group(1))
            if m.group(2):
                info_out.setdefault("outlets", []).append((m.group(2), 2))
            return "author_bio"
        return "related_link"
    if w <= 90 and _is_glued_teaser(t):
        return "related_link"
    if _CAPTION_START.match(t):
        return "caption"
    if _CREDIT_TAIL.search(t) and w <= 80:
        return "caption"
    return ""


def _is_glued_teaser(t: str) -> bool:
    """A teaser as a browser copy gives it: a Title-Case headline glued to its summary with no space
    ("Mayor Backs New Ferry RouteThe city's mayor said ...")."""
    for m in _GLUE.finditer(t, 0, 160):
        head = t[: m.start() + (1 if m.group(0)[1:2].isupper() else 2)]
        words = head.split()
        if len(words) >= 4 and not re.search(r"[.!?]\s", head) and _title_case_share(head) >= 0.6:
            return True
    return False


def _is_glued_headline(t: str) -> bool:
    """A wider net than ``_is_glued_teaser`` for page scrapes: a Title-Case headline of five words or more
    glued to any capitalised word ("... In NASCAR FinaleFord v Toyota flopped ..."), with a summary after."""
    for m in _GLUE_ANY.finditer(t, 0, 200):
        head = t[: m.start() + 2]
        if (len(head.split()) >= 5 and _title_case_share(head) >= (0.75 if re.search(r"[.!?]\s", head) else 0.6)
                and len(t[m.start() + 2:].split()) >= 6):
            return True
    return False


def _split_caption(u: Unit, source: str):
    """Cut a trailing credit off a caption: the caption span and the credit span (or None)."""
    s, e = u.spans[0][0], u.spans[-1][1]
    text = source[s:e]
    m = _CREDIT_TAIL.search(text)
    if m:
        cs = s + m.start(1)
        return (s, s + len(text[: m.start(1)].rstrip())), (cs, e)
    # "... on June 16, 2022. Freedom of Russia Legion": a short Title-Case tail after the last sentence
    m = re.search(r"[.!?][\"”’]?\s+([A-Z][^.!?]{1,60})$", text)
    if m and len(m.group(1).split()) <= 8 and _title_case_share(m.group(1)) >= 0.5:
        cs = s + m.start(1)
        return (s, s + len(text[: m.start(1)].rstrip())), (cs, e)
    return (s, e), None


def _is_body_like(u: Unit) -> bool:
    w = u.words
    if u.ends_punct:
        return w >= 8 or (w >= 3 and u.text[:1] in "\"“'‘")
    return w >= 25


def _score(u: Unit) -> float:
    if u.info.get("break"):
        return -60.0
    if u.info.get("separator"):
        return -25.0    # the same short line again and again: furniture between items of a list
    if u.info.get("date"):
        return DATE_SCORE
    if u.kind in ("caption", "caption_credit", "related_link") or u.info.get("inline"):
        return -1.0     # inline furniture of an article (captions, credits, "Read Next") does not end it
    if u.kind:
        return -6.0
    w = u.words
    sw = u.info.get("sw")
    if sw is not None and sw < LOW_STOP and w >= 8:
        return 0.0
    if _is_body_like(u):
        return (min(w, 80) + (5 if u.ends_punct else 0)) * (1.0 if sw is None else min(1.0, sw / PROSE_STOP))
    if u.ends_punct and w >= 3:
        return 0.5
    if w >= 10:
        return 0.3 * w
    return -min(3.0 + w * 0.5, 8.0)


def classify(source: str, trusted: bool = False, known_title: str | None = None) -> Classified:
    """Classify the paragraphs of ``source``, pass by pass:

    1. each line by its form and its repetitions (``_mark_form_and_repetition``);
    2. by its neighbours: captions, image titles, author bios (``_mark_by_neighbours``), captions' credits cut off;
    3. (not ``trusted``) glued teasers and stopword density, then the main run of body paragraphs
       (``_main_run``), stretched over a cut sentence and a list it introduces (``_extend_run``);
    4. the title above the run, and the kind of every line left by where it stands against the run
       (``_label_by_region``); headings and lists inside the run.

    ``trusted``: the text is already an extractor's main text (from HTML), so no main-region cut and no
    title detection are done, only line-level removals.
    """
    units = split_units(source)
    info: dict = {}
    norm = [_norm(u.text) for u in units]
    counts = Counter(n for n in norm if n)
    _mark_form_and_repetition(units, norm, counts, info)
    _mark_by_neighbours(units, norm, counts)
    for u in units:
        if u.kind == "caption":
            u.caption, u.credit = _split_caption(u, source)
    if trusted:
        _label_trusted(units, norm, known_title)
        return Classified(units, None, _outlets(info), info.get("authors", []), None)

    _mark_glued_headlines(units)
    _mark_stop_density(units, source)
    a, b = _main_run(units)
    b = _extend_run(units, b)
    title_unit = None if known_title else _title_before(units, a)
    _label_by_region(units, a, b, title_unit)
    _mark_headings(units, region=(a, b))
    _fill_lists(units, a, b)
    for u in units[a:b]:
        if not u.kind:
            u.kind = "other"
    return Classified(units, title_unit, _outlets(info), info.get("authors", []), _dateline(info))


# ---------------------------------------------------------------- pass 1: form and repetition
def _mark_form_and_repetition(units, norm, counts, info) -> None:
    """Each line's kind from its form (``_line_kind``); a line repeated on the page is a duplicate unless it
    is the first copy of a long paragraph; flags for furniture and for lines that end the article."""
    seen = set()
    prose = False                       # a paragraph of prose seen yet: the page's header zone is over
    for u, n in zip(units, norm):
        k = _line_kind(u, info)
        if not prose and not k and u.words <= 16:
            _note_bare_dateline(u, info)
        prose = prose or (u.words >= 25 and _is_body_like(u))
        if counts[n] > 1 and not k and (n in seen or not _is_body_like(u) or u.words < 25):
            k = "duplicate"
        seen.add(n)
        u.kind = k
        _flag_furniture(u, counts[n])
        if u.words <= 14:
            _flag_break(u)


def _note_bare_dateline(u: Unit, info: dict) -> None:
    # a line that is a date and little else, above the article's first paragraph: its dateline
    d = bare_date_line(u.text)
    if d is not None:
        info.setdefault("bare_datelines", []).append(d.isoformat())


def _flag_furniture(u: Unit, repeats: int) -> None:
    """Flags for a short line between items of a list: a separator repeated again and again, a bare date or
    time, inline furniture ("story continues below", a gallery's counter)."""
    if repeats >= 3 and u.words <= 8 and not u.ends_punct:
        u.info["separator"] = True
    if u.words <= 8 and _DATE_ONLY.search(u.text) and not u.text.startswith(("—", "-", "–")) \
            and len(_LETTERS.sub(" ", u.text).split()) <= 5:
        u.info["date"] = True
    if u.words <= 8 and _INLINE.match(u.text):
        u.info["inline"] = True


def _flag_break(u: Unit) -> None:
    """Flags for a short line that may end the article: a comment section's start, a tag list or share bar
    (a break), a "More stories" heading."""
    bare = u.text.strip(_BRACKETS)
    comments = _COMMENTS_START.search(bare)
    brk = comments or _BREAK.search(bare)
    more = u.words <= 8 and _MORE_STORIES.match(bare)
    if more:
        u.info["more"] = True
        if not brk:
            # inline furniture, unless it comes after a substantial run (which it then ends)
            u.kind = u.kind or "related_link"
    if brk:
        u.info["break"] = True
        if comments:
            u.info["comments"] = True
        u.kind = u.kind or "navigation"


# ---------------------------------------------------------------- pass 2: neighbours
def _mark_by_neighbours(units, norm, counts) -> None:
    """Kinds a line takes from the lines around it."""
    _mark_echoed_captions(units, norm, counts)
    _mark_image_titles(units, norm)
    # the paragraph under an "About the author" heading is the author's bio
    for i in range(len(units) - 1):
        if units[i].kind == "author_bio" and units[i].words <= 6 and not units[i + 1].kind and units[i + 1].words <= 120:
            units[i + 1].kind = "author_bio"


def _mark_echoed_captions(units, norm, counts) -> None:
    # a short image title echoed at the start of the next line marks that line a caption
    for i in range(len(units) - 1):
        u, nxt = units[i], units[i + 1]
        if (not u.kind and not nxt.kind and not u.ends_punct and 3 <= u.words <= 14 and nxt.words <= 60
                and norm[i] and norm[i + 1].startswith(norm[i] + " ") and counts[norm[i]] == 1):
            nxt.kind = "caption"


def _mark_image_titles(units, norm) -> None:
    # image titles before a caption/credit; headlines echoed by a related link
    related_texts = [n for u, n in zip(units, norm) if u.kind == "related_link"]
    for i, u in enumerate(units):
        if u.kind or u.ends_punct or u.words > 14:
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        n = norm[i]
        if nxt is not None and nxt.kind in ("caption", "caption_credit") and (
                nxt.kind == "caption" or norm[i + 1].startswith(n) or u.words <= 10):
            u.kind = "caption_credit"
        elif n and any(n in r for r in related_texts):
            u.kind = "related_link"


def _label_trusted(units, norm, known_title) -> None:
    """An extractor's main text: the known title among its first lines, every other line left is body."""
    if known_title:
        for u, n in zip(units[:3], norm[:3]):
            if n == _norm(known_title):
                u.kind = "title"
    for u in units:
        if not u.kind:
            u.kind = "body"
    _mark_headings(units, region=(0, len(units)))


# ---------------------------------------------------------------- pass 3: the main run
def _mark_glued_headlines(units) -> None:
    for u in units:
        if not u.kind and u.words <= 90 and _is_glued_headline(u.text):
            u.kind = "related_link"


def _mark_stop_density(units, source: str) -> None:
    """``info["sw"]``: the stopword density of each line of eight words or more, in the page's language."""
    stoplist = page_stoplist(source)
    if stoplist is not None:
        for u in units:
            if u.words >= 8:
                u.info["sw"] = stop_density(u.text, stoplist)


def _main_run(units) -> tuple:
    """``(a, b)``: the main run of body paragraphs, ``units[a:b]``, trimmed to start and end on prose.

    The run is the first segment of positive running score that weighs at least 0.6 of the heaviest
    (comment threads and teaser lists after the article may weigh more, but come later)."""
    segments = _discount_after_comments(units, _run_segments(units))
    top = max((sg[0] for sg in segments), default=0.0)
    a, b = next(((sa, sb) for sc_, sa, sb in segments if sc_ >= 0.6 * top), (0, 0))
    while a < b and not _is_body_like(units[a]) and not (units[a].kind == "" and units[a].ends_punct):
        a += 1
    while b > a and not _is_body_like(units[b - 1]) and not (units[b - 1].kind == "" and units[b - 1].ends_punct):
        b -= 1
    return a, b


def _gap_score(u: Unit, gap: int) -> tuple:
    """``(score, gap)``: the line's score (``_score``), less what the stretch of non-prose lines it extends
    costs, and the length of that stretch after it."""
    sc = _score(u)
    if sc > GAP_MAX:
        return sc, 0
    if u.kind in GAP_EXEMPT or u.info.get("inline"):
        return sc, gap
    gap += 1
    if gap > GAP_FREE:
        sc -= GAP_STEP * (gap - GAP_FREE)
    return sc, gap


def _run_segments(units) -> list:
    """``[(score, start, end)]``: the segments of positive running score, each cut at its best end. A comment
    section's start always ends a run, a "More stories" line ends one that has reached ``MORE_RUN``."""
    segments, cur, cur_start, seg_best = [], 0.0, 0, None
    gap = 0
    for i, u in enumerate(units):
        sc, gap = _gap_score(u, gap)
        u.info["score"] = sc
        if u.info.get("comments") and cur > 0:
            cur = 0.0
        elif u.info.get("more") and cur >= MORE_RUN:
            cur = 0.0
        if cur <= 0:
            if seg_best:
                segments.append(seg_best)
            cur, cur_start, seg_best = sc, i, None
        else:
            cur += sc
        if cur > 0 and (seg_best is None or cur > seg_best[0]):
            seg_best = (cur, cur_start, i + 1)
    if seg_best:
        segments.append(seg_best)
    return segments


def _discount_after_comments(units, segments) -> list:
    # a run that follows a comment-section / tag-list break after a substantial earlier run is what comes
    # after the article (comments, teasers): it weighs far less
    weighted, seen_weight, after_break, prev_end = [], 0.0, False, 0
    for sc_, sa, sb in segments:
        after_break = after_break or (seen_weight >= 60 and any(units[j].info.get("comments")
                                                                  for j in range(prev_end, sa)))
        weighted.append((sc_ * (0.05 if after_break else 1.0), sa, sb))
        seen_weight = max(seen_weight, sc_)
        prev_end = sb
    return weighted


def _extend_run(units, b: int) -> int:
    """The run's end, past a caption block that cuts its last sentence and past a list its end introduces."""
    # a sentence cut by a caption block just after the run goes on past it ("... the sprink" | caption | "lers.")
    if 0 < b < len(units) and not units[b - 1].ends_punct:
        j = b
        while j < len(units) and j < b + 6 and units[j].kind in ("caption", "caption_credit"):
            j += 1
        if j < len(units) and not units[j].kind and units[j].text[:1].islower() and units[j].words <= 60:
            b = j + 1
    # a list the article's last paragraph introduces goes with it
    if 0 < b < len(units):
        b = _list_after(units, b)
    return b


# ---------------------------------------------------------------- pass 4: title and regions
def _title_before(units, a: int) -> Unit | None:
    """The article's title: the first line above the run (bylines and captions skipped) that looks like one."""
    for j in range(a - 1, max(-1, a - 8), -1):
        u = units[j]
        if u.kind in ("byline", "caption", "caption_credit", "navigation"):
            continue
        if u.kind == "" and 3 <= u.words <= 25 and not u.text.endswith("."):
            return u
        return None
    return None


def _label_by_region(units, a: int, b: int, title_unit) -> None:
    """Lines without a kind yet: navigation above the run, other (or navigation) below it, body inside it
    when they read as prose or a list's items ('' otherwise, for headings and lists to decide)."""
    for i, u in enumerate(units):
        if u is title_unit:
            u.kind = "title"
        elif u.kind:
            continue
        elif i < a:
            u.kind = "navigation"
        elif i >= b:
            u.kind = "other" if u.words > 3 else "navigation"
        else:
            u.kind = "body" if (_is_body_like(u) or u.ends_punct or u.words >= 10 or u.info.get("list_item")) else ""


def _shape(u) -> tuple | None:
    """The form of a short line as an item of a list (how it starts, which separators it uses), or None
    when the line says too little to compare: plain words without separators."""
    t = u.text
    if u.kind or u.words > 30 or u.info.get("break") or u.info.get("date"):
        return None
    if _URL_ONLY.match(t):
        return "U", ()
    num = _NUM_START.match(t)
    lead = "D" + num.group(1) if num else "M" if _MONTH_START.match(t) else "B" if _BULLET.match(t) else "W"
    marks = tuple(m for m in _LIST_MARKS if m in t)
    if lead == "W" and not marks:
        return None
    return lead, marks


def _list_after(units, b: int) -> int:
    """A list that the article's last paragraphs introduce ("Tour dates:", a heading) and whose items all
    share one form (dates with the same separators, numbered items) is part of the article: the end of
    the article after it."""
    j = b
    while j < len(units) and units[j].kind in ("caption", "caption_credit"):
        j += 1
    if j >= len(units):
        return b
    lead = units[j]
    if not lead.kind and (lead.text.endswith(":") or (lead.words <= 10 and not lead.ends_punct)) \
            and _shape(lead) is None:
        j += 1
    shapes, k = [], j
    while k < len(units):
        sh = _shape(units[k])
        # items of one form, or two forms taking turns (an item, then its link)
        if sh is None or not (len(shapes) <= 1 or _same_shape(sh, shapes[-1]) or _same_shape(sh, shapes[-2])):
            break
        shapes.append(sh)
        k += 1
    if shapes and sum(1 for sh in shapes if _same_shape(sh, shapes[0])) >= LIST_MIN:
        for u in units[b:k]:
            if not u.kind:
                u.info["list_item"] = True
        return k
    return b


def _same_shape(x, y) -> bool:
    if x[0] != y[0]:
        return False
    # numbered or bulleted items: the numbering is the form; otherwise the separators must agree
    return x[0] in ("D.", "D)", "B", "U") or bool(set(x[1]) & set(y[1])) or x[1] == y[1]


def _fill_lists(units, a, b, min_items: int | None = None):
    """jusText's context rule inside the article: short lines standing between body paragraphs (the
    items of a list, a table's cells) are body too."""
    min_items = MIN_LIST if min_items is None else min_items
    i = a
    while i < b:
        if units[i].kind != "other":
            i += 1
            continue
        j = i
        while j < b and units[j].kind == "other":
            j += 1
        before = next((u for u in reversed(units[a:i]) if u.kind not in ("caption", "caption_credit")), None)
        after = next((u for u in units[j:b] if u.kind not in ("caption", "caption_credit")), None)
        if (j - i >= min_items and before is not None and after is not None
                and before.kind in ("body", "heading") and after.kind in ("body", "heading")):
            for u in units[i:j]:
                u.kind = "body"
        i = j



def _mark_headings(units, region):
    a, b = region
    for i in range(a, b):
        u = units[i]
        if u.kind not in ("", "body") or u.ends_punct or u.words > 15 or u.words == 0:
            continue
        if u.kind == "body" and _is_body_like(u):
            continue
        nxt = next((v for v in units[i + 1:b] if v.kind not in ("caption", "caption_credit")), None)
        if nxt is not None and nxt.kind in ("", "body") and (_is_body_like(nxt) or nxt.ends_punct) and \
                u.text[:1].isupper() and not u.text.endswith((":", ",", ";")):
            u.kind = "heading"
        elif u.kind == "":
            u.kind = "other"


def _outlets(info) -> Counter:
    c = Counter()
    for name, weight in info.get("outlets", []):
        name = name.strip(" .,'’\"")
        if 1 <= len(name.split()) <= 5:
            c[name] += weight
    return c


def _dateline(info):
    from .dates import full_dates
    for t in info.get("datelines", []):
        ds = full_dates(t)
        if ds:
            return ds[0].isoformat()
    bare = info.get("bare_datelines")
    return bare[0] if bare else None
