"""Claim groups: the same fact across articles aligns, look-alikes stay apart; and the seeds' gold."""
from __future__ import annotations

import json
import os
import pathlib
import re

import numpy as np
import pytest

from corroborator.assess import assess_groups
from corroborator.link.claims import group_claims
from corroborator.link.claims_text import normalize_text, words
from corroborator.records import Article, ArticleAnalysis, Claim, Quantity, Story, TimeExpr

SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"

_NUM = re.compile(r"\$?\d[\d,.]*(?: (?:billion|million))?")


def _quantities(text):
    """Hand-rolled figures for the tests (the real parser is tested elsewhere)."""
    out = []
    for m in _NUM.finditer(text):
        s = m.group(0)
        v = float(re.sub(r"[^\d.]", "", s.split()[0]).rstrip(".") or 0)
        v *= 1e9 if "billion" in s else 1e6 if "million" in s else 1
        out.append(Quantity(m.start(), m.end(), s, value=v, unit="$" if s.startswith("$") else None))
    return out


def article(aid, outlet, sentences, day=None):
    from corroborator.annotate import embed_texts

    text = " ".join(sentences)
    a = Article(id=aid, path=f"{aid}.txt", text=text, source_text=text, outlet=outlet)
    claims, pos = [], 0
    for i, s in enumerate(sentences):
        times = [TimeExpr(s.index(w), s.index(w) + len(w), w, v) for w, v in (day or {}).items() if w in s]
        claims.append(Claim(id=f"{aid}c{i}", start=pos, end=pos + len(s), text=s, attribution="outlet",
                            quantities=_quantities(s), times=times))
        pos += len(s) + 1
    return ArticleAnalysis(article=a, entities=[], quotes=[], claims=claims,
                           claim_vectors=list(embed_texts([c.text for c in claims])))


def groups_for(*analyses):
    story = Story(id="s1", title="t", articles=sorted(a.article.id for a in analyses))
    groups = group_claims(list(analyses), [story], {})
    assess_groups(groups, list(analyses), [], {})
    return groups, {c: g for g in groups for c in g.claims}


FILLER_A = ["Farm groups in the valley welcomed the decision and said they would lobby the Senate next.",
            "The measure now goes to the Senate, where its fate is uncertain.",
            "Critics said the subsidies favour the largest growers."]
FILLER_B = ["Dairy farmers held a rally outside the county fairground on Thursday.",
            "Several senators have said they will try to amend the measure.",
            "The agriculture secretary praised lawmakers for acting quickly."]


def test_every_claim_in_exactly_one_group_with_stable_ids():
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill."] + FILLER_A)
    b = article("b1", "Courier", ["The farm subsidy bill cleared the House on Wednesday; the vote was 251 to 174."]
                + FILLER_B)
    g1, _ = groups_for(a, b)
    g2, _ = groups_for(b, a)
    ids = [c for g in g1 for c in g.claims]
    assert sorted(ids) == sorted(c.id for x in (a, b) for c in x.claims) and len(ids) == len(set(ids))
    assert [(g.id, g.claims) for g in g1] == [(g.id, g.claims) for g in g2]


def test_paraphrases_of_one_fact_align():
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill."] + FILLER_A)
    b = article("b1", "Courier", ["The farm subsidy bill cleared the House on Wednesday; the vote was 251 to 174."]
                + FILLER_B)
    _, of = groups_for(a, b)
    assert of["a1c0"] is of["b1c0"]
    assert of["a1c0"].status == "corroborated" and of["a1c0"].independent_outlets == 2


def test_two_votes_on_one_bill_stay_apart():
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill.",
                                 "An amendment to cap payments failed 198-229 earlier in the day."] + FILLER_A)
    b = article("b1", "Courier", ["Lawmakers rejected the payment cap amendment 198 to 229."] + FILLER_B)
    _, of = groups_for(a, b)
    assert of["b1c0"] is of["a1c1"]
    assert of["b1c0"] is not of["a1c0"]


