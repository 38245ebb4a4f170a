"""The one path to a model: backend choice, Instructor, transport retries, fixtures.

Backends (chosen by `resolve_backend`):

- ``embedded``: the default; Qwen2.5-Coder-1.5B-Instruct in-process (``newsbrief[local]``).
- ``gguf``: any GGUF file on disk, same in-process path: ``model="gguf:/path/model.gguf"``
  or simply a path ending in ``.gguf``.
- ``openai``: OpenAI (``model="openai/gpt-4o-mini"``, key from ``OPENAI_API_KEY``) or any
  OpenAI-compatible server (``base_url="http://127.0.0.1:8080/v1"``, ``model`` its name).

An article goes to a remote service only when the caller names one (a provider-prefixed
model, a ``base_url``, or ``NEWSBRIEF_MODEL`` / ``NEWSBRIEF_BASE_URL``).

Two kinds of retry, never mixed: transport faults (connection, timeout, 429, 5xx) are
retried here with tenacity and never reach the prompt; validation failures are re-asked by
Instructor with the exact errors.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from newsbrief.errors import (
    ConfigurationError,
    ModelError,
    NewsbriefError,
    ValidationFailedError,
)
from newsbrief.fixtures import FixtureStore, request_key

if TYPE_CHECKING:
    from openai import OpenAI

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

ENV_MODEL = "NEWSBRIEF_MODEL"
ENV_BASE_URL = "NEWSBRIEF_BASE_URL"
SAMPLING_KEYS = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "seed",
    "max_tokens",
    "stop",
    "repeat_penalty",
    "frequency_penalty",
    "presence_penalty",
)
KEYED_REQUEST_KEYS = ("messages", "response_format", "tools", "tool_choice")


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

    @property
    def is_remote(self) -> bool:
        return self.kind == "openai"


def resolve_backend(
    model: str | None,
    base_url: str | None,
    *,
    api_key: str | None = None,
    timeout_s: float = 120.0,
    transport_attempts: int = 4,
) -> Backend:
    """The backend the caller named, or the embedded default."""
    model = model or os.environ.get(ENV_MODEL) or None
    base_url = base_url or os.environ.get(ENV_BASE_URL) or None
    common: dict[str, Any] = {"timeout_s": timeout_s, "transport_attempts": transport_attempts}
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
        from newsbrief.embedded import DEFAULT_MODEL_ID

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


@dataclass
class CallStats:
    """Counters for one brief; thread-safe."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    questions: int = 0
    attempts: int = 0
    fixture_hits: int = 0
    fixture_misses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_response(self, response: Any, *, hit: bool) -> None:
        usage = getattr(response, "usage", None)
        with self._lock:
            self.attempts += 1
            if hit:
                self.fixture_hits += 1
            else:
                self.fixture_misses += 1
            if usage is not None:
                self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
                self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)

    def add_question(self) -> None:
        with self._lock:
            self.questions += 1


# The counters of the brief being made; Instructor calls `_create` in the caller's context.
_current_stats: ContextVar[CallStats | None] = ContextVar("newsbrief_call_stats", default=None)


