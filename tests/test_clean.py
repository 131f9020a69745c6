"""clean: body, captions, removed boilerplate, metadata and an exact source_map, on invented pages."""
import json
import pathlib

import pytest

from corroborator.clean import clean_document
from corroborator.clean.words import has_lexicon, is_word
from corroborator.errors import InputError, LimitExceeded
from corroborator.ingest import read_input
from corroborator.records import InputDoc

FIX = pathlib.Path(__file__).parent / "fixtures" / "clean"
SEEDS = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def assert_source_map(a):
    assert a.source_map, "no source map"
    covered = 0
    for x, y, s in a.source_map:
        assert a.text[x:y] == a.source_text[s:s + y - x]
        covered += y - x
    # nearly every body character is mapped (only paragraph breaks and re-join spaces are not)
    assert covered >= 0.95 * len(a.text.replace("\n\n", ""))
    for c in a.captions:
        if c.source_start is not None:
            assert a.source_text[c.source_start:c.source_start + len(c.text)] == c.text
    for r in a.removed:
        if r.source_start is not None:
            assert a.source_text[r.source_start:r.source_start + len(r.text)] == r.text


def clean_file(path):
    return clean_document(next(read_input(path)))


def test_messy_scrape_body_captions_and_boilerplate():
    a = clean_file(FIX / "messy_scrape.txt")
    assert_source_map(a)
    assert a.title == "Harbour Town Votes To Rebuild Storm-Wrecked Pier"
    assert not a.text.startswith("Harbour Town")
    assert a.text.startswith("The town council of Port Ellery voted on Tuesday")
    assert a.text.rstrip().endswith("visitors had stayed away since the pier closed.")
    for junk in ("Read Next", "Source: Coastline Courier", "Getty Images", "WEEKEND TIDE TABLES", "committed to",
                 "About the writer", "Senior Reporter", "delivered to your door", "Port Ellery pier after the storm",
                 "Fishermen unload crates"):
        assert junk not in a.text, junk
    caps = [c.text for c in a.captions]
    assert "This photo shows the collapsed end of the Port Ellery pier on March 3, 2024." in caps
    assert any(c.startswith("Fishermen unload crates of mackerel") and "Getty" not in c for c in caps)
    kinds = {r.kind for r in a.removed}
    assert {"related_link", "caption_credit", "duplicate", "promo", "author_bio"} <= kinds
    assert [a.text[s:e] for s, e in a.headings] == ["Funding And Delays"]
    assert a.outlet == "Coastline Courier"
    assert a.authors == ["Rosa Tremaine"]
    assert a.published is None and a.published_not_before == "2024-04-09"


@pytest.mark.skipif(not has_lexicon(), reason="no word list in the installed model package")
def test_split_word_repaired_with_exact_map():
    a = clean_file(FIX / "messy_scrape.txt")
    assert "moved their boats to a temporary mooring further along the bay" in a.text
    i = a.text.index("temporary")
    runs = [r for r in a.source_map if r[0] <= i + 9 and r[1] >= i]
    assert len(runs) == 2          # "tempo" and "rary" come from two places in the source
    assert_source_map(a)


def test_is_word():
    if not has_lexicon():
        pytest.skip("no word list")
    assert is_word("little") and is_word("houses") and is_word("temporary")
    assert not is_word("tle") and not is_word("rary")


def test_html_page_metadata_and_body():
    a = clean_file(FIX / "page.html")
    assert_source_map(a)
    assert a.title == "Valley Orchard Growers Report Record Apple Harvest"
    assert a.outlet == "The Valley Ledger"
    assert a.authors == ["Tomas Wendell"]
    assert (a.published, a.published_from) == ("2023-09-14", "page")
    assert a.text.startswith("Orchard growers across the Marren Valley")
    assert "a request officials said they would consider next month." in a.text
    for junk in ("Most read", "bus lanes", "All rights reserved", "Home"):
        assert junk not in a.text
    assert "Shortage of pickers" in [a.text[s:e] for s, e in a.headings]


def test_metadata_given_wins_over_page():
    html = (FIX / "page.html").read_text(encoding="utf-8")
    a = clean_document(InputDoc("x.html", "html", html, url="https://example.org/a", outlet="Other Desk",
                                published="2023-01-02", title="Given Title", authors=("Ann Given",)))
    assert (a.outlet, a.title, a.authors, a.published, a.published_from) == \
        ("Other Desk", "Given Title", ["Ann Given"], "2023-01-02", "metadata")


