"""Where a model call goes: the backend the caller named, and its transport.

Backends (chosen by `resolve_backend`):

- ``embedded``: the default; Qwen2.5-Coder-1.5B-Instruct in-process (``newsbrief[local]``,
  `embedded`).
- ``gguf``: any GGUF file on disk, same in-process path: ``model="gguf:/path/model.gguf"``
  or simply a path ending in ``.gguf``.
- ``openai``: OpenAI (``model="openai/gpt-4o-mini"``, key from ``OPENAI_API_KEY``) or any
  OpenAI-compatible server (``base_url="http://127.0.0.1:8080/v1"``, ``model`` its name),
  `openai_compat`.

An article goes to a remote service only when the caller names one (a provider-prefixed
model, a ``base_url``, or ``NEWSBRIEF_MODEL`` / ``NEWSBRIEF_BASE_URL``).  `make_transport`
gives a backend's chat-completion function, with the transport retries of `retries`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsbrief.backends.redact import public_url
from newsbrief.backends.retries import Transport, with_retries
from newsbrief.errors import ConfigurationError

ENV_MODEL = "NEWSBRIEF_MODEL"
ENV_BASE_URL = "NEWSBRIEF_BASE_URL"

# Transport backoff: exponential from DEFAULT_RETRY_WAIT_S (plus as much jitter) up to
# DEFAULT_RETRY_WAIT_MAX_S; a server's Retry-After is obeyed up to RETRY_AFTER_MAX_S.
# `resolve_backend` reads these when called, so tests can shrink them.
DEFAULT_RETRY_WAIT_S = 1.0
DEFAULT_RETRY_WAIT_MAX_S = 20.0
RETRY_AFTER_MAX_S = 30.0


@dataclass(frozen=True)
class Backend:
    """Where calls go: ``kind`` embedded | gguf | openai, and the model's id."""

    kind: str
    model: str
    mode: str
    base_url: str | None = None
    gguf_path: Path | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 120.0
    transport_attempts: int = 4
    retry_wait_s: float = DEFAULT_RETRY_WAIT_S
    retry_wait_max_s: float = DEFAULT_RETRY_WAIT_MAX_S
    retry_after_max_s: float = RETRY_AFTER_MAX_S

    @property
    def is_remote(self) -> bool:
        return self.kind == "openai"

    def where(self) -> str:
        """The backend as error messages name it: its kind, and its URL without secrets."""
        if self.base_url:
            return f"{self.kind} backend at {public_url(self.base_url)}"
        return f"{self.kind} backend"


def resolve_backend(
    model: str | None,
    base_url: str | None,
    *,
    api_key: str | None = None,
    timeout_s: float = 120.0,
    transport_attempts: int = 4,
    retry_wait_s: float | None = None,
    retry_wait_max_s: float | None = None,
    retry_after_max_s: float | None = None,
) -> Backend:
    """The backend the caller named, or the embedded default.

    ``retry_wait_s`` is the first transport backoff (doubling up to ``retry_wait_max_s``);
    a server's ``Retry-After`` is obeyed up to ``retry_after_max_s``.  ``None`` takes the
    module defaults (`DEFAULT_RETRY_WAIT_S`, `DEFAULT_RETRY_WAIT_MAX_S`, `RETRY_AFTER_MAX_S`).
    """
    model = model or os.environ.get(ENV_MODEL) or None
    base_url = base_url or os.environ.get(ENV_BASE_URL) or None
    if transport_attempts < 1:
        raise ConfigurationError(f"transport_attempts must be at least 1, not {transport_attempts}")
    if timeout_s <= 0:
        raise ConfigurationError(f"timeout_s must be positive, not {timeout_s}")
    common: dict[str, Any] = {
        "timeout_s": timeout_s,
        "transport_attempts": transport_attempts,
        "retry_wait_s": DEFAULT_RETRY_WAIT_S if retry_wait_s is None else retry_wait_s,
        "retry_wait_max_s": DEFAULT_RETRY_WAIT_MAX_S
        if retry_wait_max_s is None
        else retry_wait_max_s,
        "retry_after_max_s": RETRY_AFTER_MAX_S if retry_after_max_s is None else retry_after_max_s,
    }
    if base_url is not None:
        name = model.split("/", 1)[1] if model and model.startswith("openai/") else model
        return Backend(
            "openai",
            name or "default",
            "json_schema",
            base_url=base_url,
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            **common,
        )
    if model is None or model in ("embedded", "default"):
        from newsbrief.backends.embedded import DEFAULT_MODEL_ID

        return Backend("embedded", DEFAULT_MODEL_ID, "json_schema", **common)
    if model.startswith("gguf:") or model.endswith(".gguf"):
        path = Path(model.removeprefix("gguf:")).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"no GGUF file at {path}")
        return Backend("gguf", f"gguf:{path.name}", "json_schema", gguf_path=path, **common)
    if model.startswith("openai/"):
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise ConfigurationError(
                f"model {model!r} needs an API key: set OPENAI_API_KEY or pass api_key="
            )
        return Backend("openai", model.split("/", 1)[1], "tools", api_key=key, **common)
    raise ConfigurationError(
        f"model {model!r} is not understood: use 'openai/NAME', a path to a .gguf file "
        "('gguf:PATH'), or base_url= for an OpenAI-compatible server"
    )


def make_transport(backend: Backend) -> Transport:
    """``backend``'s chat-completion function: keyword arguments of an OpenAI chat request
    in, an ``openai`` ChatCompletion out, transport faults retried (`retries`).

    The one way to a model (loading the embedded one on first call): tests replace it to
    block or script model calls.
    """
    if backend.kind in ("embedded", "gguf"):
        from newsbrief.backends import embedded

        return with_retries(embedded.load(backend.gguf_path).create, backend)
    from newsbrief.backends import openai_compat

    return with_retries(openai_compat.transport(backend), backend)
