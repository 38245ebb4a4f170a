"""The evaluator's scoring rules, on hand-built briefs: no model is called here."""

from __future__ import annotations

import copy
import importlib.util
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import newsbrief
from newsbrief.brief import Brief, Claim, Figure, Meta, Source, Span, Usage
from newsbrief.cli import app
from newsbrief.errors import ConfigurationError, FixtureMissError
from newsbrief.evaluate import (
    ArticleScore,
    evaluate_dir,
    names_match,
    normalize_name,
    overall,
    score_attributions,
    score_brief,
    scorer_names_match,
)

from .conftest import ROOT

ARTICLE = (
    "Harbour strike spreads\n"
    "\n"
    "Stein spokeswoman Melezia Figueroa said the strike had spread from 14 to 37 terminals. "
    "\u201cWe are not backing down,\u201d Figueroa said.\n"
    "\n"
    "Port director Jens Stoltenberg told Reuters that losses could reach as much as "
    "\u20ac15 million. He said talks would resume on Monday.\n"
    "\n"
    "About 1,200 workers joined the march, police said. The port is the busiest in Europe.\n"
)


def span(text: str, nth: int = 0, article: str = ARTICLE) -> Span:
    """The ``nth`` occurrence of ``text`` in the article, as a Span."""
    start = -1
    for _ in range(nth + 1):
        start = article.index(text, start + 1)
    return Span(start=start, end=start + len(text), text=text)


def cut(start: int, end: int) -> Span:
    return Span(start=start, end=end, text=ARTICLE[start:end])


META = Meta(
    model="test-model",
    backend="test",
    mode="replay",
    prompt_version="test",
    usage=Usage(prompt_tokens=1200, completion_tokens=300),
    calls=7,
    attempts=9,
    latency_s=2.5,
)


def make_brief(
    claims: list[Claim] | None = None,
    sources: list[Source] | None = None,
    figures: list[Figure] | None = None,
    article: str = ARTICLE,
) -> Brief:
    return Brief(
        article=article,
        summary="A strike spreads.",
        claims=claims or [],
        sources=sources or [],
        figures=figures or [],
        meta=META,
    )


def source(
    sid: str,
    name: str,
    evidence: list[Span],
    kind: Any = "named_person",
    via: str | None = None,
) -> Source:
    return Source(id=sid, name=name, kind=kind, via=via, evidence=evidence)


def claim(cid: str, evidence: Span | list[Span], *source_ids: str) -> Claim:
    spans = evidence if isinstance(evidence, list) else [evidence]
    return Claim(id=cid, text=spans[0].text, source_ids=list(source_ids), evidence=spans)


def figure(
    fid: str,
    text: str,
    value: float,
    change_from: float | None = None,
    counts: str | None = None,
    nth: int = 0,
) -> Figure:
    return Figure(
        id=fid, value=value, change_from=change_from, counts=counts, evidence=span(text, nth)
    )


GOLD: dict[str, Any] = {
    "article": "strike.txt",
    "written_for_tests": True,
    "figures": [
        {
            "text": "from 14 to 37",
            "value": 37,
            "change_from": 14,
            "lower": None,
            "qualifier": None,
            "kind": "count",
            "unit": None,
            "counts": "terminals on strike",
        },
        {
            "text": "as much as \u20ac15 million",
            "value": 15000000,
            "change_from": None,
            "lower": None,
            "qualifier": "at_most",
            "kind": "money",
            "unit": "EUR",
            "counts": "losses from the strike",
        },
        {
            "text": "About 1,200",
            "value": 1200,
            "change_from": None,
            "lower": None,
            "qualifier": "approximately",
            "kind": "count",
            "unit": None,
            "counts": "workers who joined the march",
        },
    ],
    "sources": [
        {"name": "Melezia Figueroa", "kind": "named_person", "role": "spokeswoman", "via": None},
        {"name": "Jens Stoltenberg", "kind": "named_person", "role": "director", "via": "Reuters"},
        {"name": "police", "kind": "government_body", "role": None, "via": None},
    ],
    "claims": [
        {
            "evidence": "the strike had spread from 14 to 37 terminals",
            "source": "Melezia Figueroa",
            "modality": "asserted",
            "quote": False,
        },
        {
            "evidence": "We are not backing down,",
            "source": "Melezia Figueroa",
            "modality": "asserted",
            "quote": True,
        },
        {
            "evidence": "losses could reach as much as \u20ac15 million",
            "source": "Jens Stoltenberg",
            "modality": "hedged",
            "quote": False,
        },
        {
            "evidence": "talks would resume on Monday",
            "source": "Jens Stoltenberg",
            "modality": "asserted",
            "quote": False,
        },
        {
            "evidence": "About 1,200 workers joined the march",
            "source": "police",
            "modality": "asserted",
            "quote": False,
        },
        {
            "evidence": "The port is the busiest in Europe.",
            "source": None,
            "modality": "asserted",
            "quote": False,
        },
    ],
}