def test_plain_article_without_title_line():
    text = ("Rain fell on the valley for the third day on Sunday, forecasters said, raising river levels.\n\n"
            "Officials closed two bridges as a precaution and asked drivers to avoid the lower road.\n")
    a = clean_document(InputDoc("p.txt", "text", text))
    assert a.title is None
    assert a.text.startswith("Rain fell") and a.text.endswith("lower road.")
    assert_source_map(a)


def test_hard_wrapped_text_is_rejoined():
    para = ("The regional museum reopened its north wing on Saturday after a two-year renovation that "
            "cost more than the original building, the director said, adding that visitor numbers had "
            "already doubled in the first weekend of opening to the public.")
    import textwrap
    text = "\n\n".join(textwrap.fill(para, 60) for _ in range(1)) + "\n\n" + textwrap.fill(
        "Critics praised the new lighting but said the labels were too small to read for older visitors, "
        "and asked the museum to print larger ones before the summer season begins next month.", 60) + "\n"
    a = clean_document(InputDoc("w.txt", "text", text))
    assert "\n\n" in a.text and "renovation that cost" in a.text.replace("\n", " ")
    assert a.text.count("\n\n") == 1
    assert_source_map(a)


PROSE = ("The harbour authority said the ferry service between Kell and Ostrava Point would resume on a reduced "
         "timetable once divers had finished inspecting the damaged pier, a task it expected to take several days.")


@pytest.mark.parametrize("dateline, day", [
    ("July 28 , 2004", "2004-07-28"),                              # a tokenised scrape: the comma stands apart
    ("SEPTEMBER 16, 2013 11:12AM", "2013-09-16"),
    ("4 October 2013, 18:07 (GMT+05:00)", "2013-10-04"),
    ("KELL, Nov 12, 2011, 05.51AM IST", "2011-11-12"),
])
def test_a_bare_date_line_above_the_article_dates_it(dateline, day):
    text = f"Ferry link to resume after pier damage\n{dateline}\n{PROSE}\nServices are to run twice a day.\n"
    a = clean_document(InputDoc("d.txt", "text", text))
    assert (a.published, a.published_from) == (day, "page")


def test_a_date_line_inside_the_article_does_not_date_it():
    text = f"Ferry link to resume after pier damage\n{PROSE}\nMarch 3, 1998\nThe pier was built that spring.\n"
    a = clean_document(InputDoc("d.txt", "text", text))
    assert a.published is None
    # a sentence that holds a date is not a dateline either
    text = f"Ferry link to resume\nThe pier opened on March 3, 1998 after years of work.\n{PROSE}\n"
    assert clean_document(InputDoc("d.txt", "text", text)).published is None


def test_no_body_raises():
    with pytest.raises(InputError):
        clean_document(InputDoc("e.txt", "text", "Home\nNews\nSport\n"))


def test_deeply_nested_html_is_refused():
    html = "<html><body>" + "<div>" * 5000 + "x" + "</div>" * 5000 + "</body></html>"
    with pytest.raises(LimitExceeded):
        clean_document(InputDoc("deep.html", "html", html))


# ---------------------------------------------------------------- the founding seeds (read at test time)
def _seed_gold():
    gold = SEEDS / "seeds-gold.json"
    if not gold.exists():
        pytest.skip("../shared/seeds not present")
    return json.loads(gold.read_text(encoding="utf-8"))["articles"]


def test_seed_articles_match_gold():
    for name, g in _seed_gold().items():
        a = clean_file(SEEDS / name)
        assert_source_map(a)
        paras = a.text.split("\n\n")
        assert paras[0].startswith(g["first_body_sentence"]), name
        assert g["last_body_sentence"] in paras[-1], name
        assert a.outlet == g["outlet"], name
        assert a.title == g.get("title"), name
        if g.get("author"):
            assert g["author"] in a.authors, name
        if g.get("published_not_before"):
            assert a.published_not_before == g["published_not_before"]
        cap_texts = [c.text for c in a.captions]
        for cap in g.get("captions", []):
            assert cap in cap_texts, cap
            assert cap not in a.text
        for line in g.get("not_body", []):
            assert line not in a.text, line
        for h in g.get("headings", []):
            assert h in [a.text[s:e] for s, e in a.headings]
        for rep in g.get("repairs", []):
            assert rep["body_must_contain"] in a.text


