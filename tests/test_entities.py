"""Entities: one article's mentions merged and typed from context; entities merged across articles."""
from __future__ import annotations

import json

import pytest

from corroborator.annotate import annotate
from corroborator.extract.entities import find_entities
from corroborator.link.entities import merge_entities
from corroborator.records import Article, ArticleAnalysis, Story

from conftest import SEEDS


def _article(text, aid="a1"):
    return Article(id=aid, path=aid + ".txt", text=text, source_text=text)


def _entities(text, aid="a1"):
    art = _article(text, aid)
    return art, find_entities(art, annotate(text))


def _holding(ents, text, surface):
    """The entities with a mention of ``surface`` (the first occurrence) in ``text``."""
    i = text.index(surface)
    return [e for e in ents if any(s < i + len(surface) and i < t for s, t in e.mentions)]


# ------------------------------------------------------------------ within an article
def test_titles_surnames_and_middle_initials_join_the_full_name():
    text = ("The harbour authority chief, Marta Q. Lindqvist, said on Monday the port would reopen. "
            "Ms. Lindqvist told reporters that repairs were nearly done. "
            "Marta Lindqvist has run the port since 2019, and Lindqvist's deputy backed her.")
    _, ents = _entities(text)
    people = [e for e in ents if "Lindqvist" in e.name]
    assert len(people) == 1, [(e.name, e.aliases) for e in ents]
    p = people[0]
    assert p.type == "PERSON"
    assert len(p.mentions) >= 4
    for s, t in p.mentions:
        assert text[s:t] in ("Marta Q. Lindqvist", "Lindqvist", "Marta Lindqvist"), text[s:t]


def test_acronym_defined_in_text_and_definite_description_join_the_name():
    text = ("Fighters of the Northern Valley Defence Brigade crossed the river at dawn. "
            "The Brigade has about 400 members, officials in Tarsk said. "
            "Last year the Brigade signed a pact with the Coastal Liberation Front, and the CLF has since "
            "claimed two raids.")
    _, ents = _entities(text)
    brig = _holding(ents, text, "Northern Valley Defence Brigade")
    assert len(brig) == 1
    b = brig[0]
    assert b.type == "ORG"
    i = text.index("The Brigade") + 4
    assert any(s <= i < t for s, t in b.mentions), "'the Brigade' was not tied to the full name"
    clf = _holding(ents, text, "Coastal Liberation Front")
    assert len(clf) == 1
    j = text.index("CLF")
    assert any(s <= j < t for s, t in clf[0].mentions), "the acronym was not tied to its definition"
    assert clf[0] is not b


def test_age_and_call_sign_make_a_person_whatever_the_tagger_said():
    text = ("Orlando, a 29-year-old soldier with a call sign, said his unit had moved twice this week. "
            "\"We are ready,\" said one gunner with the call sign Vega, barely 22 years old. "
            "Vega said the shelling had stopped by noon.")
    _, ents = _entities(text)
    orl = _holding(ents, text, "Orlando")
    assert orl and orl[0].type == "PERSON"
    assert orl[0].attributes.get("age") == 29
    assert orl[0].attributes.get("call_sign") is True
    vega = _holding(ents, text, "Vega")
    assert vega and vega[0].type == "PERSON"
    assert vega[0].attributes.get("call_sign") is True
    assert len(vega[0].mentions) == 2


def test_dashed_call_sign_and_age_apposition():
    text = ("Falcon—the military callsign of the commander who would not give his name—said the unit "
            "was holding the bridge. Falcon, 47, said the enemy had withdrawn.")
    _, ents = _entities(text)
    f = _holding(ents, text, "Falcon")
    assert len(f) == 1 and f[0].type == "PERSON"
    assert f[0].attributes.get("call_sign") is True and f[0].attributes.get("age") == 47
    assert len(f[0].mentions) == 2


def test_junk_spans_are_dropped_and_mentions_point_into_the_text():
    text = ("On 12 March 2021, 3,400 people marched in Velmora. The mayor of Velmora, Ines Caldera, "
            "spoke for 20 minutes.")
    _, ents = _entities(text)
    for e in ents:
        assert any(ch.isalpha() for ch in e.name) and e.name[0].isupper(), e.name
        for s, t in e.mentions:
            assert 0 <= s < t <= len(text)
            assert text[s:t] in e.aliases
    assert not any(e.name.startswith(("12", "3,400", "20")) for e in ents)
    assert len({e.local_id for e in ents}) == len(ents)


def test_head_word_collision_keeps_different_organisations_apart():
    text = ("The Eastern Volunteer Legion fought near the dam. It serves under the Southern Legion of Karsk, "
            "a larger force. The Legion's commander said the dam held.")
    _, ents = _entities(text)
    a = _holding(ents, text, "Eastern Volunteer Legion")
    b = _holding(ents, text, "Southern Legion of Karsk")
    assert a and b and a[0] is not b[0]


# ------------------------------------------------------------------ across articles
def _analysis(text, aid):
    art, ents = _entities(text, aid)
    return ArticleAnalysis(article=art, entities=ents, quotes=[], claims=[])


def _global(entities, mapping, analysis, text, surface):
    loc = _holding(analysis.entities, text, surface)
    assert loc, f"{surface!r} not found in {analysis.article.id}"
    gid = mapping[(analysis.article.id, loc[0].local_id)]
    return next(e for e in entities if e.id == gid)


T1 = ("Soldiers of the Freedom for Karsk Legion shelled positions near Dornaya on Tuesday, said Petra Vanko, "
      "a spokeswoman for the regional governor. Vanko said the Legion had lost no men. "
      "The International Legion of Meridia, a separate force, stayed in reserve.")