def perfect_sources() -> list[Source]:
    return [
        source("s1", "Melezia Figueroa", [span("Melezia Figueroa"), span("Figueroa", 1)]),
        source("s2", "Jens Stoltenberg", [span("Jens Stoltenberg")], via="Reuters"),
        source("s3", "police", [span("police")], kind="government_body"),
    ]


def perfect_claims() -> list[Claim]:
    return [
        claim("c1", span("the strike had spread from 14 to 37 terminals"), "s1"),
        claim("c2", span("We are not backing down,"), "s1"),
        claim("c3", span("losses could reach as much as \u20ac15 million"), "s2"),
        claim("c4", span("talks would resume on Monday"), "s2"),
        claim("c5", span("About 1,200 workers joined the march"), "s3"),
        claim("c6", span("The port is the busiest in Europe.")),
    ]


def perfect_figures() -> list[Figure]:
    return [
        figure("f1", "from 14 to 37", 37, 14, counts="terminals"),
        figure("f2", "as much as \u20ac15 million", 15e6, counts="possible losses"),
        figure("f3", "About 1,200", 1200, counts="workers marching"),
    ]


def perfect_brief(**changes: Any) -> Brief:
    parts: dict[str, Any] = {
        "claims": perfect_claims(),
        "sources": perfect_sources(),
        "figures": perfect_figures(),
    }
    parts.update(changes)
    return make_brief(**parts)


# -- format A: the perfect brief -----------------------------------------------------------


def test_perfect_brief_scores_one_everywhere() -> None:
    m = score_brief(perfect_brief(), GOLD)
    for key in (
        "figures_precision",
        "figures_recall",
        "figures_f1",
        "figures_counts_rate",
        "sources_precision",
        "sources_recall",
        "sources_f1",
        "sources_via_accuracy",
        "sources_kind_accuracy",
        "claims_coverage",
        "claims_evidence_coverage",
        "grounding_rate",
    ):
        assert m[key] == 1.0, key
    assert (m["figures_tp"], m["figures_fp"], m["figures_fn"]) == (3, 0, 0)
    assert (m["sources_tp"], m["sources_fp"], m["sources_fn"]) == (3, 0, 0)
    assert m["claims_covered"] == m["claims_gold"] == 6
    assert m["gold_unlocated"] == 0
    # 3 figure spans + 6 claim spans + 4 source spans
    assert m["spans_total"] == m["spans_grounded"] == 13


def test_cost_comes_from_meta() -> None:
    m = score_brief(perfect_brief(), GOLD)
    assert m["attempts"] == 9
    assert m["calls"] == 7
    assert m["prompt_tokens"] == 1200
    assert m["completion_tokens"] == 300
    assert m["latency_s"] == 2.5


def test_empty_brief_scores_zero_recall() -> None:
    m = score_brief(make_brief(), GOLD)
    assert m["figures_recall"] == m["sources_recall"] == m["claims_coverage"] == 0.0
    assert m["figures_f1"] == m["sources_f1"] == 0.0
    assert m["figures_fn"] == 3
    assert m["spans_total"] == 0
    assert m["grounding_rate"] == 1.0  # vacuous: nothing delivered, nothing ungrounded


# -- format A: figures ---------------------------------------------------------------------


def test_correct_value_matches_within_tolerance() -> None:
    brief = perfect_brief(figures=[figure("f1", "from 14 to 37", 37 * (1 + 1e-7), 14)])
    m = score_brief(brief, GOLD)
    assert m["figures_tp"] == 1
    assert m["figures_precision"] == 1.0
    assert m["figures_recall"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        (1 / 3, 0.33, True),  # a third, written to two decimals by the annotator
        (2 / 3, 0.67, True),
        (0.5, 0.5, True),
        (0.34, 0.33, False),
        (0.3, 0.33, False),
        (1.333, 1.33, False),  # above 1 the relative tolerance holds
    ],
)
def test_values_below_one_match_at_two_decimals(predicted: float, gold: float, same: bool) -> None:
    for brief_value, gold_value in ((predicted, gold), (gold, predicted)):
        annotation = {**GOLD["figures"][0], "value": gold_value, "change_from": None}
        brief = perfect_brief(figures=[figure("f1", "from 14 to 37", brief_value)])
        m = score_brief(brief, {**GOLD, "figures": [annotation]})
        assert m["figures_tp"] == (1 if same else 0), (brief_value, gold_value)