# ---------------------------------------------------------------- property: any text cleans or fails cleanly
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "   ", "Read Next:", "Photo: Getty Images", "By Ann Example", "Subscribe now!",
                     "This photo shows the pier on March 3, 2024.", "Home", "3 comments", "lit", "tle and more.",
                     "The council voted on Tuesday to rebuild the old pier, the mayor said at a meeting."]),
    st.lists(st.sampled_from(["the", "council", "said", "a", "Pier", "on", "Monday", ",", ".", "rebuilt", "“"]),
             max_size=40).map(" ".join),
)
_DOC = st.lists(_LINE, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\n\n", "\r\n"]).map(lambda sep: sep.join(lines)))


def _check_clean_property(text):
    try:
        a = clean_document(InputDoc("h.txt", "text", text))
    except InputError:
        return
    for x, y, s in a.source_map:
        assert 0 <= x < y <= len(a.text)
        assert a.text[x:y] == a.source_text[s:s + y - x]
    for c in a.captions:
        if c.source_start is not None:
            assert a.source_text[c.source_start:c.source_start + len(c.text)] == c.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOC)
def test_property_clean_never_crashes_and_maps_back(text):
    _check_clean_property(text)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOC)
def test_property_clean_never_crashes_and_maps_back_full(text):
    _check_clean_property(text)


# ---------------------------------------------------------------- page-scrape context (invented pages)
_NAV = "\n".join(["Home", "News", "Sport", "Weather", "Opinion", "Subscribe", "Log in"])
_P1 = ("The Corven Valley Makers Fair returned to the old tram depot on Saturday, and the organisers said "
       "that more than four thousand visitors came through the doors before noon.")
_P2 = ("Stall holders told the Corven Courier that the busiest tables were the ones selling repaired radios, "
       "which had all been sold out by the middle of the afternoon.")
_P3 = ("The fair will return in the spring, and the organisers have said that they hope to open a second "
       "hall for the children's workshops if the council agrees to it.")


def _scrape(*lines):
    return clean_document(InputDoc(path="scrape.txt", kind="text", content="\n".join(lines) + "\n"))


def test_short_list_items_between_body_paragraphs_are_kept():
    items = ["Brass valve radio kits", "Hand-bound notebooks", "Tin lantern workshop"]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, "Among the stalls:", *items, _P2, _P3,
                "Most Read", "Council Approves New Cycle Lane", "Bakery Wins Regional Prize")
    assert_source_map(a)
    for item in items:
        assert item in a.text
    assert "Bakery Wins Regional Prize" not in a.text
    assert "Subscribe" not in a.text


def test_glued_headline_teasers_are_not_the_body():
    teasers = [f"Harbour Ferry Timetable Changes For The Winter SeasonCommuters on the morning ferry {i} "
               "will leave twenty minutes earlier than it does today, the operator said." for i in range(6)]
    a = _scrape(_NAV, *teasers, "Makers Fair Draws Record Crowd", _P1, _P2, _P3)
    assert _P1 in a.text and _P3 in a.text
    assert "Timetable" not in a.text


def test_keyword_cloud_is_not_taken_for_the_body():
    cloud = " ".join(["ferry harbour pier lantern workshop radio valve notebook tram depot council cycle "
                      "bakery prize weather sport opinion market festival museum library river bridge"] * 3)
    a = _scrape(_NAV, cloud, "Makers Fair Draws Record Crowd", _P1, _P2, _P3)
    assert "lantern workshop radio" not in a.text
    assert _P1 in a.text


def test_page_language_stoplist():
    from corroborator.clean.lines import page_stoplist, stop_density
    en = page_stoplist(_P1 + " " + _P2)
    assert en is not None and "the" in en
    pt = page_stoplist("A feira voltou ao antigo depósito dos elétricos no sábado, e os organizadores disseram "
                       "que mais de quatro mil visitantes passaram pelas portas antes do meio-dia.")
    assert pt is not None and pt != en and {"que", "dos", "pelas"} <= pt
    assert stop_density(_P1, en) > 0.3 > stop_density("ferry harbour pier lantern workshop radio", en)


# invented teasers for the blocks that follow an article on a page
_TEASERS = [
    ("Library Extends Its Weekend Opening Hours", "Mara Quillon", "Tuesday March 4, 2031",
     "The town library will stay open until eight on Saturdays from next month, after a survey of readers "
     "found that most of them could only visit at the weekend and wanted more time to browse the shelves."),
    ("Ferry Crews Vote On New Rota", "Osric Dale", "Tuesday March 4, 2031",
     "Crews on the harbour ferry will vote next week on a new rota that would give them two full weekends off "
     "in every month, the union said, although the operator has warned that some crossings may be cut."),
    ("Bakery Wins Regional Prize", "Ines Forde", "Monday March 3, 2031",
     "A small bakery on Quay Street has won the regional prize for its rye loaf, beating more than sixty other "
     "entries from across the county in a blind tasting held at the agricultural hall on Thursday evening."),
]


