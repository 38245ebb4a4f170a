"""Every entry point takes the same options, and a misspelt one fails at once."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import newsbrief
from newsbrief.options import Options, Settings


def test_the_options_and_the_settings_name_the_same_fields() -> None:
    assert set(Options.__annotations__) == {f.name for f in dataclasses.fields(Settings)}


def test_every_option_summarize_documents_is_an_option() -> None:
    doc = inspect.getdoc(newsbrief.summarize) or ""
    for name in Options.__annotations__:
        assert f"\n    {name}: " in f"\n{doc}", name


@pytest.mark.parametrize(
    "call",
    [
        lambda: newsbrief.summarize("text", fixture="replay"),  # type: ignore[call-arg]
        lambda: newsbrief.summarize_many(["text"], fixture="replay"),  # type: ignore[call-arg]
        lambda: newsbrief.summarize_stream("text", fixture="replay"),  # type: ignore[call-arg]
    ],
)
def test_a_misspelt_option_is_a_type_error_naming_it(call: object) -> None:
    with pytest.raises(TypeError, match="'fixture'"):
        call()  # type: ignore[operator]


def test_settings_never_show_the_api_key() -> None:
    settings = Settings(api_key="sk-secret-value", model="openai/gpt-4o-mini")
    assert "sk-secret-value" not in repr(settings)
    assert "openai/gpt-4o-mini" in repr(settings)
