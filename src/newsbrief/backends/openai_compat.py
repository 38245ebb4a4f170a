"""OpenAI and OpenAI-compatible servers, through the ``openai`` client (which never retries:
`retries` does).

A server that refuses OpenAI's ``json_schema`` response format (llama-cpp-python's does) is
asked again at once with ``{"type": "json_object", "schema": ...}``, and so is every later
request of the same transport.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from newsbrief.backends.response_format import rejects_json_schema, translate_response_format

if TYPE_CHECKING:
    from newsbrief.backends import Backend
    from newsbrief.backends.retries import Transport

logger = logging.getLogger(__name__)


def transport(backend: Backend) -> Transport:
    """One chat completion per call from the server ``backend`` names; no retries."""
    from openai import APIStatusError, OpenAI

    client = OpenAI(
        api_key=backend.api_key,
        base_url=backend.base_url,
        timeout=backend.timeout_s,
        max_retries=0,
    )
    json_object_only = False

    def create(**request: Any) -> Any:
        nonlocal json_object_only
        if not json_object_only:
            try:
                return client.chat.completions.create(model=backend.model, **request)
            except APIStatusError as exc:
                if not rejects_json_schema(exc, request):
                    raise
            logger.info(
                "%s does not take OpenAI's json_schema response format; "
                "asking for json_object with the schema instead (llama-cpp-python style)",
                backend.where(),
            )
            json_object_only = True
        request["response_format"] = translate_response_format(request.get("response_format"))
        return client.chat.completions.create(model=backend.model, **request)

    return create
