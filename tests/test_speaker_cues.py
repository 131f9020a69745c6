"""Who says it, beyond "X said" (invented text): a quotation inside a stance verb's object ("called the plan
'...'"), speech verbs with a particle ("shot back"), a lead-in with a time after the cue ("tweeted on Friday"),
a channel speaking for its owner ("the union's website said"), a denial without a quote ("rejected claims
that ..."), a frame the parser cut off from its quotation, pronouns that skip embedded subjects, and a group
named by its kind ("the scholars") given its fuller name."""

from corroborator.annotate import annotate
from corroborator.extract.claims import find_claims
from corroborator.extract.entities import find_entities
from corroborator.extract.quotes import find_quotes
from corroborator.extract.speakers import resolve_speakers
from corroborator.records import Article
from test_claims import claim_with
from test_quotes import quote_with, speaker_name


def analyse(text):
    art = Article(id="a7", path="x.txt", text=text, source_text=text)
    ann = annotate(text)
    ents = find_entities(art, ann)
    quotes = find_quotes(art, ann, ents)
    resolve_speakers(art, ents, quotes)       # as extract_article runs them
    return quotes, ents, find_claims(art, ann, ents, quotes)


def name_of(ents, lid):
    return next((e.name for e in ents if e.local_id == lid), None)


def test_quotation_in_a_stance_verbs_object_is_the_subjects_words():
    text = ('Senator Maria Lopez spoke against the tariff bill on Tuesday. She called the levy on fishing boats '
            '"a tax on every net in the harbor towns."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "a tax on every net")
    assert speaker_name(q, ents) == "Maria Lopez" and q.cue_text == "called"
    c = claim_with(claims, "a tax on every net")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Maria Lopez"
    assert c.text.startswith("She called")     # the stance stays in the claim: "called" is what it says


def test_stance_verb_without_a_quotation_is_narration():
    text = "Councillor Ed Dawson praised the harbor crews for their work during the storm on Friday."
    quotes, ents, claims = analyse(text)
    assert not quotes
    assert claim_with(claims, "praised the harbor crews").attribution == "outlet"


def test_shot_back_after_a_long_lead_in_with_a_colon():
    text = ('The mayor defended the budget on Monday. Nils Ortega shot back, pointing to the long-running '
            'dispute over the mooring fees that the harbor board raised twice: "Fees that double in a year '
            'drive the small boats out."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "drive the small boats out")
    assert speaker_name(q, ents) == "Nils Ortega" and q.cue_text.startswith("shot")
    c = claim_with(claims, "drive the small boats out")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Nils Ortega"


def test_fired_back_without_words_is_no_quote():
    text = "The patrol came under attack near the ridge, and the soldiers fired back for an hour."
    quotes, _, _ = analyse(text)
    assert not quotes


def test_tweeted_on_a_weekday_before_the_quotation():
    text = ('The vote was delayed again.\n\nRep. Tom Reyes (D-Ohio), tweeted on Friday "#Marsh wants the bridge '
            'tolls doubled. The toll board meets again in May."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "bridge tolls doubled")
    assert speaker_name(q, ents) == "Tom Reyes" and q.cue_text == "tweeted"
    c = claim_with(claims, "toll board meets again")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Tom Reyes"
    # the frame alone ("Rep. Tom Reyes (D-Ohio), tweeted on Friday") is no claim of the outlet's
    assert not any(c.attribution == "outlet" and "tweeted" in c.text for c in claims)


def test_an_organisations_website_speaks_for_it():
    text = ('The Taxpayer Alliance backed the recall. "The harbor budget has doubled in four years," the '
            'Taxpayer Alliance\u2019s website said Friday.')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "harbor budget has doubled")
    assert speaker_name(q, ents) == "Taxpayer Alliance"
    assert claim_with(claims, "harbor budget has doubled").attribution == "speaker"


def test_a_report_that_names_no_owner_stays_a_document():
    text = 'The annual harbor report said that mooring fees rose by a third in two years.'
    quotes, ents, claims = analyse(text)
    assert claim_with(claims, "mooring fees rose").attribution == "document"


def test_rejected_claims_that_is_the_subjects_denial_not_its_assertion():
    text = "Mayor Carl Smith on Monday rejected claims that the dredging contract had gone to his cousin's firm."
    quotes, ents, claims = analyse(text)
    assert not any("dredging contract" in text[q.start:q.end] for q in quotes)
    c = claim_with(claims, "dredging contract")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Carl Smith"
    assert c.modality == "negated" and c.text.startswith("Mayor Carl Smith on Monday rejected")


def test_pronoun_skips_the_subject_of_an_embedded_clause_in_the_sentence_before():
    text = ('Dana Price told a story about Owen Hale rowing out to a stranded trawler in a gale. '
            'Then she added: "Nobody who knows him doubts his word."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "Nobody who knows him")
    assert speaker_name(q, ents) == "Dana Price"


def test_pronoun_after_a_fronted_clause_takes_that_clauses_subject():
    text = ('Before Governor Ada Quill signed the harbor bill, she warned that the pilots would strike again '
            'within a month.')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "pilots would strike")
    assert speaker_name(q, ents) == "Ada Quill"


def test_speaker_of_a_participle_after_a_preposition():
    text = ('Harbor master Lena Voss opened the hearing on Monday and began by saying that the channel had '
            'silted up faster than expected.')
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "channel had silted")
    assert speaker_name(q, ents) == "Lena Voss"


def test_a_subject_inside_the_quotation_is_not_the_speaker():
    text = ('"She will keep the channel open all winter. One of the steadiest pilots on the whole coast," '
            'Mayor Ada Quill said at the harbor office.')
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "steadiest pilots")
    assert speaker_name(q, ents) == "Ada Quill"


