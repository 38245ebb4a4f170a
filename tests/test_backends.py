from __future__ import annotations

from pathlib import Path

import pytest

from newsbrief.backends import resolve_backend
from newsbrief.backends.response_format import translate_response_format
from newsbrief.errors import ConfigurationError


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
