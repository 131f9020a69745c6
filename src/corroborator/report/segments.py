"""Split article text into plain and marked segments, so templates can highlight spans without ``|safe``.

Every segment's text is still raw article text: the template escapes it (autoescape) when it prints it.
"""
from __future__ import annotations

import re


def segments(text: str, spans) -> list:
    """Cut ``text`` at ``spans`` (``[(start, end, mark)]``, character offsets) into ``[{"text", "mark"}]``.

    ``mark`` is ``None`` for unmarked text. Overlapping spans are clipped so that segments never overlap
    (the span that starts first wins); spans outside the text or empty after clipping are dropped.
    Joining every segment's text gives back ``text`` exactly.
    """
    n = len(text)
    out, pos = [], 0
    for start, end, mark in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(int(start), pos, 0), min(int(end), n)
        if end <= start:
            continue
        if start > pos:
            out.append({"text": text[pos:start], "mark": None})
        out.append({"text": text[start:end], "mark": mark})
        pos = end
    if pos < n or not out:
        out.append({"text": text[pos:], "mark": None})
    return out


def snippet(text: str, start: int, end: int, width: int = 80) -> dict:
    """The words around ``text[start:end]``: ``{"before", "match", "after"}`` (each raw text, for escaping)."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if hi < len(text):
        after = after.rsplit(" ", 1)[0] + "…" if " " in after else after + "…"
    return {"before": _squash(before), "match": text[start:end], "after": _squash(after)}


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)
