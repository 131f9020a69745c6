"""First version: outlets counted, no independence or conflict analysis."""
from __future__ import annotations


def assess_groups(groups, analyses, derivations, entity_map) -> None:
    outlet_of = {a.article.id: (a.article.outlet or a.article.id) for a in analyses}
    claim_article = {c.id: a.article.id for a in analyses for c in a.claims}
    for g in groups:
        outlets = sorted({outlet_of[claim_article[c]] for c in g.claims})
        g.outlets = outlets
        g.independent_outlets = len(outlets)
        g.status = "corroborated" if len(outlets) >= 2 else "single_source"
