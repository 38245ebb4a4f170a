"""The checks a self-contained rewrite of a claim must pass (`pipeline.SelfContained`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsbrief.pipeline import SelfContained, _claim_checks

CONTEXT = (
    "MedLink, the hospital's software supplier, rejected the findings. "
    "The company denied that its software was at fault, its chief executive Ana Ruiz said."
)


def _rewrite(claim: str, evidence: str, context: str = CONTEXT) -> SelfContained:
    return SelfContained.model_validate({"claim": claim}, context=_claim_checks(evidence, context))


def test_a_name_from_the_context_in_place_of_the_pronoun_is_accepted() -> None:
    answer = _rewrite("MedLink's software was at fault", "its software was at fault")
    assert answer.claim == "MedLink's software was at fault"


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("MedLink denied that its software was at fault", "not who said it"),
        ("Ana Ruiz said MedLink's software was at fault", "not who said it"),
        ("MedLink rejected the findings. Its software was at fault", "do not add sentences"),
        ("Its software was at fault, Zenith said", "not there: zenith"),
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


def test_a_speech_verb_the_claim_already_had_may_stay() -> None:
    evidence = "it said the outage was over"
    context = "MedLink posted an update. It said the outage was over."
    assert _rewrite("MedLink said the outage was over", evidence, context).claim


def test_a_claim_of_two_sentences_may_stay_two_sentences() -> None:
    evidence = "It failed twice. It was fixed."
    context = "The scanner was old. It failed twice. It was fixed."
    assert _rewrite("The scanner failed twice. The scanner was fixed.", evidence, context)
