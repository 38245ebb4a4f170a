from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationInfo, model_validator

from newsbrief.backends import resolve_backend
from newsbrief.backends.response_format import translate_response_format
from newsbrief.errors import ConfigurationError
from newsbrief.llm import CallStats, ModelClient
from tests.fault_server import FaultServer, answer, serve


def test_default_is_the_embedded_model_and_local() -> None:
    backend = resolve_backend(None, None)
    assert backend.kind == "embedded" and not backend.is_remote


def test_openai_prefix_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        resolve_backend("openai/gpt-4o-mini", None)


def test_key_is_not_in_the_backend_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-value-123456")
    backend = resolve_backend("openai/gpt-4o-mini", None)
    assert backend.is_remote and backend.model == "gpt-4o-mini"
    assert "sk-test" not in repr(backend)


def test_base_url_is_an_openai_compatible_server_with_json_schema() -> None:
    backend = resolve_backend("qwen", "http://127.0.0.1:8080/v1")
    assert (backend.kind, backend.model, backend.mode) == ("openai", "qwen", "json_schema")


def test_environment_names_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBRIEF_BASE_URL", "http://127.0.0.1:9999/v1")
    assert resolve_backend(None, None).base_url == "http://127.0.0.1:9999/v1"


def test_gguf_path_uses_the_in_process_path(tmp_path: Path) -> None:
    model = tmp_path / "better.gguf"
    model.write_bytes(b"GGUF")
    backend = resolve_backend(str(model), None)
    assert (backend.kind, backend.gguf_path) == ("gguf", model)
    assert resolve_backend(f"gguf:{model}", None).gguf_path == model


def test_missing_gguf_and_unknown_spelling_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no GGUF file"):
        resolve_backend(str(tmp_path / "missing.gguf"), None)
    with pytest.raises(ConfigurationError, match="not understood"):
        resolve_backend("qwen", None)


def test_json_schema_format_becomes_the_form_llama_cpp_builds_a_grammar_from() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    translated = translate_response_format(
        {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}}
    )
    assert translated == {"type": "json_object", "schema": schema}
    assert translate_response_format({"type": "text"}) == {"type": "text"}


class _Echo(BaseModel):
    """An answer that must repeat the word its validation context names."""

    word: str

    @model_validator(mode="after")
    def _is_the_word(self, info: ValidationInfo) -> _Echo:
        SEEN_CONTEXTS.append(dict(info.context or {}))
        if self.word != (info.context or {}).get("word"):
            raise ValueError("repeat the word you were given")
        return self


SEEN_CONTEXTS: list[dict[str, object]] = []


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    yield from serve(monkeypatch)


def test_context_reaches_the_validators_and_template_syntax_reaches_the_model_as_written(
    server: FaultServer,
) -> None:
    SEEN_CONTEXTS.clear()
    messages = [
        {"role": "system", "content": "Repeat the word.\n  \n  Indented {# not a comment #}"},
        {"role": "user", "content": "The file held {{ x }} and {% if y %} markers."},
    ]
    server.script(answer('{"word": "other"}'), answer('{"word": "lighthouse"}'))
    backend = resolve_backend("test", server.url, retry_wait_s=0.01)
    client = ModelClient(backend, None, "test@1")
    stats = CallStats()
    got = client.ask(_Echo, messages, stats=stats, max_tokens=20, context={"word": "lighthouse"})
    assert got.word == "lighthouse"
    assert SEEN_CONTEXTS == [{"word": "lighthouse"}] * 2  # the first answer and the re-ask
    first, reask = server.chat_requests()
    assert first.messages == messages
    assert reask.messages[:2] == messages and len(reask.messages) > 2
    assert (stats.questions, stats.attempts) == (1, 2)
