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