class ModelClient:
    """Asks structured questions of one backend, through Instructor and the fixture store."""

    def __init__(self, backend: Backend, store: FixtureStore | None, prompt_version: str):
        self.backend = backend
        self.store = store
        self.prompt_version = prompt_version
        self._transport: Callable[..., Any] | None = None
        self._transport_lock = threading.Lock()
        self._patched = self._patch()

    def ask(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        stats: CallStats,
        max_tokens: int,
        max_retries: int = 2,
    ) -> T:
        """One structured answer; re-asked on validation errors up to ``max_retries`` times.

        Raises `ValidationFailedError` when no attempt validated, `ModelError` on transport
        faults that outlasted their retries, `FixtureMissError` on a replay miss.
        """
        from instructor.core.exceptions import InstructorRetryException

        stats.add_question()
        token = _current_stats.set(stats)
        try:
            result: T = self._patched(
                response_model=response_model,
                messages=messages,
                max_retries=max_retries,
                max_tokens=max_tokens,
                temperature=0.0,
                seed=0,
            )
        except InstructorRetryException as exc:
            cause = exc.__cause__
            if isinstance(cause, NewsbriefError):
                raise cause from None
            raise ValidationFailedError(
                f"no valid answer after {exc.n_attempts} attempts: {_short(str(cause or exc))}",
                draft=exc.last_completion,
                errors=[_short(str(cause or exc))],
            ) from exc
        except NewsbriefError:
            raise
        except Exception as exc:  # Instructor's own errors, e.g. output cut at max_tokens
            raise ValidationFailedError(
                f"the model's answer was unusable: {_short(str(exc))}", errors=[str(exc)]
            ) from exc
        finally:
            _current_stats.reset(token)
        return result

    def _patch(self) -> Callable[..., Any]:
        import instructor

        mode = {"json_schema": instructor.Mode.JSON_SCHEMA, "tools": instructor.Mode.TOOLS}[
            self.backend.mode
        ]
        return instructor.patch(create=self._create, mode=mode)

    def _keyed_request(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "backend": self.backend.kind,
            "model": self.backend.model,
            "mode": self.backend.mode,
            "prompt_version": self.prompt_version,
        }
        for name in KEYED_REQUEST_KEYS:
            if name in kwargs:
                request[name] = kwargs[name]
        request["sampling"] = {k: kwargs[k] for k in SAMPLING_KEYS if k in kwargs}
        return request

    def _create(self, **kwargs: Any) -> Any:
        """What Instructor calls for every attempt: fixtures first, then the transport."""
        from openai.types.chat import ChatCompletion

        stats = _current_stats.get() or CallStats()
        request = self._keyed_request(kwargs)
        key = request_key(request)
        store = self.store
        if store is not None and store.reads:
            recorded = store.load(key)
            if recorded is not None:
                response = ChatCompletion.model_validate(recorded)
                stats.add_response(response, hit=True)
                return response
            if store.mode == "replay":
                raise store.miss(key, request)
        response = self._call_with_retries(kwargs)
        stats.add_response(response, hit=False)
        if store is not None and store.writes:
            store.save(key, request, response.model_dump(mode="json", exclude_unset=True))
        return response

    def _call_with_retries(self, kwargs: dict[str, Any]) -> Any:
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            wait_exponential_jitter,
        )

        transport = self._get_transport()
        retrying = Retrying(
            stop=stop_after_attempt(self.backend.transport_attempts),
            wait=wait_exponential_jitter(initial=1, max=20),
            retry=retry_if_exception(_is_transient),
            reraise=False,
        )
        started = time.perf_counter()
        try:
            for attempt in retrying:
                with attempt:
                    return transport(**kwargs)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise ModelError(
                f"{self.backend.kind} backend failed {self.backend.transport_attempts} times "
                f"in {time.perf_counter() - started:.1f} s: {_describe(last)}"
            ) from last
        except NewsbriefError:
            raise
        except Exception as exc:
            raise ModelError(f"{self.backend.kind} backend failed: {_describe(exc)}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_transport(self) -> Callable[..., Any]:
        with self._transport_lock:
            if self._transport is None:
                self._transport = self._make_transport()
            return self._transport

    def _make_transport(self) -> Callable[..., Any]:
        backend = self.backend
        if backend.kind in ("embedded", "gguf"):
            from newsbrief import embedded

            return embedded.load(backend.gguf_path).create
        client = _openai_client(backend)

        def create(**kwargs: Any) -> Any:
            return client.chat.completions.create(model=backend.model, **kwargs)

        return create


def _openai_client(backend: Backend) -> OpenAI:
    from openai import OpenAI

    # Retries belong to tenacity above, so the client itself must not retry.
    return OpenAI(
        api_key=backend.api_key,
        base_url=backend.base_url,
        timeout=backend.timeout_s,
        max_retries=0,
    )


def _is_transient(exc: BaseException) -> bool:
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is a core dependency
        return False
    if isinstance(exc, openai.APIConnectionError | openai.APITimeoutError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return False


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    return f"{name} (HTTP {status})" if status else f"{name}: {_short(str(exc))}"


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
