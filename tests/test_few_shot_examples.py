"""Every few-shot example of every prompt is an answer the code accepts.

A prompt that teaches an answer the validators reject wastes every call that imitates it, so
each example's answer goes through its answer model with the checks a live answer to the
example's question would meet (as langextract validates its examples before any call).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from newsbrief.numbers import find_numbers
from newsbrief.pipeline import PROMPTS
from newsbrief.questions import (
    Attribution,
    FigureAnswer,
    SelfContained,
    Summary,
    attribution_checks,
    claim_checks,
    summary_checks,
    validate_answer,
)

from .scripted import few_shot_examples

# Each prompt's answer model, and the checks of its question, from the question's values.
QUESTIONS: dict[str, tuple[type[BaseModel], Callable[[dict[str, str]], dict[str, Any]]]] = {
    "attribution": (Attribution, lambda values: attribution_checks(values["sentence"])),
    "claim": (SelfContained, lambda values: claim_checks(values["claim"], values["context"])),
    "figure": (FigureAnswer, lambda values: {}),
    "summary": (Summary, lambda values: summary_checks(find_numbers(values["article"]))),
}

EXAMPLES = [
    pytest.param(prompt, values, answer, id=f"{prompt}-{number + 1}")
    for prompt in PROMPTS
    for number, (values, answer) in enumerate(few_shot_examples(prompt))
]


def test_every_prompt_has_an_answer_model_and_examples() -> None:
    assert set(QUESTIONS) == set(PROMPTS)
    assert all(few_shot_examples(prompt) for prompt in PROMPTS)


@pytest.mark.parametrize(("prompt", "values", "answer"), EXAMPLES)
def test_the_example_answer_meets_the_checks_of_its_question(
    prompt: str, values: dict[str, str], answer: str
) -> None:
    model, checks = QUESTIONS[prompt]
    validated = validate_answer(model, json.loads(answer), checks(values))
    # Nothing in the answer is changed by validation (a via dropped, a speaker emptied).
    assert validated.model_dump() == json.loads(answer)
