"""First version: each distinct NER surface form of a name type is a local entity."""
from __future__ import annotations

from ..records import LocalEntity

TYPE_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP",
            "EVENT": "EVENT", "FAC": "LOC", "WORK_OF_ART": "OTHER", "LAW": "OTHER", "PRODUCT": "OTHER"}


def find_entities(article, ann) -> list:
    by_name = {}
    for e in ann.entities:
        if e.label not in TYPE_MAP:
            continue
        ent = by_name.get(e.text)
        if ent is None:
            ent = by_name[e.text] = LocalEntity(len(by_name), e.text, TYPE_MAP[e.label], [e.text], [])
        ent.mentions.append((e.start, e.end))
    return list(by_name.values())
