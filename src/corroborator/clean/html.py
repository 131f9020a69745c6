"""Main text and metadata of a saved web page (trafilatura + htmldate, offline), with safety guards."""
from __future__ import annotations

import re
import urllib.parse

from ..errors import InputError, LimitExceeded

MAX_DEPTH = 3000
# tags whose end tag may be left out, and void tags: they do not nest
_NO_NEST = frozenset("area base br col embed hr img input link meta param source track wbr p li td th tr dt dd "
                     "option colgroup thead tbody tfoot rp rt".split())
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]{0,30})\b[^>]*?(/?)>")


def check_depth(html: str, limit: int = MAX_DEPTH) -> None:
    """Raise ``LimitExceeded`` when elements nest deeper than ``limit`` (guards the HTML parser)."""
    depth = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if name in _NO_NEST or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                raise LimitExceeded(f"HTML nests deeper than {limit} levels")


def extract_html(html: str, url: str | None = None) -> dict:
    """``{"text", "title", "authors", "sitename", "date", "url"}`` from one page; ``text`` is the extracted
    raw text (paragraphs on their own lines). Raises ``InputError`` when the page holds no text at all."""
    check_depth(html)
    import trafilatura

    meta = {"text": "", "title": None, "authors": [], "sitename": None, "date": None, "url": url}
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          favor_precision=True, include_tables=True)
    except Exception:  # noqa: BLE001 - odd pages: fall back below
        doc = None
    if doc is not None:
        get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
        meta["text"] = get("text") or ""
        meta["title"] = get("title")
        author = get("author")
        if author:
            meta["authors"] = [a.strip() for a in re.split(r";|\band\b|,", author) if len(a.strip().split()) >= 2]
        meta["sitename"] = get("sitename")
        meta["date"] = get("date")
        meta["url"] = url or get("url")
        if len(meta["text"].split()) < 30:
            try:
                recall = trafilatura.extract(html, url=url, favor_recall=True, include_comments=False) or ""
            except Exception:  # noqa: BLE001
                recall = ""
            if len(recall) > len(meta["text"]):
                meta["text"] = recall
    if not meta["text"].strip():
        try:
            _, text, _ = trafilatura.baseline(html)
        except Exception:  # noqa: BLE001
            text = ""
        meta["text"] = text or ""
        meta["fallback"] = True
    if not meta["text"].strip():
        raise InputError("no article text found in the HTML page")
    if meta["date"] is None:
        try:
            from htmldate import find_date
            meta["date"] = find_date(html, extensive_search=False, original_date=True)
        except Exception:  # noqa: BLE001
            pass
    return meta


def outlet_from_url(url: str | None) -> str | None:
    """The site's host name without ``www.`` (``https://www.example.com/a`` -> ``example.com``)."""
    if not url:
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    host = re.sub(r"^(?:www\d?|m|amp|edition)\.", "", host)
    return host or None