def test_a_trailing_participle_of_saying_is_its_own_quote():
    text = ('Councillor Ines Ferrow said the ferry subsidy had run out, arguing that the port authority should '
            'cover the gap until spring.')
    quotes, ents, _ = analyse(text)
    first = quote_with(text, quotes, "subsidy had run out")
    assert "arguing" not in text[first.start:first.end]
    second = quote_with(text, quotes, "cover the gap")
    assert second.cue_text == "arguing" and speaker_name(second, ents) == speaker_name(first, ents)


def test_a_group_named_by_its_kind_takes_its_fuller_name_and_stays_anonymous():
    text = ('As pilots, we know the channel. The Lindqvist pilots asked for two more tugs last year. The pilots '
            'say that "the channel silts up every spring."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "silts up every spring")
    assert q.speaker_entity is None and q.speaker_description == "the Lindqvist pilots"
    c = claim_with(claims, "silts up every spring")
    assert c.attribution == "anonymous" and c.speaker_key == "anon:lindqvist pilots"


def test_a_group_with_no_fuller_name_keeps_its_description():
    text = 'As pilots, we know the channel. The pilots say that "the channel silts up every spring."'
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "silts up every spring")
    assert q.speaker_description == "The pilots"


def test_a_person_title_before_a_name_the_tagger_called_an_organisation_makes_it_a_person():
    text = ('Lena Voss ran the harbor board in December. Former Rep. Ode Ballantyne opened the ferry hearing '
            'on Monday, and he said the ferry "must run at least twice a day."')
    art = Article(id="a8", path="x.txt", text=text, source_text=text)
    ann = annotate(text)
    # the small tagger sometimes reads such a name as an organisation (as it did on a real story): make it so
    ann.entities = [e._replace(label="ORG") if e.text == "Ode Ballantyne" else e for e in ann.entities]
    assert any(e.label == "ORG" and e.text == "Ode Ballantyne" for e in ann.entities)
    ents = find_entities(art, ann)
    ode = next(e for e in ents if e.name == "Ode Ballantyne")
    assert ode.type == "PERSON"
    quotes = find_quotes(art, ann, ents)
    q = quote_with(text, quotes, "twice a day")
    assert speaker_name(q, ents) == "Ode Ballantyne"      # "he" is Ballantyne, not the earlier Lena Voss


def test_a_promise_is_a_quote_but_the_sentence_stays_the_outlets():
    text = ("Mayor Carl Smith vowed to rebuild the harbor wall before the winter storms. Governor Ada Quill urged "
            "the council to fund the ferry for another year.")
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "rebuild the harbor wall")
    assert speaker_name(q, ents) == "Carl Smith" and q.cue_text == "vowed"
    q2 = quote_with(text, quotes, "fund the ferry")
    assert speaker_name(q2, ents) == "Ada Quill" and "the council" in text[q2.start:q2.end]
    # that the mayor vowed it is what the outlet reports: the claim is the outlet's, and keeps its verb
    c = claim_with(claims, "rebuild the harbor wall")
    assert c.attribution == "outlet" and c.text.startswith("Mayor Carl Smith vowed")
    assert claim_with(claims, "fund the ferry").attribution == "outlet"