def test_cost_of_a_plan_and_the_debt_it_cancels_stay_apart():
    a = article("a1", "Herald", ["The loan forgiveness plan will cost about $400 billion over ten years."] + FILLER_A)
    b = article("b1", "Courier", ["The loan forgiveness plan cancels up to $10,000 in debt for each borrower."]
                + FILLER_B)
    _, of = groups_for(a, b)
    assert of["a1c0"] is not of["b1c0"]


def test_a_differing_figure_for_the_same_fact_is_a_conflict():
    a = article("a1", "Outlet A", ["The Senate passed the $732 billion defence bill on Tuesday."] + FILLER_A)
    b = article("b1", "Outlet B", ["The Senate passed the $740 billion defence bill on Tuesday."] + FILLER_B)
    _, of = groups_for(a, b)
    g = of["a1c0"]
    assert g is of["b1c0"] and g.status == "conflicting"
    assert any(c.kind == "quantity" and "$732 billion" in c.detail and "$740 billion" in c.detail
               for c in g.conflicts)


def test_linked_claims_chain_into_groups_of_a_few_statements_per_article():
    # claims 0-4 are article A's, 5-9 article B's; pairwise links chain A0-B5-A1-B6-A2-B7-A3-B8-A4-B9. Joined
    # unchecked they make one group of the whole story; strongest first and at most MAX_PER_ARTICLE claims of
    # an article per group, the weakest links of the chain are the ones refused
    import numpy as np

    from corroborator.link.claims import MAX_PER_ARTICLE, _merge_links

    article_of = np.array([0] * 5 + [1] * 5)
    chain = [(0, 5), (5, 1), (1, 6), (6, 2), (2, 7), (7, 3), (3, 8), (8, 4), (4, 9)]
    links = [(0.9 - 0.05 * k, min(x, y), max(x, y)) for k, (x, y) in enumerate(chain)]
    parent = list(range(10))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    _merge_links(links, parent, find, article_of)
    groups = {}
    for i in range(10):
        groups.setdefault(find(i), []).append(i)
    assert len(groups) > 1
    for members in groups.values():
        assert max(np.bincount(article_of[members])) <= MAX_PER_ARTICLE
    assert find(0) == find(5) == find(1)          # the strongest links hold


def test_tokenised_text_is_normalised():
    assert normalize_text("$ 10,000 and 251 - 174 on Wednesday ’s vote") == "$10000 and 251-174 on Wednesday's vote"
    assert words("the vote was 251 to 174") == words("the vote was 251 - 174")
    assert "10000" in " ".join(words("$ 10,000"))


# ----------------------------------------------------------------------------------- the seeds' gold


@pytest.fixture(scope="module")
def seeds_ledger():
    if not (SHARED / "seeds" / "seeds-gold.json").exists():
        pytest.skip("../shared/seeds not available")
    from corroborator.ingest import discover, read_input
    from corroborator.pipeline import link_and_assess, process_batch
    from corroborator.records import InputDoc

    docs = [d for f in discover([SHARED / "seeds"]) for d in read_input(f) if isinstance(d, InputDoc)]
    analyses = [r for _, r in process_batch(docs) if isinstance(r, ArticleAnalysis)]
    stories, _, _, _, groups, _, _ = link_and_assess(analyses)
    return analyses, groups, json.loads((SHARED / "seeds" / "seeds-gold.json").read_text())


def _claims_with(analyses, file, sub):
    a = next(x for x in analyses if os.path.basename(x.article.path) == file)
    return [c for c in a.claims if sub in a.article.text[c.start:c.end]]


def seeds_report(analyses, groups, gold):
    of = {c: g for g in groups for c in g.claims}
    res = {}
    for item in gold["claim_groups"]:
        members = [_claims_with(analyses, f, s) for f, s in item["members"]]
        common = set.intersection(*[{of[c.id].id for c in m} for m in members]) if all(members) else set()
        res[item["id"]] = any(g.status == item["expected_status"] for g in groups if g.id in common)
    for f, s in gold["single_source"]:
        cs = _claims_with(analyses, f, s)
        res["single:" + s] = bool(cs) and all(of[c.id].status == "single_source" for c in cs)
    return res


