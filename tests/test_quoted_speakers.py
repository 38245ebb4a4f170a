"""Quoted sentences without an attribution of their own take their quotation's speaker."""

from __future__ import annotations

from typing import Any

import pytest

from newsbrief.article import Article, load_article
from newsbrief.brief import Claim, Span
from newsbrief.grounding import is_whole_quotation, quote_left_open
from newsbrief.sources import SourceDraft, SourceRegistry, article_span, quoted_speakers

from .conftest import replayed


@pytest.mark.parametrize(
    ("sentence", "left_open", "whole"),
    [
        ("“I didn't see it go in.", True, False),
        ("\"I didn't see it go in.", True, False),
        ("“Our patience is not unlimited.”", False, True),
        ('"Our patience is not unlimited."', False, True),
        ("“We tried,” she said.", False, False),
        ("“Not now,” he said. “Later.”", False, False),
        ("She called it “a disgrace”.", False, False),
        ("No quotation here.", False, False),
        ("“”", False, False),
    ],
)
def test_quotation_shapes(sentence: str, left_open: bool, whole: bool) -> None:
    assert quote_left_open(sentence) is left_open
    assert is_whole_quotation(sentence) is whole


def _claims(text: str, sources: dict[int, str]) -> tuple[Article, list[Claim]]:
    """``text`` with one claim per sentence, citing ``sources[sentence index]``."""
    article = load_article(text)
    claims = [
        Claim(
            id=f"c{sentence.index + 1}",
            text=sentence.text,
            source_ids=[source] if (source := sources.get(sentence.index)) else [],
            modality="asserted",
            quote=False,
            evidence=[Span(start=sentence.start, end=sentence.end, text=sentence.text)],
        )
        for sentence in article.sentences
    ]
    return article, claims


def _speakers_after_quotations(text: str, sources: dict[int, str]) -> list[list[str]]:
    """The source ids of each sentence's claim after `quoted_speakers`."""
    article, claims = _claims(text, sources)
    return [claim.source_ids for claim in quoted_speakers(article, claims)]


def test_a_quotation_closed_by_an_attributed_sentence_takes_its_speaker() -> None:
    text = 'The final ended 3-2.\n\n"I didn\'t see it. I heard it," Ana said.'
    assert _speakers_after_quotations(text, {2: "s1"}) == [[], ["s1"], ["s1"]]


def test_a_whole_quotation_continues_the_quoted_speaker_before_it() -> None:
    text = "“We came with a plan,” the minister said. “Our patience is not unlimited.”"
    assert _speakers_after_quotations(text, {0: "s1"}) == [["s1"], ["s1"]]


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # a new paragraph: the quotation may be anyone's
        (
            "“We came with a plan,” the minister said.\n\n“Our patience is not unlimited.”",
            {0: "s1"},
        ),
        # the sentence before quoted no one: its speaker is not the quotation's
        ("The minister said talks had failed. “Our patience is not unlimited.”", {0: "s1"}),
        # the quotation is never closed in its paragraph
        ("“We came with a plan. We leave with nothing.\n\nThe minister left.", {}),
        # a sentence with a speaker of its own keeps it
        ("“We tried,” she said. “They did not,” he said.", {0: "s1", 1: "s2"}),
    ],
)
def test_no_speaker_is_given_where_the_rules_do_not_hold(
    text: str, sources: dict[int, str]
) -> None:
    _, claims = _claims(text, sources)
    before = [claim.source_ids for claim in claims]
    assert _speakers_after_quotations(text, sources) == before


def _speaker_of(brief: Any, words: str) -> list[str]:
    claim = next(c for c in brief.claims if words in c.text)
    return [s.name for s in brief.sources if s.id in claim.source_ids]