def test_a_claim_noun_speaks_for_its_possessor():
    text = ("The Courier checked Mayor Carl Smith's claim that the harbor had lost 2,000 jobs since 2019. "
            "His claim that the ferry was safe went unchallenged. Their claim that the pier would hold was "
            "never tested.")
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "lost 2,000 jobs")
    assert speaker_name(q, ents) == "Carl Smith" and q.cue_text == "claim"
    assert speaker_name(quote_with(text, quotes, "ferry was safe"), ents) == "Carl Smith"
    c = claim_with(claims, "lost 2,000 jobs")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Carl Smith"
    assert not any("pier would hold" in text[q.start:q.end] for q in quotes)     # "their": whose is unknown


def test_an_inverted_cue_opening_a_sentence():
    text = ('The night shift was cut to two crews in March, according to dock insiders. They said the cranes '
            'stood idle after ten. Said Varga: "Two crews cannot unload a ship before the tide turns."')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "cannot unload a ship")
    assert speaker_name(q, ents) == "Varga"
    assert speaker_name(quote_with(text, quotes, "cut to two crews"), ents) is None   # an anonymous source
    assert quote_with(text, quotes, "cut to two crews").speaker_description == "dock insiders"


def test_a_quotation_about_the_last_speaker_is_not_theirs():
    text = ('"The ferry will run until the new pier opens," Mayor Carl Smith said.\n\n'
            '"Smith closed two piers in one winter. His ferry plan leaves the island without a boat on Sundays, '
            'and he knows it."\n\n'
            '"We will keep the ferry running," he said on Friday.')
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "without a boat on Sundays")
    assert q.speaker_entity is None and q.speaker_text is None      # someone's words, not the mayor's
    assert claim_with(claims, "without a boat on Sundays").attribution == "anonymous"


def test_a_quotation_paragraph_in_the_speakers_own_voice_continues_them():
    text = ('"The ferry will run until the new pier opens," Mayor Carl Smith said.\n\n'
            '"My plan keeps a boat on Sundays. I have told the council so, and he knows it."')
    quotes, ents, claims = analyse(text)
    assert speaker_name(quote_with(text, quotes, "My plan keeps a boat"), ents) == "Carl Smith"


def _content(text, q):
    return text[q.start:q.end].strip(' "')


def test_a_but_clause_after_the_content_goes_on_with_the_speakers_words():
    text = ("Mayor Ines Ortiz says she hopes to win a second term, but she knows that the race will be close. "
            "The budget office says the plan would cut revenue at first, but would eventually add $12 million.")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "she hopes to win")
    assert _content(text, q).endswith("the race will be close")
    assert _content(text, quote_with(text, quotes, "cut revenue")).endswith("add $12 million")


def test_a_but_clause_with_a_cue_of_its_own_or_told_by_the_narration_is_not_the_speakers():
    text = ("Ortiz said the levy was fair, but her deputy said it would hurt fishermen. "
            "Ortiz said the harbour fee was fair, but declined to say how much it would raise.")
    quotes, ents, _ = analyse(text)
    assert _content(text, quote_with(text, quotes, "the levy was fair")) == "the levy was fair"
    assert _content(text, quote_with(text, quotes, "the harbour fee")) == "the harbour fee was fair"


def test_a_second_verb_of_saying_and_a_semicolon_end_the_content():
    text = ('Norway, the island\'s only ally, said it was "firmly opposed" to the plan and warned the council to '
            'stop. Republicans said the timing of the ruling was not planned; they only learned of it on Friday. '
            'Republicans said they are convinced the agency mishandled the case and Democrats accused the party of '
            'stoking doubt.')
    quotes, ents, _ = analyse(text)
    assert _content(text, quote_with(text, quotes, "firmly opposed")) == 'it was "firmly opposed" to the plan'
    assert _content(text, quote_with(text, quotes, "the timing")) == "the timing of the ruling was not planned"
    q = quote_with(text, quotes, "mishandled")
    assert _content(text, q) == "they are convinced the agency mishandled the case"


