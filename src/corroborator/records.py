"""The plain records that flow between pipeline stages.

Every stage takes and returns these: no spaCy, DuckDB or Dask objects cross a stage boundary.
Offsets (``start``, ``end``) are always character offsets into ``Article.text``.

    ingest   -> InputDoc            (one per article found in the inputs)
    clean    -> Article             (body text, source map, captions, removed boilerplate)
    annotate -> Annotation          (sentences, tokens, named-entity spans)
    extract  -> ArticleAnalysis     (local entities, quotes, claims with quantities and times)
    link     -> Linked              (stories, global entities, claim groups, derivations)
    assess   -> statuses, conflicts, timeline, written onto the claim groups
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Optional


# ---------------------------------------------------------------- ingest
@dataclass(frozen=True)
class InputDoc:
    """One article's raw material, as found in the inputs.

    ``path`` is the input path; records inside a container get a suffix (``feed.jsonl#12``,
    ``crawl.warc.gz#3``). ``kind`` is ``"html"`` or ``"text"``. Metadata fields are optional hints
    from the container or a ``NAME.meta.json`` sidecar; they win over what the page says.
    """
    path: str
    kind: str
    content: str
    url: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None      # YYYY-MM-DD
    title: Optional[str] = None
    authors: tuple = ()


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read (or was skipped), with a one-line reason."""
    path: str
    status: str          # "failed" | "skipped"
    reason: str


# ---------------------------------------------------------------- clean
@dataclass
class Caption:
    text: str
    source_start: Optional[int]


@dataclass
class Removed:
    text: str
    kind: str            # promo|caption_credit|related_link|byline|author_bio|navigation|duplicate|other
    source_start: Optional[int]


@dataclass
class Article:
    """A cleaned article. ``text`` is the body: headings and paragraphs separated by blank lines.

    ``source_map`` is a list of ``[text_start, text_end, source_start]`` runs such that
    ``text[a:b] == source[s:s + (b - a)]`` where ``source`` is ``source_text``.
    """
    id: str
    path: str
    text: str
    source_text: str
    source_map: list = field(default_factory=list)
    url: Optional[str] = None
    outlet: Optional[str] = None
    title: Optional[str] = None
    authors: list = field(default_factory=list)
    published: Optional[str] = None
    published_from: Optional[str] = None      # metadata|page|text|inferred
    published_not_before: Optional[str] = None
    headings: list = field(default_factory=list)   # [(start, end)]
    captions: list = field(default_factory=list)   # [Caption]
    removed: list = field(default_factory=list)    # [Removed]


# ---------------------------------------------------------------- annotate
class Token(NamedTuple):
    i: int               # index in the article
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int            # index of the syntactic head (self for roots)
    sent: int            # index of the sentence
    ws: str              # trailing whitespace


class EntitySpan(NamedTuple):
    start: int
    end: int
    label: str           # spaCy label (PERSON, ORG, GPE, LOC, NORP, EVENT, DATE, CARDINAL, ...)
    text: str
    tok_start: int       # token indices [tok_start, tok_end)
    tok_end: int


@dataclass
class Annotation:
    sentences: list      # [(start, end)] character spans of sentences
    sent_tokens: list    # [(tok_start, tok_end)] per sentence
    tokens: list         # [Token]
    entities: list       # [EntitySpan]


# ---------------------------------------------------------------- extract
@dataclass
class LocalEntity:
    """An entity as one article knows it: all its mentions there merged."""
    local_id: int
    name: str                    # the fullest name the article uses
    type: str                    # PERSON|ORG|GPE|LOC|NORP|EVENT|OTHER
    aliases: list                # distinct surface forms
    mentions: list               # [(start, end)]
    attributes: dict = field(default_factory=dict)   # e.g. {"age": 50, "role": "spokesperson", "call_sign": True}


@dataclass
class Quote:
    id: str
    start: int
    end: int
    kind: str                    # direct|indirect|mixed
    speaker_entity: Optional[int] = None     # LocalEntity.local_id
    speaker_text: Optional[str] = None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    speaker_description: Optional[str] = None
    cue_text: Optional[str] = None
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None


@dataclass
class Quantity:
    start: int
    end: int
    text: str
    value: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    unit: Optional[str] = None
    approximate: bool = False


@dataclass
class TimeExpr:
    start: int
    end: int
    text: str
    value: Optional[str] = None   # YYYY | YYYY-MM | YYYY-MM-DD | YYYY-Www | None when unresolvable


@dataclass
class Claim:
    id: str
    start: int
    end: int
    text: str
    attribution: str                      # outlet|speaker|anonymous|document
    speaker_entity: Optional[int] = None  # LocalEntity.local_id
    quote: Optional[str] = None           # Quote.id
    modality: str = "asserted"            # asserted|hedged|unverified|negated
    entities: list = field(default_factory=list)     # [LocalEntity.local_id]
    quantities: list = field(default_factory=list)   # [Quantity]
    times: list = field(default_factory=list)        # [TimeExpr]
    speaker_key: Optional[str] = None     # for anonymous speakers: a description key, e.g. "anon:one soldier"
    predicate: Optional[str] = None       # lemma of the main predicate (what is reported, past a speech verb)
    core: list = field(default_factory=list)   # lemmas of the predicate and the heads of its arguments


@dataclass
class ArticleAnalysis:
    """Everything the per-article stages know about one article."""
    article: Article
    entities: list               # [LocalEntity]
    quotes: list                 # [Quote]
    claims: list                 # [Claim]
    claim_vectors: list = field(default_factory=list)   # one embedding (list of floats) per claim
    doc_vector: Optional[list] = None                    # embedding of the article (title + lead)
    sentences: list = field(default_factory=list)        # [(start, end)]


# ---------------------------------------------------------------- link / assess
@dataclass
class Story:
    id: str
    title: str
    articles: list               # [article id]


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list
    mentions: list               # [(article id, start, end)]
    members: list = field(default_factory=list)     # [(article id, local_id)]
    evidence: list = field(default_factory=list)    # why the members were merged (strings)


@dataclass
class Conflict:
    claims: tuple                # (claim id, claim id)
    kind: str                    # quantity|time|attribute|negation
    detail: str


@dataclass
class ClaimGroup:
    id: str
    story: str
    claims: list                 # [claim id]
    status: str = "single_source"
    outlets: list = field(default_factory=list)
    independent_outlets: int = 0
    conflicts: list = field(default_factory=list)   # [Conflict]
    fact: str = ""                                  # the most central claim's text
    confidence: Optional[float] = None              # the weakest same-fact link (None for one claim)
    links: list = field(default_factory=list)       # [{"claims": [id, id], "score", "evidence"}]
    related: list = field(default_factory=list)     # [{"group": id, "score"}]
    sources: str = "known"                          # known|unknown: whether its outlets are known


@dataclass
class Dispute:
    claims: tuple                # (claim id, claim id)
    speakers: tuple              # (entity id | None, entity id | None)
    detail: str


@dataclass
class Derivation:
    article: str                 # the later article
    source: str                  # the article it reuses text from
    share: float