def test_seeds_gold(seeds_ledger):
    analyses, groups, gold = seeds_ledger
    res = seeds_report(analyses, groups, gold)
    print("seeds gold:", json.dumps(res, indent=1))
    singles = {k: v for k, v in res.items() if k.startswith("single:")}
    assert all(singles.values()), singles


# ------------------------------------------------------------------ quantity anchors (vague counts)
def _vague(analysis, phrases):
    """Add hand-made vague figures ({phrase: (low, high)}) to the claims of ``analysis`` that contain them."""
    for c in analysis.claims:
        for p, (lo, hi) in phrases.items():
            i = c.text.find(p)
            if i >= 0:
                c.quantities.append(Quantity(c.start + i, c.start + i + len(p), p, value=None, low=lo, high=hi,
                                             approximate=True))
    return analysis


HUNDREDS = {"hundreds": (200.0, 999.0), "several hundred": (200.0, 999.0)}
FILLER_W_A = ["The brigade's commander declined to give interviews this week.",
              "Recruits train for six weeks before they are sent to the front.",
              "The brigade publishes videos of its operations on a messaging channel."]
FILLER_W_B = ["Officials in the capital declined to comment on the brigade's losses.",
              "Its fighters wear blue armbands to tell themselves apart.",
              "The defence ministry approved the brigade's formation in a decree."]


@pytest.mark.xfail(strict=False, reason="precision first (issue 20): a shared vague count with few shared words "
                                        "scores below the link threshold of the fitted same-fact model")
def test_agreeing_vague_counts_anchor_one_fact_worded_apart():
    a = _vague(article("a1", "Herald", ["Volunteers of the Ostrava Brigade, formed soon after the offensive began, "
                                        "number in the hundreds and have fought in the north."] + FILLER_W_A),
               HUNDREDS)
    b = _vague(article("b1", "Courier", ["It is believed that several hundred are deployed around Velmar, "
                                         "in the northern region."] + FILLER_W_B), HUNDREDS)
    _, of = groups_for(a, b)
    assert of["a1c0"] is of["b1c0"] and of["a1c0"].status == "corroborated"


def test_the_same_vague_count_of_different_things_stays_apart():
    a = _vague(article("a1", "Herald", ["Hundreds of residents were evacuated from the riverside district."]
                       + FILLER_A), {"Hundreds": (200.0, 999.0)})
    b = _vague(article("b1", "Courier", ["Several hundred firefighters battled the blaze through the night."]
                       + FILLER_B), {"Several hundred": (200.0, 999.0)})
    _, of = groups_for(a, b)
    assert of["a1c0"] is not of["b1c0"]


def test_a_vague_range_and_a_figure_at_its_edge_are_not_one_fact():
    a = _vague(article("a1", "Herald", ["Volunteers of the Ostrava Brigade number in the hundreds, officials said."]
                       + FILLER_W_A), HUNDREDS)
    b = article("b1", "Courier", ["The gunners fired about 1000 shells at the ridge last night."] + FILLER_W_B)
    b.claims[0].quantities[0].approximate = True
    _, of = groups_for(a, b)
    assert of["a1c0"] is not of["b1c0"]


# ------------------------------------------------- the same speaker quoted in two outlets, worded apart
def _speaker(analysis, indexes, local_id=0):
    for i in indexes:
        analysis.claims[i].attribution, analysis.claims[i].speaker_entity = "speaker", local_id
    return analysis


FILLER_T_A = ["Residents packed the town hall for the meeting on Monday evening.",
              "Several shop owners asked about parking during the works.",
              "The meeting ran for almost three hours."]
FILLER_T_B = ["The plan was first floated in a newsletter last spring.",
              "Opposition councillors called the timetable unrealistic.",
              "A public consultation closes at the end of the month."]