@pytest.mark.parametrize(
    ("value", "change_from"),
    [
        (14, None),  # the "from" number as the value
        (36, 14),  # off by one
        (37 * (1 + 1e-5), 14),  # beyond the tolerance
        (37, None),  # change_from missing
        (37, 15),  # change_from wrong
        (37000, 14),  # scale wrong
    ],
)
def test_wrong_value_or_change_does_not_match(value: float, change_from: float | None) -> None:
    brief = perfect_brief(figures=[figure("f1", "from 14 to 37", value, change_from)])
    m = score_brief(brief, GOLD)
    assert m["figures_tp"] == 0
    assert (m["figures_fp"], m["figures_fn"]) == (1, 3)
    assert m["figures_f1"] == 0.0


def test_change_from_on_a_plain_figure_does_not_match() -> None:
    brief = perfect_brief(figures=[figure("f3", "About 1,200", 1200, change_from=1000)])
    assert score_brief(brief, GOLD)["figures_tp"] == 0


def test_figure_needs_overlapping_evidence() -> None:
    # Right value, but the evidence is somewhere else in the article.
    brief = perfect_brief(figures=[figure("f1", "Monday", 37, 14)])
    assert score_brief(brief, GOLD)["figures_tp"] == 0


def test_partial_evidence_overlap_is_enough_for_a_figure() -> None:
    brief = perfect_brief(figures=[figure("f1", "37 terminals", 37, 14)])
    assert score_brief(brief, GOLD)["figures_tp"] == 1


def test_gold_text_occurring_twice_matches_either_occurrence() -> None:
    article = "Prices rose 5% in May.\n\nBy June they had risen 5% again, the bank said.\n"
    gold = {
        "figures": [
            {"text": "5%", "value": 5, "change_from": None, "counts": "rise in prices"},
        ],
        "sources": [],
        "claims": [],
    }
    second = Figure(id="f", value=5, unit="%", evidence=span("5%", 1, article))
    m = score_brief(make_brief(figures=[second], article=article), gold)
    assert m["figures_tp"] == 1


def test_two_predictions_of_one_gold_figure_match_once() -> None:
    brief = perfect_brief(
        figures=[*perfect_figures(), figure("f9", "37", 37, 14)],
    )
    m = score_brief(brief, GOLD)
    assert (m["figures_tp"], m["figures_fp"], m["figures_fn"]) == (3, 1, 0)
    assert m["figures_precision"] == pytest.approx(3 / 4)


def test_counts_agreement_is_lenient_word_overlap() -> None:
    figures = [
        figure("f1", "from 14 to 37", 37, 14, counts="Terminals"),  # shares "terminals"
        figure("f2", "as much as \u20ac15 million", 15e6, counts="the number of ships"),
        figure("f3", "About 1,200", 1200, counts=None),
    ]
    m = score_brief(perfect_brief(figures=figures), GOLD)
    assert m["figures_tp"] == 3
    assert m["figures_counts_agree"] == 1
    assert m["figures_counts_rate"] == pytest.approx(1 / 3)


# -- format A: sources ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "predicted", "person", "expected"),
    [
        ("Jens Stoltenberg", "Jens Stoltenberg", True, 2),
        ("Jens Stoltenberg", "jens  stoltenberg", True, 2),
        ("Jens Stoltenberg", "Jens\u00a0Stoltenberg", True, 2),
        ("Jens Stoltenberg", "Stoltenberg", True, 1),
        ("Stoltenberg", "Jens Stoltenberg", True, 1),
        ("Jens Stoltenberg", "Jens", True, 0),
        ("Jens Stoltenberg", "Stoltenberg", False, 0),
        ("several diplomats", "diplomats", False, 0),
        ("the port authority", "Port authority", False, 2),
        (
            "a statement from the PM\u2019s media office",
            "statement from the PM's media office",
            False,
            2,
        ),
        ("Veskaria\u2019s foreign ministry", "Veskaria foreign ministry", False, 2),
        ("Jens Stoltenberg", "Jens Stoltenberg's", True, 2),
        ("Melezia Figueroa", "Jens Stoltenberg", True, 0),
    ],
)
def test_names_match(gold: str, predicted: str, person: bool, expected: int) -> None:
    assert names_match(gold, predicted, person=person) == expected


def test_normalize_name() -> None:
    assert normalize_name("  The  PM\u2019s media office, ") == "pm media office"
    assert normalize_name("the") == "the"


def test_short_name_matches_a_named_person() -> None:
    sources = perfect_sources()
    sources[1] = source("s2", "Stoltenberg", [span("Jens Stoltenberg")], via="Reuters")
    m = score_brief(perfect_brief(sources=sources), GOLD)
    assert m["sources_tp"] == 3
    assert m["claims_coverage"] == 1.0


