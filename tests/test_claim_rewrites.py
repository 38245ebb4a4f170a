"""The checks a self-contained rewrite of a claim must pass (`questions.SelfContained`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsbrief.questions import SelfContained, claim_checks, validate_answer

CONTEXT = (
    "MedLink, the hospital's software supplier, rejected the findings. "
    "The company denied that its software was at fault, its chief executive Ana Ruiz said."
)


def _rewrite(claim: str, evidence: str, context: str = CONTEXT) -> SelfContained:
    return validate_answer(SelfContained, {"claim": claim}, claim_checks(evidence, context))


def test_a_name_from_the_context_in_place_of_the_pronoun_is_accepted() -> None:
    answer = _rewrite("MedLink's software was at fault", "its software was at fault")
    assert answer.claim == "MedLink's software was at fault"


def test_a_possessive_name_from_the_context_in_place_of_her_is_accepted() -> None:
    context = (
        "Mayor Lucia Ferraro opened the new bridge on Friday. "
        "She said her office would repave 40 streets this year."
    )
    evidence = "her office would repave 40 streets this year"
    claim = "Mayor Lucia Ferraro’s office would repave 40 streets this year"
    assert _rewrite(claim, evidence, context).claim == claim


def test_a_name_made_possessive_may_replace_the_companys() -> None:
    evidence = "the company's shares fell 4%"
    context = "Vantor Motors reported a loss. The company's shares fell 4%."
    assert _rewrite("Vantor Motors' shares fell 4%", evidence, context)
    assert _rewrite("Vantor's shares fell 4%", evidence, context)


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("MedLink denied that its software was at fault", "not who said it"),
        ("Ana Ruiz said MedLink's software was at fault", "not who said it"),
        ("MedLink rejected the findings. Its software was at fault", "do not add sentences"),
        ("Its software was at fault, Zenith said", "not there: zenith"),
        ("Zenith's software was at fault", "not there: zenith"),
        ("MedLink's software was not at fault", "not there: not"),
        ("the software was at fault", None),
    ],
)
def test_rewrites_that_change_the_claim_are_rejected(claim: str, reason: str | None) -> None:
    if reason is None:  # no pronoun left, nothing added: accepted as is
        assert _rewrite(claim, "its software was at fault").claim == claim
        return
    with pytest.raises(ValidationError, match=reason):
        _rewrite(claim, "its software was at fault")


def test_a_common_noun_made_possessive_is_no_name() -> None:
    context = "The supplier, MedLink, rejected the findings. Its software was at fault."
    with pytest.raises(ValidationError, match="not there: s"):
        _rewrite("The supplier's software was at fault", "Its software was at fault", context)
    assert _rewrite("MedLink's software was at fault", "Its software was at fault", context)


def test_a_speech_verb_the_claim_already_had_may_stay() -> None:
    evidence = "it said the outage was over"
    context = "MedLink posted an update. It said the outage was over."
    assert _rewrite("MedLink said the outage was over", evidence, context).claim


def test_a_claim_of_two_sentences_may_stay_two_sentences() -> None:
    evidence = "It failed twice. It was fixed."
    context = "The scanner was old. It failed twice. It was fixed."
    assert _rewrite("The scanner failed twice. The scanner was fixed.", evidence, context)
