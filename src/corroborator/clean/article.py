"""``clean_document``: one ``InputDoc`` -> one ``Article`` (body, source map, captions, removed, metadata)."""
from __future__ import annotations

import re

from ..errors import InputError
from ..ids import make_id
from ..records import Article, Caption, InputDoc, Removed
from .dates import latest_full_date
from .html import extract_html, outlet_from_url
from .lines import classify
from .words import is_word

_WORD_END = re.compile(r"([A-Za-z]+)$")
_WORD_START = re.compile(r"^([a-z]+)")


def _join_split_word(prev_text: str, next_text: str) -> str | None:
    """The joiner for a paragraph cut by a removed block: '' to rejoin a split word, ' ' to continue the
    sentence, None when the two are separate paragraphs."""
    if not prev_text or not next_text or not next_text[0].islower() or re.search(r"[.!?:;…\"”]$", prev_text):
        return None
    a, b = _WORD_END.search(prev_text), _WORD_START.match(next_text)
    if a and b and is_word(a.group(1) + b.group(1)) and not (is_word(a.group(1)) and is_word(b.group(1))):
        return ""
    return " "


def _assemble(units, source):
    """Body paragraphs -> (text, source_map, headings). Paragraphs split around a removed block are joined."""
    paras = []          # [[kind, [(start, end, joiner_before)]], ...]
    last_index = None
    for i, u in enumerate(units):
        if u.kind not in ("body", "heading"):
            continue
        pieces = [(s, e, " " if k else "") for k, (s, e) in enumerate(u.spans)]
        if paras and u.kind == "body" and paras[-1][0] == "body" and last_index is not None and i > last_index + 1:
            prev = "".join(source[s:e] for s, e, _ in paras[-1][1][-1:])
            joiner = _join_split_word(prev, u.text)
            if joiner is not None:
                s, e, _ = pieces[0]
                pieces[0] = (s, e, joiner)
                paras[-1][1].extend(pieces)
                last_index = i
                continue
        paras.append([u.kind, pieces])
        last_index = i
    parts, smap, headings, pos = [], [], [], 0
    for kind, pieces in paras:
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        for s, e, joiner in pieces:
            if joiner:
                parts.append(joiner)
                pos += len(joiner)
            if smap and smap[-1][1] == pos and smap[-1][2] + (smap[-1][1] - smap[-1][0]) == s:
                smap[-1][1] = pos + e - s
            else:
                smap.append([pos, pos + e - s, s])
            parts.append(source[s:e])
            pos += e - s
        if kind == "heading":
            headings.append((start, pos))
    return "".join(parts), smap, headings


def clean_document(doc: InputDoc) -> Article:
    """Clean one raw page or text into an ``Article``.

    HTML: the main text is extracted (trafilatura) and becomes ``source_text``; plain text: the input
    itself is ``source_text``. Either way the lines are classified (body, heading, caption, boilerplate),
    ``source_map`` maps every body character back into ``source_text``, captions go to ``captions`` and
    boilerplate to ``removed``. Metadata given in ``doc`` wins over what the page or text says.
    Raises ``InputError`` (or ``LimitExceeded``) when no body can be found.
    """
    page = {}
    if doc.kind == "html":
        page = extract_html(doc.content, url=doc.url)
        source = page["text"]
        cls = classify(source, trusted=not page.get("fallback"), known_title=doc.title or page.get("title"))
    else:
        source = doc.content
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        cls = classify(source, known_title=doc.title)
    units = cls.units
    text, smap, headings = _assemble(units, source)
    if not text.strip():
        raise InputError("no article body found (every line looks like boilerplate)")

    captions, removed = [], []
    for u in units:
        if u.kind == "caption":
            cs, ce = u.caption or (u.start, u.spans[-1][1])
            captions.append(Caption(source[cs:ce], cs))
            if u.credit:
                removed.append(Removed(source[u.credit[0]:u.credit[1]], "caption_credit", u.credit[0]))
        elif u.kind not in ("body", "heading", "title"):
            removed.append(Removed(u.text, u.kind if u.kind in _REMOVED_KINDS else "other", u.start))

    title = doc.title or page.get("title") or (cls.title_unit.text if cls.title_unit else None)
    authors = list(doc.authors) or page.get("authors") or _dedupe(cls.authors)
    outlet = doc.outlet or page.get("sitename") or (cls.outlets.most_common(1)[0][0] if cls.outlets else None) \
        or outlet_from_url(doc.url or page.get("url"))
    published, published_from = None, None
    if doc.published:
        published, published_from = doc.published, "metadata"
    elif page.get("date"):
        published, published_from = page["date"], "page"
    elif cls.page_date:
        published, published_from = cls.page_date, "page"
    not_before = None if published else latest_full_date(text, *(c.text for c in captions))

    return Article(id=make_id("a", text), path=doc.path, text=text, source_text=source, source_map=smap,
                   url=doc.url or page.get("url"), outlet=outlet, title=title, authors=authors,
                   published=published, published_from=published_from, published_not_before=not_before,
                   headings=headings, captions=captions, removed=removed)


_REMOVED_KINDS = frozenset(("promo", "caption_credit", "related_link", "byline", "author_bio", "navigation",
                            "duplicate", "other"))


def _dedupe(names):
    out = []
    for n in names:
        if n not in out:
            out.append(n)
    return out
