"""First version: entities with the same name and type are one entity."""
from __future__ import annotations

from ..ids import make_id
from ..records import Entity


def merge_entities(analyses, stories):
    groups = {}
    for a in analyses:
        for e in a.entities:
            groups.setdefault((e.name.lower(), e.type), []).append((a.article.id, e))
    entities, mapping = [], {}
    for (name, typ), members in sorted(groups.items()):
        mentions = sorted((aid, s, e) for aid, ent in members for s, e in ent.mentions)
        eid = make_id("e", *mentions)
        aliases = sorted({al for _, ent in members for al in ent.aliases})
        entities.append(Entity(id=eid, name=members[0][1].name, type=typ, aliases=aliases, mentions=mentions,
                               members=[(aid, ent.local_id) for aid, ent in members]))
        for aid, ent in members:
            mapping[(aid, ent.local_id)] = eid
    return entities, mapping
