"""The response-format quirks of llama.cpp, in-process or behind an OpenAI-compatible server.

Instructor's JSON_SCHEMA mode sends OpenAI's ``{"type": "json_schema", "json_schema": ...}``;
llama-cpp-python builds a grammar only for ``{"type": "json_object", "schema": ...}`` and
silently ignores the other, which would leave the output unconstrained.  The embedded backend
always translates; the OpenAI-compatible transport translates once a server has refused the
``json_schema`` form.
"""

from __future__ import annotations

from typing import Any


def translate_response_format(response_format: Any) -> Any:
    """OpenAI's ``json_schema`` response format in the form llama-cpp-python reads."""
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        return {"type": "json_object", "schema": schema}
    return response_format


def rejects_json_schema(exc: Exception, request: dict[str, Any]) -> bool:
    """Whether an HTTP error is a server refusing the ``json_schema`` response format.

    llama-cpp-python's server answers HTTP 500 with a validation error naming
    ``response_format`` ("Input should be 'text' or 'json_object'"); others answer 400/422.
    """
    sent = request.get("response_format")
    if not isinstance(sent, dict) or sent.get("type") != "json_schema":
        return False
    status = getattr(exc, "status_code", None)
    if status not in (400, 422, 500):
        return False
    text = f"{getattr(exc, 'message', '')} {getattr(exc, 'body', '')}"
    return "response_format" in text