def test_teaser_block_after_a_gap_of_page_furniture_is_not_the_body():
    # the article, then a long stretch of short furniture (tags, share bar, section names), then teasers
    # (headline, author, date, summary) that together weigh more than the article
    furniture = ["Opinion", "Local News", "Tram Depot", "Makers", "Markets", "Share your thoughts with friends",
                 "More From The Courier"]
    tail = [x for t in _TEASERS for x in t]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, *furniture, *tail)
    assert_source_map(a)
    assert _P1 in a.text and _P3 in a.text
    for head, _, _, summary in _TEASERS:
        assert summary not in a.text


def test_bracketed_comment_count_ends_the_article():
    comments = []
    for i, name in enumerate(["harbourfan", "quaywalker", "lanternlady", "oldtram"]):
        comments += [name, f"{i + 2} days ago at 07:5{i} am",
                     "I went along on the Saturday with my two boys and we spent the whole morning at the radio "
                     "tables, which were the best part of the fair by a long way, and we will certainly go back "
                     f"in the spring when it returns to the depot (comment {i}).", f"Rating: {10 - i} Votes"]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, "Tag: makers fair",
                "[ 38 comments ]", "Top Rated Comments", *comments)
    assert_source_map(a)
    assert _P1 in a.text and _P3 in a.text
    assert "radio tables" not in a.text and "harbourfan" not in a.text


def test_photo_gallery_inside_the_article_does_not_cut_it():
    gallery = ["Story continues below gallery", "1 of 5", "Mara Quillon Submitted photo",
               "Osric Dale Submitted photo", "Ines Forde Submitted photo", "Tam Pellow Submitted photo",
               "Rhod Carrick Submitted photo"]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, *gallery, _P2, _P3, "Most Read",
                "Council Approves New Cycle Lane")
    assert_source_map(a)
    assert _P1 in a.text and _P2 in a.text and _P3 in a.text
    assert "Submitted photo" not in a.text and "1 of 5" not in a.text


def test_author_bio_after_the_article_is_removed():
    bio = ("Mara Quillon is a freelance writer based in Corven. Her work has appeared in a number of regional "
           "papers, including the Corven Courier and the Valley Weekly, and she writes mostly about local crafts.")
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, "About Mara Quillon", bio, "Previous Article")
    assert_source_map(a)
    assert _P3 in a.text
    assert "freelance writer" not in a.text and "About Mara Quillon" not in a.text
    assert any(r.kind == "author_bio" and "freelance writer" in r.text for r in a.removed)
    # the same line stands alone too
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, bio)
    assert _P3 in a.text and "freelance writer" not in a.text
    assert "Mara Quillon" in a.authors


_P4 = ("Volunteers from the repair cafe spent the day fixing toasters, lamps and bicycles for visitors, and "
       "they said that they had mended more than a hundred things by the time the doors closed.")
_P5 = ("The organisers thanked the tram museum for lending the depot, and said that the money raised from the "
       "entry fee would go towards new benches for the park beside the river next summer.")


def test_more_stories_heading_ends_the_article():
    teasers = [t[3] for t in _TEASERS]
    for heading in ("More Great Courier Stories", "You may also like", "Você também pode gostar"):
        a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, _P4, _P5, heading, *teasers)
        assert_source_map(a)
        assert _P1 in a.text and _P5 in a.text
        for t in teasers:
            assert t not in a.text, heading


def test_list_introduced_by_the_last_paragraph_is_kept():
    dates = ["March 3 -- Old Tram Depot, Corven", "March 10 -- Quay Street Hall, Lanmouth",
             "April 2 - 4 -- Riverside Barn, Hollin Cross", "April 19 -- The Assembly Rooms, Pennock"]
    tail = ["Share", "Facebook", "Twitter", "Newsletter", "Customer Service", "Buy this issue"]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, "The fair's spring dates:", *dates, *tail)
    assert_source_map(a)
    for d in dates:
        assert d in a.text
    assert "Customer Service" not in a.text
    # numbered items, each followed by its link
    items = []
    for i, name in enumerate(["Brass valve radio kit", "Hand-bound notebook", "Tin lantern"], 1):
        items += [f"{i}) {name}", f"https://shop.example.org/item/{i}"]
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, *items, *tail)
    assert "3) Tin lantern" in a.text and "1) Brass valve radio kit" in a.text
    assert "Customer Service" not in a.text
    # plain words with no common form are not a list of the article
    a = _scrape(_NAV, "Makers Fair Draws Record Crowd", _P1, _P2, _P3, "Weather", "Sport", "Puzzles", "Letters")
    assert "Puzzles" not in a.text


def test_list_check_survives_odd_digits():
    # "²" counts as a digit for str.isdigit but is no number
    a = _scrape(_NAV, _P1, _P2, _P3, "² odd line", "³ odd line", "⁴ odd line")
    assert _P3 in a.text
