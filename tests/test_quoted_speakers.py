"""Quoted sentences without an attribution of their own take their quotation's speaker."""

from __future__ import annotations

import time
from typing import Any

import pytest

from newsbrief.article import load_article
from newsbrief.brief import Claim, Span
from newsbrief.grounding import is_whole_quotation, quote_left_open
from newsbrief.llm import CallStats
from newsbrief.pipeline import _quoted_speakers, _Run

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


def _run(text: str, sources: dict[int, str]) -> _Run:
    """A run over ``text`` with one claim per sentence, citing ``sources[sentence index]``."""
    article = load_article(text)
    run = _Run(article, None, CallStats(), False, 0, "v", time.perf_counter())  # type: ignore[arg-type]
    for sentence in article.sentences:
        source = sources.get(sentence.index)
        run.claims.append(
            Claim(
                id=f"c{sentence.index + 1}",
                text=sentence.text,
                source_ids=[source] if source else [],
                modality="asserted",
                quote=False,
                evidence=[Span(start=sentence.start, end=sentence.end, text=sentence.text)],
            )
        )
    return run


def _sources(run: _Run) -> list[list[str]]:
    return [claim.source_ids for claim in run.claims]


def test_a_quotation_closed_by_an_attributed_sentence_takes_its_speaker() -> None:
    run = _run('The final ended 3-2.\n\n"I didn\'t see it. I heard it," Ana said.', {2: "s1"})
    _quoted_speakers(run)
    assert _sources(run) == [[], ["s1"], ["s1"]]


def test_a_whole_quotation_continues_the_quoted_speaker_before_it() -> None:
    text = "“We came with a plan,” the minister said. “Our patience is not unlimited.”"
    run = _run(text, {0: "s1"})
    _quoted_speakers(run)
    assert _sources(run) == [["s1"], ["s1"]]


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
    run = _run(text, sources)
    before = _sources(run)
    _quoted_speakers(run)
    assert _sources(run) == before


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
    run = _run(text, {0: "s1", 2: "s2"})
    _quoted_speakers(run)
    assert _sources(run) == [["s1"], ["s1"], ["s2"]]


def _draft_run(text: str, speaker: str) -> tuple[_Run, list[Any]]:
    from newsbrief.pipeline import _SourceDraft, _span

    run = _run(text, {})
    start = text.index(speaker)
    evidence = [_span(run.article, start, start + len(speaker))]
    return run, [_SourceDraft(speaker, "named_person", None, None, evidence)]


def test_he_is_the_speaker_of_the_sentence_before_not_a_person_named_after_him() -> None:
    from newsbrief.pipeline import _person_before

    text = "Trump said praise from Russian President Vladimir Putin meant nothing. He said so."
    run, drafts = _draft_run(text, "Trump")
    assert _person_before(run, drafts, text.index("He said")) == 0
    assert len(drafts) == 1


def test_he_is_a_person_introduced_after_the_last_speaker() -> None:
    from newsbrief.pipeline import _person_before

    text = (
        "Mayor Ana Ruiz said the library would open. Tadhg Ó Murchú, 81, taught there. "
        "He said it was a good day."
    )
    run, drafts = _draft_run(text, "Ana Ruiz")
    assert _person_before(run, drafts, text.index("He said")) == 1
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