def test_wrong_speaker_does_not_match() -> None:
    sources = [
        source("s1", "Melezia Figueroa", [span("Melezia Figueroa")]),
        source("s2", "Reuters", [span("Reuters")], kind="media_outlet"),
        source("s3", "police", [span("police")], kind="government_body"),
    ]
    m = score_brief(perfect_brief(sources=sources), GOLD)
    assert (m["sources_tp"], m["sources_fp"], m["sources_fn"]) == (2, 1, 1)
    assert m["sources_precision"] == m["sources_recall"] == pytest.approx(2 / 3)
    # The two Stoltenberg claims now cite "Reuters": evidence covered, attribution wrong.
    assert m["claims_evidence_covered"] == 6
    assert m["claims_covered"] == 4


def test_two_predicted_figueroas_match_one_gold_source() -> None:
    sources = [
        source("s1", "Figueroa", [span("Melezia Figueroa")]),
        source("s1b", "Figueroa", [span("Figueroa", 1)]),
        *perfect_sources()[1:],
    ]
    claims = perfect_claims()
    claims[1] = claim("c2", span("We are not backing down,"), "s1b")
    m = score_brief(perfect_brief(sources=sources, claims=claims), GOLD)
    assert (m["sources_tp"], m["sources_fp"], m["sources_fn"]) == (3, 1, 0)
    assert m["sources_precision"] == pytest.approx(3 / 4)
    # The duplicate still names the right speaker, so its claim is attributed correctly.
    assert m["claims_covered"] == 6


def test_source_matched_elsewhere_never_stands_for_another_speaker() -> None:
    gold = copy.deepcopy(GOLD)
    gold["sources"].append(
        {"name": "Anna Stoltenberg", "kind": "named_person", "role": None, "via": None}
    )
    sources = perfect_sources()
    sources[1] = source("s2", "Stoltenberg", [span("Jens Stoltenberg")], via="Reuters")
    gold["claims"][3]["source"] = "Anna Stoltenberg"
    m = score_brief(perfect_brief(sources=sources), gold)
    # "Stoltenberg" is matched to one gold Stoltenberg (greedy: Jens, first in gold order);
    # the claim gold gives to Anna is therefore not attributed correctly.
    assert m["sources_tp"] == 3
    assert m["claims_covered"] == 5


def test_via_mismatch_lowers_via_accuracy() -> None:
    sources = perfect_sources()
    sources[1] = source("s2", "Jens Stoltenberg", [span("Jens Stoltenberg")], via=None)
    m = score_brief(perfect_brief(sources=sources), GOLD)
    assert m["sources_tp"] == 3
    assert m["sources_via_correct"] == 2
    assert m["sources_via_accuracy"] == pytest.approx(2 / 3)

    sources[1] = source("s2", "Jens Stoltenberg", [span("Jens Stoltenberg")], via="the agency")
    assert score_brief(perfect_brief(sources=sources), GOLD)["sources_via_correct"] == 2

    sources[1] = source("s2", "Jens Stoltenberg", [span("Jens Stoltenberg")], via="reuters")
    assert score_brief(perfect_brief(sources=sources), GOLD)["sources_via_accuracy"] == 1.0

    sources[0] = source("s1", "Melezia Figueroa", [span("Melezia Figueroa")], via="Reuters")
    assert score_brief(perfect_brief(sources=sources), GOLD)["sources_via_correct"] == 2


def test_kind_mismatch_lowers_kind_accuracy() -> None:
    sources = perfect_sources()
    sources[2] = source("s3", "police", [span("police")], kind="organization")
    m = score_brief(perfect_brief(sources=sources), GOLD)
    assert m["sources_tp"] == 3
    assert m["sources_kind_accuracy"] == pytest.approx(2 / 3)


# -- format A: claims ----------------------------------------------------------------------


def test_claim_coverage_needs_half_of_the_gold_span() -> None:
    gold_span = span("losses could reach as much as \u20ac15 million")
    half = math.ceil(len(gold_span.text) / 2)
    for length, covered in ((half, 1), (half - 1, 0)):
        claims = perfect_claims()
        claims[2] = claim("c3", cut(gold_span.start, gold_span.start + length), "s2")
        m = score_brief(perfect_brief(claims=claims), GOLD)
        assert m["claims_evidence_covered"] == 5 + covered, length
        assert m["claims_covered"] == 5 + covered, length