def test_a_clause_before_a_colon_is_not_what_the_speakers_after_it_said():
    text = ("The ruling set off a new round of fights on Friday: Republicans said they are convinced the agency "
            "mishandled the case.")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "convinced the agency")
    assert _content(text, q) == "they are convinced the agency mishandled the case"
    assert speaker_name(q, ents) == "Republicans"


def test_a_second_verb_of_saying_joined_to_the_reported_clause_keeps_the_first_ones_speaker():
    text = ("Harbour master Josh Ruiz spoke to reporters on Monday. He said old logbooks should be kept and said "
            "the ferry company answered the request within a week.")
    quotes, ents, claims = analyse(text)
    first = quote_with(text, quotes, "old logbooks")
    second = quote_with(text, quotes, "answered the request")
    assert _content(text, first) == "old logbooks should be kept"
    assert speaker_name(first, ents) == speaker_name(second, ents) == "Josh Ruiz"
    # "answered" reports nothing of its own: it is what was said, not a frame
    assert not [q for q in quotes if q.cue_text == "answered"]
    c = claim_with(claims, "answered the request")
    assert c.attribution == "speaker" and name_of(ents, c.speaker_entity) == "Josh Ruiz"


def test_what_a_speaker_describes_mentions_notes_or_points_to_as_is_their_content():
    text = ('Councillor Ana Ham described the mayor as "a career politician" who "has never run a business." '
            "At the debate, Ines Ortiz mentioned remarks the mayor had made about fishermen as examples of his "
            "contempt. The harbour fund pointed to the ferry strike as an example of rising anger. "
            "Lena Ortiz, the mayor's daughter, noted the rule in an interview last week.")
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "a career politician")
    assert _content(text, q).startswith("the mayor as") and speaker_name(q, ents) == "Ana Ham"
    q = quote_with(text, quotes, "remarks the mayor")
    assert _content(text, q).endswith("examples of his contempt") and speaker_name(q, ents) == "Ines Ortiz"
    q = quote_with(text, quotes, "the ferry strike")
    assert _content(text, q) == "the ferry strike as an example of rising anger" and q.cue_text.startswith("pointed")
    assert _content(text, quote_with(text, quotes, "the rule")) == "the rule in an interview last week"
    assert claim_with(claims, "a career politician").attribution == "speaker"


def test_someone_pointing_to_something_says_it_even_without_an_as():
    text = "The Lindqvist scholars pointed to the harsh impact of cuts in ferry programs that keep islands connected."
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "the harsh impact")
    assert "scholars" in q.speaker_text and _content(text, q).startswith("the harsh impact of cuts")
    assert claim_with(claims, "the harsh impact").attribution == "anonymous"


def test_pointing_to_something_without_saying_as_what_reports_nothing():
    text = "The harbour data points to a slowdown in the spring. The mayor mentioned it."
    quotes, _, claims = analyse(text)
    assert not quotes                       # "mentioned it": too little said to be a quotation
    assert claim_with(claims, "The mayor mentioned it").attribution == "outlet"


def test_what_someone_is_to_be_made_to_say_is_no_quotation_of_theirs():
    text = "One councillor threatened to make the harbour director testify in a public session, should he stall."
    quotes, ents, _ = analyse(text)
    assert [q.cue_text for q in quotes] == ["threatened"]
    assert speaker_name(quotes[0], ents) is None or "director" not in (quotes[0].speaker_text or "")
    assert "councillor" in (quotes[0].speaker_text or "")


# ------------------------------------------------------------------ speakers the parser hangs elsewhere (0.2.8)

def test_name_after_an_inverted_cue_that_the_parser_made_a_clause():
    text = "''I'm more at home on a trawler than I am in an office,'' said Tobias Renner, half joking."
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "more at home on a trawler")
    assert speaker_name(q, ents) == "Tobias Renner"
    assert "half joking" not in text[q.start:q.end] and "said" not in text[q.start:q.end]


def test_name_set_off_by_commas_after_a_phrase_the_parser_hung_it_on():
    text = ('In a statement to the Courier, her senior adviser, Mika Ostrova, said: "The council believes that the '
            'ferry is essential. It has always valued the harbor."')
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "the ferry is essential")
    assert "Mika Ostrova" in q.speaker_text


