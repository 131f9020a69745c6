"""Status, independence, conflicts and timeline of claim groups, over invented records."""
from __future__ import annotations

from corroborator.assess import assess_groups, build_timeline
from corroborator.records import (Article, ArticleAnalysis, Claim, ClaimGroup, Derivation, LocalEntity, Quantity,
                                  TimeExpr)


def art(aid, outlet=None, url=None, path=None, published=None, entities=(), claims=()):
    a = Article(id=aid, path=path or f"{aid}.txt", text="x" * 400, source_text="", outlet=outlet, url=url,
                published=published)
    return ArticleAnalysis(article=a, entities=list(entities), quotes=[], claims=list(claims))


def claim(cid, text, attribution="outlet", speaker=None, key=None, q=(), t=(), ents=(), modality="asserted"):
    return Claim(id=cid, start=0, end=len(text), text=text, attribution=attribution, speaker_entity=speaker,
                 speaker_key=key, quantities=list(q), times=list(t), entities=list(ents), modality=modality)


def run(analyses, derivations=(), entity_map=None, linked=True):
    """One group of all the claims; ``linked``: every pair is a confident same-fact link (as the linker makes)."""
    ids = [c.id for a in analyses for c in a.claims]
    links = [{"claims": [x, y], "score": 0.9} for i, x in enumerate(ids) for y in ids[i + 1:]] if linked else []
    g = ClaimGroup(id="g1", story="s1", claims=ids, links=links)
    assess_groups([g], analyses, list(derivations), entity_map or {})
    return g


def test_two_independent_outlets_corroborate():
    g = run([art("a1", "Tillbrook Herald", claims=[claim("c1", "The bridge closed on Sunday.")]),
             art("a2", "Lakeside Bulletin", claims=[claim("c2", "Officials shut the bridge on Sunday.")])])
    assert g.status == "corroborated" and g.independent_outlets == 2
    assert g.outlets == ["Lakeside Bulletin", "Tillbrook Herald"] and g.conflicts == []


def test_a_copy_counts_once():
    g = run([art("a1", "Tillbrook Herald", claims=[claim("c1", "The bridge closed on Sunday.")]),
             art("a2", "Eastern Signal", claims=[claim("c2", "The bridge closed on Sunday.")])],
            derivations=[Derivation(article="a2", source="a1", share=0.7)])
    assert g.status == "single_source" and g.independent_outlets == 1
    assert g.outlets == ["Eastern Signal", "Tillbrook Herald"]


def test_one_outlet_is_single_source():
    g = run([art("a1", "Tillbrook Herald", claims=[claim("c1", "Repairs will cost $2.4 million.")])])
    assert g.status == "single_source" and g.independent_outlets == 1


def test_two_outlets_quoting_the_same_speaker_is_attributed_only():
    e1 = LocalEntity(3, "Maren Oduya", "PERSON", ["Oduya"], [(0, 5)])
    e2 = LocalEntity(7, "Maren Oduya", "PERSON", ["Maren Oduya"], [(0, 5)])
    emap = {("a1", 3): "eOduya", ("a2", 7): "eOduya"}
    g = run([art("a1", "Tillbrook Herald", entities=[e1],
                 claims=[claim("c1", "The bridge stays shut, Oduya said.", "speaker", speaker=3)]),
             art("a2", "Lakeside Bulletin", entities=[e2],
                 claims=[claim("c2", "Oduya said the bridge would stay closed.", "speaker", speaker=7)])],
            entity_map=emap)
    assert g.status == "attributed_only" and g.independent_outlets == 2


def test_speakers_words_in_every_outlet_are_attributed_only_whoever_the_speakers_are():
    mk = lambda k1, k2: run([  # noqa: E731
        art("a1", "Tillbrook Herald", claims=[claim("c1", "A worker said cracks were seen.", "anonymous", key=k1)]),
        art("a2", "Lakeside Bulletin", claims=[claim("c2", "Cracks were seen, a worker said.", "anonymous", key=k2)])])
    assert mk("anon:one worker", "anon:one worker").status == "attributed_only"
    # two different sources saying alike: still no outlet states it in its own voice
    assert mk("anon:one worker", "anon:a county official").status == "attributed_only"