T2 = ("The Free Karsk Legion said it had taken Dornaya. Regional spokeswoman Petra Vanko confirmed the "
      "advance, and Ms. Vanko added that the Karsk Legion would hold the town.")
T3 = ("Fighting continued near Dornaya. Officials of the Karsk Patriotic Movement denied any role. "
      "Spokesman Tomas Vanko, no relation to the governor's aide, said the movement was neutral.")


@pytest.fixture(scope="module")
def merged():
    an = [_analysis(T1, "a1"), _analysis(T2, "a2"), _analysis(T3, "a3")]
    stories = [Story(id="s1", title="Karsk", articles=["a1", "a2", "a3"])]
    ents, mapping = merge_entities(an, stories)
    return an, ents, mapping


def test_name_variants_merge_across_articles_with_evidence(merged):
    an, ents, mapping = merged
    a = _global(ents, mapping, an[0], T1, "Freedom for Karsk Legion")
    b = _global(ents, mapping, an[1], T2, "Free Karsk Legion")
    assert a.id == b.id
    assert a.evidence and all(isinstance(x, str) for x in a.evidence)
    p1 = _global(ents, mapping, an[0], T1, "Petra Vanko")
    p2 = _global(ents, mapping, an[1], T2, "Petra Vanko")
    assert p1.id == p2.id and p1.type == "PERSON"
    assert _global(ents, mapping, an[0], T1, "Dornaya").id == _global(ents, mapping, an[2], T3, "Dornaya").id


def test_colliding_heads_and_different_first_names_stay_apart(merged):
    an, ents, mapping = merged
    legion = _global(ents, mapping, an[0], T1, "Freedom for Karsk Legion")
    assert _global(ents, mapping, an[0], T1, "International Legion of Meridia").id != legion.id
    assert _global(ents, mapping, an[2], T3, "Karsk Patriotic Movement").id != legion.id
    assert _global(ents, mapping, an[2], T3, "Tomas Vanko").id != _global(ents, mapping, an[0], T1, "Petra Vanko").id


def test_every_local_entity_is_mapped_and_ids_are_deterministic(merged):
    an, ents, mapping = merged
    for a in an:
        for e in a.entities:
            assert (a.article.id, e.local_id) in mapping
    ids = {e.id for e in ents}
    assert set(mapping.values()) == ids
    again, mapping2 = merge_entities(list(reversed(an)), [Story(id="s1", title="Karsk", articles=["a3", "a2", "a1"])])
    assert [e.id for e in again] == [e.id for e in ents]
    assert mapping2 == mapping


def test_short_form_is_not_merged_when_two_full_names_compete():
    t1 = "Minister Jonas Harlow opened the bridge. Jonas Harlow said it cost little."
    t2 = "Critic Edda Harlow attacked the cost. Edda Harlow said it was too high."
    t3 = "Harlow said the bridge was safe."
    an = [_analysis(t1, "b1"), _analysis(t2, "b2"), _analysis(t3, "b3")]
    ents, mapping = merge_entities(an, [Story(id="s", title="bridge", articles=["b1", "b2", "b3"])])
    j = _global(ents, mapping, an[0], t1, "Jonas Harlow")
    e = _global(ents, mapping, an[1], t2, "Edda Harlow")
    h = _global(ents, mapping, an[2], t3, "Harlow")
    assert j.id != e.id
    assert h.id not in (j.id, e.id)


# ------------------------------------------------------------------ the seeds, through the real pipeline
def _seed_entities(data, fname, surface):
    out = set()
    for a in data["articles"]:
        if fname and not a["path"].endswith(fname):
            continue
        t = a["text"]
        occ, i = [], t.find(surface)
        while i >= 0:
            occ.append((i, i + len(surface)))
            i = t.find(surface, i + 1)
        for e in data["entities"]:
            for m in e["mentions"]:
                if m["article"] == a["id"] and any(
                        (s <= m["start"] and m["end"] <= t_) or (m["start"] <= s and t_ <= m["end"]) for s, t_ in occ):
                    out.add(e["id"])
    return out


@pytest.fixture(scope="module")
def seeds(seeds_run):
    data, _ = seeds_run
    gold = json.loads((SEEDS / "seeds-gold.json").read_text())["entities"]
    return data, gold


def test_seed_entities_that_are_one_are_merged(seeds):
    data, gold = seeds
    by_id = {e["id"]: e for e in data["entities"]}
    for item in gold["same"]:
        if not item.get("must"):
            continue
        sets = [_seed_entities(data, f, s) for f, s in item["mentions"]]
        common = set.intersection(*sets)
        assert common, (item["name"], [[by_id[x]["name"] for x in st] for st in sets])
        if "type" in item:
            assert any(by_id[x]["type"] == item["type"] for x in common), item["name"]


def test_seed_entities_that_differ_stay_apart(seeds):
    data, gold = seeds
    for a, b in gold["distinct"]:
        ea, eb = _seed_entities(data, None, a), _seed_entities(data, None, b)
        assert ea and eb, (a, b)
        assert not ea & eb, (a, b)


def test_seed_types_fixed_from_context(seeds):
    data, gold = seeds
    by_id = {e["id"]: e for e in data["entities"]}
    for name, typ in gold["types_stretch"].items():
        es = _seed_entities(data, None, name)
        assert es and all(by_id[x]["type"] == typ for x in es), (name, [by_id[x]["type"] for x in es])
