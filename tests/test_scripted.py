"""The scripted model: answers given per question kind, in order or by a function of the
question; the brief and the history of questions checked.  Rules tested through it run the
whole pipeline, Instructor and the validators included."""

from __future__ import annotations

import pytest

from .scripted import Question, ScriptedModel

TEXT = (
    "Vantor Motors reported a quarterly loss on Tuesday, its chief executive Ana Ruiz said. "
    "It may cut as many as 300 jobs, two people familiar with the plan told Reuters."
)


def test_answers_are_given_in_order_and_every_question_is_recorded(
    scripted: ScriptedModel,
) -> None:
    scripted.enqueue(
        "Attribution",
        {"speaker": "chief executive Ana Ruiz", "via": None},
        {"speaker": "two people familiar with the plan", "via": "Reuters"},
    )
    scripted.enqueue("SelfContained", {"claim": "Vantor Motors may cut as many as 300 jobs"})
    scripted.enqueue("FigureAnswer", {"counts": "jobs that may be cut"})
    brief = scripted.summarize(TEXT)

    assert [(s.name, s.kind, s.via) for s in brief.sources] == [
        ("Ana Ruiz", "named_person", None),
        ("two people familiar with the plan", "anonymous", "Reuters"),
    ]
    assert brief.claims[1].text == "Vantor Motors may cut as many as 300 jobs"
    assert brief.claims[1].source_ids == ["s2"]
    [figure] = brief.figures
    assert (figure.value, figure.counts, figure.qualifier) == (
        300,
        "jobs that may be cut",
        "at_most",
    )
    assert [q.schema for q in scripted.history] == [
        "Attribution",
        "Attribution",
        "SelfContained",
        "FigureAnswer",
        "Summary",
    ]
    rewrite = scripted.asked("SelfContained")[0].values
    assert rewrite["claim"] == "It may cut as many as 300 jobs"
    assert rewrite["context"] == TEXT
    assert scripted.asked("FigureAnswer")[0].values["number"] == "as many as 300"


def test_an_answer_may_be_a_function_of_the_question(scripted: ScriptedModel) -> None:
    def last_words(question: Question) -> dict[str, str | None]:
        speaker = question.values["sentence"].rsplit(", ", 1)[1].removesuffix(" said.")
        return {"speaker": speaker, "via": None}

    scripted.answer_with("Attribution", last_words)
    brief = scripted.summarize("The port will close on Monday, the harbour master said.\n")
    assert [s.name for s in brief.sources] == ["the harbour master"]


def test_an_answer_the_validator_rejects_is_reasked_with_its_error(
    scripted: ScriptedModel,
) -> None:
    scripted.enqueue(
        "Attribution",
        {"speaker": "the president", "via": None},
        {"speaker": "the harbour master", "via": None},
    )
    brief = scripted.summarize("The port will close on Monday, the harbour master said.\n")
    assert [s.name for s in brief.sources] == ["the harbour master"]
    first, again = scripted.asked("Attribution")
    assert not first.reask and again.reask
    assert "'the president' is not in the sentence" in str(again.body["messages"][-1])


def test_a_schema_no_question_asks_for_is_refused(scripted: ScriptedModel) -> None:
    with pytest.raises(ValueError, match="no question asks for 'Claim'"):
        scripted.enqueue("Claim", {"claim": "x"})