def test_corroborated_needs_two_outlets_in_their_own_voice():
    own = claim("c1", "Cracks were found in the east span.")
    quoted = claim("c2", "Cracks were found in the east span, a worker said.", "anonymous", key="anon:worker")
    g = run([art("a1", "Tillbrook Herald", claims=[own]), art("a2", "Lakeside Bulletin", claims=[quoted])])
    assert g.status == "attributed_only" and g.independent_outlets == 2
    g = run([art("a1", "Tillbrook Herald", claims=[own]),
             art("a2", "Lakeside Bulletin", claims=[claim("c2", "The east span has cracks.")])])
    assert g.status == "corroborated"


def test_an_article_without_outlet_is_an_unknown_source_never_its_path():
    g = run([art("a1", url="https://www.tillbrook-herald.example/news/1", claims=[claim("c1", "It closed.")]),
             art("a2", path="feeds/bulletin.txt", claims=[claim("c2", "It closed.")])])
    assert g.outlets == ["tillbrook-herald.example", "unknown source"] and g.sources == "unknown"
    g = run([art("a1", path="notes/one.txt", claims=[claim("c1", "It closed.")]),
             art("a2", path="notes/two.txt", claims=[claim("c2", "It closed.")])])
    assert g.outlets == ["unknown source"] and g.sources == "unknown"
    assert not any("notes/" in o for o in g.outlets)


def test_two_unknown_sources_linked_by_text_reuse_count_once():
    g = run([art("a1", path="notes/one.txt", claims=[claim("c1", "It closed.")]),
             art("a2", path="notes/two.txt", claims=[claim("c2", "It closed.")])],
            derivations=[Derivation(article="a2", source="a1", share=0.8)])
    assert g.status == "single_source" and g.independent_outlets == 1


def test_different_figures_conflict_with_a_readable_detail():
    qa = Quantity(0, 12, "$732 billion", value=732e9, unit="$")
    qb = Quantity(0, 12, "$740 billion", value=740e9, unit="$")
    g = run([art("a1", "Outlet A", claims=[claim("c1", "$732 billion defence bill passed.", q=[qa])]),
             art("a2", "Outlet B", claims=[claim("c2", "$740 billion defence bill passed.", q=[qb])])])
    assert g.status == "conflicting"
    (c,) = g.conflicts
    assert c.kind == "quantity" and set(c.claims) == {"c1", "c2"}
    assert c.detail == "Outlet A: $732 billion; Outlet B: $740 billion"


def test_claims_in_one_group_without_a_confident_link_are_not_compared():
    qa = Quantity(0, 12, "$732 billion", value=732e9, unit="$")
    qb = Quantity(0, 12, "$740 billion", value=740e9, unit="$")
    g = run([art("a1", "Outlet A", claims=[claim("c1", "$732 billion defence bill passed.", q=[qa])]),
             art("a2", "Outlet B", claims=[claim("c2", "$740 billion defence bill passed.", q=[qb])])], linked=False)
    assert g.conflicts == [] and g.status == "corroborated"


def test_figures_that_count_different_things_do_not_conflict():
    qa = Quantity(13, 15, "14", value=14)
    qb = Quantity(13, 15, "19", value=19)
    g = run([art("a1", "Outlet A", claims=[claim("c1", "The crash left 14 people injured.", q=[qa])]),
             art("a2", "Outlet B", claims=[claim("c2", "The crash left 19 vehicles damaged.", q=[qb])])])
    assert g.conflicts == []


