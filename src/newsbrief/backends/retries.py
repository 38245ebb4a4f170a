"""Transport retries, one policy for every backend: tenacity, backoff or the server's Retry-After.

Connection faults, timeouts, HTTP 408, 429 and 5xx are retried up to the backend's
``transport_attempts``, with exponential backoff (plus jitter) or the wait the server's
``Retry-After`` asks for, up to its cap.  The request is sent again unchanged: a transport
fault never reaches the prompt (validation failures are Instructor's re-asks, in `llm`).
Whatever fails for good, and a response that is not a chat completion, is a `ModelError`
naming the backend without its credentials.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from newsbrief.backends.redact import scrub, short
from newsbrief.errors import ModelError, NewsbriefError

if TYPE_CHECKING:
    from tenacity import RetryCallState

    from newsbrief.backends import Backend

logger = logging.getLogger(__name__)

Transport = Callable[..., Any]


def with_retries(transport: Transport, backend: Backend) -> Transport:
    """``transport`` with transport faults retried, and every failure a `ModelError`."""

    def create(**request: Any) -> Any:
        from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt

        retrying = Retrying(
            stop=stop_after_attempt(backend.transport_attempts),
            wait=lambda state: _wait(state, backend),
            retry=retry_if_exception(is_transient),
            before_sleep=lambda state: _log_retry(state, backend),
            reraise=False,
        )
        started = time.perf_counter()
        try:
            for attempt in retrying:
                with attempt:
                    response = transport(**request)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise ModelError(
                scrub(
                    f"{backend.where()} failed {backend.transport_attempts} times in "
                    f"{time.perf_counter() - started:.1f} s: {describe(last)}",
                    backend.api_key,
                )
            ) from last
        except NewsbriefError:
            raise
        except json.JSONDecodeError as exc:  # from the openai client: a body that is not JSON
            raise ModelError(
                scrub(
                    f"{backend.where()} sent a response body that is not JSON: {describe(exc)}",
                    backend.api_key,
                )
            ) from exc
        except Exception as exc:
            raise ModelError(
                scrub(f"{backend.where()} failed: {describe(exc)}", backend.api_key)
            ) from exc
        _check_completion(response, backend)
        return response

    return create


def retry_after_s(exc: BaseException | None, *, now: float | None = None) -> float | None:
    """The wait an HTTP error asks for (``retry-after-ms``, ``Retry-After`` in seconds or as
    an HTTP date), in seconds; None when it asks for none or the header is unreadable."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    seconds: float | None = None
    millis = headers.get("retry-after-ms")
    value = headers.get("retry-after")
    if millis is not None:
        seconds = _float(millis)
        seconds = seconds / 1000 if seconds is not None else None
    if seconds is None and value is not None:
        seconds = _float(value)
        if seconds is None:
            try:
                when = email.utils.parsedate_to_datetime(value.strip())
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:  # RFC 9110 dates are GMT
                return None
            seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds is None or not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def is_transient(exc: BaseException) -> bool:
    """Whether a transport fault is worth another attempt (connection, timeout, 408, 429, 5xx)."""
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is a core dependency
        return False
    if isinstance(exc, openai.APIConnectionError | openai.APITimeoutError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return False


def describe(exc: BaseException | None) -> str:
    """The exception's type, HTTP status and the server's own error message, if any."""
    if exc is None:
        return "unknown error"
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    if not status:
        return f"{name}: {short(str(exc))}"
    body = getattr(exc, "body", None)
    detail = body.get("message") if isinstance(body, dict) else None
    if isinstance(detail, str) and detail.strip():
        return f"{name} (HTTP {status}): {short(detail, 200)}"
    return f"{name} (HTTP {status})"


def _wait(state: RetryCallState, backend: Backend) -> float:
    """Seconds before the next attempt: the server's Retry-After (capped), else backoff."""
    failure = state.outcome.exception() if state.outcome is not None else None
    asked = retry_after_s(failure)
    if asked is not None:
        return min(asked, backend.retry_after_max_s)
    exponent = max(state.attempt_number - 1, 0)
    backoff = min(backend.retry_wait_s * 2.0**exponent, backend.retry_wait_max_s)
    return backoff + random.uniform(0, backend.retry_wait_s)


def _log_retry(state: RetryCallState, backend: Backend) -> None:
    failure = state.outcome.exception() if state.outcome is not None else None
    sleep = state.next_action.sleep if state.next_action is not None else 0.0
    logger.info(
        scrub(
            f"{backend.where()}: attempt {state.attempt_number} of "
            f"{backend.transport_attempts} failed ({describe(failure)}); "
            f"retrying in {sleep:.2f} s",
            backend.api_key,
        )
    )


def _check_completion(response: Any, backend: Backend) -> None:
    """A `ModelError` for a response Instructor could not read (no choices, no message)."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise ModelError(
            scrub(
                f"{backend.where()} answered with no choices: the response is not a usable "
                f"chat completion (choices={short(repr(choices), 80)})",
                backend.api_key,
            )
        )
    if getattr(choices[0], "message", None) is None:
        raise ModelError(f"{backend.where()} answered with a choice that has no message")


def _float(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None