def _mayor(b_first, same_speaker=True):
    a = _speaker(article("a1", "Herald", ["We will tear down the old tannery and plant an orchard where it stood.",
                                          "The council will also repave the market square before the summer fair."]
                         + FILLER_T_A), [0, 1])
    b = _speaker(article("b1", "Courier", [b_first, "The town will hire twelve more teachers for its primary "
                                           "school next year."] + FILLER_T_B), [0, 1])
    emap = {("a1", 0): "e-mayor", ("b1", 0): "e-mayor" if same_speaker else "e-other"}
    story = Story(id="s1", title="t", articles=["a1", "b1"])
    groups = group_claims([a, b], [story], emap)
    assess_groups(groups, [a, b], [], emap)
    return {c: g for g in groups for c in g.claims}


@pytest.mark.xfail(strict=False, reason="precision first (issue 20): a loose paraphrase by one speaker scores "
                                        "below the link threshold of the fitted same-fact model")
def test_one_speaker_paraphrased_in_two_outlets_aligns_and_is_attributed_only():
    # few shared words: the same speaker saying it in both outlets is what ties the two together
    of = _mayor("The derelict leather works will be knocked down to make room for an orchard.")
    assert of["a1c0"] is of["b1c0"] and of["a1c0"].status == "attributed_only"


def test_one_speakers_different_plans_stay_apart():
    para = "The derelict leather works will be knocked down to make room for an orchard."
    for same in (True, False):
        of = _mayor(para, same_speaker=same)
        assert of["a1c0"] is not of["b1c1"] and of["a1c1"] is not of["b1c1"] and of["a1c1"] is not of["b1c0"]
    # with two different speakers, the loose paraphrase alone is not enough
    of = _mayor(para, same_speaker=False)
    assert of["a1c0"] is not of["b1c0"]


def test_one_sentence_restating_two_sentences_joins_the_closer_one():
    a = _speaker(article("a1", "Herald", ["The army will free the southern provinces first.",
                                          "Then we will march on the capital and remove the generals.",
                                          "Our volunteers train every day in the forest camps."] + FILLER_W_A),
                 [0, 1, 2])
    b = _speaker(article("b1", "Courier", ["Once the south is liberated, we will head for the capital to topple the "
                                           "generals, he said.",
                                           "The volunteers train in forest camps every day, he added."]
                         + FILLER_W_B), [0, 1])
    emap = {("a1", 0): "e-cmdr", ("b1", 0): "e-cmdr"}
    groups = group_claims([a, b], [Story(id="s1", title="t", articles=["a1", "b1"])], emap)
    of = {c: g for g in groups for c in g.claims}
    # the restatement joins the sentence it shares most with; the other half of it is not the same fact alone
    assert of["b1c0"] is of["a1c1"]
    assert of["b1c1"] is of["a1c2"] and of["a1c2"] is not of["a1c0"] and of["a1c2"] is not of["a1c1"]


def _with_model(monkeypatch, tmp_path, **change):
    """Link with the shipped same-fact model, some of its thresholds changed (a copy, not checked by digest)."""
    from corroborator.link import samefact
    m = json.loads(samefact.MODEL_PATH.read_text(encoding="utf-8"))
    m.update(change)
    path = tmp_path / f"model-{len(list(tmp_path.glob('model-*.json')))}.json"     # a new file: models are cached by path
    path.write_text(json.dumps(m), encoding="utf-8")
    monkeypatch.setattr(samefact, "MODEL", str(path))
    monkeypatch.setattr(samefact, "MODEL_SHA256", None)
    return m


def test_two_outlets_own_words_link_only_above_the_stricter_threshold(monkeypatch, tmp_path):
    # what makes a fact corroborated is two outlets stating it in their own voice: such a link needs the
    # model's own_voice_link_threshold; below it the two claims are only related, never corroborated
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill."] + FILLER_A)
    b = article("b1", "Courier", ["The farm subsidy bill cleared the House on Wednesday; the vote was 251 to 174."]
                + FILLER_B)
    m = _with_model(monkeypatch, tmp_path, own_voice_link_threshold=1.01)
    _, of = groups_for(a, b)
    assert of["a1c0"] is not of["b1c0"]
    assert of["a1c0"].status == "single_source"
    assert of["b1c0"].id in [r["group"] for r in of["a1c0"].related]
    m = _with_model(monkeypatch, tmp_path, own_voice_link_threshold=m["link_threshold"])
    _, of = groups_for(a, b)
    assert of["a1c0"] is of["b1c0"] and of["a1c0"].status == "corroborated"