def test_overlapping_vague_ranges_agree():
    hundreds = Quantity(0, 8, "hundreds", low=200, high=999, approximate=True)
    several = Quantity(0, 15, "several hundred", low=300, high=900, approximate=True)
    few = Quantity(0, 11, "few hundred", low=200, high=500, approximate=True)
    g = run([art("a1", "A", claims=[claim("c1", "They number in the hundreds.", q=[hundreds])]),
             art("a2", "B", claims=[claim("c2", "Several hundred are there.", q=[several])]),
             art("a3", "C", claims=[claim("c3", "It has a few hundred members.", q=[few])])])
    assert g.status == "corroborated" and g.conflicts == []


def test_different_days_conflict_but_a_month_and_a_day_in_it_agree():
    tue = TimeExpr(0, 7, "Tuesday", "2025-03-04")
    wed = TimeExpr(0, 9, "Wednesday", "2025-03-05")
    march = TimeExpr(0, 5, "March", "2025-03")
    g = run([art("a1", "A", claims=[claim("c1", "The vote was on Tuesday.", t=[tue])]),
             art("a2", "B", claims=[claim("c2", "The vote was on Wednesday.", t=[wed])])])
    assert g.status == "conflicting" and g.conflicts[0].kind == "time"
    assert "Tuesday" in g.conflicts[0].detail and "Wednesday" in g.conflicts[0].detail
    g = run([art("a1", "A", claims=[claim("c1", "The vote was in March.", t=[march])]),
             art("a2", "B", claims=[claim("c2", "The vote was on Wednesday.", t=[wed])])])
    assert g.status == "corroborated"


def test_denial_conflicts():
    g = run([art("a1", "A", claims=[claim("c1", "The mayor approved the contract.")]),
             art("a2", "B", claims=[claim("c2", "The mayor did not approve the contract.", modality="negated")])])
    assert g.status == "conflicting" and g.conflicts[0].kind == "negation"


def test_an_idiom_is_no_denial():
    g = run([art("a1", "A", claims=[claim("c1", "The council approved the contract, and the mayor was pleased.")]),
             art("a2", "B", claims=[claim("c2", "The mayor can't help but be pleased that the council approved the "
                                                "contract.", modality="negated")])])
    assert g.conflicts == []


def test_an_honorific_is_not_an_attribute():
    e1 = LocalEntity(1, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"title": "Ms."})
    e2 = LocalEntity(4, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"title": "Dr."})
    emap = {("a1", 1): "eB", ("a2", 4): "eB"}
    g = run([art("a1", "A", entities=[e1], claims=[claim("c1", "Ms. Brandvold chairs the board.", ents=[1])]),
             art("a2", "B", entities=[e2], claims=[claim("c2", "Dr. Brandvold chairs the board.", ents=[4])])],
            entity_map=emap)
    assert g.conflicts == []


def test_different_ages_of_one_person_conflict():
    e1 = LocalEntity(1, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"age": 52})
    e2 = LocalEntity(4, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"age": 55})
    emap = {("a1", 1): "eB", ("a2", 4): "eB"}
    g = run([art("a1", "A", entities=[e1], claims=[claim("c1", "Ilse Brandvold, 52, chairs the board.", ents=[1])]),
             art("a2", "B", entities=[e2], claims=[claim("c2", "Ilse Brandvold, 55, chairs the board.", ents=[4])])],
            entity_map=emap)
    assert g.status == "conflicting"
    assert [c.kind for c in g.conflicts] == ["attribute"] and "52" in g.conflicts[0].detail


def test_timeline_orders_dated_claims():
    a = art("a1", "A", claims=[claim("c1", "On March 4 it burned.", t=[TimeExpr(0, 7, "March 4", "2026-03-04")]),
                               claim("c2", "In 2019 it was built.", t=[TimeExpr(3, 7, "2019", "2019")]),
                               claim("c3", "This month it reopens.", t=[TimeExpr(0, 10, "This month", None)])])
    assert build_timeline([a], []) == [("2019", ["c2"]), ("2026-03-04", ["c1"])]


