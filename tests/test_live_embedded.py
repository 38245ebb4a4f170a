"""The real embedded model, in-process (slow: minutes on 2 cores). Marked ``live``."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsbrief
from newsbrief.backends import embedded

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


def _answer(model: embedded.EmbeddedModel, messages: list[dict[str, str]]) -> str:
    response = model.create(messages=messages, max_tokens=30, temperature=0.0, seed=0)
    return str(response.choices[0].message.content)


@contextlib.contextmanager
def _counting_evals(llama: Any) -> Iterator[list[int]]:
    """The sizes of the token batches ``llama`` evaluates inside the block."""
    evaluated: list[int] = []
    original_eval = llama.eval

    def counting_eval(tokens: list[int]) -> None:
        evaluated.append(len(tokens))
        original_eval(tokens)

    llama.eval = counting_eval
    try:
        yield evaluated
    finally:
        del llama.eval


def test_switching_question_kinds_restores_a_snapshot_and_answers_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Back to an earlier prompt kind, only the new question is evaluated, not its prefix."""
    from newsbrief.prompts import load_prompt

    monkeypatch.setenv("NEWSBRIEF_PREFIX_CACHE", "off")  # the cold answer must be cold

    model = embedded.load()
    attribution, figure = load_prompt("attribution"), load_prompt("figure")
    question = attribution.render(sentence="Prices rose 4 percent in May, the office said.")

    with _counting_evals(model.llama) as evaluated:
        _answer(
            model, attribution.render(sentence="The minister will resign, diplomats told Reuters.")
        )
        _answer(model, figure.render(sentence="Seven people died.", number="Seven"))
        evaluated.clear()
        restored = _answer(model, question)
        restored_prompt = evaluated[0]
        model.snapshots.clear()
        model.llama.reset()
        evaluated.clear()
        cold = _answer(model, question)
        cold_prompt = evaluated[0]
    assert restored == cold
    assert cold_prompt > 400  # the instructions and eight examples
    assert restored_prompt < 40  # the new sentence and the chat markup around it


def test_a_new_process_starts_from_the_prefix_state_an_earlier_one_saved(tmp_path: Path) -> None:
    """Two questions of one kind save that kind's prefix to disk, cut to the prefix's own
    tokens; a model with nothing in memory (a new process) restores it and evaluates only
    the new question, and answers as a cold model does."""
    from newsbrief.backends import prefix_cache
    from newsbrief.prompts import load_prompt

    loaded = embedded.load()
    attribution = load_prompt("attribution")
    first_sentence = "The minister will resign, diplomats told Reuters."
    second_sentence = "Prices rose 4 percent in May, the office said."
    question = attribution.render(sentence="The talks failed, according to two officials.")

    with loaded.lock:
        llama = loaded.llama
        llama.reset()
        earlier = embedded.EmbeddedModel(path=loaded.path, llama=llama, prefix_dir=tmp_path)
        _answer(earlier, attribution.render(sentence=first_sentence))
        assert not list(tmp_path.glob("*.state"))  # one question: maybe a re-ask's prefix
        _answer(earlier, attribution.render(sentence=second_sentence))
        (saved_file,) = tmp_path.glob("*.state")
        saved = prefix_cache.read(tmp_path, saved_file.stem)
        assert saved is not None
        saved_text = llama.detokenize(list(saved.tokens), special=True).decode()
        assert saved_text.endswith("<|im_end|>\n")  # the last example's answer, no question
        assert "minister" not in saved_text and "Prices" not in saved_text

        try:
            with _counting_evals(llama) as evaluated:
                llama.reset()
                cold = _answer(embedded.EmbeddedModel(path=loaded.path, llama=llama), question)
                cold_prompt = evaluated[0]
                llama.reset()
                evaluated.clear()
                later = embedded.EmbeddedModel(path=loaded.path, llama=llama, prefix_dir=tmp_path)
                warm = _answer(later, question)
                warm_prompt = evaluated[0]
        finally:
            llama.reset()
    assert warm == cold
    assert cold_prompt > 400
    assert warm_prompt < 40