@pytest.mark.parametrize(
    ("slug", "words", "speaker"),
    [
        ("cup-final-late-winner", "I didn't even see the ball go in", "Tomás Ferreira-Quist"),
        ("river-treaty-talks-collapse", "Our patience is not unlimited", "Ilse Marković-Haugen"),
        ("glacier-retreat-survey", "living on borrowed time", "Mei-Ling Vasquez-Thorsen"),
    ],
)
def test_fixture_quotations_are_attributed_to_their_speaker(
    slug: str, words: str, speaker: str
) -> None:
    brief = replayed(slug)
    assert _speaker_of(brief, words) == [speaker]


@pytest.mark.parametrize(
    ("slug", "words", "speaker"),
    [
        # "Tadhg Ó Murchú, 81, taught ..." is named without a speech verb; "he said" follows
        ("village-library-reopens", "I read every book on the bottom shelf", "Tadhg Ó Murchú"),
        # "Among them was Gisela Brandt, a 68-year-old pensioner ..."; then "she said"
        ("council-transit-fare-rise", "Fifty cents does not sound like much", "Gisela Brandt"),
    ],
)
def test_he_or_she_refers_to_the_person_named_last(slug: str, words: str, speaker: str) -> None:
    brief = replayed(slug)
    assert _speaker_of(brief, words) == [speaker]
    source = next(s for s in brief.sources if s.name == speaker)
    assert source.kind == "named_person"
    assert all(brief.article[span.start : span.end] == span.text for span in source.evidence)


def test_a_quotation_closed_without_an_attribution_continues_the_speaker_before() -> None:
    # The model named "None of them" for the last sentence: a phrase inside the quotation.
    text = (
        "“We are on our fourth secretary,” he said. “There is a reason for that. "
        "None of them gave him the answer he wanted.”"
    )
    assert _speakers_after_quotations(text, {0: "s1", 2: "s2"}) == [["s1"], ["s1"], ["s2"]]


def _registry(text: str, speaker: str) -> SourceRegistry:
    """The sources of ``text`` when ``speaker`` is the one person found so far."""
    article = load_article(text)
    start = text.index(speaker)
    evidence = [article_span(article, start, start + len(speaker))]
    return SourceRegistry(article, [SourceDraft(speaker, "named_person", None, None, evidence)])


def test_he_is_the_speaker_of_the_sentence_before_not_a_person_named_after_him() -> None:
    text = "Trump said praise from Russian President Vladimir Putin meant nothing. He said so."
    registry = _registry(text, "Trump")
    assert registry.person_before(text.index("He said")) == 0
    assert len(registry.drafts) == 1


def test_he_is_a_person_introduced_after_the_last_speaker() -> None:
    text = (
        "Mayor Ana Ruiz said the library would open. Tadhg Ó Murchú, 81, taught there. "
        "He said it was a good day."
    )
    registry = _registry(text, "Ana Ruiz")
    drafts = registry.drafts
    assert registry.person_before(text.index("He said")) == 1
    assert drafts[1].name == "Tadhg Ó Murchú" and drafts[1].kind == "named_person"
    assert [span.text for span in drafts[1].evidence] == ["Tadhg Ó Murchú"]


@pytest.mark.parametrize(
    ("slug", "words", "speaker"),
    [
        # "MedLink Systems, an outside contractor ..."; then "MedLink denied ..."
        ("hospital-data-breach", "its software was at fault", "MedLink Systems"),
        # "... the company said" after "Arvelle Therapeutics, the company that makes the drug"
        ("dengue-drug-trial-results", "may cost between $40 and $60", "Arvelle Therapeutics"),
        # "The Rotterdam-based company said ..." after the lede's "Vandermeer Grain Holdings"
        (
            "grain-trader-profit-warning",
            "now expects operating profit",
            "Vandermeer Grain Holdings",
        ),
    ],
)
def test_the_company_is_the_company_named_before(slug: str, words: str, speaker: str) -> None:
    brief = replayed(slug)
    assert _speaker_of(brief, words) == [speaker]
    source = next(s for s in brief.sources if s.name == speaker)
    assert source.kind == "organization"
    assert source.evidence[0].text == speaker
