"""Which numbers become figures: not a dateline's date, not the count of an anonymous source."""

from __future__ import annotations

import pytest

from newsbrief.numbers import find_numbers

from .conftest import replayed
from .scripted import ScriptedModel


def _date_in(scripted: ScriptedModel, text: str) -> bool:
    """Whether the one date of ``text`` is taken for the dateline's: no figure, not asked."""
    [mention] = [m for m in find_numbers(text) if m.kind == "date"]
    brief = scripted.summarize(text)
    asked = [q.values["number"] for q in scripted.asked("FigureAnswer")]
    figure = any(f.evidence.start == mention.start for f in brief.figures)
    assert figure == (mention.text in asked)
    return not figure


@pytest.mark.parametrize(
    "text",
    [
        "Headline\n\nGENEVA, June 3 (Reuters) — Talks broke down on Tuesday.",
        "SAN LORENZO DEL VALLE, Sept 8 (AFP) - At least 23 people have died.",
        "AMSTERDAM, Netherlands, March 14 - The company said.",
    ],
)
def test_a_datelines_date_is_when_the_story_was_filed(scripted: ScriptedModel, text: str) -> None:
    assert _date_in(scripted, text)


@pytest.mark.parametrize(
    "text",
    [
        "On March 14 (a Tuesday) - the board met.",  # not a place in capitals
        "The vote is set for June 3 (Reuters reported) in Geneva.",  # no dash after it
        "GENEVA, June 3 was the day the talks broke down.",
    ],
)
def test_a_date_outside_a_dateline_is_a_figure(scripted: ScriptedModel, text: str) -> None:
    assert not _date_in(scripted, text)


def test_the_fixture_datelines_give_no_figure() -> None:
    for slug, date in [
        ("grain-trader-profit-warning", "March 14"),
        ("river-treaty-talks-collapse", "June 3"),
        ("valley-floods-evacuations", "Sept 8"),
    ]:
        brief = replayed(slug)
        assert date in brief.article
        assert all(f.evidence.text != date for f in brief.figures), slug


def test_the_count_of_an_anonymous_source_is_not_a_figure() -> None:
    brief = replayed("river-treaty-talks-collapse")
    source = next(s for s in brief.sources if s.name.startswith("two diplomats"))
    assert source.kind == "anonymous"
    inside = [
        f
        for f in brief.figures
        if any(e.start <= f.evidence.start < e.end for e in source.evidence)
    ]
    assert inside == []
    # "The two neighbours have held nine rounds": a count outside any source stays.
    assert any(f.evidence.text == "two" and f.value == 2 for f in brief.figures)


def test_a_count_in_a_documents_words_stays_a_figure() -> None:
    brief = replayed("dengue-drug-trial-results")
    trial = next(s for s in brief.sources if "clinical trial" in s.name)
    assert trial.kind == "document"
    assert any(f.evidence.text == "six" and f.value == 6 for f in brief.figures)


def test_a_run_on_answer_for_what_a_number_counts_is_dropped(scripted: ScriptedModel) -> None:
    text = "Harbour pilots in Quellmouth said 40 ships were held at anchor on Tuesday."
    run_on = "ships " + "and the mayor resigned in disgrace " * 20
    scripted.enqueue("FigureAnswer", {"counts": run_on})
    brief = scripted.summarize(text)
    [figure] = [f for f in brief.figures if f.value == 40]
    assert figure.counts is None
    assert any(i.item == "figure" and i.reason.startswith("counts dropped") for i in brief.issues)


def test_a_short_answer_for_what_a_number_counts_is_kept(scripted: ScriptedModel) -> None:
    text = "Harbour pilots in Quellmouth said 40 ships were held at anchor on Tuesday."
    scripted.enqueue("FigureAnswer", {"counts": "ships held at anchor"})
    brief = scripted.summarize(text)
    [figure] = [f for f in brief.figures if f.value == 40]
    assert figure.counts == "ships held at anchor"