def test_claim_coverage_uses_the_union_of_evidence_spans() -> None:
    gold_span = span("losses could reach as much as \u20ac15 million")
    third = len(gold_span.text) // 3
    pieces = [
        cut(gold_span.start, gold_span.start + third),
        cut(gold_span.start, gold_span.start + third),  # the same piece twice counts once
        cut(gold_span.end - third, gold_span.end),
    ]
    claims = perfect_claims()
    claims[2] = claim("c3", pieces[:2], "s2")
    assert score_brief(perfect_brief(claims=claims), GOLD)["claims_evidence_covered"] == 5
    claims[2] = claim("c3", pieces, "s2")
    assert score_brief(perfect_brief(claims=claims), GOLD)["claims_evidence_covered"] == 6


def test_longer_predicted_evidence_covers_the_gold_claim() -> None:
    claims = perfect_claims()
    sentence = span("Port director Jens Stoltenberg told Reuters that losses could reach")
    claims[2] = claim("c3", cut(sentence.start, span("million").end), "s2")
    assert score_brief(perfect_brief(claims=claims), GOLD)["claims_covered"] == 6


def test_publication_claim_must_not_be_given_a_source() -> None:
    claims = perfect_claims()
    claims[5] = claim("c6", span("The port is the busiest in Europe."), "s3")
    m = score_brief(perfect_brief(claims=claims), GOLD)
    assert m["claims_evidence_covered"] == 6
    assert m["claims_covered"] == 5
    assert m["claims_coverage"] == pytest.approx(5 / 6)
    assert m["claims_evidence_coverage"] == 1.0


def test_sourced_gold_claim_needs_a_source() -> None:
    claims = perfect_claims()
    claims[4] = claim("c5", span("About 1,200 workers joined the march"))
    m = score_brief(perfect_brief(claims=claims), GOLD)
    assert (m["claims_evidence_covered"], m["claims_covered"]) == (6, 5)


def test_one_of_several_cited_sources_may_be_the_right_one() -> None:
    claims = perfect_claims()
    claims[3] = claim("c4", span("talks would resume on Monday"), "s1", "s2")
    assert score_brief(perfect_brief(claims=claims), GOLD)["claims_covered"] == 6


def test_unlocated_gold_text_is_counted_and_never_matches() -> None:
    gold = copy.deepcopy(GOLD)
    gold["figures"][0]["text"] = "from 14 to 38"
    gold["claims"][0]["evidence"] = "not in the article"
    m = score_brief(perfect_brief(), gold)
    assert m["gold_unlocated"] == 2
    assert m["figures_tp"] == 2
    assert m["claims_covered"] == 5


# -- format B: PolNeAR attributions --------------------------------------------------------


def annotation(source_text: str | None, cue: str, content: str, nth: int = 0) -> dict[str, Any]:
    def as_dict(s: Span) -> dict[str, Any]:
        return {"start": s.start, "end": s.end, "text": s.text}

    return {
        "source": None if source_text is None else as_dict(span(source_text, nth)),
        "cue": as_dict(span(cue, nth)),
        "content": as_dict(span(content)),
    }


ANNOTATIONS: dict[str, Any] = {
    "source": "test",
    "attributions": [
        annotation(
            "Stein spokeswoman Melezia Figueroa",
            "said",
            "the strike had spread from 14 to 37 terminals",
        ),
        annotation("Figueroa", "said", "\u201cWe are not backing down,\u201d", nth=1),
        annotation(
            "Port director Jens Stoltenberg",
            "told",
            "that losses could reach as much as \u20ac15 million",
        ),
        annotation("He", "said", "talks would resume on Monday", nth=0),
        annotation("police", "said", "About 1,200 workers joined the march"),
        annotation(None, "could", "reach as much as \u20ac15 million"),
    ],
}


def test_attributions_perfect() -> None:
    m = score_attributions(perfect_brief(), ANNOTATIONS)
    assert m["attributions_total"] == 6
    assert m["attributions_unsourced"] == 1
    assert m["named_attributions"] == 4  # the pronoun "He" is not among these
    assert m["speaker_hits"] == m["attribution_hits"] == 4
    assert (m["attributed_claims"], m["claim_precision_hits"]) == (5, 5)
    assert m["speaker_recall"] == m["attribution_recall"] == m["claim_precision"] == 1.0
    assert m["attribution_f1"] == 1.0
    assert (m["sources_predicted"], m["source_hits"]) == (3, 3)
    assert (m["pronoun_attributions"], m["pronoun_sourced"]) == (1, 1)
    assert m["grounding_rate"] == 1.0
    assert m["attempts"] == 9


def test_attributions_speaker_missing_and_unsourced_claim() -> None:
    sources = perfect_sources()[:2]
    claims = perfect_claims()
    claims[4] = claim("c5", span("About 1,200 workers joined the march"))
    m = score_attributions(perfect_brief(sources=sources, claims=claims), ANNOTATIONS)
    assert m["speaker_hits"] == m["attribution_hits"] == 3
    assert m["speaker_recall"] == pytest.approx(3 / 4)
    assert (m["attributed_claims"], m["claim_precision_hits"]) == (4, 4)  # unsourced: not judged