def test_office_of_a_named_person_after_a_long_opening_phrase():
    text = ("After a week of quarrels between two of the region's best-known mayors, Governor Anna Falk's office "
            "announced Friday that Falk will meet the harbor board on Monday.")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "will meet the harbor board")
    assert q.speaker_text == "Governor Anna Falk's office"


def test_a_participle_after_a_place_is_not_the_places_words():
    text = ("Mayor Ada Holm spoke out on Tuesday about the closure of the ferry in Varn, Nordland, arguing that "
            "the crossing should be reopened before the winter.")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "the crossing should be reopened")
    assert speaker_name(q, ents) == "Ada Holm"


def test_a_blank_line_starts_a_sentence():
    text = ("4:15 p.m.\n\nMayor Ada Holm is telling voters she is tough enough to run the port after a fisherman "
            "in Varn told her he worries she is too cautious.")
    ann = annotate(text)
    starts = [text[s:e].strip()[:5] for s, e in ann.sentences]
    assert "Mayor" in starts
    assert all("\n\n" not in text[s:e].strip() for s, e in ann.sentences)


def test_what_someone_recalled_or_tweeted_is_their_content():
    text = ("Mayor Ada Holm recalled the winter storm of 1990 that closed the harbor for a month. "
            "Councillor Ivo Brandt tweeted a photo of the broken pier on Sunday.")
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "the winter storm of 1990")
    assert speaker_name(q, ents) == "Ada Holm" and q.cue_text == "recalled"
    q = quote_with(text, quotes, "a photo of the broken pier")
    assert speaker_name(q, ents) == "Ivo Brandt" and q.cue_text == "tweeted"


def test_what_someone_wrote_about_is_the_content():
    text = ("Mayor Ada Holm wrote about the debts of the ferry company on Tuesday. "
            "The harbor board met on Monday.")
    quotes, ents, claims = analyse(text)
    q = quote_with(text, quotes, "the debts of the ferry company")
    assert speaker_name(q, ents) == "Ada Holm"
    assert "wrote" not in text[q.start:q.end]


def test_a_statement_saying_is_the_senders_words():
    text = ("Councillor Ivo Brandt issued a statement on Friday saying that the ferry levy would be repealed. "
            "The Harbor Alliance emailed supporters saying: \"The fight for the pier goes on.\"")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "the ferry levy would be repealed")
    assert speaker_name(q, ents) == "Ivo Brandt"
    q = quote_with(text, quotes, "The fight for the pier goes on")
    assert "Harbor Alliance" in (speaker_name(q, ents) or q.speaker_text or "")


def test_a_share_of_those_polled_and_a_subject_more_likely_to_say_speak():
    text = ("About 4 in 10 say they want the next mayor to rebuild the pier. "
            "Ferry riders were slightly more likely to say they preferred Ada Holm to run the harbor board.")
    quotes, ents, _ = analyse(text)
    assert quote_with(text, quotes, "rebuild the pier").speaker_text == "About 4 in 10"
    assert quote_with(text, quotes, "they preferred Ada Holm").speaker_text == "Ferry riders"


def test_a_name_before_a_parenthesis_speaks_and_the_clause_before_it_is_not_content():
    # a guard: the parse that hangs the name on the clause before (seen on PolNeAR, measured there) does not
    # come out of this invented sentence, which must keep its speaker and content
    text = ("Not many officials admit it, but Mayor Ivo Brandt (a Varn Democrat so young he is often taken for "
            "a student) says he felt lost after the vote.")
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "he felt lost")
    assert speaker_name(q, ents) == "Ivo Brandt"
    assert "officials" not in text[q.start:q.end]


def test_what_is_said_as_an_object_is_the_content():
    text = "Ferry riders say the same of the harbor board. Aides say the more ferries he adds, the more votes he wins."
    quotes, ents, _ = analyse(text)
    assert quote_with(text, quotes, "the same of the harbor board").speaker_text == "Ferry riders"
    assert quote_with(text, quotes, "the more votes he wins").speaker_text == "Aides"


def test_a_cue_after_a_quotation_reports_the_quotation_not_the_lead_in_before_its_colon():
    text = ('In her speech, Mayor Ada Holm declared the need for calm and patience: "Fix the pier and when you '
            'have done that, fix it again," she said.')
    quotes, ents, _ = analyse(text)
    q = quote_with(text, quotes, "Fix the pier")
    assert speaker_name(q, ents) == "Ada Holm" and "declared" not in text[q.start:q.end]