def test_a_negated_claim_about_something_else_is_no_denial():
    g = run([art("a1", "A", claims=[claim("c1", "Volunteers of the Ostrava Brigade number in the hundreds and have "
                                                "fought in the north.")]),
             art("a2", "B", claims=[claim("c2", "After a year of war the brigade has not drawn much attention, "
                                                "partly to protect its soldiers.", modality="negated")])])
    assert g.status == "corroborated" and g.conflicts == []


def test_people_and_a_kind_of_people_count_the_same_but_not_things():
    qa = Quantity(27, 29, "14", value=14)
    qb = Quantity(0, 8, "Nineteen", value=19)
    ca = claim("c1", "The fire on Tuesday injured 14 dock workers.", q=[qa])
    g = run([art("a1", "Outlet A", claims=[ca]),
             art("a2", "Outlet B", claims=[claim("c2", "Nineteen people were hurt in the fire.", q=[qb])])])
    assert g.status == "conflicting" and g.conflicts[0].kind == "quantity"
    qc = Quantity(10, 12, "19", value=19)
    g = run([art("a1", "Outlet A", claims=[ca]),
             art("a2", "Outlet B", claims=[claim("c2", "The fire, 19 containers wide, hurt people.", q=[qc])])])
    assert g.conflicts == []


def test_two_events_on_two_days_are_no_date_conflict():
    tue = TimeExpr(0, 7, "Tuesday", "2025-03-04")
    wed = TimeExpr(0, 9, "Wednesday", "2025-03-05")
    ca = claim("c1", "The governor urged changes to the bill on Tuesday.", t=[tue])
    cb = claim("c2", "The governor signed the bill on Wednesday.", t=[wed])
    ca.predicate, cb.predicate = "urge", "sign"
    g = run([art("a1", "A", claims=[ca]), art("a2", "B", claims=[cb])])
    assert g.conflicts == []
    cb.predicate = "urge"
    g = run([art("a1", "A", claims=[ca]), art("a2", "B", claims=[cb])])
    assert [c.kind for c in g.conflicts] == ["time"]


def test_a_role_that_is_no_office_is_no_attribute_conflict():
    def roles(ra, rb):
        e1 = LocalEntity(1, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"role": ra})
        e2 = LocalEntity(4, "Ilse Brandvold", "PERSON", ["Brandvold"], [(0, 14)], attributes={"role": rb})
        return run([art("a1", "A", entities=[e1], claims=[claim("c1", f"Brandvold, a {ra}, spoke.", ents=[1])]),
                    art("a2", "B", entities=[e2], claims=[claim("c2", f"Brandvold, a {rb}, spoke.", ents=[4])])],
                   entity_map={("a1", 1): "eB", ("a2", 4): "eB"})
    assert roles("mother", "senator").conflicts == []
    assert [c.kind for c in roles("governor", "senator").conflicts] == ["attribute"]
    # a post beside an office, and two words for one office, are no disagreement
    assert roles("representative", "chairman").conflicts == []
    assert roles("spokesperson", "spokeswoman").conflicts == []
    assert roles("congressman", "rep.").conflicts == []


def test_one_copula_with_two_complements_is_no_denial():
    # "was not strict enough" does not deny "was part of a panel": one verb, two things said
    def pair(text_b, core_b):
        ca = claim("c1", "Brandvold was not strict enough on the harbour levy.", modality="negated")
        ca.predicate, ca.core = "be", ["be", "brandvold", "strict", "levy"]
        cb = claim("c2", text_b)
        cb.predicate, cb.core = "be", core_b
        return run([art("a1", "A", claims=[ca]), art("a2", "B", claims=[cb])])
    assert pair("Brandvold was part of a panel drafting the harbour levy.",
                ["be", "brandvold", "part", "group"]).conflicts == []
    denied = pair("Brandvold was strict enough on the harbour levy.", ["be", "brandvold", "strict", "levy"])
    assert [c.kind for c in denied.conflicts] == ["negation"]