def test_attributions_wrong_speaker_on_the_claim() -> None:
    claims = perfect_claims()
    claims[0] = claim("c1", span("the strike had spread from 14 to 37 terminals"), "s2")
    m = score_attributions(perfect_brief(claims=claims), ANNOTATIONS)
    assert m["speaker_hits"] == 4  # Figueroa is still a source
    assert m["attribution_hits"] == 3  # but not of this claim
    assert m["claim_precision_hits"] == 4  # and the claim names the wrong speaker
    assert m["attribution_f1"] == pytest.approx(2 * 0.75 * 0.8 / (0.75 + 0.8))


def test_names_match_by_half_of_the_shorter_token_set() -> None:
    assert scorer_names_match("Stein spokeswoman Melezia Figueroa", "Melezia Figueroa")
    assert scorer_names_match("Mr. Figueroa", "Figueroa")  # "mr" is a stop word
    assert scorer_names_match("the Port director", "Port officials")  # 1 of 2
    assert not scorer_names_match("Port director", "Reuters")
    assert not scorer_names_match("the", "the")  # nothing left to compare


def test_pronoun_source_counts_separately_and_any_source_will_do() -> None:
    claims = perfect_claims()
    claims[3] = claim("c4", span("talks would resume on Monday"))
    m = score_attributions(perfect_brief(claims=claims), ANNOTATIONS)
    assert (m["pronoun_attributions"], m["pronoun_sourced"]) == (1, 0)
    assert m["pronoun_sourced_rate"] == 0.0
    assert m["named_attributions"] == 4
    assert m["attribution_recall"] == 1.0

    # Offsets cannot check who a pronoun resolves to: any cited source counts.
    claims[3] = claim("c4", span("talks would resume on Monday"), "s3")
    m = score_attributions(perfect_brief(claims=claims), ANNOTATIONS)
    assert m["pronoun_sourced"] == 1
    assert m["claim_precision_hits"] == 5


def test_one_shared_character_with_the_content_is_enough() -> None:
    content = span("the strike had spread from 14 to 37 terminals")
    for inside, found in ((1, 4), (0, 3)):
        claims = perfect_claims()
        claims[0] = claim("c1", cut(content.start - 40, content.start + inside), "s1")
        m = score_attributions(perfect_brief(claims=claims), ANNOTATIONS)
        assert m["attribution_hits"] == found, inside


def test_source_precision_counts_sources_no_annotation_names() -> None:
    sources = [*perfect_sources(), source("s4", "Reuters", [span("Reuters")], kind="media_outlet")]
    m = score_attributions(perfect_brief(sources=sources), ANNOTATIONS)
    assert (m["sources_predicted"], m["source_hits"]) == (4, 3)
    assert m["source_precision"] == pytest.approx(3 / 4)


def test_span_scores_exact_and_overlap_in_the_manner_of_citron() -> None:
    m = score_attributions(perfect_brief(), ANNOTATIONS)
    # sources: "Figueroa" and "police" are exact; "Melezia Figueroa" lies inside "Stein
    # spokeswoman Melezia Figueroa" (overlap only); nobody stands for "He".
    assert (m["source_predicted"], m["source_gold"]) == (4, 5)
    assert (m["source_exact_correct"], m["source_exact_found"]) == (2, 2)
    assert (m["source_overlap_correct"], m["source_overlap_found"]) == (4, 4)
    assert m["source_exact_f1"] == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    # content: quotes and commas at the edges do not count; "that losses ..." against
    # "losses ..." is an overlap, not exact.
    assert (m["content_predicted"], m["content_gold"]) == (5, 5)
    assert (m["content_exact_correct"], m["content_exact_found"]) == (4, 4)
    assert m["content_overlap_f1"] == 1.0


SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score_attributions.py"


