"""Reported-speech cues beyond plain speech verbs (invented text): a claim noun with a that-clause ("raised
the concern that"), a that-clause hung on "in a statement", "charged that", "was quick to retort:", and "the
statement continued" after "X said in a statement"."""

from test_quotes import quote_with, run, speaker_name


def test_charged_that():
    text = "On fisheries, Senator Tomas Vellar charged that the plan would raise costs for small boats."
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "raise costs")
    assert speaker_name(q, ents) == "Tomas Vellar" and q.cue_text == "charged"


def test_charged_with_an_offence_is_no_quote():
    text = "The driver was charged with reckless driving after the crash on the coast road."
    t, quotes, ents = run(text)
    assert not quotes


def test_raised_the_concern_that():
    text = ("Senator Ona Kerrigan also raised the concern that there is no way of knowing if all of the "
            "harbor records have been kept.")
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "no way of knowing")
    assert speaker_name(q, ents) == "Ona Kerrigan" and q.cue_text == "raised the concern"


def test_dismissed_the_claim_that_is_not_the_speakers_claim():
    text = "Mayor Lio Brandt dismissed the claim that the harbor levy would close the fish market."
    t, quotes, ents = run(text)
    assert not any("close the fish market" in t[q.start:q.end] for q in quotes)


def test_said_in_a_statement_that():
    text = ('Critics seized on the news on Tuesday.\n\nRep. Tomas Vellar, R-Ore., former chairman of the '
            'harbor committee, said in a statement that Mayor Lind "failed" to follow the records law.')
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "follow the records law")
    assert speaker_name(q, ents) == "Tomas Vellar"


def test_quick_to_retort_colon():
    text = ('Vellar was quick to retort: "With all due respect, that is just a pile of nonsense. '
            'Not one thing he said is right."')
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "pile of nonsense")
    assert speaker_name(q, ents) == "Vellar"


def test_the_statement_continued_is_the_speaker_who_issued_it():
    text = ('"We will not wait for the council. The harbor needs repairs now," Senator Alma Reyes said in a '
            'statement released by her campaign.\n\n"If we do not act fast, the piers will fall. Our leaders are '
            'weak, and I said so last year," the statement continued.\n\nThe council meets on Friday.')
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "the piers will fall")
    assert speaker_name(q, ents) == "Alma Reyes"


def test_a_statement_with_no_named_issuer_stays_a_document():
    text = ('Senator Alma Reyes spoke to reporters on Monday.\n\n"We will not wait for the council," the '
            'statement said.')
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "will not wait")
    assert q.speaker_entity is None


def test_said_on_a_programme_that():
    # the parser takes the programme's name for the object and hangs the that-clause on it
    text = ("Mara Quist, the governor\u2019s chief political adviser, said on CBS\u2019s \u201cSunday Review\u201d that "
            "island families were \u201cgoing to get fleeced\u201d if their ferry passes were not renewed at the end "
            "of the year.")
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "island families")
    assert speaker_name(q, ents) == "Mara Quist"
    assert "Sunday Review" not in t[q.start:q.end]


def test_a_relative_clause_of_the_object_is_not_what_was_said():
    text = "The minister said the words that everyone in the harbour had been waiting to hear for a year."
    t, quotes, ents = run(text)
    assert not any("waiting to hear" in t[q.start:q.end] and "the words" not in t[q.start:q.end] for q in quotes)


def test_a_participle_after_a_reported_clause_is_the_reporters():
    # "saying" hangs on the reported clause in the parse; its speaker is who disputed, not "the dam"
    text = "In a statement, Marta Lind disputed that the dam had been neglected, saying the last inspection found no fault."
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "found no fault")
    assert speaker_name(q, ents) == "Marta Lind"
    # a quotation that follows the participle is not a reported clause to climb into
    text = ("After the flood, Marta Lind again defended the plan, saying on the radio: \u201cWhat happened in Kessel "
            "is only the start. Our defences are weak.\u201d")
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "defences are weak")
    assert speaker_name(q, ents) == "Marta Lind"


def test_a_reported_clause_before_its_speaker_without_quotation_marks():
    # "P, observers said later.": the parser may hang P on the verb as an adverbial clause
    text = "If the first ferry was late, the second one was almost empty, harbour staff said later."
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "almost empty")
    assert q.speaker_description == "harbour staff"
    # a clause of time before the speaker is no reported speech
    t, quotes, ents = run("When the storm reached the harbour, the mayor said.")
    assert not quotes


def test_a_titled_name_tagged_as_a_noun_is_still_a_name():
    text = ("\u201cThe pumps were never serviced,\u201d Ms. O\u2019Dwyer continued. "
            "\u201cWho signed the last inspection?\u201d")
    t, quotes, ents = run(text)
    q = quote_with(t, quotes, "never serviced")
    assert speaker_name(q, ents) == "O\u2019Dwyer"
