"""First version: text between double quotation marks is a direct quote."""
from __future__ import annotations

import re

from ..ids import make_id
from ..records import Quote

QUOTE_RE = re.compile(r"[\"“]([^\"”]{3,}?)[\"”]")


def find_quotes(article, ann, entities) -> list:
    return [Quote(id=make_id("q", article.id, m.start(), m.end()), start=m.start(), end=m.end(), kind="direct")
            for m in QUOTE_RE.finditer(article.text)]