@pytest.mark.skipif(not SHARED_SCORER.is_file(), reason="no ../shared/eval beside the checkout")
@pytest.mark.parametrize("variant", ["perfect", "speaker missing", "wrong speaker", "pronoun"])
def test_the_counts_are_the_shared_scorers(variant: str) -> None:
    spec = importlib.util.spec_from_file_location("shared_scorer", SHARED_SCORER)
    assert spec is not None and spec.loader is not None
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    sources, claims = perfect_sources(), perfect_claims()
    if variant == "speaker missing":
        sources = sources[:2]
        claims[4] = claim("c5", span("About 1,200 workers joined the march"))
    elif variant == "wrong speaker":
        claims[0] = claim("c1", span("the strike had spread from 14 to 37 terminals"), "s2")
    elif variant == "pronoun":
        claims[3] = claim("c4", span("talks would resume on Monday"), "s3")
    brief = perfect_brief(sources=sources, claims=claims)
    theirs = shared.score(ARTICLE, ANNOTATIONS, brief.model_dump(mode="json"))
    ours = score_attributions(brief, ANNOTATIONS)
    for key in ("speaker_hits", "attribution_hits", "claim_precision_hits", "source_hits"):
        assert ours[key] == theirs[key], key
    assert ours["named_attributions"] == theirs["named_attributions"]
    assert ours["attributed_claims"] == theirs["attributed_claims"]
    assert ours["sources_predicted"] == theirs["sources"]


def test_annotations_must_match_the_article() -> None:
    broken = copy.deepcopy(ANNOTATIONS)
    broken["attributions"][0]["content"]["start"] += 1
    with pytest.raises(ValueError, match="not at its offsets"):
        score_attributions(perfect_brief(), broken)


# -- the report ----------------------------------------------------------------------------


def test_overall_is_micro_averaged() -> None:
    one = score_brief(perfect_brief(), GOLD)  # 3 TP
    two = score_brief(perfect_brief(figures=[figure("f9", "Monday", 1)]), GOLD)  # 0 TP, 1 FP
    total = overall(
        [
            ArticleScore("one", "gold", one),
            ArticleScore("two", "gold", two),
            ArticleScore("bad", "gold", {}, "FixtureMissError: no recording"),
        ]
    )
    assert (total["articles"], total["articles_scored"], total["articles_errored"]) == (3, 2, 1)
    assert (total["figures_tp"], total["figures_fp"], total["figures_fn"]) == (3, 1, 3)
    assert total["figures_precision"] == pytest.approx(3 / 4)  # not the mean of 1.0 and 0.0
    assert total["figures_recall"] == pytest.approx(3 / 6)
    assert total["attempts"] == 18
    assert total["latency_s"] == 5.0


def _fake_summarize(briefs: dict[str, Brief]) -> Callable[..., Brief]:
    def fake(article: str | bytes, **options: Any) -> Brief:
        text = article.decode("utf-8") if isinstance(article, bytes) else article
        text = text.replace("\r\n", "\n")
        if text not in briefs:
            raise FixtureMissError("no recorded response in replay mode", key="0" * 64)
        assert options["fixtures"] == "replay"
        return briefs[text]

    return fake