def test_one_speaker_quoted_both_ways_is_a_conflict_two_speakers_are_not():
    e1 = LocalEntity(1, "Tomas Reyl", "PERSON", ["Reyl"], [(0, 4)])
    e2 = LocalEntity(3, "Tomas Reyl", "PERSON", ["Reyl"], [(0, 4)])
    ca = claim("c1", "Passing the levy would raise the risk of a downturn, Reyl said.", "speaker", speaker=1)
    cb = claim("c2", "Not passing the levy would raise the risk of a downturn, Reyl said.", "speaker", speaker=3,
               modality="negated")
    emap = {("a1", 1): "eR", ("a2", 3): "eR"}
    g = run([art("a1", "A", entities=[e1], claims=[ca]), art("a2", "B", entities=[e2], claims=[cb])],
            entity_map=emap)
    assert [c.kind for c in g.conflicts] == ["negation"]
    emap = {("a1", 1): "eR", ("a2", 3): "eOther"}
    g = run([art("a1", "A", entities=[e1], claims=[ca]), art("a2", "B", entities=[e2], claims=[cb])],
            entity_map=emap)
    assert g.conflicts == []


def test_two_exact_figures_nearly_equal_conflict_despite_an_open_bound():
    over = Quantity(30, 39, "over $300", value=300.0, low=300.0, unit="$")
    qa = Quantity(10, 19, "$5,687.75", value=5687.75, unit="$")
    qb = Quantity(10, 19, "$5,587.75", value=5587.75, unit="$")
    ca = claim("c1", "He spent $5,687.75 on a retreat and over $300 on meals.", q=[qa, over])
    cb = claim("c2", "He spent $5,587.75 on a retreat.", q=[qb])
    g = run([art("a1", "A", claims=[ca]), art("a2", "B", claims=[cb])])
    assert [c.kind for c in g.conflicts] == ["quantity"] and "$5,587.75" in g.conflicts[0].detail


def test_up_to_a_figure_against_a_close_lower_figure_conflicts_nearly_does_not():
    upto = Quantity(13, 30, "up to 2.4 million", value=2.4e6, high=2.4e6, approximate=True)
    exact = Quantity(13, 24, "2.3 million", value=2.3e6)
    ca = claim("c1", "Outages hit up to 2.4 million customers.", q=[upto])
    cb = claim("c2", "Outages hit 2.3 million customers.", q=[exact])
    g = run([art("a1", "A", claims=[ca]), art("a2", "B", claims=[cb])])
    assert [c.kind for c in g.conflicts] == ["quantity"] and "up to 2.4 million" in g.conflicts[0].detail
    nearly = Quantity(0, 9, "Nearly 90", value=90.0, high=90.0, approximate=True)
    g = run([art("a1", "A", claims=[claim("c1", "Nearly 90 teachers signed the letter.", q=[nearly])]),
             art("a2", "B", claims=[claim("c2", "88 teachers signed the letter.", q=[Quantity(0, 2, "88", value=88.0)])])])
    assert g.conflicts == []


def test_one_record_per_disagreement_naming_every_outlet_with_each_figure():
    def q(text, start=12):
        return [Quantity(start, start + len(text), text, value=2.3e6)] if not text.startswith("up") else \
            [Quantity(start, start + len(text), text, value=2.4e6, high=2.4e6, approximate=True)]
    g = run([art("a1", "Harbour Post", claims=[claim("c1", "Outages hit up to 2.4 million customers.",
                                                     q=q("up to 2.4 million"))]),
             art("a2", "Daily Ledger", claims=[claim("c2", "Outages hit 2.3 million customers.", q=q("2.3 million"))]),
             art("a3", "Quay Radio", claims=[claim("c3", "Outages hit 2.3 million customers.", q=q("2.3 million"))])])
    assert g.status == "conflicting"
    (c,) = g.conflicts
    assert c.detail == "Harbour Post: up to 2.4 million; Daily Ledger, Quay Radio: 2.3 million"
