"""First version: paragraphs of plain text become the body; HTML goes through trafilatura."""
from __future__ import annotations

import re

from ..errors import InputError
from ..ids import make_id
from ..records import Article, InputDoc


def _paragraphs(source: str):
    for m in re.finditer(r"[^\n]+", source):
        line = m.group(0)
        s = m.start() + (len(line) - len(line.lstrip()))
        e = m.end() - (len(line) - len(line.rstrip()))
        if e > s:
            yield s, e


def clean_document(doc: InputDoc) -> Article:
    if doc.kind == "html":
        import trafilatura
        source = trafilatura.extract(doc.content, include_comments=False) or ""
    else:
        source = doc.content
    parts, smap, pos = [], [], 0
    for s, e in _paragraphs(source):
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(source[s:e])
        smap.append([pos, pos + e - s, s])
        pos += e - s
    text = "".join(parts)
    if not text.strip():
        raise InputError("no article text found")
    return Article(id=make_id("a", text), path=doc.path, text=text, source_text=source, source_map=smap,
                   url=doc.url, outlet=doc.outlet, title=doc.title, authors=list(doc.authors),
                   published=doc.published, published_from="metadata" if doc.published else None)