def test_errored_article_is_kept_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles" / "a-strike.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "gold" / "a-strike.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (tmp_path / "articles" / "b-missing.txt").write_text("Other news.\n\nText.\n", "utf-8")
    (tmp_path / "gold" / "b-missing.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (tmp_path / "articles" / "c-no-gold.txt").write_text("No gold here.\n", encoding="utf-8")

    seen: list[Any] = []
    fake = _fake_summarize({ARTICLE: perfect_brief()})

    def spy(article: str | bytes, **options: Any) -> Brief:
        seen.append(options["fixtures_dir"])
        return fake(article, **options)

    monkeypatch.setattr(newsbrief, "summarize", spy)

    report = evaluate_dir(tmp_path)

    assert seen == [str(tmp_path / "responses")] * 2  # recordings beside gold/
    assert [a.name for a in report.articles] == ["a-strike", "b-missing"]
    ok, bad = report.articles
    assert ok.error is None and ok.kind == "gold"
    assert ok.metrics["figures_f1"] == 1.0
    assert bad.error is not None and bad.error.startswith("FixtureMissError")
    assert bad.metrics == {}
    assert report.errored == [bad]
    assert report.overall["articles_errored"] == 1
    assert report.overall["figures_tp"] == 3
    assert any("c-no-gold.txt" in note for note in report.notes)
    assert json.loads(report.to_json())["articles"][1]["error"].startswith("FixtureMissError")


def test_attribution_layout_with_crlf_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crlf = ARTICLE.replace("\n", "\r\n")
    shifted = copy.deepcopy(ANNOTATIONS)
    for record in shifted["attributions"]:
        for part in ("source", "cue", "content"):
            if record[part] is not None:
                start = crlf.index(record[part]["text"])
                if record[part]["text"] in ("said", "Figueroa"):  # keep the annotated one
                    nth = ARTICLE[: record[part]["start"]].count(record[part]["text"])
                    for _ in range(nth):
                        start = crlf.index(record[part]["text"], start + 1)
                record[part]["start"] = start
                record[part]["end"] = start + len(record[part]["text"])
    (tmp_path / "news_1.txt").write_bytes(crlf.encode("utf-8"))
    (tmp_path / "news_1.attributions.json").write_text(json.dumps(shifted), encoding="utf-8")
    (tmp_path / "cnndm-1.txt").write_text("A reference-only article.\n", encoding="utf-8")
    (tmp_path / "cnndm-1.reference.json").write_text('{"highlights": "x"}', encoding="utf-8")
    monkeypatch.setattr(newsbrief, "summarize", _fake_summarize({ARTICLE: perfect_brief()}))

    report = evaluate_dir(tmp_path)

    assert [a.name for a in report.articles] == ["news_1"]
    (only,) = report.articles
    assert only.error is None and only.kind == "attributions"
    assert only.metrics["attribution_recall"] == only.metrics["claim_precision"] == 1.0
    assert only.metrics["pronoun_sourced"] == 1
    assert any("cnndm-1.txt" in note and "skipped" in note for note in report.notes)


def test_unknown_layout_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.\n", encoding="utf-8")
    with pytest.raises(ConfigurationError):
        evaluate_dir(tmp_path)


def test_cli_eval_json_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "gold" / "a.json").write_text(json.dumps(GOLD), encoding="utf-8")
    weak = perfect_brief(figures=[], sources=[], claims=[])
    monkeypatch.setattr(newsbrief, "summarize", _fake_summarize({ARTICLE: weak}))
    runner = CliRunner(env={"COLUMNS": "200"})

    result = runner.invoke(app, ["eval", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output  # low scores are not a failure
    data = json.loads(result.stdout)
    assert data["articles"][0]["metrics"]["figures_recall"] == 0.0

    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "overall" in result.stdout

    (tmp_path / "articles" / "b.txt").write_text("Unrecorded.\n\nText here.\n", "utf-8")
    (tmp_path / "gold" / "b.json").write_text(json.dumps(GOLD), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "FixtureMissError" in result.stdout

    result = runner.invoke(app, ["eval", str(tmp_path / "articles")])
    assert result.exit_code == 2


GOLD_DIR = Path(__file__).resolve().parents[1] / "fixtures"


def brief_from_gold(article: str, gold: dict[str, Any]) -> Brief:
    """The brief a perfect system would deliver for a gold annotation."""

    def at(text: str) -> Span:
        start = article.index(text)
        return Span(start=start, end=start + len(text), text=text)

    figures = [
        Figure(id=f"f{i}", value=g["value"], change_from=g["change_from"], evidence=at(g["text"]))
        for i, g in enumerate(gold["figures"])
    ]
    ids = {g["name"]: f"s{i}" for i, g in enumerate(gold["sources"])}
    sources = []
    for g in gold["sources"]:
        said = [c["evidence"] for c in gold["claims"] if c["source"] == g["name"]]
        where = g["name"] if g["name"] in article else (said or [article.strip()[:5]])[0]
        sources.append(
            Source(
                id=ids[g["name"]],
                name=g["name"],
                kind=g["kind"],
                via=g["via"],
                evidence=[at(where)],
            )
        )
    claims = [
        Claim(
            id=f"c{i}",
            text=g["evidence"],
            source_ids=[ids[g["source"]]] if g["source"] else [],
            evidence=[at(g["evidence"])],
        )
        for i, g in enumerate(gold["claims"])
    ]
    return make_brief(claims=claims, sources=sources, figures=figures, article=article)


@pytest.mark.parametrize(
    "gold_path", sorted((GOLD_DIR / "gold").glob("*.json")), ids=lambda p: p.stem
)
def test_every_gold_file_scores_perfectly_against_itself(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    article = (GOLD_DIR / "articles" / gold["article"]).read_bytes().decode("utf-8")
    m = score_brief(brief_from_gold(article, gold), gold)
    assert m["gold_unlocated"] == 0
    for key in ("figures_f1", "sources_f1", "sources_via_accuracy", "sources_kind_accuracy"):
        assert m[key] == 1.0, key
    assert m["claims_coverage"] == m["claims_evidence_coverage"] == 1.0


def test_direction_is_scored_only_where_the_gold_gives_it() -> None:
    gold = {**GOLD, "figures": [dict(f) for f in GOLD["figures"]]}
    gold["figures"][0]["direction"] = "up"  # from 14 to 37
    gold["figures"][2]["direction"] = None  # About 1,200: no move
    moved = perfect_figures()
    moved[0] = moved[0].model_copy(update={"direction": "up"})
    moved[2] = moved[2].model_copy(update={"direction": "down"})
    m = score_brief(perfect_brief(figures=moved), gold)
    assert m["figures_tp"] == 3  # a wrong direction does not unmatch a figure
    assert (m["figures_direction_n"], m["figures_direction_agree"]) == (2, 1)
    assert m["figures_direction_rate"] == pytest.approx(1 / 2)
