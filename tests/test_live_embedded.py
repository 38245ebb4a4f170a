"""The real embedded model, in-process (slow: minutes on 2 cores). Marked ``live``."""

from __future__ import annotations

import json

import pytest

import newsbrief
from newsbrief import embedded

pytestmark = pytest.mark.live


def test_json_schema_response_format_is_enforced_by_a_grammar() -> None:
    """Instructor's json_schema format must reach llama.cpp as a grammar, not be ignored."""
    model = embedded.load()
    response = model.create(
        messages=[{"role": "user", "content": "Say hello to me in French, in plain words."}],
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "Answer",
                "schema": {
                    "type": "object",
                    "properties": {"answer": {"type": "string", "enum": ["zebra-42"]}},
                    "required": ["answer"],
                },
            },
        },
        max_tokens=20,
        temperature=0.0,
    )
    assert json.loads(response.choices[0].message.content) == {"answer": "zebra-42"}


def test_embedded_model_briefs_the_seed_article_end_to_end(seed_text: str) -> None:
    brief = newsbrief.summarize(seed_text, fixtures="off")

    assert brief.meta.backend == "embedded"
    assert brief.meta.fixture_misses == brief.meta.attempts > 0
    assert brief.meta.usage.completion_tokens > 0
    assert brief.summary.strip()
    assert brief.claims and brief.sources and brief.figures
    for span in brief.evidence_spans():
        assert seed_text[span.start : span.end] == span.text
    # Values come from code, parsed from the evidence, never from the model.
    by_text = {f.evidence.text: f for f in brief.figures}
    expansion = by_text["from 500 to as high as 5,000"]
    assert (expansion.value, expansion.change_from, expansion.qualifier) == (5000, 500, "at_most")
    assert {14, 1, 9, 2018, 2020} <= {f.value for f in brief.figures}


def test_switching_question_kinds_restores_a_snapshot_and_answers_the_same() -> None:
    """Back to an earlier prompt kind, only the new question is evaluated, not its prefix."""
    from newsbrief.prompts import load_prompt

    model = embedded.load()
    attribution, figure = load_prompt("attribution"), load_prompt("figure")
    question = attribution.render(sentence="Prices rose 4 percent in May, the office said.")
    evaluated: list[int] = []
    original_eval = model.llama.eval

    def counting_eval(tokens: list[int]) -> None:
        evaluated.append(len(tokens))
        original_eval(tokens)

    def ask(messages: list[dict[str, str]]) -> str:
        response = model.create(messages=messages, max_tokens=30, temperature=0.0, seed=0)
        return str(response.choices[0].message.content)

    model.llama.eval = counting_eval
    try:
        ask(attribution.render(sentence="The minister will resign, diplomats told Reuters."))
        ask(figure.render(sentence="Seven people died.", number="Seven"))
        evaluated.clear()
        restored = ask(question)
        restored_prompt = evaluated[0]
        model.snapshots.clear()
        model.llama.reset()
        evaluated.clear()
        cold = ask(question)
        cold_prompt = evaluated[0]
    finally:
        del model.llama.eval
    assert restored == cold
    assert cold_prompt > 400  # the instructions and eight examples
    assert restored_prompt < 40  # the new sentence and the chat markup around it