def test_word_alignment_prefers_the_restatement_to_a_topical_neighbour():
    from corroborator.link.claims import _Story
    from corroborator.link.samefact import alignment
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill."] + FILLER_A)
    b = article("b1", "Courier", ["The farm subsidy bill cleared the House on Wednesday; the vote was 251 to 174."]
                + FILLER_B)
    st = _Story([a, b], {})
    st.pieces(range(len(st.items)))
    same = alignment(st, 0, 4)          # a1c0 against b1c0
    topical = alignment(st, 0, 5)       # a1c0 against "Dairy farmers held a rally ..."
    assert same[0] > topical[0] and same[1] > topical[1]
    assert 0.0 < topical[0] < same[0] <= 1.0


def test_word_vectors_kept_from_the_embedding_run_equal_those_computed_later():
    from corroborator.annotate import vectors
    text = "The council approved a new budget of $4.1 million for the harbour on Monday."
    vectors.TOKEN_CACHE.pop(text, None)
    vectors.EMBED_CACHE.pop(text, None)
    vectors.embed_cached([text], tokens=True)
    assert text in vectors.TOKEN_CACHE
    kept = vectors.take_tokens([text])[0]
    assert text not in vectors.TOKEN_CACHE               # taken: a claim is linked in one story only
    again = vectors.take_tokens([text])[0]               # not kept any more: computed
    assert kept[0] == again[0] and (kept[1] == again[1]).all()
    assert "council" in kept[0] and all(p.isalnum() for p in kept[0])


def test_word_vectors_are_kept_only_while_the_model_uses_them(monkeypatch, tmp_path):
    from corroborator.annotate import vectors
    from corroborator.link import samefact
    from corroborator.link.claims import needs_word_vectors
    from corroborator.pipeline import link_and_assess
    m = json.loads(samefact.MODEL_PATH.read_text(encoding="utf-8"))
    uses = samefact.uses_alignment(m)
    assert needs_word_vectors() is uses
    a = article("a1", "Herald", ["The House voted 251-174 on Wednesday to pass the farm subsidy bill."] + FILLER_A)
    b = article("b1", "Courier", ["The farm subsidy bill cleared the House on Wednesday; the vote was 251 to 174."]
                + FILLER_B)
    for an in (a, b):
        an.claim_vectors = []           # embedded by the linking run, as a fresh run does
    vectors.drop_tokens()
    link_and_assess([a, b])
    assert vectors.TOKEN_CACHE == {}    # taken by the story's scoring, or never kept, and none left behind
    weights = [0.5 if f in ("align", "align_w") else w for f, w in zip(m["features"], m["weights"])]
    _with_model(monkeypatch, tmp_path, weights=weights)
    assert needs_word_vectors()


def test_plain_overlap_counts_what_is_said_of_a_name_not_the_name():
    # "Harbour Governor Lena Ostrova" in both claims is a shared name; "signed the levy" is what the fact is
    from corroborator.link.claims import _Story
    from corroborator.records import LocalEntity

    def with_name(aid, outlet, sentences):
        an = article(aid, outlet, sentences)
        text = an.article.text
        an.entities = [LocalEntity(1, "Lena Ostrova", "PERSON", ["Ostrova"],
                                   [(m.start(), m.end()) for m in re.finditer("Harbour Governor Lena Ostrova", text)])]
        for c in an.claims:
            c.entities = [1]
        return an
    a = with_name("a1", "Herald", ["Harbour Governor Lena Ostrova signed the fishing levy on Monday night."])
    b = with_name("b1", "Courier", ["On Monday night the fishing levy was signed by Harbour Governor Lena Ostrova.",
                                    "Harbour Governor Lena Ostrova was booed at the regatta on Sunday."])
    st = _Story([a, b], {("a1", 1): "E", ("b1", 1): "E"})
    plain = st.components(np.array([0]), np.array([1, 2]), plain=True)["lex_plain"][0]
    assert plain[0] > 0.5 and plain[1] < 0.1


def _fragment_article():
    """An article whose second claim is cut from its sentence ("she is challenging him for it")."""
    from corroborator.annotate import embed_texts
    first = "Ferry fares on the Marl Island route will rise by 8 percent in March."
    second = "Councillor Mara Venn said on Friday that she is challenging him for it, after the mayor backed the rise."
    text = f"{first} {second}"
    frag = "she is challenging him for it"
    s2 = len(first) + 1
    a = Article(id="a1", path="a1.txt", text=text, source_text=text, outlet="Herald")
    claims = [Claim(id="a1c0", start=0, end=len(first), text=first, attribution="outlet"),
              Claim(id="a1c1", start=text.index(frag), end=text.index(frag) + len(frag), text=frag,
                    attribution="speaker")]
    return ArticleAnalysis(article=a, entities=[], quotes=[], claims=claims,
                           claim_vectors=list(embed_texts([c.text for c in claims])),
                           sentences=[(0, len(first)), (s2, len(text))]), second


def test_a_claim_cut_from_its_sentence_is_compared_through_the_sentence_too():
    from corroborator.annotate import embed_texts
    from corroborator.link.claims import _Story
    a, second = _fragment_article()
    b = article("b1", "Courier", ["Councillor Mara Venn has launched a bid to unseat the mayor over the ferry fare rise."])
    st = _Story([a, b], {})
    st.contexts(range(len(st.items)))
    # a whole-sentence claim keeps its own vector; the fragment gets its sentence's
    assert np.allclose(st.context[0], st.V0[0]) and np.allclose(st.context[2], st.V0[2])
    assert np.allclose(st.context[1], embed_texts([second])[0], atol=1e-5)
    # "she is challenging him for it" alone says nothing of who or what; its sentence matches the other report
    assert float(st.context[1] @ st.context[2]) > float(st.V0[1] @ st.V0[2]) + 0.2


def test_sentence_vectors_are_made_only_while_the_model_weighs_them(monkeypatch, tmp_path):
    from corroborator.link import samefact
    from corroborator.link.claims import story_pairs
    m = json.loads(samefact.MODEL_PATH.read_text(encoding="utf-8"))
    a, _ = _fragment_article()
    b = article("b1", "Courier", ["Councillor Mara Venn has launched a bid to unseat the mayor over the ferry fare rise."])
    ctx = ("sent_cos", "sent_cos_sq")
    weighs = dict(zip(m["features"], m["weights"]))
    st, pairs = story_pairs([a, b], {}, samefact.model())
    assert samefact.uses_context(m) is any(weighs.get(f, 0.0) for f in ctx)
    if not samefact.uses_context(m):
        assert not hasattr(st, "context")
        assert pairs and all(x[samefact.FEATURES.index("sent_cos")] == 0.0 for *_, x in pairs)
    # a model that weighs them (the shipped one with a weight on the sentences' similarity)
    keep = [k for k, f in enumerate(m["features"]) if f not in ctx]
    _with_model(monkeypatch, tmp_path, features=[m["features"][k] for k in keep] + list(ctx),
                mean=[m["mean"][k] for k in keep] + [0.0, 0.0], scale=[m["scale"][k] for k in keep] + [1.0, 1.0],
                weights=[m["weights"][k] for k in keep] + [0.5, 0.0])
    st, pairs = story_pairs([a, b], {}, samefact.model())
    assert samefact.uses_context(samefact.model()) and st.context
    sims = {(st.items[i][1].id, st.items[j][1].id): x[samefact.FEATURES.index("sent_cos")] for i, j, _p, x in pairs}
    assert sims                                    # each pair scored carries its sentences' similarity
    for (x, y), sim in sims.items():
        i, j = (next(k for k, (_, c) in enumerate(st.items) if c.id == cid) for cid in (x, y))
        assert sim == pytest.approx(float(st.context[i] @ st.context[j]), abs=1e-5) and sim > 0.0
